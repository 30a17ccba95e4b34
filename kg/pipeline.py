"""The pipeline runner: reads config/pipeline.yaml, checks it, and runs its stages per document.

The plan is checked before the first document: an unknown stage, or a stage whose requirements
no earlier stage provides, stops the build with the gap named.
"""

from __future__ import annotations

import difflib
import gc
import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from kg.corpus import Document
from kg.errors import ConfigError
from kg.provenance import Triple, activity_triples
from kg.rdf import Converted, ntriples, read_ntriples, to_rdflib
from kg.registry import Registry
from kg.stages import Additions, DocumentState, Stage, load_stages

logger = logging.getLogger("kg.pipeline")
# Documents a batch stage sees at once: large enough for the parser's batching, small enough
# that a batch's parses fit in memory beside the graph.
BATCH = 64
# Batches each worker process gets, at least: smaller batches than BATCH unless the corpus is
# large, so that no worker idles long while another finishes the last batch (at 4 a worker,
# 1,000 documents went in batches of 64, and one core idled for up to a batch at the end).
WORKER_SHARES = 16


@dataclass(frozen=True)
class PlannedStage:
    stage: Stage
    settings: dict[str, Any] = field(default_factory=dict)


def read_plan(path: Path) -> list[PlannedStage]:
    """The stages of a pipeline file, in order, with requires/provides checked."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(f"not valid YAML: {error}", path,
                          mark.line + 1 if mark else None) from None
    entries = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError("expected a non-empty list under 'stages'", path)
    return plan([_entry(entry, path) for entry in entries], path)


def plan(entries: list[tuple[str, dict[str, Any]]], path: Path | None = None
         ) -> list[PlannedStage]:
    """Resolve stage names and check that each stage's requirements come before it."""
    known = load_stages()
    planned: list[PlannedStage] = []
    available: set[str] = set()
    for name, settings in entries:
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(known))}"
            raise ConfigError(f"unknown stage {name!r}; {hint}", path)
        stage = known[name]
        missing = stage.requires - available
        if missing:
            providers = sorted(s.name for s in known.values() if s.provides & missing)
            raise ConfigError(f"stage {name!r} requires {', '.join(sorted(missing))}, which no "
                              f"earlier stage provides (provided by: "
                              f"{', '.join(providers) or 'no registered stage'})", path)
        available |= stage.provides
        planned.append(PlannedStage(stage, settings))
    return planned


@dataclass(frozen=True)
class Extraction:
    """One document through the pipeline: the triples for its named graph (the activities
    that made them included) and the warnings its stages gave about it."""

    document: Document
    triples: list[Triple]
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_ntriples(cls, document: Document, data: bytes, warnings: list[str],
                      terms: Converted) -> Extraction:
        """An extraction whose triples come as N-Triples (from a worker or the extraction
        cache), read with the term memo `terms`; `ntriples` then gives those bytes back."""
        extraction = cls(document, read_ntriples(data, terms), warnings)  # type: ignore[arg-type]
        extraction.__dict__["ntriples"] = data  # cached_property's own slot: nothing to redo
        return extraction

    @cached_property
    def ntriples(self) -> bytes:
        """The triples as N-Triples."""
        return ntriples(self.triples)

    def log_warnings(self) -> None:
        for warning in self.warnings:
            logger.warning("%s: %s", self.document.path, warning)


def run_documents(stages: list[PlannedStage], documents: Sequence[Document],
                  registry: Registry) -> Iterator[Extraction]:
    """Run every stage on each document, BATCH documents at a time; yields each document's
    extraction (its warnings are the caller's to log)."""
    for first in range(0, len(documents), BATCH):
        batch = documents[first:first + BATCH]
        states = [DocumentState(document, registry, activity=stages[0].stage.activity)
                  for document in batch]
        extractions = [Extraction(document, []) for document in batch]
        for planned in stages:
            stage = planned.stage
            for state in states:
                state.activity = stage.activity
            if stage.batch:
                results = stage.run(states, **planned.settings)
            else:
                results = [stage.run(state, **planned.settings) for state in states]
            for state, additions, extraction in zip(states, results, extractions, strict=True):
                _take(stage, state, additions, extraction)
        yield from extractions


def in_one_process(planned: PlannedStage) -> PlannedStage:
    """The stage with its own `processes` setting at 1, where it has one (in a pool's worker,
    or wherever its CPU is to be counted in this process)."""
    if "processes" not in planned.settings:
        return planned
    return replace(planned, settings={**planned.settings, "processes": 1})


def run_in_workers(stages: list[PlannedStage], documents: Sequence[Document],
                   registry: Registry, workers: int) -> Iterator[Extraction]:
    """`run_documents` spread over `workers` processes, in document order, in batches of up
    to BATCH documents and at least WORKER_SHARES batches per worker. Workers are forked, so
    they share the plan and registry without copying; a stage's own `processes` setting is 1
    in them (a pool's worker may not start processes).
    """
    if workers <= 1 or len(documents) <= BATCH:
        yield from run_documents(stages, documents, registry)
        return
    alone = [in_one_process(planned) for planned in stages]
    size = min(BATCH, -(-len(documents) // (workers * WORKER_SHARES)))
    batches = [documents[first:first + size] for first in range(0, len(documents), size)]
    terms = Converted(to_rdflib)  # one term object for each thing the documents name
    context = multiprocessing.get_context("fork")
    frozen = gc.get_freeze_count() > 0  # a caller's own freeze (the loaded model) is kept
    try:
        with context.Pool(workers, initializer=_take_plan, initargs=(alone, registry)) as pool:
            for batch, results in zip(batches, pool.imap(_run_batch, batches), strict=True):
                for document, (data, warnings) in zip(batch, results, strict=True):
                    yield Extraction.from_ntriples(document, data, warnings, terms)
                    # What this process holds now (the documents so far, and the graphs the
                    # caller made of them) stays to the end: frozen, the collector no longer
                    # walks it all again at each full collection (0.8 s of the 7 s of CPU of
                    # a 200-article build's main process, 0.07 s frozen).
                    gc.freeze()
    finally:
        if not frozen:
            gc.unfreeze()


_plan: tuple[list[PlannedStage], Registry] | None = None  # a worker's plan and registry


def _take_plan(stages: list[PlannedStage], registry: Registry) -> None:
    global _plan
    _plan = (stages, registry)


def _run_batch(documents: Sequence[Document]) -> list[tuple[bytes, list[str]]]:
    """The triples (as N-Triples) and warnings of each document; the documents themselves are
    not sent back. N-Triples, not pickled rdflib terms: serialising here (in parallel) spares
    the main process unpickling every term (rdflib re-parses a typed literal's value) and
    serialising again for the extraction cache, while the workers wait."""
    assert _plan is not None, "the worker was started without a plan"
    return [(extraction.ntriples, extraction.warnings)
            for extraction in run_documents(_plan[0], documents, _plan[1])]


def run_document(stages: list[PlannedStage], document: Document, registry: Registry
                 ) -> list[Triple]:
    """Run every stage on one document, logging its warnings; the triples for its graph."""
    [extraction] = run_documents(stages, [document], registry)
    extraction.log_warnings()
    return extraction.triples


def _take(stage: Stage, state: DocumentState, additions: Additions,
          extraction: Extraction) -> None:
    """Check what a stage returned, hand its values on, keep its warnings and triples."""
    undeclared = set(additions.provided) - stage.provides
    if undeclared:
        raise RuntimeError(f"stage {stage.name!r} provided {sorted(undeclared)} "
                           "without declaring it")
    state.provided.update(additions.provided)
    extraction.warnings.extend(f"{warning} (stage {stage.name})"
                               for warning in additions.warnings)
    if additions.triples:
        extraction.triples.extend(additions.triples)
        extraction.triples.extend(activity_triples(stage.activity, stage.label))


def _entry(entry: Any, path: Path) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        settings = entry.get("settings") or {}
        if isinstance(settings, dict):
            return entry["name"], settings
    raise ConfigError(f"a stage entry is a name or {{name: ..., settings: {{...}}}}, "
                      f"found {entry!r}", path)
