"""The endpoint over real HTTP: `kg serve` answering SPARQLWrapper and plain requests."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import VOID
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from kg import paths
from kg.corpus import read_corpus
from tests.conftest import WRITER_TOKEN, oxigraph_serving, run_kg, serving

PREFIXES = """PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#>
PREFIX ckr: <https://w3id.org/caucasus-kg/resource/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
AUTH = {"Authorization": f"Bearer {WRITER_TOKEN}"}
UPDATE = {"Content-Type": "application/sparql-update"}


def client(server: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(f"{server}/sparql")
    wrapper.setReturnFormat(JSON)
    return wrapper


def ask(server: str, query: str) -> bool:
    response = requests.get(f"{server}/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    response.raise_for_status()
    return response.json()["boolean"]


def count(server: str, query: str = COUNT_ALL) -> int:
    response = requests.get(f"{server}/sparql", params={"query": query}, timeout=30)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


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


def test_sparql_union_default_graph_holds_each_triple_once(build_dir, tmp_path):
    data = tmp_path / "data.trig"
    data.write_text("<http://example.org/g1> { <http://example.org/a> <http://example.org/p> 1 }\n"
                    "<http://example.org/g2> { <http://example.org/a> <http://example.org/p> 1 ,"
                    " 2 }\n")
    with serving(build_dir, tmp_path / "store", "--data", str(data)) as url:
        rows = requests.get(f"{url}/sparql", params={"query": "SELECT * { ?s ?p ?o }"},
                            timeout=30).json()["results"]["bindings"]
        assert sorted(row["o"]["value"] for row in rows) == ["1", "2"]
        assert count(url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == 2
        assert count(url) == 3  # GRAPH ?g sees each graph's own copy
        graphs = requests.get(f"{url}/sparql", params={
            "query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"}, timeout=30).json()
        assert sorted(row["g"]["value"] for row in graphs["results"]["bindings"]) == [
            "http://example.org/g1", "http://example.org/g2"]


def test_union_default_graph_follows_updates_and_graph_store_writes(writable_server):
    one = "SELECT (COUNT(*) AS ?n) { <http://example.org/twice> ?p ?o }"
    triple = "<http://example.org/twice> <http://example.org/p> 1"
    for graph in ("http://example.org/t1", "http://example.org/t2"):
        requests.post(f"{writable_server}/update", headers={**UPDATE, **AUTH}, timeout=30,
                      data=f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}"
                      ).raise_for_status()
    assert count(writable_server, one) == 1
    assert requests.delete(f"{writable_server}/rdf-graphs", params={
        "graph": "http://example.org/t1"}, headers=AUTH, timeout=30).status_code == 204
    assert count(writable_server, one) == 1  # t2 still holds it
    requests.put(f"{writable_server}/rdf-graphs", params={"default": ""}, data=f"{triple} .",
                 headers={"Content-Type": "text/turtle", **AUTH}, timeout=30
                 ).raise_for_status()
    requests.post(f"{writable_server}/update", headers={**UPDATE, **AUTH}, timeout=30,
                  data="DROP GRAPH <http://example.org/t2>").raise_for_status()
    assert count(writable_server, one) == 1  # the store's own default graph holds it
    assert count(writable_server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { "
                                  "<http://example.org/twice> ?p ?o } }") == 0
    own = requests.get(f"{writable_server}/rdf-graphs", params={"default": ""}, timeout=30,
                       headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=own.text, format="nt")) == 1
    assert requests.delete(f"{writable_server}/rdf-graphs", params={"default": ""},
                           headers=AUTH, timeout=30).status_code == 204
    assert count(writable_server, one) == 0


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


def test_sparql_xml_results_through_sparqlwrapper(server):
    wrapper = client(server)
    wrapper.setReturnFormat(XML)
    wrapper.setQuery(PREFIXES + "SELECT ?d WHERE { ?d a ckg:Document }")
    document = wrapper.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == len(read_corpus(paths.CORPUS_DIR))


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/trig", "application/trig", "trig"),
])
def test_sparql_construct_in_every_rdf_format(server, accept, media, rdflib_format):
    query = PREFIXES + "CONSTRUCT { ckr:armenia ?p ?o } WHERE { ckr:armenia ?p ?o }"
    turtle = requests.get(f"{server}/sparql", params={"query": query},
                          headers={"Accept": "text/turtle"}, timeout=30)
    other = requests.get(f"{server}/sparql", params={"query": query},
                         headers={"Accept": accept}, timeout=30)
    assert other.headers["Content-Type"].startswith(media)
    parsed = Dataset().parse(data=other.text, format=rdflib_format)
    assert len(parsed) == len(Graph().parse(data=turtle.text, format="turtle")) > 0


def test_sparql_format_parameter_beats_accept(server):
    response = requests.get(f"{server}/sparql", params={
        "query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert response.text.splitlines()[0] == "?s" and len(response.text.splitlines()) == 4


@pytest.mark.parametrize(("params", "media"), [
    ({"output": "csv"}, "text/csv"),  # Fuseki's name
    ({"results": "tsv"}, "text/tab-separated-values"),  # Fuseki's old name
    ({"output": "xml", "format": "csv"}, "application/sparql-results+xml"),  # output first
    ({"format": "csv", "results": "tsv"}, "text/csv")])
def test_sparql_output_and_results_parameters_name_the_format_as_in_fuseki(server, params,
                                                                           media):
    for method in ("GET", "POST"):
        sent = {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", **params}
        response = requests.request(method, f"{server}/sparql", timeout=30,
                                    params=sent if method == "GET" else None,
                                    data=sent if method == "POST" else None,
                                    headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == media
    graph = requests.get(f"{server}/sparql", params={
        "query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "output": "ntriples"}, timeout=30)
    assert graph.headers["Content-Type"].startswith("application/n-triples")


def test_sparql_dataset_parameters_narrow_the_default_graph(server):
    graphs = requests.get(f"{server}/sparql", params={
        "query": PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ckg:Document } }"},
        timeout=30).json()
    first = graphs["results"]["bindings"][0]["g"]["value"]
    in_one = count(server, COUNT_ALL.replace("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"))
    response = requests.get(f"{server}/sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": first},
        timeout=30)
    narrowed = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < narrowed < in_one
    named = requests.post(f"{server}/sparql", data={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": first},
        timeout=30).json()["results"]["bindings"]
    assert [row["g"]["value"] for row in named] == [first]


def merged_counts(server: str) -> tuple[int, int, int]:
    """Over HTTP: two graphs sharing triples, and the triples of their default graph when both
    are named with default-graph-uri (by GET and by POST), beside the distinct triples the two
    hold and the sum of their sizes."""
    shared = requests.get(f"{server}/sparql", params={"query": """SELECT ?one ?two WHERE {
        GRAPH ?one { ?s ?p ?o } GRAPH ?two { ?s ?p ?o } FILTER (STR(?one) < STR(?two)) }
        ORDER BY ?one ?two LIMIT 1"""}, timeout=30).json()["results"]["bindings"][0]
    graphs = [shared["one"]["value"], shared["two"]["value"]]
    values = " ".join(f"<{graph}>" for graph in graphs)
    distinct = count(server, f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o
        {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }}""")
    summed = count(server, f"""SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }}
        GRAPH ?g {{ ?s ?p ?o }} }}""")
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": graphs}
    answers = [requests.get(f"{server}/sparql", params=params, timeout=30),
               requests.post(f"{server}/sparql", data=params, timeout=30)]
    merged = {int(answer.json()["results"]["bindings"][0]["n"]["value"]) for answer in answers}
    assert len(merged) == 1, merged
    return merged.pop(), distinct, summed


def test_sparql_several_default_graphs_merge_as_a_set(server):
    """Issue 5: a triple in two of the graphs named by default-graph-uri is in their merge once."""
    merged, distinct, summed = merged_counts(server)
    assert merged == distinct < summed


def test_sparql_default_graph_named_twice_is_there_once(server):
    graph = requests.get(f"{server}/sparql", params={
        "query": "SELECT ?g WHERE { GRAPH ?g {} } ORDER BY ?g LIMIT 1"},
        timeout=30).json()["results"]["bindings"][0]["g"]["value"]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answers = [requests.get(f"{server}/sparql", timeout=30, params={
        "query": query, "default-graph-uri": [graph] * times}) for times in (1, 2)]
    counts = [int(answer.json()["results"]["bindings"][0]["n"]["value"]) for answer in answers]
    assert counts[0] == counts[1] > 0


def test_sparql_front_merges_default_graphs_of_its_remote_store_as_a_set(built, build_dir,
                                                                        tmp_path):
    """The same over `kg serve --store URL`, in front of an Oxigraph server (whose own merge is a
    bag)."""
    dataset = built.release / "dataset.nq"
    with oxigraph_serving(tmp_path / "oxigraph", dataset, options=("--union-default-graph",)
                          ) as remote, serving(build_dir, f"{remote}/query", "--follow", "0"
                                               ) as front:
        merged, distinct, summed = merged_counts(front)
    assert merged == distinct < summed


def test_sparql_direct_post_and_protocol_errors(server):
    direct = requests.post(f"{server}/sparql", data="ASK {}",
                           headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert direct.json()["boolean"] is True
    assert requests.post(f"{server}/sparql", data="ASK {}", headers={
        "Content-Type": "text/plain"}, timeout=30).status_code == 415
    assert requests.get(f"{server}/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
                        timeout=30).status_code == 400
    assert requests.put(f"{server}/sparql?query=ASK%7B%7D", timeout=30).status_code == 405
    utf16 = requests.post(f"{server}/sparql", data="ASK {}".encode("utf-16"), headers={
        "Content-Type": "application/sparql-query; charset=UTF-16"}, timeout=30)
    assert utf16.status_code == 415


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_sparql_head_has_the_headers_of_get_and_no_body(server, encoding):
    # A query's small answer, one large enough to be gzipped, the service description: each
    # asked first with HEAD (answered by Flask), then with GET, then HEAD again (a cache hit).
    for params, accept, large in (
            ({"query": f"SELECT ?s WHERE {{ ?s a ?type }} LIMIT 3 # {encoding}"}, "text/csv",
             False),
            ({"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT 100 # {encoding}"}, "text/csv",
             True),
            ({}, "text/turtle", None)):
        headers = {"Accept": accept, "Accept-Encoding": encoding}
        heads = [requests.head(f"{server}/sparql", params=params, headers=headers, timeout=30)]
        got = requests.get(f"{server}/sparql", params=params, headers=headers, stream=True,
                           timeout=30)
        sent = got.raw.read()  # as it came over the wire (compressed or not)
        heads.append(requests.head(f"{server}/sparql", params=params, headers=headers,
                                   timeout=30))
        for head in heads:
            assert head.status_code == got.status_code == 200 and head.content == b""
            assert {k: v for k, v in head.headers.items() if k != "Date"} == {
                k: v for k, v in got.headers.items() if k != "Date"}
            assert head.headers["Content-Length"] == str(len(sent))
        if large is not None:
            assert (got.headers.get("Content-Encoding") == "gzip") == (
                large and encoding == "gzip")


def test_sparql_answers_carry_an_etag_and_a_conditional_get_is_a_304(writable_server):
    url = f"{writable_server}/sparql"
    query = {"query": "SELECT (COUNT(*) AS ?n) { ?s <http://example.org/tagged> ?o }"}
    first = requests.get(url, params=query, timeout=30)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('"') and tag.endswith('"')
    # Answered ahead of Flask (the same request again), by Flask (Accept written another way,
    # the answer kept for the query and options), and as a HEAD: the same 304 each time.
    answers = [requests.request(method, url, params=query, timeout=30,
                                headers={"If-None-Match": match, **accept})
               for method, match, accept in (
                   ("GET", tag, {}), ("GET", f'"other", W/{tag}', {"Accept": "*/*;q=1"}),
                   ("HEAD", tag, {}), ("GET", "*", {}))]
    for answer in answers:
        assert answer.status_code == 304 and answer.content == b""
        assert answer.headers["ETag"] == tag and "Content-Type" not in answer.headers
    assert {k: v for k, v in answers[0].headers.items() if k != "Date"} == {
        k: v for k, v in answers[1].headers.items() if k != "Date"}
    assert _metric(writable_server,
                   'kg_http_requests_total{endpoint="sparql.sparql",status="304"}') == 4
    stale = requests.get(url, params=query, headers={"If-None-Match": '"other"'}, timeout=30)
    assert stale.status_code == 200 and stale.content == first.content
    as_csv = requests.get(url, params={**query, "format": "csv"}, timeout=30)
    assert as_csv.headers["ETag"] != tag  # another representation of the answer
    requests.post(f"{writable_server}/update", headers={**UPDATE, **AUTH}, timeout=30,
                  data="INSERT DATA { GRAPH <http://example.org/etag> "
                       "{ <http://example.org/a> <http://example.org/tagged> 1 } }"
                  ).raise_for_status()
    after = requests.get(url, params=query, headers={"If-None-Match": tag}, timeout=30)
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_a_gzipped_answer_has_a_weak_etag_that_its_client_revalidates(server):
    params = {"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"}
    plain = requests.get(f"{server}/sparql", params=params, timeout=30,
                         headers={"Accept-Encoding": "identity"})
    zipped = requests.get(f"{server}/sparql", params=params, timeout=30,
                          headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] == f"W/{plain.headers['ETag']}"  # other bytes: a weak tag
    for tag, encoding in ((zipped.headers["ETag"], "gzip"), (plain.headers["ETag"], "gzip"),
                          (zipped.headers["ETag"], "identity")):
        again = requests.get(f"{server}/sparql", params=params, timeout=30,
                             headers={"Accept-Encoding": encoding, "If-None-Match": tag})
        assert again.status_code == 304 and "Content-Encoding" not in again.headers
        assert "Accept-Encoding" in again.headers["Vary"]


def test_resource_pages_carry_an_etag_that_a_conditional_get_checks(server):
    for params in ({"format": "turtle"}, {"format": "html"}):
        page = requests.get(f"{server}/resource/armenia", params=params, timeout=30)
        assert page.status_code == 200 and page.headers["ETag"]
        again = requests.get(f"{server}/resource/armenia", params=params, timeout=30,
                             headers={"If-None-Match": page.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
    other = requests.get(f"{server}/resource/azerbaijan", params={"format": "turtle"},
                         headers={"If-None-Match": page.headers["ETag"]}, timeout=30)
    assert other.status_code == 200


def test_request_size_limit_and_preflight_age_are_set_by_kg_serve(built, build_dir, tmp_path):
    with serving(build_dir, tmp_path / "store", "--max-request-size", "2000",
                 "--cors-max-age", "60") as url:
        for size, status in ((2000, 200), (2001, 413)):
            query = b"ASK {}" + b" " * (size - 6)
            response = requests.post(f"{url}/sparql", data=query, timeout=30,
                                     headers={"Content-Type": "application/sparql-query"})
            assert response.status_code == status
        assert "2000 bytes" in response.text
        preflight = requests.options(f"{url}/sparql", timeout=30, headers={
            "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type"})
        assert preflight.headers["Access-Control-Max-Age"] == "60"
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_sparql_request_over_the_size_limit_is_a_413_that_says_so(server):
    body = b" " * (64 * 1024 * 1024 + 1)  # the default MAX_CONTENT_LENGTH, and a byte
    response = requests.post(f"{server}/sparql", data=body, timeout=60,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and response.headers["Content-Type"].startswith(
        "text/plain")
    assert f"{64 * 1024 * 1024} bytes" in response.text


def test_answers_are_gzipped_for_clients_that_take_it(server):
    params = {"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 300"}
    plain = requests.get(f"{server}/sparql", params=params, timeout=30,
                         headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and len(plain.content) > 10_000
    for _ in range(2):  # answered by Flask, then as a cache hit ahead of it
        zipped = requests.get(f"{server}/sparql", params=params, stream=True, timeout=30,
                              headers={"Accept-Encoding": "gzip"})
        sent = zipped.raw.read()  # as it came over the wire
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert int(zipped.headers["Content-Length"]) == len(sent) < len(plain.content) / 4
        assert gzip.decompress(sent) == plain.content
    assert "Accept-Encoding" in plain.headers["Vary"] and "Accept" in plain.headers["Vary"]
    small = requests.get(f"{server}/sparql", params={"query": "ASK {}"}, timeout=30,
                         headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # too small to be worth it
    page = requests.get(f"{server}/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert page.headers["Content-Encoding"] == "gzip" and "query service" in page.text


def test_sparql_syntax_error_is_a_400_with_the_position(server):
    response = requests.get(f"{server}/sparql", params={"query": "SELEC ?x WHERE {"}, timeout=10)
    assert response.status_code == 400
    assert "syntax error" in response.text.lower() and "1:" in response.text


def test_sparql_without_query_describes_the_service(server):
    response = requests.get(f"{server}/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = {str(o) for o in graph.objects(None, URIRef(sd + "endpoint"))}
    assert endpoints == {f"{server}/sparql"}


def test_void_counts_what_the_store_holds(server):
    graph = Graph().parse(data=requests.get(f"{server}/.well-known/void", timeout=30).text,
                          format="turtle")
    triples = [int(o) for s, o in graph.subject_objects(VOID.triples)
               if (s, None, VOID.Dataset) in graph]
    held = count(server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                         "{ GRAPH ?g { ?s ?p ?o } } }")
    assert triples == [held] and held < count(server)  # triples in several graphs count once
    links = int(next(o for s, o in graph.subject_objects(VOID.triples)
                     if (s, None, VOID.Linkset) in graph))
    assert links == count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s "
                                  "<http://www.w3.org/2002/07/owl#sameAs> ?o }") > 0


def test_cors_health_and_metrics(server):
    response = requests.get(f"{server}/sparql", params={"query": "ASK {}"},
                            headers={"Origin": "https://example.org"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Max-Age" not in response.headers  # for preflights only
    preflight = requests.options(f"{server}/sparql", timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.headers["Access-Control-Max-Age"] == "7200"  # the default
    assert requests.get(f"{server}/health", timeout=10).json()["status"] == "ok"
    metrics = requests.get(f"{server}/metrics", timeout=10).text
    assert 'kg_http_requests_total{endpoint="sparql.sparql",status="200"}' in metrics


def test_repeated_query_is_answered_from_the_cache(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?r }"
    first = requests.get(f"{server}/sparql", params={"query": query}, timeout=30)
    before = _metric(server, "kg_cache_hits_total")
    again = requests.get(f"{server}/sparql", params={"query": query}, timeout=30)
    assert again.content == first.content
    assert _metric(server, "kg_cache_hits_total") == before + 1


def test_each_format_and_dataset_has_its_own_cached_answer(server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
    sent = [({"Accept": "application/sparql-results+json"}, {}),
            ({"Accept": "text/csv"}, {}),
            ({"Accept": "application/sparql-results+json"},
             {"default-graph-uri": "http://example.org/no-such-graph"})]
    first = [requests.get(f"{server}/sparql", params={"query": query, **dataset}, headers=headers,
                          timeout=30) for headers, dataset in sent]
    hits = _metric(server, "kg_cache_hits_total")
    again = [requests.get(f"{server}/sparql", params={"query": query, **dataset},
                          headers=headers, timeout=30) for headers, dataset in sent]
    assert _metric(server, "kg_cache_hits_total") == hits + len(sent)
    assert [r.content for r in again] == [r.content for r in first]
    assert [r.headers["Content-Type"].split(";")[0] for r in again] == [
        "application/sparql-results+json", "text/csv", "application/sparql-results+json"]
    counts = [int(again[0].json()["results"]["bindings"][0]["n"]["value"]),
              int(next(csv.DictReader(io.StringIO(again[1].text)))["n"]),
              int(again[2].json()["results"]["bindings"][0]["n"]["value"])]
    assert counts[0] == counts[1] > 0 == counts[2]


def test_an_update_posted_to_sparql_empties_the_cache(writable_server):
    query = {"query": "SELECT (COUNT(*) AS ?n) { ?s <http://example.org/cached> ?o }"}

    def posted() -> int:
        response = requests.post(f"{writable_server}/sparql", data=query, timeout=30,
                                 headers={"Accept": "application/sparql-results+json"})
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert posted() == posted() == 0
    requests.post(f"{writable_server}/sparql", headers=AUTH, timeout=30, data={
        "update": "INSERT DATA { GRAPH <http://example.org/c> "
                  "{ <http://example.org/a> <http://example.org/cached> 1 } }"}
                  ).raise_for_status()
    assert posted() == 1


def test_a_hit_is_logged_and_counted_and_spends_no_query_time(built, build_dir, tmp_path):
    store = tmp_path / "store"
    with serving(build_dir, store, "--rate", "1e-9") as url:
        query = {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}
        assert requests.get(f"{url}/sparql", params=query, timeout=30).status_code == 200
        over = requests.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert over.status_code == 429  # the first query spent the whole budget
        assert int(over.headers["Retry-After"]) >= 1
        again = requests.get(f"{url}/sparql", params=query, timeout=30)
        assert again.status_code == 200 and _metric(url, "kg_cache_hits_total") == 1
    lines = [json.loads(line.partition(": ")[2]) for line in
             store.with_suffix(".log").read_text().splitlines()
             if line.startswith("caucasus_kg.access: ")]
    assert [(line["status"], line["cached"]) for line in lines
            if line["path"] == "/sparql"] == [(200, False), (429, False), (200, True)]


ALLOWED_ORIGIN = "https://allowed.example"
# (method, query parameters, body, headers): answered ahead of Flask (server/hits.py) when
# repeated; in several formats (by Accept and by `format`), from origins allowed by name, not
# allowed and none, by GET and by both kinds of POST, one answer cut at the row cap.
SENT = [
    ("GET", {"query": COUNT_ALL}, None, {"Accept": "application/sparql-results+json"}),
    ("GET", {"query": "SELECT ?s WHERE { ?s a ?type } LIMIT 3"}, None,
     {"Accept": "text/csv", "Origin": ALLOWED_ORIGIN}),
    ("GET", {"query": "ASK { ?s ?p ?o }", "format": "xml"}, None,
     {"Origin": "https://elsewhere.example"}),
    ("GET", {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}, None,
     {"Accept": "text/turtle", "Origin": ALLOWED_ORIGIN}),
    ("POST", {}, {"query": "SELECT ?p WHERE { ?s ?p ?o } LIMIT 2"},
     {"Accept": "text/tab-separated-values", "Origin": ALLOWED_ORIGIN}),
    ("POST", {}, b"ASK { ?s a ?type }",
     {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}),
]


def test_a_hit_answered_ahead_of_flask_is_flasks_own_answer(built, build_dir, tmp_path):
    store = tmp_path / "store"
    with serving(build_dir, store, "--cors-origin", ALLOWED_ORIGIN, "--max-rows", "50") as url:
        def send(method: str, params: dict, body: object, headers: dict[str, str]
                 ) -> requests.Response:
            return requests.request(method, f"{url}/sparql", params=params, data=body,
                                    headers=headers, timeout=30)

        answers = []
        for method, params, body, headers in SENT:
            first = send(method, params, body, headers)  # a miss: Flask runs the query
            # The same Accept written another way: a request not seen as sent, so Flask answers
            # it from the answer kept for the query and its options; then repeated, it is a hit
            # answered ahead of Flask.
            also = {**headers, "Accept": headers.get("Accept", "*/*") + ";q=1"}
            answers.append((first, send(method, params, body, also),
                            send(method, params, body, also)))
        hits, ok = (_metric(url, "kg_cache_hits_total"),
                    _metric(url, 'kg_http_requests_total{endpoint="sparql.sparql",status="200"}'))
    assert hits == 2 * len(SENT) and ok == 3 * len(SENT)
    for first, by_flask, ahead in answers:
        assert first.status_code == by_flask.status_code == ahead.status_code == 200
        assert first.content == by_flask.content == ahead.content
        headers = [{k: v for k, v in r.headers.items() if k != "Date"}
                   for r in (first, by_flask, ahead)]
        assert headers[0] == headers[1] == headers[2]
    seen = [{k: r.headers.get(k) for k in ("Access-Control-Allow-Origin", "Vary",
                                          "X-KG-Truncated")} for _, _, r in answers]
    both = "Accept, Origin"
    assert seen == [
        {"Access-Control-Allow-Origin": None, "Vary": "Accept", "X-KG-Truncated": None},
        {"Access-Control-Allow-Origin": ALLOWED_ORIGIN, "Vary": both, "X-KG-Truncated": None},
        {"Access-Control-Allow-Origin": None, "Vary": "Accept", "X-KG-Truncated": None},
        {"Access-Control-Allow-Origin": ALLOWED_ORIGIN, "Vary": f"{both}, Accept-Encoding",
         "X-KG-Truncated": "cut at 50 rows"},  # large enough to be gzipped (server/compress.py)
        {"Access-Control-Allow-Origin": ALLOWED_ORIGIN, "Vary": both, "X-KG-Truncated": None},
        {"Access-Control-Allow-Origin": None, "Vary": "Accept", "X-KG-Truncated": None}]
    lines = [json.loads(line.partition(": ")[2]) for line in
             store.with_suffix(".log").read_text().splitlines()
             if line.startswith("caucasus_kg.access: ")]
    assert [(line["method"], line["status"], line["cached"], line["endpoint"], line["bytes"])
            for line in lines if line["path"] == "/sparql"] == [
        (method, 200, cached, "sparql.sparql", int(answer.headers["Content-Length"]))
        for (method, *_), three in zip(SENT, answers, strict=True)
        for cached, answer in zip((False, True, True), three, strict=True)]


def _metric(server: str, name: str) -> float:
    for line in requests.get(f"{server}/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def test_ontology_documentation_is_served(server):
    response = requests.get(f"{server}/ontology", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "PeacekeepingForce" in response.text
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("headers", "params", "rdflib_format"), [
    ({"Accept": "text/turtle"}, {}, "turtle"),
    ({"Accept": "application/ld+json, text/html;q=0.5"}, {}, "json-ld"),
    ({}, {"format": "ntriples"}, "nt")])
def test_ontology_is_served_as_rdf_to_programs_that_ask(server, headers, params, rdflib_format):
    response = requests.get(f"{server}/ontology", headers=headers, params=params, timeout=30)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    ckg = "https://w3id.org/caucasus-kg/ontology#"
    served = {str(s) for s in graph.subjects() if str(s).startswith(ckg)}
    held = requests.get(f"{server}/sparql", timeout=30, params={"query": PREFIXES + """
        SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a owl:Class }
        FILTER (STRSTARTS(STR(?s), STR(ckg:)) && STRENDS(STR(?g), "/graph/ontology")) }"""}
        ).json()["results"]["bindings"]
    assert {row["s"]["value"] for row in held} <= served and len(held) > 10


@contextlib.contextmanager
def listening() -> Iterator[tuple[int, list[object]]]:
    """A port of 127.0.0.1 listening, and the connections made to it while the block runs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    connections: list[object] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                connections.append(listener.accept())

    waiting = threading.Thread(target=accept)
    waiting.start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        time.sleep(0.5)  # a connection on its way is accepted too
        done.set()
        waiting.join()
        listener.close()


def refused_services(server: str, targets: list[str]) -> list[int]:
    return [requests.get(f"{server}/sparql", timeout=10, params={
        "query": f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"}).status_code
        for target in targets]


def test_service_to_an_address_not_allowed_is_refused_without_connecting(server):
    with listening() as (port, connections):
        statuses = refused_services(server, [f"<http://127.0.0.1:{port}/sparql>", "?endpoint"])
    assert statuses == [403, 403] and connections == []


def test_service_allowlisted_by_a_name_of_loopback_is_refused_without_connecting(
        build_dir, built, tmp_path):
    """`127.1` and this machine's own name (where it resolves to loopback, as /etc/hosts has it
    on Debian) pass for public by their look: what they resolve to is checked."""
    with listening() as (port, connections):
        names = ["127.1"] + [name for name in [socket.gethostname()]
                             if socket.gethostbyname(name).startswith("127.")]
        allowed = [f"http://{name}:{port}/sparql" for name in names]
        failing = "http://no-such-host.invalid/sparql"  # RFC 2606: never resolves
        options = [part for iri in [*allowed, failing] for part in ("--allow-service", iri)]
        with serving(build_dir, tmp_path / "store", *options, "--follow", "0") as url:
            statuses = refused_services(url, [f"<{iri}>" for iri in allowed])
            called = requests.get(f"{url}/sparql", timeout=30, params={
                "query": f"SELECT * WHERE {{ SERVICE <{failing}> {{ ?s ?p ?o }} }}"})
    assert statuses == [403] * len(allowed) and connections == []
    # Allowed, called and failing: the endpoint called is at fault (502), said in words.
    assert called.status_code == 502 and "lookup" in called.text


def test_update_needs_a_writer(writable_server):
    before = count(writable_server)
    response = requests.post(f"{writable_server}/update", headers=UPDATE, timeout=30,
                             data="INSERT DATA { GRAPH <http://example.org/g> "
                                  "{ <http://example.org/a> <http://example.org/b> 1 } }")
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    wrong = requests.post(f"{writable_server}/update", timeout=30, data="CLEAR ALL",
                          headers={**UPDATE, "Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    assert count(writable_server) == before


def test_update_that_breaks_the_shapes_is_rejected_and_changes_nothing(writable_server):
    before = count(writable_server)
    update = PREFIXES + """INSERT DATA { GRAPH <http://example.org/contribution> {
        ckr:some-withdrawal a ckg:Withdrawal } }"""
    response = requests.post(f"{writable_server}/update", data=update, timeout=60,
                             headers={**UPDATE, **AUTH, "Accept": "application/json"})
    assert response.status_code == 422
    report = response.json()
    assert any("evidence" in finding["message"] for finding in report["findings"])
    assert count(writable_server) == before


def test_update_accepted_is_visible_and_logged_with_its_writer(writable_server):
    wrapper = SPARQLWrapper(f"{writable_server}/update")
    wrapper.setMethod("POST")
    wrapper.addCustomHttpHeader("Authorization", f"Bearer {WRITER_TOKEN}")
    wrapper.setQuery("INSERT DATA { GRAPH <http://example.org/notes> "
                     "{ <http://example.org/note> <http://example.org/says> \"hello\" } }")
    wrapper.query()
    assert ask(writable_server, 'ASK { <http://example.org/note> ?p "hello" }')
    version = requests.get(f"{writable_server}/health", timeout=10).json()["store_version"]
    assert version != "000001"


def test_update_with_load_is_refused(writable_server):
    response = requests.post(f"{writable_server}/update", timeout=30,
                             data="LOAD <https://example.org/data.ttl>",
                             headers={**UPDATE, **AUTH})
    assert response.status_code == 403


def test_update_syntax_error_is_a_400(writable_server):
    response = requests.post(f"{writable_server}/update", data="CLEAR XYZ", timeout=30,
                             headers={**UPDATE, **AUTH})
    assert response.status_code == 400


def test_slow_query_is_stopped_while_another_client_is_answered(writable_server):
    outcome = {}

    def slow() -> None:
        started = time.monotonic()
        response = requests.get(f"{writable_server}/sparql", params={"query": SLOW}, timeout=60)
        outcome["slow"] = (response.status_code, time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert ask(writable_server, "ASK { ?s ?p ?o }")
    quick = time.monotonic() - started
    thread.join()
    status, seconds = outcome["slow"]
    assert status == 503 and 1.5 < seconds < 10
    assert quick < 1.5
    assert ask(writable_server, "ASK { ?s ?p ?o }")  # the killed worker was replaced


def test_graph_store_put_get_post_delete(writable_server):
    target = f"{writable_server}/rdf-graphs"
    graph = {"graph": "http://example.org/people"}
    turtle = {"Content-Type": "text/turtle", **AUTH}
    alice = "<http://example.org/alice> <http://xmlns.com/foaf/0.1/name> \"Alice\" ."
    bob = "<http://example.org/bob> <http://xmlns.com/foaf/0.1/name> \"Bob\" ."
    assert requests.head(target, params=graph, timeout=30).status_code == 404
    assert requests.put(target, params=graph, data=alice, headers=turtle,
                        timeout=30).status_code == 201
    assert requests.put(target, params=graph, data=alice, headers=turtle,
                        timeout=30).status_code == 204
    assert requests.post(target, params=graph, data=bob, headers=turtle,
                         timeout=30).status_code == 204
    got = requests.get(target, params=graph, headers={"Accept": "application/n-triples"},
                       timeout=30)
    assert len(Graph().parse(data=got.text, format="nt")) == 2
    assert requests.delete(target, params=graph, headers=AUTH, timeout=30).status_code == 204
    assert requests.get(target, params=graph, timeout=30).status_code == 404
    assert requests.put(target, params=graph, data=alice, timeout=30,
                        headers={"Content-Type": "text/turtle"}).status_code == 401


def test_graph_store_post_creates_a_graph_with_a_location(writable_server):
    response = requests.post(f"{writable_server}/rdf-graphs", timeout=30, headers={
        "Content-Type": "text/turtle", **AUTH},
        data="<http://example.org/c> <http://example.org/d> 1 .")
    assert response.status_code == 201
    got = requests.get(f"{writable_server}/rdf-graphs", params={
        "graph": response.headers["Location"]}, timeout=30)
    assert "http://example.org/c" in got.text


def test_graph_store_reads_no_external_entity(writable_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY leak SYSTEM "file://{secret}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/x"><ex:p>&leak;</ex:p></rdf:Description>
</rdf:RDF>"""
    params = {"graph": "http://example.org/xxe"}
    put = requests.put(f"{writable_server}/rdf-graphs", params=params, data=body, timeout=30,
                       headers={"Content-Type": "application/rdf+xml", **AUTH})
    assert put.status_code == 400 and "TOP-SECRET" not in put.text
    got = requests.get(f"{writable_server}/rdf-graphs", params=params, timeout=30)
    assert "TOP-SECRET" not in got.text


def test_graph_store_write_breaking_the_shapes_is_rejected(writable_server):
    params = {"graph": "http://example.org/bad"}
    body = ("@prefix ckg: <https://w3id.org/caucasus-kg/ontology#> .\n"
            "<https://w3id.org/caucasus-kg/resource/x> a ckg:Deployment .\n")
    response = requests.put(f"{writable_server}/rdf-graphs", params=params, data=body,
                            timeout=60, headers={"Content-Type": "text/turtle", **AUTH})
    assert response.status_code == 422 and "request:2" in response.text
    assert requests.get(f"{writable_server}/rdf-graphs", params=params,
                        timeout=30).status_code == 404


def test_csv_answers_parse_as_csv(server):
    response = requests.get(f"{server}/sparql", params={
        "query": PREFIXES + "SELECT ?d ?label WHERE { ?d a ckg:Document ; "
                            "<http://purl.org/dc/terms/title> ?label }", "format": "csv"},
        timeout=30)
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(read_corpus(paths.CORPUS_DIR)) and all(r["label"] for r in rows)


def test_serve_follows_an_edited_data_file_and_keeps_serving(build_dir, tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1 .\n")
    with serving(build_dir, tmp_path / "store", "--data", str(data), "--follow", "0.2") as url:
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 1
        query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
        tag = requests.get(f"{url}/sparql", params=query, timeout=30).headers["ETag"]
        data.write_text("<http://example.org/a> <http://example.org/p> 1, 2, 3 .\n")
        deadline = time.monotonic() + 20
        while count(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") != 3:
            assert time.monotonic() < deadline, "the edited file was not loaded"
            time.sleep(0.2)
        rebuilt = requests.get(f"{url}/sparql", params=query, timeout=30,
                               headers={"If-None-Match": tag})
        assert rebuilt.status_code == 200 and rebuilt.headers["ETag"] != tag


def test_writes_survive_while_the_build_is_unchanged(writable_server):
    requests.post(f"{writable_server}/update", headers={**UPDATE, **AUTH}, timeout=30,
                  data="INSERT DATA { GRAPH <http://example.org/kept> "
                       "{ <http://example.org/k> <http://example.org/v> 1 } }").raise_for_status()
    time.sleep(6)  # longer than the server's look for a new build
    assert ask(writable_server, "ASK { <http://example.org/k> ?p 1 }")


def test_serve_names_the_line_of_bad_data_and_exits_1(tmp_path):
    data = tmp_path / "bad.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1 .\n<oops> .\n")
    result = run_kg("serve", "--data", str(data), "--store", str(tmp_path / "store"))
    assert result.returncode == 1
    assert f"{data}:2:" in result.stderr and "Traceback" not in result.stderr
