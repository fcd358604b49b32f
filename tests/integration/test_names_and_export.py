"""Batch name search and exports on the sample corpus, through the CLI as users run them."""

import csv
import io
import json
from contextlib import redirect_stdout

from followthemoney import model

from pipelines.cli import main


def _run(*argv) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(list(argv)) == 0
    return buffer.getvalue()


def test_batch_names_in_any_script(sample_data, tmp_path):
    names = tmp_path / "missing.csv"
    names.write_text("name,notes\nأنور رسلان,\nIyad al-Gharib,\nSamir Hadad,\nMohammed Unknown Person,\n", encoding="utf-8")
    results = json.loads(_run("names", str(names), "--json", "--data", str(sample_data)))
    by_query = {r["query"]: r["hits"] for r in results}
    assert by_query["أنور رسلان"][0]["canonical"] == "Anwar Raslan"
    assert by_query["Iyad al-Gharib"][0]["canonical"] == "Eyad al-Gharib"
    assert by_query["Samir Hadad"][0]["canonical"] == "Samir Haddad"
    assert by_query["Mohammed Unknown Person"] == []
    first = by_query["أنور رسلان"][0]
    assert first["score"] > 0.8 and first["passages"] and "1 StE 9/19" in first["passages"][0]["citation"]
    rows = list(csv.DictReader(io.StringIO(_run("names", str(names), "--csv", "--data", str(sample_data)))))
    assert {"query", "entity", "score", "citation"} <= set(rows[0])


def test_ftm_export_is_valid_followthemoney(sample_data):
    lines = [json.loads(line) for line in _run("export", "--format", "ftm", "--data", str(sample_data)).splitlines()]
    schemata = {e["schema"] for e in lines}
    assert {"Person", "Organization", "CourtCase", "CourtCaseParty", "Mention", "Document"} <= schemata
    for entity in lines:
        proxy = model.get_proxy(entity, cleaned=False)
        assert proxy.id == entity["id"]
    raslan = [e for e in lines if e["schema"] == "Person" and "Anwar Raslan" in e["properties"].get("name", [])]
    assert raslan and any("R." in a for a in raslan[0]["properties"].get("alias", []))
    ids = {e["id"] for e in lines}
    for mention in (e for e in lines if e["schema"] == "Mention"):
        assert set(mention["properties"]["resolved"]) <= ids and set(mention["properties"]["document"]) <= ids


def test_json_and_csv_exports_carry_citations(sample_data):
    records = json.loads(_run("export", "--format", "json", "--data", str(sample_data)))
    assert records and all(r["citation"] and r["entity_id"] for r in records)
    rows = list(csv.DictReader(io.StringIO(_run("export", "--format", "csv", "--data", str(sample_data)))))
    assert len(rows) == len(records)


def test_name_matching_gold_set_meets_its_targets():
    from pipelines.entities.name_eval import evaluate
    from tests.conftest import ROOT

    result = evaluate(ROOT / "corpora" / "resources" / "name_pairs_gold.tsv")
    assert result["precision"] >= 0.95 and result["recall"] >= 0.90


def test_more_like_this_finds_related_passages_not_itself(sample_workspace):
    seed = sample_workspace.searcher.search('"Freitagsgebet vor einer Moschee"', limit=1).hits[0]
    similar = sample_workspace.searcher.search(seed.text[:200], like_passage=seed.passage_id, limit=5).hits
    assert similar and seed.passage_id not in {h.passage_id for h in similar}


def test_cross_lingual_query_reaches_other_languages(sample_workspace):
    hits = sample_workspace.searcher.search("enforced disappearance", limit=10).hits
    assert {"ar", "de"} & {h.lang for h in hits}
    plain = sample_workspace.searcher.search("enforced disappearance", limit=10, expand_query=False, dense=False).hits
    assert {h.lang for h in plain} <= {"en", "und"}
