"""kg/validate/reasoner.py: HermiT finds the ontology consistent, and catches what is not."""

from __future__ import annotations

import subprocess

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from kg import paths
from kg.validate import Context
from kg.validate.locate import Locator
from kg.validate.reasoner import ConsistencyCheck, Hermit, check_consistency, named_classes
from kg.vocab import CKG, CKR

from .conftest import DATA

EX = Namespace("http://example.org/")


def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY_FILE, format="turtle")


def test_check_consistency_accepts_the_ontology_alone():
    assert check_consistency(ontology(), Locator("ontology")) == []


def test_check_consistency_ignores_dates_owl_has_no_datatype_for():
    graph = ontology()
    event = CKR["event/test"]
    graph.add((event, RDF.type, CKG.Withdrawal))
    graph.add((event, CKG.date, Literal("2024-05", datatype=XSD.gYearMonth)))
    graph.add((event, CKG.earliest, Literal("2024-05-01", datatype=XSD.date)))
    graph.add((event, CKG.latest, Literal("2024", datatype=XSD.gYear)))
    assert check_consistency(graph, Locator("dates")) == []


def test_check_consistency_reports_a_state_that_is_a_person():
    graph = ontology()
    armenia = URIRef(CKR["armenia"])
    graph.add((armenia, RDF.type, CKG.State))
    graph.add((armenia, RDF.type, CKG.Person))
    findings = check_consistency(graph, Locator("bad.ttl"))
    assert len(findings) == 1
    assert findings[0].kind.value == "owl" and findings[0].file == "bad.ttl"
    assert findings[0].focus_node == "ckr:armenia"
    assert "both ckg:Person and ckg:State, which are disjoint" in findings[0].message


def test_check_consistency_reports_an_unsatisfiable_class():
    graph = ontology()
    graph.add((EX.StatePerson, RDFS.subClassOf, CKG.State))
    graph.add((EX.StatePerson, RDFS.subClassOf, CKG.Person))
    [finding] = check_consistency(graph, Locator("unsatisfiable.ttl"))
    assert finding.kind.value == "owl" and finding.file == "unsatisfiable.ttl"
    assert finding.message == f"class <{EX.StatePerson}> is unsatisfiable: it can have no instance"


def test_check_consistency_accepts_classes_that_cannot_all_have_instances_at_once():
    # Each class is {ex:a} at most and they are disjoint: either may have ex:a as instance, not
    # both. The first run (an instance of every class) fails; the second finds nothing wrong.
    graph = ontology().parse(format="turtle", data="""
        @prefix ex: <http://example.org/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:Only a owl:Class ; rdfs:subClassOf [ a owl:Class ; owl:oneOf ( ex:a ) ] .
        ex:Other a owl:Class ; rdfs:subClassOf [ a owl:Class ; owl:oneOf ( ex:a ) ] ;
            owl:disjointWith ex:Only .
        """)
    assert check_consistency(graph, Locator("nominals.ttl")) == []


def test_named_classes_include_every_class_hermit_classifies(tmp_path):
    # What the first run's instances must cover: every class HermiT would test for `-U`, which
    # it lists (with owl:Thing and owl:Nothing) as the subclasses of owl:Thing.
    graph = ontology() + Context.from_repository().registry
    graph.parse(DATA / "shapes" / "valid.ttl")
    graph.add((EX.Undeclared, RDFS.subClassOf, CKG.Place))
    graph.add((CKR["example"], RDF.type, EX.Typed))
    ntriples = tmp_path / "graph.nt"
    graph.serialize(ntriples, format="nt", encoding="utf-8")
    run = subprocess.run(Hermit.find(tmp_path).command(
        "-N", f"-s<{OWL.Thing}>", "--ignoreUnsupportedDatatypes", ntriples.as_uri()),
        capture_output=True, text=True, check=True)
    classified = {URIRef(line.strip()) for line in run.stdout.splitlines()[1:]}
    assert {EX.Undeclared, EX.Typed, CKG.Place} <= classified
    assert classified - {OWL.Thing, OWL.Nothing} <= named_classes(graph)


def test_hermit_writes_a_class_data_archive_and_runs_from_it(tmp_path):
    first = Hermit.find(tmp_path)
    assert first.dump is not None and not first.archive.exists()
    with ConsistencyCheck(ontology(), Locator("first"), tmp_path) as check:
        assert check.findings() == []
    assert first.archive.exists() and not list(tmp_path.rglob("*.part"))
    again = Hermit.find(tmp_path)
    assert again.dump is None and again.archive == first.archive
    assert f"-XX:SharedArchiveFile={first.archive}" in again.command()
    with ConsistencyCheck(ontology(), Locator("again"), tmp_path) as check:
        assert check.findings() == []


def test_hermit_runs_as_without_an_archive_java_cannot_use(tmp_path):
    archive = Hermit.find(tmp_path).archive
    archive.write_bytes(b"not an archive")
    graph = ontology()
    graph.add((URIRef(CKR["armenia"]), RDF.type, CKG.Person))
    graph.add((URIRef(CKR["armenia"]), RDF.type, CKG.State))
    with ConsistencyCheck(graph, Locator("bad.ttl"), tmp_path) as check:
        [finding] = check.findings()
    assert "both ckg:Person and ckg:State" in finding.message


def test_hermit_runs_without_an_archive_where_it_cannot_write_one(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    hermit = Hermit.find(blocked)
    assert hermit.archive is None and "-cp" in hermit.command()
    with ConsistencyCheck(ontology(), Locator("ontology"), blocked) as check:
        assert check.findings() == []
