"""Table context in the classifier: subjects from names and foreign keys, prefixes, flags."""

from __future__ import annotations

from auditor.classify.columns import classify
from auditor.classify.vocabulary import load_vocabulary
from auditor.profiles import load_taxonomy

TAXONOMY = load_taxonomy()
VOCAB = load_vocabulary(TAXONOMY)


def _classify(ddl, sql, dialect="postgres"):
    return {c.target: c for c in classify(ddl(sql, dialect), TAXONOMY, VOCAB)}


def test_subject_from_foreign_keys(ddl):
    found = _classify(ddl, """
        CREATE TABLE agent (id int primary key, nom text);
        CREATE TABLE usager (id int primary key, nom text);
        CREATE TABLE conge (id int, agent_id int REFERENCES agent(id), motif text);
        CREATE TABLE suivi (id int, usager_id int REFERENCES usager(id), agent_id int REFERENCES agent(id));
        CREATE TABLE absence (id int, motif text);""")
    assert {t: found[f"{t}.id"].subject for t in ("agent", "usager", "conge", "suivi", "absence")} == {
        "agent": "staff", "usager": "beneficiary", "conge": "staff",
        "suivi": "beneficiary",   # points to two kinds of person: the default
        "absence": "beneficiary"}  # no rule, no key: the default


def test_prefixes_are_dropped(ddl):
    found = _classify(ddl, """
        CREATE TABLE t_usr (usr_id int, usr_nom text, usr_pnom text, usr_tel text, usr_dtnais date);
        CREATE TABLE dates (date_debut date, date_fin date, date_naissance date);""")
    assert [found[f"t_usr.{c}"].categories for c in ("usr_nom", "usr_pnom", "usr_tel", "usr_dtnais")] == [
        ["identity.name"], ["identity.name"], ["contact.phone"], ["identity.birth_date"]]
    product = _classify(ddl, """
        CREATE TABLE m_client (id int, firstname text);  CREATE TABLE m_staff (id int, lastname text);
        CREATE TABLE m_loan (id int); CREATE TABLE m_office (id int); CREATE TABLE m_fund (id int);""")
    assert (product["m_client.id"].subject, product["m_staff.id"].subject) == ("customer", "staff")
    # a shared first token that does not abbreviate the table is not a prefix
    assert found["dates.date_naissance"].categories == ["identity.birth_date"]


def test_flags_and_links_take_no_category_from_a_partial_name_or_a_comment(ddl):
    found = _classify(ddl, """
        CREATE TABLE account (password_never_expires tinyint, email_location_type_id int COMMENT 'FK to email type',
                              handicap_reconnu boolean, curatelle boolean, transaction_date datetime COMMENT 'Date of the transaction');""",
                      "mysql")
    assert found["account.password_never_expires"].categories == []
    assert found["account.email_location_type_id"].categories == []
    assert found["account.transaction_date"].categories == []            # « transaction » is not « action »
    assert found["account.handicap_reconnu"].categories == ["special.health"]  # a yes/no health flag is health data
    assert found["account.curatelle"].categories == ["legal_protection"]


def test_a_key_into_the_table_itself_is_a_tree_not_a_person(ddl):
    """`parent_id` of an account is the parent account: the table is a thing, its name and
    description nobody's; a person table's `parent_id` stays a relative."""
    found = _classify(ddl, """
        CREATE TABLE rubrique (id int primary key, name text, description text,
                               parent_id int REFERENCES rubrique(id), hierarchie text, code text,
                               desactive boolean, usage text, classification text, ordre int, couleur text);
        CREATE TABLE enfant (id int primary key, nom text, parent_id int);""")
    assert found["rubrique.name"].categories == []
    assert found["rubrique.description"].categories == []
    assert found["enfant.nom"].categories == ["identity.name"]


def test_a_sum_granted_to_a_person_is_income_whatever_the_table(ddl):
    found = _classify(ddl, """
        CREATE TABLE usager (id int primary key, nom text);
        CREATE TABLE decision_apre (id int, usager_id int REFERENCES usager(id),
                                         montantattribue numeric(10,2), montant_verse numeric(10,2),
                                         amount_awarded numeric, montant_total_accorde numeric);
        CREATE TABLE pret (id int, usager_id int REFERENCES usager(id), montant_accorde numeric);""")
    assert [found[f"decision_apre.{c}"].categories for c in
            ("montantattribue", "montant_verse", "amount_awarded", "montant_total_accorde")] == [
        ["financial.income"], ["financial.income"], ["financial.income"], []]   # a total is no one's sum
    assert found["pret.montant_accorde"].categories == ["financial.debts"]       # a loan's: owed


def test_a_long_text_in_a_people_table_is_free_text_where_text_is_a_choice(ddl):
    """A TEXT column says « sentences » in a schema whose other strings have a length: in a table
    about people it holds what they type, whatever its name; not in an organisation's table, not a
    file path, and not where every string is TEXT (SQLite, many PostgreSQL schemas)."""
    tables = """
        CREATE TABLE usager (id int primary key, nom varchar(50), prenom varchar(50), ville varchar(60),
                             code_insee varchar(5), objectifs_fixes text, url_fichier text);
        CREATE TABLE structure (id int primary key, nom varchar(100), presentation text);"""
    found = _classify(ddl, tables, "mysql")
    assert found["usager.objectifs_fixes"].categories == ["free_text"]
    assert [(r.source, r.subject) for r in found["usager.objectifs_fixes"].reasons] == [("type", "text")]
    assert found["usager.url_fichier"].categories == []
    assert found["structure.presentation"].categories == []
    everywhere_text = _classify(ddl, tables.replace("varchar(50)", "text").replace("varchar(60)", "text")
                                .replace("varchar(5)", "text").replace("varchar(100)", "text"))
    assert everywhere_text["usager.objectifs_fixes"].categories == []


def test_an_agency_named_in_the_term_does_not_block_it(ddl):
    """`$org` words block a person's term (`nom_structure`), but not a term that names the agency
    itself: France Travail's identifier of the person is theirs; being registered there is their
    professional situation."""
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom varchar(50), identifiantpe varchar(11),
                                inscritpe varchar(1), nom_structure varchar(50));""", "mysql")
    assert found["personnes.identifiantpe"].categories == ["identity.case_number"]
    assert found["personnes.inscritpe"].categories == ["professional"]
    assert found["personnes.nom_structure"].categories == []


def test_a_comment_is_read_without_the_function_words_of_its_sentence(ddl):
    """« are » in an English comment is a verb, not the ARE benefit; in a name it stays the benefit."""
    found = _classify(ddl, """
        CREATE TABLE uf_join (id int primary key, contact_id int, nom varchar(20), mt_are decimal(9,2),
                              weight int COMMENT 'Display order when the user groups are shown together');""", "mysql")
    assert found["uf_join.weight"].categories == []
    assert found["uf_join.mt_are"].categories == ["financial.income"]


def test_the_abbreviations_of_social_files_are_read(ddl):
    """`benef`, `heberg`, `alloc`, `surend`: short forms of the sector's files, whole or in a compound."""
    found = _classify(ddl, """
        CREATE TABLE dossier (id int primary key, nom_benef varchar(50), type_heberg varchar(20),
                              mt_alloc decimal(9,2), top_surend varchar(1));""", "mysql")
    assert [found[f"dossier.{c}"].categories for c in ("nom_benef", "type_heberg", "mt_alloc", "top_surend")] == [
        ["identity.name"], ["housing"], ["financial.income"], ["financial.debts"]]


def test_a_person_id_written_as_text_with_its_role_is_the_persons(ddl):
    """`ignorer_user_id TEXT` with no declared key: the id of a user (a login-like Matrix id), whatever
    role the extra word names; a declared key to a users table stays a plain link; a type is none."""
    found = _classify(ddl, """
        CREATE TABLE users (name text primary key, password_hash text, creation_ts bigint);
        CREATE TABLE ignored_users (ignorer_user_id text, ignored_user_id text, user_id_type text);
        CREATE TABLE blocks (blocker_user_id text REFERENCES users(name));""", "sqlite")
    assert found["ignored_users.ignorer_user_id"].categories == ["identity.case_number"]
    assert found["ignored_users.ignored_user_id"].categories == ["identity.case_number"]
    assert found["ignored_users.user_id_type"].categories == []
    assert found["blocks.blocker_user_id"].categories == []


def test_a_name_qualified_by_its_use_is_a_name(ddl):
    """`sort_name`, `household_name`: a person's (or household's) name, kept for a use."""
    found = _classify(ddl, """
        CREATE TABLE contact (id int primary key, first_name varchar(64), sort_name varchar(128),
                              household_name varchar(128), name_type varchar(8));""", "mysql")
    assert [found[f"contact.{c}"].categories for c in ("sort_name", "household_name", "name_type")] == [
        ["identity.name"], ["identity.name"], []]


def test_a_network_address_type_holds_an_ip_and_ties_split_on_the_longer_word(ddl):
    """An INET column is an IP address whatever its name (`creation_address`); a compound read two
    ways at the same cost takes the longer word (`trackid`: track + id, not trac + kid)."""
    found = _classify(ddl, """
        CREATE TABLE users (id int primary key, display_name varchar(64), creation_address inet);
        CREATE TABLE gps_points (id int primary key, user_id int REFERENCES users(id), trackid int);""")
    assert found["users.creation_address"].categories == ["logs.ip_address"]
    assert [(r.source, r.subject) for r in found["users.creation_address"].reasons] == [("type", "inet")]
    assert found["gps_points.trackid"].categories == []


def test_a_person_named_by_the_role_they_play_is_named(ddl):
    """A text column named by a role (`conseiller_pe`, `nom_responsable_organisme`, « chargé de
    suivi ») holds that person's name, whatever else its name says of the role; in an organisation's
    table too (its `president`, the `adresse_directeur`, who `created_by` a row), where the organisation's own phone stays
    nobody's. Not in a column too short for a name, nor in a yes/no glued to its flag word."""
    found = _classify(ddl, """
        CREATE TABLE usager (id int primary key, nom varchar(50), conseiller_pe varchar(100),
                             pers_charg_suivi varchar(50), changereferent varchar(1), isgestionnaire varchar(1),
                             nom_responsable_organisme varchar(255), referent_type varchar(30));
        CREATE TABLE partenaires (id int primary key, libelle varchar(100), telephone varchar(20),
                                  president varchar(100), adressepresident text, nb_conseillers int,
                                  created_by varchar(100));""")
    named = {c: found[f"usager.{c}"].categories for c in (
        "conseiller_pe", "pers_charg_suivi", "changereferent", "isgestionnaire", "nom_responsable_organisme",
        "referent_type")}
    assert named == {"conseiller_pe": ["identity.name"], "pers_charg_suivi": ["identity.name"],
                     "changereferent": [], "isgestionnaire": [], "nom_responsable_organisme": ["identity.name"],
                     "referent_type": []}
    partner = {c: found[f"partenaires.{c}"].categories for c in (
        "libelle", "telephone", "president", "adressepresident", "nb_conseillers", "created_by")}
    assert partner == {"libelle": [], "telephone": [], "president": ["identity.name"],
                       "adressepresident": ["contact.address"], "nb_conseillers": [], "created_by": ["identity.name"]}
    reason = found["usager.conseiller_pe"].reasons[0]
    assert (reason.source, reason.words, reason.partial) == ("name", ["conseiller=staff"], True)


def test_a_name_names_the_row_a_persons_or_a_things(ddl):
    """A `name` is a person's in a table of people; in a table of things that names its rows
    (a person's attachments), it is what people typed. A reference list whose other columns say
    how it shows an entry (`isautre`) is a list, not anyone's; one holding a person's key is not."""
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, name varchar(100));
        CREATE TABLE representant_legal (id int primary key, nom varchar(100), personne_id int REFERENCES personnes(id));
        CREATE TABLE pieces_jointes (id int primary key, name varchar(250), personne_id int REFERENCES personnes(id));
        CREATE TABLE sujetscers (id int primary key, name varchar(250), isautre varchar(1), actif char(1));
        CREATE TABLE cers (id int primary key, personne_id int REFERENCES personnes(id),
                           sujetcer_id int REFERENCES sujetscers(id));
        CREATE TABLE comptes_im (id int primary key, personne_id int REFERENCES personnes(id), name varchar(64),
                                 is_primary boolean);""")
    assert {t: found[f"{t}.{c}"].categories for t, c in (
        ("personnes", "name"), ("representant_legal", "nom"), ("pieces_jointes", "name"), ("sujetscers", "name"),
        ("comptes_im", "name"))} == {
        "personnes": ["identity.name"], "representant_legal": ["identity.name"], "pieces_jointes": ["free_text"],
        "sujetscers": [], "comptes_im": ["free_text"]}
    assert (found["sujetscers.name"].subject, found["comptes_im.name"].subject) == (None, "beneficiary")
    # a table the subject rules name for people (accounts: staff) names people, however it is shaped
    staff = _classify(ddl, "CREATE TABLE accounts (id int primary key, name varchar(100), title varchar(50));")
    assert staff["accounts.name"].categories == ["identity.name"]


def test_the_date_a_situation_began_says_that_situation(ddl):
    """`ddsitfam` (when the family situation began), `dtnati` (naturalisation) say the situation
    they date; a date's comment names what it dates, not a situation of the person; being homeless
    said by a yes/no is housing."""
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom varchar(50), ddsitfam date, dtnati date,
                                topsansdomfixe boolean, date_fin date COMMENT 'date the relationship ended',
                                date_d date COMMENT 'date du diagnostic VIH');""",
                      "mysql")
    assert {c: found[f"personnes.{c}"].categories for c in (
        "ddsitfam", "dtnati", "topsansdomfixe", "date_fin", "date_d")} == {
        "ddsitfam": ["family"], "dtnati": ["nationality"], "topsansdomfixe": ["housing"], "date_fin": [],
        "date_d": ["special.health"]}   # a sensitive situation is kept from the comment


def test_what_people_type_in_a_table_about_health_holds_health(ddl):
    """A free-text column of a table named for a sensitive topic holds that topic too."""
    found = _classify(ddl, """
        CREATE TABLE usager (id int primary key, nom varchar(50));
        CREATE TABLE medicalfile (id int primary key, usager_id int REFERENCES usager(id), encrypted text,
                                  commentaire text);
        CREATE TABLE passage (id int primary key, usager_id int REFERENCES usager(id), commentaire text);""")
    assert sorted(found["medicalfile.encrypted"].categories) == ["free_text", "special.health"]
    assert sorted(found["medicalfile.commentaire"].categories) == ["free_text", "special.health"]
    assert found["passage.commentaire"].categories == ["free_text"]


def test_when_a_person_was_last_active_is_their_connection_log(ddl):
    found = _classify(ddl, """
        CREATE TABLE users (id int primary key, name varchar(50), last_active timestamp, last_validated bigint,
                            last_seen timestamp, created_ts bigint);""")
    assert {c: found[f"users.{c}"].categories for c in ("last_active", "last_validated", "last_seen", "created_ts")} \
        == {"last_active": ["logs"], "last_validated": ["logs"], "last_seen": ["logs"], "created_ts": []}


def test_a_registration_number_says_an_organisation_or_a_sole_trader(ddl):
    found = _classify(ddl, """
        CREATE TABLE tribunaux (id int, etablissement text, siret varchar(14), telephone text, adresse text,
                                latitude real, email text);
        CREATE TABLE tiers_prestataires (id int, nomtiers text, siret char(14), numtel text);
        CREATE TABLE independants (id int, nom text, siret varchar(14), email text, telephone text);
        CREATE TABLE lieux (id int, nom text, finess char(9), telephone text);
        CREATE TABLE dossiers (id int, nom text, prenom text, numero_rna text);
        CREATE TABLE mandataires (id int, nom text, prenom text, siret varchar(14), telephone text);
        CREATE TABLE services (id int, nom text, prenom text, siret varchar(14), telephone text);
        CREATE TABLE clients (id int, raison_sociale text, nom_contact text, tel text, siret char(14));
        CREATE TABLE stagiaires (id int, prenom text, siretentaccueil char(14));""")
    # a SIRET, an organisation's word in a column or the table's name, and no column only people
    # have: the court's and the provider's phone and address are nobody's
    assert found["tribunaux.id"].subject is None
    assert [found[f"tribunaux.{c}"].categories for c in ("etablissement", "siret", "telephone", "adresse",
                                                         "latitude", "email")] == [[]] * 6
    assert [found[f"tiers_prestataires.{c}"].categories for c in ("nomtiers", "siret", "numtel")] == [[]] * 3
    # a SIRET alone may be a sole trader's: the table stays the people's it was
    assert found["independants.id"].subject == "beneficiary"
    assert [found[f"independants.{c}"].categories for c in ("email", "telephone")] == [
        ["contact.email"], ["contact.phone"]]
    # an establishment's FINESS number says an organisation, and is no person's
    assert found["lieux.id"].subject is None
    assert found["dossiers.numero_rna"].categories == []
    # a guardian working on their own: their SIRET identifies them
    assert found["mandataires.siret"].categories == ["identity"]
    assert found["mandataires.siret"].reasons[0].words == ["siret=org_identifier"]
    # an organisation's table (its manager's first name beside), a business client (its contact's
    # name beside), the host firm of a trainee: the organisation's number
    assert found["services.siret"].categories == []
    assert found["clients.siret"].categories == []
    assert found["clients.nom_contact"].categories == ["identity.name"]
    assert found["stagiaires.siretentaccueil"].categories == []


def test_a_self_employed_persons_turnover_is_their_income(ddl):
    found = _classify(ddl, """
        CREATE TABLE personnes (id int, nom text, prenom text, dtnai date);
        CREATE TABLE infos_independant (id int, personne_id int REFERENCES personnes(id), chaffvnt numeric,
                                        mtchiaffaeti numeric, moinsvaluescession numeric, regime text);""")
    assert [found[f"infos_independant.{c}"].categories for c in ("chaffvnt", "mtchiaffaeti", "moinsvaluescession")] \
        == [["financial.income"]] * 3
    assert found["infos_independant.chaffvnt"].reasons[0].words == ["chaff=turnover"]


def test_in_an_organisations_table_a_column_with_the_words_of_a_persons_name_is_that_persons(ddl):
    found = _classify(ddl, """
        CREATE TABLE entreprises (id int, raison_sociale text, siret char(14), chiffre_affaires numeric,
                                  telephone text, prenomsuivi text, nomsuivi text, numtelsuivi varchar(10));
        CREATE TABLE usagers (id int, nom text, prenom text, lieuresidence text, secteuractivite text);""")
    assert found["entreprises.id"].subject is None
    # the follow-up adviser's name and phone; the firm's phone and turnover are nobody's
    assert {c: found[f"entreprises.{c}"].categories for c in (
        "prenomsuivi", "nomsuivi", "numtelsuivi", "telephone", "chiffre_affaires")} == {
        "prenomsuivi": ["identity.name"], "nomsuivi": ["identity.name"], "numtelsuivi": ["contact.phone"],
        "telephone": [], "chiffre_affaires": []}
    # where a person lives, the trade they work in
    assert found["usagers.lieuresidence"].categories == ["contact.address"]
    assert found["usagers.lieuresidence"].reasons[0].words == ["lieu_residence=address"]
    assert found["usagers.secteuractivite"].categories == ["professional"]


def test_a_flag_word_glued_before_a_name_is_read_first():
    lex = VOCAB.lexicon
    assert [(w.text, w.lemma) for w in lex.read("topenfreconn").words][:2] == [("top", "top"), ("enf", "child")]
    # not « to » + « pdo » + …: the CAF flow's yes/no « top » + what it says
    assert lex.read("topdomideract").words[0].text == "top"
    # a word of the language that starts the same stays whole, and so does a name read well without
    # the flag (`topicid`: topic + id, not top + ic + id)
    assert [w.text for w in lex.read("topology").words] == ["topology"]
    assert [w.lemma for w in lex.read("topicid").words] == ["topic", "id"]


def test_an_empty_flag_prefix_is_refused_with_its_file_line_and_key(tmp_path):
    import pytest

    from auditor.classify.vocabulary import load_lexicon
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    source = (data_dir("rules") / "classification" / "lexicon.yaml").read_text(encoding="utf-8")
    assert source.count("flag_prefixes: [top]") == 1
    line = source[:source.index("flag_prefixes: [top]")].count("\n") + 1
    path = tmp_path / "lexicon.yaml"
    path.write_text(source.replace("flag_prefixes: [top]", "flag_prefixes: ['']"), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_lexicon(path)
    assert (caught.value.line, caught.value.key) == (line, "flag_prefixes.0")


def test_the_parts_of_a_french_rib_are_bank_details_in_a_persons_payments_not_in_a_banks_table(ddl):
    found = _classify(ddl, """
        CREATE TABLE beneficiaires (id int primary key, nom text, prenom text, date_naissance date);
        CREATE TABLE paiements (id int, beneficiaire_id int REFERENCES beneficiaires(id), code_guichet char(5),
                                etaban char(5), guiban char(5), cle_rib char(2));
        CREATE TABLE banques (id int primary key, nom text, code_banque char(5), code_guichet char(5));""")
    assert [found[f"paiements.{c}"].categories for c in ("code_guichet", "etaban", "guiban", "cle_rib")] == [
        ["financial.bank_account"]] * 4
    assert found["paiements.code_guichet"].reasons[0].words == ["code_guichet=rib_part"]
    assert [found[f"banques.{c}"].categories for c in ("code_banque", "code_guichet")] == [[], []]


def test_a_count_of_people_is_no_reference_to_one(ddl):
    """`max_number_of_contacts` bounds a count: it does not make a survey a person's row, so the
    survey's texts are its own, not what a person typed; `contact_id` does."""
    found = _classify(ddl, """
        CREATE TABLE contact (id int primary key, first_name varchar(64), last_name varchar(64), city varchar(64));
        CREATE TABLE survey (id int primary key, title varchar(255), instructions text,
                             max_number_of_contacts int);
        CREATE TABLE petition (id int primary key, title varchar(255), instructions text,
                               contact_id int REFERENCES contact(id));
        CREATE TABLE appeal (id int primary key, title varchar(255), instructions text,
                               default_contact_id int);""")
    assert [found[f"survey.{c}"].categories for c in ("title", "instructions")] == [[], []]
    assert [found[f"petition.{c}"].categories for c in ("title", "instructions")] == [["free_text"], ["free_text"]]
    # a bound alone is no count: the default contact is a person's row
    assert [found[f"appeal.{c}"].categories for c in ("title", "instructions")] == [["free_text"], ["free_text"]]


def test_a_code_of_a_list_in_a_persons_row_is_a_fact_of_their_file(ddl):
    """A key into a code list in a person's row codes a fact of their file: the reason they left an
    action, the orientation proposed, whatever else the name says (`motifsortie_id`). A table that only
    pairs entries of two lists (which documents each kind of aid asks for) is nobody's."""
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom varchar(50));
        CREATE TABLE motifssortie (id int primary key, name varchar(250), actif boolean);
        CREATE TABLE typesaides (id int primary key, name varchar(250));
        CREATE TABLE piecesaides (id int primary key, name varchar(250));
        CREATE TABLE langues (id int primary key, name varchar(250));
        CREATE TABLE causes_sortie (code varchar(20) primary key, libelle varchar(250));
        CREATE TABLE mesures (id int primary key, personne_id int REFERENCES personnes(id),
                              cause_sortie varchar(20) REFERENCES causes_sortie(code));
        CREATE TABLE actions_personnes (id int primary key, personne_id int REFERENCES personnes(id),
                                        motifsortie_id int REFERENCES motifssortie(id),
                                        help_language_id int REFERENCES langues(id));
        CREATE TABLE piecesaides_typesaides (id int primary key, pieceaide_id int REFERENCES piecesaides(id),
                                             typeaide_id int REFERENCES typesaides(id));""")
    coded = found["actions_personnes.motifsortie_id"]
    assert (coded.categories, [(r.source, r.words, r.partial) for r in coded.reasons]) == (
        ["support_actions"], [("name", ["motif=reason"], True)])
    # a text key into the exit causes still codes the exit, whatever a reason typed would be
    assert "support_actions" in found["mesures.cause_sortie"].categories
    # a code's other words may name another fact: the language help is given in is a language
    assert found["actions_personnes.help_language_id"].categories == ["identity.language"]
    assert [found[f"piecesaides_typesaides.{c}"].categories for c in ("pieceaide_id", "typeaide_id")] == [[], []]
    assert found["piecesaides_typesaides.id"].subject is None


def test_the_label_or_code_of_a_persons_situation_is_that_situation(ddl):
    """`lib_action`, `libelle_nationalite`: the label of the action taken for the person, of their
    nationality, is that action and that nationality; the label of an identifier is not the identifier."""
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom varchar(50), lib_action varchar(100),
                                libelle_nationalite varchar(50), libelle_email varchar(50));""")
    assert [found[f"personnes.{c}"].categories for c in ("lib_action", "libelle_nationalite", "libelle_email")] == [
        ["support_actions"], ["nationality"], []]
    assert [r.partial for r in found["personnes.lib_action"].reasons] == [False]


def test_a_tables_column_prefix_is_no_person_word_and_legacy_abbreviations_are_read(ddl):
    """`PRE_` abbreviates T_PRESTATAIRE (a provider): it is no first name, so the provider's phone and
    address are nobody's, while its manager (`PRE_RESPNOM`, « responsable ») is named. In a person's
    row, `UTIMAJ` is the login of the user who last updated it, `MOTCOD` the code of a reason
    (« motif »), `DTHOSP` the date of a hospitalisation, `TYPPREST` the kind of benefit."""
    found = _classify(ddl, """
        CREATE TABLE T_PRESTATAIRE (PRE_ID NUMBER(10) PRIMARY KEY, PRE_RAISOC VARCHAR2(80), PRE_ADR1 VARCHAR2(80),
                                    PRE_TEL VARCHAR2(14), PRE_RESPNOM VARCHAR2(60), PRE_RESPTEL VARCHAR2(14));
        CREATE TABLE T_BENEFICIAIRE (BEN_ID NUMBER(10) PRIMARY KEY, BEN_NOM VARCHAR2(60), BEN_PRENOM VARCHAR2(60),
                                     BEN_UTIMAJ VARCHAR2(20), BEN_DTHOSP DATE);
        CREATE TABLE T_DOSSIER (DOS_ID NUMBER(10) PRIMARY KEY, DOS_BEN_ID NUMBER(10) REFERENCES T_BENEFICIAIRE(BEN_ID),
                                DOS_MOTCOD VARCHAR2(6), DOS_TYPPREST VARCHAR2(6), DOS_UTIMAJ VARCHAR2(20));""",
                      "oracle")
    assert {c: found[f"T_PRESTATAIRE.{c}"].categories for c in ("PRE_ADR1", "PRE_TEL", "PRE_RESPNOM", "PRE_RESPTEL")} \
        == {"PRE_ADR1": [], "PRE_TEL": [], "PRE_RESPNOM": ["identity.name"], "PRE_RESPTEL": ["contact.phone"]}
    assert found["T_BENEFICIAIRE.BEN_UTIMAJ"].categories == ["identity.name"]
    assert found["T_BENEFICIAIRE.BEN_DTHOSP"].categories == ["special.health"]
    assert {c: found[f"T_DOSSIER.{c}"].categories for c in ("DOS_MOTCOD", "DOS_TYPPREST", "DOS_UTIMAJ")} == {
        "DOS_MOTCOD": ["support_actions"], "DOS_TYPPREST": ["financial.income"], "DOS_UTIMAJ": ["identity.name"]}


def test_a_job_seekers_registration_in_a_table_of_france_travail_is_professional(ddl):
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom text);
        CREATE TABLE informationspe (id int primary key, personne_id int REFERENCES personnes(id),
                                     inscription_code_categorie varchar(2), inscription_lib_situation varchar(50),
                                     inscription_date_debut date, ppae_axe_libelle varchar(50));
        CREATE TABLE inscriptions_atelier (id int primary key, personne_id int REFERENCES personnes(id),
                                           inscription_code_categorie varchar(2));""")
    assert [found[f"informationspe.{c}"].categories for c in (
        "inscription_code_categorie", "inscription_lib_situation", "inscription_date_debut", "ppae_axe_libelle")] \
        == [["professional"], ["professional"], [], ["support_actions"]]
    assert found["inscriptions_atelier.inscription_code_categorie"].categories == []


def test_a_mention_is_a_remark_and_rolepers_the_persons_place_in_the_household(ddl):
    found = _classify(ddl, """
        CREATE TABLE personnes (id int primary key, nom varchar(50));
        CREATE TABLE prestations (id int primary key, personne_id int REFERENCES personnes(id),
                                  rolepers char(3), mention varchar(255));""")
    assert [found[f"prestations.{c}"].categories for c in ("rolepers", "mention")] == [["family"], ["free_text"]]


def test_hibernate_envers_bookkeeping_is_no_income(ddl):
    found = _classify(ddl, """
        CREATE TABLE jeune (id bigint primary key, nom varchar(100));
        CREATE TABLE jeune_aud (id bigint, rev integer, revtype smallint, nom varchar(100));""")
    assert [found[f"jeune_aud.{c}"].categories for c in ("revtype", "nom")] == [[], ["identity.name"]]


def test_a_household_said_foyer_a_funds_code_and_a_glued_residence_permit(ddl):
    found = _classify(ddl, """
        CREATE TABLE T_BENEFICIAIRE (BEN_ID NUMBER(10) PRIMARY KEY, BEN_NOM VARCHAR2(60), BEN_CAICOD VARCHAR2(6),
                                     BEN_DTFINTITSEJ DATE, BEN_NBPERSFOYER NUMBER(2));""", "oracle")
    assert {c: found[f"T_BENEFICIAIRE.{c}"].categories for c in ("BEN_CAICOD", "BEN_DTFINTITSEJ", "BEN_NBPERSFOYER")} \
        == {"BEN_CAICOD": ["social_security"], "BEN_DTFINTITSEJ": ["residence_status"], "BEN_NBPERSFOYER": ["family"]}


def test_a_prefix_is_stripped_when_it_abbreviates_the_table_and_means_what_it_means(ddl):
    found = _classify(ddl, """
        CREATE TABLE t_commission_membre (cmm_id int, cmm_nom varchar(40), cmm_prenom varchar(30), cmm_qualite text);
        CREATE TABLE t_connexion (cnx_id int, cnx_login varchar(20), cnx_dthcnx date, cnx_adrip varchar(39));
        CREATE TABLE impressions (id int, user_id int, ip_address varchar(40), ip_country varchar(40));""")
    assert [found[c].categories for c in ("t_commission_membre.cmm_nom", "t_connexion.cnx_dthcnx",
                                           "impressions.ip_address")] == [
        ["identity.name"], ["logs"], ["logs.ip_address"]]  # `ip` means no impression: no prefix


def test_a_history_is_a_log_only_when_it_traces_who_did_what(ddl):
    found = _classify(ddl, """
        CREATE TABLE usager (id int primary key, nom text);
        CREATE TABLE historique (id int, utilisateur_id int, action varchar(50), date_action timestamp, ip varchar(40));
        CREATE TABLE historiqueetats (id int, usager_id int REFERENCES usager(id), etat varchar(20),
                                      motif varchar(200));""")
    assert [found[c].categories for c in ("historique.action", "historique.date_action", "historiqueetats.motif")] == [
        ["logs.access"], ["logs.access"], ["support_actions"]]



def test_keys_the_schema_does_not_declare_are_known_by_their_names(ddl):
    """A dump without constraints (MyISAM): `id_grossesse` in `grossesse` is the row's own key, `id_ecole`
    a link to a school's row, `id_nationalite` a code of the list `ref_nationalite`; a text key may be
    what names the person (`ignored_user_id` '@name:server')."""
    found = _classify(ddl, """
        CREATE TABLE ecole (id_ecole int, lib_ecole varchar(80), adr varchar(120), tel varchar(20));
        CREATE TABLE ref_nationalite (id_nationalite int, cod_nat char(3), lib_nat varchar(60));
        CREATE TABLE patiente (id_patiente int, nom_naiss varchar(50), id_nationalite int, id_ecole int);
        CREATE TABLE grossesse (id_grossesse int, id_patiente int, dt_ddr date, terme_prevu date);
        CREATE TABLE ignored_users (ignorer_user_id text, ignored_user_id text);""", "mysql")
    assert found["grossesse.id_grossesse"].categories == []
    assert found["grossesse.dt_ddr"].categories == ["special.health"]   # the table's topic
    assert found["patiente.id_ecole"].categories == []
    assert found["patiente.id_nationalite"].categories == ["nationality"]
    # a table named for a kind of establishment lists establishments: their phones are nobody's
    assert (found["ecole.adr"].subject, found["ecole.tel"].categories) == (None, [])
    assert found["ignored_users.ignored_user_id"].categories != []


def test_french_feminines_read_as_their_masculine(ddl):
    found = _classify(ddl, """
        CREATE TABLE consult_prenatale (id int primary key, id_patiente int, poids_kg numeric, tension varchar(10));
        CREATE TABLE agenda (id int primary key, util_creation varchar(30), dt_debut timestamp);""", "mysql")
    # `prenatale` is `prenatal`: a table about a pregnancy, whose descriptive columns are health
    assert [found[f"consult_prenatale.{c}"].categories for c in ("poids_kg", "tension")] == [
        ["special.health"], ["special.health"]]
    # `util`: the user who entered the row, by login
    assert found["agenda.util_creation"].categories == ["identity.name"]


def test_what_an_application_shows_or_sends_is_its_settings(ddl):
    """A table whose name says it is a report, a block or a schedule, with three parts of a display or
    more, no column only a person's row has and no key to a person: its administrators' texts,
    addresses and recipients are nobody's data. An invitation or a CV laid out is people's data."""
    found = _classify(ddl, """
        CREATE TABLE receipt_block (id int primary key, intro_text text, header text, footer text,
                                    contact_email varchar(100), recipient varchar(100));
        CREATE TABLE invitation (id int primary key, email varchar(100), token varchar(64), permission text,
                                 template text, html text);
        CREATE TABLE letters (id int primary key, contact_id int, header text, footer text, body text,
                              template_id int);""")
    assert (found["receipt_block.contact_email"].subject, found["receipt_block.contact_email"].categories,
            found["receipt_block.recipient"].categories) == (None, [], [])
    assert (found["invitation.email"].categories, found["invitation.token"].categories) == (
        ["contact.email"], ["credentials.token"])
    # a letter sent to a person keeps its subject and its typed text
    assert found["letters.body"].subject == "beneficiary" and found["letters.body"].categories == ["free_text"]


def test_tests_infections_blood_groups_and_birth_control_are_health(ddl):
    found = _classify(ddl, """
        CREATE TABLE patiente (id_patiente int primary key, nom_naiss varchar(50), groupe_sanguin varchar(3),
                               rhesus varchar(3), statut_vih varchar(10));
        CREATE TABLE depistage (id int primary key, id_patiente int, dt_prelevement date, resultat varchar(20),
                                dt_maj datetime);
        CREATE TABLE contraception (id int primary key, id_patiente int, dt_pose date, methode varchar(20));
        CREATE TABLE service_rh (id int primary key, lieudist varchar(40), standard_tel varchar(20));""", "mysql")
    assert [found[f"patiente.{c}"].categories for c in ("groupe_sanguin", "rhesus", "statut_vih")] == [
        ["special.health"]] * 3
    # a table about a test or birth control: its descriptive columns say it; its update time is bookkeeping
    assert [found[f"depistage.{c}"].categories for c in ("dt_prelevement", "resultat", "dt_maj")] == [
        ["special.health"], ["special.health"], []]
    assert found["contraception.methode"].categories == ["special.health", "special.sex_life"]
    # « RH » is human resources, « ist » no infection inside a compound
    assert found["service_rh.lieudist"].categories == []



def test_agent_nouns_secrets_pictures_signatures_and_a_households_counts(ddl):
    found = _classify(ddl, """
        CREATE TABLE "Donation" (id text primary key, "donorName" text, "paymentMethod" text);
        CREATE TABLE "User" (id text primary key, name text, email text, image text);
        CREATE TABLE "Card" (id text primary key, "beneficiaryId" text, "pinCode" text);
        CREATE TABLE agent (id_agent int primary key, nom varchar(50), mdp varchar(64), salt varchar(32));
        CREATE TABLE "Parcel" (id text primary key, "beneficiaryId" text, signature text, "signedAt" timestamp);
        CREATE TABLE "Household" (id text primary key, size int, "adultsCount" int, "createdAt" timestamp);
        CREATE TABLE e2e_cross_signing_signatures (user_id text, key_id text, signature text);
        CREATE TABLE product (id int primary key, label text, image text, size int);""")
    assert {c: found[c].categories for c in (
        "Donation.donorName", "User.image", "Card.pinCode", "agent.salt", "Parcel.signature", "Household.size",
        "Household.adultsCount", "Household.createdAt", "e2e_cross_signing_signatures.signature",
        "product.image", "product.size")} == {
        "Donation.donorName": ["identity.name"], "User.image": ["identity.photo"],
        "Card.pinCode": ["credentials.account_password"], "agent.salt": ["credentials.account_password"],
        "Parcel.signature": ["identity"], "Household.size": ["family"], "Household.adultsCount": ["family"],
        "Household.createdAt": [], "e2e_cross_signing_signatures.signature": [],   # a cryptographic signature
        "product.image": [], "product.size": []}


def test_cold_review_cases_keep_their_reading(ddl):
    """Cases a cold review of this session's rules found misread, and their readings kept."""
    found = _classify(ddl, """
        CREATE TABLE patients (id int primary key, nom varchar(50), prenom varchar(50));
        CREATE TABLE hospital_admissions (id int primary key, patient_id int, diagnosis text);
        CREATE TABLE religions (id int primary key, name varchar(40));
        CREATE TABLE people (id int primary key, first_name varchar(50), religion_id int);
        CREATE TABLE salaries (id int primary key, agent_id int, partie_variable numeric, bac_sti boolean);
        CREATE TABLE order_items (id int primary key, order_id int, image varchar(200));
        CREATE TABLE page_views (id int primary key, referrer varchar(500));""")
    assert found["hospital_admissions.diagnosis"].categories == ["special.health"]
    assert found["people.religion_id"].categories == ["special.religion"]   # a code, whatever the schema declares
    assert [found[c].categories for c in ("salaries.partie_variable", "salaries.bac_sti", "order_items.image",
                                          "page_views.referrer")] == [[], [], [], []]


def test_the_name_of_whoever_did_something_to_the_row_is_a_persons_name(ddl):
    """`collected_by_name`: who collected a parcel, by name; a file's or a product's name by
    someone is not (`uploaded_by_file_name` is a file's)."""
    found = _classify(ddl, """
        CREATE TABLE beneficiary (id int primary key, first_name text, birth_date date);
        CREATE TABLE parcel (id int primary key, beneficiary_id int REFERENCES beneficiary(id),
                             collected_by_name text, uploaded_by_file_name text, collected_at timestamp);""")
    assert [found[f"parcel.{c}"].categories for c in ("collected_by_name", "uploaded_by_file_name")] == [
        ["identity.name"], []]


def test_an_openid_id_token_is_a_token(ddl):
    """An OAuth account row's `id_token` is the signed ID token; the `token_id` of a row is a key."""
    found = _classify(ddl, """
        CREATE TABLE account (id int primary key, user_id int, id_token text, access_token text, token_id int);""")
    assert [found[f"account.{c}"].categories for c in ("id_token", "access_token", "token_id")] == [
        ["credentials.token"], ["credentials.token"], []]
