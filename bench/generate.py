"""Synthetic data in the contract's shape, of a chosen size, the same for the same seed.

Usage: .venv/bin/python bench/generate.py --triples 1000000 --seed 1 --output big.nq

It writes what `kg build` writes, at any size: the ontology graph, the registry graph (the
project's own actors, forces, places and news organizations, with their Wikidata links), and
documents until the target is reached, each in a named graph of its own that
`prov:wasDerivedFrom` it. A document's body is one sentence per fact; each fact (a deployment,
withdrawal or reinforcement with agent, force and place, a meeting with its participants, or a
statement) carries Evidence quoting its sentence at its offsets, a confidence and the
generating activity. Events are named by kg/iris.py from their class and roles, so as in the
real graph many documents report one event; an event's date and status follow from its IRI,
so every report agrees. Triples come from the pipeline's own writers (kg/provenance.py,
kg/entities.py, kg/literals.py), so the output passes `kg validate`. TriG (.trig) or N-Quads
(.nq) by the output's suffix; the graphs are written one by one, so memory stays small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import RDF, RDFS, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's own modules

from kg import iris, paths  # noqa: E402
from kg.corpus import Document  # noqa: E402
from kg.entities import entity_triples  # noqa: E402
from kg.extract.dates import DateMention  # noqa: E402
from kg.literals import date_triples  # noqa: E402
from kg.provenance import Triple, activity_triples, document_triples, evidence_triples  # noqa: E402
from kg.rdf import to_oxigraph  # noqa: E402
from kg.registry import Entity, read_registry  # noqa: E402
from kg.vocab import CKG  # noqa: E402

FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
ACTIVITY = iris.activity("synthetic-generator", "1")
FIRST_DAY = dt.date(2021, 1, 1)
DAYS = 4 * 365
MOVES = {"Deployment": "deployed", "Withdrawal": "withdrew", "Reinforcement": "reinforced"}
STATUSES = (CKG.Planned, CKG.Ongoing, CKG.Completed)
# Registry types each role draws from (the registry's named events and agreements need
# curated evidence from the real corpus, so they are left out).
ROLE_TYPES = {
    "agent": {"State"},
    "force": {"MilitaryForce", "BorderGuardForce", "PeacekeepingForce"},
    "location": {"AdministrativeRegion", "Settlement", "Territory", "Facility", "Place"},
    "person": {"Person"},
    "publisher": {"NewsOrganization"},
}


@dataclass
class Pools:
    """The registry entities each role is drawn from, in key order (for determinism)."""

    entities: dict[str, list[Entity]]

    @classmethod
    def from_registry(cls) -> Pools:
        registry = read_registry(paths.REGISTRY_FILE)
        return cls({role: sorted((e for e in registry.entities.values() if e.type in types),
                                 key=lambda e: e.key)
                    for role, types in ROLE_TYPES.items()})

    def pick(self, role: str, rng: random.Random) -> Entity:
        return rng.choice(self.entities[role])

    def used(self) -> list[Entity]:
        return [entity for pool in self.entities.values() for entity in pool]

    @cached_property
    def labels(self) -> dict[str, str]:
        return {entity.key: entity.label for entity in self.used()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="how many, at least")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True, help="a .trig or .nq file")
    options = parser.parse_args()
    if options.output.suffix not in FORMATS:
        parser.error(f"--output must end in {' or '.join(FORMATS)}")
    written = generate(options.triples, options.seed, options.output)
    print(f"{written} triples in {options.output}", file=sys.stderr)


def generate(target: int, seed: int, output: Path) -> int:
    """Write at least `target` triples to `output`; returns how many were written.

    A half-written file is removed if writing fails.
    """
    pools = Pools.from_registry()
    rng = random.Random(seed)
    written = 0
    try:
        with output.open("wb") as file:
            written += write_graph(file, output, iris.ONTOLOGY_GRAPH, ontology_triples())
            registry = [t for entity in pools.used() for t in entity_triples(entity)]
            written += write_graph(file, output, iris.REGISTRY_GRAPH, map(as_oxigraph, registry))
            number = 0
            while written < target:
                key = f"synthetic-{seed}-{number:07d}"
                written += write_graph(file, output, iris.document_graph(key),
                                       map(as_oxigraph, document_graph(key, pools, rng)))
                number += 1
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return written


def write_graph(file: BinaryIO, output: Path, graph: URIRef, triples: Iterator[ox.Triple] |
                list[ox.Triple]) -> int:
    name = ox.NamedNode(str(graph))
    # A graph is a set: an event told twice in one document is written once.
    quads = list(dict.fromkeys(ox.Quad(t.subject, t.predicate, t.object, name)
                               for t in triples))
    file.write(ox.serialize(quads, format=FORMATS[output.suffix]))
    return len(quads)


def ontology_triples() -> list[ox.Triple]:
    """The ontology, its blank nodes named in order (pyoxigraph names them at random)."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def fixed(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"o{len(names)}"))
        return term

    return [ox.Triple(fixed(q.subject), q.predicate, fixed(q.object))
            for q in ox.parse(path=str(paths.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]


def as_oxigraph(triple: Triple) -> ox.Triple:
    subject, predicate, value = (to_oxigraph(term) for term in triple)
    return ox.Triple(subject, predicate, value)  # type: ignore[arg-type]


@dataclass
class Body:
    """A document body written sentence by sentence; each sentence's span is kept."""

    text: str = ""

    def add(self, sentence: str) -> tuple[int, int]:
        if self.text:
            self.text += " "
        start = len(self.text)
        self.text += sentence
        return start, len(self.text)


def document_graph(key: str, pools: Pools, rng: random.Random) -> list[Triple]:
    """One document's triples: its Document node, its facts and their evidence."""
    published = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    body = Body()
    facts: list[tuple[URIRef, list[Triple], tuple[int, int]]] = []
    for _ in range(rng.randint(3, 7)):
        kind = rng.choice([*MOVES, "Meeting"])
        if kind == "Meeting":
            first, second, place = (pools.pick(role, rng) for role in ("person", "person",
                                                                       "location"))
            roles = {"participant": sorted({first.key, second.key}), "location": [place.key]}
            sentence = f"{first.label} met {second.label} in {place.label}"
        else:
            agent, force, place = (pools.pick(role, rng) for role in ("agent", "force",
                                                                      "location"))
            roles = {"agent": [agent.key], "force": [force.key], "location": [place.key]}
            sentence = f"{agent.label} {MOVES[kind]} {force.label} in {place.label}"
        node = iris.event(kind, {role: [iris.entity(k) for k in keys]
                                 for role, keys in roles.items()})
        day = event_day(node)
        span = body.add(f"{sentence} on {day:%B} {day.day}, {day.year}.")
        label = f"{kind}: " + "; ".join(pools.labels[k] for keys in roles.values() for k in keys)
        facts.append((node, event_triples(node, kind, label, roles, day), span))
    speaker, words = pools.pick("person", rng), rng.choice(PHRASES)
    span = body.add(f"{speaker.label} said: “{words}”")
    statement = iris.statement(key, *span)
    facts.append((statement, [(statement, RDF.type, CKG.Statement),
                              (statement, RDFS.label, Literal(f"{speaker.label}: “{words}”",
                                                              lang="en")),
                              (statement, CKG.speaker, iris.entity(speaker.key)),
                              (statement, CKG.quote, Literal(words)),
                              (statement, CKG.about, facts[0][0])], span))
    document = Document(key=key, path=Path(f"{key}.txt"), title=f"Report {key}",
                        source=f"https://example.org/news/{key}", publisher=None,
                        published=published, note=None, body=body.text, body_line=1)
    triples = document_triples(document, iris.entity(pools.pick("publisher", rng).key))
    triples += activity_triples(ACTIVITY, "caucasus-kg synthetic data generator 1")
    for node, described, (start, end) in facts:
        triples += described
        triples += evidence_triples(document, start, end, node, ACTIVITY,
                                    rng.choice((0.75, 0.9)))
    return triples


def event_triples(node: URIRef, kind: str, label: str, roles: dict[str, list[str]],
                  day: dt.date) -> list[Triple]:
    """As the events stage writes them: class, label, roles, status and the day."""
    triples: list[Triple] = [
        (node, RDF.type, CKG[kind]),
        (node, RDFS.label, Literal(label, lang="en")),
        (node, CKG.status, STATUSES[int(str(node)[-4:], 16) % len(STATUSES)]),
    ]
    triples += [(node, CKG[role], iris.entity(key)) for role, keys in roles.items()
                for key in keys]
    text = day.isoformat()
    return triples + date_triples(node, DateMention(0, len(text), text, text, "date", day, day,
                                                    relative=False))


def event_day(node: URIRef) -> dt.date:
    """An event's day, from its IRI (a hash): every document reporting it gives the same."""
    return FIRST_DAY + dt.timedelta(days=int(str(node).rsplit("/", 1)[1], 16) % DAYS)


PHRASES = (
    "The parties agreed to continue consultations on the border.",
    "Our forces remain committed to the security of the region.",
    "The withdrawal will be completed within the agreed time frame.",
    "No decision has been taken on the future of the mission.",
    "We expect our partners to honour their obligations.",
)


if __name__ == "__main__":
    main()
