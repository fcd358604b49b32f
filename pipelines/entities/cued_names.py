"""Arabic person names that the statistical model misses, found from the words around them.

Two rules, both plain linguistics rather than a name list:

* **Cued names.** Arabic legal prose introduces a person by role, title or profession: "الشاهدة ليلى
  درويش", "المحامي كونراد فايسباخ", "العقيد …". The one or two name-like words after such a cue are a
  person. A first word with the article (ال) is not a name ("المتهم الأول"), but a second one is
  ("إياد الغريب"). Court codes for anonymous witnesses ("Z 31", "P-7") count as names too.
* **Document memory.** A person named in full once is the same person when the full name or the family
  name recurs in the same batch of passages (a document): "… وقال حداد".
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.entities import word_lists
from pipelines.entities.arabic_clitics import strip_proclitics
from pipelines.entities.mention import PERSON, Mention
from pipelines.entities.patterns import WITNESS_CODE

# Letters, digits and the Arabic short vowels and tatweel; not Arabic punctuation ("منصور،" is a name and a comma).
_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670\u0640]+(?:[-.][\w]+)*")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064A\u0671-\u06D3]{2,}$")


# Dual and plural endings, and broken plurals, of words that introduce a list of names.
_PLURAL = ("ان", "ين", "ون")
_PLURAL_NOUNS = frozenset({"القضاة", "الشهود", "المحامون", "المحامين", "الخبراء", "القاضيات", "الشاهدات", "المحاميات"})
# Endings a one-word cue takes: "محاميه" (his lawyer), "القاضيان" (the two judges), "المحامين".
_ENDINGS = ("ها", "ه", "ان", "ين", "ون")


@lru_cache(maxsize=1)
def _cues() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word cues, multi-word cues) in Arabic."""
    words = {cue for role, cues in word_lists.role_cues("ar").items() if role not in ("victim", "unknown") for cue in cues}
    words.update(word_lists.titles("ar"))
    words.update(word_lists.person_cues("ar"))
    # Verb phrases ("أدلى بشهادته") and bare plurals do not introduce one named person.
    nouns = {w for w in words if len(w.split()) <= 4 and not w.startswith(("أدلى", "أدلت", "شهد", "قال", "في ", "وجهت", "وُجّهت", "يحاكم", "يُحاكم"))}
    return frozenset(w for w in nouns if " " not in w), frozenset(w for w in nouns if " " in w)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(word_lists.stopwords("ar")) | {"إن", "أن", "إنه", "أنه", "بأن", "وإن", "وأن"}


def _name_like(word: str, first: bool) -> bool:
    bare = strip_proclitics(word)[1]
    if word in _stopwords() or bare in _stopwords() or not _ARABIC_WORD.match(word):
        return False
    if word in _cues()[0] or word.startswith("لل"):  # "… براندشتيتر الشاهد": the next cue is not part of the name
        return False
    return not (first and word.startswith("ال"))


def cued_names(text: str) -> list[Mention]:
    single, multi = _cues()
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    found: list[Mention] = []
    index = 0
    while index < len(tokens):
        after = _cue_end(tokens, index, single, multi)
        if after is None:
            index += 1
            continue
        code = WITNESS_CODE.match(text, tokens[after][0]) if after < len(tokens) else None
        if code:
            found.append(Mention(code.start(), code.end(), code.group(), PERSON, "pattern"))
            index = after + 1
            continue
        name: list[tuple[int, int, str]] = []
        for position in range(after, min(after + 2, len(tokens))):
            start, end, word = tokens[position]
            if text[tokens[position - 1][1] : start].strip():  # punctuation ends a name, or comes between cue and name
                break
            if not _name_like(word, first=not name):
                break
            name.append((start, end, word))
        if name:
            found.append(Mention(name[0][0], name[-1][1], text[name[0][0] : name[-1][1]], PERSON, "pattern"))
            index = after + len(name)
            # A dual or plural cue names a list: "القضاة ماتياس كونيل وكاترين ليندماير وهيلموت روسباخ".
            plural = tokens[after - 1][2].endswith(_PLURAL) or strip_proclitics(tokens[after - 1][2])[1] in _PLURAL_NOUNS
            while (plural and index < len(tokens) and tokens[index][2].startswith("و") and not text[tokens[index - 1][1] : tokens[index][0]].strip()
                   and _name_like(tokens[index][2][1:], first=True)):
                start, end, word = tokens[index]
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                last = following if following and not text[end : following[0]].strip() and _name_like(following[2], first=False) else None
                stop = last[1] if last else end
                found.append(Mention(start + 1, stop, text[start + 1 : stop], PERSON, "pattern"))
                index += 2 if last else 1
        else:
            index = after
    return found


def _cue_end(tokens, index: int, single: frozenset[str], multi: frozenset[str]) -> int | None:
    """Index of the token after a cue starting at `index`, or None. A cue may carry a proclitic (وقال الشاهد / للشاهد)."""
    for length in (4, 3, 2):
        if index + length <= len(tokens):
            phrase = " ".join(t[2] for t in tokens[index : index + length])
            if phrase in multi or strip_proclitics(phrase)[1] in multi or (phrase.startswith("لل") and "ال" + phrase[2:] in multi):
                return index + length
    word = tokens[index][2]
    # "للشاهد" is ل + الشاهد with the alef of the article dropped in writing.
    if word in single or strip_proclitics(word)[1] in single or (word.startswith(("لل", "ولل", "فلل")) and "ال" + word[word.index("لل") + 2 :] in single):
        return index + 1
    if _inflected(strip_proclitics(word)[1], _role_nouns()):
        return index + 1
    return None


def _inflected(word: str, nouns: frozenset[str]) -> bool:
    """`word` is one of `nouns` with a dual, plural or pronoun ending."""
    return any(word.endswith(e) and word[: -len(e)] in nouns for e in _ENDINGS)


@lru_cache(maxsize=1)
def _role_nouns() -> frozenset[str]:
    """One-word cues of the court's roles, whose inflected forms also introduce names ("القاضيان", "محاميه");
    not "المعتقلين", a plural that is followed by verbs far more often than by names."""
    return frozenset(cue for role, cues in word_lists.role_cues("ar").items() if role not in ("victim", "unknown")
                     for cue in cues if " " not in cue)


def remembered_names(texts: list[str], known: list[list[Mention]]) -> list[list[Mention]]:
    """Recurrences, across the batch, of persons already found: full names, and family names alone."""
    names: set[str] = set()
    for mentions in known:
        for mention in mentions:
            words = mention.text.split()
            if mention.label == PERSON and len(words) >= 2 and all(_name_like(w, first=i == 0) for i, w in enumerate(words)):
                names.add(mention.text)
                if len(words[-1]) >= 3 and words[-1] not in _stopwords():
                    names.add(words[-1])
    if not names:
        return [[] for _ in texts]
    pattern = re.compile(r"(?<![\w\u0600-\u06FF])(?:[وفبكل])?(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w\u0600-\u06FF])")
    return [[Mention(m.start(1), m.end(1), m.group(1), PERSON, "pattern") for m in pattern.finditer(text)] for text in texts]


@lru_cache(maxsize=1)
def _common_nouns() -> frozenset[str]:
    """Role, victim and profession words without their article: never the first word of a name."""
    words = {cue for cues in word_lists.role_cues("ar").values() for cue in cues if " " not in cue}
    words.update(w for w in word_lists.person_cues("ar") if " " not in w)
    return frozenset(w[2:] if w.startswith("ال") else w for w in words)


def clean_model_mentions(mentions: list[Mention]) -> list[Mention]:
    """Drop persons the model made of ordinary words: a name does not begin with a function word ("داخل
    إطار") or a role word ("والمحامين والقضاة", "معتقلين قضوا"); ranks and titles are cut off later instead."""
    def ordinary(word: str) -> bool:
        bare = strip_proclitics(word)[1]
        stem = bare[2:] if bare.startswith("ال") else bare
        return word in _stopwords() or bare in _stopwords() or stem in _common_nouns() or _inflected(stem, _common_nouns())
    return [m for m in mentions if m.source != "model" or m.label != PERSON or not ordinary((m.text.split() or [""])[0])]
