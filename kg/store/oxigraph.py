"""The embedded store: pyoxigraph on disk, the union of all named graphs as default graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.rdf import rdf_format
from kg.store.base import backend


class OxigraphStore:
    """A pyoxigraph store in a folder (created on first use)."""

    transactional = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._store = ox.Store(str(self.path))

    def query(self, sparql: str, timeout: float | None = None) -> Any:
        # pyoxigraph cannot cancel a running query; the endpoint runs queries where they can
        # be stopped (see the endpoint issue), so `timeout` is the caller's to enforce.
        return self._store.query(sparql, use_default_graph_as_union=True)

    def count(self) -> int:
        return len(self._store)

    def load(self, path: Path, graph: str | None = None) -> None:
        to_graph = ox.NamedNode(graph) if graph else None
        self._store.bulk_load(path=str(path), format=rdf_format(Path(path)), to_graph=to_graph)
        self._store.flush()

    def update(self, sparql: str) -> None:
        self._store.update(sparql)


@backend("file")
def open_embedded(location: str) -> OxigraphStore:
    return OxigraphStore(location)
