"""kg/validate/reasoner.py: HermiT finds the ontology consistent, and catches what is not."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg import paths
from kg.validate.locate import Locator
from kg.validate.reasoner import check_consistency
from kg.vocab import CKG, CKR


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
