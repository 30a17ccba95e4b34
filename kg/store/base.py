"""The store interface: small protocols, and a registry of back-ends keyed by URL scheme.

Back-ends declare abilities as attributes (`transactional`), which callers consult instead of
checking classes. `open_store` picks the back-end from a path (embedded) or a URL's scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from kg.errors import KgError


@runtime_checkable
class ReadableStore(Protocol):
    transactional: bool

    def query(self, sparql: str, timeout: float | None = None) -> Any:
        """Run a SPARQL query over the union of all named graphs."""

    def count(self) -> int:
        """The number of quads held."""


@runtime_checkable
class WritableStore(ReadableStore, Protocol):
    def load(self, path: Path, graph: str | None = None) -> None:
        """Load an RDF file (its own graphs, or all into `graph`)."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""


BACKENDS: dict[str, Callable[[str], ReadableStore]] = {}


def backend(scheme: str) -> Callable[[Callable[[str], ReadableStore]],
                                     Callable[[str], ReadableStore]]:
    """Register a back-end factory for locations of a scheme ('file' for paths)."""

    def register(factory: Callable[[str], ReadableStore]) -> Callable[[str], ReadableStore]:
        BACKENDS[scheme] = factory
        return factory

    return register


def open_store(location: str | Path) -> ReadableStore:
    """The store at a path (embedded) or URL; an unknown scheme lists the known ones."""
    import kg.store.oxigraph  # noqa: F401  (registers the embedded back-end)

    text = str(location)
    scheme = text.split("://", 1)[0] if "://" in text else "file"
    if scheme not in BACKENDS:
        raise KgError(f"no store back-end for {scheme!r} locations; known: "
                      f"{', '.join(sorted(BACKENDS))}")
    return BACKENDS[scheme](text.removeprefix("file://"))
