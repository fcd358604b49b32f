"""Arabic proclitics (و ف ب ك ل) kept out of entity spans, and the text folding the Arabic model expects.

Arabic writes the conjunctions و/ف and the prepositions ب/ك/ل glued to the next word, so a name in running
text often arrives as "وبرلين", "بالقاهرة", "للمحكمة". An entity span must start at the name ("برلين",
"القاهرة"), never at the clitic. The definite article ال *is* kept: it is part of names ("القاهرة").

One rule, written once as a regular expression (``PROCLITIC_PREFIX``), decides where a clitic letter comes
off the front of a word. It is used three ways, so they can never disagree:

* ``strip_proclitics(text)``: how many leading characters of an entity text are clitics;
* the ``ar_dalil_ner`` tokenizer: the same pattern is the first of its prefix rules (saved with the model as
  a plain regex, so ``spacy.load`` needs no code from here), so "وبالقاهرة" is tokenized "و ب القاهرة";
* training: the gold spans were trimmed with ``strip_proclitics`` before training.

The rule is conservative — one letter at a time, and only

* و (and) before at least 3 more letters, unless the word is a known و-initial word or name
  ("وزارة", "ولاية", "وادي", "واشنطن", "وليد" … see ``WAW_WORDS``);
* ف ب ك ل directly before the article ال followed by at least 3 letters ("بالقاهرة", "فالعراق"), ف also
  before ب/ك/ل + ال ("فبالقاهرة"); and ل before a second ل, the article with its alif dropped
  ("للمحكمة" → "ل" + "لمحكمة", the Penn Arabic Treebank segmentation);
* never from a word listed in ``KEEP`` (foreign names such as "كاليفورنيا", "بالتيمور", "فالنسيا" and
  words such as "والد" that only look like clitic + article).

So ب/ك/ل/ف before a name *without* the article are kept ("بغداد", "لبنان", "فرنسا", "كندا" begin with those
letters); ``strip_with_evidence`` / ``entity_offsets`` lift them only with evidence from the same document
(the bare name is an entity there too), e.g. "بمصر" when "مصر" is also found.

The WikiFANE training text has alif-hamza folded (أ إ آ → ا) and no tashkeel; ``normalize_arabic`` folds
input the same way (with an offset map back to the original), and ``arabic_entities`` runs a pipeline on
folded text and returns trimmed spans in the original text's offsets.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

LETTER = "[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]"  # Arabic letters: no tatweel, no tashkeel

# Genuine words and names that begin with و (a conjunction و is not split off them).
WAW_WORDS = frozenset(
    """
    وزارة وزارات وزير وزيرة وزراء وكالة وكالات وكيل ولاية ولايات والي ولي وادي واد وادى واحة وحدة وحدات
    وفد وطن وطني وطنية وسط وسيط وقف وقفية ورشة وثيقة وثائق ودائع وارد واردات واقع واقعة
    والد والدة والده والدي والدان والدين والديه والدته والدها
    واشنطن واشنطون وهران ويلز وارسو ويلينغتون ولينغتون وستمنستر ويستمنستر واترلو ووهان واسط ورقلة وجدة
    وليد وائل وديع وضاح وجدي وهبة وهيب وفاء وفيق وصفي وصفية وحيد وحيدة وداد ورد وردة وسام وسيم وعد
    وليام ويليام وليم ويليم ويلسون واطسون واتسون وارن وارنر وايت ويست وود وودرو وول وولف ويبر ويندوز
    وايومنغ ولزلي ولزلى وايزمان واردن واسيني ويلي ويلى ويبور وايتهاوس ويندوارد وارتون وارويك ويلمر
    وينتشستر ولهلم ويلهلم ورنر وايد ويتشيتا والاشيا ويكيليكس ويكيبيديا ووترغيت
    """.split()
)
# Words that look like clitic + article but are not (foreign names, و-initial words above too).
KEEP = WAW_WORDS | frozenset(
    """
    كاليفورنيا كالكوتا كالياري كالفن كالفين كالدر كالاهان كالغاري كالجاري كالوغا كالابريا كاليدونيا كاليه
    كاليستا كالديرون كالسا كاليماخوس
    بالتيمور بالي بالما بالمر بالفور بالدوين بالزاك بالستاين بالاو باليرمو بالرمو بالاس
    فالنسيا فالنتين فالنتينو فالنتينا فالكون فالون فالي فالتر فالدو فالنس فاليري فاليريان فالباريسو
    فالديفيا
    والتر والاس والدو والنسيا والبول والكر ولاس
    لالا
    """.split()
)

_KEEP_ALT = "|".join(sorted(KEEP, key=len, reverse=True))
# One clitic letter at the start of a word; spaCy's tokenizer anchors prefix pieces with "^".
PROCLITIC_PREFIX = (
    rf"(?!(?:{_KEEP_ALT})(?!{LETTER}))"
    rf"(?:و(?={LETTER}{{3}})"
    rf"|ف(?=[بكل]?ال{LETTER}{{3}}|لل{LETTER}{{3}})"
    rf"|[بكل](?=ال{LETTER}{{3}})"
    rf"|ل(?=ل{LETTER}{{3}}))"
)
_PROCLITIC = re.compile(PROCLITIC_PREFIX)
_BARE_CLITIC = re.compile(rf"[وفبكل](?={LETTER}{{3}})")
_WORD = re.compile(rf"{LETTER}+")


def strip_proclitics(text: str) -> tuple[int, str]:
    """How many leading characters of ``text`` are proclitics, and the rest.

    >>> strip_proclitics("وبرلين")
    (1, 'برلين')
    >>> strip_proclitics("وبالقاهرة")
    (2, 'القاهرة')
    >>> strip_proclitics("بغداد")
    (0, 'بغداد')
    """
    drop = 0
    while (match := _PROCLITIC.match(text, drop)) is not None:
        drop = match.end()
    return drop, text[drop:]


def split_proclitics(word: str) -> list[str]:
    """The word as the model's tokenizer splits it: each clitic letter, then the rest."""
    drop, rest = strip_proclitics(word)
    return list(word[:drop]) + ([rest] if rest else [])


def strip_with_evidence(text: str, known: Container[str]) -> tuple[int, str]:
    """``strip_proclitics``, then one more ب/ك/ل/ف/و when the word without it is in ``known``.

    ``known`` is evidence that the bare form is a name of its own (by default, in ``entity_offsets``, the
    other entities of the same document): "بمصر" → "مصر" only if "مصر" is known; "بغداد" stays.
    """
    drop, rest = strip_proclitics(text)
    match = _WORD.match(rest)
    if match is None or match.group() in KEEP:
        return drop, rest
    word = match.group()
    if _BARE_CLITIC.match(word) and word[1:] in known:
        return drop + 1, rest[1:]
    return drop, rest


# --- folding the input the way the training text was written -------------------------------------------

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200e\u200f]")  # tashkeel, tatweel, LRM/RLM


def normalize_arabic(text: str) -> tuple[str, list[int]]:
    """Alif-hamza folded to ا, tashkeel and tatweel dropped, plus each kept character's original index.

    The offsets list has one extra entry, ``len(text)``, so an end offset maps back too.
    """
    chars, offsets = [], []
    for index, ch in enumerate(text):
        if _DROP.match(ch):
            continue
        chars.append(ch.translate(_FOLD))
        offsets.append(index)
    offsets.append(len(text))
    return "".join(chars), offsets


def _known_names(doc) -> set[str]:
    """First words of the document's entities, clitics stripped: evidence that a bare form is a name."""
    known = set()
    for ent in doc.ents:
        match = _WORD.match(strip_proclitics(ent.text)[1])
        if match:
            known.add(match.group())
    return known


def entity_offsets(doc, known: Container[str] | None = None) -> list[tuple[int, int, str]]:
    """(start_char, end_char, label) of each entity of ``doc``, leading proclitics cut off at character level.

    Works whatever the tokenizer: with ``ar_dalil_ner`` the clitics are mostly separate tokens already
    outside the span; a span that still starts with one ("بمصر" as one token) is cut inside the token.
    ``known`` (default: the first words of the document's other entities, so "بمصر" loses its ب when "مصر"
    is also an entity there, while "كمال" keeps its ك next to the common word "مال") is the evidence for
    ``strip_with_evidence``.
    """
    if known is None:
        known = _known_names(doc)
    out = []
    for ent in doc.ents:
        drop, _ = strip_with_evidence(ent.text, known)
        out.append((ent.start_char + drop, ent.end_char, ent.label_))
    return out


def trim_entity_spans(doc, known: Container[str] | None = None) -> list:
    """``doc.ents`` as ``Span`` objects with leading proclitic *tokens* left out.

    A ``Span`` cannot start inside a token, so a clitic glued to the name in one token stays in the span
    here (``doc.char_span(..., alignment_mode="expand")`` snaps back to the token start); use
    ``entity_offsets`` for exact character offsets. With the ``ar_dalil_ner`` tokenizer, which splits the
    clitics ``strip_proclitics`` strips, the two agree.
    """
    spans = []
    for ent, (start, end, label) in zip(doc.ents, entity_offsets(doc, known)):
        span = doc.char_span(start, end, label=label, alignment_mode="expand") if start > ent.start_char else None
        spans.append(span if span is not None and span.start_char == start else ent)
    return spans


def _end_in_original(text: str, offsets: list[int], end: int) -> int:
    original = offsets[end - 1] + 1
    while original < len(text) and _MARK.match(text[original]):  # tashkeel on the last letter belongs to it
        original += 1
    return original


_MARK = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")


def arabic_entities(nlp, texts: Iterable[str] | str, batch_size: int = 64):
    """Run an Arabic pipeline on folded text (``normalize_arabic``); entities as (start, end, label) in the
    *original* text's offsets, proclitics cut off.

    Given one string, returns one list; given an iterable of strings, a list of lists.
    """
    single = isinstance(texts, str)
    items = [texts] if single else list(texts)
    folded = [normalize_arabic(text) for text in items]
    results = []
    for text, (norm, offsets), doc in zip(items, folded, nlp.pipe((n for n, _ in folded), batch_size=batch_size)):
        results.append([(offsets[s], _end_in_original(text, offsets, e), label)
                        for s, e, label in entity_offsets(doc) if e > s])
    return results[0] if single else results
