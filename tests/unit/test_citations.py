from ingest.model import LegalMeta
from pipelines.citations import format_citation

META = LegalMeta(court="OLG Koblenz", case_number="1 StE 9/19", date="2022-01-13", doc_type="judgment", title="Urteil")


def test_german_pinpoint_citation():
    assert format_citation(META, "u.pdf", 12, "48", "de").text == "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 12, Rn. 48"


def test_english_pinpoint_citation():
    assert format_citation(META, "u.pdf", 3, "7", "en").text == "OLG Koblenz, Judgment of 13 Jan. 2022 – 1 StE 9/19, p. 3, para. 7"


def test_document_without_metadata_is_cited_by_title_and_file():
    cited = format_citation(LegalMeta(title="Notes"), "notes.md", 1, None, "en").text
    assert cited == "Notes (notes.md), p. 1"
