"""Parse the user's query string into a typed query. Pure; errors are `QuerySyntaxError` with advice.

Syntax:
  words                  any of the words (more matching words rank higher)
  "exact phrase"         the words in this order
  +word / word AND word  required
  -word / NOT word       excluded
  field:value            filter: court: case: lang: type: entity: role: collection: doc:
  date:2020..2021        date range (years or YYYY-MM-DD), either side may be empty
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.analysis import part_terms, query_variants, tokenize

FILTER_FIELDS = {
    "court": "court",
    "case": "case_number",
    "lang": "lang",
    "language": "lang",
    "type": "doc_type",
    "entity": "entity",
    "role": "role",
    "collection": "collection",
    "doc": "doc_id",
    "date": "date",
    "year": "date",
}


class QuerySyntaxError(ValueError):
    """A query that cannot be understood, with a message meant for the person who typed it."""


@dataclass(frozen=True)
class Clause:
    words: list[set[str]]  # analysed alternatives per word
    surface: str
    phrase: bool = False
    occur: str = "should"  # should | must | must_not
    boost: float = 1.0


@dataclass
class SearchQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    filters: list[dict] = field(default_factory=list)  # Haystack-style comparison dicts

    @property
    def terms(self) -> set[str]:
        """Every analysed term the query can match (expansions included), for highlighting."""
        return {t for c in self.clauses if c.occur != "must_not" for w in c.words for t in w}

    @property
    def is_precise(self) -> bool:
        """Phrases, required/excluded words and case numbers ask for exact matches, not similar meaning."""
        for clause in self.clauses:
            if clause.boost != 1.0:
                continue  # an expansion added by Dalil, not the user's own wording
            if clause.phrase and '"' in self.text or clause.occur != "should":
                return True
            if any(t.startswith(("case:", "ecli:")) for w in clause.words for t in w):
                return True
        return False

    @property
    def is_empty(self) -> bool:
        return not any(c.occur != "must_not" for c in self.clauses) and not self.filters


_CASE = r"\d{1,2}\s?[A-Z][A-Za-z]{0,3}\s?\d{1,5}/\d{2,4}"
# Case numbers contain spaces, so they are matched whole before the split on whitespace.
_PART = re.compile(
    rf'(?P<neg>[-+])?(?:(?P<field>[A-Za-z]+):(?P<fvalue>"[^"]*"|{_CASE}|\S+)|"(?P<phrase>[^"]*)"|(?P<case>{_CASE})|(?P<word>[^\s"]+))'
)


def _date_filter(value: str) -> list[dict]:
    if ".." in value:
        low, high = value.split("..", 1)
    else:
        low = high = value
    out = []
    for bound, op, pad in ((low, ">=", "0101"), (high, "<=", "1231")):
        bound = bound.strip()
        if not bound:
            continue
        digits = bound.replace("-", "")
        if not re.fullmatch(r"\d{4}(\d{2}(\d{2})?)?", digits):
            raise QuerySyntaxError(f"'{value}' is not a date range: write date:2020..2022 or date:2020-04-23..2021-02-24")
        if len(digits) == 6:
            digits += "01" if op == ">=" else "31"
        elif len(digits) == 4:
            digits += pad
        out.append({"field": "meta.date", "operator": op, "value": int(digits)})
    return out


def parse_query(text: str, extra_filters: list[dict] | None = None) -> SearchQuery:
    if text.count('"') % 2:
        raise QuerySyntaxError('A quotation mark is not closed: write phrases as "exact phrase".')
    if re.search(r"(?<![\w\"])[()]|[()](?![\w\"])", text):
        raise QuerySyntaxError("Brackets for grouping are not supported: use +word, -word, AND, OR, NOT and \"phrases\".")
    query = SearchQuery(text=text, filters=list(extra_filters or []))
    pending_op: str | None = None
    for match in _PART.finditer(text):
        neg, fname = match.group("neg"), match.group("field")
        word = match.group("word") or match.group("case")
        if word in ("AND", "OR", "NOT", "&&", "||"):
            if word in ("AND", "&&") and query.clauses and query.clauses[-1].occur == "should":
                last = query.clauses.pop()
                query.clauses.append(Clause(last.words, last.surface, last.phrase, "must", last.boost))
            pending_op = {"&&": "AND", "||": "OR"}.get(word, word)
            continue
        if fname:
            key = FILTER_FIELDS.get(fname.lower())
            value = match.group("fvalue").strip('"')
            if key is None:
                # "Art.7:" or "ECLI:DE:..." are not filters: treat them as words.
                word = match.group(0).lstrip("+-")
            elif not value:
                raise QuerySyntaxError(f"'{fname}:' needs a value, e.g. {fname}:{_EXAMPLES.get(key, 'value')}")
            elif key == "date":
                query.filters.extend(_date_filter(value))
                pending_op = None
                continue
            else:
                if key == "case_number":
                    from ingest.legal import normalize_case_number

                    value = normalize_case_number(value)
                condition = {"field": f"meta.{key}", "operator": "==", "value": value}
                if neg == "-" or pending_op == "NOT":
                    condition = {"operator": "NOT", "conditions": [condition]}
                query.filters.append(condition)
                pending_op = None
                continue
        occur = "should"
        if neg == "-" or pending_op == "NOT":
            occur = "must_not"
        elif neg == "+" or pending_op == "AND":
            occur = "must"
        phrase_text = match.group("phrase")
        source = phrase_text if phrase_text is not None else word
        tokens = tokenize(source or "")
        if not tokens:
            pending_op = None
            continue
        words = [query_variants(surface, kind) for surface, _, _, kind in tokens]
        is_phrase = phrase_text is not None and len(words) > 1
        if phrase_text is None and occur == "should" and len(tokens) == 1 and tokens[0][3] == "word":
            # A loose word also finds the parts of a German compound ("Asylanhörung" → Anhörung).
            words = [words[0] | set(part_terms(tokens[0][0]))]
        if is_phrase:
            query.clauses.append(Clause(words, source, True, occur))
        else:
            # A case number typed without quotes is one token already; other multi-token words
            # ("al-Khatib") become a phrase so their parts stay together.
            query.clauses.append(Clause(words, source, len(words) > 1, occur))
        pending_op = None
    if query.is_empty and not query.clauses:
        raise QuerySyntaxError("The query is empty: type some words, a \"phrase\" or a filter such as case:\"1 StE 9/19\".")
    return query


_EXAMPLES = {"court": '"OLG Koblenz"', "case_number": '"1 StE 9/19"', "lang": "de", "doc_type": "judgment", "role": "witness"}
