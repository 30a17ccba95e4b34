"""shapes/: the valid example conforms; each bad file trips exactly the shape its name is for.

Each file in tests/data/shapes/bad/ and warn/ says on its first line which shape and constraint
component it must trip (`# fault: cksh:Shape sh:Component`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyshacl.errors import ValidationFailure
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query

from kg.rdf import PREFIXES, write_dataset
from kg.validate import Context, read_units, validate_files, validate_units
from kg.validate.findings import Kind, Severity
from kg.validate.locate import Locator
from kg.validate.shacl import (
    PARALLEL_FROM,
    GraphAnswers,
    Shapes,
    _answers_per_focus,
    _prepared,
)
from kg.vocab import CKG

from .conftest import DATA

SHAPES_DATA = DATA / "shapes"


@pytest.fixture(scope="module")
def context() -> Context:
    return Context.from_repository()


def expected_fault(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# fault: "), f"{path} must say its fault on line 1"
    return first.removeprefix("# fault: ").strip()


@pytest.mark.parametrize("path", sorted(SHAPES_DATA.glob("valid*.ttl")), ids=lambda p: p.stem)
def test_valid_example_conforms(context, path: Path):
    assert validate_files([path], context, reason=True) == []


@pytest.mark.parametrize("path", sorted((SHAPES_DATA / "bad").glob("*.ttl")), ids=lambda p: p.stem)
def test_bad_file_trips_its_shape(context, path: Path):
    findings = validate_files([path], context, reason=False)
    errors = {f.rule for f in findings if f.severity is Severity.ERROR and f.kind is Kind.SHACL}
    assert errors == {expected_fault(path)}
    assert all(f.file == str(path) for f in findings)
    assert all(f.line for f in findings if f.focus_node and not f.focus_node.startswith("_:"))


def test_findings_point_into_a_file_written_while_the_workers_check(context, tmp_path: Path):
    """`kg build` writes its TriG file while forked workers check the shapes (`meanwhile`):
    the findings' lines come from that file, read after it was written."""
    dataset = Dataset()
    for index, path in enumerate(sorted((SHAPES_DATA / "bad").glob("*.ttl"))[:PARALLEL_FROM]):
        dataset.graph(URIRef(f"urn:test:graph/{index}")).parse(path, format="turtle")
    source, written = tmp_path / "source.trig", tmp_path / "written.trig"
    write_dataset(dataset, source)
    units = read_units(source)
    findings = validate_units(units, context, Locator(written), reason=False,
                              meanwhile=lambda: shutil.copyfile(source, written))
    expected = validate_units(units, context, Locator(source), reason=False)
    assert len(findings) >= PARALLEL_FROM
    assert all(f.line for f in findings if f.focus_node and not f.focus_node.startswith("_:"))
    assert ([(f.line, f.column, f.rule, f.focus_node, f.message) for f in findings]
            == [(f.line, f.column, f.rule, f.focus_node, f.message) for f in expected])


@pytest.mark.parametrize("path", sorted((SHAPES_DATA / "warn").glob("*.ttl")),
                         ids=lambda p: p.stem)
def test_warn_file_warns_and_stays_valid(context, path: Path):
    findings = validate_files([path], context, reason=False)
    assert {f.rule for f in findings} == {expected_fault(path)}
    assert all(f.severity is Severity.WARNING for f in findings)


FORBIDDEN_SPARQL = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ex:Other } }" ] .
"""


def test_forbidden_sparql_constraint_is_refused_every_time():
    """pySHACL's check of a SHACL-SPARQL query is made once per query text (kg/validate/shacl.py):
    a query it refuses must still be refused on every later graph, not remembered as checked."""
    shapes = Shapes(Graph().parse(data=FORBIDDEN_SPARQL, format="turtle"))
    thing = URIRef("http://example.org/a")
    data = Graph()
    data.add((thing, RDF.type, URIRef("http://example.org/Thing")))
    for _ in range(2):
        with pytest.raises(ValidationFailure, match="MINUS"):
            shapes.validate(data, {thing})


EX = "http://example.org/"
ONE_SPARQL_CONSTRAINT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:select \"\"\"%s\"\"\" ] .
"""
# ex:a has ex:p 2 and 3, ex:b has ex:p 5 and ex:q 1, ex:c has neither.
THINGS = """
@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:p 2, 3 .  ex:b a ex:Thing ; ex:p 5 ; ex:q 1 .  ex:c a ex:Thing .
"""


@pytest.mark.parametrize("select, per_graph, expected", [
    ("SELECT $this WHERE { $this <http://example.org/p> ?x . FILTER (?x > 2) }", True, "ab"),
    ("SELECT $this WHERE { $this <http://example.org/p> ?x } GROUP BY $this "
     "HAVING (COUNT(?x) = 1)", True, "b"),
    # $this bound only where the OPTIONAL matches: ex:c's answer exists only with it bound
    ("SELECT $this WHERE { OPTIONAL { $this <http://example.org/p> ?x } "
     "FILTER (!BOUND(?x)) }", False, "c"),
    # one group for all focus nodes unless $this is bound
    ("SELECT $this WHERE { $this <http://example.org/p> ?x } HAVING (COUNT(?x) = 1)",
     False, "b"),
    ("SELECT $this WHERE { $this <http://example.org/p> ?x } LIMIT 1", False, "ab"),
    # joined with a group whose answers leave $this unbound only when it is bound
    ("SELECT $this WHERE { $this <http://example.org/p> ?x . "
     "{ OPTIONAL { $this <http://example.org/q> ?y } } FILTER (!BOUND(?y)) }", False, "a"),
])
def test_sparql_constraint_answers_each_focus_node_as_if_bound(select: str, per_graph: bool,
                                                                expected: str):
    """A SHACL-SPARQL query runs once per graph with $this free only where its answers with
    $this bound are the same (kg/validate/shacl.py); the others still run once per focus node."""
    shapes = Shapes(Graph().parse(data=ONE_SPARQL_CONSTRAINT % select, format="turtle"))
    data = Graph().parse(data=THINGS, format="turtle")
    things = {URIRef(EX + name) for name in "abc"}
    assert {result.focus for result in shapes.validate(data, things)} == {
        URIRef(EX + name) for name in expected}
    assert _answers_per_focus(_prepared(select, None, frozenset())) is per_graph


def test_shapes_sparql_constraints_run_once_per_graph(context):
    """Each of the shapes' SHACL-SPARQL queries is of the kind answered per graph."""
    queries = [str(text) for text in context.shapes.graph.graph.objects(None, SH.select)]
    namespaces = frozenset((prefix, str(namespace)) for prefix, namespace in PREFIXES.items())
    assert len(queries) == 4
    assert all(_answers_per_focus(_prepared(text, None, namespaces)) for text in queries)


NESTED_PROPERTY = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ] .
"""


def test_property_shape_reports_a_shared_value_node_for_each_focus_node():
    """Property shapes are evaluated once on all value nodes (kg/validate/shacl.py), but a value
    node two focus nodes share is reported once per focus node, as pySHACL does."""
    shapes = Shapes(Graph().parse(data=NESTED_PROPERTY, format="turtle"))
    data = Graph().parse(data="""@prefix ex: <http://example.org/> .
        ex:a a ex:Thing ; ex:p ex:v .  ex:b a ex:Thing ; ex:p ex:v .  ex:c a ex:Thing ; ex:p ex:w .
        """, format="turtle")
    values = set(data.objects(None, URIRef(EX + "p")))
    results = shapes.validate(data, set(data.subjects()) | values)
    assert sorted(str(result.focus) for result in results) == [EX + "v", EX + "v", EX + "w"]


# Evidence, documents and dates at the edges of what the shapes' SHACL-SPARQL queries read:
# characters beyond the BMP, language-tagged and xsd:string texts, two sources, offsets out of
# range or given as strings, dates of each precision against bounds of other types.
EDGES = """
@prefix ckg: <https://w3id.org/caucasus-kg/ontology#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:d1 ckg:text "Hello wörld 😀 and more" ;
    ckg:sha256 "d0e17b9c2d38c2b3d3f0e8c5b1f67fba4e2a4ef09ab8c9e6f3c5cdbb4d0ba111" .
ex:d2 ckg:text "Bonjour le monde"@fr ; ckg:sha256 "ABC" .
ex:d3 ckg:text "" ;
    ckg:sha256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" .
ex:e1 ckg:source ex:d1 ; ckg:quote "Hello" ; ckg:charStart 0 ; ckg:charEnd 5 .
ex:e2 ckg:source ex:d1 ; ckg:quote "wörld" ; ckg:charStart 6 ; ckg:charEnd 12 .
ex:e3 ckg:source ex:d1 ; ckg:quote "😀" ; ckg:charStart 12 ; ckg:charEnd 13 .
ex:e4 ckg:source ex:d1 ; ckg:quote "x" ; ckg:charStart "1" ; ckg:charEnd 3 .
ex:e5 ckg:source ex:d2 ; ckg:quote "Bonjour"@fr ; ckg:charStart 0 ; ckg:charEnd 8 .
ex:e6 ckg:source ex:d1, ex:d2 ; ckg:quote "Hello" ; ckg:charStart 0, 1 ; ckg:charEnd 5, 500 .
ex:e7 ckg:source ex:d1 ; ckg:quote ex:notaliteral ; ckg:charStart -1 ; ckg:charEnd 4 .
ex:e8 ckg:source ex:d3 ; ckg:quote "" ; ckg:charStart 0 ; ckg:charEnd 1 .
ex:t1 ckg:date "2024-05"^^xsd:gYearMonth ;
    ckg:earliest "2024-05-01"^^xsd:date ; ckg:latest "2024-05-31"^^xsd:date .
ex:t2 ckg:date "2024-05"^^xsd:gYearMonth ;
    ckg:earliest "2024-06-01"^^xsd:date ; ckg:latest "2024-05-31"^^xsd:date .
ex:t3 ckg:date "2024"^^xsd:gYear ;
    ckg:earliest "2023-01-01"^^xsd:date, "2024-01-01"^^xsd:date ; ckg:latest "2025"^^xsd:gYear .
ex:t4 ckg:date "2024-05-03"^^xsd:date ;
    ckg:earliest "2024-05-03" ; ckg:latest "2024-05-02"^^xsd:date .
ex:t5 ckg:date "2024-05-03" ; ckg:earliest "2024-05-04"^^xsd:date ; ckg:latest "2024-05-02" .
ex:t6 ckg:date "2024-05-03"^^xsd:date ;
    ckg:earliest "2024-05-04"^^xsd:date, "2024-05-01" ; ckg:latest 5 .
ex:t7 ckg:date "2024-05-03Z"^^xsd:date, "2024-05"^^xsd:gYearMonth ;
    ckg:earliest "2024-05-04Z"^^xsd:date ; ckg:latest "2024-06-02"^^xsd:date .
"""


def shapes_queries(context: Context) -> list[tuple[str, Query]]:
    namespaces = frozenset((prefix, str(namespace)) for prefix, namespace in PREFIXES.items())
    return [(str(text), _prepared(str(text), None, namespaces))
            for text in sorted(context.shapes.graph.graph.objects(None, SH.select))]


def test_shapes_sparql_constraints_answer_by_oxigraph_as_by_rdflib(context):
    """pyoxigraph answers the shapes' SHACL-SPARQL queries (kg/validate/shacl.py) with the
    terms rdflib's engine gives, computed ones (the text at the offsets, its length) too.
    (Tagged strings go to rdflib: the next test.)"""
    data = Graph().parse(data=EDGES.replace('"@fr', '"'), format="turtle")
    namespaces = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    for text, query in shapes_queries(context):
        by_oxigraph = GraphAnswers(data).oxigraph_answers(text, query, namespaces, None)
        by_rdflib = SPARQLProcessor(data).query(query)["bindings"]
        assert by_oxigraph is not None
        assert ({frozenset(answer.items()) for answer in by_oxigraph}
                == {frozenset(answer.items()) for answer in by_rdflib})
        assert by_oxigraph


@pytest.mark.parametrize("literal", ['"400"^^xsd:long', '"Hello"@EN', '"Hello"^^xsd:string',
                                     '"Hello"@en', '"x"^^xsd:integer'])
def test_shapes_sparql_constraints_left_to_rdflib_where_oxigraph_changes_a_term(context,
                                                                               literal: str):
    """Where pyoxigraph would give back a literal other than the data graph's (its store's
    canonical form, a language tag in lower case, xsd:string as plain), or its functions
    treat one otherwise (a tagged string, an ill-typed number), rdflib answers."""
    data = Graph().parse(data=EDGES + f"ex:e1 ckg:charEnd {literal} .", format="turtle")
    namespaces = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    for text, query in shapes_queries(context):
        if "charEnd" in text:
            assert GraphAnswers(data).oxigraph_answers(text, query, namespaces, None) is None


def test_shapes_sparql_constraints_left_to_rdflib_where_oxigraph_refuses_a_term(context):
    """An IRI rdflib keeps and pyoxigraph refuses (a space in it) leaves the graph to rdflib."""
    data = Graph().parse(data=EDGES, format="turtle")
    data.add((URIRef(EX + "an evidence"), CKG.charEnd, Literal(3)))
    namespaces = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    for text, query in shapes_queries(context):
        if "charEnd" in text:
            assert GraphAnswers(data).oxigraph_answers(text, query, namespaces, None) is None
