"""The stage registry: every pipeline stage registers here by name, built-ins like newcomers.

A stage declares what it `requires` and `provides`, takes a `DocumentState` and returns
`Additions`; only the builder writes them into the dataset. The stage's name and version become
the prov:Activity of the evidence it creates, so each fact names the code that made it. Stages
are found through the `caucasus_kg.stages` entry-point group (pyproject.toml lists ours).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from rdflib import URIRef

from kg import __version__, iris
from kg.corpus import Document
from kg.provenance import Triple
from kg.registry import Registry

ENTRY_POINT_GROUP = "caucasus_kg.stages"


@dataclass
class DocumentState:
    """What the stages know of one document so far; `provided` is keyed by the provides names."""

    document: Document
    registry: Registry
    activity: URIRef
    provided: dict[str, Any] = field(default_factory=dict)


@dataclass
class Additions:
    """What a stage adds: triples for the document's graph, values for later stages, and
    warnings about the document (logged with its path by the runner)."""

    triples: list[Triple] = field(default_factory=list)
    provided: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


StageFunction = Callable[..., Additions]


@dataclass(frozen=True)
class Stage:
    name: str
    version: str
    requires: frozenset[str]
    provides: frozenset[str]
    run: StageFunction
    description: str
    batch: bool = False  # run takes every state of a batch of documents, returns their Additions

    @property
    def activity(self) -> URIRef:
        return iris.activity(self.name, self.version)

    @property
    def label(self) -> str:
        return f"caucasus-kg stage {self.name} {self.version}"


STAGES: dict[str, Stage] = {}


def stage(name: str, *, requires: set[str] | frozenset[str] = frozenset(),
          provides: set[str] | frozenset[str] = frozenset(),
          version: str = __version__, batch: bool = False
          ) -> Callable[[StageFunction], StageFunction]:
    """Register a function `run(state, **settings) -> Additions` as the stage `name`.

    With `batch`, the function is `run(states, **settings) -> list[Additions]` and sees a
    batch of documents at once (a language model parses a batch much faster than one by one).
    """

    def register(function: StageFunction) -> StageFunction:
        if name in STAGES and STAGES[name].run is not function:
            raise ValueError(f"two stages are registered as {name!r}")
        summary = (function.__doc__ or name).strip().splitlines()[0]
        STAGES[name] = Stage(name, version, frozenset(requires), frozenset(provides),
                             function, summary, batch)
        return function

    return register


def load_stages() -> dict[str, Stage]:
    """Import every module that registers stages through the entry-point group."""
    for point in entry_points(group=ENTRY_POINT_GROUP):
        point.load()
    return STAGES
