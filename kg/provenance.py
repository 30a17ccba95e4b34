"""Provenance as RDF: documents, the activities that produced facts, and quote-level Evidence.

Every assertion node (event, agreement, membership, statement, position held) points through
ckg:evidence to an Evidence whose quote is `document.body[charStart:charEnd]`, checked here
before a triple is written, so a wrong offset is a bug found at build time, not in SHACL later.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Literal, Node, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg import iris
from kg.corpus import Document
from kg.errors import InputError
from kg.vocab import CKG

Triple = tuple[Node, Node, Node]


def document_triples(document: Document, publisher: URIRef | None) -> list[Triple]:
    """The Document node and its graph's derivation, as the contract describes them."""
    node = iris.document(document.key)
    triples: list[Triple] = [
        (node, RDF.type, CKG.Document),
        (node, DCTERMS.title, Literal(document.title)),
        (node, CKG.text, Literal(document.body)),
        (node, CKG.sha256, Literal(document.sha256)),
        (iris.document_graph(document.key), PROV.wasDerivedFrom, node),
    ]
    if publisher is not None:
        triples.append((node, DCTERMS.publisher, publisher))
    if document.published is not None:
        triples.append((node, DCTERMS.issued, Literal(document.published, datatype=XSD.date)))
    if document.source is not None:
        triples.append((node, DCTERMS.source, URIRef(document.source)))
    if document.note is not None:
        triples.append((node, RDFS.comment, Literal(document.note, lang="en")))
    return triples


def activity_triples(activity: URIRef, label: str) -> list[Triple]:
    """The prov:Activity that generated some evidence: software (or curation) and version."""
    return [(activity, RDF.type, PROV.Activity), (activity, RDFS.label, Literal(label))]


def evidence_triples(document: Document, start: int, end: int, claim: URIRef,
                     activity: URIRef, confidence: float | Decimal,
                     attributed_to: URIRef | None = None) -> list[Triple]:
    """`claim ckg:evidence E` and E's description; offsets are characters into the body."""
    if not 0 <= start < end <= len(document.body):
        raise ValueError(f"span {start}:{end} is outside {document.key} "
                         f"(body of {len(document.body)} characters)")
    node = iris.evidence(document.key, start, end, claim)
    triples: list[Triple] = [
        (claim, CKG.evidence, node),
        (node, RDF.type, CKG.Evidence),
        (node, CKG.source, iris.document(document.key)),
        (node, CKG.quote, Literal(document.body[start:end])),
        (node, CKG.charStart, Literal(start)),
        (node, CKG.charEnd, Literal(end)),
        (node, PROV.wasGeneratedBy, activity),
        (node, CKG.confidence, Literal(Decimal(str(confidence)), datatype=XSD.decimal)),
    ]
    if attributed_to is not None:
        triples.append((node, CKG.attributedTo, attributed_to))
    return triples


def locate_quote(document: Document, quote: str) -> tuple[int, int]:
    """The character span of the first occurrence of `quote` in the body.

    Raises InputError when the words are not in the document, after trying the same words
    with the white space folded (a quote copied across a line break).
    """
    start = document.body.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, document.body)
    if match:
        return match.span()
    raise InputError(f"quote {quote!r} is not in the body of {document.key}; copy the exact "
                     "words, keeping quotation marks and apostrophes as they are", document.path)
