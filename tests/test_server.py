"""The endpoint over real HTTP: `kg serve` answering SPARQLWrapper and plain requests."""

from __future__ import annotations

import requests
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from kg import paths
from kg.corpus import read_corpus

PREFIXES = """PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#>
PREFIX ckr: <https://w3id.org/caucasus-kg/resource/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def client(server: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(f"{server}/sparql")
    wrapper.setReturnFormat(JSON)
    return wrapper


def test_sparql_select_counts_the_documents(server):
    wrapper = client(server)
    wrapper.setQuery(PREFIXES + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ckg:Document }")
    rows = wrapper.queryAndConvert()["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == len(read_corpus(paths.CORPUS_DIR))


def test_sparql_default_graph_is_the_union(server):
    wrapper = client(server)
    wrapper.setQuery(PREFIXES + """ASK { ckr:armenia owl:sameAs ?wd .
        ?doc ckg:mentions ckr:armenia ; a ckg:Document }""")
    assert wrapper.queryAndConvert()["boolean"] is True


def test_sparql_construct_as_turtle(server):
    wrapper = client(server)
    wrapper.setMethod("POST")
    wrapper.setReturnFormat(TURTLE)
    wrapper.setQuery(PREFIXES + "CONSTRUCT { ckr:armenia ?p ?o } WHERE { ckr:armenia ?p ?o }")
    graph = Graph().parse(data=wrapper.queryAndConvert(), format="turtle")
    assert len(graph) >= 3


def test_sparql_csv_by_accept_header(server):
    wrapper = client(server)
    wrapper.setReturnFormat(CSV)
    wrapper.setQuery(PREFIXES + "SELECT ?d WHERE { ?d a ckg:Document } ORDER BY ?d LIMIT 1")
    lines = wrapper.queryAndConvert().decode().splitlines()
    assert lines[0] == "d" and lines[1].startswith("https://w3id.org/caucasus-kg/resource/")


def test_sparql_syntax_error_is_a_400(server):
    response = requests.get(f"{server}/sparql", params={"query": "SELEC ?x WHERE {"}, timeout=10)
    assert response.status_code == 400
    assert "syntax error" in response.text.lower()


def test_ontology_documentation_is_served(server):
    response = requests.get(f"{server}/ontology", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "PeacekeepingForce" in response.text
