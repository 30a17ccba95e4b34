"""Dates as the graph stores them: `ckg:date` at its precision, bounded by earliest and latest."""

from __future__ import annotations

from rdflib import XSD, Literal, URIRef

from kg.extract.dates import DateMention
from kg.provenance import Triple
from kg.vocab import CKG


def date_triples(node: URIRef, date: DateMention) -> list[Triple]:
    """ckg:date (xsd:date, xsd:gYearMonth or xsd:gYear) with its xsd:date bounds."""
    return [
        (node, CKG.date, Literal(date.value, datatype=XSD[date.precision])),
        (node, CKG.earliest, Literal(date.earliest, datatype=XSD.date)),
        (node, CKG.latest, Literal(date.latest, datatype=XSD.date)),
    ]
