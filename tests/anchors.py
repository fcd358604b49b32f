"""Search anchors of the sample corpus (corpora/sample_src/ANCHORS.md), parsed for tests."""

import re
from dataclasses import dataclass
from pathlib import Path

ANCHORS = Path(__file__).resolve().parent.parent / "corpora" / "sample_src" / "ANCHORS.md"


@dataclass(frozen=True)
class Anchor:
    filename: str
    query: str
    page: int
    paragraph: str | None


def load_anchors() -> list[Anchor]:
    anchors, current = [], None
    for line in ANCHORS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\S+\.\w+)\s*$", line)
        if heading:
            current = heading.group(1)
            continue
        row = re.match(r"^\| \d+ \| `([^`]+)` \| (\d+) \| ([^|]+) \|", line)
        if row and current:
            paragraph = row.group(3).strip()
            anchors.append(Anchor(current, row.group(1), int(row.group(2)), None if paragraph == "-" else paragraph))
    return anchors
