from auditor.sources.statements import split_statements


def texts(sql: str, dialect: str = "postgres") -> list[tuple[int, str]]:
    return [(s.line, s.text) for s in split_statements(sql, dialect).statements]


def test_semicolons_inside_strings_identifiers_and_comments_do_not_split():
    sql = "SELECT 'a;b';\n-- c; d\nSELECT \"x;y\" /* ; */ FROM t;"
    assert texts(sql) == [(1, "SELECT 'a;b'"), (3, 'SELECT "x;y"   FROM t')]


def test_doubled_quote_and_mysql_backslash_escape():
    assert texts("SELECT 'it''s;';") == [(1, "SELECT 'it''s;'")]
    assert texts("SELECT 'a\\';b';", "mysql") == [(1, "SELECT 'a\\';b'")]


def test_dollar_quoted_function_body_is_one_statement():
    sql = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN; RETURN 1; END $body$ LANGUAGE plpgsql;\nSELECT 2;"
    result = texts(sql)
    assert len(result) == 2 and result[1] == (2, "SELECT 2")


def test_copy_data_rows_and_psql_meta_commands_are_skipped():
    sql = "\\restrict abc\nCOPY t (a) FROM stdin;\nx;y\n\\.\nSELECT 1;\n\\unrestrict abc\n"
    assert texts(sql) == [(2, "COPY t (a) FROM stdin"), (5, "SELECT 1")]


def test_mysql_executable_comments_are_unwrapped():
    sql = "/*!40101 SET NAMES utf8 */;\n/*!50001 CREATE VIEW v AS select 1 */;"
    assert [t.split() for _, t in texts(sql, "mysql")] == [["SET", "NAMES", "utf8"],
                                                           ["CREATE", "VIEW", "v", "AS", "select", "1"]]


def test_delimiter_go_and_slash_separators():
    assert texts("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;",
                 "mysql") == [(2, "CREATE PROCEDURE p() BEGIN SELECT 1; END"), (4, "SELECT 2")]
    assert texts("SELECT 1\nGO\nSELECT 2\nGO\n", "tsql") == [(1, "SELECT 1"), (3, "SELECT 2")]
    assert texts("BEGIN NULL; END;\n/\nSELECT 1 FROM dual;", "oracle")[-1] == (3, "SELECT 1 FROM dual")


def test_unterminated_string_is_reported_with_its_line_and_earlier_statements_kept():
    result = split_statements("SELECT 1;\nSELECT 'oops;\nSELECT 3;")
    assert [(s.line, s.text) for s in result.statements] == [(1, "SELECT 1")]
    assert [(e.line, e.message.split(" (")[0]) for e in result.errors] == [(2, "unterminated quoted text '…")]
