"""Terms in the ckg: namespace that the ontology does not define, with a "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from itertools import chain

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from kg.validate.findings import Finding, Kind
from kg.validate.locate import Locator
from kg.vocab import CKG

NAMESPACE = str(CKG._NS)


def defined_terms(ontology: Graph) -> set[URIRef]:
    """Every ckg: term the ontology declares (a class, property or individual)."""
    return {subject for subject in ontology.subjects(RDF.type, None)
            if isinstance(subject, URIRef) and str(subject).startswith(NAMESPACE)}


def check_terms(data: Iterable[tuple[Node, Node, Node]], defined: set[URIRef],
                locator: Locator) -> list[Finding]:
    """One finding per undefined ckg: term used anywhere in `data` (triples)."""
    # each distinct term once: a few thousand among the hundreds of thousands of uses
    used = {term for term in set(chain.from_iterable(data))
            if isinstance(term, URIRef) and term.startswith(NAMESPACE)}
    names = sorted(str(term)[len(NAMESPACE):] for term in defined)
    findings = []
    for term in sorted(used - defined):
        local = str(term)[len(NAMESPACE):]
        close = difflib.get_close_matches(local, names, n=1, cutoff=0.6)
        line, column = locator.find(term)
        findings.append(Finding(
            kind=Kind.TERM, file=locator.file, line=line, column=column,
            message=f"ckg:{local} is not defined in the ontology",
            hint=f"did you mean ckg:{close[0]}?" if close else
            "see ontology/caucasus-kg.ttl for the terms, or propose the new one there",
            value=f"ckg:{local}", rule="ontology/caucasus-kg.ttl"))
    return findings
