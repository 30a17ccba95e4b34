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

The default graph a query sees is the union of all graphs as a set (SPARQL 1.1 §13.1: an RDF
merge), while pyoxigraph's `use_default_graph_as_union` yields a triple once per graph holding
it. So each version keeps that union itself, deduplicated, in the store's default graph, which
pyoxigraph's GRAPH ?g never ranges over; what is written to the default graph (Graph Store
`?default`, an update's triples outside GRAPH) is kept in the named graph OWN_DEFAULT, which
queries do not see as a named graph. Every change keeps the union up to date (the draft's
methods): a triple joins it when a graph gains it and leaves it when no graph holds it any more.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.plugins.sparql import algebra, parser

from kg.errors import KgError
from kg.rdf import rdf_format, syntax_error
from kg.store.base import ANSWER_JSON, Answer, QueryOptions, QueryTimeout, backend
from kg.store.dataset import answer_merged, answer_query, graphs_named, merges_graphs
from kg.store.results import GRAPH_FORMATS, RESULTS_FORMATS
from kg.store.workers import JobTimeout, WorkerPool

KEEP_VERSIONS = 3  # the current one and two before it, for queries still running on them
OWN_FIELDS = {"version", "parent", "note", "time", "user"}  # a version's own, never inherited
# Where the store keeps what was written to the default graph (the default graph itself holds
# the union); an IRI of the store's own, never shown as a named graph.
OWN_DEFAULT = ox.NamedNode("urn:x-caucasus-kg:store:own-default-graph")
UNION = ox.DefaultGraph()
# A line of N-Quads or N-Triples as pyoxigraph writes them, without blank nodes or triple terms:
# subject, predicate and object (group 1), then a graph or not. Its triple is group 1 and " .".
_IRI = rb'<[^<>" ]*>'
PLAIN_LINE = re.compile(rb"(%s %s (?:%s|\".*\"(?:@[\w-]+|\^\^%s)?))(?: %s)? \.\r?\n?"
                        % ((_IRI,) * 5))
LINE_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)
SPLIT_CHUNK = 1 << 20  # bytes of lines split between two looks at the stop flag


class OxigraphDraft:
    """A read-write copy of the store that one change is made on (the union kept with it)."""

    def __init__(self, path: Path, parent: Path | None = None) -> None:
        self._store: ox.Store | None = ox.Store(str(path))
        self._folder = path
        self._parent = parent  # the version it was copied from, as it was before the change

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            raise KgError("this draft was already committed or dropped")
        return self._store

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run an update; its default graph is the union, and what it writes there is kept as
        the store's own default graph. An update whose targets are all named graphs costs the
        size of those graphs; any other rebuilds the union, reading the whole store."""
        targets = written_graphs(sparql, base_iri)
        if targets is None:
            self.store.update(sparql, base_iri=base_iri)
            self._rebuild_union()
            return
        before = {name: self._triples(ox.NamedNode(name)) for name in targets}
        self.store.update(sparql, base_iri=base_iri)
        added: set[ox.Triple] = set()
        removed: set[ox.Triple] = set()
        for name, held in before.items():
            now = self._triples(ox.NamedNode(name))
            added |= now - held
            removed |= held - now
        self.store.extend(in_graph(triple, UNION) for triple in added)
        self._leave_union(removed - added)

    def load(self, path: Path, graph: str | None = None) -> None:
        """Oxigraph's bulk loader reads the file in Rust, with no Python object per quad (its
        blank nodes get new names, as in any store load). The union is then added to from
        the file's lines (N-Quads, N-Triples: see split_lines), or else from the whole draft.

        For a file of lines, three things run at once, on both cores: the file's bulk load,
        the split of its lines (Python) and the bulk load of their triples into the union,
        which reads them from the split through a named pipe. Both loads let go of the GIL.
        A bad file is reported as the first load found it (file, line, column, problem): its
        error stops the split, which closes the pipe, which ends the union's load, so a bad
        line near the start costs little more than reading up to it. The draft is then
        half-written and must be dropped, as OxigraphStore.change does."""
        path = Path(path)
        into = stored_graph(graph)
        if rdf_format(path) not in LINE_FORMATS:
            self._bulk_load(path, into)
            # Turtle fills only `into`; TriG may fill any graph of the draft.
            self._union_from([into] if rdf_format(path) == ox.RdfFormat.TURTLE
                             else self.store.named_graphs())
            return
        stop = threading.Event()
        with tempfile.TemporaryDirectory(prefix="union-", dir=self._folder.parent) as scratch, \
                ThreadPoolExecutor(2) as pool:
            plain, other = Path(scratch) / "union.nt", Path(scratch) / "other.nq"
            os.mkfifo(plain)
            split = pool.submit(split_lines, path, plain, other, stop)
            union = pool.submit(self.store.bulk_load, path=str(plain),
                                format=ox.RdfFormat.N_TRIPLES, to_graph=UNION)
            try:
                self._bulk_load(path, into)
            except BaseException:
                stop.set()
                raise
            finally:
                wait([split, union])
            # The union's error first: it closed the pipe, so the split's is only its echo.
            union.result()
            split.result()
            quads = list(ox.parse(path=str(other), format=ox.RdfFormat.N_QUADS))
        # A blank node's triples come from its graph in the store, which holds its new name.
        blank = {into if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
                 for quad in quads if holds_blank_node(quad.triple)}
        self.store.bulk_extend(in_graph(quad.triple, UNION) for quad in quads
                               if not holds_blank_node(quad.triple))
        self._union_from(blank)

    def _bulk_load(self, path: Path, into: ox.NamedNode) -> None:
        try:
            self.store.bulk_load(path=str(path), format=rdf_format(path), to_graph=into)
        except SyntaxError as error:
            raise syntax_error(error, path) from None

    def add(self, data: bytes, media_type: str, graph: str | None, base_iri: str | None
            ) -> None:
        if media_type not in GRAPH_FORMATS:
            raise KgError(f"cannot read RDF sent as {media_type}; send one of "
                          f"{', '.join(GRAPH_FORMATS)}")
        into = stored_graph(graph)
        self.store.bulk_extend(with_union(
            in_graph(quad.triple, into) for quad in ox.parse(
                data, format=GRAPH_FORMATS[media_type], base_iri=base_iri)))

    def clear(self, graph: str | None) -> bool:
        name = stored_graph(graph)
        held = self.store.contains_named_graph(name)
        if held:
            triples = self._triples(name)
            self.store.remove_graph(name)
            self._leave_union(triples)
        return held

    def quads(self, graph: str | None) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, stored_graph(graph))

    def graphs(self) -> set[str]:
        return {graph.value for graph in self.store.named_graphs()
                if isinstance(graph, ox.NamedNode) and graph != OWN_DEFAULT}

    def _triples(self, name: ox.NamedNode | ox.DefaultGraph) -> set[ox.Triple]:
        return {quad.triple for quad in self.store.quads_for_pattern(None, None, None, name)}

    def _held(self, triple: ox.Triple) -> bool:
        """Whether a named graph (the store's own default graph among them) holds a triple."""
        return any(not isinstance(quad.graph_name, ox.DefaultGraph) for quad in
                   self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object))

    def _leave_union(self, triples: Iterable[ox.Triple]) -> None:
        """Take out of the union the triples that no graph holds any more."""
        for triple in triples:
            if not self._held(triple):
                self.store.remove(in_graph(triple, UNION))

    def _rebuild_union(self) -> None:
        """After an update that may have written anywhere: what it added to or deleted from
        the default graph (the union, as it saw it) is added to or deleted from the store's own
        default graph, then the union is made again from every graph. Reads the whole store."""
        before = ox.Store.read_only(str(self._parent)) if self._parent else ox.Store()
        written = [quad.triple for quad in self.store.quads_for_pattern(None, None, None, UNION)
                   if quad not in before]
        erased = {quad.triple for quad in before.quads_for_pattern(None, None, None, UNION)
                  if quad not in self.store}
        self.store.remove_graph(OWN_DEFAULT)  # as the update left it: CLEAR NAMED took it too
        self.store.extend([
            *(in_graph(quad.triple, OWN_DEFAULT) for quad in
              before.quads_for_pattern(None, None, None, OWN_DEFAULT)
              if quad.triple not in erased),
            *(in_graph(triple, OWN_DEFAULT) for triple in written)])
        self.store.clear_graph(UNION)
        self._union_from(self.store.named_graphs())

    def _union_from(self, graphs: Iterable[ox.NamedNode | ox.BlankNode]) -> None:
        """Add the triples of some named graphs to the union, read from the store in Python."""
        self.store.bulk_extend(in_graph(quad.triple, UNION) for graph in graphs
                               for quad in self.store.quads_for_pattern(None, None, None, graph))

    def close(self) -> None:
        """Write everything to disk and let go of the files (before readers open them)."""
        if self._store is not None:
            self._store.flush()
        self._store = None
        gc.collect()  # pyoxigraph closes RocksDB when the object is freed


def stored_graph(graph: str | None) -> ox.NamedNode:
    """Where a graph's own triples are kept: a named graph under its name, the default graph's
    in OWN_DEFAULT (the store's default graph holds the union)."""
    return ox.NamedNode(graph) if graph else OWN_DEFAULT


def in_graph(triple: ox.Triple, graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def split_lines(path: Path, plain: Path, other: Path, stop: threading.Event) -> None:
    """Write the triple of each PLAIN_LINE of an N-Quads or N-Triples file to `plain` (a
    named pipe), as N-Triples, and the other lines (few in pyoxigraph's output) to `other`;
    end early, between two chunks of lines, once `stop` is set."""
    # The pipe first: once it is open, the reader gets an end of file whatever happens next.
    with plain.open("wb") as triples, path.open("rb") as lines, other.open("wb") as others:
        for chunk in iter(lambda: lines.readlines(SPLIT_CHUNK), []):
            if stop.is_set():
                return
            for line in chunk:
                match = PLAIN_LINE.fullmatch(line)
                if match:
                    triples.write(match[1] + b" .\n")
                else:
                    others.write(line.rstrip(b"\r\n") + b"\n")


def holds_blank_node(triple: ox.Triple) -> bool:
    """Whether a triple has a blank node (or a triple term, which may hold one)."""
    return isinstance(triple.subject, ox.BlankNode) or \
        isinstance(triple.object, ox.BlankNode | ox.Triple)


def with_union(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad, then its triple in the union (which holds it once however often it comes)."""
    for quad in quads:
        yield quad
        yield in_graph(quad.triple, UNION)


def written_graphs(sparql: str, base_iri: str | None) -> set[str] | None:
    """The named graphs an update writes, or None when it may write others or the default
    graph (a GRAPH variable, DEFAULT, ALL or NAMED, LOAD or triples outside GRAPH).

    Read with rdflib's parser, which knows less than pyoxigraph's (RDF-star): an update it
    cannot read is taken to write anywhere, and pyoxigraph then accepts or refuses it.
    """
    try:
        operations = algebra.translateUpdate(parser.parseUpdate(sparql), base=base_iri).algebra
    except Exception:  # any failure to read it only means "anywhere"
        return None
    names: set[str] = set()
    for operation in operations:
        if operation.name in ("Drop", "Clear", "Create", "Load"):
            targets = [operation.graphiri]
        elif operation.name in ("Add", "Copy", "Move"):
            targets = list(operation.graph)
        else:  # InsertData, DeleteData, DeleteWhere, Modify: templates, WITH for their triples
            templates = [operation] if operation.name != "Modify" else \
                [part for part in (operation.delete, operation.insert) if part is not None]
            targets = [graph for part in templates for graph in part.quads]
            targets += [operation.get("withClause")] * any(part.triples for part in templates)
        if not all(isinstance(target, URIRef) for target in targets):
            return None
        names.update(str(target) for target in targets)
    return names


class OxigraphStore:
    """A versioned pyoxigraph store in a folder (created on first use)."""

    transactional = True
    union_is_a_set = True

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
            parent = self.path / "versions" / self._current if self._current and not empty \
                else None
            if parent:
                ox.Store.read_only(str(parent)).backup(str(folder))
            draft = OxigraphDraft(folder, parent)
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

_READERS: dict[str, tuple[ox.Store, list[ox.NamedNode | ox.BlankNode] | None]] = {}


def _reader(folder: str) -> tuple[ox.Store, list[ox.NamedNode | ox.BlankNode] | None]:
    """The read-only store of a version, kept open across queries until the version changes,
    and its named graphs but OWN_DEFAULT when that is there to hide (None: nothing to hide)."""
    opened = _READERS.get(folder)
    if opened is None:
        _READERS.clear()
        store = ox.Store.read_only(folder)
        # Naming every graph makes GRAPH ?g try each in turn: only when OWN_DEFAULT is there.
        named = [graph for graph in store.named_graphs() if graph != OWN_DEFAULT] \
            if store.contains_named_graph(OWN_DEFAULT) else None
        opened = _READERS[folder] = (store, named)
    return opened


def count_quads(folder: str, version: str) -> int:
    """The quads of every graph (the default graph's own among them), the union aside."""
    counted = _reader(folder)[0].query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    return int(next(iter(counted))["n"].value)


def run_query(folder: str, version: str, sparql: str, options: QueryOptions) -> Answer:
    """Run one query on a published version and serialize its answer (in a worker)."""
    if options.results_media not in RESULTS_FORMATS or options.graph_media not in GRAPH_FORMATS:
        raise KgError(f"unsupported answer format {options.results_media!r} or "
                      f"{options.graph_media!r}")
    store, named = _reader(folder)
    if merges_graphs(options):
        quads = (quad for graph in graphs_named(options)
                 for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return answer_merged(quads, sparql, options, version)
    dataset: dict[str, Any] = {} if options.union_default_graph else \
        {"default_graph": OWN_DEFAULT}
    if named is not None:
        dataset["named_graphs"] = named
    if options.default_graphs or options.named_graphs:
        dataset = {"default_graph": [ox.NamedNode(g) for g in options.default_graphs],
                   "named_graphs": [ox.NamedNode(g) for g in options.named_graphs]}
    return answer_query(store, sparql, options, version, **dataset)


@backend("file")
def open_embedded(location: str, workers: int = 2) -> OxigraphStore:
    return OxigraphStore(location, workers)
