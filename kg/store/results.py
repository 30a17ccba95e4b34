"""Query answers as bytes: SPARQL results (JSON, XML, CSV, TSV) and RDF, cut at a row limit.

pyoxigraph serializes whole results only; to stop at the row limit and say so, solutions are
written here (the four W3C results formats), while booleans and triples use pyoxigraph's own
serializers. The media types below are the ones the endpoint offers. `write_answer` is where
every back-end's result becomes an `Answer`; a remote store's SPARQL JSON is read here too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.store.base import Answer, QueryOptions

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}

Row = list[Any]  # one solution: a term or None per variable, in the head's order


@dataclass
class Solutions:
    """A SELECT's solutions, from a store of any kind: variable names, then rows in order."""

    variables: list[str]
    rows: Iterable[Row]


def write_answer(result: bool | Solutions | Iterable[ox.Triple], options: QueryOptions,
                 version: str) -> Answer:
    """A query result serialized in the media type `options` ask for, cut at `max_rows`."""
    if isinstance(result, bool):
        return Answer("boolean", options.results_media,
                      serialize_boolean(result, options.results_media), 1, False, version)
    if isinstance(result, Solutions):
        rows, cut = first_rows(result.rows, options.max_rows)
        return Answer("solutions", options.results_media,
                      serialize_solutions(result.variables, rows, options.results_media),
                      len(rows), cut, version)
    triples, cut = first_rows(result, options.max_rows)
    return Answer("graph", options.graph_media, serialize_triples(triples, options.graph_media),
                  len(triples), cut, version)


def first_rows(items: Iterable[Any], limit: int | None) -> tuple[list[Any], bool]:
    """At most `limit` items, and whether there were more."""
    if limit is None:
        return list(items), False
    kept = list(islice(items, limit + 1))
    return kept[:limit], len(kept) > limit


def serialize_solutions(variables: list[str], rows: list[Row], media_type: str) -> bytes:
    """SELECT results in one of RESULTS_FORMATS."""
    writer = {"application/sparql-results+json": _json, "application/sparql-results+xml": _xml,
              "text/csv": _csv, "text/tab-separated-values": _tsv}[media_type]
    return writer(variables, rows).encode("utf-8")


def serialize_boolean(value: bool, media_type: str) -> bytes:
    # pyoxigraph makes a QueryBoolean only by running or reading a query: reading its JSON
    # lets its own writers serialize a boolean that came from elsewhere (a remote store).
    answer = ox.parse_query_results(json.dumps({"head": {}, "boolean": value}).encode(),
                                    format=ox.QueryResultsFormat.JSON)
    return answer.serialize(format=RESULTS_FORMATS[media_type])


def serialize_triples(triples: list[ox.Triple], media_type: str) -> bytes:
    return ox.serialize(triples, format=GRAPH_FORMATS[media_type])


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    literal: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        literal["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        literal["datatype"] = term.datatype.value
    return literal


def _json(variables: list[str], rows: list[Row]) -> str:
    bindings = [{name: _json_term(term) for name, term in zip(variables, row, strict=True)
                 if term is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":"))


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
                f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
                "</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return (f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}"
                "</literal>")
    return f"<literal>{escape(term.value)}</literal>"


def _xml(variables: list[str], rows: list[Row]) -> str:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    results = "".join(
        "<result>" + "".join(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                             for name, term in zip(variables, row, strict=True)
                             if term is not None) + "</result>"
        for row in rows)
    return ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv(variables: list[str], rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(term) for term in row] for row in rows)
    return out.getvalue()


def _tsv(variables: list[str], rows: list[Row]) -> str:
    # N-Triples syntax per term, which escapes tabs and newlines (SPARQL 1.1 CSV/TSV §3.2).
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    return "\n".join(lines) + "\n"


def solution_rows(solutions: ox.QuerySolutions, variables: list[str]) -> Iterator[Row]:
    """Each solution as a row of terms (None where unbound), in the order of `variables`."""
    for solution in solutions:
        yield [solution[name] for name in variables]


def read_json_solutions(body: bytes) -> bool | Solutions:
    """SPARQL 1.1 JSON results read leniently: the 2008 draft's "typed-literal" and any blank
    node label (Virtuoso writes `nodeID://b1`, which pyoxigraph's reader refuses) are taken."""
    document = json.loads(body)
    if "boolean" in document:
        return bool(document["boolean"])
    blanks: dict[str, ox.BlankNode] = {}
    variables = list(document["head"].get("vars", []))
    rows = [[_read_json_term(binding[name], blanks) if name in binding else None
             for name in variables] for binding in document["results"]["bindings"]]
    return Solutions(variables, rows)


def _read_json_term(term: dict[str, Any], blanks: dict[str, ox.BlankNode]) -> Any:
    kind = term["type"]
    if kind == "uri":
        return ox.NamedNode(term["value"])
    if kind == "bnode":
        return blanks.setdefault(term["value"], ox.BlankNode())
    if kind == "triple":
        value = term["value"]
        return ox.Triple(*(_read_json_term(value[part], blanks)
                           for part in ("subject", "predicate", "object")))
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])
