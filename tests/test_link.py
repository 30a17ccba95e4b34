"""kg/link/: linking against a real SPARQL server (Oxigraph) loaded with a Wikidata-shaped world.

Wikidata cannot be reached from the test machines, so tests/data/wikidata/wikidata.ttl, written
in the Query Service's own shape with decoys, stands in for it behind Oxigraph server. Small HTTP
servers in this file stand in for a Wikidata that throttles (429 with Retry-After) or never
answers in time; the code under test is the shipped client throughout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import OWL, RDFS, Dataset, Graph, URIRef

from kg import iris, paths
from kg.entities import entity_triples
from kg.errors import ConfigError, InputError
from kg.link.cache import read_cache
from kg.link.client import USER_AGENT, EndpointUnavailable, WikidataClient, retry_after
from kg.link.enrich import PQ, PS, WDT, P
from kg.link.linking import LinkFiles, LinkReport, link_registry, wikidata_triples
from kg.link.links import read_links
from kg.link.settings import LinkSettings, read_settings
from kg.rdf import write_dataset
from kg.registry import Registry, read_registry
from kg.validate import Context, validate_files
from kg.vocab import CKG, WD
from server import DEFAULTS
from server.guard import Refused, check_query

from .conftest import DATA, oxigraph_serving, run_kg

FIXTURE = DATA / "wikidata"
BAD = DATA / "bad" / "wikidata"


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an Oxigraph server holding the Wikidata-shaped fixture."""
    location = tmp_path_factory.mktemp("wikidata") / "store"
    with oxigraph_serving(location, FIXTURE / "wikidata.ttl") as url:
        yield f"{url}/query"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return read_registry(FIXTURE / "registry.yaml")


@pytest.fixture(scope="module")
def settings() -> LinkSettings:
    return read_settings(paths.WIKIDATA_SETTINGS)


def run(registry: Registry, settings: LinkSettings, folder: Path, client: WikidataClient | None,
        **options) -> LinkReport:
    return link_registry(registry, settings, LinkFiles(folder / "links.yaml",
                                                       folder / "cache.jsonl"), client, **options)


class Waits(list):
    """The clock the client sleeps on: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_link_registry_chooses_the_item_and_not_the_decoys(registry, settings, wikidata,
                                                            tmp_path):
    report = run(registry, settings, tmp_path, WikidataClient(wikidata, 10, 2))
    linked = {key: link.wikidata for key, link in report.links.items()}
    assert linked == {"robert-ghukasyan": "Q900000030",  # not the Russian namesake Q900000031
                      "melikset-poghosyan": "Q900000032",
                      "nerkin-hand": "Q900000020",  # not Q900000021, deprecated instance-of
                      "tavush-province": "Q900000010",  # not the village Tavush Q900000011
                      "ani-badalyan": "Q900000035"}
    assert read_links(tmp_path / "links.yaml") == report.links
    review = {d.entity.key: d for d in report.decisions if d.link is None and d.candidates}
    assert set(review) == {"hayk-baghdasaryan"}
    assert {c.qid for c in review["hayk-baghdasaryan"].candidates} == {"Q900000033",
                                                                        "Q900000034"}
    assert "hayk-baghdasaryan" in (tmp_path / "links.yaml").read_text()
    ghukasyan = next(d for d in report.decisions if d.entity.key == "robert-ghukasyan")
    assert [c.qid for c in ghukasyan.candidates] == ["Q900000030", "Q900000031"]
    assert ghukasyan.candidates[1].score < settings.threshold


def test_link_registry_threshold_and_margin_decide(registry, settings, wikidata, tmp_path):
    # Ani Badalyan has one candidate, but the registry gives her no country to confirm it.
    usual = run(registry, settings, tmp_path, WikidataClient(wikidata))
    assert usual.links["ani-badalyan"].wikidata == "Q900000035"
    assert usual.links["ani-badalyan"].score < 1
    strict = run(registry, settings, tmp_path, None, threshold=0.95)
    assert "ani-badalyan" not in strict.links
    assert "under the threshold" in (tmp_path / "links.yaml").read_text()
    assert "robert-ghukasyan" in strict.links
    tie_broken = run(registry, replace(settings, margin=0.0), tmp_path, None)
    assert tie_broken.links["hayk-baghdasaryan"].wikidata == "Q900000033"


def test_link_registry_works_offline_from_the_cache(registry, settings, wikidata, tmp_path):
    first = run(registry, settings, tmp_path, WikidataClient(wikidata))
    cache = (tmp_path / "cache.jsonl").read_text()
    answers = [json.loads(line) for line in cache.splitlines()]
    assert all(a["retrieved"] and a["sparql"] and a["endpoint"] == wikidata for a in answers)
    dead = WikidataClient("http://127.0.0.1:9/sparql", timeout=1, tries=1)
    again = run(registry, settings, tmp_path, dead)
    assert again.links == first.links and again.unavailable is None  # nothing needed asking
    assert run(registry, settings, tmp_path, None).links == first.links
    assert (tmp_path / "cache.jsonl").read_text() == cache


def test_link_registry_without_network_or_cache_says_so_and_goes_on(registry, settings,
                                                                   tmp_path):
    dead = WikidataClient("http://127.0.0.1:9/sparql", timeout=1, tries=2, sleep=Waits())
    report = run(registry, settings, tmp_path, dead)
    assert report.unavailable and "127.0.0.1:9" in report.unavailable
    assert {e.key for e in report.unasked} >= {"robert-ghukasyan", "nerkin-hand"}
    assert report.links == {} and not report.decisions


def test_refresh_reports_redirected_deleted_and_relabelled_qids(registry, settings, wikidata,
                                                                tmp_path):
    report = run(registry, settings, tmp_path, WikidataClient(wikidata), refresh=True)
    problems = {p.entity.key: p.message for p in report.problems}
    assert set(problems) == {"photolure", "getty-images", "caucasus-institute"}
    assert "redirected to wd:Q900000061" in problems["photolure"]
    assert "deleted" in problems["getty-images"]
    assert "Institute for Caucasian Studies" in problems["caucasus-institute"]
    assert not run(registry, settings, tmp_path, WikidataClient(wikidata)).problems


def test_wikidata_triples_enrich_linked_items_with_provenance(registry, settings, wikidata,
                                                               tmp_path):
    run(registry, settings, tmp_path, WikidataClient(wikidata))
    links, facts = wikidata_triples(registry, tmp_path / "links.yaml",
                                    read_cache(tmp_path / "cache.jsonl"))
    links_graph, graph = Graph(), Graph()
    for triple in links:
        links_graph.add(triple)
    for triple in facts:
        graph.add(triple)
    assert (iris.entity("nerkin-hand"), OWL.sameAs, WD.Q900000020) in links_graph
    link = links_graph.value(predicate=CKG.linkedEntity, object=iris.entity("nerkin-hand"))
    assert float(links_graph.value(link, CKG.linkScore)) >= settings.threshold
    assert (iris.entity("armenia"), OWL.sameAs, None) not in links_graph  # the registry's own

    armenia = WD.Q399
    assert graph.value(armenia, WDT.P625) is not None
    assert {label.language for label in graph.objects(armenia, RDFS.label)} == {
        "en", "hy", "ru", "az"}
    assert (armenia, WDT.P463, WD.Q318693) in graph
    statement = graph.value(WD.Q900000030, P.P39)
    assert graph.value(statement, PS.P39) == WD.Q900000040
    assert str(graph.value(statement, PQ.P580)).startswith("2021-01-15")
    deprecated = URIRef("http://www.wikidata.org/entity/statement/Q900000032-p39-wrong")
    assert (None, None, deprecated) not in graph
    answer = graph.value(predicate=CKG.wikidataItem, object=armenia)
    assert "VALUES ?item" in str(graph.value(answer, CKG.sparqlQuery))
    assert graph.value(answer, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None


def test_check_lists_where_documents_and_wikidata_disagree(registry, settings, wikidata,
                                                           tmp_path):
    report = run(registry, settings, tmp_path, WikidataClient(wikidata),
                 check=FIXTURE / "claims.trig")
    found = {(d.subject, d.documents_say, d.wikidata_says) for d in report.disagreements}
    assert found == {
        ("Belarus member of wd:Q318693", "a member",
         "wd:Q184 has no member of (P463) wd:Q318693"),
        ("Governor of wd:Q2523428 on 2021-05-10", "Melikset Poghosyan",
         "Robert Ghukasyan (wd:Q900000030)"),
    }
    assert all(d.quote and d.document.endswith(("csto-2023", "governor-2021"))
               for d in report.disagreements)


@contextmanager
def stand_in(answer) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A tiny HTTP server on 127.0.0.1 whose `answer(handler, number)` handles each POST;
    yields its URL and the headers of the requests it got."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(dict(self.headers))
            answer(self, len(seen))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()


def too_many_requests(handler: BaseHTTPRequestHandler, seconds: str, status: int = 429) -> None:
    handler.send_response(status)
    handler.send_header("Retry-After", seconds)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_client_waits_as_retry_after_says_then_gets_the_answer(registry, settings, wikidata,
                                                               tmp_path):
    def answer(handler: BaseHTTPRequestHandler, number: int) -> None:
        body = handler.rfile.read(int(handler.headers["Content-Length"]))
        if number == 1:
            return too_many_requests(handler, "7")
        forwarded = requests.post(wikidata, data=body, timeout=10, headers={
            "Content-Type": handler.headers["Content-Type"],
            "Accept": handler.headers["Accept"]})
        handler.send_response(forwarded.status_code)
        handler.send_header("Content-Type", forwarded.headers["Content-Type"])
        handler.send_header("Content-Length", str(len(forwarded.content)))
        handler.end_headers()
        handler.wfile.write(forwarded.content)

    waits = Waits()
    with stand_in(answer) as (url, seen):
        report = run(registry, settings, tmp_path, WikidataClient(url, 10, 3, sleep=waits))
    assert waits == [7.0]
    assert report.links["robert-ghukasyan"].wikidata == "Q900000030"
    assert all(headers["User-Agent"] == USER_AGENT for headers in seen)
    names = sum(len(e.names) for e in registry if not e.wikidata)
    assert len(seen) - 1 < names  # names went in batches (VALUES), not one request each


@pytest.mark.parametrize("status", [429, 503])
def test_client_gives_up_on_endless_throttling_and_reports_it(status):
    waits = Waits()
    with (stand_in(lambda handler, number: too_many_requests(handler, "2", status)) as (url, seen),
          pytest.raises(EndpointUnavailable, match=f"HTTP {status}")):
        WikidataClient(url, 5, tries=3, sleep=waits).select("ASK {}")
    assert waits == [2.0, 2.0] and len(seen) == 3


def test_client_timeout_is_retried_then_reported_and_linking_goes_on(registry, settings,
                                                                      tmp_path):
    release = threading.Event()

    def never_in_time(handler: BaseHTTPRequestHandler, number: int) -> None:
        release.wait(10)

    waits = Waits()
    with stand_in(never_in_time) as (url, seen):
        try:
            report = run(registry, settings, tmp_path,
                         WikidataClient(url, timeout=0.3, tries=2, first_wait=1, sleep=waits))
        finally:
            release.set()
    assert len(seen) == 2 and waits == [1]
    assert "timed out" in report.unavailable and report.unasked and not report.links


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("120", 5.0) == 120.0
    assert retry_after(None, 5.0) == 5.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 5.0) == 0.0  # in the past: go now
    assert retry_after("soon", 5.0) == 5.0


@pytest.mark.parametrize(("name", "line", "problem"), [
    ("malformed-line.jsonl", 2, "not a JSON object"),
    ("missing-rows.jsonl", 1, "lacks rows"),
])
def test_read_cache_names_file_and_line_of_a_bad_answer(name, line, problem):
    with pytest.raises(InputError, match=problem) as error:
        read_cache(BAD / name)
    assert error.value.line == line and error.value.path == BAD / name


@pytest.mark.parametrize(("name", "line", "problem"), [
    ("unknown-type.yaml", 9, "'Persn' is not a registry type"),
    ("bad-threshold.yaml", 2, "'threshold' must be a float from 0 to 1"),
    ("class-not-a-qid.yaml", 9, "'classes' must be a list of QIDs"),
])
def test_read_settings_names_the_line_of_a_bad_setting(name, line, problem):
    with pytest.raises(ConfigError, match=problem) as error:
        read_settings(BAD / name)
    assert error.value.line == line


def test_read_links_names_the_line_of_a_bad_link():
    with pytest.raises(InputError, match="not a QID") as error:
        read_links(BAD / "link-not-a-qid.yaml")
    assert error.value.line == 3


def test_kg_link_command_links_caches_and_reruns_offline(wikidata, tmp_path):
    options = ["--cache", str(tmp_path / "cache.jsonl"), "--links", str(tmp_path / "links.yaml")]
    result = run_kg("link", "--endpoint", wikidata, *options)
    assert result.returncode == 0, result.stderr
    assert "robert-ghukasyan -> wd:Q900000030" in result.stdout
    assert "hayk-baghdasaryan: ambiguous" in result.stdout
    offline = run_kg("link", "--offline", *options)
    assert offline.returncode == 0, offline.stderr
    assert "robert-ghukasyan -> wd:Q900000030" in offline.stdout
    bad = run_kg("link", "--offline", "--cache", str(BAD / "malformed-line.jsonl"),
                 "--links", str(tmp_path / "links.yaml"))
    assert bad.returncode == 1 and "malformed-line.jsonl:2:" in bad.stderr


FEDERATED = paths.QUERIES_DIR / "federated" / "csto-members-per-wikidata.rq"


def test_federated_example_passes_the_endpoints_service_guard():
    sparql = FEDERATED.read_text(encoding="utf-8")
    check_query(sparql, DEFAULTS["SERVICE_ALLOWLIST"])  # allowed by default: no Refused
    with pytest.raises(Refused, match="not allowed"):
        check_query(sparql, ["https://example.org/sparql"])


def test_federated_example_joins_the_graph_with_a_wikidata_shaped_service(registry, wikidata):
    """The example's own text, its SERVICE pointed at the fixture server, run by pyoxigraph
    (the endpoint's engine) over the test documents and the registry's links."""
    store = ox.Store()
    store.load(path=str(FIXTURE / "claims.trig"), format=ox.RdfFormat.TRIG)
    for subject, predicate, obj in (t for e in registry for t in entity_triples(e)
                                    if t[1] == OWL.sameAs):
        store.add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj)))
    sparql = FEDERATED.read_text(encoding="utf-8").replace(DEFAULTS["SERVICE_ALLOWLIST"][0],
                                                            wikidata)
    rows = {(s["item"].value, s["state"].value if s["state"] else None,
             s["status"].value if s["status"] else None)
            for s in store.query(sparql, use_default_graph_as_union=True)}
    assert rows == {(str(WD.Q399), str(iris.entity("armenia")), str(CKG.Frozen)),
                    (str(WD.Q159), str(iris.entity("russia")), None)}


def test_links_and_wikidata_graphs_pass_the_build_validation(registry, settings, wikidata,
                                                              tmp_path):
    run(registry, settings, tmp_path, WikidataClient(wikidata))
    links, facts = wikidata_triples(registry, tmp_path / "links.yaml",
                                    read_cache(tmp_path / "cache.jsonl"))
    dataset = Dataset()
    for name, triples in ((iris.LINKS_GRAPH, links), (iris.WIKIDATA_GRAPH, facts)):
        graph = dataset.graph(name)
        for triple in triples:
            graph.add(triple)
    trig = tmp_path / "wikidata.trig"
    write_dataset(dataset, trig)
    assert validate_files([trig], Context.from_repository(), reason=True) == []
