"""`kg push`: the built dataset into a remote SPARQL store, graph by graph, resumably.

Each named graph is sent with the Graph Store HTTP Protocol: the first batch of a graph by PUT
(replacing what the store held under that name), later batches of a large graph by POST; or,
where the store is opened `via_update`, with SPARQL Update (DROP and INSERT), small graphs
several to a request up to BATCH triples, which saves a round trip and a commit per graph. A
progress file in the build folder records each graph sent with the hash of its triples, so an
interrupted push resumes where it stopped and a repeated push sends only what changed. The push
ends by comparing the store's triple count per graph with the dataset's.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.rdf import rdf_format, syntax_error
from kg.store.base import select
from kg.store.remote import RemoteStore

BATCH = 50_000  # triples per request: large graphs go in several requests
DEFAULT = ""  # the default graph's key in the tables below


@dataclass
class PushReport:
    sent: dict[str, int] = field(default_factory=dict)  # graph: triples sent now
    skipped: dict[str, int] = field(default_factory=dict)  # graph: triples already there
    deleted: list[str] = field(default_factory=list)  # graphs pushed before, now gone
    progress_file: Path | None = None

    @property
    def triples(self) -> int:
        return sum(self.sent.values()) + sum(self.skipped.values())


def read_graphs(path: Path) -> dict[str, list[ox.Triple]]:
    """The dataset's triples per graph IRI (DEFAULT for the default graph), each once."""
    graphs: dict[str, dict[ox.Triple, None]] = defaultdict(dict)
    try:
        for quad in ox.parse(path=str(path), format=rdf_format(path)):
            name = DEFAULT if isinstance(quad.graph_name, ox.DefaultGraph) else \
                quad.graph_name.value
            graphs[name][quad.triple] = None  # a file may repeat a quad; a store keeps one
    except SyntaxError as error:
        raise syntax_error(error, path) from None
    return {name: list(triples) for name, triples in graphs.items()}


def progress_file_for(store: RemoteStore, folder: Path) -> Path:
    """Where the pushes to one store are remembered (one file per URL graphs are sent to)."""
    return folder / f"pushed-{hashlib.sha256(store.writes_to.encode()).hexdigest()[:12]}.json"


def push_dataset(path: Path, store: RemoteStore, progress_file: Path,
                 on_graph: Callable[[int], None] = lambda total: None
                 ) -> PushReport:
    """Send every graph of a dataset file to the store; raises KgError if counts differ.

    Graphs pushed before (per `progress_file`) and gone from the dataset are deleted.
    `on_graph(graphs in the dataset)` is called once per graph, when it is found unchanged or
    once it is sent.
    """
    done: dict[str, str] = json.loads(progress_file.read_text()) if progress_file.is_file() \
        else {}
    report = PushReport(progress_file=progress_file)
    graphs = read_graphs(path)
    for name in sorted(set(done) - set(graphs)):
        store.delete_graph(name or None)
        del done[name]
        remember(done, progress_file)
        report.deleted.append(name)
    changed: list[Changed] = []
    for name, triples in sorted(graphs.items()):
        body = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
        digest = hashlib.sha256(body).hexdigest()
        if done.get(name) == digest:
            report.skipped[name] = len(triples)
            on_graph(len(graphs))
        else:
            changed.append(Changed(name, triples, digest))
    for group in requests_of(changed, together=store.via_update):
        if len(group) == 1:
            send_graph(store, group[0])
        else:
            store.put_graphs({graph.name or None: ox.serialize(
                graph.triples, format=ox.RdfFormat.N_TRIPLES) for graph in group})
        for graph in group:
            done[graph.name] = graph.digest
            report.sent[graph.name] = len(graph.triples)
            on_graph(len(graphs))
        remember(done, progress_file)
    check_counts(store, {name: len(triples) for name, triples in graphs.items()}, progress_file)
    return report


@dataclass(frozen=True)
class Changed:
    """A graph to send: its name (DEFAULT for the default graph), triples and their hash."""

    name: str
    triples: list[ox.Triple]
    digest: str


def requests_of(changed: list[Changed], together: bool) -> Iterator[list[Changed]]:
    """The graphs each request sends: one by one, or (`together`, where a store takes several
    graphs in one request) small graphs together up to BATCH triples."""
    group: list[Changed] = []
    for graph in changed:
        if group and (not together or
                      sum(len(g.triples) for g in group) + len(graph.triples) > BATCH):
            yield group
            group = []
        group.append(graph)
    if group:
        yield group


def send_graph(store: RemoteStore, graph: Changed) -> None:
    """One graph, replacing the store's: a large one in several requests of BATCH triples."""
    for start in range(0, len(graph.triples), BATCH):
        batch = ox.serialize(graph.triples[start:start + BATCH], format=ox.RdfFormat.N_TRIPLES)
        send = store.put_graph if start == 0 else store.post_graph
        send(graph.name or None, batch, "application/n-triples")


def remember(done: dict[str, str], progress_file: Path) -> None:
    """Write the progress file whole or not at all (a push stopped mid-write can resume)."""
    progress_file.parent.mkdir(parents=True, exist_ok=True)
    staged = progress_file.with_suffix(".tmp")
    staged.write_text(json.dumps(done, indent=0, sort_keys=True))
    staged.replace(progress_file)


def check_counts(store: RemoteStore, expected: dict[str, int], progress_file: Path) -> None:
    """Raise KgError naming each graph whose triple count in the store differs."""
    held = {row["g"]["value"]: int(row["n"]["value"]) for row in select(
        store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    wrong = [f"<{name}>: {held.get(name, 0)} in the store, {count} in the dataset"
             for name, count in sorted(expected.items())
             if name != DEFAULT and held.get(name, 0) != count]
    if wrong:
        raise KgError("the store does not hold what was pushed (blank nodes shared between "
                      "graphs are one cause; a store emptied or written to by others since "
                      f"the last push another: delete {progress_file} to send everything "
                      "again):\n  " + "\n  ".join(wrong[:20]))
