"""Writes through the endpoint: a change is made on a draft, checked by SHACL, then committed.

A SPARQL Update or a Graph Store request edits a private copy of the store; the graphs it
touched are validated with the project's shapes (kg.validate, per unit, as `kg validate` does)
and only a change without violations is published. A rejected change leaves the store as it
was and travels back as the findings, rendered the way `kg validate` renders them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef

from kg.errors import KgError
from kg.rdf import to_rdflib
from kg.store.base import Draft, WritableStore
from kg.validate import Context, validate_dataset
from kg.validate.findings import Finding, is_valid
from kg.validate.locate import Locator

log = logging.getLogger("caucasus_kg.changes")
_reading = threading.Lock()


def write_context(extensions: dict[str, Any]) -> Context:
    """The repository's shapes, ontology and registry, read at the first write (a few s)."""
    with _reading:
        if "kg_context" not in extensions:
            extensions["kg_context"] = Context.from_repository()
    return extensions["kg_context"]


class Rejected(KgError):
    """A change the shapes reject; the findings say why."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(f"the change breaks {len(findings)} rule(s) of the shapes")


@dataclass(frozen=True)
class Change:
    """What a write does to a draft, which graphs it may touch, and who makes it."""

    user: str
    note: str
    source: str  # the update text or uploaded body, for finding lines in messages
    graphs: frozenset[str]
    open_ended: bool  # may touch graphs beyond `graphs`: check every graph
    apply: Callable[[Draft], None]


def commit(store: WritableStore, context: Context, change: Change, journal: Path) -> str:
    """Apply, validate and publish a change; the new version, or Rejected with findings.

    Each accepted change is appended to `journal` (JSON lines: time, writer, version, note and
    the update or uploaded text), the record of who changed what since the build.
    """
    with store.change(change.note, user=change.user) as draft:
        change.apply(draft)
        findings = validate_draft(draft, change, context)
        if not is_valid(findings):
            log.info("change by %s rejected: %s", change.user, change.note)
            raise Rejected(findings)
    log.info("change by %s accepted as version %s: %s", change.user, store.version, change.note)
    with journal.open("a", encoding="utf-8") as output:
        output.write(json.dumps({
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": change.user,
            "version": store.version, "note": change.note, "text": change.source}) + "\n")
    return store.version


def validate_draft(draft: Draft, change: Change, context: Context) -> list[Finding]:
    """The shapes' findings on the graphs a change touched (every graph when open-ended)."""
    names = draft.graphs() if change.open_ended else change.graphs & draft.graphs()
    dataset = Dataset()
    for name in [*names, None]:
        graph = dataset.graph(URIRef(name)) if name else dataset.default_graph
        for quad in draft.quads(name):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
    return validate_dataset(dataset, context, Locator("request", change.source), reason=False)
