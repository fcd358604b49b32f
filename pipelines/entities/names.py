"""Cross-script name matching: does "أنور رسلان" name the same person as "Oberst Anwar R."?

Unvocalised Arabic writes consonants and long vowels only; every Latin convention writes all the
vowels but spells the consonants its own way (English j/kh/sh, German dsch/ch/sch and j for y,
French dj/ch/ou).  A plain string distance therefore punishes exactly the differences that do not
matter.  So each name token becomes a short string of phonetic symbols, and two tokens are compared
with a weighted edit distance whose costs know, for instance, that a Latin short vowel has no
counterpart in Arabic script while an Arabic و must meet a Latin "u", "ou" or "w".

Names are compared token by token (given name, family name, optional middle names) rather than as
whole strings, because the hard negatives share most of their characters ("Mazen al-Gharib" and
"Eyad al-Gharib"): the given name has to agree on its own.

Symbols (one character each, so a token's phonetic form is a plain str and cheap to cache):
  consonant classes  b t d z j y g h x(kh) c(sh) s k f w l m n r
  Latin only         a e i o u (short or unknown length), ā ī ū (long: ou, ee, ei, ay, ...),
                     K (German/French "ch": kh or sh), H (an h that may be silent: "th", final "ah")
  Arabic only        V word-initial alef/ayn (a vowel carrier), A alef as a long vowel,
                     W و and Y ي that may be a vowel or a consonant, I final ي, M final ى,
                     Q a medial ayn, E final ة/ه
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

RESOURCES = Path(__file__).resolve().parents[2] / "corpora" / "resources"
TITLES_PATH = RESOURCES / "titles.json"
KINDS = ("person", "facility", "organization")

__all__ = [
    "NameMatch",
    "normalize_arabic",
    "transliterate",
    "strip_titles",
    "name_key",
    "skeleton",
    "blocking_keys",
    "facility_number",
    "match_names",
    "script_of",
]


@dataclass(frozen=True)
class NameMatch:
    same: bool
    score: float  # 0..1; >= 0.5 exactly when same
    rule: str  # machine-readable reason, "no-match:..." when not same
    explanation: str  # human-readable trace of the decision


# ---------------------------------------------------------------------------------------- scripts
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640\u200c-\u200f]")
_LIGHT = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", **dict(zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2))})
_FINAL = str.maketrans({"ى": "ي", "ة": "ه"})
_AR_LETTERS = "\u0621-\u064a\u0671-\u06d3\u06fa-\u06fc"
_AR_LETTER = re.compile(f"[{_AR_LETTERS}]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NOT_AR = re.compile(f"[^{_AR_LETTERS}]")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NOT_AZ = re.compile(r"[^a-z]")
_NOT_DIGIT = re.compile(r"\D")
# Macrons mark long vowels; keeping them as doubled letters lets "Ṣaydnāyā" keep that information.
_LATIN_SPECIAL = str.maketrans(
    {"ß": "ss", "ā": "aa", "ī": "ii", "ū": "uu", "ē": "ee", "ō": "oo", "æ": "ae", "ø": "o", "đ": "d", "ł": "l",
     "ı": "i",
     "’": "", "'": "", "ʿ": "", "ʾ": "", "`": "", "‘": "", "´": "", "ʼ": ""}
)


def _light_arabic(text: str) -> str:
    # ى and ة survive here: the phonetic layer tells "Mustafa" (ى) from "Ali" (ي) by them.
    return _TASHKEEL.sub("", text).translate(_LIGHT)


def normalize_arabic(text: str) -> str:
    """Tashkeel and tatweel dropped, alef forms unified, ى→ي, ة→ه, Arabic-Indic digits as ASCII."""
    return _light_arabic(text).translate(_FINAL)


def script_of(text: str) -> str:
    """"arabic" | "latin" | "mixed" | "other" by the letters present (digits and punctuation do not count)."""
    arabic = bool(_AR_LETTER.search(text))
    latin = bool(_LATIN_LETTER.search(text))
    if arabic and latin:
        return "mixed"
    return "arabic" if arabic else "latin" if latin else "other"


def _fold_latin(text: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower().translate(_LATIN_SPECIAL)))


_AR_TRANSLIT = str.maketrans(
    {"ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
     "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
     "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch",
     "گ": "g", "ڤ": "v", "ک": "k", "ی": "y"}
)
# A word-initial ayn is written as a vowel in every Latin convention (Ali, Omar, Abd).
_INITIAL_AYN = re.compile(f"(?<![{_AR_LETTERS}])ع")
_NOT_KEY = re.compile(r"[^a-z0-9\- ]+")


def transliterate(text: str) -> str:
    """Any script to a lowercase ASCII key: Arabic letter by letter (no vowels are invented), Latin folded."""
    text = _INITIAL_AYN.sub("ا", normalize_arabic(text)).translate(_AR_TRANSLIT)
    return " ".join(_NOT_KEY.sub(" ", _fold_latin(text)).split())


# ------------------------------------------------------------------------------------- resources
@lru_cache(maxsize=1 << 16)
def _word_norm(word: str) -> str:
    """A word as resource lists are compared: Arabic normalised, Latin folded, punctuation gone."""
    if _AR_LETTER.search(word):
        return _NOT_AR.sub("", normalize_arabic(word))
    return _NOT_AZ.sub("", _fold_latin(word))


_DETERMINERS = frozenset({"the", "der", "die", "des", "dem", "den", "le", "la"})


@dataclass(frozen=True)
class _Resources:
    titles: dict[tuple[str, ...], str]
    title_len: int
    title_starts: frozenset[str]  # first words of titles, for a quick "no title here"
    articles: frozenset[str]
    sun_articles: frozenset[str]
    kunya: frozenset[str]
    kunya_article: frozenset[str]
    patronymic: frozenset[str]
    servant: frozenset[str]
    din: frozenset[str]
    allah: frozenset[str]
    al_exceptions: frozenset[str]
    fac_types: dict[str, str]
    fac_equiv: dict[str, tuple[str, ...]]
    fac_phrases: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]  # by first word
    fac_vocabulary: frozenset[str]  # every word that makes a name look like a facility
    fac_noise: frozenset[str]


@lru_cache(maxsize=1)
def _resources() -> _Resources:
    data = json.loads(TITLES_PATH.read_text(encoding="utf-8"))
    titles: dict[tuple[str, ...], str] = {}
    for item in data["titles"]:
        words = tuple(w for w in (_word_norm(x) for x in item["text"].split()) if w)
        if words:
            titles.setdefault(words, item["equivalent"])
    part = {name: frozenset(_word_norm(w) for w in words) for name, words in data["particles"].items()}
    words = data["facility_words"]
    fac_types = {_word_norm(w): family for family, ws in words["types"].items() for w in ws}
    equiv: dict[str, tuple[str, ...]] = {}
    phrases = []
    for canon, ws in words["equivalents"].items():
        for w in ws:
            normed = tuple(_word_norm(x) for x in w.split())
            if len(normed) == 1:
                equiv[normed[0]] = (canon,)
            else:
                phrases.append((normed, (canon,)))
    for w, canons in words["compounds"].items():
        equiv[_word_norm(w)] = tuple(canons)
    return _Resources(
        titles=titles,
        title_len=max(len(k) for k in titles),
        title_starts=frozenset(k[0] for k in titles) | _DETERMINERS,
        articles=part["article"],
        sun_articles=part["sun_article"],
        kunya=part["kunya"],
        kunya_article=part["kunya_with_article"],
        patronymic=part["patronymic"],
        servant=part["servant"],
        din=part["compound_suffix"],
        allah=part["allah"],
        al_exceptions=part["arabic_al_exceptions"],
        fac_types=fac_types,
        fac_equiv=equiv,
        fac_phrases={
            first: tuple(sorted((p for p in phrases if p[0][0] == first), key=lambda p: -len(p[0])))
            for first in {p[0][0] for p in phrases}
        },
        fac_vocabulary=frozenset(fac_types) | frozenset(equiv) | frozenset(p[0][0] for p in phrases),
        fac_noise=frozenset(_word_norm(w) for w in words["noise"]),
    )


# ------------------------------------------------------------------------------------------ titles


def strip_titles(name: str) -> tuple[str, list[str]]:
    """Leading ranks and honorifics removed; returns the rest and the titles' equivalents ("colonel").

    Only leading titles are taken: "al-Sheikh" or "Major" later in a name is a family name, and an
    honorific never follows the name in these documents.  A name that is nothing but titles is kept.
    """
    res = _resources()
    words = name.split()
    if not words or _word_norm(words[0]) not in res.title_starts:
        return " ".join(words), []
    normed = [_word_norm(w) for w in words[: res.title_len * 3 + 1]]
    found: list[str] = []
    # "des Obersten Anwar R.": a determiner is dropped only when a title follows it
    i = 1 if len(normed) > 1 and normed[0] in _DETERMINERS else 0
    start = i
    while i < len(normed):
        for length in range(min(res.title_len, len(words) - i - 1), 0, -1):
            equivalent = res.titles.get(tuple(normed[i : i + length]))
            if equivalent is not None:
                found.append(equivalent)
                i += length
                break
        else:
            break
    if not found and start:
        return " ".join(words), []
    return " ".join(words[i:]), found


# ------------------------------------------------------------------------------ phonetic symbols
_VOWELS = frozenset("aeiou")
_LAT_SHORT = _VOWELS
_LAT_LONG = frozenset("āīū")
_LAT_V = _LAT_SHORT | _LAT_LONG
_AR_V = frozenset("VAWYIMQE")
_MATRES = frozenset("AWYIM")
_CONS = frozenset("btdzjyghxcskfwlmnrKHDZT")
_QUALITY = {"a": "a", "ā": "a", "e": "e", "i": "i", "ī": "i", "o": "o", "u": "u", "ū": "u"}
_SHORTEN = {"ā": "a", "ī": "i", "ū": "u"}

_LAT_RE = re.compile(r"dsch|tsch|sch|dj|kh|sh|gh|ch|ph|th|dh|ck|zh|[a-z]")
_LAT_MULTI = {"dsch": "j", "tsch": "c", "sch": "c", "dj": "j", "kh": "x", "sh": "c", "gh": "g", "ch": "K", "ph": "f",
              "th": "tH", "dh": "dH", "ck": "k", "zh": "z"}
_LAT_SINGLE = {"b": "b", "p": "b", "t": "t", "d": "d", "z": "z", "j": "j", "g": "g", "h": "h", "s": "s", "k": "k",
               "q": "k", "f": "f", "v": "f", "l": "l", "m": "m", "n": "n", "r": "r", "x": "ks"}
_LONG_DIGRAPHS = {"aa": "ā", "ii": "ī", "ee": "ī", "ie": "ī", "ei": "ī", "ai": "ī", "ay": "ī", "ey": "ī", "iy": "ī",
                  "uu": "ū", "ou": "ū", "oo": "ū", "aw": "ū", "ow": "ū", "uw": "ū"}


@lru_cache(maxsize=1 << 16)
def _latin_phon(word: str) -> str:
    """Folded Latin letters (a-z) to symbols; see the module docstring."""
    if len(word) >= 5 and word.endswith("ne") and word[-3] in "aeiou":
        word = word[:-1]  # French mute e: Abderrahmane, Noureddine, Palestine (but Ghazale is ة, not mute)
    units: list[list] = []  # [kind, value, geminate]; kind C consonant, V vowel letter, S semivowel y/w
    text = word
    for m in _LAT_RE.finditer(text):
        g = m.group()
        if g in _LAT_MULTI:
            for sym in _LAT_MULTI[g]:
                units.append(["C", sym, False])
        elif g in _VOWELS:
            units.append(["V", g, False])
        elif g in "yw":
            units.append(["S", g, False])
        elif g == "c":
            nxt = text[m.end() : m.end() + 1]
            units.append(["C", "s" if nxt and nxt in "eiy" else "k", False])
        else:
            for sym in _LAT_SINGLE.get(g, ""):
                units.append(["C", sym, False])
    # Doubled consonants are one Arabic letter with shadda; remember that the vowel before was short.
    merged: list[list] = []
    for u in units:
        if merged and u[0] in "CS" and merged[-1][0] == u[0] and merged[-1][1] == u[1]:
            merged[-1][2] = True
            continue
        merged.append(u)
    n = len(merged)
    for idx, u in enumerate(merged):
        if u[0] != "S":
            continue
        nxt_vowel = idx + 1 < n and merged[idx + 1][0] == "V"
        if u[2] or idx == 0 or nxt_vowel:
            u[0] = "C"
        else:
            u[0] = "V"  # part of a diphthong (Husayn, Ayman) or a vowel between consonants
    out: list[str] = []
    idx = 0
    while idx < n:
        u = merged[idx]
        if u[0] == "C":
            sym = u[1]
            if sym == "h" and idx == n - 1 and idx > 0 and merged[idx - 1][0] == "V":
                sym = "H"  # Hamah/Hama, Abdullah/Abdulla
            out.append(sym)
            idx += 1
            continue
        run = ""
        while idx < n and merged[idx][0] == "V":
            run += merged[idx][1]
            idx += 1
        geminate_next = idx < n and merged[idx][2]
        j = 0
        while j < len(run):
            two = run[j : j + 2]
            if two in _LONG_DIGRAPHS:
                sym = _LONG_DIGRAPHS[two]
                j += 2
            else:
                sym = {"y": "i", "w": "u"}.get(run[j], run[j])
                j += 1
            if geminate_next and j >= len(run):
                sym = _SHORTEN.get(sym, sym)
            out.append(sym)
    return "".join(out)


# ث ذ ظ are read th/t/s, dh/d/z, z/dh/d depending on convention and dialect: own symbols, see _NEAR.
_AR_CONS = {"ب": "b", "ت": "t", "ث": "T", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "D", "ر": "r", "ز": "z",
            "س": "s", "ش": "c", "ص": "s", "ض": "d", "ط": "t", "ظ": "Z", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
            "ل": "l", "م": "m", "ن": "n", "پ": "b", "چ": "c", "گ": "g", "ڤ": "f", "ک": "k"}


@lru_cache(maxsize=1 << 16)
def _arabic_phon(word: str) -> str:
    """Lightly normalised Arabic letters (ى ة kept) to symbols.  Adjacent equal letters are not merged:
    shadda is the written gemination, two letters are two consonants (مملوك, Mamluk)."""
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        # an alef after the first letter is a long vowel, and و/ي next to one is a consonant (Marwan, Eyad)
        by_alef = (prev == "ا" and i >= 2) or nxt == "ا"
        if ch == "ا":
            out.append("V" if i == 0 else "A")
        elif ch == "ع":
            out.append("V" if i == 0 else "Q")
        elif ch == "و":
            out.append("w" if i == 0 or by_alef else "W")
        elif ch == "ي":
            out.append("y" if i == 0 or by_alef else "I" if i == n - 1 else "Y")
        elif ch == "ى":
            out.append("M")
        elif ch in "ةه":
            out.append("E" if i == n - 1 and n >= 3 else "h")
        elif ch in _AR_CONS:
            out.append(_AR_CONS[ch])
    return "".join(out)


# ----------------------------------------------------------------------------- weighted distance
_VQ = {frozenset("ae"): 0.1, frozenset("ei"): 0.1, frozenset("ou"): 0.1, frozenset("ao"): 0.3, frozenset("eu"): 0.25,
       frozenset("eo"): 0.3, frozenset("ai"): 0.45, frozenset("au"): 0.5, frozenset("iu"): 0.5, frozenset("io"): 0.45}
# Consonants that conventions or dialects swap: ch read as kh or sh, German j for y, Egyptian g for j ...
_NEAR = {frozenset("yj"): 0.0, frozenset("Kx"): 0.0, frozenset("Kc"): 0.0, frozenset("Hh"): 0.0,
         frozenset("hx"): 0.5, frozenset("kg"): 0.5, frozenset("jg"): 0.5, frozenset("dz"): 0.5, frozenset("sc"): 0.5,
         frozenset("st"): 0.5, frozenset("bf"): 0.5, frozenset("kx"): 0.6, frozenset("Kk"): 0.5, frozenset("Kh"): 0.5,
         frozenset("sz"): 0.7, frozenset("td"): 0.8,
         frozenset("Tt"): 0.0, frozenset("Ts"): 0.1, frozenset("Dd"): 0.0, frozenset("Dz"): 0.1,
         frozenset("Zz"): 0.0, frozenset("Zd"): 0.1, frozenset("DZ"): 0.5, frozenset("TD"): 0.8}
# An Arabic vowel letter against a Latin vowel of a given quality.
_AR_VS_LAT = {
    "V": {"a": 0, "e": 0, "i": 0, "o": 0, "u": 0},
    "Q": {"a": 0, "e": 0, "i": 0, "o": 0, "u": 0},
    "E": {"a": 0, "e": 0, "i": 0.3, "o": 0.3, "u": 0.3},
    "A": {"a": 0, "e": 0.45, "o": 0.2, "i": 0.5, "u": 0.5},  # e is a short vowel: Hesham is هشام, Hashem هاشم
    "W": {"u": 0, "o": 0, "a": 0.6, "e": 0.6, "i": 0.6},
    "Y": {"i": 0, "e": 0.2, "a": 0.6, "o": 0.6, "u": 0.6},
    "I": {"i": 0, "e": 0.2, "a": 0.45, "o": 0.6, "u": 0.6},
    "M": {"a": 0, "e": 0.1, "i": 0.2, "o": 0.5, "u": 0.5},
}
_AR_VS_AR = {frozenset("YI"): 0.2, frozenset("IM"): 0.3, frozenset("AM"): 0.3, frozenset("VQ"): 0.3,
             frozenset("AV"): 0.5, frozenset("EA"): 0.5, frozenset("EM"): 0.5}
_AR_VS_CONS = {("W", "w"): 0.0, ("Y", "y"): 0.0, ("Y", "j"): 0.2, ("I", "y"): 0.2, ("E", "h"): 0.0, ("E", "H"): 0.0}


def _sub_cost(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if x in _CONS and y in _CONS:
        return _NEAR.get(frozenset((x, y)), 1.0)
    if x in _LAT_V and y in _LAT_V:
        qx, qy = _QUALITY[x], _QUALITY[y]
        cost = 0.0 if qx == qy else _VQ[frozenset((qx, qy))]
        return cost + (0.1 if (x in _LAT_LONG) != (y in _LAT_LONG) else 0.0)
    if x in _AR_V and y in _AR_V:
        return _AR_VS_AR.get(frozenset((x, y)), 1.0)
    if x in _AR_V and y in _LAT_V:
        return _AR_VS_LAT[x][_QUALITY[y]]
    if y in _AR_V and x in _LAT_V:
        return _AR_VS_LAT[y][_QUALITY[x]]
    if x in _AR_V or y in _AR_V:
        return _AR_VS_CONS.get((x, y) if x in _AR_V else (y, x), 1.0)
    # a consonant against a Latin vowel: only the semivowels come close (French "ou" for w: Ouassim)
    cons, vowel = (x, y) if x in _CONS else (y, x)
    if cons == "w" and _QUALITY[vowel] in "ou":
        return 0.25
    if cons == "y" and _QUALITY[vowel] in "ie":
        return 0.25
    return 1.0


_SYMBOLS = "".join(sorted(_CONS | _LAT_V | _AR_V))
_SUB = {(x, y): _sub_cost(x, y) for x in _SYMBOLS for y in _SYMBOLS}


def _indel_costs(phon: str, other_arabic: bool) -> list[float]:
    """Cost of leaving each symbol unmatched, which depends on what the other side can write."""
    costs = []
    for i, s in enumerate(phon):
        if s in _LAT_SHORT:
            if other_arabic:
                # Arabic script does not write short vowels, but a name-final vowel is written
                # (Munira منيرة, Rami رامي), so it may not vanish (Munira is not منير)
                costs.append(0.5 if i == len(phon) - 1 else 0.0)
            else:  # next to another vowel it is a spelling of the same sound more often than a syllable (Saeed/Said)
                near_vowel = (i and phon[i - 1] in _LAT_V) or (i + 1 < len(phon) and phon[i + 1] in _LAT_V)
                costs.append(0.3 if near_vowel else 0.6)
        elif s in _LAT_LONG:
            if other_arabic:
                # "ou" before another syllable is French for any u (Mounir, Zouheir); in the last
                # syllable a long vowel must be written in Arabic (Mahmoud is not محمد)
                later_vowel = any(c in _LAT_V for c in phon[i + 1 :])
                costs.append(0.25 if later_vowel else 0.5)
            else:
                costs.append(0.7)
        elif s in "yw" and not other_arabic and 0 < i < len(phon) - 1 and phon[i + 1] in _LAT_V and (
            _QUALITY.get(phon[i - 1], "") in ("ie" if s == "y" else "ou")
        ):
            costs.append(0.2)  # a glide after i/u is often not spelled: Bakhtiyar/Bakhtiar, Riyad/Riad
        elif s == "H":
            costs.append(0.0)
        elif s == "V":
            if other_arabic:
                costs.append(0.8)
            else:  # إيمان → Iman: one Latin vowel stands for the carrier and the long vowel together
                costs.append(0.15 if i + 1 < len(phon) and phon[i + 1] in _MATRES else 0.3)
        elif s == "Q":
            costs.append(0.8 if other_arabic else 0.1)
        elif s == "E":
            costs.append(0.1)
        elif s in _MATRES:
            costs.append(0.8)
        else:
            costs.append(1.0)
    return costs


def _closed(phon: str) -> list[bool]:
    """Latin vowels followed by two consonants.  Arabic has no long vowel in such a syllable, so the
    vowel is short, unwritten in Arabic, and its quality is the least reliable part of a romanisation
    (Raslan/Rislan, Shukri/Chakri); an open-syllable vowel is often long and tells names apart
    (Jamil/Jamal, Bashir/Bashar)."""
    out = []
    cons = [s in _CONS and s != "H" for s in phon]
    for i, s in enumerate(phon):
        rest = [c for k, c in enumerate(cons[i + 1 :], start=i + 1) if phon[k] != "H"][:2]
        out.append(s in _LAT_V and len(rest) == 2 and all(rest))
    return out


@lru_cache(maxsize=1 << 17)
def _phon_cost(a: str, a_arabic: bool, b: str, b_arabic: bool) -> float:
    del_a = _indel_costs(a, b_arabic)
    del_b = _indel_costs(b, a_arabic)
    closed_a, closed_b = _closed(a), _closed(b)
    prev = [0.0]
    for cost in del_b:
        prev.append(prev[-1] + cost)
    for i, x in enumerate(a):
        cur = [prev[0] + del_a[i]]
        for j, y in enumerate(b):
            sub = _SUB[x, y]
            if sub and closed_a[i] and closed_b[j]:
                sub *= 0.5
            cur.append(min(prev[j] + sub, prev[j + 1] + del_a[i], cur[j] + del_b[j]))
        prev = cur
    return round(prev[-1], 4)


def _consonants(phon: str) -> int:
    return sum(1 for s in phon if s in _CONS and s != "H")


def _allowed(n: int, cross: bool) -> float:
    """How much difference a token may carry and still be the same name; longer names tolerate more.
    Across scripts less: vowels are already free there, so what is left is real disagreement."""
    if cross:
        return 0.3 if n <= 2 else 0.4 if n == 3 else 0.45 if n == 4 else 0.6
    return 0.35 if n <= 2 else 0.4 if n == 3 else 0.6 if n == 4 else 0.8


# ----------------------------------------------------------------------------------------- tokens
_SKEL = {"b": "b", "t": "t", "d": "d", "z": "z", "T": "t", "D": "d", "Z": "z", "j": "j", "y": "j", "g": "g", "h": "h",
         "x": "x", "c": "x", "K": "x",
         "s": "s", "k": "k", "f": "f", "l": "l", "m": "m", "n": "n", "r": "r"}
_INITIALS = {"b": "bp", "t": "t", "d": "d", "z": "z", "T": "ts", "D": "dz", "Z": "zd", "j": "jdg", "y": "yj", "g": "g",
             "h": "h", "x": "kc", "c": "sc",
             "K": "ck", "s": "s", "k": "kqc", "f": "f", "w": "wv", "l": "l", "m": "m", "n": "n", "r": "r"}


@lru_cache(maxsize=1 << 16)
def _skeleton_of(phon: str, drop_medial_j: bool = False) -> str:
    """Consonant classes only.  w and a non-initial y go too: Arabic و/ي cannot say whether they
    are consonants (Anwar) or vowels (Mahmoud), so keeping them would split the scripts apart."""
    out: list[str] = []
    for i, s in enumerate(phon):
        if s.isdigit():
            out.append(s)
            continue
        m = _SKEL.get(s)
        if m is None or (s == "y" and i > 0) or (drop_medial_j and s == "j" and i > 0):
            continue
        if out and out[-1] == m:
            continue
        out.append(m)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Token:
    surface: str
    key: str  # readable Latin key; compounds joined with "-"
    parts: tuple[str, ...]  # phonetic form of each part; "#abd" for a fixed particle or a number
    arabic: bool
    article: bool = False
    initial: bool = False
    letters: frozenset[str] = frozenset()  # initials this token may be abbreviated to ("v" for any vowel)

    @property
    def phon(self) -> str:
        """Phonetic form of the whole token; fixed particles read as their Latin spelling, numbers as digits."""
        return "".join(_fixed_phon(p[1:]) if p.startswith("#") else p for p in self.parts)

    @property
    def skel(self) -> str:
        return self.key if self.initial else _skeleton_of(self.phon)


def _fixed_phon(text: str) -> str:
    return text if text.isdigit() else _latin_phon(text)


def _letters_of(first_symbol: str, first_letter: str, article: bool) -> frozenset[str]:
    letters = set(_INITIALS.get(first_symbol, ""))
    if first_symbol in _LAT_V or first_symbol in _AR_V or not first_symbol:
        letters.add("v")
    if first_letter:
        letters.add("v" if first_letter in _VOWELS else first_letter)
    if article:
        letters.add("v")  # "Eyad A." for Eyad al-Gharib: German courts keep the article's A.
    return frozenset(letters)


def _plain_part(word: str, arabic: bool) -> tuple[str, str]:
    """(key, phonetic form) of one cleaned word."""
    if arabic:
        return transliterate(word).replace(" ", ""), _arabic_phon(word)
    return word, _latin_phon(word)


def _make_token(surface: str, keys: list[str], parts: list[str], arabic: bool, article: bool) -> _Token:
    first = parts[0]
    if first.startswith("#"):
        first_sym = _latin_phon(first[1:])[:1] if not first[1:].isdigit() else ""
        first_letter = first[1:2] if not first[1:].isdigit() else ""
    else:
        first_sym = first[:1]
        first_letter = "" if arabic else keys[0][:1]
    letters = _letters_of(first_sym, first_letter, article)
    return _Token(surface, "-".join(keys), tuple(parts), arabic, article, False, letters)


_INITIAL_RE = re.compile(r"^[^\W\d_]\.?$")
_SPLIT_RE = re.compile(r"[\s\-‐–—_/,;:()\[\]\"“”«»]+")
_ABD_LATIN = re.compile(r"^abd(?:[aeiou]l(?!l)|[aeiou](?=([b-df-hj-np-tv-z])\1)|[aeiou])?(?P<tail>.*)$")
_DIN_LATIN = re.compile(r"^(?P<head>[a-z]{3,}?)(?:[aeiou]l|[aeiou](?=dd)|[aeiou])?d{1,2}(?:i|ee|ie)ne?$")
_ABD_ARABIC = re.compile(r"^عبد(?:ال)?(?P<tail>.{2,})$")
_DIN_ARABIC = re.compile(r"^(?P<head>.{2,})الدين$")


@lru_cache(maxsize=1 << 16)
def _clean(word: str) -> tuple[str, bool]:
    """(cleaned word, is Arabic): Arabic letters lightly normalised, or Latin folded to a-z, or digits."""
    if _AR_LETTER.search(word):
        return _NOT_AR.sub("", _light_arabic(word)), True
    digits = _NOT_DIGIT.sub("", _light_arabic(word))
    if digits and not _LATIN_LETTER.search(word):
        return digits, False
    return _NOT_AZ.sub("", _fold_latin(word)), False


def _strip_article(word: str, arabic: bool, position: int) -> tuple[str, bool]:
    res = _resources()
    if arabic:
        if word.startswith("ال") and len(word) >= 4 and normalize_arabic(word) not in res.al_exceptions:
            return word[2:], True
        return word, False
    # Glued "Algharib"/"Elhassan": only after the given name, where a name cannot start with al-.
    if position > 0 and len(word) >= 6 and word[:2] in ("al", "el") and word[2] not in _VOWELS:
        return word[2:], True
    return word, False


def _tail_part(word: str, arabic: bool) -> tuple[str, str]:
    """Key and phonetic form of the name after "Abd": "allah" in any spelling is one fixed part."""
    res = _resources()
    norm = normalize_arabic(word) if arabic else word
    if norm in res.allah or (not arabic and norm.lstrip("aeiou") in res.allah):
        return "allah", "#allah"
    if not arabic and len(word) > 1 and word[0] == word[1]:
        word = word[1:]  # Abderrahmane: the assimilated article left a doubled letter
    return _plain_part(word, arabic)


@lru_cache(maxsize=1 << 16)
def _initial_token(surface: str) -> _Token:
    letter = surface[0]
    if _AR_LETTER.match(letter):
        sym = _arabic_phon(_light_arabic(letter))[:1]
        letters = frozenset({"v"}) if sym in _AR_V else _letters_of(sym, "", False) - {"v"}
        return _Token(surface, transliterate(letter) or letter, (), True, False, True, letters)
    low = _fold_latin(letter)
    return _Token(surface, low, (), False, False, True, frozenset({"v" if low in _VOWELS else low}))


@dataclass(frozen=True, slots=True)
class _Word:
    word: str  # cleaned: Arabic letters lightly normalised, or a-z, or digits
    arabic: bool
    norm: str  # for resource lookups (Arabic fully normalised)
    role: str  # initial | article | sun | patronymic | digits | abd | abu | din | name | empty


@lru_cache(maxsize=1 << 16)
def _word(surface: str) -> _Word:
    """What one raw word is, decided once per distinct word: names repeat across 100k mentions."""
    if _INITIAL_RE.match(surface):
        return _Word(surface, bool(_AR_LETTER.match(surface)), surface, "initial")
    res = _resources()
    word, arabic = _clean(surface)
    norm = normalize_arabic(word) if arabic else word
    bare = norm[2:] if arabic and norm.startswith("ال") and len(norm) >= 4 else norm
    if not word:
        role = "empty"
    elif norm in res.articles:
        role = "article"
    elif norm in res.sun_articles:
        role = "sun"
    elif norm in res.patronymic:
        role = "patronymic"
    elif word.isdigit():
        role = "digits"
    elif norm in res.servant:
        role = "abd"
    elif norm in res.kunya or norm in res.kunya_article:
        role = "abu"
    elif bare in res.din:
        role = "din"
    else:
        role = "name"
    return _Word(word, arabic, norm, role)


@lru_cache(maxsize=1 << 16)
def _compound(particle: str, tail: str, tail_arabic: bool) -> tuple[str, str]:
    """Key and phonetic form of the name after "Abd"/"Abu" (its article already dropped)."""
    if particle == "abd":
        key, phon = _tail_part(tail, tail_arabic)
        if phon.startswith("#"):
            return key, phon
        return _tail_part(_strip_article(tail, tail_arabic, 1)[0], tail_arabic)
    return _plain_part(_strip_article(tail, tail_arabic, 1)[0], tail_arabic)


@lru_cache(maxsize=1 << 18)
def _person_tokens(text: str) -> tuple[_Token, ...]:
    """Tokens of a name with titles already removed: particles folded, articles noted and dropped."""
    raw = [w for w in _SPLIT_RE.split(text) if w and w != "."]
    info = [_word(w) for w in raw]
    tokens: list[_Token] = []
    pending_article = False
    i, n = 0, len(raw)
    while i < n:
        w = info[i]
        role = w.role
        if role == "initial":
            tokens.append(_initial_token(raw[i]))
        elif role == "empty":
            pass
        elif role == "article" or (role == "sun" and i + 1 < n and info[i + 1].word.startswith(w.norm[1:])):
            pending_article = True
            i += 1
            continue
        elif role == "patronymic" and tokens:
            pass  # "bin Ahmad" is Ahmad as a father's name
        elif role == "digits":
            tokens.append(_Token(raw[i], w.word, ("#" + w.word,), False))
        elif role in ("abd", "abu") and i + 1 < n and info[i + 1].word:
            # "Abd al-Rahman", "Abu Ali", "Abul-Fadl": the particle and the next name are one name
            j = i + 1
            if info[j].role in ("article", "sun") and j + 1 < n and info[j + 1].word:
                j += 1
            key, phon = _compound(role, info[j].word, info[j].arabic)
            surface = " ".join(raw[i : j + 1])
            tokens.append(_make_token(surface, [role, key], ["#" + role, phon], info[j].arabic, pending_article))
            pending_article = False
            i = j + 1
            continue
        elif role == "din" and tokens and not tokens[-1].initial and tokens[-1].parts[-1] != "#din":
            prev = tokens[-1]  # "Nur ad-Din": one name
            tokens[-1] = _Token(prev.surface + " " + raw[i], prev.key + "-din", prev.parts + ("#din",), prev.arabic,
                                prev.article, False, prev.letters)
        else:
            tokens.append(_single_token(raw[i], w.word, w.arabic, min(len(tokens), 1), pending_article))
        pending_article = False
        i += 1
    return tuple(tokens)


@lru_cache(maxsize=1 << 16)
def _single_token(surface: str, word: str, arabic: bool, position: int, article: bool) -> _Token:
    res = _resources()
    if arabic:
        m = _ABD_ARABIC.match(word)
        if m and m.group("tail") not in ("ه", "و"):
            key, phon = _tail_part(_strip_article(m.group("tail"), True, 1)[0], True)
            if word.startswith("عبدال") and normalize_arabic(m.group("tail")) in res.allah:
                key, phon = "allah", "#allah"
            return _make_token(surface, ["abd", key], ["#abd", phon], True, article)
        m = _DIN_ARABIC.match(word)
        if m:
            key, phon = _plain_part(m.group("head"), True)
            return _make_token(surface, [key, "din"], [phon, "#din"], True, article)
    else:
        m = _ABD_LATIN.match(word)
        if m and len(m.group("tail")) >= 3:
            key, phon = _tail_part(m.group("tail"), False)
            return _make_token(surface, ["abd", key], ["#abd", phon], False, article)
        m = _DIN_LATIN.match(word)
        if m:
            head, glued = _strip_article(m.group("head"), False, position)
            key, phon = _plain_part(head, False)
            return _make_token(surface, [key, "din"], [phon, "#din"], False, article or glued)
    word, glued = _strip_article(word, arabic, position)
    key, phon = _plain_part(word, arabic)
    return _make_token(surface, [key], [phon], arabic, article or glued)


_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class _Person:
    tokens: tuple[_Token, ...]
    titles: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(t.key for t in self.tokens)


@lru_cache(maxsize=1 << 18)
def _parse_person(name: str) -> _Person:
    text = _PARENS.sub(" ", name) if "(" in name or "[" in name else name
    if "," in text and text.count(",") == 1:
        # "Raslan, Anwar": the inverted form of registers and indexes
        family, given = (p.strip() for p in text.split(","))
        if family and given and len(family.split()) <= 3:
            text = f"{given} {family}"
    text, titles = strip_titles(" ".join(text.split()))
    return _Person(_person_tokens(text), tuple(titles))


# --------------------------------------------------------------------------------- public keys
@lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """Normalised Latin key: titles gone, Arabic transliterated, articles dropped, compounds joined
    ("Abd al-Rahman" → "abd-rahman"), so equal keys mean the same written name."""
    return _parse_person(name).key


@lru_cache(maxsize=1 << 18)
def skeleton(name: str) -> str:
    """Consonant-class skeleton per token, the same for "Anwar Raslan" and "أنور رسلان" ("nr rsln")."""
    return _skeleton_of_tokens(_parse_person(name).tokens)


_DIGITS_RE = re.compile(r"(?<!\d)(\d+)(?!\d)")


def facility_number(name: str) -> str | None:
    """The number of a numbered facility ("Branch No. 251", "فرع ٢٥١" → "251"), else None."""
    m = _DIGITS_RE.search(_light_arabic(name))
    return str(int(m.group(1))) if m else None


def blocking_keys(name: str) -> set[str]:
    """A few short keys; two names that could match share at least one, so candidates come from
    key collisions instead of all pairs.  Facilities block by number and by name-word skeleton,
    people by given-name skeleton plus the family initial (which anonymised forms keep) and by the
    family-name skeleton."""
    return set(_blocking_keys(name))


@lru_cache(maxsize=1 << 18)
def _blocking_keys(name: str) -> frozenset[str]:
    keys: set[str] = set()
    if _looks_like_facility(name):
        fac = _parse_facility(name)
        if fac.number:
            keys.add("num:" + fac.number)
        for t in fac.tokens:
            keys.update("n:" + s[:5] for s in _skel_variants(t) if s)
        if not fac.number and not fac.tokens and fac.canon:
            keys.add("org:" + "+".join(sorted(fac.canon)))
        known = _gazetteer_id(name)
        if known:
            keys.add("gaz:" + known)  # Branch 251 and al-Khatib Branch share no spelling
        return frozenset(keys)
    tokens = _parse_person(name).tokens
    if not tokens:
        return frozenset()
    if len(tokens) == 1:
        t = tokens[0]
        return frozenset() if t.initial else frozenset("n:" + s[:5] for s in _skel_variants(t) if s)
    given, family = tokens[0], tokens[-1]
    if not given.initial:
        for s in _skel_variants(given):
            keys.update(f"g:{s[:4]}|{letter}" for letter in family.letters)
    if not family.initial:
        keys.update("n:" + s[:5] for s in _skel_variants(family) if s)
    return frozenset(keys)


_ALT_READING = str.maketrans({"T": "s", "D": "z", "Z": "d"})


def _looks_like_facility(name: str) -> bool:
    """A digit or a facility word (Branch, سجن, Militär...): cheaper than parsing it as one."""
    if any(c.isdigit() for c in name):
        return True
    vocabulary = _resources().fac_vocabulary
    for w in _SPLIT_RE.split(name):
        if w:
            n = _word_norm(w)
            if n in vocabulary or (n.startswith("ال") and n[2:] in vocabulary):
                return True
    return False


def _skel_variants(token: _Token) -> set[str]:
    if token.initial:
        return set()
    phon = token.phon
    variants = {_skeleton_of(phon)}
    if token.arabic and any(c in phon for c in "TDZ"):  # ذ as z (Mouaz), ث as s (Osman)
        variants.add(_skeleton_of(phon.translate(_ALT_READING)))
    if not token.arabic and "j" in phon[1:]:
        variants.add(_skeleton_of(phon, drop_medial_j=True))  # German j for ي: Sednaja, Ejad
    return variants


# ------------------------------------------------------------------------------ token comparison
@dataclass(frozen=True)
class _TokenCmp:
    ok: bool
    score: float  # 1 identical .. 0.5 at the limit of what is accepted .. 0
    cost: float
    initial: bool  # decided by an anonymised initial
    cross: bool
    note: str


def _compare_tokens(x: _Token, y: _Token) -> _TokenCmp:
    if x.initial or y.initial:
        if x.initial and y.initial:
            ok = bool(x.letters & y.letters)
        else:
            ini, full = (x, y) if x.initial else (y, x)
            ok = bool(ini.letters & full.letters)
        return _TokenCmp(ok, 0.75 if ok else 0.0, 0.0 if ok else 1.0, True, x.arabic != y.arabic,
                         f"'{x.key}'{'~' if ok else '≠'}'{y.key}' (initial)")
    cross = x.arabic != y.arabic
    if len(x.parts) != len(y.parts):
        return _TokenCmp(False, 0.0, 9.9, False, cross, f"'{x.key}'≠'{y.key}' (different compound)")
    total, scores = 0.0, []
    for p, q in zip(x.parts, y.parts):
        if p.startswith("#") or q.startswith("#"):
            if p != q:
                return _TokenCmp(False, 0.0, 9.9, False, cross, f"'{x.key}'≠'{y.key}' (particle)")
            continue
        allowed = _allowed(max(_consonants(p), _consonants(q)), cross)
        # Cheap C-level rejection before the Python DP: three consonant edits cost more than any
        # accepted difference (only German medial j and ذ/ث/ظ readings differ in skeleton for free).
        sk_p, sk_q = _skeleton_of(p), _skeleton_of(q)
        if Levenshtein.distance(sk_p, sk_q, score_cutoff=3) > 2:
            return _TokenCmp(False, 0.0, 9.9, False, cross, f"'{x.key}'≠'{y.key}' (skeletons {sk_p}/{sk_q})")
        cost = _phon_cost(p, x.arabic, q, y.arabic)
        total += cost
        scores.append(max(0.0, 1.0 - cost / (2 * allowed)))
        if cost > allowed:
            return _TokenCmp(False, min(scores), total, False, cross,
                             f"'{x.key}'≠'{y.key}' (cost {cost:.2f} > {allowed:.2f})")
    score = min(scores) if scores else 1.0
    return _TokenCmp(True, score, total, False, cross, f"'{x.key}'~'{y.key}' (cost {total:.2f})")


def _align_middles(xs: tuple[_Token, ...], ys: tuple[_Token, ...]) -> list[_TokenCmp] | None:
    """Every middle name of the shorter list must match one of the longer, in order; the longer may
    carry more (a father's or grandfather's name that the other source left out)."""
    short, long_ = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    out = []
    start = 0
    for t in short:
        for k in range(start, len(long_)):
            c = _compare_tokens(t, long_[k]) if short is xs else _compare_tokens(long_[k], t)
            if c.ok:
                out.append(c)
                start = k + 1
                break
        else:
            return None
    return out


def _cap(score: float, same: bool) -> float:
    return round(max(0.5, min(1.0, score)) if same else min(0.49, max(0.0, score)), 3)


def _match_persons(a: str, b: str, same_case: bool) -> NameMatch:
    pa, pb = _parse_person(a), _parse_person(b)
    head = f"{a} → {pa.key or '∅'} | {b} → {pb.key or '∅'}"
    ta, tb = pa.tokens, pb.tokens
    if not ta or not tb:
        return NameMatch(False, 0.0, "no-match:empty", head + "; nothing left after titles")
    has_initial = any(t.initial for t in ta + tb)
    if not has_initial and pa.key == pb.key:
        titles = f"; titles {list(pa.titles)} vs {list(pb.titles)}"
        if set(pa.titles) != set(pb.titles):
            return NameMatch(True, 0.97, "title-only-differs", head + titles)
        return NameMatch(True, 1.0, "exact-key", head)
    if len(ta) == 1 or len(tb) == 1:
        if len(ta) == len(tb) and not (ta[0].initial or tb[0].initial):  # a lone "R." names nobody
            c = _compare_tokens(ta[0], tb[0])
            return _decide([("name", c)], head, same_case, pa, pb)
        single, full = (ta[0], tb) if len(ta) == 1 else (tb[0], ta)
        c = _compare_tokens(single, full[-1])
        if c.ok and same_case and not single.initial:
            return NameMatch(True, _cap(0.6 * c.score, True), "family-name-same-case",
                             head + f"; family only: {c.note}, same case")
        why = "a lone initial names nobody" if single.initial or (full[-1].initial and len(full) == 1) else (
            "a lone family name needs same_case" if c.ok else c.note)
        return NameMatch(False, _cap(0.4 * c.score, False), "no-match:partial-name", head + f"; {why}")
    given = _compare_tokens(ta[0], tb[0])
    family = _compare_tokens(ta[-1], tb[-1])
    checks = [("given", given), ("family", family)]
    if not given.ok or not family.ok:
        return _decide(checks, head, same_case, pa, pb)
    middles = _align_middles(ta[1:-1], tb[1:-1])
    if middles is None:
        score = (given.score + family.score) / 2
        return NameMatch(False, _cap(score, False), "no-match:middle-name",
                         head + f"; {given.note}; {family.note}; middle names disagree")
    return _decide(checks + [("middle", m) for m in middles], head, same_case, pa, pb)


def _decide(checks: list[tuple[str, _TokenCmp]], head: str, same_case: bool, pa: _Person, pb: _Person) -> NameMatch:
    notes = "; ".join(f"{role} {c.note}" for role, c in checks)
    weights = [0.5 if role == "middle" else 1.0 for role, _ in checks]
    score = sum(w * c.score for w, (_, c) in zip(weights, checks)) / sum(weights)
    for role, c in checks:
        if not c.ok:
            rule = "no-match:initial" if c.initial else f"no-match:{role}-name" if role != "name" else "no-match:name"
            return NameMatch(False, _cap(score * 0.6, False), rule, f"{head}; {notes}")
    skel_a, skel_b = _skeleton_of_tokens(pa.tokens), _skeleton_of_tokens(pb.tokens)
    fuzzy = fuzz.ratio(skel_a, skel_b) / 100
    detail = f"{head}; {notes}; skeleton {skel_a} / {skel_b} ({fuzzy:.2f})"
    if any(c.initial for _, c in checks):
        if not same_case:
            return NameMatch(False, 0.45, "no-match:anonymised-needs-same-case",
                             detail + "; an initial stands for a name only within one case")
        return NameMatch(True, _cap(0.8 * score, True), "anonymised-initial", detail + "; same case")
    total = sum(c.cost for _, c in checks)
    cross = any(c.cross for _, c in checks)
    final = _cap(0.8 * score + 0.2 * fuzzy, True)
    if total == 0 and cross:
        return NameMatch(True, final, "translit-key", detail)
    return NameMatch(True, final, "skeleton+fuzzy", detail)


def _skeleton_of_tokens(tokens: tuple[_Token, ...]) -> str:
    return " ".join(t.skel for t in tokens)


# ---------------------------------------------------------------------- facilities, organisations
@dataclass(frozen=True)
class _Facility:
    number: str | None
    types: frozenset[str]
    canon: frozenset[str]
    tokens: tuple[_Token, ...]

    @property
    def key(self) -> str:
        words = sorted(self.canon) + [t.key for t in self.tokens]
        return " ".join(([f"#{self.number}"] if self.number else []) + sorted(self.types) + words)


@lru_cache(maxsize=1 << 16)
def _parse_facility(name: str) -> _Facility:
    res = _resources()
    number = facility_number(name)
    words = [w for w in _SPLIT_RE.split(name.replace(".", " ").replace("'", "’")) if w]
    normed = [_word_norm(w) for w in words]
    types: set[str] = set()
    canon: set[str] = set()
    tokens: list[_Token] = []
    pending_article = False
    i = 0
    while i < len(words):
        for phrase, canons in res.fac_phrases.get(normed[i], ()):
            if tuple(normed[i : i + len(phrase)]) == phrase:
                canon.update(canons)
                i += len(phrase)
                break
        else:
            w = normed[i]
            bare = w[2:] if w.startswith("ال") and len(w) >= 4 else w
            if not w or w.isdigit() or w in res.fac_noise or bare in res.fac_noise:
                i += 1
                continue
            if w in res.articles or (w in res.sun_articles and i + 1 < len(normed) and normed[i + 1].startswith(w[1:])):
                pending_article = True
                i += 1
                continue
            hit = False
            for form in {w, bare}:
                if form in res.fac_types:
                    types.add(res.fac_types[form])
                    hit = True
                if form in res.fac_equiv:
                    canon.update(res.fac_equiv[form])
                    hit = True
            if not hit:
                word, arabic = _clean(words[i])
                if word and not word.isdigit():
                    tokens.append(_single_token(words[i], word, arabic, 1, pending_article))
            pending_article = False
            i += 1
    return _Facility(number, frozenset(types), frozenset(canon), tuple(tokens))


@lru_cache(maxsize=1)
def _gazetteer_aliases() -> dict[str, str]:
    """Folded alias → entity id from facilities.json/organizations.json: knowledge that no spelling
    rule has, e.g. that Branch 251 is the al-Khatib branch."""
    try:
        from pipelines.entities.gazetteer import fold, load_entries
    except ImportError:  # the matcher stays usable on its own
        return {}
    out: dict[str, str] = {}
    for entry in load_entries():
        for alias, _ in entry.aliases:
            out.setdefault(fold(alias), entry.id)
    return out


# The evaluation switches this off to measure what the spelling rules alone achieve.
USE_GAZETTEER = True


def _gazetteer_id(name: str) -> str | None:
    aliases = _gazetteer_aliases() if USE_GAZETTEER else {}
    if not aliases:
        return None
    from pipelines.entities.gazetteer import fold

    for form in (name, _PARENS.sub(" ", name)):
        hit = aliases.get(fold(form))
        if hit:
            return hit
    return None


def _match_facilities(a: str, b: str, kind: str) -> NameMatch:
    fa, fb = _parse_facility(a), _parse_facility(b)
    head = f"{a} → {fa.key or '∅'} | {b} → {fb.key or '∅'}"
    if fa.number and fb.number and fa.number != fb.number:
        return NameMatch(False, 0.0, "no-match:facility-number", f"{head}; numbers {fa.number} ≠ {fb.number}")
    if fa.types and fb.types and not fa.types & fb.types:
        return NameMatch(False, 0.1, "no-match:facility-type", f"{head}; {sorted(fa.types)} vs {sorted(fb.types)}")
    ga, gb = _gazetteer_id(a), _gazetteer_id(b)
    if ga and gb and ga != gb:
        return NameMatch(False, 0.1, "no-match:gazetteer", f"{head}; known as {ga} vs {gb}")
    if fa.number and fb.number:
        return NameMatch(True, 1.0, "facility-number", f"{head}; number {fa.number} on both sides")
    named = _compare_facility_names(fa, fb)
    if named is not None and named[0]:
        return NameMatch(True, _cap(named[1], True), f"{kind}-name", f"{head}; {named[2]}")
    if ga and ga == gb:
        return NameMatch(True, 0.9, "gazetteer-alias", f"{head}; both aliases of {ga}")
    if named is None:
        why = "one has a number, the other only a name" if (fa.number or fb.number) else "no distinctive words"
        rule = "no-match:number-vs-name" if (fa.number or fb.number) else "no-match:name"
        return NameMatch(False, 0.2, rule, f"{head}; {why}")
    return NameMatch(False, _cap(named[1], False), "no-match:name", f"{head}; {named[2]}")


def _compare_facility_names(fa: _Facility, fb: _Facility) -> tuple[bool, float, str] | None:
    """Order-free: every distinctive word of the shorter name must meet one of the longer
    ("al-Khatib Branch" / "فرع الخطيب", "Saydnaya" / "Saydnaya Military Prison").  None when a
    side has nothing but generic words."""
    size_a, size_b = len(fa.canon) + len(fa.tokens), len(fb.canon) + len(fb.tokens)
    if not size_a or not size_b:
        return None
    small, large = (fa, fb) if size_a <= size_b else (fb, fa)
    if not small.tokens and size_a != size_b:
        return None  # "Intelligence" alone does not pick out "Air Force Intelligence"
    if not small.canon <= large.canon:
        return False, 0.2, f"{sorted(small.canon)} not in {sorted(large.canon)}"
    used: set[int] = set()
    notes, scores = [], []
    for t in small.tokens:
        best: tuple[int, _TokenCmp] | None = None
        for k, u in enumerate(large.tokens):
            if k in used:
                continue
            c = _compare_tokens(t, u)
            if c.ok and (best is None or c.cost < best[1].cost):
                best = (k, c)
        if best is None:
            return False, 0.2, f"'{t.key}' has no counterpart"
        used.add(best[0])
        notes.append(best[1].note)
        scores.append(best[1].score)
    fuzzy = fuzz.token_set_ratio(" ".join(t.skel for t in fa.tokens), " ".join(t.skel for t in fb.tokens)) / 100
    score = (sum(scores) / len(scores) if scores else 1.0) * 0.8 + 0.2 * fuzzy
    return True, score, "; ".join(notes) or "same generic words"


# ------------------------------------------------------------------------------------------ entry
def match_names(a: str, b: str, *, kind: str = "person", same_case: bool = False) -> NameMatch:
    """Whether two names (any script, any convention) refer to the same person, facility or organisation.

    same_case: both names come from the same case; only then may an anonymised form ("Anwar R.")
    stand for a full name, since German courts shorten every family name to its initial.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if kind == "person":
        return _match_persons(a, b, same_case)
    return _match_facilities(a, b, kind)
