"""Reading RDF files into rdflib datasets, through pyoxigraph's parser for its exact error places.

The format follows the file's extension; a syntax error becomes an InputError with the
line and column the parser reports.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, PROV, RDFS, SKOS, NamespaceManager
from rdflib.term import Node

from kg.errors import InputError
from kg.vocab import CKG, CKR, WD

PREFIXES = {"ckg": CKG._NS, "ckr": CKR, "wd": WD, "prov": PROV, "dcterms": DCTERMS,
            "owl": OWL, "rdfs": RDFS, "skos": SKOS, "xsd": XSD}

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(f"unknown RDF file type {path.suffix!r}; use one of "
                         f"{', '.join(FORMATS)}", path) from None


def read_dataset(path: Path) -> Dataset:
    """Parse a Turtle, TriG, N-Triples or N-Quads file; triples outside GRAPH go to the default."""
    path = Path(path)
    dataset = Dataset()
    try:
        quads = list(ox.parse(path=str(path), format=rdf_format(path),
                              base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        raise syntax_error(error, path) from None
    for quad in quads:
        triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        if isinstance(quad.graph_name, ox.DefaultGraph):
            dataset.default_graph.add(triple)
        else:
            dataset.graph(to_rdflib(quad.graph_name)).add(triple)
    return dataset


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """An rdflib term equal to a pyoxigraph one."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)  # rdflib keeps plain and xsd:string literals apart
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")


class Converted(dict):
    """Terms converted by `convert` (to_rdflib or to_oxigraph), each once (`terms[term]`):
    most IRIs, and many literals, recur on every other line."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, term: Any) -> Any:
        converted = self[term] = self.convert(term)
        return converted


def simple_graph(triples: Iterable[tuple[Node, Node, Node]], identifier: Node | None = None
                 ) -> Graph:
    """A graph on rdflib's store without named graphs, whose lookups skip their bookkeeping."""
    graph = Graph(store="SimpleMemory", identifier=identifier)
    # Straight into the store: Graph.addN checks each term's type and each quad's graph
    # through two generators, a sixth of the time of adding a triple this way.
    add = graph.store.add
    for triple in triples:
        add(triple, graph)
    return graph


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Triples as N-Triples (a worker's extraction on its way back, an extraction cache entry)."""
    terms = Converted(to_oxigraph)
    return ox.serialize([ox.Triple(terms[s], terms[p], terms[o]) for s, p, o in triples],
                        format=ox.RdfFormat.N_TRIPLES)


def read_ntriples(data: bytes, terms: Converted) -> list[tuple[Node, Node, Node]]:
    """The triples of N-Triples `data`, as rdflib terms converted through `terms` (a
    Converted(to_rdflib), which may be shared by many documents naming the same things)."""
    return [(terms[t.subject], terms[t.predicate], terms[t.object])
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def syntax_error(error: SyntaxError, path: Path | str) -> InputError:
    """pyoxigraph's syntax error as an InputError naming the file, line and column."""
    return InputError(_syntax_message(error), path, error.lineno, error.offset)


def _syntax_message(error: SyntaxError) -> str:
    message = str(error.msg)
    # pyoxigraph prefixes the place ("Parser error at line 3 column 9: ..."); we print our own.
    head, colon, rest = message.partition(": ")
    if colon and head.startswith("Parser error"):
        message = rest
    return f"syntax error: {message}"


def write_dataset(dataset: Dataset, *paths: Path) -> None:
    """Write a dataset as TriG or N-Quads (by each file's extension); see write_graphs."""
    write_graphs(dataset.graphs(), *paths)


def write_graphs(graphs: Iterable[Graph], *paths: Path) -> dict[Node, int]:
    """Write named graphs (each by its identifier) as TriG or N-Quads (by each file's
    extension) with pyoxigraph's writer, many times faster than rdflib's on a large graph,
    with the project's prefixes; returns the number of triples written in each graph (rdflib's
    SimpleMemory would count them by walking them again).

    The N-Quads are written first (to a temporary file if no path asks for them), and each
    other file is written from them: the TriG writer, given them sorted by graph, subject and
    predicate, writes each graph as one block and each subject as one statement, as a person
    would write them.
    """
    with tempfile.TemporaryDirectory(prefix="kg-") as scratch:
        nquads = next((path for path in paths if rdf_format(path) is ox.RdfFormat.N_QUADS),
                      Path(scratch) / "graphs.nq")
        counts = _write_nquads(graphs, nquads)
        prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        for path in paths:
            if path == nquads:
                continue
            if rdf_format(path) is ox.RdfFormat.N_QUADS:
                shutil.copyfile(nquads, path)
                continue
            with path.open("wb") as output:
                ox.serialize(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS), output,
                             format=rdf_format(path),
                             prefixes=prefixes if rdf_format(path) is ox.RdfFormat.TRIG else None)
    return counts


def _write_nquads(graphs: Iterable[Graph], path: Path) -> dict[Node, int]:
    """The graphs' triples as N-Quads lines sorted by graph, subject, predicate and object, each
    term converted once; the number of lines of each graph. A graph's lines sorted as text are
    in that order, as the subject and predicate (IRIs or blank nodes) hold no character below
    the space between them. Written a graph at a time, so that the text of only one graph is
    in memory at once (at 1,000 articles, all of it would be some 600 MB more).
    """
    text = Converted(lambda term: str(to_oxigraph(term)))  # N-Triples, DEFAULT for the default
    named: dict[Node, list[Graph]] = {}
    for graph in graphs:
        named.setdefault(graph.identifier, []).append(graph)
    counts: dict[Node, int] = {}
    with path.open("wb") as output:
        for name in sorted(named, key=text.__getitem__):
            end = " .\n" if text[name] == str(ox.DefaultGraph()) else f" {text[name]} .\n"
            lines = sorted([f"{text[s]} {text[p]} {text[o]}"
                            for graph in named[name] for s, p, o in graph])
            output.write("".join([line + end for line in lines]).encode())
            counts[name] = len(lines)
    return counts


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph:
    """The pyoxigraph term equal to an rdflib one (rdflib's default graph is the default)."""
    if isinstance(term, URIRef):
        if term == DATASET_DEFAULT_GRAPH_ID:
            return ox.DefaultGraph()
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"unsupported RDF term {term!r}")


def write_graph(graph: Graph, path: Path | None) -> None:
    """Write one named graph as TriG (a .trig file, or stdout) or as Turtle (a .ttl file)."""
    if path is not None and path.suffix.lower() not in {".trig", ".ttl"}:
        raise InputError("write the triples to a .trig or .ttl file", path)
    bind_prefixes(graph.namespace_manager)
    if path is not None and path.suffix.lower() == ".ttl":
        graph.serialize(path, format="turtle", encoding="utf-8")
        return
    dataset = Dataset()
    bind_prefixes(dataset.namespace_manager)
    named = dataset.graph(graph.identifier)
    for triple in graph:
        named.add(triple)
    text = dataset.serialize(format="trig")
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def bind_prefixes(manager: NamespaceManager) -> None:
    """The project's prefixes, so that written files read like the vocabulary contract."""
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True)
