"""OCR for pages without a usable text layer: render → preprocess → Tesseract → clean.

Pipeline for one page image (see docs/decisions/0003-ocr.md for the measurements behind it):

1. grayscale (alpha flattened onto white, 16-bit scaled, EXIF orientation applied for files);
   uneven lighting divided out (only when the paper's brightness varies across the page);
2. deskew: a projection-profile search over ±10° on a downscaled Otsu-binarised copy; the page is
   rotated only when the skew is at least 0.3° (Tesseract copes with less, and resampling costs);
3. languages: the caller's hint ("deu", "ara+eng", or ISO "de"/"ar"/"en"), or, when None, a probe:
   Tesseract `ara+deu+eng` over a band of about four text lines, then Arabic vs Latin script
   share and German vs English stop words decide the languages of the real pass;
4. one `image_to_data` call (psm 3) gives words, boxes and confidences; lines are rebuilt from
   Tesseract's block/par/line numbers, and a blank line marks a paragraph where the vertical gap
   between lines is wider than usual (Tesseract's own paragraph numbers split too eagerly);
5. if confidence is poor, orientation detection (OSD) may turn the page by 90/180/270° and retry;
6. clean: bidi marks stripped, NFKC, Arabic punctuation and German "§" restored (the models
   misread both), German line-end hyphens joined.

Headers and footers are left in `ocr_image` output; `ocr_pdf_pages`/`ocr_image_pages` (the
document-level adapters `ingest.extract` calls) drop running lines across the OCR'd pages.

Tesseract runs as a subprocess with OMP_THREAD_LIMIT=1: parallelism comes from `ocr_pages`
running pages in worker processes, and OpenMP threads inside each would oversubscribe the cores.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import statistics
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

# Set before any Tesseract subprocess is started; the subprocess inherits the environment.
os.environ["OMP_THREAD_LIMIT"] = "1"

import numpy as np  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError  # noqa: E402

from ingest import textclean  # noqa: E402

if TYPE_CHECKING:
    from ingest.ocr_cache import OcrCache

DEFAULT_DPI = 300
MAX_IMAGE_PIXELS = 60_000_000  # ~ A3 at 600 dpi; an A4 page at 300 dpi is 8.7 million
MAX_FRAMES = 2000
PAGE_TIMEOUT_S = 120  # one Tesseract call; a page that takes longer is recorded as failed
PIPELINE_VERSION = "2"  # bump when preprocessing or text assembly changes: it is part of the cache key
AUTO_LANGS = "ara+deu+eng"  # the probe's languages, and the fallback when the probe reads nothing
LANG_ALIASES = {"ar": "ara", "de": "deu", "en": "eng", "arabic": "ara", "german": "deu", "english": "eng"}

_TESS_CONFIG = "--psm 3"  # automatic page segmentation, no OSD (orientation is a separate fallback)
_DESKEW_MIN_DEG = 0.3
_DESKEW_MAX_DEG = 10.0
_ORIENTATION_RETRY_CONF = 50.0  # below this mean word confidence, ask OSD whether the page is turned


class OcrError(Exception):
    """OCR of one page or file failed; the message says why, for the caller to record."""


class ImageTooLargeError(OcrError):
    """An image (or one frame of it) has more pixels than the limit: refused as a possible decompression bomb."""


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # mean Tesseract word confidence, 0-100, words with conf -1 excluded
    langs: str  # the Tesseract languages actually used, e.g. "deu" or "ara+eng"

    def to_dict(self) -> dict:
        return {"text": self.text, "confidence": self.confidence, "langs": self.langs}

    @classmethod
    def from_dict(cls, data: dict) -> OcrResult:
        return cls(str(data["text"]), float(data["confidence"]), str(data["langs"]))


# --------------------------------------------------------------------------------------------
# Tesseract calls (counted, so tests and stats can see that the cache avoided them)

_CALLS = {"tesseract": 0}


def tesseract_calls() -> int:
    """How many OCR/OSD Tesseract runs this process has made, including those done by its workers."""
    return _CALLS["tesseract"]


def _run_tesseract(function, image: Image.Image, **kwargs):
    _CALLS["tesseract"] += 1
    image = image.copy()
    # pytesseract writes its temp file in image.format (PNG by default). Encoding a noisy 300-dpi page
    # as PNG took 1.5 s here, as BMP 3 ms; Tesseract reads both.
    image.format = "BMP"
    try:
        return function(image, timeout=PAGE_TIMEOUT_S, **kwargs)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrError("the tesseract program is not installed") from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed: {exc.message or exc}".strip()[:300]) from exc
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            raise OcrError(f"tesseract took longer than {PAGE_TIMEOUT_S} s on this page") from exc
        raise


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrError("the tesseract program is not installed") from exc


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrError("the tesseract program is not installed") from exc


def normalise_langs(langs: str | None) -> str | None:
    """'de' → 'deu', 'ar+en' → 'ara+eng'; None stays None (= detect). Unknown languages raise OcrError."""
    if langs is None or not langs.strip():
        return None
    parts = [LANG_ALIASES.get(p.strip().lower(), p.strip()) for p in re.split(r"[+,\s]+", langs.strip()) if p.strip()]
    missing = [p for p in parts if p not in installed_languages()]
    if missing:
        raise OcrError(f"Tesseract language(s) {', '.join(missing)} not installed (installed: {', '.join(sorted(installed_languages()))})")
    return "+".join(dict.fromkeys(parts))


# --------------------------------------------------------------------------------------------
# Images: rendering, grayscale, deskew


def render_pdf_page(pdf_path: str, page_index: int, dpi: int = DEFAULT_DPI, password: str | None = None,
                    max_pixels: int = MAX_IMAGE_PIXELS) -> Image.Image:
    """Rasterise one PDF page (0-based) to an 8-bit grayscale image with PDFium.

    300 dpi puts 10-12 pt body text at 30-40 px cap height, where Tesseract's LSTM models are at
    their best. Oversized pages (posters, plans) are rendered at a lower resolution so the bitmap
    stays under `max_pixels`.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf_path, password=password)
    except pdfium.PdfiumError as exc:
        raise OcrError(f"PDFium cannot open the file ({exc})") from exc
    try:
        if not 0 <= page_index < len(document):
            raise OcrError(f"page index {page_index} is outside the document ({len(document)} pages)")
        return _render(document, page_index, dpi, max_pixels)
    finally:
        document.close()


def _render(document, page_index: int, dpi: int, max_pixels: int) -> Image.Image:
    page = document[page_index]
    try:
        width_pt, height_pt = page.get_size()
        scale = dpi / 72
        if width_pt * height_pt * scale * scale > max_pixels:
            scale = (max_pixels / max(1.0, width_pt * height_pt)) ** 0.5
            while math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels:
                scale *= 0.99  # PDFium rounds the bitmap size up
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        image = bitmap.to_pil().convert("L")
        image.info["dpi"] = (round(scale * 72), round(scale * 72))
        return image
    finally:
        page.close()


def to_grayscale(image: Image.Image) -> Image.Image:
    """8-bit grayscale; transparency becomes white paper, 16-bit/float images are scaled to 0-255."""
    if image.mode == "L":
        return image.copy()
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        pixels = np.asarray(image, dtype=np.float64)
        low, high = float(pixels.min()), float(pixels.max())
        scaled = (pixels - low) * (255.0 / (high - low)) if high > low else np.full(pixels.shape, 255.0)
        return Image.fromarray(scaled.astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image.convert("L")


def otsu_threshold(pixels: np.ndarray) -> int:
    """The gray level that best separates ink from paper (Otsu 1979), from a uint8 array."""
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    weight_dark = np.cumsum(histogram)
    sum_dark = np.cumsum(histogram * levels)
    weight_light = total - weight_dark
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_dark = sum_dark / weight_dark
        mean_light = (sum_dark[-1] - sum_dark) / weight_light
        between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def binarize(image: Image.Image) -> Image.Image:
    """Otsu binarisation (black text on white). Exposed for callers; the OCR pass itself lets
    Tesseract binarise, which measured as good or better on our degraded samples."""
    gray = to_grayscale(image)
    pixels = np.asarray(gray)
    threshold = otsu_threshold(pixels)
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8), "L")


def flatten_background(gray: Image.Image, uneven: float = 0.8) -> tuple[Image.Image, bool]:
    """Divide out uneven lighting (phone photos, book gutters, shaded scans), if there is any.

    The paper's brightness is estimated on a 1/8 copy with a max filter wider than any text stroke
    (9 px there, ~72 px on the page) and a blur; each pixel is divided by it. Global Otsu — which
    Tesseract uses — otherwise turns the darker part of the page black and drops its text while
    still reporting high confidence for the rest. Pages whose paper is even (darkest 5% of the
    background estimate at least `uneven` of the brightest) are returned unchanged.
    """
    small = gray.resize((max(1, gray.width // 8), max(1, gray.height // 8)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(9))
    low, high = np.percentile(np.asarray(paper), [5, 95])
    if high <= 0 or low >= uneven * high:
        return gray, False
    background = paper.filter(ImageFilter.GaussianBlur(4)).resize(gray.size, Image.Resampling.BILINEAR)
    pixels = np.asarray(gray, dtype=np.float32) / np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(pixels * 255.0, 0, 255).astype(np.uint8), "L"), True


def _ink_mask(gray: Image.Image, target_width: int = 800) -> tuple[np.ndarray, float]:
    """Downscaled boolean ink mask and the scale factor used (small image → fast angle search)."""
    factor = min(1.0, target_width / max(1, gray.width))
    small = gray if factor >= 1.0 else gray.resize(
        (max(1, round(gray.width * factor)), max(1, round(gray.height * factor))), Image.Resampling.BOX)
    pixels = np.asarray(small)
    threshold = otsu_threshold(pixels)
    if int(pixels.max()) - int(pixels.min()) < 40:  # a blank or uniform page has no ink to speak of
        return np.zeros(pixels.shape, dtype=bool), factor
    return pixels <= threshold, factor


def _profile_score(mask_image: Image.Image, angle: float) -> float:
    rotated = mask_image.rotate(angle, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
    rows = np.asarray(rotated, dtype=np.float64).sum(axis=1)
    return float(np.sum(np.diff(rows) ** 2))


def estimate_skew(gray: Image.Image, max_angle: float = _DESKEW_MAX_DEG) -> float:
    """Angle (degrees, PIL's counter-clockwise convention) that makes the text lines horizontal.

    Text lines give the horizontal projection profile sharp peaks and valleys; the angle with the
    sharpest profile (largest sum of squared row-to-row differences) wins. Coarse 0.5° steps, then
    0.1° around the best.
    """
    mask, _ = _ink_mask(gray)
    if mask.sum() < 50:
        return 0.0
    mask_image = Image.fromarray((mask * 255).astype(np.uint8), "L")
    coarse = np.arange(-max_angle, max_angle + 0.001, 0.5)
    best = max(coarse, key=lambda a: _profile_score(mask_image, float(a)))
    fine = np.arange(best - 0.4, best + 0.401, 0.1)
    best = max(fine, key=lambda a: _profile_score(mask_image, float(a)))
    return round(float(best), 2)


def deskew(gray: Image.Image) -> tuple[Image.Image, float]:
    angle = estimate_skew(gray)
    if abs(angle) < _DESKEW_MIN_DEG:
        return gray, 0.0
    return gray.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255), angle


def _text_line_bands(gray: Image.Image) -> list[tuple[int, int]]:
    """Row ranges (full-resolution pixels) of text lines, from the ink projection profile.

    Rows count as inked above a tenth of a busy row's ink (scanner noise stays below that); runs
    split by a gap much smaller than a line (dots, accents, descenders) are merged.
    """
    mask, factor = _ink_mask(gray)
    if not mask.any():
        return []
    rows = mask.sum(axis=1)
    busy = float(np.percentile(rows[rows > 0], 90)) if (rows > 0).any() else 0.0
    inked = rows > max(1.0, 0.1 * busy)
    runs, start = [], None
    for y, on in enumerate(inked):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append([start, y])
            start = None
    if start is not None:
        runs.append([start, len(inked)])
    if not runs:
        return []
    height = statistics.median(b - a for a, b in runs)
    merged = [runs[0]]
    for a, b in runs[1:]:
        if a - merged[-1][1] < 0.35 * height or (b - a) < 0.3 * height:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(int(a / factor), int(b / factor)) for a, b in merged]


def _probe_image(gray: Image.Image, lines: int = 4) -> Image.Image:
    """A full-width band of about `lines` text lines from the upper middle of the page.

    Tesseract's cost grows with the amount of text, not the resolution (each line is scaled to a
    fixed height for the LSTM), so a crop — not a downscale — is what makes the probe cheap. The
    band is cut half-way between lines so no line is sliced.
    """
    bands = _text_line_bands(gray)
    if len(bands) <= lines + 1:
        return gray
    start = min(len(bands) - lines - 1, max(1, len(bands) // 4))
    end = start + lines - 1
    top = (bands[start - 1][1] + bands[start][0]) // 2
    bottom = (bands[end][1] + bands[end + 1][0]) // 2
    return gray.crop((0, top, gray.width, bottom))


# --------------------------------------------------------------------------------------------
# Language choice

_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
_GERMAN_WORDS = frozenset(
    "der die das und nicht des dem den ein eine einer ist sind wurde wurden mit für von vom zu zur zum auf "
    "im in dass sich als auch bei nach gegen wird werden hat haben durch über oder aus".split())
_ENGLISH_WORDS = frozenset(
    "the and of was were with that for is are by from this which on at to has have had be been not "
    "an or as it his her their court".split())
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def choose_langs(text: str) -> str | None:
    """Tesseract languages for a page from a probe's text; None when it holds too few letters."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if arabic + latin < 20:
        return None
    words = [w.lower() for w in _WORD.findall(text)]
    german = sum(w in _GERMAN_WORDS for w in words) + len(re.findall(r"[äöüß]", text, re.I))
    english = sum(w in _ENGLISH_WORDS for w in words)
    if german or english:
        latin_langs = ["deu", "eng"] if german >= english else ["eng", "deu"]
        if min(german, english) < max(3, 0.4 * max(german, english)):
            latin_langs = latin_langs[:1]
    else:
        latin_langs = ["eng"]
    total = arabic + latin
    if arabic >= latin:
        return "ara+" + latin_langs[0] if latin >= 0.15 * total else "ara"
    chosen = list(latin_langs)
    if arabic >= 0.15 * total:
        chosen.append("ara")
    return "+".join(chosen)


def _detect(gray: Image.Image) -> tuple[str | None, tuple[str, float] | None]:
    """(languages or None, the probe's own reading when it covered the whole page)."""
    probe = _probe_image(gray)
    reading = _read(probe, AUTO_LANGS)
    chosen = choose_langs(reading[0])
    return (normalise_langs(chosen) if chosen else None), (reading if probe is gray else None)


def detect_langs(gray: Image.Image) -> str:
    """Probe a band of the page with all three languages and choose the languages of the real pass."""
    return _detect(gray)[0] or AUTO_LANGS


# --------------------------------------------------------------------------------------------
# Text assembly and clean-up


@dataclass
class _Line:
    key: tuple[int, int, int, int]
    words: list[str]
    top: int
    bottom: int


def _assemble(data: dict) -> tuple[str, float]:
    """Rebuild text from image_to_data output: lines from block/par/line numbers, paragraphs from gaps."""
    lines: dict[tuple[int, int, int, int], _Line] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        if int(data["level"][i]) != 5:
            continue
        word = (word or "").strip()
        if not word:
            continue
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
        key = (int(data["page_num"][i]), int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        top, bottom = int(data["top"][i]), int(data["top"][i]) + int(data["height"][i])
        line = lines.get(key)
        if line is None:
            lines[key] = _Line(key, [word], top, bottom)
        else:
            line.words.append(word)
            line.top, line.bottom = min(line.top, top), max(line.bottom, bottom)
    ordered = list(lines.values())
    confidence = round(statistics.fmean(confidences), 2) if confidences else 0.0
    if not ordered:
        return "", confidence
    typical = statistics.median(ln.bottom - ln.top for ln in ordered) or 10
    gaps = [b.top - a.bottom for a, b in zip(ordered, ordered[1:]) if b.top > a.bottom]
    normal_gap = statistics.median(gaps) if len(gaps) >= 2 else typical * 0.5
    out = [" ".join(ordered[0].words)]
    for prev, line in zip(ordered, ordered[1:]):
        gap = line.top - prev.bottom
        new_block = line.key[:2] != prev.key[:2]
        paragraph = gap > normal_gap + 0.6 * typical or (new_block and gap < -0.5 * typical)
        out.append(("\n\n" if paragraph else "\n") + " ".join(line.words))
    return "".join(out), confidence


# Tesseract's Arabic model reads the Arabic comma/semicolon/question mark as their Latin look-alikes.
_ARABIC_PUNCT = re.compile(r"(?<=[\u0620-\u064a\u0660-\u0669\u066e-\u06d3])\s?([,;?])(?=\s|$)", re.M)
_ARABIC_PUNCT_MAP = {",": "،", ";": "؛", "?": "؟"}


def restore_arabic_punctuation(text: str) -> str:
    return _ARABIC_PUNCT.sub(lambda m: _ARABIC_PUNCT_MAP[m.group(1)], text)


# Tesseract's German model reads "§" as "$" or "S" ("$ 7 Abs. 1", "SS 25, 27 StGB"). "$" before a
# number is taken for "§" on German pages; "S"/"SS" only when a statute reference follows.
_STATUTE = r"(?:Abs\.|Nr\.|Satz|S\.|ff\.|[A-Z][A-Za-z]*(?:GB|G|O|VO)\b)"
_DOLLAR_SECTION = re.compile(r"(?<![\w$§])(\${1,2})(?=\s?\d)")
_S_SECTION = re.compile(r"(?<![\w.§$])(S{1,2})(?=\s?\d+[a-z]?\b[^\n]{0,30}?" + _STATUTE + ")")


def restore_section_signs(text: str) -> str:
    text = _DOLLAR_SECTION.sub(lambda m: "§" * len(m.group(1)), text)
    return _S_SECTION.sub(lambda m: "§" * len(m.group(1)), text)


def clean_ocr_text(text: str, langs: str = "") -> str:
    """Bidi marks out, NFKC, Arabic punctuation, "§" on German pages, joined line-end hyphenation.

    Tesseract emits Arabic in logical (reading) order, so no reordering is needed — unlike
    pdfplumber's visual-order text layer.
    """
    text = textclean.normalize_page_text(text)
    text = restore_arabic_punctuation(text)
    if langs.split("+")[0] == "deu":
        text = restore_section_signs(text)
    text = textclean.dehyphenate(text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --------------------------------------------------------------------------------------------
# One image


def _read(gray: Image.Image, langs: str) -> tuple[str, float]:
    data = _run_tesseract(pytesseract.image_to_data, gray, lang=langs, config=_TESS_CONFIG,
                          output_type=pytesseract.Output.DICT)
    return _assemble(data)


def _osd_rotation(gray: Image.Image) -> int:
    """Degrees clockwise that OSD says would put the page upright (0 when unsure or it fails).

    OSD runs on a half-size copy: as reliable on our samples at 150 dpi, and about twice as fast.
    """
    if gray.width > 1500:
        gray = gray.resize((gray.width // 2, gray.height // 2), Image.Resampling.BOX)
    try:
        osd = _run_tesseract(pytesseract.image_to_osd, gray, config="--psm 0", output_type=pytesseract.Output.DICT)
    except OcrError:  # "too few characters" and the like: keep the page as it is
        return 0
    rotate = int(osd.get("rotate", 0)) % 360
    return rotate if rotate in (90, 180, 270) and float(osd.get("orientation_conf", 0)) >= 1.5 else 0


def _longest_dark_runs(mask: np.ndarray) -> np.ndarray:
    """Per row of `mask`, the length of its longest run of True."""
    best = np.zeros(mask.shape[0], dtype=np.int32)
    run = np.zeros(mask.shape[0], dtype=np.int32)
    for column in mask.T.astype(np.int32):
        run = (run + 1) * column
        np.maximum(best, run, out=best)
    return best


def remove_rules(gray: Image.Image) -> Image.Image:
    """Erase ruled lines (frames, underlines, table borders).

    Tesseract's layout analysis takes a framed block, such as a notice box, for a picture and
    skips the text inside it. A rule is a dark run longer than a quarter of the page width
    (horizontal) or 2 % of its height (vertical), and never under 200 / 120 pixels, far longer
    than any letter stroke at 300 dpi.
    """
    pixels = np.asarray(gray)
    dark = pixels < 160
    rows = _longest_dark_runs(dark) > max(0.25 * dark.shape[1], 200)
    cols = _longest_dark_runs(dark.T) > max(0.02 * dark.shape[0], 120)
    if not rows.any() and not cols.any():
        return gray
    rows = np.convolve(rows, np.ones(5), "same") > 0
    cols = np.convolve(cols, np.ones(5), "same") > 0
    cleaned = pixels.copy()
    cleaned[rows, :] = 255
    cleaned[:, cols] = 255
    return Image.fromarray(cleaned)


def _ocr_uncached(image: Image.Image, langs: str | None) -> OcrResult:
    gray = to_grayscale(image)
    if gray.width < 8 or gray.height < 8 or not _ink_mask(gray)[0].any():
        return OcrResult("", 0.0, langs or "")  # blank: no Tesseract call at all
    gray, _ = flatten_background(gray)
    gray, _ = deskew(gray)
    gray = remove_rules(gray)
    reading = None
    chosen = langs
    if chosen is None:
        chosen, whole_page = _detect(gray)
        if chosen is None:  # the probe found (almost) no letters
            chosen, reading = AUTO_LANGS, whole_page
    text, confidence = reading or _read(gray, chosen)
    if text.strip() and confidence < _ORIENTATION_RETRY_CONF:
        rotate = _osd_rotation(gray)
        if rotate:
            turned = gray.rotate(-rotate, expand=True, fillcolor=255)
            turned_langs = langs or detect_langs(turned)
            turned_text, turned_conf = _read(turned, turned_langs)
            if turned_conf > confidence:
                text, confidence, chosen = turned_text, turned_conf, turned_langs
    return OcrResult(clean_ocr_text(text, chosen), confidence, chosen)


def ocr_image(image: Image.Image, langs: str | None = None, cache: OcrCache | None = None) -> OcrResult:
    """OCR one page image. `langs`: Tesseract languages ("deu", "ara+eng"), or None to detect."""
    hint = normalise_langs(langs)
    key = cache.key(image, hint) if cache is not None else None
    if cache is not None:
        hit = cache.get_key(key)
        if hit is not None:
            return hit
    result = _ocr_uncached(image, hint)
    if cache is not None:
        cache.put_key(key, result)
    return result


# --------------------------------------------------------------------------------------------
# Many images, in worker processes


def default_workers() -> int:
    """Two workers at top level (the machines we run on have 2-4 cores); one inside a worker process,
    where the caller already parallelises across files."""
    if multiprocessing.parent_process() is not None:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(2, cores))


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _worker(image: Image.Image, langs: str | None) -> tuple[OcrResult | OcrError, int]:
    before = tesseract_calls()
    try:
        outcome: OcrResult | OcrError = _ocr_uncached(image, langs)
    except OcrError as exc:
        outcome = exc
    except Exception as exc:  # a Pillow/numpy failure on one odd page must not lose the others
        outcome = OcrError(f"{type(exc).__name__}: {exc}"[:300])
    return outcome, tesseract_calls() - before


def _langs_for(langs: str | None | Sequence[str | None], index: int) -> str | None:
    if langs is None or isinstance(langs, str):
        return normalise_langs(langs)
    return normalise_langs(langs[index])


def iter_ocr(images: Iterable[Image.Image], langs: str | None | Sequence[str | None] = None, workers: int = 2,
             cache: OcrCache | None = None) -> Iterator[OcrResult | OcrError]:
    """OCR images in order, yielding a result or the OcrError of each page (never raising for a page).

    Images are consumed lazily and at most 2×workers are in flight, so a long scanned PDF never sits
    in memory whole. Cache hits are answered in this process without starting a worker.
    """
    pool: ProcessPoolExecutor | None = None
    pending: deque[tuple[OcrResult | OcrError | Future, str | None]] = deque()

    def settle(entry) -> OcrResult | OcrError:
        outcome, key = entry
        if isinstance(outcome, Future):
            try:
                outcome, calls = outcome.result()
            except Exception as exc:  # a worker died (out of memory, killed)
                outcome, calls = OcrError(f"OCR worker failed: {type(exc).__name__}: {exc}"[:300]), 0
            _CALLS["tesseract"] += calls
            if cache is not None and key is not None and isinstance(outcome, OcrResult):
                cache.put_key(key, outcome)
        return outcome

    try:
        for index, image in enumerate(images):
            try:
                hint = _langs_for(langs, index)
            except OcrError as exc:
                pending.append((exc, None))
                hint = None
            else:
                key = cache.key(image, hint) if cache is not None else None
                hit = cache.get_key(key) if cache is not None else None
                if hit is not None:
                    pending.append((hit, None))
                elif workers <= 1:
                    outcome, calls = _worker(image, hint)
                    # _worker ran in this process, so its Tesseract calls are already counted.
                    if cache is not None and isinstance(outcome, OcrResult):
                        cache.put_key(key, outcome)
                    pending.append((outcome, None))
                else:
                    if pool is None:
                        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
                    pending.append((pool.submit(_worker, image, hint), key))
            while pending and (not isinstance(pending[0][0], Future) or len(pending) > 2 * max(1, workers)):
                yield settle(pending.popleft())
        while pending:
            yield settle(pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def ocr_pages(images: Sequence[Image.Image], langs: str | None | Sequence[str | None] = None, workers: int = 2,
              cache: OcrCache | None = None) -> list[OcrResult]:
    """OCR page images in parallel worker processes; results in input order. Raises the first OcrError."""
    workers = max(1, min(workers, len(images))) if hasattr(images, "__len__") else workers
    results = []
    for outcome in iter_ocr(images, langs, workers, cache):
        if isinstance(outcome, OcrError):
            raise outcome
        results.append(outcome)
    return results


# --------------------------------------------------------------------------------------------
# Image files (PNG, JPEG, TIFF incl. multi-page) with a decompression-bomb guard


def _check_pixels(size: tuple[int, int], max_pixels: int, where: str) -> None:
    width, height = size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"{where} is {width}×{height} = {width * height:,} pixels, more than the limit of "
            f"{max_pixels:,} (refused as a possible decompression bomb)")


@contextmanager
def _pixel_limit(max_pixels: int, where: str):
    """PIL's bomb check at `max_pixels` (its warning made an error) for the block, then restored."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"{where}: {exc} (refused as a possible decompression bomb)") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _open_image(path: str, max_pixels: int) -> Image.Image:
    """Image.open under the pixel limit. It reads only the header: a refused image costs nothing to decode."""
    name = Path(path).name
    try:
        with _pixel_limit(max_pixels, name):
            return Image.open(path)
    except ImageTooLargeError as exc:
        # Say plainly how big it claims to be: PIL's message quotes twice the limit for an outright error.
        previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            with Image.open(path) as header:
                size = header.size
        except Exception:
            raise exc from exc.__cause__
        finally:
            Image.MAX_IMAGE_PIXELS = previous
        _check_pixels(size, max_pixels, name)
        raise
    except UnidentifiedImageError as exc:
        raise OcrError(f"{name}: not an image Pillow can read") from exc
    except OSError as exc:
        raise OcrError(f"{name}: cannot read the image ({exc})") from exc


def count_frames(path: str, max_pixels: int = MAX_IMAGE_PIXELS, max_frames: int = MAX_FRAMES) -> int:
    """Check every frame's size from its header (nothing is decoded) and return the frame count."""
    name = Path(path).name
    with _open_image(path, max_pixels) as image:
        index = 0
        try:
            frames = int(getattr(image, "n_frames", 1))
            if frames > max_frames:
                raise ImageTooLargeError(f"{name} has {frames} pages, more than the limit of {max_frames}")
            for index in range(frames):
                with _pixel_limit(max_pixels, f"{name} page {index + 1}"):
                    image.seek(index)
                _check_pixels(image.size, max_pixels, f"{name} page {index + 1}")
        except OcrError:
            raise
        except (OSError, EOFError, ValueError, SyntaxError) as exc:
            raise OcrError(f"{name}: the image is damaged at page {index + 1} ({exc})") from exc
        return frames


def iter_image_frames(path: str, max_pixels: int = MAX_IMAGE_PIXELS, max_frames: int = MAX_FRAMES) -> Iterator[Image.Image]:
    """Each page of an image file as upright grayscale, sizes checked before anything is decoded."""
    frames = count_frames(path, max_pixels, max_frames)
    name = Path(path).name
    with _open_image(path, max_pixels) as image:
        for index in range(frames):
            try:
                with _pixel_limit(max_pixels, f"{name} page {index + 1}"):
                    image.seek(index)
                    image.load()
                    gray = to_grayscale(ImageOps.exif_transpose(image) if index == 0 else image)
            except (OSError, EOFError, ValueError, SyntaxError) as exc:
                raise OcrError(f"{name} page {index + 1}: cannot decode the image ({exc})") from exc
            yield gray


def ocr_image_file(path: str | os.PathLike, langs: str | None = None, cache: OcrCache | None = None,
                   workers: int | None = None, max_pixels: int = MAX_IMAGE_PIXELS,
                   max_frames: int = MAX_FRAMES) -> list[OcrResult]:
    """OCR a PNG/JPEG/TIFF file, one result per page (frame). Raises ImageTooLargeError for a
    frame over `max_pixels`, OcrError for an unreadable file or page."""
    path = str(path)
    workers = default_workers() if workers is None else workers
    frames = count_frames(path, max_pixels, max_frames)
    results = []
    for outcome in iter_ocr(iter_image_frames(path, max_pixels, max_frames), langs, min(workers, frames), cache):
        if isinstance(outcome, OcrError):
            raise outcome
        results.append(outcome)
    return results


# --------------------------------------------------------------------------------------------
# Document-level adapters used by ingest.extract


def _open_cache(options) -> OcrCache | None:
    root = getattr(options, "ocr_cache_dir", None)
    if not root:
        return None
    from ingest.ocr_cache import OcrCache

    return OcrCache(Path(root))


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().casefold()))


def unify_running_lines(pages: list[list[str]], edge: int = 2, similarity: float = 0.9) -> list[list[str]]:
    """Make near-identical header/footer lines identical, so `textclean.drop_running_lines` sees them repeat.

    OCR reads the same running header a little differently from page to page ("Originaltext -" on
    one page, "Originaltext :" on the next), and drop_running_lines compares lines exactly. Lines
    among the first/last `edge` non-blank lines of a page are grouped by normalised Levenshtein
    similarity (digits folded); in a group seen on at least half the pages (and on two), lines that
    differ from the group's first spelling (beyond digits) are replaced by it. All other lines are
    left exactly as read.
    """
    from rapidfuzz.distance import Levenshtein

    if len(pages) < 3:
        return pages
    groups: list[tuple[str, str, set[int]]] = []  # (signature, first spelling, pages)
    where: dict[tuple[int, int], int] = {}
    for page_no, lines in enumerate(pages):
        filled = [i for i, line in enumerate(lines) if line.strip()]
        for i in dict.fromkeys(filled[:edge] + filled[-edge:]):
            signature = _signature(lines[i])
            for g, (group_sig, _, seen) in enumerate(groups):
                if Levenshtein.normalized_similarity(signature, group_sig) >= similarity:
                    seen.add(page_no)
                    where[(page_no, i)] = g
                    break
            else:
                groups.append((signature, lines[i], {page_no}))
                where[(page_no, i)] = len(groups) - 1
    needed = max(2, int(len(pages) * 0.5))
    out = [list(lines) for lines in pages]
    for (page_no, i), g in where.items():
        signature, spelling, seen = groups[g]
        if len(seen) >= needed and _signature(out[page_no][i]) != signature:
            out[page_no][i] = spelling
    return out


def _drop_running(texts: list[str]) -> list[str]:
    """Running headers/footers and bare page numbers out of OCR'd pages (paragraph breaks kept)."""
    cleaned = textclean.drop_running_lines(unify_running_lines([t.split("\n") for t in texts]))
    return [re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() for lines in cleaned]


def ocr_pdf_pages(path: str, pages: list, numbers: list[int], errors: list[str], options) -> tuple[list, list[str]]:
    """OCR the PDF pages numbered `numbers` (1-based) and put them in place of their text-layer pages.

    Pages are rendered one at a time as the workers need them. A page that fails is recorded in
    the returned errors and keeps its (empty) text-layer version.
    """
    import pypdfium2 as pdfium

    from ingest.model import Page, TextMethod

    pages, errors = list(pages), list(errors)
    if not numbers:
        return pages, errors
    try:
        document = pdfium.PdfDocument(path, password=getattr(options, "password", None))
    except pdfium.PdfiumError as exc:
        return pages, errors + [f"page {n}: cannot render for OCR ({exc})" for n in numbers]
    render_errors: dict[int, str] = {}

    def rendered() -> Iterator[Image.Image]:
        for number in numbers:
            try:
                yield _render(document, number - 1, DEFAULT_DPI, MAX_IMAGE_PIXELS)
            except Exception as exc:  # keep going: an unrenderable page becomes a blank image
                render_errors[number] = f"cannot render for OCR ({type(exc).__name__}: {exc})"[:200]
                yield Image.new("L", (8, 8), 255)

    try:
        outcomes = list(iter_ocr(rendered(), getattr(options, "ocr_lang", None), default_workers(), _open_cache(options)))
    finally:
        document.close()
    done: list[tuple[int, OcrResult]] = []
    for number, outcome in zip(numbers, outcomes):
        if number in render_errors:
            errors.append(f"page {number}: {render_errors[number]}")
        elif isinstance(outcome, OcrError):
            errors.append(f"page {number}: OCR failed ({outcome})"[:300])
        else:
            done.append((number, outcome))
    texts = _drop_running([r.text for _, r in done])
    for (number, result), text in zip(done, texts):
        if text.strip() or not pages[number - 1].text.strip():
            pages[number - 1] = Page(number, text, TextMethod.OCR, result.confidence)
    return pages, errors


def ocr_image_pages(path: str, options, limits) -> tuple[list, list[str]]:
    """Pages of an image file for ingest.extract; a bomb or unreadable file is an ExtractionError."""
    from ingest.extract import ExtractionError
    from ingest.model import FailureReason, Page, TextMethod

    max_pixels = getattr(limits, "max_image_pixels", MAX_IMAGE_PIXELS)
    max_frames = getattr(limits, "max_pages", MAX_FRAMES)
    try:
        frames = count_frames(path, max_pixels, max_frames)
    except ImageTooLargeError as exc:
        raise ExtractionError(FailureReason.TOO_LARGE, str(exc)) from exc
    except OcrError as exc:
        raise ExtractionError(FailureReason.CORRUPT, str(exc)) from exc
    if not getattr(options, "ocr", True):
        return [], ["OCR is switched off, and an image file has no text without it"]
    langs = getattr(options, "ocr_lang", None)
    try:
        normalise_langs(langs)
    except OcrError as exc:
        raise ExtractionError(FailureReason.UNSUPPORTED, str(exc)) from exc
    results: list[OcrResult | None] = []
    errors: list[str] = []
    try:
        for number, outcome in enumerate(
                iter_ocr(iter_image_frames(path, max_pixels, max_frames), langs, min(default_workers(), frames),
                         _open_cache(options)), start=1):
            if isinstance(outcome, OcrError):
                errors.append(f"page {number}: OCR failed ({outcome})"[:300])
                results.append(None)
            else:
                results.append(outcome)
    except OcrError as exc:  # a frame that cannot be decoded ends the file; earlier pages are kept
        errors.append(str(exc)[:300])
    texts = _drop_running([r.text if r else "" for r in results])
    pages = [Page(i + 1, text, TextMethod.OCR, r.confidence if r else None) for i, (r, text) in enumerate(zip(results, texts))]
    return pages, errors
