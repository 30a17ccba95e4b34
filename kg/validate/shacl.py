"""SHACL validation with pySHACL, one unit at a time, as `Finding`s.

pySHACL slows down sharply on large graphs, so the caller hands in units (named graphs or a
contributed file) and a function giving each its data graph: the unit with just the context
it refers to. Results are reported on the unit's own subjects only. A `ResultCache` (when
given) answers for units whose data graph was validated before.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from functools import cached_property, lru_cache
from typing import Any

import pyoxigraph as ox
from pyshacl import shape as pyshacl_shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.graph_abstraction import DataGraph
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import RDF, Graph, Literal, Node, URIRef, plugin
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.query import Processor
from rdflib.query import Result as QueryResult
from rdflib.term import Identifier, Variable

from kg.provenance import Triple
from kg.rdf import to_oxigraph, to_rdflib
from kg.validate.cache import Result, ResultCache, unit_key
from kg.validate.findings import Finding, Kind, Severity
from kg.validate.locate import Locator


class CachingSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, keeping each parsed query, and answering a query asked once
    per focus node from one evaluation for all of them, by pyoxigraph where it can.

    pySHACL hands rdflib the text of a SHACL-SPARQL constraint once per focus node, and rdflib
    parses it every time (20-60 ms a parse): with the quote check on every Evidence, parsing
    was most of the validation time. Parsed, the query still ran once per focus node ($this
    bound), each run paying rdflib's set-up: while `Shapes.validate` runs, a query whose every
    answer binds $this from a triple pattern (`_answers_per_focus`) runs once with $this free
    over the data graph, and each focus node gets the answers with it as $this, which are
    those of the query with $this bound. That one run is pyoxigraph's (`GraphAnswers`) unless
    the query needs what it cannot be given. Registered as rdflib's "sparql" processor plugin
    below.
    """

    def query(self, strOrQuery: str | Query, initBindings: Mapping[str, Identifier] | None = None,
              initNs: Mapping[str, Any] | None = None, base: str | None = None,
              DEBUG: bool = False) -> Mapping[str, Any]:
        bindings = dict(initBindings or {})
        this = bindings.pop("this", None)
        graph = _answering.get()
        if this is None or graph is None or graph.data is not self.graph:
            return super().query(_parsed(strOrQuery, initNs, base), initBindings, initNs, base,
                                 DEBUG)
        # Keyed by the text as given, not the parsed query: the graph's prefixes (initNs),
        # the rest of what a parse depends on, do not change while it is validated, and
        # comparing them at each of the query's calls cost more than answering it.
        key = _answers_key(strOrQuery, base, bindings)
        if key not in graph.answered:
            graph.answered[key] = self._answer_per_focus(strOrQuery, bindings, initNs or {}, base,
                                                         graph)
        answered = graph.answered[key]
        if answered is None:
            return super().query(_parsed(strOrQuery, initNs, base), initBindings, initNs, base,
                                 DEBUG)
        variables, by_focus = answered
        return {"type_": "SELECT", "bindings": by_focus.get(this, []), "vars_": variables}

    def _answer_per_focus(self, text: str | Query, bindings: dict[str, Identifier],
                          namespaces: Mapping[str, Any], base: str | None, graph: GraphAnswers
                          ) -> tuple[list[Variable], dict[Node, list]] | None:
        """(the projected variables, the answers by $this) of a query run once with $this
        free, or None for a query whose answers must be had per focus node."""
        query = _parsed(text, namespaces, base)
        if not _answers_per_focus(query):
            return None
        answers = (graph.oxigraph_answers(text, query, namespaces, base)
                   if isinstance(text, str) and not bindings else None)
        if answers is None:
            answers = super().query(query, bindings, namespaces, base)["bindings"]
        by_focus: defaultdict[Node, list[dict[Variable, Node]]] = defaultdict(list)
        for answer in answers:
            by_focus[answer[THIS]].append(answer)
        return query.algebra.PV, by_focus


def _answers_key(query: str | Query, base: str | None, bindings: Mapping[str, Identifier]
                 ) -> tuple:
    """What `GraphAnswers.answered` files a query's answers under: its text (or parsed query),
    base and initial bindings but $this."""
    return query, base, frozenset((name, value) for name, value in bindings.items()
                                  if name != "this")


def _parsed(query: str | Query, namespaces: Mapping[str, Any] | None, base: str | None) -> Query:
    if isinstance(query, Query):
        return query
    return _prepared(query, base, frozenset((namespaces or {}).items()))


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


class GraphAnswers:
    """The answers of the SHACL-SPARQL queries asked on one data graph with $this free, by
    query and $this, and the pyoxigraph store that gives most of them.

    rdflib's engine evaluates a query's expressions per solution in Python (about 0.3 ms an
    Evidence for the quote check), which was half of a graph's validation; pyoxigraph answers
    the same query in a fraction of that. Its store holds only the triples of the predicates
    the queries asked so far match, added as a query needs them: an answer depends on those
    alone. Terms come back converted as rdflib's engine gives them: the data graph's own where
    each of its terms comes back from pyoxigraph as itself (`ambiguous` otherwise), and so
    the ones computed from them (a SUBSTR of a plain literal is plain, as rdflib makes it).
    One difference stays, on data the property shapes reject anyway: a value of the wrong
    datatype ("5" as a character offset) compared with a number is an error to pyoxigraph,
    which then gives no answer, where rdflib may give one.
    """

    def __init__(self, data: Graph) -> None:
        self.data = data
        # by query text, base and bindings but $this: see CachingSPARQLProcessor.query
        self.answered: dict[tuple, tuple[list[Variable], dict[Node, list]] | None] = {}
        self.store = ox.Store()
        self.loaded: set[Node] = set()
        # Whether pyoxigraph's answers might hold other terms than rdflib's: where a term of
        # the graph does not come back from pyoxigraph as itself, either from the conversion
        # (an xsd:string literal, which rdflib keeps apart from a plain one and passes on to
        # the strings it computes from it; a language tag not in lower case) or from the
        # store (`_load`). rdflib answers then.
        self.ambiguous = False

    def oxigraph_answers(self, text: str, query: Query, namespaces: Mapping[str, Any],
                         base: str | None) -> list[dict[Variable, Node]] | None:
        """The answers of `query` (its `text`) by pyoxigraph, or None where they might differ
        from rdflib's: a predicate named by a variable or a negated path, ambiguous terms."""
        predicates = _predicates(query)
        if predicates is None:
            return None
        self._load(predicates - self.loaded)
        if self.ambiguous:
            return None
        solutions = self.store.query(text, base_iri=base, prefixes={
            prefix: str(namespace) for prefix, namespace in namespaces.items()})
        variables = [Variable(variable.value) for variable in solutions.variables]
        return [{variable: to_rdflib(term)
                 for variable, term in zip(variables, solution, strict=True) if term is not None}
                for solution in solutions]

    def _load(self, predicates: set[Node]) -> None:
        try:
            quads = [ox.Quad(self._term(s), self._term(p), self._term(o))
                     for predicate in predicates
                     for s, p, o in self.data.triples((None, predicate, None))]
        except ValueError:  # a term pyoxigraph refuses and rdflib keeps (an IRI with a space)
            self.ambiguous = True
            return
        self.store.extend(quads)
        self.loaded |= predicates
        # The store keeps a valid literal in its canonical form ("400"^^xsd:long as
        # "400"^^xsd:integer, "1.50"^^xsd:decimal as "1.5"), which is not the graph's term.
        added = {quad.object for quad in quads}
        if any(quad.object not in added for predicate in predicates
               for quad in self.store.quads_for_pattern(None, to_oxigraph(predicate), None)):
            self.ambiguous = True

    def _term(self, node: Node) -> OxTerm:
        # with the language tag on its own: rdflib's == ignores its case, which a finding shows
        term, same = _oxigraph_term(node, getattr(node, "language", None))
        if not same:
            self.ambiguous = True
        return term


@lru_cache(maxsize=65536)
def _oxigraph_term(node: Node, language: str | None) -> tuple[OxTerm, bool]:
    """pyoxigraph's term for an rdflib `node`, and whether pyoxigraph's answers with it are
    rdflib's: it converts back to the same one, `language` (the node's tag, in its case)
    included, and is neither tagged nor ill-typed, where the two engines' functions differ
    (SHA256 of a tagged string, SUBSTR with a malformed integer: an error in one, a value or
    a crash in the other). Kept from graph to graph, as they cite the same documents and name
    the same things."""
    term = to_oxigraph(node)
    back = to_rdflib(term)
    odd = isinstance(node, Literal) and bool(language or node.ill_typed)
    return term, back == node and getattr(back, "language", None) == language and not odd


THIS = Variable("this")
# The data graph whose queries `CachingSPARQLProcessor` answers per graph: set while
# `Shapes.validate` runs on one.
_answering: ContextVar[GraphAnswers | None] = ContextVar("answering", default=None)
# Operators whose every answer binds ?this if their operand's do: they keep or extend answers.
_KEEPING = frozenset({"Filter", "Extend", "Project", "Distinct", "Reduced", "OrderBy",
                      "AggregateJoin"})
# Operators whose every answer binds ?this if both operands' do. Where one side may leave it
# unbound (an OPTIONAL that names $this, say), its answers with $this free can join with
# other focus nodes' ones, or with $this bound differ: such queries run per focus node.
_BOTH = frozenset({"Join", "LeftJoin", "Union"})


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: frozenset) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


@lru_cache(maxsize=1024)
def _answers_per_focus(query: Query) -> bool:
    """Whether `query`'s answers with $this bound to a node are its answers with $this free
    that have that node as ?this: a SELECT projecting ?this, each of whose answers binds it
    in a triple pattern, grouped by it where answers are grouped, and with no LIMIT, OFFSET,
    subquery or other operator that could relate the answers of two focus nodes.
    """
    return (query.algebra.name == "SelectQuery" and THIS in query.algebra.PV
            and _binds_this(query.algebra.p))


def _binds_this(part: CompValue) -> bool:
    """Whether every answer of an algebra operator binds ?this from a triple pattern."""
    if part.name == "BGP":
        return any(THIS in triple for triple in part.triples)
    if part.name in _KEEPING:
        return _binds_this(part.p)
    if part.name in _BOTH:
        return _binds_this(part.p1) and _binds_this(part.p2)
    if part.name == "Group":
        return THIS in (part.expr or ()) and _binds_this(part.p)
    return False


@lru_cache(maxsize=1024)
def _predicates(query: Query) -> frozenset[Node] | None:
    """The predicates whose triples a query's answers depend on: those of its triple
    patterns and property paths, EXISTS included; None if it names one by a variable or a
    negated path, which may match any."""
    found: set[Node] = set()
    parts: list[object] = [query.algebra]
    while parts:
        part = parts.pop()
        if isinstance(part, CompValue) and part.name == "BGP":
            for _, predicate, _ in part.triples:
                named = _path_predicates(predicate)
                if named is None:
                    return None
                found |= named
        elif isinstance(part, CompValue):
            parts += part.values()
        elif isinstance(part, list):
            parts += part
    return frozenset(found)


def _path_predicates(path: Node | Path) -> set[Node] | None:
    """The predicates a triple pattern's predicate or property path matches, None for any."""
    if isinstance(path, URIRef):
        return {path}
    if isinstance(path, SequencePath | AlternativePath | InvPath | MulPath):
        named: set[Node] = set()
        for part in (path.args if isinstance(path, SequencePath | AlternativePath)
                     else [path.arg if isinstance(path, InvPath) else path.path]):
            predicates = _path_predicates(part)
            if predicates is None:
                return None
            named |= predicates
        return named
    return None


plugin.register("sparql", Processor, __name__, "CachingSPARQLProcessor")


class ConstraintParameters(list):
    """pySHACL's list of constraint parameters, answering `in` from a set.

    pySHACL asks, for every predicate of a shape each time the shape is evaluated, whether it
    is in this list of ~40 IRIs, by comparing it with each: a fifth of the validation time.
    A list still (pySHACL copies and extends it in its SHACL-AF and JS modes).
    """

    def __init__(self, parameters: list[Node]) -> None:
        super().__init__(parameters)
        self.members = frozenset(parameters)

    def __contains__(self, parameter: object) -> bool:
        return parameter in self.members


# pySHACL fills this module attribute on first use; filled here first, with the set-backed list.
pyshacl_shape.CONSTRAINT_PARAMS = (ConstraintParameters(ALL_CONSTRAINT_PARAMETERS),
                                   CONSTRAINT_PARAMETERS_MAP)


_VALID_SPARQL: set[tuple[str, bool, frozenset[str]]] = set()
_check_sparql = SPARQLQueryHelper.check_invalid_sparql


def _check_sparql_once(helper: SPARQLQueryHelper, sparql_text: str, valuenode: Node | None = None,
                       extravars: Iterable[str] | None = None) -> bool:
    """pySHACL's check that a SHACL-SPARQL query has no MINUS, VALUES, SERVICE or rebound
    variable, made once per query rather than once per focus node.

    Its regular expressions scan the query text backtracking from every line start: with the
    quote check on every Evidence, 45,000 searches and a tenth of the validation time. Its
    answer depends only on the text, on whether a value node is bound and on the extra
    variables; it returns True or raises.
    """
    key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
    if key not in _VALID_SPARQL:
        _check_sparql(helper, sparql_text, valuenode, extravars)
        _VALID_SPARQL.add(key)
    return True


SPARQLQueryHelper.check_invalid_sparql = _check_sparql_once  # type: ignore[method-assign]


_evaluate_sparql_on = SPARQLBasedConstraint._evaluate_sparql_constraint


def _evaluate_sparql_on_answered(component: SPARQLBasedConstraint, sparql: SPARQLQueryHelper,
                                 target: DataGraph, focus_value_nodes: Mapping[Node, set[Node]]
                                 ) -> tuple[bool, list]:
    """pySHACL's evaluation of a SHACL-SPARQL constraint, on the first focus node and then
    only on those its query answered per graph has answers for.

    The query's answers for all focus nodes come with the first one's
    (`CachingSPARQLProcessor`); a focus node without any gets no result, but pySHACL still
    rewrote the query text and called rdflib for it, for every Evidence without a fault: a
    tenth of a graph's validation. A query answered per focus node keeps pySHACL's loop.
    Returns (non-conformant, results), as the method it replaces.
    """
    graph = _answering.get()
    if graph is None or len(focus_value_nodes) < 2:
        return _evaluate_sparql_on(component, sparql, target, focus_value_nodes)
    first, *others = focus_value_nodes
    non_conformant, reports = _evaluate_sparql_on(component, sparql, target,
                                                  {first: focus_value_nodes[first]})
    bindings, text = sparql.pre_bind_variables(first)
    answered = graph.answered.get(_answers_key(sparql.apply_prefixes(text), None, bindings))
    rest = {node: focus_value_nodes[node] for node in others
            if answered is None or node in answered[1]}
    more_non_conformant, more = _evaluate_sparql_on(component, sparql, target, rest)
    return non_conformant or more_non_conformant, reports + more


SPARQLBasedConstraint._evaluate_sparql_constraint = _evaluate_sparql_on_answered  # type: ignore[method-assign]


_evaluate_each_value = PropertyConstraintComponent._evaluate_property_shape


def _evaluate_all_values(component: PropertyConstraintComponent, executor: SHACLExecutor,
                         property_shape: Node, target: DataGraph,
                         focus_value_nodes: Mapping[Node, set[Node]],
                         recursive: Any, path: list) -> tuple[bool, list]:
    """pySHACL's evaluation of an sh:property, made once on all the value nodes of the shape
    that has it instead of once per value node.

    pySHACL evaluates the property shape once per value node: for a node shape, once per
    focus node, each time reading the shape's parameters and building its constraint
    components anew; that was a third of the validation time. The property shape's
    components evaluate each focus node on its own, so the results are the same. pySHACL's
    own loop stays for a value node met twice (its results are then repeated), a recursive
    or missing shape (its warning or error) and an empty unit. Returns (non-conformant,
    results), as the method it replaces.
    """
    values = [value for nodes in focus_value_nodes.values() for value in nodes]
    shape = component.shape.get_other_shape(property_shape)
    if (not values or len(set(values)) < len(values) or shape is None
            or not shape.is_property_shape or (recursive and shape in recursive)):
        return _evaluate_each_value(component, executor, property_shape, target,
                                    focus_value_nodes, recursive, path)
    conforms, reports = shape.validate(executor, target, focus=values, _evaluation_path=path[:])
    return not conforms, reports


PropertyConstraintComponent._evaluate_property_shape = _evaluate_all_values  # type: ignore[method-assign]


_evaluate_every_member = OrConstraintComponent._evaluate_or_constraint


def _evaluate_members_until_one_conforms(
        component: OrConstraintComponent, executor: SHACLExecutor, members: Node,
        target: DataGraph, focus_value_nodes: Mapping[Node, set[Node]], path: list
) -> tuple[bool, list]:
    """pySHACL's evaluation of one sh:or list, stopping at the first member (in the list's
    order) that a value node conforms to.

    pySHACL checks every value node against every member, and builds the results of each
    member it fails, all of which it then drops: only whether one member conforms decides,
    so the results are the same. The list's order is the shapes file's, so the member most
    values conform to goes first. pySHACL's own loop stays for a list with a member that is
    no shape (its error). Returns (non-conformant, results), as the method it replaces.
    """
    shapes = [component.shape.get_other_shape(member)
              for member in component.shape.sg.graph.items(members)]
    if not shapes or None in shapes:
        return _evaluate_every_member(component, executor, members, target, focus_value_nodes,
                                      path)
    reports = [component.make_v_result(target, focus, value_node=value)
               for focus, values in focus_value_nodes.items() for value in values
               if not any(shape.validate(executor, target, focus=value, _evaluation_path=path[:])[0]
                          for shape in shapes)]
    return bool(reports), reports


OrConstraintComponent._evaluate_or_constraint = _evaluate_members_until_one_conforms  # type: ignore[method-assign]


def _no_description(component: ConstraintComponent, *args: Any, **kwargs: Any) -> str:
    """pySHACL's text description of a result, made for its text report only: none.

    kg reads the report graph, never that text, and pySHACL writes one for every result it
    makes, the failures of nested shapes it then drops included (1,230 results for 70
    findings on 50 graphs), each naming its nodes through the graph's prefixes: 5% of a
    graph's validation. The report graph's results are the same.
    """
    return ""


ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]


NO_CONTEXTS = ()  # the contexts OneGraphStore gives a triple: SimpleMemory's, none


class OneGraphStore(SimpleMemory):
    """rdflib's store without named graphs, for the shapes graph and each unit's data graph.

    rdflib's default store files every triple under its contexts and consults them on every
    lookup, which pySHACL makes hundreds of thousands of times per graph. pySHACL only needs
    one graph, but its data graph wrapper is an rdflib Dataset, which asserts on creation that
    the store is context- and graph-aware: this store holds a single graph, which serves as
    every context. Its size is counted once and kept until a change, as pySHACL takes the
    truth of the data graph (its length) for every result it makes.
    """

    context_aware = True
    graph_aware = True
    size: int | None = None

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.size = None
        super().add(triple, context, quoted)

    def remove(self, triple: Any, context: Any = None) -> None:
        self.size = None
        super().remove(triple, context)

    def __len__(self, context: Any = None) -> int:
        if self.size is None:
            self.size = super().__len__(context)
        return self.size

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None],
                context: Any = None) -> Iterator[tuple[Triple, Iterable[Any]]]:
        """SimpleMemory's lookup, in its order, for the lookups pySHACL makes (a pattern with
        a subject or a predicate). SimpleMemory compares each term of the pattern with
        None by rdflib's == rather than `is`, and makes a generator of the (no) contexts of
        each triple it yields: together a tenth of a graph's validation."""
        subject, predicate, object_ = pattern
        spo: dict = self._SimpleMemory__spo  # type: ignore[attr-defined]
        pos: dict = self._SimpleMemory__pos  # type: ignore[attr-defined]
        found: list[Triple]
        if subject is not None and predicate is not None:
            objects = spo.get(subject, {}).get(predicate, {})
            found = ([(subject, predicate, o) for o in objects] if object_ is None
                     else [(subject, predicate, object_)] if object_ in objects else [])
        elif subject is not None and object_ is None:
            found = [(subject, p, o) for p, objects in spo.get(subject, {}).items()
                     for o in objects]
        elif subject is None and predicate is not None:
            by_object = pos.get(predicate, {})
            found = ([(s, predicate, o) for o, subjects in by_object.items() for s in subjects]
                     if object_ is None else
                     [(s, predicate, object_) for s in by_object.get(object_, {})])
        else:
            return super().triples(pattern, context)
        return ((triple, NO_CONTEXTS) for triple in found)

    def add_triples(self, triples: Iterable[Triple]) -> None:
        """Add triples of rdflib terms (another graph's) straight into SimpleMemory's three
        indexes, as its `add` does: a unit's data graph, ~1,100 triples, took a tenth of its
        validation through Graph.addN, which checks each term and calls `add` per triple."""
        spo: dict = self._SimpleMemory__spo  # type: ignore[attr-defined]
        pos: dict = self._SimpleMemory__pos  # type: ignore[attr-defined]
        osp: dict = self._SimpleMemory__osp  # type: ignore[attr-defined]
        for s, p, o in triples:
            spo.setdefault(s, {}).setdefault(p, {})[o] = 1
            pos.setdefault(p, {}).setdefault(o, {})[s] = 1
            osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        self.size = None


class UnitGraph(Graph):
    """A unit's data graph, on a OneGraphStore, whose queries skip what rdflib's Graph.query
    repeats at each call and pySHACL makes once per focus node and SHACL-SPARQL constraint:
    copying the graph's ~30 prefix bindings into a dict (taken once here, at the first
    query), and asking the store for a query engine of its own, which it lacks (an exception
    raised and caught)."""

    @cached_property
    def prefixes(self) -> dict[str, URIRef]:
        return dict(self.namespaces())

    def query(self, query_object: str | Query, processor: str | Processor = "sparql",
              result: str | type[QueryResult] = "sparql",
              initNs: Mapping[str, Any] | None = None,
              initBindings: Mapping[str, Identifier] | None = None,
              use_store_provided: bool = True, **kwargs: Any) -> QueryResult:
        return super().query(query_object, processor, result, initNs or self.prefixes,
                             initBindings, False, **kwargs)


class Shapes:
    """The SHACL shapes, harvested once from their graph and reused for every unit.

    Each unit is validated by pySHACL's own shape evaluation, but only on the focus nodes the
    unit states: the context a unit carries (registry entries, cited documents) is there to be
    read, and checking it again in every unit that cites it was most of the work.
    """

    def __init__(self, graph: Graph) -> None:
        flat = Graph(store=OneGraphStore())
        flat += graph
        self.graph = ShapesGraph(flat, False, logging.getLogger(__name__))
        # Only the shapes with targets have focus nodes of their own (pySHACL's SHACL-AF
        # targets are off here): asking each of the others for them cost 6% of a graph's time.
        self.targeted = [shape for shape in self.graph.shapes  # the getter harvests them
                         if any(any(targets) for targets in shape.target())]

    def validate(self, data: Graph, focus: set[Node]) -> list[Result]:
        """The results of validating `data` on the targets of each shape among `focus`.

        pySHACL's own focus_nodes option also filters the value nodes of nested shapes (sh:or,
        sh:node), which then pass unchecked; so the targets are filtered here, before each
        top-level shape is evaluated, and nested shapes see every value node as they should.
        Warnings do not break conformance (allow_warnings), so the report is read either way.
        """
        executor = SHACLExecutor(allow_warnings=True)
        target = DataGraph.from_rdflib(data)
        conforms, reports = True, []
        answering = _answering.set(GraphAnswers(data))
        try:
            for shape in self.targeted:
                targets = [node for node in shape.focus_nodes(target) if node in focus]
                if targets:
                    shape_conforms, found = shape.validate(executor, target, focus=targets)
                    conforms = conforms and shape_conforms
                    reports += found
        finally:
            _answering.reset(answering)
        report, _ = Validator.create_validation_report(self.graph, conforms, reports)
        return [_result(report, node) for node in report.subjects(RDF.type, SH.ValidationResult)
                if report.value(node, SH.focusNode) in focus]


DataFor = Callable[[Graph], set[Triple]]  # a unit's data: the unit plus the context it cites
# Units below which a second process costs more than it saves (it starts by forking).
PARALLEL_FROM = 16
# Units a worker takes at a time: few, so that no worker idles at the end while another
# finishes a long chunk (pool.map's default gave each an eighth of the units: at 1,000 graphs
# one core idled for up to 125 of them); a task is an index and its results, cheap to send.
CHUNK = 4
_pending: tuple[list[Graph], DataFor, Graph, Shapes, ResultCache | None] | None = None


def check_units(units: list[Graph], data_for: DataFor, common: Graph, shapes: Shapes,
                locator: Locator, cache: ResultCache | None = None,
                workers: int = os.cpu_count() or 1,
                meanwhile: Callable[[], object] | None = None) -> list[Finding]:
    """Validate every unit on the triples `data_for` gives it and the `common` ones (the class
    hierarchy, which the cache's fingerprint covers), on all cores when there are enough
    units; the results of units whose data the cache knows are taken from it, and the others'
    are added to it. `meanwhile`, if given, is called in this process while the workers
    check (before the units when there are none), and the locator is read only after it: a
    build writes the file the findings point into at that time.

    Workers are forked, so they read the units (and the cache's entries) from this process's
    memory instead of receiving pickled graphs; only results travel back. Results become
    findings here, in one process, which reads the file's lines once for the locator.
    """
    global _pending
    _pending = (units, data_for, common, shapes, cache)
    try:
        if workers < 2 or len(units) < PARALLEL_FROM:
            if meanwhile is not None:
                meanwhile()
            checked = [_check_pending(index) for index in range(len(units))]
        else:
            # Frozen: the workers' garbage collector skips what they inherit (the units, the
            # shapes, the context), instead of walking it at each full collection and copying
            # the pages it touches; about 6% of the workers' CPU.
            # A caller that froze its objects itself keeps them frozen.
            frozen = gc.get_freeze_count() > 0
            gc.freeze()
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    pending = pool.map_async(_check_pending, range(len(units)), chunksize=CHUNK)
                    if meanwhile is not None:
                        meanwhile()
                    checked = pending.get()
            finally:
                if not frozen:
                    gc.unfreeze()
    finally:
        _pending = None
    if cache is not None:
        cache.record(checked)
    return [_finding(result, locator) for _, _, results in checked for result in results]


def _check_pending(index: int) -> tuple[str | None, bool, list[Result]]:
    """(cache key or None, whether the results were validated now, the results) of a unit."""
    assert _pending is not None
    units, data_for, common, shapes, cache = _pending
    unit = units[index]
    focus = set(unit.subjects())
    if not focus:
        return None, False, []
    triples = data_for(unit)
    key = unit_key(triples, focus) if cache is not None else None
    known = cache.get(key) if cache is not None and key is not None else None
    if known is not None:
        return key, False, known
    store = OneGraphStore()
    store.add_triples(common)
    store.add_triples(triples)
    return key, True, shapes.validate(UnitGraph(store=store), focus)


def _result(report: Graph, node: Node) -> Result:
    rule = tuple(part for part in (
        report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraintComponent),
        report.value(node, SH.sourceConstraint)) if part is not None)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return Result(focus=report.value(node, SH.focusNode), path=report.value(node, SH.resultPath),
                  value=report.value(node, SH.value), rule=rule,
                  message=messages[0] if messages else "SHACL constraint violated",
                  error=report.value(node, SH.resultSeverity) == SH.Violation)


def _finding(result: Result, locator: Locator) -> Finding:
    line, column = locator.find(result.focus)
    return Finding(
        kind=Kind.SHACL, file=locator.file, line=line, column=column, message=result.message,
        severity=Severity.ERROR if result.error else Severity.WARNING,
        focus_node=locator.name(result.focus) if result.focus is not None else None,
        path=locator.name(result.path) if result.path is not None else None,
        value=locator.name(result.value) if result.value is not None else None,
        rule=" ".join(locator.name(part) for part in result.rule) or None,
    )
