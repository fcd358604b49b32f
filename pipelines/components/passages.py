"""Haystack component: stored documents → one Haystack Document per passage, with its metadata."""

from __future__ import annotations

from haystack import Document, component

from ingest.model import LegalMeta, Passage


@component
class PassagesToDocuments:
    """Turns passages plus their document's legal metadata into indexable Haystack Documents."""

    @component.output_types(documents=list[Document])
    def run(self, passages: list[Passage], metas: dict[str, LegalMeta], collections: dict[str, str]) -> dict[str, list[Document]]:
        documents = []
        for passage in passages:
            meta = metas.get(passage.doc_id) or LegalMeta()
            documents.append(
                Document(
                    id=passage.passage_id,
                    content=passage.text,
                    meta={
                        "doc_id": passage.doc_id,
                        "lang": passage.lang,
                        "page": passage.page,
                        "seq": passage.seq,
                        "paragraph": passage.paragraph,
                        "court": meta.court,
                        "case_number": meta.case_number,
                        "doc_type": meta.doc_type,
                        "date": meta.date,
                        "collection": collections.get(passage.doc_id, "default"),
                    },
                )
            )
        return {"documents": documents}
