"""The free-text scan: cues from the lexicon, identifier forms, per-row flags and keys, counts and
estimates, and never a note's text."""

from __future__ import annotations

import re

import duckdb
import pytest

from auditor.classify.free_text import load_lexicon
from auditor.classify.notes import NoteReader, reader_for
from auditor.classify.term_cues import CueFinder, is_closed, literal_prefix
from auditor.models.classification import IdentifierForm
from auditor.profiles import load_taxonomy
from auditor.sources.free_text_scan import estimate, flag_rows, scan_relation, wilson
from tests.dev_notes import detect

LEXICON = load_lexicon(load_taxonomy())


@pytest.mark.parametrize("pattern, closed", [
    ("diabete", True),
    ("maladies?( chronique| grave)?", True),
    ("(sous|placee? sous) (tutelle|curatelle)", True),
    ("tel[ .\\-]?fixe", True),
    ("incontinen\\w*", False),
    ("en [a-z]+ a sa sortie", False),
    ("suivi.{0,10}cmp", False),
    ("coups?+", False),
    ("[^.]{0,40} hopital", False),
    ("a{2,}", False),
])
def test_a_pattern_is_closed_when_it_spells_out_every_string_it_matches(pattern, closed):
    assert is_closed(pattern) is closed


@pytest.mark.parametrize("pattern, prefix", [
    ("incontinen\\w*", "incontinen"), ("prostitu\\w*", "prostitu"), ("alcoolique?s?", "alcooliqu"),
    ("(sous|mise) tutelle", ""), ("dublin\\w*", "dublin"),
])
def test_an_open_pattern_is_shown_by_its_literal_beginning(pattern, prefix):
    assert literal_prefix(pattern) == prefix


def test_a_cue_is_built_from_the_lexicon_never_from_the_matched_text():
    finder = CueFinder({"special.health": ["diabete", "incontinen\\w*", "(x|[a-z]+) malade"]}, ["asthme"])
    assert finder.cue("special.health", "diabete") == "diabete"
    assert finder.cue("special.health", "asthme") == "asthme"
    assert finder.cue("special.health", "incontinence") == "incontinen…"
    assert finder.cue("special.health", "dupont malade") is None
    assert finder.cue("special.religion", "diabete") is None


def test_a_reading_holds_cues_and_identifier_forms_not_values():
    reader = NoteReader(LEXICON)
    reading = reader.read("Mme Durand est incontinente, sous curatelle renforcée. NIR 2 85 05 78 006 084 41, "
                          "tél. 0612345678.")
    assert reading.categories == {"special.health": set()}
    assert reading.cues == {"special.health": "incontinen…"}
    assert reading.identifiers == {"identity.nir": [IdentifierForm(length=15, separated=True)],
                                   "contact.phone": [IdentifierForm(length=10, separated=False)]}
    assert "durand" not in repr(reading).lower() and "084" not in repr(reading)


@pytest.mark.parametrize("text, found", [
    ("NIR 1850578006084 transmis à la CAF.", {"identity.nir"}),
    ("Numéro de dossier 1850578006084 créé.", set()),          # 13 digits and no word naming a NIR
    ("n° sécu : 1 85 05 78 006 084", {"identity.nir"}),
    ("NIR 2/70/12/67/482/340/35 (format du logiciel)", {"identity.nir"}),
    ("NIR : 2 79 12 971 20 045 45.", {"identity.nir"}),    # born overseas: a 3-digit department, a 2-digit commune
    ("NIR : 2 79 12 971 20 045 46.", set()),                # the same with a wrong key
    ("RIB : banque 12345 guichet 67890 compte 01234567890 clé 61.", {"financial.bank_account"}),
    ("RIB : banque 12345 guichet 67890 compte 01234567890 clé 62.", set()),  # wrong key
    ("RIB 12345-67890-01234567890-61", {"financial.bank_account"}),
])
def test_identifiers_as_people_write_them(text, found):
    assert set(NoteReader(LEXICON).read(text).identifiers) == found


@pytest.mark.parametrize("text, found", [
    ("Mail : jean.dupont[at]gmail.com", {"contact.email"}),
    ("Écrire à marie.durand (arobase) orange.fr", {"contact.email"}),
    ("Réponse envoyée à karim point haddouche arobase gmail point com, dictée au téléphone.", {"contact.email"}),
    ("Il était (at) l'école hier.", set()),
])
def test_email_addresses_spelt_out_or_dictated(text, found):
    assert set(NoteReader(LEXICON).read(text).identifiers) == found


def test_an_address_spelt_out_is_no_term():
    # the domain of an address, written with « [at] » as with « @ », says nothing of anyone's health
    reading = NoteReader(LEXICON).read("Dossier transmis à accueil [at] psychiatrie-nord.fr")
    assert (set(reading.categories), set(reading.identifiers)) == (set(), {"contact.email"})


@pytest.mark.parametrize("text, found", [
    # a group session said in the first sentence, a date's dots before it: nobody's
    ("12.03.2024 Réunion d'information collective sur la contraception et le VIH.", set()),
    # a team meeting planned after a note about a resident: the resident's
    ("Résidente de 81 ans, femme trans, demande que l'équipe utilise son prénom. Réunion d'équipe prévue.",
     {"special.sex_life"}),
])
def test_a_collective_note_says_so_in_its_first_sentence(text, found):
    assert set(NoteReader(LEXICON).read(text).categories) == found


def test_scan_counts_rows_keys_and_never_returns_a_note():
    con = duckdb.connect()
    notes = [(10, "Violences conjugales signalées."), (11, "Pas de violence au domicile."),
             (12, "Mme Santé est venue."), (13, "Hospitalisé en psychiatrie, NIR 2 85 05 78 006 084 41."),
             (14, ""), (15, None), (16, "Tél 06 12 34 56 78"), (17, "Selon sa sœur, son fils est diabétique.")]
    con.execute("CREATE TABLE n (id INTEGER, note VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?, ?)", notes)
    scan = scan_relation(con, "n", "note", LEXICON, key_sql="id")
    assert scan.rows == 6
    assert {m.category: m.rows for m in scan.matches} == {
        "offences.violence": 1, "special.health": 2, "identity.nir": 1, "contact.phone": 1}
    health = next(m for m in scan.matches if m.category == "special.health")
    assert (health.third_party, health.reported) == (1, 1)
    assert [(f.key, f.row, f.categories, f.third_party, f.reported) for f in scan.flagged] == [
        ("10", 0, ["offences.violence"], [], []),
        ("13", 3, ["identity.nir", "special.health"], [], []),
        ("16", 4, ["contact.phone"], [], []),
        ("17", 5, ["special.health"], ["special.health"], ["special.health"])]
    shown = repr(scan)
    assert "Santé" not in shown and "084" not in shown and "56 78" not in shown and "sœur" not in shown
    assert flag_rows(con, "n", "note", LEXICON) == [
        {"offences.violence"}, set(), set(), {"special.health", "identity.nir"}, {"contact.phone"},
        {"special.health"}]


def test_a_sample_gives_an_estimate_with_its_wilson_interval():
    low, high = wilson(20, 100)
    assert (round(low, 4), round(high, 4)) == (0.1334, 0.2888)  # statsmodels proportion_confint(20, 100, method="wilson")
    assert estimate(20, 100, 10_000) == (2000, 1333, 2889)
    assert wilson(0, 0) == (0.0, 1.0)


def test_a_process_compiles_one_reader_per_lexicon_and_it_forgets_the_notes_after_each_scan():
    assert reader_for(LEXICON) is reader_for(load_lexicon(load_taxonomy()))  # the same lexicon, loaded again
    con = duckdb.connect()
    con.execute("CREATE TABLE n AS SELECT * FROM (VALUES ('Incontinence depuis mars.'), ('Rien.')) t(note)")
    reader = reader_for(LEXICON)
    found: list[dict[tuple[str, str], str | None]] = []
    forget = reader.cues.forget
    reader.cues.forget = lambda: (found.append(dict(reader.cues._cache)), forget())  # type: ignore[method-assign]
    try:
        scan = scan_relation(con, "n", "note", LEXICON)
    finally:
        del reader.cues.forget
    assert [m.cues for m in scan.matches] == [["incontinen…"]]
    assert found == [{("special.health", "incontinence"): "incontinen…"}]  # what it held during the scan
    assert reader.cues._cache == {}  # and after it: nothing of the note


def test_a_large_column_builds_the_qualifiers_while_the_engine_works_with_the_same_result(monkeypatch):
    import auditor.sources.free_text_scan as scan_module

    con = duckdb.connect()
    notes = ["Pas de violence au domicile.", "Violences conjugales signalées.", "Selon sa sœur, il serait diabétique.",
             "Il n'a pas de titre de séjour.", "RDV CAF le 12/03."]
    con.execute("CREATE TABLE n (note VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?)", [(n,) for n in notes * 4])
    expected = flag_rows(con, "n", "note", LEXICON)
    monkeypatch.setattr(scan_module, "OVERLAP_FROM", 10)
    fresh = NoteReader(LEXICON)
    monkeypatch.setattr(scan_module, "reader_for", lambda lexicon: fresh)
    started: list[str] = []
    real_thread = scan_module.threading.Thread

    def thread(*args, **kwargs):
        started.append(kwargs["target"].__name__)
        return real_thread(*args, **kwargs)

    monkeypatch.setattr(scan_module.threading, "Thread", thread)
    assert not fresh.qualifiers_built
    assert flag_rows(con, "n", "note", LEXICON) == expected
    assert started == ["_build_qualifiers"] and fresh.qualifiers_built
    assert expected == [set(), {"offences.violence"}, {"special.health"}, {"residence_status"}, set()] * 4


def test_many_columns_are_scanned_in_one_pass_with_the_results_of_one_at_a_time():
    from auditor.sources.free_text_scan import NotesColumn, scan_relations

    con = duckdb.connect()
    con.execute("CREATE TABLE a (id INTEGER, note VARCHAR)")
    con.executemany("INSERT INTO a VALUES (?, ?)", [(1, "Violences conjugales signalées."), (2, None),
                                                   (3, "Tél 06 12 34 56 78")])
    con.execute("CREATE TABLE b (obs VARCHAR)")
    con.executemany("INSERT INTO b VALUES (?)", [("RAS",), ("Selon sa sœur, son fils est diabétique.",), ("",)])
    columns = [NotesColumn("a", "note", "id"), NotesColumn("missing_table", "x"), NotesColumn("b", "obs")]
    scans = scan_relations(con, columns, LEXICON)
    assert isinstance(scans[1], duckdb.Error)  # a column that cannot be read, the others scanned
    alone = [scan_relation(con, "a", "note", LEXICON, key_sql="id"), scan_relation(con, "b", "obs", LEXICON)]
    for together, single in zip([scans[0], scans[2]], alone, strict=True):
        assert (together.rows, together.candidates, together.matches, together.flagged) == \
            (single.rows, single.candidates, single.matches, single.flagged)
    assert [(f.key, f.row, f.categories) for f in scans[0].flagged] == [
        ("1", 0, ["offences.violence"]), ("3", 1, ["contact.phone"])]
    assert [(f.row, f.categories, f.third_party) for f in scans[2].flagged] == [
        (1, ["special.health"], ["special.health"])]


def test_a_hyphen_between_letters_is_read_as_a_space_in_words_not_in_identifiers():
    from auditor.classify.free_text import hyphen_tolerant

    assert hyphen_tolerant(r"sans papiers|[a-z ]{0,3} x|garde\ a\ vue") == \
        r"sans[ -]papiers|[a-z ]{0,3}[ -]x|garde[ -]a[ -]vue"
    con = duckdb.connect()
    notes = ["M. est sans-papiers depuis 2021.", "Placé en garde-à-vue hier soir.",
             "Écrire à ce.0930456x@ac-creteil.fr pour l'inscription."]
    con.execute("CREATE TABLE n (note VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?)", [(n,) for n in notes])
    assert flag_rows(con, "n", "note", LEXICON) == [{"residence_status"}, {"offences"}, {"contact.email"}]


def test_an_exclusion_holds_across_a_word_put_in_quotes():
    from auditor.classify.free_text import quote_tolerant

    assert quote_tolerant("vol\\w* la vedette|[a ]x ?") == 'vol\\w*(?:[\\s«»"]+)la(?:[\\s«»"]+)vedette|[a ]x(?:[\\s«»"]+)?'
    reader = reader_for(LEXICON)
    assert reader.read("Léna a « volé » la vedette à la fête de l'école.").categories == {}
    assert reader.read("Léna a volé la vedette à la fête de l'école.").categories == {}
    assert reader.read("M. a « volé » un vélo.").categories == {"offences": {"reported"}}  # quoted words are reported
    # « prier quelqu'un de » asks, it does not pray
    assert reader.read("Mme a « prié » le bailleur de patienter jusqu'au versement de l'APL.").categories == {}
    assert reader.read("Mme a prié toute la nuit à la mosquée.").categories == {"special.religion": set()}


def test_a_partner_said_by_the_agreement_of_words_is_qualified_on_its_own_and_said_of_the_first_phrase():
    """In « Mme … avec une femme », the partner is what is said and « Mme » whom it is said of, the
    nearest such phrase: a negation between the two negates it, even when « M. » ends a sentence of its
    own; a relative as the first phrase makes it a third party's; a person's own partner is not a third
    party's (edsnlp reads « compagne » as a relative), nor the partner named first (« sa petite amie, avec
    qui elle sort »). Two men named one after the other are not a couple; « M. et M. X » is."""
    reader = reader_for(LEXICON)
    cases = {
        "Mme n'a jamais eu de relation avec une femme, contrairement à ce que dit le voisin.": ({}, {"special.sex_life"}),
        "Mme vit avec sa compagne depuis deux ans.": ({"special.sex_life": set()}, set()),
        "Sa mère vit avec une femme depuis deux ans.": ({"special.sex_life": {"third_party"}}, set()),
        "Deux résidentes, Mme C. et Mme H., sont en couple.": ({"special.sex_life": set()}, set()),
        "M. est adjoint au maire (PS) de sa commune.": ({"special.political_opinion": set()}, set()),
        "M. n'est pas en couple avec un homme.": ({}, {"special.sex_life"}),
        "Sa mère pense que Mme vit avec une femme.": ({"special.sex_life": set()}, set()),
        "Sa petite amie, avec qui elle sort depuis un an, l'accompagne.": ({"special.sex_life": set()}, set()),
        "RDV avec M. Dupont et M. Martin, conseiller CAF.": ({}, set()),
        "Situation de M. et M. Garcia-Lopez, mariés depuis 2019.": ({"special.sex_life": set()}, set()),
        "M. vit avec son mari depuis 2015.": ({"special.sex_life": set()}, set()),
        "Mme vit avec son mari depuis 2015.": ({}, set()),
        "Patiente de 50 ans, a vécu dix ans avec sa compagne.": ({"special.sex_life": set()}, set()),
    }
    readings = {text: reader.read(text) for text in cases}
    assert {text: (r.categories, r.negated) for text, r in readings.items()} == cases


def test_a_word_in_another_sense_is_no_finding():
    """A CSE member elected on no union's list; the receipt of a debt file, not of a residence permit; a
    candidate in a works council's or parents' election, on a union's list, or for a job, stands for no
    party; banners are a party's only when they name it; a licence collected or suspended for health
    reasons is no offence."""
    con = duckdb.connect()
    notes = ["M. Morel a été élu au CSE « sans étiquette ».", "M. Morel a été élu au CSE sur la liste CGT.",
             "Le récépissé du dépôt de dossier de surendettement est arrivé.",
             "Mme a reçu son récépissé de la préfecture.",
             "M. est candidat aux élections du CSE.", "Mme est candidate à un poste d'auxiliaire de vie.",
             "Mme est candidate aux municipales sur la liste de gauche.",
             "Élections professionnelles : M. était candidat sur la liste FO de son entreprise.",
             "Le père est conseiller régional, très peu disponible pour les RDV.",
             "M. colle des autocollants RN sur la porte de l'immeuble.",
             "M. accroche des banderoles sur la RN 7 pour la fête.",
             "Permis suspendu 6 mois après un contrôle d'alcoolémie positif au volant.",
             "Retrait du permis de séjour annoncé par la préfecture.",
             "Retrait de permis de 12 mois, M. cherche un emploi.", "Retrait du permis en préfecture jeudi.",
             "Suspension du permis pour raison médicale, M. a fait une crise."]
    con.execute("CREATE TABLE n (note VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?)", [(n,) for n in notes])
    assert flag_rows(con, "n", "note", LEXICON) == [
        set(), {"special.trade_union"}, set(), {"residence_status"}, set(), set(),
        {"special.political_opinion"}, {"special.trade_union"}, {"special.political_opinion"},
        {"special.political_opinion"}, set(), {"offences"}, set(), {"offences"}, set(), set()]


def test_advice_given_is_not_a_thing_done():
    reader = reader_for(LEXICON)
    advised = reader.read("Conseillé de porter plainte, elle hésite.")
    assert (advised.categories, advised.hypothetical) == ({}, {"offences"})
    assert reader.read("Mme a porté plainte hier.").categories == {"offences": set()}


def test_what_someone_could_not_do_denies_no_fact_around_it():
    """« n'a pas pu » negates the action, not the appointment; « ne peut pas être » still doubts."""
    reader = reader_for(LEXICON)
    readings = {t: reader.read(t) for t in (
        "Mme n'a pas pu accompagner son fils à son RDV au CMP.",
        "M. ne peut pas être diabétique, il n'a jamais eu d'analyse.",
        "M. n'a pas de casier judiciaire.")}
    assert [(r.categories, r.negated) for r in readings.values()] == [
        ({"special.health": {"third_party"}}, set()), ({}, {"special.health"}), ({}, {"offences"})]


@pytest.mark.parametrize("old, new, key, message", [
    ("      - 'permis (de conduire )?(suspendu|retire|annule|invalide)'\n",
     "      - 'permis(?! de construire) suspendu'\n", ".terms.",
     "the engine cannot run this regular expression (RE2: no look-around, no back-reference): "),
    ("      - 'permis (de conduire )?(suspendu|retire|annule|invalide)'\n",
     "      - '(permis) suspendu \\1'\n", ".terms.", "the engine cannot run this regular expression"),
    ("      - 'permis (de conduire )?(suspendu|retire|annule|invalide)'\n",
     "      - \"permis d'un conducteur\"\n", ".terms.", "write apostrophes as spaces (the scan turns them into spaces)"),
    ("        then: 'avec (qui|laquelle) elle (sort|",
     "        then: 'avec (?=qui)(qui|laquelle) elle (sort|", ".near.", "the engine cannot run this regular expression"),
])
def test_a_term_the_engine_cannot_run_is_refused_with_its_file_line_and_key(tmp_path, old, new, key, message):
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    source = (data_dir("rules") / "classification" / "free_text_lexicon.yaml").read_text(encoding="utf-8")
    assert source.count(old) == 1
    line = source[:source.index(old)].count("\n") + 1
    path = tmp_path / "lexicon.yaml"
    path.write_text(source.replace(old, new), encoding="utf-8")
    _names_beside(tmp_path)
    with pytest.raises(RuleError) as caught:
        # an apostrophe is refused as the file loads; what the engine cannot run, when a scan fails on it
        lexicon = load_lexicon(load_taxonomy(), path)
        con = duckdb.connect()
        con.execute("CREATE TABLE n AS SELECT 'Permis suspendu.' AS note")
        flag_rows(con, "n", "note", lexicon)
    assert caught.value.line == line
    assert caught.value.key.startswith("categories.") and key in caught.value.key
    assert message in str(caught.value)


def test_an_exclusion_may_look_around_the_reader_alone_applies_it(tmp_path):
    from auditor.resources import data_dir

    source = (data_dir("rules") / "classification" / "free_text_lexicon.yaml").read_text(encoding="utf-8")
    old = "    exclude: ['(retrait|remise) (du |de son )?permis"
    assert source.count(old) == 1
    path = tmp_path / "lexicon.yaml"
    path.write_text(source.replace(old, "    exclude: ['permis(?= de construire)', '(retrait|remise) (du |de son )?permis"),
                    encoding="utf-8")
    _names_beside(tmp_path)
    assert load_lexicon(load_taxonomy(), path).categories


def test_sexual_and_reproductive_health_reveals_a_sex_life_too_each_with_its_cue():
    """One list of terms for two categories (health and sex life); a category's entries give their cues
    together (the general health terms and the sexual health ones); a refusal on principle says no sex life;
    sex imposed within a couple is violence and sex life, a rape is violence only."""
    reader = reader_for(LEXICON)
    ivg = reader.read("Mme est incontinente, IVG faite au CPEF le 04/11.")
    assert ivg.categories == {"special.health": set(), "special.sex_life": set()}
    # the first mention's cue: health's from its general entry, sex life's from the shared list
    assert ivg.cues == {"special.health": "incontinen…", "special.sex_life": "ivg"}
    assert reader.read("La famille, catholique, refuse la contraception.").categories == {
        "special.health": set(), "special.religion": set()}
    assert set(reader.read("Mme dit subir des rapports imposés par son mari.").categories) == {
        "offences.violence", "special.sex_life"}
    assert set(reader.read("Viol subi en Libye pendant le parcours migratoire.").categories) == {
        "offences.violence"}
    assert set(reader.read("Mme violée par son ex-conjoint en 2020.").categories) == {
        "offences.violence", "special.sex_life"}
    # never having consented is the fact
    assert set(reader.read("Mme dit n'avoir jamais consenti aux relations avec son époux.").categories) == {
        "special.sex_life"}
    assert reader.read("Refus de contraception pour des raisons religieuses.").categories == {
        "special.health": set(), "special.religion": set()}
    assert reader.read("L'enquête n'a pas pu établir de maltraitance.").negated == {"offences.violence"}


def test_news_of_a_service_is_about_no_one_unless_it_names_someone():
    reader = reader_for(LEXICON)
    assert reader.read("Le CMP du secteur a déménagé rue Pasteur, nouvelle adresse transmise.").categories == {}
    assert reader.read("Le CSAPA Confluence déménage rue Oberkampf, nouvelles coordonnées à venir.").categories == {}
    # a civility standing for the person of the file names someone
    assert reader.read("Le CMP a déménagé ; Mme y est suivie pour sa dépression.").categories == {
        "special.health": set()}
    assert reader.read("Réunion d'information collective sur le diabète.").categories == {}
    assert reader.read("Réunion d'information collective : M. a parlé de son diabète.").categories == {
        "special.health": set()}


def _names_beside(folder):
    """A lexicon copied elsewhere takes its list of first names along."""
    from auditor.resources import data_dir

    names = data_dir("rules") / "classification" / "first_names.yaml"
    (folder / "first_names.yaml").write_text(names.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_partner_named_by_a_first_name_says_the_couple_when_the_name_says_the_sex():
    """The reader marks women's and men's first names (first_names.yaml) for the patterns that name
    one: a woman married to, or in a couple with, a woman named by her first name, or a woman named by
    hers with her girlfriend, reveals a sex life; a daughter named by hers, moving in with a child, or a
    man's name beside a woman, does not. A word of the language that is also a name (« déjà »,
    « chérie ») is not read as one, and no other pattern sees the markers (« Jean Luc Mélenchon » stays
    three words). Each case as an audit runs it: kept by the engine, then read."""
    cases = {
        "Mme est pacsée avec Aurélie depuis 2022.": {"special.sex_life"},
        "Mme s'est mariée en septembre avec Lucie, cérémonie à la mairie.": {"special.sex_life"},
        "Jessica est arrivée avec sa meuf ce matin.": {"special.sex_life"},
        "He has since moved in with his new partner, Alan, who pays half the rent.": {"special.sex_life"},
        "M. Jean Dupont et M. Xavier Lebrun sont en couple.": {"special.sex_life"},
        "Mme Sophie Dupont et Mme Julie Lebrun, pacsées.": {"special.sex_life"},
        "Mme Lucie Dupont et Mme Inès Martin sont mariées.": {"special.sex_life"},
        "M. Jean Dupont-Martin et M. Paul Lebrun sont en couple.": {"special.sex_life"},
        "Mme a vu le film Lucie LGBT au cinéma.": set(),   # the film's exclusion holds, name or not
        "M. votait pour Jean Luc Mélenchon. Mme est pacsée avec Inès.": {"special.political_opinion",
                                                                         "special.sex_life"},
        "Mme est pacsée avec Thomas depuis 2022.": set(),
        "Mme vit avec Léa, sa fille de 6 ans.": set(),
        "Mme va emménager avec Chloé, sa fille aînée.": set(),
        "Kevin est arrivé avec sa meuf ce matin.": set(),
        "M. et Mlle sont en couple depuis 2 ans.": set(),
        "L'auxiliaire a déjà vu son épouse le gronder.": set(),
    }
    assert dict(zip(cases, detect(list(cases)), strict=True)) == cases  # kept by the engine, then read


def test_a_lexicon_naming_a_missing_list_of_first_names_is_refused_with_its_key(tmp_path):
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    source = (data_dir("rules") / "classification" / "free_text_lexicon.yaml").read_text(encoding="utf-8")
    path = tmp_path / "lexicon.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_lexicon(load_taxonomy(), path)
    assert (caught.value.key, caught.value.line) == ("first_names", source[:source.index("first_names:")].count("\n") + 1)
    assert "no file 'first_names.yaml' beside the lexicon" in str(caught.value)


@pytest.mark.parametrize("text, found", [
    # a bank code missing from python-stdnum's registry is no reason to doubt an IBAN (the standard's own
    # Belgian example)
    ("IBAN : BE68 5390 0754 7034", {"financial.bank_account"}),
    # the digits of an IBAN are no phone number (« 0044 0532 0130 00 »)
    ("Compte allemand DE89 3704 0044 0532 0130 00, IJ à y verser.", {"financial.bank_account"}),
])
def test_an_identifiers_characters_are_no_other_identifiers(text, found):
    assert set(NoteReader(LEXICON).read(text).identifiers) == found


def test_the_words_of_a_relationship_a_party_or_a_prayer_in_their_other_senses_are_no_finding():
    """Kept in their other senses: a formal request to a service (not a prayer to the Lord), a number
    of school classes (the note stays about the pupil), an open relationship with a team, a ring binder,
    a car model, a mother's kiss, a partner organisation's activity reports, a road and a modem, the
    countryside and a football club, a door, a diet, a habit kicked. Said in their own sense, they are."""
    cases = {
        "Mme prie le Seigneur de l'aider chaque soir.": {"special.religion"},
        "Mme prie le service de bien vouloir la rappeler après 18h.": set(),
        "Mme prie son avocat de la rappeler.": set(),
        "Mme aime les femmes.": {"special.sex_life"},
        "M. a une relation ouverte avec sa compagne.": {"special.sex_life"},
        "Yanis a redoublé deux classes, il est suivi au CMP pour un TDAH.": {"special.health"},
        "Relation ouverte avec l'équipe éducative.": set(),
        "Bonnes relations avec les filles et les garçons de sa classe.": set(),
        "Please put the letter in the binder.": set(),
        "Il a une Mazda MX-5.": set(),
        "Mme embrasse les filles avant de partir à l'école.": set(),
        "Le partenaire impose des rapports d'activité trimestriels.": set(),
        "Accident sur la sortie de la RN 10, carte du modem perdue.": set(),
        "M. vit à la campagne en Hollande et soutient Royal Antwerp.": set(),
        "La conseillère montre la porte de droite.": set(),
        "Critique du régime sans sel par le diététicien.": set(),
        "He is kicking the habit.": set(),
        "Mettez Mx sur les courriers, dit Mme.": {"special.sex_life"},
        "Mme dit que son mari lui impose des rapports tous les soirs.": {"special.sex_life", "offences.violence"},
    }
    assert dict(zip(cases, detect(list(cases)), strict=True)) == cases  # kept by the engine, then read


def test_an_invalid_pattern_is_refused_as_the_lexicon_loads_with_its_key(tmp_path):
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    source = (data_dir("rules") / "classification" / "free_text_lexicon.yaml").read_text(encoding="utf-8")
    old = "      - 'trouples?'\n"
    assert source.count(old) == 1
    path = tmp_path / "lexicon.yaml"
    path.write_text(source.replace(old, "      - 'trouples?('\n"), encoding="utf-8")
    _names_beside(tmp_path)
    with pytest.raises(RuleError) as caught:
        load_lexicon(load_taxonomy(), path)
    assert caught.value.line == source[:source.index(old)].count("\n") + 1
    assert caught.value.key.endswith(".terms." + caught.value.key.rsplit(".", 1)[-1])
    assert "invalid regular expression" in str(caught.value)


def test_a_telegraphic_sentence_is_said_of_the_person_named_in_the_one_before():
    """A sentence with no subject of its own (« Sans domicile, a vécu … ») is said of the person the
    note named just before; a sentence that names someone (a determiner, a pronoun, a civility) before
    the partner is said of that one, as before. Each case as an audit runs it."""
    cases = {
        "Patient de 45 ans admis pour chute. Sans domicile, a vécu 10 ans avec son compagnon à Rouen.":
            {"special.sex_life"},
        "Mme Martin, 52 ans, reçue ce jour. Vit depuis peu avec sa compagne à Niort.": {"special.sex_life"},
        "Patiente de 45 ans admise pour chute. Sans domicile, a vécu 10 ans avec son compagnon à Rouen.":
            set(),
        "M. Petit reçu ce jour. Le voisin vit avec sa compagne.": set(),
        "Mme Martin reçue ce jour. Son père vit avec un homme.": {"special.sex_life"},  # a third party's
        "Mme Martin reçue ce jour. Il y a dix ans, vivait avec sa compagne.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_first_name_of_the_other_sex_given_as_a_former_name_says_a_transition():
    """« Gaëlle (ex-Gaël) », a woman filed under a man's civility or first name: a gender identity; a
    maiden name, a partner named as « ex-compagne », a nickname or a couple's civilities are not."""
    cases = {
        "Gaëlle (ex-Gaël) : tous les courriers au nouveau prénom svp.": {"special.sex_life"},
        "Sur le dossier CAF, Mme apparaît encore sous le nom de « M. Bakary Touré ».": {"special.sex_life"},
        "Mme Dupont (née Martin) vit seule.": set(),
        "Léa (ex-compagne de Paul) a appelé pour le RDV.": set(),
        "M. est connu sous le nom de Momo dans le quartier.": set(),
        "Courrier adressé à Mme sous le nom de M. et Mme Dupont.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_someone_set_aside_from_a_group_is_no_negation_of_what_follows():
    """« écarté de son club » is done to a person, not a diagnosis ruled out (« diabète écarté »)."""
    cases = {
        "Paul (16a) a été écarté de son club de rugby après qu'on l'a vu embrasser un garçon.":
            {"special.sex_life"},
        "Diagnostic de diabète écarté par le médecin traitant.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_first_phrase_keeps_its_complement_and_a_food_avoided_for_its_taste_is_no_practice():
    """« le père des enfants » is one person, not a father and some children between him and his
    partner; someone seen beside one's partner is a relationship; pork avoided « because I do not like
    it » is no religious practice, even said as a refusal (an affirmed phrase), while a plain refusal is."""
    cases = {
        "Le père des enfants a refait sa vie avec un homme.": {"special.sex_life"},
        "La mère de ses enfants vit avec une femme à Lyon.": {"special.sex_life"},
        "Le père de Jade a eu un enfant avec une autre femme qu'il voyait en parallèle.": {"special.sex_life"},
        "Mme ne mange pas de porc, « je n'aime pas ça », précise-t-elle.": set(),
        "M. ne mange pas de porc. Il n'aime pas les RDV du matin.": {"special.religion"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_partners_said_in_the_persons_own_words_by_dating_and_through_an_ex():
    """« mon mari » in a man's own words, dating a man (« fréquente un homme », « seeing men »), a
    relationship with a woman named by her first name, an ex-husband gone to live with a man, sex
    imposed by a partner, infertility care, a transition's surgery; not a woman's « mon mari », nor a
    man quoting his wife, nor a job in a gay bar or at a sexual-health centre, nor a decision contested."""
    cases = {
        "M. Duval a inscrit comme personne de confiance « mon mari, Pascal Duval ».": {"special.sex_life"},
        "M. Lebon vit séparé de son épouse ; depuis un an il fréquente un homme rencontré au club.":
            {"special.sex_life"},
        "Client disclosed that he has been seeing men since his divorce.": {"special.sex_life"},
        "Mme Prigent sort d'une relation de six ans avec Nathalie et cherche un T1.": {"special.sex_life"},
        "Mme explique que son ex-mari est parti vivre avec un homme.": {"special.sex_life"},
        "Mme Ba explique que son mari la force à avoir des rapports.": {"special.sex_life", "offences.violence"},
        "Le couple est suivi pour infertilité, 3e tentative de FIV.": {"special.sex_life", "special.health"},
        # a surgery named by its suffix is care as well as a transition
        "Jules demande si la CPAM prend en charge la torsoplastie prévue au CHU.": {"special.sex_life", "special.health"},
        "Bon de transport pour le CHU (endocrinologie), suivi de transition tous les trois mois.":
            {"special.sex_life"},
        "Consultation de transition pédiatrie-adulte en endocrinologie pour son diabète.": {"special.health"},
        "Mme dit : « mon mari boit le soir ».": set(),
        "M. Martin dit que sa femme lui répète « mon mari ne fait rien ».": set(),
        "M. Pichon a décroché un CDD de barman dans un bar gay du Marais.": set(),
        "Mme a trouvé un poste de secrétaire médicale au CeGIDD de Chartres.": set(),
        "La belle-mère conteste la garde en reprochant au couple de fréquenter un club libertin.":
            {"special.sex_life"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_qualifier_cue_stands_for_phrases_and_a_pattern_there_is_refused_with_its_key(tmp_path):
    """edsnlp matches qualifier cues as phrases: `(a|b)` alternatives are expanded (asking whether the
    CPAM pays doubts the payment, not the care; contesting a decision denies no fact), and a cue written
    as a pattern (`\\w*`), which would match nothing, is refused as the lexicon loads, with its key."""
    from auditor.classify.free_text import cue_phrases
    from auditor.errors import RuleError
    from auditor.resources import data_dir

    assert cue_phrases("sans (son|sa) (voile|kippa)( porte)?") == [
        "sans son voile porte", "sans son voile", "sans son kippa porte", "sans son kippa",
        "sans sa voile porte", "sans sa voile", "sans sa kippa porte", "sans sa kippa"]
    cases = {
        # a surgery named by its suffix is care as well as a transition
        "Jules demande si la CPAM prend en charge la torsoplastie prévue au CHU.": {"special.sex_life", "special.health"},
        "M. demande s'il pourrait voir un psychiatre.": set(),
        "Mme conteste la décision d'OQTF notifiée en mars.": {"residence_status"},
    }
    assert detect(list(cases)) == list(cases.values())
    source = (data_dir("rules") / "classification" / "free_text_lexicon.yaml").read_text(encoding="utf-8")
    old = "    pseudo: ['demande si"
    assert source.count(old) == 1
    path = tmp_path / "lexicon.yaml"
    path.write_text(source.replace(old, "    pseudo: ['demand\\w* si', 'demande si"), encoding="utf-8")
    _names_beside(tmp_path)
    with pytest.raises(RuleError) as caught:
        load_lexicon(load_taxonomy(), path)
    assert caught.value.key == "qualifiers.hypothesis.pseudo"
    assert caught.value.line == source[:source.index(old)].count("\n") + 1
    assert "'demand\\\\w* si' is no phrase" in str(caught.value)


def test_offences_politics_and_insults_said_as_case_notes_say_them_and_their_other_senses():
    cases = {
        "Menaces du voisin, Mme n'ose plus sortir. Plainte enregistrée au commissariat de Besançon.":
            {"offences", "offences.violence"},
        "Her ex-partner got 18 months for the assaults; release date unknown.": {"offences"},
        "M. Ouattara, ancien prisonnier politique en Côte d'Ivoire, naturalisé en 2015.":
            {"offences", "special.political_opinion"},
        "Il dit avoir été emprisonné trois ans pour avoir critiqué le gouvernement.":
            {"offences", "special.political_opinion"},
        "Léo (17 ans) colle des affiches pour les Jeunes insoumis presque tous les soirs.":
            {"special.political_opinion"},
        "Mme travaille au secrétariat de la fédération départementale des Républicains.":
            {"special.political_opinion"},
        "Mme dit que les voisins la traitent de « gouine » dans l'escalier.": {"special.sex_life", "offences.violence"},
        "Le juge traite de la question des droits de visite.": set(),
        "La fenêtre de la chambre est condamnée depuis l'hiver, peine perdue pour la mutation.": set(),
        "Mme est surveillante pénitentiaire à la maison d'arrêt de Nanterre depuis vingt ans.": set(),
        "Amende de 20 € à la médiathèque pour trois livres rendus en retard.": set(),
        "Réunion des partenaires du réseau (CCAS, CAF, SPIP) jeudi pour les situations complexes.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_care_ordered_by_a_court_a_doctors_doubt_and_health_words_in_other_senses():
    cases = {
        "Condamné en 2020, suivi socio-judiciaire avec injonction de soins.": {"offences", "special.health"},
        "La cadette a une fracture que les médecins jugent « non compatible avec une chute ».":
            {"special.health", "offences.violence"},
        "OPP : placement des 3 enfants en famille d'accueil pour carences éducatives graves.": {"offences.violence"},
        "Diagnostic de performance énergétique du logement : classe G.": set(),
        "« Je suis malade de ne pas trouver de boulot », dit M. en riant.": set(),
        "Mme, infirmière libérale à Aurillac, vient pour le dossier de bourse de son fils.": set(),
        "Trois jours d'absence, paie amputée d'autant ce mois-ci.": set(),
        "VAD : enfants souriants, suivi médical à jour dans le carnet de santé.": set(),
        "Avertissement pénal probatoire pour usage de cannabis devant le lycée.": {"offences"},
    }
    assert detect(list(cases)) == list(cases.values())


@pytest.mark.parametrize("cue, message", [
    ("demandes? si la cpam", "is no phrase"),
    ("demande si (?:la|le) cpam", "is no phrase"),
    ("(a|b|c|d|e|f|g) (a|b|c|d|e|f|g) (a|b|c|d|e|f|g) (a|b|c|d|e|f|g) (a|b)", "stands for more than 2000 phrases"),
])
def test_a_qualifier_cue_that_would_match_nothing_or_too_much_is_refused(cue, message):
    from pydantic import ValidationError

    from auditor.classify.free_text import FamilyCues, HypothesisCues

    with pytest.raises(ValidationError, match=re.escape(message)):
        HypothesisCues(keep_preceding=[], keep_following=["?"], pseudo=[cue])
    with pytest.raises(ValidationError, match=re.escape(message)):
        FamilyCues(add=[cue])
    assert HypothesisCues(keep_preceding=[], keep_following=["?"], pseudo=["demande si (la|le) cpam"]).pseudo


def test_ordinary_notes_that_look_like_a_partner_an_offence_or_care_are_no_finding():
    """Words of a relationship, a court or a care in their everyday senses, and a sentence before that
    names someone else or no one (an impersonal « il », a first name, a dot after « cf »)."""
    cases = [
        "Mme a une relation conflictuelle avec Julie, sa voisine.",
        "Mme fréquente des femmes de son quartier à l'atelier couture.",
        "Mme appelle sa fille « ma chérie » tout au long de la visite.",
        "Mme Petit, 78 ans. Il est proposé un portage de repas. Très isolée depuis le décès de son mari.",
        "M. Petit, 45 ans. Karine vit avec son compagnon depuis 2 ans.",
        "Le voisin de Mme (cf. rapport du bailleur) vit avec sa compagne.",
        "Julie (née Thomas) a appelé pour le RDV.",
        "Il est hébergé sous le nom de Mme Martin, titulaire du bail.",
        "Loyer peu compatible avec la chute de ses revenus depuis le licenciement.",
        "Sa plainte concernant le chauffage a été enregistrée par le bailleur.",
        "M. critique le régime sans sel prescrit par le cardiologue.",
        "He received 6 months of unemployment benefit.",
    ]
    assert detect(cases) == [set()] * len(cases)
    kept = {
        "M. rencontre sa conseillère du SPIP une fois par mois.": {"offences"},
        "M. a quitté le logement quand il a été condamné à 2 ans ferme.": {"offences"},
        "Passage quotidien de l'infirmière libérale pour les soins de M.": {"special.health"},
        "Mme travaille demain puis ira au CeGIDD pour un dépistage.": {"special.health", "special.sex_life"},
        "Bilan sanguin : carences graves en fer et en vitamine D.": {"special.health"},
    }
    assert detect(list(kept)) == list(kept.values())


def test_no_term_inside_a_hyphenated_address_a_language_spoken_and_idioms_of_knocking():
    cases = {
        "Réclamations à adresser à planning.saad@aidadom-nord.fr": {"contact.email"},
        "She speaks Wolof and French; born in Dakar, she grew up in Rouen.": set(),
        "Il parle bambara, français et un peu d'anglais.": set(),
        "Mme est d'origine bambara, famille installée à Montreuil.": {"special.ethnic_origin"},
        "M. a frappé à toutes les portes (mairie, bailleur) sans résultat.": set(),
        "Emprise au sol de l'extension refusée par le service urbanisme.": set(),
        "Son mari a frappé à la porte puis l'a frappée au visage.": {"offences.violence"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_civilitys_dot_before_a_lower_case_word_ends_no_sentence_and_no_scope():
    """« vérifier si M. a un casier » is one question: the hypothesis holds past the civility's dot; a
    sentence that ends with the civility (a capital or a line break after it) still ends there, and a
    capitalised pronoun after it is no surname."""
    cases = {
        "Il faudrait vérifier si M. a un casier avant de proposer le poste en crèche.": set(),
        "Si M. décide d'adhérer à un syndicat, l'aide juridique serait gratuite.": set(),
        "M. a fait 2 ans de prison. Il cherche un logement.": {"offences"},
        "Je n'ai pas pu joindre Mme. Elle est hospitalisée depuis lundi.": {"special.health"},
        "Je ne sais pas si je dois rappeler M. Il est incarcéré depuis mars.": {"offences"},
        "RDV annulé par M.\nIl a été incarcéré hier.": {"offences"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_minor_sexually_exploited_or_thrown_out_by_a_parent_is_maltreated():
    """An age under 18 after a name (« Inès (15a) », « Kevin, 17a, », « jeune de 17 ans ») before paid
    sex, sex in exchange for things, or being thrown out by a parent: violence; an adult's, or a
    duration (« 15 ans de vie commune »), is not."""
    cases = {
        "Inès (15a) aurait des relations sexuelles tarifées avec des hommes rencontrés sur Snap.":
            {"special.sex_life", "offences.violence"},
        "Kevin, 17a, mis à la porte par son père le soir où il lui a dit qu'il aimait les garçons.":
            {"special.sex_life", "offences.violence"},
        "Mme, 19 ans, mise à la porte par ses parents après leur avoir dit qu'elle est lesbienne.":
            {"special.sex_life"},
        "Mme, 15 ans de vie commune, se prostitue depuis peu.": {"special.sex_life"},
        "Mme a trois enfants (4 ans, 7 ans et 12 ans) et se prostitue pour payer le loyer.": {"special.sex_life"},
        "Mme, mère d'un garçon de 6 ans, se prostitue pour payer le loyer.": {"special.sex_life"},
        "Accueil de jour de 9 à 12h : Mme, 20 ans, mise à la porte par son père la veille.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_second_review_cases_in_their_other_senses_and_kept_findings():
    cases = {
        "M. Petit, 45 ans. Il est sans domicile. A vécu 10 ans avec son compagnon.": {"special.sex_life"},
        "Patient de 45 ans. Il est proposé un hébergement. Sans domicile, a vécu 10 ans avec son compagnon.":
            {"special.sex_life"},
        "Il l'a frappée à la porte de l'appartement devant les enfants.": {"offences.violence"},
        "Mme nous parle de ses origines soninké.": {"special.ethnic_origin"},
        "Mme, surveillante pénitentiaire, demande une aide au logement.": set(),
        "Mme travaille comme infirmière à la maison d'arrêt.": set(),
        "M. travaille depuis peu dans un bar gay du Marais.": set(),
        "Elle figure toujours sous le nom de M. Dupont sur le bail.": set(),
        "M. a quitté le logement puis a été condamné à 6 mois ferme.": {"offences"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_note_with_no_full_stop_is_qualified_in_sentences_of_bounded_length():
    """A sentence longer than MAX_SENTENCE is cut at a comma or a space for the qualifiers (they compare
    a sentence's cues pairwise): every piece is bounded, the pieces cover the note, and what a piece
    says is still read with its qualifiers."""
    from auditor.classify.notes import MAX_SENTENCE, _sentence_spans

    text = "vu avec m  il n a pas de suivi pour son diabete, " * 200
    spans = list(_sentence_spans(text))
    assert all(0 < end - start <= MAX_SENTENCE for start, end in spans)
    assert [s for s, _ in spans][1:] == [e for _, e in spans][:-1] and spans[0][0] == 0 and spans[-1][1] == len(text)
    assert detect(["Vu avec M. il n'a pas de suivi pour son diabète, " * 200 + "Il est diabétique."]) == [
        {"special.health"}]


def test_a_civilitys_full_stop_before_a_capital_ends_the_sentence_the_across_rule_reads():
    """« Rencontre avec Mme. Sans domicile, vit avec sa compagne. »: the dot before a capital ends a
    sentence for the reader as for `normalise`, so the next, subject-less sentence is said of Mme."""
    assert detect(["Rencontre avec Mme. Sans domicile, vit avec sa compagne."]) == [{"special.sex_life"}]


def test_a_job_at_a_place_of_care_a_landmark_a_civil_measure_and_a_threat_from_a_creditor_are_no_finding():
    cases = [
        "M. vient de signer un CDD d'agent de service hospitalier à l'hôpital de Gonesse.",
        "Le CMPP de Bobigny recrute une secrétaire : annonce transmise à Mme.",
        "RDV donné à la boulangerie à côté de l'église Saint-Paul.",
        "Repas du soir servis par l'épicerie tenue par la paroisse catholique du quartier.",
        "Mme garde une foi totale dans son avocat pour l'audience.",
        "M. s'est fait arnaquer par un faux plombier, 300 € perdus.",
        "Mme a été bousculée dans le bus mais refuse de porter plainte.",
        "Grosse fatigue et coup dur : son chauffe-eau a lâché.",
        "Lettre très menaçante de l'agence de recouvrement : réponse type envoyée.",
        "Contrôlé dans le tram, il voyageait sans titre de transport : 50 € à payer.",
        "L'adjointe municipale déléguée au logement soutient la demande de Mme.",
        "Élections professionnelles chez son employeur : M. a voté au premier tour.",
    ]
    # the jostling stays violence, the fare evaded an offence
    assert detect(cases) == [set(), set(), set(), set(), set(), set(), {"offences.violence"},
                             set(), set(), {"offences"}, set(), set()]
    kept = {
        "Mme reçoit des messages injurieux de son ex-conjoint chaque nuit.": {"offences.violence"},
        "Stage de responsabilisation pour la prévention des violences conjugales suivi par M.": {
            "offences", "offences.violence"},
        "Son chef d'équipe lui fait des avances depuis des mois.": {"offences.violence"},
        "Mme dit que son compagnon « la force » le soir.": {"offences.violence", "special.sex_life"},
        "Mme fait des « prestations sexuelles » pour payer la chambre.": {"special.sex_life"},
        "Certificat médical : 5 jours d'ITT.": {"special.health", "offences.violence"},
        "M. attend une greffe de rein depuis deux ans.": {"special.health"},
        "Arrêt de travail prolongé par son médecin jusqu'au 30.": {"special.health"},
        "Mme a tout préparé pour le bébé avant le terme de sa grossesse.": {"special.health"},
        "Après deux semaines de grève au dépôt, Mme a perdu 600 € de salaire.": {"special.trade_union"},
        "Numéro AGDREF demandé par la CAF.": {"residence_status"},
        "Refus de la carte pluriannuelle : recours en cours.": {"residence_status"},
    }
    assert detect(list(kept)) == list(kept.values())


def test_gender_asked_for_dressing_as_the_other_sex_and_sex_refused_are_sex_life():
    cases = {
        "Sam, 16 ans, souhaite qu'on s'adresse à lui au masculin en classe.": {"special.sex_life"},
        "M. se travestit le samedi soir pour sortir avec ses amis.": {"special.sex_life"},
        "Mme refuse les relations intimes avec son mari depuis des mois.": {"special.sex_life"},
        "Mme propose des « massages » en ligne, payés en liquide.": {"special.sex_life"},
        # their other senses
        "Mme a rencontré sa partenaire de tennis au club.": set(),
        "Mme parle de sa fille au féminin, comme toujours.": set(),
        "M. ne veut pas travestir la vérité devant le juge.": set(),
        "Mme est avec une copine depuis ce matin au parc.": set(),
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_first_name_in_a_places_or_an_organisations_name_names_no_one():
    cases = {
        "Dossier de formation à voir avec France Travail. Sa femme travaille à la mairie.": set(),
        "M. a rendez-vous rue Victor Hugo ; il y va avec son épouse.": set(),
        "Mme vit à Saint-Denis avec Sandrine, sa compagne.": {"special.sex_life"},
        "Mme est venue au centre avec Julie, sa compagne.": {"special.sex_life"},
    }
    assert detect(list(cases)) == list(cases.values())


def test_a_push_by_a_partner_or_a_relative_is_violence():
    cases = {"Mme a été poussée contre le mur par son compagnon.": {"offences.violence"},
             "Mme a été poussée par sa conseillère à reprendre une formation.": set()}
    assert detect(list(cases)) == list(cases.values())


def test_first_names_given_in_france_of_many_origins_are_known():
    cases = {"Mme Koné s'est mariée avec Aminata en juin.": {"special.sex_life"},
             "M. Diallo vit avec Ibrahima, son compagnon, à Sevran.": {"special.sex_life"},
             "Mme Koné s'est mariée avec Mamadou en juin.": set()}
    assert detect(list(cases)) == list(cases.values())


def test_care_by_its_medical_suffix_harassment_by_its_count_and_the_words_of_places_and_topics():
    """A surgery named by its suffix, a stay granted for care, harassment by the number of messages, a
    couple of two women, a religious diet asked for; a street's name, a topic, the staff's training, a
    job at a centre and an idiom are nobody's fact (each of these was read wrong before)."""
    cases = {
        "Cholécystectomie prévue le 12, arrêt de 3 semaines.": {"special.health"},
        "Titre de séjour pour soins déposé en préfecture, avis du médecin de l'OFII attendu.":
            {"special.health", "residence_status"},
        "Son ex lui envoie une trentaine de SMS par jour.": {"offences.violence"},
        "Couple de deux femmes hébergé au CHRS depuis mars.": {"special.sex_life"},
        "Mme demande des repas sans porc pour les enfants.": {"special.religion"},
        "RDV rue du Vieux-Temple pour la visite de l'appartement.": set(),
        "Sa fille prépare un TPE sur l'homosexualité au lycée.": set(),
        "Mme en CDD d'agent d'accueil depuis mars au CeGIDD.": set(),
        "Le documentaire sur l'IVG a été projeté au centre social.": set(),
        "Formation interne sur le repérage des violences conjugales le 14.": set(),
        "M. tient le coup malgré la fin de ses droits.": set(),
    }
    assert detect(list(cases)) == list(cases.values())
