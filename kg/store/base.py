"""The store interface: small protocols, and a registry of back-ends keyed by URL scheme.

A query goes in as text with `QueryOptions` and comes back as an `Answer`: bytes already in the
media type the caller asked for. Answers are bytes so that a back-end may compute them in
another process (the embedded store does, to be able to kill an overrunning query) or on
another machine (a remote store), and so that the endpoint can cache and send them unchanged.

Back-ends declare abilities as attributes (`transactional`), which callers consult instead of
checking classes. `open_store` picks the back-end from a path (embedded) or a URL's scheme.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from kg.errors import KgError

SPARQL_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class QueryOptions:
    """How to run a query and what to answer with.

    `results_media` is used for SELECT and ASK, `graph_media` for CONSTRUCT and DESCRIBE (the
    caller does not know the form before the query is parsed). Empty `default_graphs` and
    `named_graphs` mean the store's own dataset: the union of all named graphs as the default
    graph, every named graph available to GRAPH (SPARQL 1.1 Protocol §2.1.4 otherwise).
    With `union_default_graph` off, the default graph is the store's own (Graph Store Protocol
    requests on `?default`). `max_rows` cuts solutions or triples beyond it; the answer
    says it was cut.
    """

    results_media: str = SPARQL_JSON
    graph_media: str = TURTLE
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int | None = None
    base_iri: str | None = None
    union_default_graph: bool = True  # False: the store's own default graph (Graph Store)

    def __post_init__(self) -> None:
        # A graph named twice in the default graph is still one (SPARQL 1.1 Query §13.1),
        # for every back-end: pyoxigraph and the remote stores would read its triples twice.
        object.__setattr__(self, "default_graphs", tuple(dict.fromkeys(self.default_graphs)))


ANSWER_JSON = QueryOptions()  # the default: SPARQL JSON results, Turtle graphs


@dataclass(frozen=True)
class Answer:
    """A query's result, serialized; `version` names the store state it was computed on."""

    form: Literal["solutions", "boolean", "graph"]
    media_type: str
    body: bytes
    rows: int
    truncated: bool
    version: str


@runtime_checkable
class ReadableStore(Protocol):
    transactional: bool
    union_is_a_set: bool  # the default graph holds each triple once, however many graphs do

    @property
    def version(self) -> str:
        """Names the store's current state; it changes with every committed change."""

    def query(self, sparql: str, timeout: float | None = None,
              options: QueryOptions = ANSWER_JSON) -> Answer:
        """Run a SPARQL query; raises QueryTimeout after `timeout` seconds, SyntaxError."""

    def count(self) -> int:
        """The number of quads held."""


@runtime_checkable
class Draft(Protocol):
    """A private copy of the store that a change is made on, then committed or dropped."""

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update on the draft."""

    def load(self, path: Path, graph: str | None = None) -> None:
        """Add an RDF file's quads (its own graphs, or all into `graph`)."""

    def add(self, data: bytes, media_type: str, graph: str | None, base_iri: str | None
            ) -> None:
        """Parse RDF sent as bytes of a media type into `graph` (None: the default graph)."""

    def clear(self, graph: str | None) -> bool:
        """Empty a named graph (removing it) or the default graph; whether it held anything."""

    def quads(self, graph: str | None) -> Iterator[Any]:
        """The quads of one named graph (None: the default graph)."""

    def graphs(self) -> set[str]:
        """The IRIs of the draft's named graphs."""


@runtime_checkable
class WritableStore(ReadableStore, Protocol):
    def load(self, path: Path, graph: str | None = None) -> None:
        """Load an RDF file (its own graphs, or all into `graph`) as one committed change."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update as one committed change."""

    def change(self, note: str = "", **extra: Any) -> AbstractContextManager[Draft]:
        """A draft committed when the block ends without error, dropped when it raises."""


class QueryTimeout(KgError):
    """The query ran past its time limit and was stopped."""


def select(store: ReadableStore, sparql: str, timeout: float | None = None
           ) -> list[dict[str, dict[str, str]]]:
    """The solutions of a SELECT as SPARQL 1.1 JSON bindings ({var: {type, value, ...}})."""
    answer = store.query(sparql, timeout, QueryOptions(results_media=SPARQL_JSON))
    return json.loads(answer.body)["results"]["bindings"]


Factory = Callable[..., ReadableStore]
BACKENDS: dict[str, Factory] = {}


def backend(scheme: str) -> Callable[[Factory], Factory]:
    """Register a back-end factory for locations of a scheme ('file' for paths)."""

    def register(factory: Factory) -> Factory:
        BACKENDS[scheme] = factory
        return factory

    return register


def open_store(location: str | Path, **options: Any) -> ReadableStore:
    """The store at a path (embedded) or URL; an unknown scheme lists the known ones.

    `options` go to the back-end's factory (e.g. `workers` for the embedded store).
    """
    # importing the back-ends registers them: the embedded one ('file'), http and https
    import kg.store.oxigraph
    import kg.store.remote  # noqa: F401

    text = str(location)
    scheme = text.split("://", 1)[0] if "://" in text else "file"
    if scheme not in BACKENDS:
        raise KgError(f"no store back-end for {scheme!r} locations; known: "
                      f"{', '.join(sorted(BACKENDS))}")
    return BACKENDS[scheme](text.removeprefix("file://"), **options)
