"""Legal metadata from a document's own words: court, case number, decision date, document type.

All functions are pure; they look at the first pages, where captions live.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.model import LegalMeta

# German docket numbers: "1 StE 9/19", "3 StR 123/20", "2 BvR 1/19"; the register is 1-4 letters.
CASE_NUMBER = re.compile(r"\b(\d{1,2}\s?[A-Z][A-Za-z]{0,3}\s?\d{1,5}/\d{2,4})\b")
ECLI = re.compile(r"\bECLI:[A-Z]{2}:[A-Z0-9.]{1,12}:\d{4}:[A-Z0-9.]{1,32}\b")

_COURTS = [
    (re.compile(r"Oberlandesgerichts?\s+Koblenz|OLG\s+Koblenz|Higher Regional Court(?: of)? Koblenz|Koblenz Higher Regional Court|المحكمة الإقليمية العليا في كوبلنز|محكمة كوبلنز", re.I), "OLG Koblenz"),
    (re.compile(r"Bundesgerichtshofs?|\bBGH\b|Federal Court of Justice", re.I), "BGH"),
    (re.compile(r"Oberlandesgerichts?\s+(\w+)|OLG\s+(\w+)"), None),
]

_MONTHS = {
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # Arabic (Levantine and Egyptian month names)
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "آذار": 3, "مارس": 3, "نيسان": 4, "أبريل": 4,
    "ابريل": 4, "أيار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6, "تموز": 7, "يوليو": 7, "آب": 8,
    "أغسطس": 8, "أيلول": 9, "سبتمبر": 9, "تشرين الأول": 10, "أكتوبر": 10, "تشرين الثاني": 11,
    "نوفمبر": 11, "كانون الأول": 12, "ديسمبر": 12,
}
_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b"),  # 13.01.2022
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),  # 2022-01-13
    re.compile(rf"(\d{{1,2}})\.?\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})", re.I),  # 13. Januar 2022, 13 January 2022
    re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})", re.I),  # January 13, 2022
]
_DECISION_CUE = re.compile(
    r"verkündet am|Urteil vom|Urteil v\.|Beschluss vom|judgment of|verdict of|delivered on|dated|"
    r"Verhandlungstag|Hearing Day|hearing of|بتاريخ|جلسة|الحكم الصادر",
    re.I,
)

_TYPES = [
    ("press-release", re.compile(r"Pressemitteilung|press release|بيان صحفي", re.I)),
    ("summary", re.compile(r"\bsummary\b|Zusammenfassung|ملخص", re.I)),
    ("hearing", re.compile(r"Hearing Day|hearing notes|trial[- ]monitoring|Verhandlungstag|Prozessbericht|محضر جلسة|جلسة|ملاحظات", re.I)),
    ("judgment", re.compile(r"\bUrteil\b|Im Namen des Volkes|\bjudgment\b|\bverdict\b|حكم", re.I)),
    ("statement", re.compile(r"statement|Erklärung|إفادة|شهادة", re.I)),
]

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def find_case_numbers(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in CASE_NUMBER.finditer(text.translate(_ARABIC_DIGITS)):
        seen.setdefault(normalize_case_number(match.group(1)), None)
    return list(seen)


def normalize_case_number(raw: str) -> str:
    """'1StE9/19' and '1 StE 9/19' are the same docket: space the number, register and serial."""
    match = re.fullmatch(r"(\d{1,2})\s?([A-Z][A-Za-z]{0,3})\s?(\d{1,5}/\d{2,4})", raw.strip())
    return " ".join(match.groups()) if match else raw.strip()


def find_court(text: str) -> str | None:
    for pattern, name in _COURTS:
        match = pattern.search(text)
        if match:
            if name:
                return name
            place = next(g for g in match.groups() if g)
            return f"OLG {place}"
    return None


def _to_iso(groups: tuple[str, ...], pattern_index: int) -> str | None:
    try:
        if pattern_index == 0:
            day, month, year = map(int, groups)
        elif pattern_index == 1:
            year, month, day = map(int, groups)
        elif pattern_index == 2:
            day, month, year = int(groups[0]), _MONTHS[groups[1].lower()], int(groups[2])
        else:
            month, day, year = _MONTHS[groups[0].lower()], int(groups[1]), int(groups[2])
        return date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return None


def find_dates(text: str) -> list[tuple[int, str]]:
    """(offset, ISO date) for every date written in a format we know."""
    text = text.translate(_ARABIC_DIGITS)
    found = []
    for index, pattern in enumerate(_DATE_PATTERNS):
        for match in pattern.finditer(text):
            iso = _to_iso(match.groups(), index)
            if iso:
                found.append((match.start(), iso))
    return sorted(found)


def find_decision_date(text: str) -> str | None:
    """The date nearest after a decision/hearing cue, else the first date in the caption."""
    dates = find_dates(text)
    if not dates:
        return None
    for cue in _DECISION_CUE.finditer(text):
        after = [iso for offset, iso in dates if 0 <= offset - cue.end() <= 60]
        if after:
            return after[0]
    return dates[0][1]


def find_doc_type(text: str) -> str | None:
    head = text[:3000]
    for name, pattern in _TYPES:
        if pattern.search(head):
            return name
    return None


_NOT_TITLE = re.compile(r"^(?:Rn\.?\s*\d|\[\d+\]|\(\d+\)|\d{1,4}\.\s)|SYNTHET|synthetic sample|عينة اصطناعية|^Im Namen des Volkes$", re.I)


def find_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip(" #\t")
        if len(line) >= 6 and not re.fullmatch(r"[\W\d_]+", line) and not _NOT_TITLE.search(line):
            return line if len(line) <= 120 else line[:117].rsplit(" ", 1)[0] + "…"
    return None


def parse_legal_meta(caption_text: str) -> LegalMeta:
    case_numbers = find_case_numbers(caption_text)
    return LegalMeta(
        court=find_court(caption_text),
        case_number=case_numbers[0] if case_numbers else None,
        date=find_decision_date(caption_text),
        doc_type=find_doc_type(caption_text),
        title=find_title(caption_text),
    )
