"""Reconciling events across documents: one event, many sources (after extraction, before writing).

Each document's events are minted from what that document says about them (class and roles),
so two sources naming the same meeting with different detail ("Putin meets Pashinian" and
"Putin and Pashinyan met in Moscow") give two nodes. Here, events of one class are merged when
the roles of one are all among the roles of the other, they share a participant, force or
agent, their dates (where both have one) lie within TOLERANCE days of each other, and the
smaller matches no other candidate (an ambiguous match merges nothing). The merged node is
the cluster's registry event if it has one (its label is the registry's), else its smallest
IRI, and every graph takes the fullest label; each document keeps its own date, status and
evidence in its own graph (one date and one status per event: merged within one document,
the kept event keeps its own), so where sources differ (May 8 and May 9) the difference stays
a query away.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg import iris
from kg.registry import ROLES  # an event's roles, as the registry gives them
from kg.vocab import CKG

MERGED_CLASSES = ("Meeting", "MilitaryOperation", "Deployment", "Withdrawal", "Reinforcement",
                  "Capture", "MembershipChange")
SHARED = ("participant", "force", "agent")  # at least one of these must be shared
TOLERANCE = dt.timedelta(days=7)
# Properties of which an event has one value per document's graph, with those that go with
# each: a date and its bounds come together, so a kept date keeps its own bounds.
_DATE = {CKG.date, CKG.earliest, CKG.latest}
ONE_PER_DOCUMENT = {CKG.status: {CKG.status}, CKG.date: _DATE, CKG.earliest: _DATE,
                    CKG.latest: _DATE}


@dataclass
class Sighting:
    """All that the documents say of one event node: roles, date bounds, labels."""

    node: URIRef
    roles: set[tuple[str, URIRef]] = field(default_factory=set)
    spans: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    labels: set[Literal] = field(default_factory=set)


def reconcile_events(graphs: list[Graph]) -> dict[URIRef, URIRef]:
    """Merge the same event told by several documents; returns old node -> kept node."""
    merged: dict[URIRef, URIRef] = {}
    for class_name in MERGED_CLASSES:
        sightings = _sightings(graphs, CKG[class_name])
        merged.update(_clusters(sightings))
    if merged:
        _rewrite(graphs, merged, _labels(graphs, merged))
    return merged


def _sightings(graphs: list[Graph], cls: URIRef) -> dict[URIRef, Sighting]:
    found: dict[URIRef, Sighting] = {}
    for graph in graphs:
        for node in graph.subjects(RDF.type, cls):
            sighting = found.setdefault(node, Sighting(node))
            sighting.roles |= {(role, value) for role in ROLES
                               for value in graph.objects(node, CKG[role])}
            earliest, latest = graph.value(node, CKG.earliest), graph.value(node, CKG.latest)
            if earliest is not None and latest is not None:
                sighting.spans.append((earliest.toPython(), latest.toPython()))
            sighting.labels |= set(graph.objects(node, RDFS.label))
    return found


def _clusters(sightings: dict[URIRef, Sighting]) -> dict[URIRef, URIRef]:
    # Only events sharing a participant, force or agent can merge: index them by those.
    sharing: dict[tuple[str, URIRef], list[Sighting]] = defaultdict(list)
    for sighting in sightings.values():
        for role, value in sighting.roles:
            if role in SHARED:
                sharing[(role, value)].append(sighting)
    partners: dict[URIRef, list[URIRef]] = defaultdict(list)
    for small in sightings.values():
        candidates = {large.node: large for pair in small.roles for large in sharing.get(pair, [])}
        for large in candidates.values():
            if small.node != large.node and _contained(small, large):
                partners[small.node].append(large.node)
    parent: dict[URIRef, URIRef] = {}

    def root(node: URIRef) -> URIRef:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for small, larges in partners.items():
        unique = {root(large) for large in larges}
        if len(unique) == 1:  # an ambiguous match merges nothing
            a, b = sorted((root(small), unique.pop()), key=_kept_first)
            if a != b:
                parent[b] = a
    return {node: root(node) for node in sightings if root(node) != node}


def _kept_first(node: URIRef) -> tuple[bool, str]:
    """Sort key: a registry event before minted ones, then by IRI."""
    return iris.is_minted_event(node), str(node)


def _contained(small: Sighting, large: Sighting) -> bool:
    """Small says nothing large contradicts: roles a subset, a shared actor, dates close."""
    if not small.roles or not small.roles <= large.roles or small.roles == large.roles:
        return False
    if not any(role in SHARED for role, _ in small.roles):
        return False
    return all(_close(a, b) for a in small.spans for b in large.spans)


def _close(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] - TOLERANCE <= b[1] and b[0] - TOLERANCE <= a[1]


def _labels(graphs: list[Graph], merged: dict[URIRef, URIRef]) -> dict[URIRef, Literal]:
    """The fullest label of each kept node, over every node merged into it."""
    best: dict[URIRef, Literal] = {}
    for graph in graphs:
        for node, label in graph.subject_objects(RDFS.label):
            kept = merged.get(node, node)
            if not iris.is_minted_event(kept):
                continue  # a registry event is labelled in the registry's graph
            if kept in merged.values() and len(label) > len(best.get(kept, "")):
                best[kept] = label
    return best


def _rewrite(graphs: list[Graph], merged: dict[URIRef, URIRef],
             labels: dict[URIRef, Literal]) -> None:
    for graph in graphs:
        for old, new in merged.items():
            # what the kept node already has in this graph stays: one status and one date
            # per event and document
            held = {p for p in ONE_PER_DOCUMENT if (new, p, None) in graph}
            for p, o in list(graph.predicate_objects(old)):
                graph.remove((old, p, o))
                if held & ONE_PER_DOCUMENT.get(p, set()):
                    continue
                if p != RDFS.label or iris.is_minted_event(new):
                    graph.add((new, p, o))
            for s, p in list(graph.subject_predicates(old)):
                graph.remove((s, p, old))
                graph.add((s, p, new))
        for node, label in labels.items():
            if (node, RDFS.label, None) in graph:
                graph.set((node, RDFS.label, label))
