"""Screening queries before they run: SERVICE allowlist, LOAD, USING placement, rate budget."""

from __future__ import annotations

import pytest

from server.guard import RateLimiter, Refused, add_using, check_query, is_private, writes_to

WIKIDATA = "https://query.wikidata.org/sparql"


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}",
    "PREFIX wds: <https://query.wikidata.org/> SELECT * { SERVICE SILENT wds:sparql { } }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1/>" }  # SERVICE <http://10.0.0.1/>',
    "SELECT ?service WHERE { ?service <http://example.org/SERVICE> ?load }",
])
def test_check_query_lets_allowed_or_absent_service_through(query):
    check_query(query, [WIKIDATA])


@pytest.mark.parametrize(("query", "reason"), [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "not allowed"),
    ("SELECT * WHERE { service ?where { ?s ?p ?o } }", "variable"),
    ("PREFIX x: <http://127.0.0.1:8000/> SELECT * { SERVICE x:sparql { } }", "not allowed"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
])
def test_check_query_refuses(query, reason):
    with pytest.raises(Refused, match=reason):
        check_query(query, [WIKIDATA])


def test_check_query_refuses_an_allowlisted_private_address():
    with pytest.raises(Refused, match="private"):
        check_query("SELECT * { SERVICE <http://192.168.1.5/sparql> { } }",
                    ["http://192.168.1.5/sparql"])


@pytest.mark.parametrize(("url", "private"), [
    ("http://localhost:8000/", True), ("http://127.0.0.1/", True), ("http://[::1]/", True),
    ("http://10.1.2.3/", True), ("http://169.254.169.254/", True), (WIKIDATA, False),
    ("http://8.8.8.8/", False),
])
def test_is_private(url, private):
    assert is_private(url) is private


def test_add_using_goes_before_each_where_only():
    update = """INSERT { GRAPH <http://g> { ?s a <http://C> } } WHERE { ?s ?p "WHERE" } ;
        DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER EXISTS { ?s ?q ?r } }"""
    placed = add_using(update, ("http://d",), ("http://n",))
    assert placed.count("USING <http://d> USING NAMED <http://n> WHERE") == 2
    assert '"WHERE"' in placed


def test_add_using_conflicts_with_the_updates_own_dataset():
    with pytest.raises(Refused, match="USING or WITH"):
        add_using("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ("http://d",), ())


def test_writes_to_names_target_graphs_and_open_ended_updates():
    assert writes_to("PREFIX e: <http://e/> INSERT DATA { GRAPH e:g { e:a e:b e:c } }") == (
        {"http://e/g"}, False)
    assert writes_to("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }")[1]
    assert writes_to("CLEAR ALL")[1]


def test_rate_limiter_spends_and_refills():
    limiter = RateLimiter(seconds=1.0, window=0.5)
    assert limiter.wait_needed("a") == 0
    limiter.charge("a", 1.5)
    assert limiter.wait_needed("a") > 0 and limiter.wait_needed("b") == 0
    import time
    time.sleep(0.3)
    assert limiter.wait_needed("a") == 0
