"""German (and English) names after role words, and the model's German common-noun mistakes.

German capitalises every noun, so a statistical model trained on a few thousand sentences tags nouns
such as "Tötungen" or "Nebenkläger" as places and organisations. Two rules, both from the project's
own word lists (corpora/resources), fix the common cases:

* **Role words are not names.** A model mention that is only a role word or title ("Oberst",
  "Verteidigerin") is dropped, and a person span that starts with one ("Oberstaatsanwältin Sabine
  Ortlepp") loses it.
* **Cued names.** A role word followed by capitalised words that are not common nouns ("Die
  Nebenklägerin Hala Sabbagh", "der Zeuge Z 31") names a person.

A third rule works across the passages of a batch: **remembered names.** A person found with a full
name ("Samir Haddad") is recognised where the name recurs, or the family name alone ("Haddad
replied …"), which the model misses at the start of a sentence or without a first name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pipelines.entities import word_lists
from pipelines.entities.mention import FACILITY, LOCATION, ORGANIZATION, PERSON, Mention
from pipelines.entities.patterns import WITNESS_CODE

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][\w'’.-]*")
_HONORIFICS = {"Dr", "Prof", "med", "jur", "Herr", "Frau", "Mr", "Mrs", "Ms", "Dres"}
_AT_COURT = re.compile(r"(?:am|beim|des)\s+[A-ZÄÖÜ]\w*(?:gericht|gerichts|gerichtshof|gerichtshofs)\s+")
# Endings of German common nouns; a word with one of them is not a name.
_NOUN_END = re.compile(r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|tät|täten|ismus|ment|mente|zelle|zellen|gen|ern|nisse|nis|ende|enden)$")


@lru_cache(maxsize=2)
def role_words(lang: str) -> frozenset[str]:
    words = {cue.split()[-1] for cues in word_lists.role_cues(lang).values() for cue in cues
             if " " not in cue.strip() or cue.split()[0].lower() in ("der", "die", "des", "dem", "den", "the")}
    words.update(t for t in word_lists.titles(lang) if " " not in t)
    words.update(word_lists.person_cues(lang))  # "dessen Cousin Ziad Tarabishi", "der Student Salim Kurdi"
    return frozenset(w for w in words if w[:1].isupper())


@lru_cache(maxsize=2)
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in word_lists.stopwords(lang))


def clean_model_mentions(text: str, mentions: list[Mention], lang: str) -> list[Mention]:
    """Drop role words and German common nouns the model took for names; cut role words off person spans."""
    roles = role_words(lang)
    out = []
    for mention in mentions:
        if mention.source != "model" or mention.label not in (PERSON, ORGANIZATION, LOCATION, FACILITY):
            out.append(mention)
            continue
        words = mention.text.split()
        if words and words[0] in roles and len(words) > 1 and mention.label == PERSON:
            cut = mention.text.index(words[1], len(words[0]))
            mention = replace(mention, start=mention.start + cut, text=mention.text[cut:])
            words = words[1:]
        if all(w in roles for w in words):
            continue
        if lang == "de" and len(words) == 1 and (not words[0][:1].isupper() or _NOUN_END.search(words[0])):
            continue
        cased = [ch for ch in mention.text if ch.isupper() or ch.islower()]  # Arabic script has no case
        if lang == "en" and cased and not any(ch.isupper() for ch in cased):  # "a closed lorry": English names are capitalised
            continue
        out.append(mention)
    return out


@lru_cache(maxsize=2)
def _introducers(lang: str) -> frozenset[str]:
    """Words a name follows: German role words and titles, and in English (where the model finds names
    after role words itself) the professions and kin of person_cues.json ("the teenager Thaer Karam")."""
    return role_words(lang) if lang == "de" else frozenset(word_lists.person_cues(lang))


def cued_names(text: str, lang: str) -> list[Mention]:
    roles, cues = role_words(lang), _introducers(lang)
    found = []
    for match in _WORD.finditer(text):
        if match.group() not in cues:
            continue
        position = match.end()
        rest = text[position:]
        stripped = len(rest) - len(rest.lstrip(" "))
        if not stripped:
            continue
        start = position + stripped
        court = _AT_COURT.match(text, start)
        if court:  # "Richter am Oberlandesgericht Henning Falkenroth": the court is not the name
            start = court.end()
        code = WITNESS_CODE.match(text, start)
        if code:
            found.append(Mention(start, code.end(), code.group(), PERSON, "pattern"))
            continue
        end = start
        taken = 0
        for word in _WORD.finditer(text, start):
            gap = text[end:word.start()]
            if not taken and word.group().rstrip(".") in _HONORIFICS and (word.start() == start or not gap.strip(" .")):
                start = end = word.end()  # "Rechtsanwältin Dr. Lena Paulsen": the title is not the name
                continue
            if (taken and gap != " ") or (not taken and gap.strip(" ")):
                break
            if not taken:
                start = word.start()
            token = word.group().rstrip(".")
            if not _name_like(token, lang, roles) or taken == 3:
                break
            end = word.start() + len(token)
            taken += 1
        if taken:
            found.append(Mention(start, end, text[start:end], PERSON, "pattern"))
    return found


@lru_cache(maxsize=2)
def _cued_code(lang: str) -> re.Pattern:
    cues = sorted({cue.split()[-1] for cues in word_lists.role_cues(lang).values() for cue in cues}, key=len, reverse=True)
    return re.compile(r"\b(?i:" + "|".join(map(re.escape, cues)) + r")\W{1,3}(" + WITNESS_CODE.pattern + ")")


def cued_codes(text: str, lang: str) -> list[Mention]:
    """Codes of protected witnesses after a role word, any case ("witness P-7", "protected witness Z 31")."""
    return [Mention(m.start(1), m.end(1), m.group(1), PERSON, "pattern") for m in _cued_code(lang).finditer(text)]


def _name_like(word: str, lang: str, roles: frozenset[str]) -> bool:
    if not word[:1].isupper() or word in roles or word.casefold() in _stopwords(lang) or len(word) < 2:
        return False
    return not (lang == "de" and _NOUN_END.search(word))


def remembered_names(texts: list[str], known: list[list[Mention]], lang: str) -> list[list[Mention]]:
    """Recurrences, across the batch, of persons already found: full names, and family names alone."""
    roles = role_words(lang)
    names: set[str] = set()
    for mentions in known:
        for mention in mentions:
            words = mention.text.split()
            if mention.label != PERSON or len(words) < 2 or not all(_name_like(w.rstrip("."), lang, roles) for w in words):
                continue
            names.add(mention.text)
            family = words[-1]
            if len(family) >= 3 and not family.endswith("."):  # "Anwar R.": an initial alone names nobody
                names.add(family)
        # A witness code found after a cue ("witness P-7") is the person wherever it recurs.
        names.update(m.text for m in mentions if m.label == PERSON and WITNESS_CODE.fullmatch(m.text))
    if not names:
        return [[] for _ in texts]
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])")
    return [[Mention(m.start(1), m.end(1), m.group(1), PERSON, "pattern") for m in pattern.finditer(text)] for text in texts]
