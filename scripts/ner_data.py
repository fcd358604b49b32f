"""Read the NER development sets (../shared/data/ner) into coarse PER/ORG/LOC(/FAC) sentences and spaCy docs.

Nothing here is copied into the repository: the sets are read in place and converted to DocBin files in a
temporary folder by scripts/train_ner.py. See corpora/models/*/MODEL_CARD.md for the label mapping.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.entities.arabic_clitics import LETTER, strip_proclitics  # noqa: E402


@dataclass
class Sentence:
    """Natural text with entity character spans (start, end, label); ``source`` names the data set."""

    text: str
    spans: list[tuple[int, int, str]]
    source: str
    words: list[str] = field(default_factory=list)


# --- label mappings to the coarse set -------------------------------------------------------------------

GERMEVAL = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}  # OTH, *deriv and *part → O
LER = {
    "PER": "PER", "RR": "PER", "AN": "PER",
    "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG",
}  # GS VO EUN VS VT RS LIT → O
# WikiFANE fine classes → parent (ACE-style hierarchy of Alotaibi & Lee 2014).
FANE = {
    **dict.fromkeys(
        ["Politician", "Religious_PER", "Artist", "Other_PER", "Scientist", "Athlete", "Businessperson",
         "Engineer", "Lawyer", "Police"], "PER"),
    **dict.fromkeys(
        ["Government", "Non-Governmental", "Commercial", "Educational", "Media", "Religious_ORG", "Sports",
         "Medical-Science", "Entertainment"], "ORG"),
    # GPE and LOC both → LOC
    **dict.fromkeys(
        ["Population-Center", "Nation", "State-or-Province", "County-or-District", "GPE-Cluster", "Continent",
         "Water-Body", "Land-Region-Natural", "Celestial"], "LOC"),
    **dict.fromkeys(["Building-Grounds", "Path", "Airport", "Subarea-Facility"], "FAC"),
}
# Not mapped (→ O): PER "Group" (peoples, religious communities: "المسلمين", "العرب", "الفرنسيين" — nationalities
# and groups, NORP in OntoNotes terms, not persons); VEH (Air, Water, Land), WEA (Projectile, Blunt, Shooting,
# Nuclear, Exploding, Sharp, Chemical), PRO (Book, Software, Hardware, Movie, Sound, Food, Drug, Plant).


def _blocks(lines):
    block = []
    for line in lines:
        if not line.strip():
            if block:
                yield block
                block = []
            continue
        block.append(line)
    if block:
        yield block


def _iob_spans(tags: list[str], mapping) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, coarse label) from IOB2 tags; unmapped types are O, I- after O starts."""
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, fine = tag.partition("-")
        coarse = mapping(fine) if prefix in ("B", "I") else None
        if start is not None and (prefix != "I" or coarse != label):
            spans.append((start, i, label))
            start = label = None
        if coarse and start is None:
            start, label = i, coarse
    return spans


def _sentence(words: list[str], tags: list[str], mapping, source: str, spaces=None) -> Sentence:
    spaces = spaces or [True] * len(words)
    offsets, pos = [], 0
    for word, space in zip(words, spaces):
        offsets.append(pos)
        pos += len(word) + (1 if space else 0)
    text = "".join(w + (" " if s else "") for w, s in zip(words, spaces)).rstrip(" ")
    spans = [(offsets[a], offsets[b - 1] + len(words[b - 1]), lab) for a, b, lab in _iob_spans(tags, mapping)]
    return Sentence(text, spans, source, list(words))


# --- German ---------------------------------------------------------------------------------------------


def read_wikiann(path: Path, source: str) -> list[Sentence]:
    out = []
    for block in _blocks(path.read_text(encoding="utf-8").splitlines()):
        words, tags = [], []
        for line in block:
            token, tag = line.rsplit("\t", 1)
            words.append(token.split(":", 1)[1] if token.startswith("de:") else token)
            tags.append(tag.strip())
        out.append(_sentence(words, tags, lambda t: t if t in ("PER", "ORG", "LOC") else None, source))
    return out


def read_germeval(path: Path) -> list[Sentence]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    out = []
    for block in _blocks(lines):
        rows = [line.split("\t") for line in block]
        out.append(_sentence([r[1] for r in rows], [r[2] for r in rows], GERMEVAL.get, "germeval"))
    return out


def read_ler(path: Path) -> list[Sentence]:
    out = []
    for block in _blocks(path.read_text(encoding="utf-8").splitlines()):
        rows = [line.rsplit(" ", 1) for line in block]
        out.append(_sentence([r[0] for r in rows], [r[1] for r in rows], LER.get, "ler"))
    return out


# --- Arabic ---------------------------------------------------------------------------------------------

# WikiFANE comes pre-segmented by an automatic clitic tokenizer: the conjunction و (and mostly ف, sometimes
# ب/ل/ك) stands alone before its word, pronoun suffixes after it ("مقر ها"), with errors ("و هران" for Oran).
# Input text never looks like that, so the segments are glued back into natural words; the gold spans stay on
# the characters they covered.
_PROCLITIC_TOKENS = {"و", "ف", "ب", "ل", "ك", "س"}
_ENCLITIC_TOKENS = {"ه", "ها", "هم", "هما", "هن", "ي", "نا"}
_STARTS_ARABIC = re.compile(LETTER)
_ENDS_ARABIC = re.compile(rf"{LETTER}$")
_CLEAN = re.compile("[\ufeff\u200e\u200f\r]")
_STEM_END = {"ة": "ت", "ى": "ي"}


def _glue(words: list[str]) -> list[bool]:
    """Space after each segment (False where the next segment belongs to the same written word)."""
    spaces = [True] * len(words)
    for i in range(len(words) - 1):
        here, nxt = words[i], words[i + 1]
        if here in _PROCLITIC_TOKENS and _STARTS_ARABIC.match(nxt):
            spaces[i] = False
        elif nxt in _ENCLITIC_TOKENS and _ENDS_ARABIC.search(here):
            spaces[i] = False
    return spaces


def read_wikifane(path: Path, glue: bool = True) -> list[Sentence]:
    text = _CLEAN.sub("", path.read_text(encoding="utf-8-sig"))
    out = []
    for block in _blocks(text.split("\n")):
        words, tags = [], []
        for line in block:
            token, tag = line.rsplit("\t", 1)
            words.append(token.strip())
            tags.append(tag.strip())
        spaces = _glue(words) if glue else None
        if glue:
            # the segmenter wrote the stem's base form: "عائلة ه" is عائلته, "على ه" is عليه (same length)
            for i in range(len(words) - 1):
                if not spaces[i] and words[i + 1] in _ENCLITIC_TOKENS and words[i][-1] in _STEM_END:
                    words[i] = words[i][:-1] + _STEM_END[words[i][-1]]
        out.append(_sentence(words, tags, FANE.get, "wikifane", spaces))
    return out


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to whole whitespace-delimited words (the clitic glued before a name included)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and _STARTS_ARABIC.match(text[end]):
        end += 1
    return start, end


# Titles, ranks and forms of address before a person's name (text folded like WikiFANE's: no hamza on alif).
# WikiFANE puts them inside PER spans ("الامير عبد القادر"); Dalil's guidelines keep them out ("العقيد" is
# the mention's title, not part of the name), so they are cut off the training and dev spans.
ARABIC_TITLES = frozenset(
    """
    الشيخ الشيخة الامير الاميرة الملك الملكة السلطان الدكتور الدكتورة الامام اللواء العقيد العميد المقدم
    الرائد النقيب الملازم الفريق المشير الجنرال الرئيس الرئيسة الخليفة القاضي القاضية السيد السيدة الاستاذ
    الاستاذة المهندس المهندسة الحاج البابا الكاردينال القديس القديسة المستشار المستشارة البروفيسور المحامي
    المحامية الوزير الوزيرة
    """.split()
)


def arabic_target_spans(sentence: Sentence, titles: bool = True) -> list[tuple[int, int, str]]:
    """Gold spans as the product wants them: whole written words, leading proclitics cut off, and (with
    ``titles``) leading titles cut off person spans."""
    out = []
    text = sentence.text
    for start, end, label in sentence.spans:
        start, end = word_bounds(text, start, end)
        drop, _ = strip_proclitics(text[start:end])
        start += drop
        while titles and label == "PER":
            first = text[start:end].split(" ", 1)
            if len(first) < 2 or first[0] not in ARABIC_TITLES:
                break
            start += len(first[0]) + 1
        out.append((start, end, label))
    return out


# --- splits ---------------------------------------------------------------------------------------------


def block_split(items: list, block: int, held: set[int], period: int = 10) -> tuple[list, list]:
    """Deterministic split by consecutive blocks (sentences of one article/decision stay together):
    block number b goes to the held-out part when b % period is in ``held``."""
    train, dev = [], []
    for i, item in enumerate(items):
        (dev if (i // block) % period in held else train).append(item)
    return train, dev


def load_german(data: Path) -> tuple[list[Sentence], list[Sentence]]:
    de = data / "de"
    wiki_train = read_wikiann(de / "wikiann-train.iob", "wikiann")
    wiki_dev = read_wikiann(de / "wikiann-dev.iob", "wikiann")
    ge_train, ge_dev = block_split(read_germeval(de / "germeval2014-dev.tsv"), 50, {2, 5, 8})
    ler_train, ler_dev = block_split(read_ler(de / "ler-dev.conll"), 100, {2, 5, 8})
    return wiki_train + ge_train + ler_train, wiki_dev + ge_dev + ler_dev


def load_arabic(data: Path) -> tuple[list[Sentence], list[Sentence]]:
    sentences = read_wikifane(data / "ar" / "wikifane-gold.txt")
    return block_split(sentences, 50, {7})


# --- training-time augmentation: swapping names ---------------------------------------------------------


def swap_entities(text: str, spans: list[tuple[int, int, str]], pool: dict[str, list[str]], rng: random.Random):
    """Each entity replaced by a random name of the same type from ``pool``: the model has to use the context,
    not only memorised names (court documents are full of names Wikipedia never mentions)."""
    out_text, out_spans, pos = [], [], 0
    for start, end, label in sorted(spans):
        names = pool.get(label)
        new = rng.choice(names) if names else text[start:end]
        out_text.append(text[pos:start])
        begin = sum(len(x) for x in out_text)
        out_text.append(new)
        out_spans.append((begin, begin + len(new), label))
        pos = end
    out_text.append(text[pos:])
    return "".join(out_text), out_spans


# --- training-time augmentation: alif with hamza -------------------------------------------------------

# The training text folds أ/إ/آ to ا; real input mostly does not. A share of the training sentences gets a
# hamza put back on word-initial alifs (after clitics and the article) so the model has seen both spellings.
_HAMZA_WORDS = {"الى": "إلى", "ان": "أن", "او": "أو", "اي": "أي", "اذا": "إذا", "الا": "إلا", "اما": "أما",
                "ايضا": "أيضا", "اكثر": "أكثر", "احد": "أحد", "اول": "أول", "اخرى": "أخرى", "اخر": "آخر"}
# a word-initial alif (after an optional clitic letter), or the first alif after the article; never the
# article's own alif ("القاهرة" stays, "الالمانية" → "الألمانية").
_INITIAL_ALIF = re.compile(rf"(?<!{LETTER})([وفبكل]?ال|[وفبكل]?(?!ال))ا(?={LETTER}{{2}})")


def add_hamza(text: str, rng: random.Random) -> str:
    """Same length as ``text`` (one-for-one letter changes), so spans stay valid."""

    def word(match):
        return _HAMZA_WORDS.get(match.group(), match.group())

    text = re.sub(rf"(?<!{LETTER}){LETTER}+", word, text)

    def alif(match):
        prefix = match.group(1)
        if prefix.endswith("ال") or not prefix:
            choice = rng.choices(["أ", "إ", "ا"], weights=[6, 3, 1])[0]
        else:
            choice = rng.choices(["أ", "إ", "ا"], weights=[5, 3, 2])[0]
        return prefix + choice

    return _INITIAL_ALIF.sub(alif, text)
