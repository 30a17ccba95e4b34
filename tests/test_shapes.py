"""shapes/: the valid example conforms; each bad file trips exactly the shape its name is for.

Each file in tests/data/shapes/bad/ and warn/ says on its first line which shape and constraint
component it must trip (`# fault: cksh:Shape sh:Component`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyshacl.errors import ValidationFailure
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import SH

from kg.rdf import PREFIXES, write_dataset
from kg.validate import Context, read_units, validate_files, validate_units
from kg.validate.findings import Kind, Severity
from kg.validate.locate import Locator
from kg.validate.shacl import PARALLEL_FROM, Shapes, _answers_per_focus, _prepared

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
