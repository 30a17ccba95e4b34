"""The embedded store: pyoxigraph on disk, in versions, queried by killable worker processes.

Layout of a store folder:

    versions/000007/       a RocksDB store, never written once published
    versions/000007.json   what made it: the change's note, its parent, the time, any extra
    current -> versions/000007

A change copies the current version (a RocksDB checkpoint: hard links, fast at any size) into a
draft, applies itself there, and is published by swapping the `current` link: readers see the
old version or the new one, never half of a change, and a failed or rejected change leaves
nothing behind. Queries run in a pool of worker processes that open published versions
read-only (pyoxigraph says a read-only store beside a writing process is undefined behaviour,
hence drafts are private copies) and are killed at their time limit.
"""

from __future__ import annotations

import fcntl
import gc
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.rdf import rdf_format, syntax_error
from kg.store.base import ANSWER_JSON, Answer, QueryOptions, QueryTimeout, backend
from kg.store.results import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    Solutions,
    solution_rows,
    write_answer,
)
from kg.store.workers import JobTimeout, WorkerPool

KEEP_VERSIONS = 3  # the current one and two before it, for queries still running on them
OWN_FIELDS = {"version", "parent", "note", "time", "user"}  # a version's own, never inherited


class OxigraphDraft:
    """A read-write copy of the store that one change is made on."""

    def __init__(self, path: Path) -> None:
        self._store: ox.Store | None = ox.Store(str(path))

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            raise KgError("this draft was already committed or dropped")
        return self._store

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        self.store.update(sparql, base_iri=base_iri)

    def load(self, path: Path, graph: str | None = None) -> None:
        to_graph = ox.NamedNode(graph) if graph else None
        try:
            self.store.bulk_load(path=str(path), format=rdf_format(Path(path)),
                                 to_graph=to_graph)
        except SyntaxError as error:
            raise syntax_error(error, path) from None

    def add(self, data: bytes, media_type: str, graph: str | None, base_iri: str | None
            ) -> None:
        if media_type not in GRAPH_FORMATS:
            raise KgError(f"cannot read RDF sent as {media_type}; send one of "
                          f"{', '.join(GRAPH_FORMATS)}")
        to_graph = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in
                               ox.parse(data, format=GRAPH_FORMATS[media_type],
                                        base_iri=base_iri))

    def clear(self, graph: str | None) -> bool:
        if graph is None:
            held = any(True for _ in self.quads(None))
            self.store.clear_graph(ox.DefaultGraph())
            return held
        name = ox.NamedNode(graph)
        held = self.store.contains_named_graph(name)
        if held:
            self.store.remove_graph(name)
        return held

    def quads(self, graph: str | None) -> Iterator[ox.Quad]:
        name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        return self.store.quads_for_pattern(None, None, None, name)

    def graphs(self) -> set[str]:
        return {graph.value for graph in self.store.named_graphs()
                if isinstance(graph, ox.NamedNode)}

    def close(self) -> None:
        """Write everything to disk and let go of the files (before readers open them)."""
        if self._store is not None:
            self._store.flush()
        self._store = None
        gc.collect()  # pyoxigraph closes RocksDB when the object is freed


class OxigraphStore:
    """A versioned pyoxigraph store in a folder (created on first use)."""

    transactional = True

    def __init__(self, path: str | Path, workers: int = 2) -> None:
        self.path = Path(path)
        (self.path / "versions").mkdir(parents=True, exist_ok=True)
        self._lock_file = (self.path / ".lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KgError(f"the store {self.path} is in use by another process (one server "
                          "per store folder)") from None
        self._writing = threading.Lock()
        self._workers = workers
        self._pool: WorkerPool | None = None
        link = self.path / "current"
        self._current = link.resolve().name if link.is_symlink() else ""

    @property
    def version(self) -> str:
        return self._current

    def info(self, version: str | None = None) -> dict[str, Any]:
        """What made a version (its note, parent, time and any extra fields)."""
        meta = self.path / "versions" / f"{version or self._current}.json"
        return json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}

    def query(self, sparql: str, timeout: float | None = None,
              options: QueryOptions = ANSWER_JSON) -> Answer:
        try:
            return self._run(run_query, (sparql, options), timeout)
        except JobTimeout as error:
            raise QueryTimeout(f"query {error}") from None

    def count(self) -> int:
        return self._run(count_quads, (), None)

    def _run(self, job: Callable[..., Any], args: tuple[Any, ...], timeout: float | None
             ) -> Any:
        """A job on the current version, in a worker process: job(folder, version, *args)."""
        version = self._current
        if not version:
            raise KgError(f"the store {self.path} is empty: load a build first")
        if self._pool is None:
            self._pool = WorkerPool(self._workers)
        folder = str(self.path / "versions" / version)
        return self._pool.run(job, (folder, version, *args), timeout)

    def load(self, path: Path, graph: str | None = None) -> None:
        with self.change(f"load {path}") as draft:
            draft.load(path, graph)

    def update(self, sparql: str) -> None:
        with self.change("update") as draft:
            draft.update(sparql)

    @contextmanager
    def change(self, note: str = "", *, empty: bool = False, **extra: Any
               ) -> Iterator[OxigraphDraft]:
        """A draft copied from the current version (or `empty`), published if the block ends."""
        with self._writing:
            version = self._next_version()
            folder = self.path / "versions" / version
            if self._current and not empty:
                ox.Store.read_only(str(self.path / "versions" / self._current)).backup(
                    str(folder))
            draft = OxigraphDraft(folder)
            try:
                yield draft
                draft.close()
            except BaseException:
                draft.close()
                shutil.rmtree(folder, ignore_errors=True)
                raise
            # What the parent came from (its build, say) still describes the new version.
            inherited = {} if empty else {key: value for key, value in self.info().items()
                                          if key not in OWN_FIELDS}
            meta = {**inherited, "version": version, "parent": self._current, "note": note,
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **extra}
            (self.path / "versions" / f"{version}.json").write_text(
                json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            self._publish(version)

    def _next_version(self) -> str:
        numbers = [int(p.name) for p in (self.path / "versions").iterdir() if p.name.isdigit()]
        return f"{max(numbers, default=0) + 1:06d}"

    def _publish(self, version: str) -> None:
        staged = self.path / "current.new"
        staged.unlink(missing_ok=True)
        staged.symlink_to(Path("versions") / version)
        staged.replace(self.path / "current")
        self._current = version
        versions = sorted(p.name for p in (self.path / "versions").iterdir() if p.is_dir())
        for old in versions[:-KEEP_VERSIONS]:
            shutil.rmtree(self.path / "versions" / old, ignore_errors=True)
            (self.path / "versions" / f"{old}.json").unlink(missing_ok=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._lock_file.close()


# What follows runs inside the worker processes.

_READERS: dict[str, ox.Store] = {}


def _reader(folder: str) -> ox.Store:
    """The read-only store of a version, kept open across queries until the version changes."""
    store = _READERS.get(folder)
    if store is None:
        _READERS.clear()
        store = _READERS[folder] = ox.Store.read_only(folder)
    return store


def count_quads(folder: str, version: str) -> int:
    return len(_reader(folder))


def run_query(folder: str, version: str, sparql: str, options: QueryOptions) -> Answer:
    """Run one query on a published version and serialize its answer (in a worker)."""
    if options.results_media not in RESULTS_FORMATS or options.graph_media not in GRAPH_FORMATS:
        raise KgError(f"unsupported answer format {options.results_media!r} or "
                      f"{options.graph_media!r}")
    dataset: dict[str, Any] = {"use_default_graph_as_union": options.union_default_graph}
    if options.default_graphs or options.named_graphs:
        dataset = {"default_graph": [ox.NamedNode(g) for g in options.default_graphs],
                   "named_graphs": [ox.NamedNode(g) for g in options.named_graphs]}
    result = _reader(folder).query(sparql, base_iri=options.base_iri, **dataset)
    if isinstance(result, ox.QueryBoolean):
        return write_answer(bool(result), options, version)
    if isinstance(result, ox.QueryTriples):
        return write_answer(result, options, version)
    variables = [variable.value for variable in result.variables]
    return write_answer(Solutions(variables, solution_rows(result, variables)), options, version)


@backend("file")
def open_embedded(location: str, workers: int = 2) -> OxigraphStore:
    return OxigraphStore(location, workers)
