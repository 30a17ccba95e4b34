"""`kg build`: documents and registry through the pipeline into a validated, atomic release.

A build is written to a fresh release folder under build/releases/, validated there, and only
then published by swapping the build/current symlink (one rename: readers see the old build or
the new one, never half of one). A failed build leaves the last good one in place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node
from rich.progress import Progress

from kg import __version__, iris, paths
from kg.corpus import Document, read_corpus
from kg.entities import registry_triples
from kg.errors import InvalidGraph, ToolMissing
from kg.extraction_cache import ExtractionCache, document_key, extraction_fingerprint
from kg.link.cache import read_cache
from kg.link.linking import wikidata_triples
from kg.pipeline import Extraction, PlannedStage, read_plan, run_document, run_in_workers
from kg.provenance import Triple
from kg.rdf import simple_graph, write_graphs
from kg.reconcile import reconcile_events
from kg.registry import Registry, read_registry
from kg.validate import Context, read_ontology, unit_graphs, validate_units
from kg.validate.cache import ResultCache
from kg.validate.findings import Finding, is_valid
from kg.validate.locate import Locator

KEPT_RELEASES = 3


@dataclass
class BuildReport:
    """What a build produced and how long each step took (seconds)."""

    release: Path
    graphs: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


@dataclass(frozen=True)
class Sources:
    """Everything a build reads: corpus, registry, pipeline plan and ontology."""

    corpus: list[Document]
    registry: Registry
    stages: list[PlannedStage]
    ontology: Graph
    # The links graph and the Wikidata graph, from registry/wikidata-*.{yaml,jsonl} (kg/link/).
    wikidata: tuple[list[Triple], list[Triple]] = ([], [])


def read_sources() -> Sources:
    """Read and check every input of a build; raises on the first bad file."""
    registry = read_registry(paths.REGISTRY_FILE)
    wikidata = wikidata_triples(registry, paths.WIKIDATA_LINKS, read_cache(paths.WIKIDATA_CACHE))
    return Sources(read_corpus(paths.CORPUS_DIR), registry, read_plan(paths.PIPELINE_FILE),
                   read_ontology(), wikidata)


def assemble_graphs(sources: Sources, progress: Progress | None = None, workers: int = 1,
                    cache: ExtractionCache | None = None) -> list[Graph]:
    """The dataset's named graphs in memory, unvalidated, each on its own store (ontology,
    registry, links, Wikidata, then the documents'): a build writes and validates them without
    an rdflib Dataset, whose store files every triple under its graph and scans every graph's
    matches on a lookup. Documents are extracted in `workers` processes, except those whose
    extraction the `cache` keeps (and new extractions are added to it)."""
    graphs = [simple_graph(sources.ontology, iris.ONTOLOGY_GRAPH), registry_graph(sources),
              simple_graph(sources.wikidata[0], iris.LINKS_GRAPH),
              simple_graph(sources.wikidata[1], iris.WIKIDATA_GRAPH)]
    return graphs + document_graphs(sources, progress, workers, cache)


def registry_graph(sources: Sources) -> Graph:
    """The registry's entries as a named graph, with curated evidence quoting the corpus."""
    by_key = {document.key: document for document in sources.corpus}
    return simple_graph(registry_triples(sources.registry, by_key), iris.REGISTRY_GRAPH)


def document_graphs(sources: Sources, progress: Progress | None = None, workers: int = 1,
                    cache: ExtractionCache | None = None) -> list[Graph]:
    """One named graph per document of `sources.corpus`, in corpus order, with the events
    several documents report reconciled into one (kg/reconcile.py)."""
    task = progress.add_task("extracting", total=len(sources.corpus)) if progress else None
    documents = []
    for extraction in _extractions(sources, workers, cache):
        extraction.log_warnings()
        documents.append(simple_graph(extraction.triples,
                                      iris.document_graph(extraction.document.key)))
        if progress and task is not None:
            progress.advance(task)
    reconcile_events(documents)
    return documents


def extract_folder(folder: Path, sources: Sources) -> tuple[list[Document], list[Graph]]:
    """The articles of a folder in the corpus format and their graphs, extracted as `kg build`
    extracts corpus/ (reconciled with each other, not with the corpus), unvalidated and
    written nowhere: `kg evaluate --corpus` scores articles the rules were not written
    against. Raises CorpusError for a folder without articles or a malformed one."""
    articles = read_corpus(folder)
    return articles, document_graphs(replace(sources, corpus=articles))


def _extractions(sources: Sources, workers: int, cache: ExtractionCache | None
                 ) -> Iterator[Extraction]:
    """Every document's extraction in corpus order: from the cache where it has one, else
    from the pipeline (which then runs on just the others)."""
    known = cache.known(sources.corpus) if cache is not None else set()
    todo = [document for document in sources.corpus if document_key(document) not in known]
    fresh = run_in_workers(sources.stages, todo, sources.registry, workers)
    extracted = []
    for document in sources.corpus:
        if cache is not None and document_key(document) in known:
            yield cache.get(document)
        else:
            extraction = next(fresh)
            extracted.append(extraction)
            yield extraction
    if cache is not None:
        cache.record(extracted)


def extract_document(document: Document, sources: Sources) -> Graph:
    """One document through the pipeline: its named graph, as a contributor would review it."""
    graph = Graph(identifier=iris.document_graph(document.key))
    for triple in run_document(sources.stages, document, sources.registry):
        graph.add(triple)
    return graph


def build(build_dir: Path = paths.BUILD_DIR, reason: bool = True, docs: bool = True,
          progress: Progress | None = None, workers: int = 1, incremental: bool = True
          ) -> BuildReport:
    """Build, validate and publish the dataset; raises InvalidGraph and keeps the old build.

    `workers` processes extract the documents (kg/pipeline.py's `run_in_workers`). With
    `incremental`, the extractions and SHACL results of earlier builds are reused where
    nothing they depend on changed (kg/extraction_cache.py, kg/validate/cache.py).
    """
    timings: dict[str, float] = {}
    reuse: dict[str, dict[str, int]] = {}  # how much each cache spared, for the manifest
    started = time.perf_counter()
    sources = read_sources()
    extractions = (ExtractionCache(paths.extraction_cache(build_dir),
                                   extraction_fingerprint(sources.stages))
                   if incremental else None)
    try:
        graphs = assemble_graphs(sources, progress, workers, extractions)
    finally:
        if extractions is not None:
            extractions.close()
            reuse["extraction"] = {"extracted": extractions.extracted,
                                   "reused": extractions.reused}
    timings["pipeline"] = time.perf_counter() - started

    releases = build_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    release = releases / f"{stamp}.partial"
    release.mkdir()
    try:
        report = _write_and_check(graphs, release, sources, timings, reuse, reason, docs,
                                  paths.validation_cache(build_dir) if incremental else None)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    final = release.with_name(stamp)
    release.rename(final)
    report.release = final
    _publish(build_dir, final)
    timings["total"] = time.perf_counter() - started
    return report


def _write_and_check(graphs: list[Graph], release: Path, sources: Sources,
                     timings: dict[str, float], reuse: dict[str, dict[str, int]], reason: bool,
                     docs: bool, cache_file: Path | None) -> BuildReport:
    trig = release / "dataset.trig"
    locator = Locator(trig)
    written: dict[Node, int] = {}  # triples per graph, counted by the writer

    def write() -> None:
        clock = time.perf_counter()
        written.update(write_graphs(graphs, trig, release / "dataset.nq"))
        timings["write"] = time.perf_counter() - clock
        locator.read()  # for the findings' lines, which would otherwise be read after

    clock = time.perf_counter()
    named = {graph.identifier: graph for graph in graphs}
    context = Context.from_parts(sources.ontology, named[iris.REGISTRY_GRAPH], sources.corpus)
    # kept beside the releases: the next build re-validates only the graphs that changed
    cache = ResultCache(cache_file, context.fingerprint) if cache_file is not None else None
    try:
        # The files are written while the workers check the shapes (this process would
        # otherwise wait for them, and they for it), so "validate" includes "write".
        findings = validate_units(unit_graphs(graphs), context, locator, reason, cache,
                                  meanwhile=write)
    finally:
        if cache is not None:
            cache.close()
            reuse["validation"] = {"validated": cache.validated, "reused": cache.reused}
    timings["validate"] = time.perf_counter() - clock
    if not is_valid(findings):
        raise InvalidGraph(f"the built graph is invalid ({len(findings)} findings); the "
                           "previous build is kept", findings)
    if docs:
        clock = time.perf_counter()
        write_ontology_docs(release / "ontology")
        timings["docs"] = time.perf_counter() - clock
    sizes = {str(graph.identifier): size for graph in graphs
             if (size := written.get(graph.identifier, 0))}
    report = BuildReport(release, sizes, timings, findings)
    manifest = {
        "version": __version__,
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": {document.key: document.sha256 for document in sources.corpus},
        "graphs": sizes,
        "triples": report.triples,
        "timings": {name: round(value, 3) for name, value in timings.items()},
        "warnings": len(findings),
        **reuse,
    }
    (release / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return report


def write_ontology_docs(folder: Path) -> Path:
    """HTML documentation of the ontology (pyLODE), served at /ontology by the endpoint."""
    try:
        from pylode import OntPub
    except ImportError as error:
        raise ToolMissing(f"pyLODE is needed for the ontology documentation: {error}") from None
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "index.html"
    OntPub(ontology=str(paths.ONTOLOGY_FILE)).make_html(destination=page)
    return page


def _publish(build_dir: Path, release: Path) -> None:
    """Point build/current at `release` with one atomic rename, then prune old releases."""
    current = paths.current_build(build_dir)
    link = build_dir / f".current-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(release.relative_to(build_dir))
    os.replace(link, current)
    finished = sorted(p for p in release.parent.iterdir() if not p.name.endswith(".partial"))
    for old in finished[:-KEPT_RELEASES]:
        shutil.rmtree(old, ignore_errors=True)
