"""SHACL validation with pySHACL, one unit at a time, as `Finding`s.

pySHACL slows down sharply on large graphs, so the caller hands in one unit (a named graph or
a contributed file) with just the context it refers to, and the focus nodes to report on: the
subjects the unit itself states.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pyshacl
from rdflib import RDF, Graph, Node, plugin
from rdflib.namespace import SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Identifier

from kg.validate.findings import Finding, Kind, Severity
from kg.validate.locate import Locator


class CachingSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, keeping each parsed query.

    pySHACL hands rdflib the text of a SHACL-SPARQL constraint once per focus node, and rdflib
    parses it every time (20-60 ms a parse): with the quote check on every Evidence, parsing
    was most of the validation time. Registered as rdflib's "sparql" processor plugin below.
    """

    def query(self, strOrQuery: str | Query, initBindings: Mapping[str, Identifier] | None = None,
              initNs: Mapping[str, Any] | None = None, base: str | None = None,
              DEBUG: bool = False) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: frozenset) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


plugin.register("sparql", Processor, __name__, "CachingSPARQLProcessor")


Unit = tuple[Graph, set[Node]]  # the data graph (unit plus context) and its focus nodes
# Units below which a second process costs more than it saves (it starts by forking).
PARALLEL_FROM = 16
_pending: tuple[list[Unit], Graph, Locator] | None = None  # what forked workers read


def check_units(units: list[Unit], shapes: Graph, locator: Locator,
                workers: int = os.cpu_count() or 1) -> list[Finding]:
    """check_shapes on every unit, on all cores when there are enough units.

    Workers are forked, so they read the units from this process's memory instead of
    receiving pickled graphs; only their findings travel back.
    """
    if workers < 2 or len(units) < PARALLEL_FROM:
        return [f for data, focus in units for f in check_shapes(data, shapes, focus, locator)]
    global _pending
    _pending = (units, shapes, locator)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunks = pool.map(_check_pending, range(len(units)))
    finally:
        _pending = None
    return [finding for chunk in chunks for finding in chunk]


def _check_pending(index: int) -> list[Finding]:
    assert _pending is not None
    units, shapes, locator = _pending
    data, focus = units[index]
    return check_shapes(data, shapes, focus, locator)


def check_shapes(data: Graph, shapes: Graph, focus: Iterable[Node], locator: Locator
                 ) -> list[Finding]:
    """Validate `data` (unit plus context) against the shapes, reporting on `focus` nodes."""
    focus = set(focus)
    if not focus:
        return []
    # pySHACL's own focus_nodes option also filters the value nodes of nested shapes (sh:or,
    # sh:node), which then pass unchecked; so the whole (small) data graph is validated and
    # only the results on the unit's own nodes are kept. Warnings do not break conformance
    # (allow_warnings), so the report is read either way.
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True, inference="none")
    return [_finding(report, result, locator)
            for result in report.subjects(RDF.type, SH.ValidationResult)
            if report.value(result, SH.focusNode) in focus]


def _finding(report: Graph, result: Node, locator: Locator) -> Finding:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    rule = " ".join(locator.name(node) for node in (
        report.value(result, SH.sourceShape), report.value(result, SH.sourceConstraintComponent),
        report.value(result, SH.sourceConstraint)) if node is not None)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    severity = (Severity.ERROR if report.value(result, SH.resultSeverity) == SH.Violation
                else Severity.WARNING)
    line, column = locator.find(focus)
    return Finding(
        kind=Kind.SHACL, file=locator.file, line=line, column=column,
        message=messages[0] if messages else "SHACL constraint violated",
        severity=severity,
        focus_node=locator.name(focus) if focus is not None else None,
        path=locator.name(path) if path is not None else None,
        value=locator.name(value) if value is not None else None,
        rule=rule or None,
    )
