import csv

from pipelines.query_language import RESOURCES, detect_query_language

# Written for this test, independently of the glossary and stop-word lists: everyday words a
# researcher types, many of them in no resource file.
UNSEEN = {
    "de": ["Gefängnis", "Keller", "Schläge", "Zellen", "Ermittlungsabteilung", "Geheimdienst Damaskus", "Aussage des Zeugen",
           "Leichen", "Hungerstreik", "Beweismittel", "Urteilsbegründung", "Flucht nach Jordanien", "Oberst",
           "Vernehmungsprotokoll", "Stromschläge"],
    "en": ["prison", "basement", "beatings", "cells", "investigation section", "intelligence Damascus", "statement of witness",
           "corpses", "hunger strike", "evidence", "reasoning", "escape to Jordan", "colonel", "interrogation record", "electric shocks"],
    "ar": ["سجن", "قبو", "ضرب", "زنازين", "فرع التحقيق"],
}


def test_short_legal_queries_from_the_resource_list():
    with open(RESOURCES / "short_queries.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    right = sum(detect_query_language(r["query"]) == r["lang"] for r in rows)
    assert len(rows) >= 30
    assert right / len(rows) >= 29 / 30, f"{right}/{len(rows)}"


def test_short_queries_not_in_any_resource():
    cases = [(q, lang) for lang, queries in UNSEEN.items() for q in queries]
    wrong = [(q, lang, detect_query_language(q)) for q, lang in cases if detect_query_language(q) != lang]
    assert (len(cases) - len(wrong)) / len(cases) >= 29 / 30, wrong
