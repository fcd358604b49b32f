"""Export entities and mentions: FollowTheMoney (for Aleph / OpenSanctions tools), JSON and CSV.

FtM entities are built and validated with the `followthemoney` library's own model, so anything
written here loads into FtM tooling: Person / Organization (facilities are organisations with a
`Facility` note), Address (places), Document, CourtCase, CourtCaseParty and Mention.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from pipelines import crossref
from pipelines.stores.record import RecordStore

_SCHEMA = {"PERSON": "Person", "ORGANIZATION": "Organization", "FACILITY": "Organization", "LOCATION": "Address"}
_PARTY_ROLES = {"accused": "Accused", "victim": "Victim", "witness": "Witness", "co-plaintiff": "Co-plaintiff",
                "judge": "Judge", "prosecutor": "Prosecutor", "counsel": "Counsel", "expert": "Expert"}


def _rows(records: RecordStore):
    crossref.ensure_schema(records)
    return records.query(
        "SELECT m.passage_id, m.doc_id, m.start, m.\"end\", m.text, m.label, m.role, m.role_cue, m.role_confidence,"
        " em.entity_id, e.canonical, p.page, p.paragraph, p.lang, d.filename, d.title, d.court, d.case_number, d.date, d.doc_type"
        " FROM mentions m JOIN entity_members em ON em.entity_key = m.entity_key JOIN entities e ON e.entity_id = em.entity_id"
        " JOIN passages p ON p.passage_id = m.passage_id JOIN documents d ON d.doc_id = m.doc_id"
        " ORDER BY e.entity_id, d.filename, p.seq, m.start"
    )


def mention_records(records: RecordStore) -> list[dict]:
    """One flat record per mention: the JSON and CSV export rows."""
    from ingest.model import LegalMeta
    from pipelines.citations import citation_style, format_citation

    out = []
    for r in _rows(records):
        meta = LegalMeta(r["court"], r["case_number"], r["date"], r["doc_type"], r["title"])
        out.append({
            "entity_id": r["entity_id"], "entity_name": r["canonical"], "entity_type": r["label"].lower(),
            "mention": r["text"], "role": r["role"], "role_cue": r["role_cue"], "role_confidence": r["role_confidence"],
            "doc_id": r["doc_id"], "filename": r["filename"], "page": r["page"], "paragraph": r["paragraph"],
            "passage_id": r["passage_id"], "start": r["start"], "end": r["end"], "lang": r["lang"],
            "citation": format_citation(meta, r["filename"], r["page"], r["paragraph"], citation_style(r["lang"])).text,
        })
    return out


def to_json(records: RecordStore) -> str:
    return json.dumps(mention_records(records), ensure_ascii=False, indent=2)


def to_csv(records: RecordStore) -> str:
    rows = mention_records(records)
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def ftm_entities(records: RecordStore) -> Iterator[dict]:
    """FollowTheMoney entities as dicts, each validated by the FtM model."""
    from followthemoney import model

    made: dict[str, object] = {}

    def make(schema: str, *key_parts: str, **props):
        proxy = model.make_entity(schema)
        proxy.make_id("dalil", *key_parts)
        for prop, values in props.items():
            for value in values if isinstance(values, list) else [values]:
                if value not in (None, ""):
                    proxy.add(prop, value)
        if proxy.id not in made:
            made[proxy.id] = proxy
        return made[proxy.id]

    cases: dict[str, object] = {}
    documents: dict[str, object] = {}
    entities: dict[str, object] = {}
    parties: set[tuple[str, str, str]] = set()
    mentions = []
    for r in _rows(records):
        if r["doc_id"] not in documents:
            documents[r["doc_id"]] = make("Document", "doc", r["doc_id"], fileName=r["filename"], title=r["title"] or r["filename"],
                                          date=r["date"], contentHash=r["doc_id"])
        if r["case_number"] and r["case_number"] not in cases:
            cases[r["case_number"]] = make("CourtCase", "case", r["case_number"], name=f"{r['court'] or ''} {r['case_number']}".strip(),
                                           caseNumber=r["case_number"], court=r["court"])
        if r["entity_id"] not in entities:
            schema = _SCHEMA.get(r["label"], "LegalEntity")
            props = {"full": r["canonical"]} if schema == "Address" else {"name": r["canonical"]}
            if r["label"] == "FACILITY":
                props["description"] = "Facility (detention site or branch)"
            entities[r["entity_id"]] = make(schema, "entity", r["entity_id"], **props)
        entity = entities[r["entity_id"]]
        if schema_of(entity) != "Address" and r["text"] != r["canonical"]:
            entity.add("alias", r["text"])
        if r["case_number"] and r["role"] in _PARTY_ROLES and schema_of(entity) in ("Person", "Organization"):
            key = (r["entity_id"], r["case_number"], r["role"])
            if key not in parties:
                parties.add(key)
                make("CourtCaseParty", "party", *key, party=entity.id, case=cases[r["case_number"]].id, role=_PARTY_ROLES[r["role"]])
        mention = make("Mention", "mention", r["passage_id"], str(r["start"]), resolved=entity.id, document=documents[r["doc_id"]].id,
                       name=r["text"], detectedSchema=schema_of(entity), contextCountry="sy")
        mentions.append(mention)
    for proxy in made.values():
        data = proxy.to_dict()
        model.get_proxy(data, cleaned=False)  # raises if the FtM model rejects it
        yield data


def schema_of(proxy) -> str:
    return proxy.schema.name


def to_ftm(records: RecordStore) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ftm_entities(records))
