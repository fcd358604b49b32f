"""OCR with the real Tesseract: accuracy per language, layout, cache, files, bombs, PDFs.

Page images are drawn here from known text (tests/ocr_quality.py), so the character error rate
(CER) is exact. The table of measured CERs is printed in the test output (test_report_cer).

    .venv/bin/python -m pytest tests/unit/test_ocr.py
"""

from __future__ import annotations

import io
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from ingest import ocr
from ingest.ocr_cache import OcrCache
from tests.ocr_quality import DEJAVU_SANS, SAMPLES, cer, degrade, reference_text, render_page, report, uneven_light

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")

LANGS = ("deu", "eng", "ara")
CLEAN_MAX = 0.01
DEGRADED_MAX = 0.03


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, str], Image.Image]:
    out = {}
    for lang in LANGS:
        clean = render_page(lang)
        out[(lang, "clean")] = clean
        out[(lang, "degraded")] = degrade(clean)
        out[(lang, "uneven")] = uneven_light(degrade(clean))
    return out


@pytest.fixture(scope="module")
def quality(pages):
    """OCR all nine samples once, in parallel worker processes, with the language given."""
    keys = list(pages)
    started = time.perf_counter()
    results = ocr.ocr_pages([pages[k] for k in keys], [k[0] for k in keys], workers=2)
    elapsed = time.perf_counter() - started
    rates = {k: cer(reference_text(k[0]), r.text) for k, r in zip(keys, results)}
    return {"results": dict(zip(keys, results)), "cer": rates, "seconds": elapsed}


@pytest.fixture(scope="module")
def detected(pages):
    """The clean samples again with langs=None: the probe has to find the languages."""
    started = time.perf_counter()
    results = ocr.ocr_pages([pages[(lang, "clean")] for lang in LANGS], None, workers=2)
    return dict(zip(LANGS, results)), time.perf_counter() - started


def test_report_cer(quality, detected, capsys):
    results = quality["results"]
    rows = [(lang, cond, reference_text(lang), results[(lang, cond)].text, None, results[(lang, cond)].langs)
            for lang in LANGS for cond in ("clean", "degraded", "uneven")]
    auto, auto_seconds = detected
    rows += [(lang, "auto", reference_text(lang), auto[lang].text, None, auto[lang].langs) for lang in LANGS]
    with capsys.disabled():
        print("\n" + report(rows))
        print(f"{len(results)} pages (langs given) in {quality['seconds']:.1f} s, 3 pages (langs detected) in "
              f"{auto_seconds:.1f} s, 2 worker processes, tesseract {ocr.tesseract_version()}")


@pytest.mark.parametrize("lang", LANGS)
def test_clean_cer(quality, lang):
    rate = quality["cer"][(lang, "clean")]
    assert rate <= CLEAN_MAX, f"{lang} clean CER {rate:.2%}\n{quality['results'][(lang, 'clean')].text}"


@pytest.mark.parametrize("lang", LANGS)
def test_degraded_cer(quality, lang):
    rate = quality["cer"][(lang, "degraded")]
    assert rate <= DEGRADED_MAX, f"{lang} degraded CER {rate:.2%}\n{quality['results'][(lang, 'degraded')].text}"


@pytest.mark.parametrize("lang", LANGS)
def test_uneven_lighting_cer(quality, lang):
    """Light falling off across the page: without flattening the background, Tesseract's global
    Otsu blackens the dark side and drops its text (CER 21-100 %) while reporting high confidence."""
    rate = quality["cer"][(lang, "uneven")]
    assert rate <= DEGRADED_MAX, f"{lang} uneven-light CER {rate:.2%}\n{quality['results'][(lang, 'uneven')].text}"


@pytest.mark.parametrize("lang", LANGS)
def test_confidence_is_reported(quality, lang):
    result = quality["results"][(lang, "clean")]
    assert 80 <= result.confidence <= 100
    assert result.langs == lang


@pytest.mark.parametrize("lang", LANGS)
def test_languages_are_detected_when_not_given(detected, lang):
    result = detected[0][lang]
    assert result.langs == lang
    assert cer(reference_text(lang), result.text) <= CLEAN_MAX


def test_paragraph_breaks_survive_as_blank_lines(quality):
    for lang in LANGS:
        text = quality["results"][(lang, "clean")].text
        paragraphs = text.split("\n\n")
        assert len(paragraphs) == 2, text
        assert [len(p.split("\n")) for p in paragraphs] == [len(p) for p in SAMPLES[lang]]


def test_arabic_comes_out_in_logical_order(quality):
    text = quality["results"][("ara", "clean")].text
    assert text.startswith("المحكمة الإقليمية العليا")  # the first word read, not the last one drawn
    assert "كوبلنز، الدائرة" in text  # Arabic comma restored (Tesseract reads it as ",")


def test_bidi_marks_are_stripped_from_mixed_arabic_latin():
    lines = ["وحضر المحامي Patrick Kroker عن المدعين.", "وقال الشاهد إن Anwar Raslan كان حاضرا."]
    image = render_page("ara", [lines], font=DEJAVU_SANS)  # Noto Naskh has no Latin letters
    result = ocr.ocr_image(image)  # detection has to notice the Latin words: ara+eng
    assert result.langs == "ara+eng"
    for mark in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c":
        assert mark not in result.text
    assert "Patrick Kroker" in result.text and "Anwar Raslan" in result.text
    assert cer("\n".join(lines), result.text) <= DEGRADED_MAX


def test_clean_ocr_text_strips_marks_and_repairs_text():
    raw = "\u200fقال الشاهد, \u200eStE\u200f نعم\nDie Verneh-\nmung dauerte\u00a0an.\n\n\n\nEnde"
    assert ocr.clean_ocr_text(raw) == "قال الشاهد، StE نعم\nDie Vernehmung dauerte an.\n\nEnde"


def test_section_signs_are_restored_on_german_pages():
    raw = "nach $ 7 Abs. 1 Nr. 5 VStGB i. V. m. SS 25, 27 StGB (S49 Abs. 1 StGB); S. 7 der Akte; Bus S 7"
    assert ocr.clean_ocr_text(raw, "deu") == (
        "nach § 7 Abs. 1 Nr. 5 VStGB i. V. m. §§ 25, 27 StGB (§49 Abs. 1 StGB); S. 7 der Akte; Bus S 7")
    assert ocr.clean_ocr_text("It cost $ 35 in 2019", "eng") == "It cost $ 35 in 2019"


def test_ocr_variants_of_a_running_header_are_dropped():
    header = ["SYNTHETISCHES MUSTER - OLG Koblenz - 1 StE 3/21", "SYNTHETISCHES MUSTER - OLG Koblenz - 1 StE 3/21",
              "SYNTHETISCHES MUSTER : OLG Koblenz - 1 StE 3/21"]
    body = ["Der Senat stellte fest.", "Die Revision ist unbegründet.", "Der Angeklagte trägt die Kosten."]
    pages = [f"{h}\n\n{b}\n\nSeite {n} von 3" for n, (h, b) in enumerate(zip(header, body), start=1)]
    assert ocr._drop_running(pages) == body
    single = ["Eine einmalige Überschrift\nText."] + ["Text."] * 3  # a line on one page only stays
    assert ocr._drop_running(single)[0].startswith("Eine einmalige")


def test_german_line_end_hyphenation_is_joined():
    image = render_page("deu", [["Der Senat ordnete die Verneh-", "mung weiterer Zeugen an und", "vertagte die Haupt-",
                                 "verhandlung auf den 14. März."]])
    result = ocr.ocr_image(image, "deu")
    assert "Vernehmung weiterer" in result.text
    assert "Hauptverhandlung" in result.text


def test_blank_page_makes_no_tesseract_call():
    before = ocr.tesseract_calls()
    result = ocr.ocr_image(Image.new("L", (2480, 3508), 255))
    assert result.text == "" and result.confidence == 0.0
    assert ocr.tesseract_calls() == before


def test_rotated_page_is_turned_upright():
    image = render_page("eng").rotate(90, expand=True)  # a landscape scan of a portrait page
    result = ocr.ocr_image(image, "eng")
    assert cer(reference_text("eng"), result.text) <= DEGRADED_MAX
    assert result.confidence > 80


def test_skew_is_estimated():
    gray = render_page("deu").rotate(4.0, expand=True, fillcolor=255)
    assert ocr.estimate_skew(gray) == pytest.approx(-4.0, abs=0.3)


def test_language_hints(tmp_path):
    assert ocr.normalise_langs("de") == "deu"
    assert ocr.normalise_langs("ar+en") == "ara+eng"
    assert ocr.normalise_langs(None) is None
    with pytest.raises(ocr.OcrError, match="not installed"):
        ocr.normalise_langs("klingon")


def test_choose_langs_from_probe_text():
    assert ocr.choose_langs("Der Zeuge sagte, dass die Gefangenen täglich verhört wurden.") == "deu"
    assert ocr.choose_langs("The witness said that the detainees were beaten every day.") == "eng"
    assert ocr.choose_langs("وصف الشاهد الظروف في مركز الاحتجاز بالتفصيل أمام المحكمة") == "ara"
    assert ocr.choose_langs("12 / 3") is None


# --------------------------------------------------------------------------------------------
# cache


def test_cache_means_no_second_ocr(pages, tmp_path):
    cache = OcrCache(tmp_path / "ocr-cache")
    images = [pages[("eng", "clean")], pages[("deu", "degraded")]]
    before = ocr.tesseract_calls()
    first = ocr.ocr_pages(images, ["eng", "deu"], workers=2, cache=cache)
    assert ocr.tesseract_calls() - before >= 2  # worker calls are counted in this process too
    assert len(cache) == 2
    entry = next((tmp_path / "ocr-cache").glob("??/*.json"))
    assert entry.parent.name == entry.stem[:2] and len(entry.stem) == 64
    assert not list((tmp_path / "ocr-cache").glob("??/.tmp-*"))  # atomic writes leave no temp files

    before = ocr.tesseract_calls()
    second = ocr.ocr_pages(images, ["eng", "deu"], workers=2, cache=cache)
    single = ocr.ocr_image(images[0], "eng", cache=cache)
    assert ocr.tesseract_calls() == before  # a re-ingest never OCRs the same page twice
    assert second == first and single == first[0]


def test_cache_key_depends_on_pixels_and_languages(pages, tmp_path):
    cache = OcrCache(tmp_path, engine="tesseract-test")
    image = pages[("eng", "clean")]
    assert cache.key(image, "eng") == cache.key(image.copy(), "eng")
    assert cache.key(image, "eng") != cache.key(image, "deu")
    assert cache.key(image, "eng") != cache.key(image, None)
    assert cache.key(image, "eng") != OcrCache(tmp_path, engine="tesseract-other").key(image, "eng")
    shifted = image.copy()
    shifted.putpixel((5, 5), 0)
    assert cache.key(image, "eng") != cache.key(shifted, "eng")
    result = ocr.OcrResult("text", 91.5, "eng")
    cache.put(image, "eng", result)
    assert cache.get(image, "eng") == result
    cache.path_for(cache.key(image, "eng")).write_text("{not json")
    assert cache.get(image, "eng") is None  # a damaged entry is a miss, not an error


# --------------------------------------------------------------------------------------------
# image files


def test_multipage_tiff_gives_one_result_per_page(tmp_path):
    frames = [render_page("deu", [[f"Seite {n}: Der Zeuge wurde am {n}. März vernommen."]]) for n in (1, 2, 3)]
    path = tmp_path / "scan.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(300, 300))
    results = ocr.ocr_image_file(path, "deu", workers=2)
    assert len(results) == 3
    for n, result in enumerate(results, start=1):
        assert f"Seite {n}: Der Zeuge wurde am {n}. März vernommen." == result.text


def test_jpeg_and_png_files(tmp_path, pages):
    png, jpeg = tmp_path / "page.png", tmp_path / "page.jpg"
    pages[("eng", "clean")].save(png)
    pages[("eng", "clean")].convert("RGB").save(jpeg, quality=80)
    for path in (png, jpeg):
        [result] = ocr.ocr_image_file(path, "eng", workers=1)
        assert cer(reference_text("eng"), result.text) <= CLEAN_MAX


def _png_bomb(path: Path, side: int = 20000) -> None:
    """A valid 1-bit PNG of side×side white pixels: ~60 kB on disk, 400 million pixels decoded."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\xff" * (side // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_decompression_bomb_is_refused_with_a_clear_error(tmp_path):
    bomb = tmp_path / "bomb.png"
    _png_bomb(bomb)
    assert bomb.stat().st_size < 200_000
    before = ocr.tesseract_calls()
    with pytest.raises(ocr.ImageTooLargeError, match="decompression bomb") as caught:
        ocr.ocr_image_file(bomb)
    assert "400,000,000" in str(caught.value) and "60,000,000" in str(caught.value)
    assert ocr.tesseract_calls() == before


def test_bomb_limit_applies_to_every_tiff_page(tmp_path):
    path = tmp_path / "mixed.tiff"
    Image.new("L", (500, 500), 255).save(path, save_all=True, append_images=[Image.new("L", (1500, 1500), 255)])
    with pytest.raises(ocr.ImageTooLargeError, match="page 2"):
        ocr.ocr_image_file(path, "eng", max_pixels=1_000_000)
    assert Image.MAX_IMAGE_PIXELS != 1_000_000  # the global limit is restored afterwards


def test_extract_records_a_bomb_as_too_large(tmp_path):
    from ingest.extract import extract_file
    from ingest.model import Failure, FailureReason

    bomb = tmp_path / "bomb.png"
    _png_bomb(bomb)
    result = extract_file(bomb)
    assert isinstance(result, Failure) and result.reason is FailureReason.TOO_LARGE
    assert "decompression bomb" in result.detail


# --------------------------------------------------------------------------------------------
# PDFs


def _scanned_pdf(tmp_path: Path, images: list[Image.Image]) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(unit="pt")
    for image in images:
        width, height = image.width * 72 / 300, image.height * 72 / 300
        pdf.add_page(format=(width, height))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        pdf.image(buffer, x=0, y=0, w=width, h=height)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    return path


def test_render_pdf_page_at_300_dpi(tmp_path, pages):
    path = _scanned_pdf(tmp_path, [pages[("eng", "clean")]])
    image = ocr.render_pdf_page(str(path), 0)
    assert image.mode == "L"
    assert abs(image.width - pages[("eng", "clean")].width) <= 2
    small = ocr.render_pdf_page(str(path), 0, dpi=300, max_pixels=500_000)
    assert small.width * small.height <= 500_000


def test_scanned_pdf_is_ocred_through_extract(tmp_path, pages):
    from ingest.extract import Options, extract_file
    from ingest.model import SourceDocument, TextMethod

    path = _scanned_pdf(tmp_path, [pages[("deu", "degraded")], pages[("ara", "clean")]])
    document = extract_file(path, Options(ocr_cache_dir=str(tmp_path / "ocr-cache")))
    assert isinstance(document, SourceDocument), document
    assert [p.method for p in document.pages] == [TextMethod.OCR, TextMethod.OCR]
    assert cer(reference_text("deu"), document.pages[0].text) <= DEGRADED_MAX
    assert cer(reference_text("ara"), document.pages[1].text) <= CLEAN_MAX
    assert all(p.ocr_confidence and p.ocr_confidence > 80 for p in document.pages)
    assert len(OcrCache(tmp_path / "ocr-cache")) == 2


# --------------------------------------------------------------------------------------------
# plumbing without Tesseract


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "1", "I;16", "CMYK", "LA"])
def test_to_grayscale_handles_image_modes(mode):
    base = Image.new("L", (40, 20), 255)
    base.paste(0, (10, 5, 30, 15))
    if mode == "I;16":
        image = Image.frombytes("I;16", base.size, bytes(b for v in base.tobytes() for b in (v, v)))
    elif mode in ("RGBA", "LA"):
        image = base.convert(mode)
        image.putalpha(Image.new("L", base.size, 255))
    else:
        image = base.convert(mode)
    gray = ocr.to_grayscale(image)
    assert gray.mode == "L" and gray.size == base.size
    assert gray.getpixel((0, 0)) > 200 and gray.getpixel((20, 10)) < 50


def test_transparent_background_becomes_white_paper():
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))  # transparent black: paper, not ink
    assert ocr.to_grayscale(image).getextrema() == (255, 255)


def test_one_bad_page_does_not_stop_the_others():
    blank = Image.new("L", (100, 100), 255)
    outcomes = list(ocr.iter_ocr([blank, blank, blank], ["eng", "klingon", None], workers=1))
    assert isinstance(outcomes[0], ocr.OcrResult) and isinstance(outcomes[2], ocr.OcrResult)
    assert isinstance(outcomes[1], ocr.OcrError) and "klingon" in str(outcomes[1])
    with pytest.raises(ocr.OcrError):
        ocr.ocr_pages([blank, blank], ["eng", "klingon"], workers=1)
