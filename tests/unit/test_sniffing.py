from ingest.sources import DOCX, HTML, MARKDOWN, PDF, PNG, TEXT, sniff


def test_type_comes_from_content_not_extension():
    assert sniff(b"%PDF-1.7\n...", "report.txt") == PDF
    assert sniff(b"\x89PNG\r\n\x1a\n....", "scan.pdf") == PNG
    assert sniff(b"<!DOCTYPE html><html><body>x</body></html>", "notes.txt") == HTML
    assert sniff(b"PK\x03\x04....[Content_Types].xml....word/document.xml", "a.bin") == DOCX
    assert sniff("# Verhandlungstag\n\nText".encode(), "notes.md") == MARKDOWN
    assert sniff("plain words".encode(), "notes") == TEXT


def test_binary_junk_is_not_supported():
    assert sniff(b"\x00\x01\x02garbage\x00", "x.pdf") is None
    assert sniff(b"PK\x03\x04 some other zip", "x.docx") is None
