"""The `document` stage: a corpus document becomes a ckg:Document node in its own graph."""

from __future__ import annotations

from kg import iris
from kg.entities import new_entity_triples
from kg.provenance import document_triples
from kg.stages import Additions, DocumentState, stage


@stage("document", provides={"document", "publisher"})
def describe_document(state: DocumentState) -> Additions:
    """Describe the document: title, publisher, date, address, body and its sha256."""
    document, registry = state.document, state.registry
    publisher = None
    triples = []
    if document.publisher is not None:
        known = registry.find(document.publisher, frozenset({"NewsOrganization"}))
        if known is not None:
            publisher = iris.entity(known.key)
        else:
            publisher = iris.new_entity(document.publisher)
            triples += new_entity_triples(publisher, "NewsOrganization", document.publisher)
    triples += document_triples(document, publisher)
    return Additions(triples, {"document": iris.document(document.key), "publisher": publisher})
