"""Typed entity mentions: what was named where, as character offsets into a passage."""

from __future__ import annotations

from dataclasses import dataclass

PERSON = "PERSON"
ORGANIZATION = "ORGANIZATION"
FACILITY = "FACILITY"
LOCATION = "LOCATION"
CASE_NUMBER = "CASE_NUMBER"
LAW = "LAW"
LABELS = (PERSON, ORGANIZATION, FACILITY, LOCATION, CASE_NUMBER, LAW)

ROLES = ("accused", "victim", "witness", "co-plaintiff", "judge", "prosecutor", "counsel", "expert", "unknown")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str
    source: str  # "model" | "gazetteer" | "pattern" — how it was found
    gazetteer_id: str | None = None  # id from corpora/resources when a known facility/organisation
    role: str = "unknown"
    role_cue: str | None = None  # the words that justify the role ("der Zeuge"), never a role without one
    role_cue_start: int | None = None
    role_confidence: float = 0.0
    title: str | None = None  # rank or honorific before a person's name ("Oberst"), not part of the name

    def __deepcopy__(self, memo) -> "Mention":
        # Immutable, so a copy may be the same object; Haystack deep-copies every component input,
        # and copying thousands of mentions field by field cost seconds per indexing batch.
        return self

    def overlaps(self, other: "Mention") -> bool:
        return self.start < other.end and other.start < self.end
