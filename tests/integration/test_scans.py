"""Scans and images through the real CLI and real Tesseract: OCR, page review, OCR cache."""

import io
import json
from contextlib import redirect_stdout

from PIL import Image, ImageDraw, ImageFont

from pipelines.cli import main

LINES = ["Der Zeuge schilderte die Haftbedingungen", "in der Abteilung 251 in Damaskus."]


def _page(lines, size=(1700, 700)) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 44)
    for n, line in enumerate(lines):
        draw.text((80, 120 + n * 90), line, fill=0, font=font)
    return image


def _json(*argv):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(list(argv)) == 0
    return json.loads(buffer.getvalue())


def test_png_and_multipage_tiff_are_ocrd_and_searchable(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    _page(LINES).save(folder / "page.png")
    first, second = _page(["Erste Seite: Vernehmung des Zeugen."]), _page(["Zweite Seite: Verlegung nach Saydnaya."])
    first.save(folder / "two-pages.tiff", save_all=True, append_images=[second])
    data = tmp_path / "data"
    summary = _json("ingest", str(folder), "--data", str(data), "--json", "--ocr-lang", "deu")
    assert summary["documents"] == 2 and summary["failures"] == []
    pages = _json("pages", "--data", str(data), "--json")
    assert {p["method"] for p in pages} == {"ocr"} and len(pages) == 3
    assert all(p["ocr_confidence"] > 60 for p in pages)
    hits = _json("search", "Saydnaya", "--data", str(data), "--json")
    assert hits[0]["filename"] == "two-pages.tiff" and hits[0]["page"] == 2
    weak = _json("pages", "--low-confidence", "--below", "101", "--data", str(data), "--json")
    assert len(weak) == 3


def test_reingest_of_the_same_page_image_never_ocrs_twice(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    _page(LINES).save(folder / "scan.png")
    data = tmp_path / "data"
    _json("ingest", str(folder), "--data", str(data), "--json", "--ocr-lang", "deu", "--workers", "1")
    # The same pixels in a different file (new bytes, new document id): the OCR cache answers.
    other = tmp_path / "b"
    other.mkdir()
    _page(LINES).save(other / "scan-copy.png", optimize=True)
    cache = list((data / "ocr-cache").rglob("*.json"))
    assert len(cache) == 1, "OCR results are cached in the data folder"
    written = cache[0].stat().st_mtime_ns
    summary = _json("ingest", str(other), "--data", str(data), "--json", "--ocr-lang", "deu", "--workers", "1")
    assert summary["documents"] == 1
    # A fresh OCR would have rewritten the entry (atomic replace); a cache hit leaves it untouched.
    assert [p.stat().st_mtime_ns for p in (data / "ocr-cache").rglob("*.json")] == [written]


def test_decompression_bomb_is_refused_as_too_large(tmp_path):
    folder = tmp_path / "bomb"
    folder.mkdir()
    Image.new("1", (20000, 20000), 1).save(folder / "bomb.png", optimize=True)
    summary = _json("ingest", str(folder), "--data", str(tmp_path / "d"), "--json")
    assert [f["reason"] for f in summary["failures"]] == ["too-large"]
