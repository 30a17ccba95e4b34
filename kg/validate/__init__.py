"""Validation: files or a built dataset against the ontology and shapes, as sorted `Finding`s.

Four checks, in the order a contributor fixes things: syntax (file, line, column), ckg: terms
the ontology does not define, SHACL shapes per unit (a named graph or a file, with the context
it refers to: the ontology, the registry, the documents its evidence cites), and OWL 2 DL
consistency with HermiT. Used by `kg validate` and by `kg build` before a build is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, URIRef
from rdflib.term import Node

from kg import iris, paths
from kg.corpus import Document, read_corpus
from kg.entities import registry_triples
from kg.errors import InputError
from kg.provenance import Triple, document_triples
from kg.rdf import Converted, rdf_format, simple_graph, syntax_error, to_rdflib
from kg.registry import read_registry
from kg.validate.cache import ResultCache, fingerprint
from kg.validate.findings import Finding, Kind, sort_findings
from kg.validate.locate import Locator
from kg.validate.reasoner import ConsistencyCheck
from kg.validate.shacl import DataFor, Shapes, check_units
from kg.validate.terms import check_terms, defined_terms
from kg.vocab import CKG

RDF_SUFFIXES = (".ttl", ".trig", ".nq", ".nt")


@dataclass
class Context:
    """What units are checked with: ontology, shapes, registry graph and corpus documents.

    A unit gets the ontology's class hierarchy, the registry entries it names and the
    documents it cites. `fingerprint` identifies the shapes, the class hierarchy and the code
    checking them, for a ResultCache. `entries` keeps what `entry` found for each node.
    """

    ontology: Graph
    shapes: Shapes
    registry: Graph
    documents: Graph
    fingerprint: str
    entries: dict[Node, tuple[Triple, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_repository(cls) -> Context:
        """The context of the repository's own ontology, shapes, corpus and registry."""
        corpus = {document.key: document for document in read_corpus(paths.CORPUS_DIR)}
        registry = simple_graph(registry_triples(read_registry(paths.REGISTRY_FILE), corpus))
        return cls.from_parts(read_ontology(), registry, corpus.values())

    @classmethod
    def from_parts(cls, ontology: Graph, registry: Graph, documents: Iterable[Document]
                   ) -> Context:
        files = paths.shape_files()
        shapes = Graph()
        for file in files:
            shapes.parse(file, format="turtle")
        described = simple_graph(triple for document in documents
                           for triple in document_triples(document, publisher=None))
        # copied: a graph of a Dataset answers each lookup by scanning every graph's matches
        return cls(ontology, Shapes(shapes), simple_graph(registry), described,
                   fingerprint(files, _hierarchy(ontology)))

    @property
    def defined(self) -> set[URIRef]:
        return defined_terms(self.ontology)

    @cached_property
    def hierarchy(self) -> Graph:
        """The ontology's subclass axioms: all that SHACL needs of it (class targets and
        sh:class follow rdfs:subClassOf in the data graph), a tenth of its triples."""
        return _hierarchy(self.ontology)

    def data_for(self, unit: Graph, documents: Graph) -> set[Triple]:
        """The triples a unit is validated on besides the class hierarchy: the unit's own, the
        registry entries it names and the `documents` its evidence cites."""
        data = set(unit)
        for node in _referenced(unit):
            data.update(self.entry(node))
        for cited in set(unit.objects(None, CKG.source)):
            data.update(documents.triples((cited, None, None)))
        return data

    def entry(self, node: Node) -> tuple[Triple, ...]:
        """The registry's triples a unit naming `node` is validated on, none for a node the
        registry does not describe; looked up once per node, as most units name the same
        places, states and forces."""
        known = self.entries.get(node)
        if known is not None:
            return known
        entry = list(self.registry.triples((node, None, None)))
        found = set(entry)
        # the classes of what the entry points at (a place's container, a force's state),
        # for a unit whose subject is the entry itself (the links graph's owl:sameAs)
        for _, _, target in entry:
            found.update(self.registry.triples((target, RDF.type, None)))
        # a named event's curated evidence, which the unit's node shares
        for evidence in self.registry.objects(node, CKG.evidence):
            found.update(self.registry.triples((evidence, None, None)))
        self.entries[node] = known = tuple(found)
        return known


def validate_files(files: Iterable[Path], context: Context, reason: bool = True,
                   cache: ResultCache | None = None) -> list[Finding]:
    """Every check on every file; a file with a syntax error gets that finding only."""
    findings: list[Finding] = []
    for file in files:
        try:
            units = read_units(file)
        except InputError as error:
            findings.append(Finding(kind=Kind.SYNTAX, file=str(file), line=error.line,
                                    column=error.column, message=error.problem))
            continue
        findings += validate_units(units, context, Locator(file), reason, cache)
    return sort_findings(findings)


def validate_dataset(dataset: Dataset, context: Context, locator: Locator, reason: bool = True,
                     cache: ResultCache | None = None) -> list[Finding]:
    """validate_units on the named graphs (and default graph) of a dataset but the ontology's."""
    # Each unit copied out of the dataset: inside it, rdflib's memory store answers a pattern
    # on one named graph by scanning the matches of every graph.
    units = [simple_graph(graph) for graph in unit_graphs(dataset.graphs())]
    return validate_units(units, context, locator, reason, cache)


def unit_graphs(graphs: Iterable[Graph]) -> list[Graph]:
    """The graphs that are validated as units: every non-empty one but the ontology's."""
    # a pattern's first match, not len(): SimpleMemory counts a graph by walking every triple
    return [graph for graph in graphs
            if graph.identifier != iris.ONTOLOGY_GRAPH and (None, None, None) in graph]


def validate_units(units: list[Graph], context: Context, locator: Locator, reason: bool = True,
                   cache: ResultCache | None = None,
                   meanwhile: Callable[[], object] | None = None) -> list[Finding]:
    """Terms, shapes per unit and (if `reason`) OWL consistency of the units of one file; the
    shapes' results of units the `cache` knows are reused. `meanwhile` runs in this process
    while other processes check the shapes (see check_units); the locator is not read before
    it has run."""
    with ExitStack() as stack:
        # HermiT first: its Java process reasons on one core while terms and shapes are
        # checked here on the other.
        owl = stack.enter_context(ConsistencyCheck(
            simple_graph(chain(context.ontology, context.registry, *units)), locator)
        ) if reason else None
        terms: list[Finding] = []

        def alongside() -> None:
            """This process's share while the workers check the shapes: `meanwhile`, then the
            terms (after it, as they read the locator), instead of alone once they are done."""
            if meanwhile is not None:
                meanwhile()
            terms.extend(check_terms(chain.from_iterable(units), context.defined, locator))

        findings = check_units(units, unit_data(units, context), context.hierarchy,
                               context.shapes, locator, cache, meanwhile=alongside)
        findings += terms
        if owl is not None:
            findings += owl.findings()
    return sort_findings(findings)


def read_units(path: Path) -> list[Graph]:
    """The graphs of an RDF file but the ontology's, each on its own: the named graphs, and the
    triples outside any (all of a Turtle file's).

    Read straight from pyoxigraph's parser into a graph per unit, rather than through an rdflib
    Dataset as kg.rdf.read_dataset does: at a million triples that copy was minutes. Raises
    InputError with the line and column of a syntax error.
    """
    path = Path(path)
    units: dict[object, Graph] = {}
    terms = Converted(to_rdflib)
    try:
        for quad in ox.parse(path=str(path), format=rdf_format(path),
                             base_iri=path.resolve().as_uri()):
            unit = units.get(quad.graph_name)
            if unit is None:
                unit = units[quad.graph_name] = Graph(store="SimpleMemory")
            unit.add((terms[quad.subject], terms[quad.predicate], terms[quad.object]))
    except SyntaxError as error:
        raise syntax_error(error, path) from None
    return [unit for name, unit in units.items()
            if not (isinstance(name, ox.NamedNode) and name.value == str(iris.ONTOLOGY_GRAPH))]


def read_ontology() -> Graph:
    """The ontology, parsed from ontology/caucasus-kg.ttl."""
    return Graph().parse(paths.ONTOLOGY_FILE, format="turtle")


def default_targets(build: Path | None = None) -> list[Path]:
    """The built dataset (when there is one) and every RDF file under contributions/."""
    targets = []
    built = (build or paths.current_build()) / "dataset.trig"
    if built.is_file():
        targets.append(built)
    targets += sorted(path for path in paths.CONTRIBUTIONS_DIR.rglob("*")
                      if path.suffix.lower() in RDF_SUFFIXES)
    return targets


def _hierarchy(ontology: Graph) -> Graph:
    return simple_graph(ontology.triples((None, RDFS.subClassOf, None)))


def unit_data(units: list[Graph], context: Context) -> DataFor:
    """What check_units validates each unit on (`Context.data_for`), the documents it may
    cite being the context's and those the units hold themselves."""
    documents = simple_graph(chain(context.documents, *(_documents_in(unit) for unit in units)))
    return partial(context.data_for, documents=documents)


def _documents_in(graph: Graph) -> Iterator[Triple]:
    for node in graph.subjects(RDF.type, CKG.Document):
        yield from graph.triples((node, None, None))


def _referenced(graph: Graph) -> set[Node]:
    """Every IRI a unit names as subject or object: the registry entries it may rely on."""
    return {node for triple in graph for node in (triple[0], triple[2])
            if isinstance(node, URIRef)}


