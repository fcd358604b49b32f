"""The linguistic resources in corpora/resources: schema, counts, scripts and consistency."""

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[2] / "corpora" / "resources"
LANGS = ("en", "de", "ar")
CATEGORIES = {"crime", "procedure", "detention", "torture-method", "court-role", "institution", "evidence", "sentence", "general"}
ROLES = {"accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert"}
ARABIC = re.compile(r"[\u0600-\u06ff]")
# Lower case, Arabic letter variants unified, tashkeel and tatweel dropped, dashes as spaces: the way the gazetteer
# compares aliases, so two aliases that fold alike are the same alias.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "-": " ", "‐": " ", "–": " ", "—": " "})
_DROP = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u0640]")


def fold(text: str) -> str:
    return " ".join(_DROP.sub("", text).lower().translate(_FOLD).split())


def read_tsv(name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = (RESOURCES / name).read_text(encoding="utf-8")
    assert "\r" not in text, f"{name} has Windows line ends"
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header, *rows = list(reader)
    for number, row in enumerate(rows, start=2):
        assert len(row) == len(header), f"{name}:{number} has {len(row)} columns, not {len(header)}: {row}"
    return header, [dict(zip(header, row)) for row in rows]


def synonyms(cell: str) -> list[str]:
    return cell.split(" | ")


# ------------------------------------------------------------------------------------------------ glossary


@pytest.fixture(scope="module")
def glossary() -> list[dict[str, str]]:
    header, rows = read_tsv("glossary.tsv")
    assert header == ["concept", "category", "en", "de", "ar"]
    return rows


def test_glossary_has_enough_concepts_with_unique_ascii_ids(glossary):
    assert len(glossary) >= 150
    ids = [row["concept"] for row in glossary]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids), [i for i in ids if not re.fullmatch(r"[a-z0-9-]+", i)]


def test_glossary_categories_are_known_and_all_used(glossary):
    used = {row["category"] for row in glossary}
    assert used <= CATEGORIES, used - CATEGORIES
    assert used == CATEGORIES


def test_every_concept_has_all_three_languages(glossary):
    for row in glossary:
        for lang in LANGS:
            terms = synonyms(row[lang])
            assert terms and all(t and t == t.strip() and "  " not in t for t in terms), (row["concept"], lang, row[lang])
            folded = [t.casefold() for t in terms]
            assert len(folded) == len(set(folded)), f"{row['concept']}/{lang} repeats a synonym"


def test_glossary_scripts(glossary):
    for row in glossary:
        for term in synonyms(row["ar"]):
            assert ARABIC.search(term), (row["concept"], term)
        for lang in ("en", "de"):
            assert not ARABIC.search(row[lang]), (row["concept"], lang, row[lang])


@pytest.mark.parametrize(
    "concept, en, de, ar",
    [
        ("torture", "torture", "Folter", "تعذيب"),
        ("crimes-against-humanity", "crimes against humanity", "Verbrechen gegen die Menschlichkeit", "جرائم ضد الإنسانية"),
        ("enforced-disappearance", "enforced disappearance", "gewaltsames Verschwindenlassen", "الاختفاء القسري"),
        ("aiding-and-abetting", "aiding and abetting", "Beihilfe", "المساعدة والتحريض"),
        ("judgment", "verdict", "Urteil", "حكم"),
        ("hearing", "hearing", "Verhandlungstag", "جلسة"),
        ("universal-jurisdiction", "universal jurisdiction", "Weltrechtsprinzip", "الولاية القضائية العالمية"),
        ("life-imprisonment", "life imprisonment", "lebenslange Freiheitsstrafe", "السجن المؤبد"),
        ("accused", "defendant", "Angeklagter", "المتهم"),
        ("co-plaintiff", "co-plaintiff", "Nebenkläger", "المدعي بالحق المدني"),
        ("federal-prosecutor", "federal prosecutor", "Generalbundesanwalt", "المدعي العام الاتحادي"),
        ("german-chair", "German chair", "Deutscher Stuhl", "الكرسي الألماني"),
    ],
)
def test_key_concepts_are_present(glossary, concept, en, de, ar):
    row = next((r for r in glossary if r["concept"] == concept), None)
    assert row is not None, concept
    assert en in synonyms(row["en"]) and de in synonyms(row["de"]) and ar in synonyms(row["ar"])


# ------------------------------------------------------------------------------------------------ gazetteers


def load_gazetteer(name: str) -> list[dict]:
    data = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def facilities() -> list[dict]:
    return load_gazetteer("facilities.json")


@pytest.fixture(scope="module")
def organizations() -> list[dict]:
    return load_gazetteer("organizations.json")


@pytest.mark.parametrize("name, type_, prefix, minimum", [("facilities.json", "FACILITY", "fac-", 20), ("organizations.json", "ORGANIZATION", "org-", 15)])
def test_gazetteer_schema(name, type_, prefix, minimum):
    entries = load_gazetteer(name)
    assert len(entries) >= minimum
    for entry in entries:
        assert {"id", "type", "canonical", "aliases"} <= entry.keys(), entry.get("id")
        assert entry["type"] == type_
        assert re.fullmatch(rf"{prefix}[a-z0-9]+(?:-[a-z0-9]+)*", entry["id"]), entry["id"]
        assert isinstance(entry["canonical"], str) and entry["canonical"].strip() == entry["canonical"] != ""
        assert entry["aliases"], entry["id"]
        for alias in entry["aliases"]:
            assert set(alias) == {"text", "lang"}, (entry["id"], alias)
            assert alias["lang"] in LANGS, (entry["id"], alias)
            assert alias["text"] and alias["text"].strip() == alias["text"], (entry["id"], alias)
            if alias["lang"] == "ar":
                assert ARABIC.search(alias["text"]), (entry["id"], alias)
            else:
                assert not ARABIC.search(alias["text"]), (entry["id"], alias)
        for key in ("located_in", "part_of", "subordinate_to"):
            assert key not in entry or (isinstance(entry[key], str) and entry[key]), (entry["id"], key)


def test_gazetteer_ids_are_unique_across_files(facilities, organizations):
    ids = [e["id"] for e in facilities + organizations]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_no_duplicate_aliases_within_an_entity(facilities, organizations):
    for entry in facilities + organizations:
        folded = [fold(a["text"]) for a in entry["aliases"]]
        assert [a for a, n in Counter(folded).items() if n > 1] == [], entry["id"]


def test_no_alias_names_two_entities(facilities, organizations):
    owners = defaultdict(set)
    for entry in facilities + organizations:
        for text in [entry["canonical"]] + [a["text"] for a in entry["aliases"]]:
            owners[fold(text)].add(entry["id"])
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}


def test_every_entity_has_aliases_in_all_three_languages(facilities, organizations):
    for entry in facilities + organizations:
        assert {a["lang"] for a in entry["aliases"]} == set(LANGS), entry["id"]


def test_references_point_at_known_entries(facilities, organizations):
    org_ids = {e["id"] for e in organizations}
    fac_ids = {e["id"] for e in facilities}
    for entry in facilities:
        assert entry.get("part_of") is None or entry["part_of"] in org_ids, (entry["id"], entry.get("part_of"))
        assert entry.get("subordinate_to") is None or entry["subordinate_to"] in fac_ids, entry["id"]


def test_branch_251_is_known_in_all_three_languages(facilities):
    entry = next(e for e in facilities if e["id"] == "fac-branch-251")
    assert entry["part_of"] == "org-gid" and entry["located_in"] == "Damascus"
    by_lang = defaultdict(set)
    for alias in entry["aliases"]:
        by_lang[alias["lang"]].add(alias["text"])
    assert {"Branch 251", "al-Khatib Branch"} <= by_lang["en"]
    assert {"Abteilung 251", "Al-Khatib-Abteilung"} <= by_lang["de"]
    assert {"الفرع 251", "فرع الخطيب"} <= by_lang["ar"]


@pytest.mark.parametrize(
    "entity_id, aliases",
    [
        ("fac-branch-235", ["Palestine Branch", "فرع فلسطين"]),
        ("org-branch-40", ["Branch 40", "Abteilung 40", "Unterabteilung 40"]),
        ("fac-saydnaya", ["Saydnaya", "Sednaya", "Saidnaya", "Sednaja", "صيدنايا"]),
        ("fac-mezzeh-airport", ["Mezzeh military airport", "Mazzeh military airport", "مطار المزة العسكري"]),
        ("fac-tadmur", ["Palmyra prison", "سجن تدمر"]),
        ("org-gid", ["Allgemeiner Geheimdienst", "Allgemeiner Nachrichtendienst", "إدارة المخابرات العامة", "أمن الدولة"]),
        ("org-olg-koblenz", ["OLG Koblenz", "Oberlandesgericht Koblenz", "المحكمة الإقليمية العليا في كوبلنز"]),
        ("org-gba", ["Generalbundesanwalt"]),
        ("org-bgh", ["BGH", "Bundesgerichtshof"]),
        ("org-ecchr", ["ECCHR"]),
    ],
)
def test_known_aliases(facilities, organizations, entity_id, aliases):
    entry = next(e for e in facilities + organizations if e["id"] == entity_id)
    texts = {a["text"] for a in entry["aliases"]}
    assert set(aliases) <= texts, set(aliases) - texts


def test_project_gazetteer_finds_branch_251_in_three_languages():
    from pipelines.entities.gazetteer import Gazetteer, load_entries

    gazetteer = Gazetteer(load_entries(RESOURCES))
    for text, expected in [
        ("Er wurde in der Al-Khatib-Abteilung verhört und später nach Sednaja verlegt.", ["fac-branch-251", "fac-saydnaya"]),
        ("He was held in Branch 251 before the OLG Koblenz heard him.", ["fac-branch-251", "org-olg-koblenz"]),
        ("نُقل إلى فرع الخطيب ثم إلى سجن صيدنايا.", ["fac-branch-251", "fac-saydnaya"]),
    ]:
        assert [m.gazetteer_id for m in gazetteer.find(text)] == expected, text


# ------------------------------------------------------------------------------------------------ role cues


@pytest.fixture(scope="module")
def role_cues() -> dict[str, dict[str, list[str]]]:
    return json.loads((RESOURCES / "role_cues.json").read_text(encoding="utf-8"))


def test_role_cues_cover_every_role_and_language(role_cues):
    assert set(role_cues) == ROLES | {"unknown"}  # "unknown": words for people outside the roles (interpreter, guard)
    for role, by_lang in role_cues.items():
        assert set(by_lang) == set(LANGS), role
        for lang, cues in by_lang.items():
            assert len(cues) >= 10, (role, lang, len(cues))
            assert all(isinstance(c, str) and c and c == c.strip() for c in cues), (role, lang)
            folded = [c.casefold() for c in cues]
            assert [c for c, n in Counter(folded).items() if n > 1] == [], (role, lang)
            for cue in cues:
                assert bool(ARABIC.search(cue)) == (lang == "ar"), (role, lang, cue)


def test_no_cue_speaks_for_two_roles(role_cues):
    for lang in LANGS:
        owners = defaultdict(set)
        for role, by_lang in role_cues.items():
            for cue in by_lang[lang]:
                owners[cue.casefold()].add(role)
        assert {c: r for c, r in owners.items() if len(r) > 1} == {}, lang


def test_key_role_cues(role_cues):
    assert {"der Angeklagte", "des Angeklagten", "Angeklagter"} <= set(role_cues["accused"]["de"])
    assert {"the accused", "the defendant"} <= set(role_cues["accused"]["en"])
    assert {"المتهم", "المتهمة"} <= set(role_cues["accused"]["ar"])
    assert {"wurde gefoltert", "inhaftiert", "festgenommen"} <= set(role_cues["victim"]["de"])
    assert {"was tortured"} <= set(role_cues["victim"]["en"])
    assert {"عُذّب", "اعتُقل", "تعرض للتعذيب"} <= set(role_cues["victim"]["ar"])
    assert "Nebenkläger" in role_cues["co-plaintiff"]["de"]


# ------------------------------------------------------------------------------------------------ stop words


@pytest.fixture(scope="module")
def stopwords() -> dict[str, list[str]]:
    return json.loads((RESOURCES / "stopwords.json").read_text(encoding="utf-8"))


def test_stopwords_schema_and_size(stopwords):
    assert set(stopwords) == {"ar", "de", "en", "shared"}
    for lang in LANGS:
        words = stopwords[lang]
        assert len(words) >= 120, (lang, len(words))
        assert len({w.casefold() for w in words}) == len(words), lang
        assert all(w and " " not in w and w == w.strip() for w in words), lang
        for word in words:
            assert bool(ARABIC.search(word)) == (lang == "ar"), (lang, word)


def test_stopwords_tell_german_from_english(stopwords):
    de = {w.casefold() for w in stopwords["de"]}
    en = {w.casefold() for w in stopwords["en"]}
    shared = {w.casefold() for w in stopwords["shared"]}
    assert de & en == set()
    assert (de | en) & shared == set()
    assert {"in", "an", "so", "also", "war"} <= shared  # "war crimes" must not look German


# ------------------------------------------------------------------------------------------------ short queries


@pytest.fixture(scope="module")
def short_queries() -> list[dict[str, str]]:
    header, rows = read_tsv("short_queries.tsv")
    assert header == ["query", "lang"]
    return rows


def test_short_queries(short_queries):
    assert len(short_queries) == 60
    assert Counter(r["lang"] for r in short_queries) == {"ar": 20, "de": 20, "en": 20}
    assert len({r["query"] for r in short_queries}) == 60
    for row in short_queries:
        assert 1 <= len(row["query"].split()) <= 3, row
        assert bool(ARABIC.search(row["query"])) == (row["lang"] == "ar"), row


def test_short_queries_do_not_contradict_the_stopwords(short_queries, stopwords):
    lists = {lang: {w.casefold() for w in stopwords[lang]} for lang in LANGS}
    for row in short_queries:
        for token in row["query"].casefold().split():
            others = [lang for lang in LANGS if lang != row["lang"] and token in lists[lang]]
            assert others == [], (row, token, others)


def test_short_queries_name_glossary_or_gazetteer_terms(short_queries, glossary, facilities, organizations, stopwords):
    """Each query is a known term, or known terms joined by stop words ("Beihilfe zur Folter")."""
    known = {fold(t) for row in glossary for lang in LANGS for t in synonyms(row[lang])}
    known |= {fold(a["text"]) for e in facilities + organizations for a in e["aliases"]}
    stop = {fold(w) for lang in stopwords for w in stopwords[lang]}

    def covered(query: str) -> bool:
        return fold(query) in known or all(w in known or w in stop for w in fold(query).split())

    assert [r["query"] for r in short_queries if not covered(r["query"])] == []
