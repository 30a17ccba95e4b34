"""The store interface's contract, run over every back-end: the embedded store, Oxigraph server
and Virtuoso (both real servers on 127.0.0.1, the latter skipped where it is not installed).

Answers are compared with pyoxigraph's own on the same data in memory, blank node labels aside.
Virtuoso is one instance for the session and keeps system graphs of its own, so each test
writes under a namespace of its own and counts what it added.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Variable
from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.parserutils import CompValue

from kg.queries import read_queries
from kg.store import open_store
from kg.store.base import QueryOptions, QueryTimeout, select
from kg.store.push import push_dataset
from kg.store.results import GRAPH_FORMATS, RESULTS_FORMATS
from tests.conftest import oxigraph_serving, skipped_if_missing, virtuoso_serving
from tests.servers import NotInstalled

# Oxigraph server's default graph is its own unless told otherwise; ours is the union.
OXIGRAPH_OPTIONS = ("--union-default-graph",)
DATA = """<{ns}a> <{ns}p> "x"@en , 1 , _:b , <{ns}c> , "tab\\there, \\"quoted\\"\\nline" .
_:b <{ns}q> "2024-05-08"^^<http://www.w3.org/2001/XMLSchema#date> .
"""
BLANK = re.compile(r"_:[\w.-]+")
QUERIES = {query.name: query for query in read_queries()}


@pytest.fixture(params=["embedded", "oxigraph-server", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "embedded":
        opened = open_store(tmp_path / "store")
        yield opened
    elif request.param == "oxigraph-server":
        with oxigraph_serving(tmp_path / "oxigraph", options=OXIGRAPH_OPTIONS) as url:
            opened = open_store(f"{url}/query")
            yield opened
    else:
        virtuoso = request.getfixturevalue("virtuoso")
        opened = open_store(virtuoso.sparql, update=virtuoso.sparql, store=virtuoso.graph_store)
        yield opened
    opened.close()


@pytest.fixture
def ns() -> str:
    return f"http://example.org/{uuid.uuid4().hex}/"


def load(store: Any, tmp_path: Path, ns: str, graph: str) -> ox.Store:
    """Load DATA into `graph` of the store; returns pyoxigraph's own store of the same."""
    data = tmp_path / f"{uuid.uuid4().hex}.ttl"
    data.write_text(DATA.format(ns=ns), encoding="utf-8")
    store.load(data, graph)
    reference = ox.Store()
    reference.load(path=str(data), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return reference


def read_solutions(body: bytes, media: str) -> list[list[str]]:
    """The head, then the rows in sorted order (engines order blank nodes as they like)."""
    if media == "text/csv":  # pyoxigraph does not read CSV (it is lossy by design)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        return rows[:1] + sorted([BLANK.sub("_:", value) for value in row] for row in rows[1:])
    solutions = ox.parse_query_results(body, format=RESULTS_FORMATS[media])
    names = [variable.value for variable in solutions.variables]
    rows = sorted([BLANK.sub("_:", str(solution[name])) for name in names]
                  for solution in solutions)
    return [names, *rows]


def read_triples(body: bytes, media: str) -> list[str]:
    return sorted(BLANK.sub("_:", str(quad.triple))
                  for quad in ox.parse(body, format=GRAPH_FORMATS[media]))


def test_store_load_adds_the_files_triples_to_the_graph(store, tmp_path, ns):
    load(store, tmp_path, ns, f"{ns}g1")  # an embedded store has no count before a load
    before = store.count()
    load(store, tmp_path, ns, f"{ns}g")
    assert store.count() == before + 6
    rows = select(store, f"SELECT ?o WHERE {{ GRAPH <{ns}g> {{ ?b <{ns}q> ?o }} }}")
    assert [row["o"]["value"] for row in rows] == ["2024-05-08"]


@pytest.mark.parametrize("media", list(RESULTS_FORMATS))
def test_store_select_answers_in_each_results_format(store, tmp_path, ns, media):
    reference = load(store, tmp_path, ns, f"{ns}g")
    query = f"SELECT ?p ?o ?unbound WHERE {{ <{ns}a> ?p ?o }}"
    answer = store.query(query, options=QueryOptions(results_media=media))
    theirs = reference.query(query, use_default_graph_as_union=True).serialize(
        format=RESULTS_FORMATS[media])
    assert answer.media_type == media and answer.form == "solutions" and answer.rows == 5
    assert read_solutions(answer.body, media) == read_solutions(theirs, media)


@pytest.mark.parametrize("media", ["application/sparql-results+json",
                                   "application/sparql-results+xml"])
def test_store_ask_answers_a_boolean(store, tmp_path, ns, media):
    load(store, tmp_path, ns, f"{ns}g")
    options = QueryOptions(results_media=media)
    for query, expected in ((f"ASK {{ <{ns}a> ?p ?o }}", True),
                            (f"ASK {{ <{ns}nothing> ?p ?o }}", False)):
        answer = store.query(query, options=options)
        assert answer.form == "boolean"
        assert bool(ox.parse_query_results(answer.body, format=RESULTS_FORMATS[media])) is \
            expected


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_store_construct_answers_in_each_graph_format(store, tmp_path, ns, media):
    reference = load(store, tmp_path, ns, f"{ns}g")
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ns}g> {{ ?s ?p ?o }} }}"
    answer = store.query(query, options=QueryOptions(graph_media=media))
    theirs = ox.serialize(reference.query(query), format=GRAPH_FORMATS[media])
    assert answer.media_type == media and answer.form == "graph" and answer.rows == 6
    assert read_triples(answer.body, media) == read_triples(theirs, media)


def test_store_default_graph_is_the_union_and_graphs_can_be_chosen(store, tmp_path, ns):
    load(store, tmp_path, ns, f"{ns}g1")
    load(store, tmp_path, ns, f"{ns}g2")
    graphs = select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{ns}a> ?p ?o }} }}")
    assert sorted(row["g"]["value"] for row in graphs) == [f"{ns}g1", f"{ns}g2"]
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ns}a> ?p ?o }}"
    distinct = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT * {{ <{ns}a> ?p ?o }} }}"
    once = select(store, distinct)[0]["n"]["value"]
    assert int(once) < 10  # the same IRI triples in both graphs
    # A set holds them once; Oxigraph server and Virtuoso repeat them, once per graph.
    assert select(store, count)[0]["n"]["value"] == (once if store.union_is_a_set else "10")
    chosen = store.query(count, options=QueryOptions(default_graphs=(f"{ns}g1",)))
    assert json.loads(chosen.body)["results"]["bindings"][0]["n"]["value"] == "5"


def test_store_default_graphs_chosen_are_merged_as_a_set(store, tmp_path, ns):
    """Issue 5: several default graphs make one by RDF merge, each triple once, on every
    back-end (pyoxigraph, Oxigraph server and Virtuoso would repeat it per graph)."""
    references = [load(store, tmp_path, ns, f"{ns}{graph}") for graph in ("g1", "g2")]
    subject = ox.NamedNode(f"{ns}a")
    expected = {quad.triple for reference in references
                for quad in reference.quads_for_pattern(subject, None, None)}
    query = f"SELECT ?p ?o FROM <{ns}g1> WHERE {{ <{ns}a> ?p ?o }}"  # the request's dataset wins
    both = QueryOptions(default_graphs=(f"{ns}g1", f"{ns}g2", f"{ns}g1"),
                        named_graphs=(f"{ns}g2",))
    rows = select_with(store, query, both)
    assert len(rows) == len(expected) < sum(len(reference) for reference in references)
    named = select_with(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", both)
    assert [row["g"]["value"] for row in named] == [f"{ns}g2"]


def select_with(store: Any, query: str, options: QueryOptions) -> list[dict[str, Any]]:
    return json.loads(store.query(query, options=options).body)["results"]["bindings"]


def test_store_update_adds_and_count_follows(store, tmp_path, ns):
    load(store, tmp_path, ns, f"{ns}g")
    before = store.count()
    store.update(f"INSERT DATA {{ GRAPH <{ns}g> {{ <{ns}s> <{ns}p> 1, 2 }} }}")
    assert store.count() == before + 2


def test_store_answer_is_cut_at_max_rows_and_says_so(store, tmp_path, ns):
    load(store, tmp_path, ns, f"{ns}g")
    answer = store.query(f"SELECT * WHERE {{ <{ns}a> ?p ?o }}", options=QueryOptions(max_rows=2))
    assert answer.truncated and answer.rows == 2


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "SELEKT * WHERE { ?s ?p ?o }"])
def test_store_syntax_error_is_a_syntax_error(store, tmp_path, ns, query):
    load(store, tmp_path, ns, f"{ns}g")
    with pytest.raises(SyntaxError):
        store.query(query)


def test_store_query_past_its_time_limit_is_a_query_timeout(store, tmp_path, ns):
    load(store, tmp_path, ns, f"{ns}other")
    store.update(f"INSERT DATA {{ GRAPH <{ns}g> {{ " + " ".join(
        f"<{ns}s{number}> <{ns}n> {number} ." for number in range(40)) + " } }")
    pattern = " . ".join(f"?s{index} <{ns}n> ?o{index}" for index in range(6))
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ns}g> {{ {pattern} }} }}",
                    timeout=1)
    assert time.monotonic() - started < 5
    rows = select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ns}g> {{ ?s ?p ?o }} }}")
    assert rows[0]["n"]["value"] == "40"  # and the next query is answered


# Where Virtuoso 7.2.5 answers a competency query otherwise than the embedded store, and why;
# the bugs' smallest reproductions are files here, checked below.
VIRTUOSO_BUGS = Path(__file__).parent / "data" / "virtuoso"
VIRTUOSO_DIFFERS = {
    "07-timeline-russian-forces": (
        "2 of 45 rows, through two Virtuoso 7.2.5 bugs, not the query's. (1) Its optimizer "
        "drops solutions of a join of rdfs:subClassOf* with a FILTER NOT EXISTS, by a join "
        "order its statistics choose (right with DEFINE sql:select-option \"order\"): "
        "{ ?event :force ?f . ?f :forceOf r:russia . ?event a ?class . ?class "
        "rdfs:subClassOf* :Event FILTER NOT EXISTS { ?class :nothing ?x } ?event :evidence "
        "?v } on 15 triples answers no row (optimizer-drops-solutions.trig, .rq). (2) Its "
        "DISTINCT keeps duplicates after OPTIONAL { GRAPH ?g { two patterns } } and another "
        "OPTIONAL where the union repeats a triple (distinct-keeps-duplicates.trig, .rq: 5 "
        "quads)"),
}

# Competency queries without DISTINCT whose rows a union that is not a set (Oxigraph server's,
# Virtuoso's) repeats once per graph holding a triple: their rows are compared once each there.
REPEATED_BY_A_BAG_UNION = {"12-offices-held"}  # a holder's office, stated in several documents


@pytest.fixture(scope="module")
def build_stores(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The session's build in every back-end: embedded, Oxigraph server and a Virtuoso of its
    own (the session's is shared with tests that push other data into the same graphs)."""
    dataset = built.release / "dataset.nq"
    folder = tmp_path_factory.mktemp("build-stores")
    embedded = open_store(folder / "embedded")
    embedded.load(dataset)
    stores: dict[str, Any] = {"embedded": embedded}
    with ExitStack() as stack:
        url = stack.enter_context(oxigraph_serving(folder / "oxigraph", options=OXIGRAPH_OPTIONS))
        stores["oxigraph-server"] = open_store(f"{url}/query")
        try:
            virtuoso = stack.enter_context(virtuoso_serving(folder / "virtuoso"))
            stores["virtuoso"] = open_store(virtuoso.sparql, store=virtuoso.graph_store)
        except NotInstalled as missing:
            stores["virtuoso"] = missing
        for name in ("oxigraph-server", "virtuoso"):
            if not isinstance(stores[name], BaseException):
                push_dataset(dataset, stores[name], folder / f"{name}.json")
        yield stores
    embedded.close()


@pytest.mark.parametrize("backend", ["oxigraph-server", "virtuoso"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_store_answers_the_competency_queries_as_the_embedded_store(build_stores, backend,
                                                                     name, request):
    store = build_stores[backend]
    if isinstance(store, BaseException):
        pytest.skip(str(store))
    if backend == "virtuoso" and name in VIRTUOSO_DIFFERS:  # strict: agreeing would fail
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_DIFFERS[name], strict=True))
    options = QueryOptions(results_media="text/csv")
    ours, theirs = (build_stores["embedded"], store)
    answers = [read_solutions(answering.query(QUERIES[name].sparql, 60, options).body,
                              "text/csv") for answering in (theirs, ours)]
    if name in REPEATED_BY_A_BAG_UNION and not store.union_is_a_set:
        answers = [answer[:1] + sorted(map(list, {tuple(row) for row in answer[1:]}))
                   for answer in answers]
    separators = group_concat_separators(QUERIES[name].sparql)
    assert unordered_concats(answers[0], separators) == unordered_concats(answers[1], separators)


@pytest.mark.xfail(reason="Virtuoso 7.2.5's bugs behind its answer to 07 (see the files); "
                   "passing means a fixed Virtuoso: take 07 out of VIRTUOSO_DIFFERS", strict=True)
@pytest.mark.parametrize("bug", ["optimizer-drops-solutions", "distinct-keeps-duplicates"])
def test_virtuoso_answers_the_reproductions_of_its_bugs(tmp_path, bug):
    data, query = VIRTUOSO_BUGS / f"{bug}.trig", (VIRTUOSO_BUGS / f"{bug}.rq").read_text()
    reference = ox.Store()
    reference.load(path=str(data), format=ox.RdfFormat.TRIG)
    ours = reference.query(query, use_default_graph_as_union=True).serialize(
        format=RESULTS_FORMATS["text/csv"])
    # a fresh Virtuoso each: the first bug hides behind the statistics of other data
    with skipped_if_missing(), virtuoso_serving(tmp_path / "virtuoso") as virtuoso:
        store = open_store(virtuoso.sparql, store=virtuoso.graph_store)
        push_dataset(data, store, tmp_path / "pushed.json")
        theirs = store.query(query, options=QueryOptions(results_media="text/csv")).body
        store.close()
    assert read_solutions(theirs, "text/csv") == read_solutions(ours, "text/csv")


def test_group_concat_separators_are_those_of_aggregates_bound_as_they_are():
    query = """SELECT ?p (GROUP_CONCAT(?o) AS ?spaced) (GROUP_CONCAT(DISTINCT ?o; separator="; ")
                   AS ?listed) (CONCAT("(", GROUP_CONCAT(?o), ")") AS ?wrapped)
               WHERE { ?s ?p ?o } GROUP BY ?p"""
    assert group_concat_separators(query) == {"spaced": " ", "listed": "; "}
    answer = [["p", "listed"], ["b", "y; x"], ["a", "x; y"]]
    assert unordered_concats(answer, {"listed": "; "}) == [["p", "listed"], ["a", "x; y"],
                                                            ["b", "x; y"]]


def group_concat_separators(sparql: str) -> dict[str, str]:
    """The variables a query binds to a GROUP_CONCAT as it is, each with its separator: SPARQL
    1.1 leaves the order of the joined values open (§18.5.1.7), so stores may differ there."""
    aggregates: dict[str, str] = {}
    bound: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, CompValue) and node.name == "Aggregate_GroupConcat":
            aggregates[str(node.res)] = str(node["separator"]) if "separator" in node else " "
        elif isinstance(node, CompValue) and node.name == "Extend" and \
                isinstance(node.expr, Variable):
            bound[str(node.var)] = str(node.expr)

    algebra.traverse(algebra.translateQuery(parser.parseQuery(sparql)).algebra,
                     visitPost=visit)
    return {name: aggregates[value] for name, value in bound.items() if value in aggregates}


def unordered_concats(answer: list[list[str]], separators: dict[str, str]
                      ) -> list[list[str]]:
    """An answer (head, then rows) with the values in each GROUP_CONCAT cell sorted."""
    head, rows = answer[0], answer[1:]

    def cell(name: str, value: str) -> str:
        separator = separators.get(name)
        return separator.join(sorted(value.split(separator))) if separator else value

    return [head, *sorted([cell(name, value) for name, value in zip(head, row, strict=True)]
                          for row in rows)]
