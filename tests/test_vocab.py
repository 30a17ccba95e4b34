"""kg/vocab.py against ontology/caucasus-kg.ttl, and the ontology against the public contract."""

from __future__ import annotations

import re

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import paths
from kg.vocab import CKG

NAMESPACE = str(CKG._NS)


def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY_FILE, format="turtle")


def defined(graph: Graph) -> set[str]:
    return {str(s)[len(NAMESPACE):] for s in graph.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)}


def test_vocab_names_exactly_the_ontology_terms():
    in_python = {name for name in CKG.__annotations__}
    assert in_python == defined(ontology())


def test_vocab_refuses_a_misspelt_term():
    try:
        CKG.Withdrawl  # noqa: B018
    except AttributeError as error:
        assert "Withdrawl" in str(error)
    else:
        raise AssertionError("CKG.Withdrawl should not exist")


def test_ontology_defines_every_contract_name(shared):
    contract = (shared / "VOCABULARY.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`ckg:([A-Za-z]+)`", contract))
    assert len(names) > 60
    assert names <= defined(ontology())


def test_ontology_labels_and_comments_every_term():
    graph = ontology()
    for name in defined(graph):
        term = CKG[name]
        assert graph.value(term, RDFS.label) is not None, name
        assert graph.value(term, RDFS.comment) is not None, name


def test_ontology_event_roles_are_involves_and_located_in_transitive():
    graph = ontology()
    for role in (CKG.agent, CKG.participant, CKG.force, CKG.location, CKG.affected):
        assert (role, RDFS.subPropertyOf, CKG.involves) in graph
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in graph


def test_ontology_gives_every_event_class_a_cameo_code():
    graph = ontology()
    events = set(graph.transitive_subjects(RDFS.subClassOf, CKG.Event)) - {CKG.Event}
    assert len(events) >= 9
    for event in events:
        codes = [str(code) for code in graph.objects(event, CKG.cameoCode)]
        assert codes and all(re.fullmatch(r"\d{2,4}", code) for code in codes), event


def test_ontology_aligns_with_established_vocabularies():
    graph = ontology()
    namespaces = {"http://semanticweb.cs.vu.nl/2009/11/sem/", "http://www.w3.org/ns/org#",
                  "http://www.w3.org/ns/prov#", "https://schema.org/",
                  "http://dbpedia.org/ontology/"}
    aligned = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass)
               for o in graph.objects(None, p)}
    for namespace in namespaces:
        assert any(term.startswith(namespace) for term in aligned), namespace
