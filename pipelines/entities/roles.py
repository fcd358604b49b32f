"""The role a person plays in a passage, from cue words near the name. Never a role without a cue.

Cues (corpora/resources/role_cues.json) are phrases such as "der Angeklagte", "the witness",
"المتهم", "Nebenkläger", or torture/detention verbs for victims, in their inflected forms. The nearest
cue wins; a cue right next to the name (an apposition: "der Zeuge Samir H.") is strong, one further away
is weaker, and a cue in apposition to another name is that name's alone. Relational cues
(role_relations.json: "proceedings against X", "counsel for X", "beaten by X") speak for the name right
after them and come first. Words for people outside the roles ("the interpreter") are cues for
"unknown". Names in a list share a cue; a person held "together with" a victim is one too.
Each passage is judged alone, as the gold sets are annotated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pipelines.entities import word_lists
from pipelines.entities.mention import PERSON, Mention

WINDOW = 80  # characters either side of a name in which a cue may speak for it


@dataclass(frozen=True)
class Cue:
    role: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def cue_patterns() -> dict[str, dict[str, re.Pattern]]:
    data = word_lists.resource("role_cues.json")
    out: dict[str, dict[str, re.Pattern]] = {}
    for role, by_lang in data.items():
        for lang, cues in by_lang.items():
            if not cues:
                continue
            if lang == "ar":  # "للمعتقل" is ل + المعتقل with the alef of the article dropped in writing
                cues = cues + ["لل" + c[2:] for c in cues if c.startswith("ال")]
            body = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
            ending = _ENDINGS.get((lang, role), _ENDINGS.get(lang, ""))
            out.setdefault(lang, {})[role] = re.compile(rf"(?<![\w])(?:[وفبل])?(?:{body})(?:{ending})?(?![\w])", re.IGNORECASE)
    return out


# Inflected forms of a cue's last word, so the lists need only the base forms: "den Rechtsanwälten",
# "Nebenklägerinnen", "associate judges", "القاضيان", "محاميه" (his lawyer). Arabic victim verbs take
# only the dual and plural endings: "عذبه" is "(he) tortured him", and the name after it is the torturer.
_ENDINGS = {
    "de": "n|en|s|es|in|innen|nen",
    "en": "s|es",
    "ar": "ان|ين|ون|ا|وا|ه|ها",
    ("ar", "victim"): "ا|وا",
    # "detainees" and "prisoners" speak of a group, seldom of the name beside them.
    ("en", "victim"): "",
    # Words for people outside the roles name one person in apposition ("the interpreter X"); their plurals
    # are subjects ("وهدد المحققون ليلى درويش": the interrogators threatened Layla Darwish).
    ("ar", "unknown"): "", ("de", "unknown"): "", ("en", "unknown"): "",
}


@lru_cache(maxsize=1)
def relational_patterns() -> dict[str, dict[str, re.Pattern]]:
    """Cues that speak only for the name right after them ("proceedings against X", "counsel for X")."""
    data = word_lists.resource("role_relations.json")
    out: dict[str, dict[str, re.Pattern]] = {}
    for role, by_lang in data.items():
        for lang, cues in by_lang.items():
            body = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
            clitic = "(?:[وف]?ب?)" if lang == "ar" else ""  # "ونقل طارق", "بالحكم على": conjunction and preposition are glued on
            out.setdefault(lang, {})[role] = re.compile(rf"(?<![\w]){clitic}(?:{body})(?:\s+(?:the|der|des|dem|den|die))?\s*$", re.IGNORECASE)
    return out


_AND = re.compile(r"\s*(?:,|and|und|sowie|و)\s*|\s+و")
# Only a conjunction, not a comma, which as often opens an apposition ("Counsel for al-Gharib, Dr. Lena Paulsen").
_CONJUNCTION = re.compile(r"\s*(?:and|und|sowie|و)\s*|\s+و")


# "Raslan's lawyers": the person whose defence counsel acts is the accused.
_DEFENDED = {"en": re.compile(r"(?:'s|’s)\s+(?:defen[cs]e\s+)?(?:lawyers?|counsel|attorneys?|defen[cs]e(?:\s+team)?)\b")}


def _relational(text: str, lang: str, mention: Mention) -> Cue | None:
    window = text[max(0, mention.start - 60) : mention.start]
    for role, pattern in relational_patterns().get(lang, {}).items():
        match = pattern.search(window)
        if match:
            offset = mention.start - len(window)
            return Cue(role, offset + match.start(), offset + match.end(), match.group(0).strip())
    defended = _DEFENDED.get(lang)
    # The possessive may be inside the mention ("Raslan's") or after it.
    match = defended and defended.match(text, mention.end - 2 if mention.text.endswith(("'s", "’s")) else mention.end)
    if match:
        return Cue("accused", match.start(), match.end(), match.group(0).strip())
    return None


# "… Vollmer als Vorsitzende Richterin, Matthias Kühnel …": a role after "als"/"as" describes the name before it.
_AS = re.compile(r"(?:\bals|\bas|بصفته|بصفتها)\s*$")
_CLAUSE_END = re.compile(r"[,;:.!?،؛؟]")
# The end of a sentence: a full stop, question or exclamation mark and a space, not after an initial
# ("Anwar R.") or an abbreviation ("Dr.", "Rn.", "Abs.").
_SENTENCE_END = re.compile(r"(?<!\b[A-ZÄÖÜ])(?<!\bDr)(?<!\bProf)(?<!\bRn)(?<!\bNr)(?<!\bAbs)(?<!\bArt)(?<!\bAz)(?<!\bSt)(?<!\bvgl)(?<!\bbzw)(?<!\bca)[.!?؟][\"”»)]?\s")


def _clause_verb(text: str, mention: Mention, cues: list[Cue], people: list[Mention]) -> Cue | None:
    """A detention or torture verb later in the name's own clause, beyond the window: German puts the
    participle last ("Qudsi wurde … 41 Tage lang in einer Zelle im Untergeschoss … festgehalten")."""
    for cue in sorted(cues, key=lambda c: c.start):
        if cue.start < mention.end or cue.start - mention.end > 3 * WINDOW:
            continue
        between = text[mention.end : cue.start]
        if _CLAUSE_END.search(between) or any(mention.end <= p.start and p.end <= cue.start for p in people):
            return None
        if cue.role == "victim":
            return cue
    return None


def _owner(cue: Cue, people: list[Mention], text: str) -> Mention | None:
    """The person a cue stands right before, as in an apposition ("prosecutor Miriam Hollstein"), or right
    after with "als"/"as" ("Annegret Vollmer als Vorsitzende Richterin")."""
    described = _AS.search(text, max(0, cue.start - 12), cue.start)
    if described:  # "Vollmer als Vorsitzende Richterin": the name just before "als"
        return next((p for p in reversed(people) if p.end <= described.start() and not text[p.end : described.start()].strip(" ,")), None)
    for person in people:
        gap = _untitled(text[cue.end : person.start], person)
        if person.start >= cue.end and not gap.strip(" ,:") and len(gap) <= 3:
            return person
    return None


def find_cues(text: str, lang: str) -> list[Cue]:
    cues = []
    for role, pattern in cue_patterns().get(lang, {}).items():
        for match in pattern.finditer(text):
            cues.append(Cue(role, match.start(), match.end(), match.group(0)))
    return cues


def _distance(cue: Cue, mention: Mention) -> int:
    if cue.end <= mention.start:
        return mention.start - cue.end
    if mention.end <= cue.start:
        return cue.start - mention.end
    return 0


def assign_roles(text: str, lang: str, mentions: list[Mention]) -> list[Mention]:
    cues = find_cues(text, lang)
    people = [m for m in mentions if m.label == PERSON]
    owned = [(cue, _owner(cue, people, text)) for cue in cues]
    out = []
    for mention in mentions:
        if mention.label != PERSON:
            out.append(mention)
            continue
        relational = _relational(text, lang, mention)
        if relational is None and out:
            # "proceedings against Anwar Raslan and Eyad al-Gharib": a name joined by "and" shares the
            # relation that the name before it has.
            previous = next((m for m in reversed(out) if m.label == PERSON), None)
            if previous is not None and previous.role_cue and previous.role_confidence == 0.9 and _CONJUNCTION.fullmatch(text[previous.end : mention.start]):
                relational = Cue(previous.role, previous.role_cue_start, previous.role_cue_start + len(previous.role_cue), previous.role_cue)
        if relational is not None:
            if relational.role == "unknown":  # the agent of the verb ("beaten by Abu Ali"): no role from the list
                out.append(mention)
            else:
                out.append(replace(mention, role=relational.role, role_cue=relational.text, role_cue_start=relational.start, role_confidence=0.9))
            continue
        best, best_score = None, 0.0
        for cue, owner in owned:
            distance = _distance(cue, mention)
            if distance > WINDOW or owner is not None and owner is not mention:
                continue
            # Another name between the cue and this one means the cue belongs to that other person.
            between = (min(cue.end, mention.end), max(cue.start, mention.start))
            if any(p is not mention and between[0] <= p.start and p.end <= between[1] for p in people):
                continue
            if _SENTENCE_END.search(text, *between):  # a cue in another sentence speaks for someone there
                continue
            score = 0.95 if distance <= 3 else max(0.5, 0.9 - distance / (2 * WINDOW))
            if cue.end <= mention.start:
                score += 0.02  # cues usually precede the name in all three languages
            if score > best_score:
                best, best_score = cue, score
        if best is None:
            best, best_score = _clause_verb(text, mention, cues, people), 0.55
        if best is None or best.role == "unknown":  # nearest to a role outside the list: "the interpreter X"
            out.append(mention)
        else:
            out.append(replace(mention, role=best.role, role_cue=best.text, role_cue_start=best.start, role_confidence=round(min(best_score, 0.99), 2)))
    return _share_in_lists(text, lang, [_companion(text, lang, m, cues) for m in out])


# "arrested with his neighbour X", "zusammen mit seinem Bruder X", "اعتقل مع جاره X": one fate, two victims.
_WITH = {
    "en": re.compile(r"\b(?:together\s+with\s+(?:(?:his|her|their|a|the)\s+)?|with\s+(?:his|her|their)\s+)(?:[a-z-]+\s+)?$"),
    "de": re.compile(r"\b(?:(?:zusammen|gemeinsam)\s+mit\s+(?:(?:seinem|seiner|seinen|ihrem|ihrer|ihren|dem|der|den)\s+)?|mit\s+(?:seinem|seiner|seinen|ihrem|ihrer|ihren)\s+)(?:\w+\s+)?$"),
    "ar": re.compile(r"(?<!\S)و?مع\s+(?:\S+\s+)?$"),
}


def _companion(text: str, lang: str, mention: Mention, cues: list[Cue]) -> Mention:
    """A name left unknown that follows "with" shortly after a victim cue takes that cue."""
    pattern = _WITH.get(lang)
    if mention.label != PERSON or mention.role != "unknown" or pattern is None:
        return mention
    match = pattern.search(text, max(0, mention.start - 40), mention.start)
    if not match:
        return mention
    before = [c for c in cues if c.role == "victim" and c.end <= match.start() and match.start() - c.end <= 40]
    if not before:
        return mention
    cue = max(before, key=lambda c: c.end)
    return replace(mention, role="victim", role_cue=cue.text, role_cue_start=cue.start, role_confidence=0.6)


def _untitled(gap: str, person: Mention) -> str:
    """The text before a name less the name's title ("und Dr. " → "und ")."""
    if person.title and gap.rstrip().endswith(person.title):
        return gap.rstrip()[: -len(person.title)]
    return gap


def _gap(text: str, before: Mention, after: Mention) -> str:
    """The text between two names, less the second one's title ("und Dr. Kai Ostermeier")."""
    return _untitled(text[before.end : after.start], after)


@lru_cache(maxsize=3)
def _described(lang: str) -> re.Pattern:
    """A profession or kin word at the end of the gap before a name in a list: "… and the pharmacist
    Layla Darwish", "… und der Student Salim Kurdi", "… والطبيبة ريم حداد"."""
    words = "|".join(re.escape(w) for w in sorted(word_lists.person_cues(lang), key=len, reverse=True)) or "(?!x)x"
    return re.compile(rf"(?:\b(?:the|a|an|der|die|den|dem|des)\s+)?(?:{words})\s*$", re.IGNORECASE)


def _list_gap(text: str, lang: str, before: Mention, after: Mention) -> str:
    """The gap between two names of a list, less the second one's title and profession or kin word."""
    return _described(lang).sub("", _gap(text, before, after), count=1)


def _share_in_lists(text: str, lang: str, mentions: list[Mention]) -> list[Mention]:
    """Names in a list ("X, Y and Z were arrested") share the role that one of them has from a cue
    outside the list, which the nearest-cue rule gives to the first or last name only."""
    people = [i for i, m in enumerate(mentions) if m.label == PERSON]
    groups: list[list[int]] = []
    for i in people:
        if groups and _AND.fullmatch(_list_gap(text, lang, mentions[groups[-1][-1]], mentions[i])):
            groups[-1].append(i)
        else:
            groups.append([i])
    out = list(mentions)
    for group in (g for g in groups if len(g) > 1):
        first, last = mentions[group[0]], mentions[group[-1]]
        closed = _CONJUNCTION.fullmatch(_list_gap(text, lang, mentions[group[-2]], last))
        if len(group) == 2 and not closed:
            continue  # "A and B" or "A, B, C" is a list; "Counsel for al-Gharib, Dr. Lena Paulsen" is an apposition
        if closed and first.role_confidence >= 0.95 and first.role_cue_start is not None and first.role_cue_start < first.start:
            # A list right after its role word ("associate judges A, B and C", "القضاة أ وب وج"): the word
            # speaks for every name in it that has no role word of its own right before it.
            for i in group[1:]:
                if mentions[i].role_confidence < 0.95:
                    out[i] = replace(mentions[i], role=first.role, role_cue=first.role_cue, role_cue_start=first.role_cue_start,
                                     role_confidence=0.85)
            continue
        outside = {mentions[i].role_cue_start: mentions[i] for i in group if mentions[i].role_cue
                   and not first.start <= mentions[i].role_cue_start < last.end}
        roles = {m.role for m in outside.values()}
        if len(outside) != 1 or len(roles) != 1:
            continue
        source = next(iter(outside.values()))
        for i in group:
            if mentions[i].role == "unknown":
                out[i] = replace(mentions[i], role=source.role, role_cue=source.role_cue, role_cue_start=source.role_cue_start,
                                 role_confidence=round(min(source.role_confidence, 0.8), 2))
    return out
