"""The W3C Protocol and Graph Store Protocol tests (kg/conformance.py) on real servers, and the
runner's comparisons on small inputs. The manifests are ../shared/w3c's, read as data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kg.conformance import (
    Endpoint,
    Expected,
    Outcome,
    Reply,
    Verdict,
    accepts,
    check_reply,
    is_update,
    read_manifests,
    render_text,
    run_conformance,
    same_content_type,
    target_url,
)
from kg.errors import KgError
from tests.conftest import WRITER_TOKEN, free_port, run_kg, serving

PROTOCOL = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"
GSP = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/manifest#"
ENDPOINT = Endpoint("http://host/sparql", "http://host/update", "http://host/rdf-graphs")
TURTLE = "text/turtle; charset=utf-8"


@pytest.fixture(scope="module")
def manifests(shared: Path) -> Path:
    return shared / "w3c"


@pytest.fixture(scope="module")
def conformance_server(built, build_dir: Path, tmp_path_factory: pytest.TempPathFactory
                       ) -> Iterator[str]:
    """Our endpoint with the build and a writer, of this module's own: the W3C tests clear
    every graph, which the session's shared servers must keep."""
    from server.writers import hash_token

    with serving(build_dir, tmp_path_factory.mktemp("conformance"),
                 env={"KG_WRITERS": f"alice={hash_token(WRITER_TOKEN)}"}) as url:
        yield url


def test_conformance_our_endpoint_passes_every_w3c_test(manifests, conformance_server):
    url = conformance_server
    result = run_kg("conformance", f"{url}/sparql", "--update", f"{url}/update", "--gsp",
                    f"{url}/rdf-graphs", "--token", WRITER_TOKEN, "--manifests", str(manifests),
                    "--format", "json")
    report = json.loads(result.stdout)
    not_passed = [test for test in report["tests"] if test["verdict"] != "passed"]
    assert not_passed == [], result.stdout
    assert result.returncode == 0
    assert len(report["tests"]) == len(read_manifests(manifests))
    assert sum(test["test"].startswith(PROTOCOL) for test in report["tests"]) == 34
    assert sum(test["test"].startswith(GSP) for test in report["tests"]) == 13


def test_conformance_without_a_token_fails_the_writes_and_says_why(manifests, server):
    # The session's read-only server: every write is refused, so nothing it holds changes.
    result = run_kg("conformance", f"{server}/sparql", "--manifests", str(manifests),
                    "--format", "junit")
    assert result.returncode == 1
    cases = {case.get("name"): case
             for case in ET.fromstring(result.stdout).findall("./testsuite/testcase")}
    assert "status 401" in cases[PROTOCOL + "update_post_direct"].find("failure").get("message")
    assert "could not load" in cases[PROTOCOL + "query_dataset_full"].find(
        "failure").get("message")
    assert cases[PROTOCOL + "query_get"].find("failure") is None
    assert cases[PROTOCOL + "bad_update_get"].find("failure") is None
    assert "--gsp" in cases[GSP + "put_get_default"].find("skipped").get("message")


def test_conformance_runs_on_oxigraph_server(manifests, oxigraph_server):
    cases = read_manifests(manifests)
    outcomes = run_conformance(cases, Endpoint(f"{oxigraph_server}/query",
                                               f"{oxigraph_server}/update",
                                               f"{oxigraph_server}/store"))
    assert [outcome.test for outcome in outcomes] == [case.iri for case in cases]
    verdicts = {outcome.test: outcome.verdict for outcome in outcomes}
    assert Verdict.SKIPPED not in verdicts.values()
    for name in ("query_get", "query_post_form", "query_post_direct", "query_dataset_full",
                 "update_post_direct", "bad_query_syntax"):
        assert verdicts[PROTOCOL + name] is Verdict.PASSED, name
    assert verdicts[GSP + "put_get_repeat_indirect"] is Verdict.PASSED


def test_conformance_endpoint_not_answering_could_not_run(manifests):
    result = run_kg("conformance", f"http://127.0.0.1:{free_port()}/sparql", "--manifests",
                    str(manifests))
    assert result.returncode == 2
    assert "does not answer" in result.stderr and "Traceback" not in result.stderr


def test_conformance_folder_without_manifests_could_not_run(tmp_path):
    result = run_kg("conformance", "http://127.0.0.1:1/sparql", "--manifests", str(tmp_path))
    assert result.returncode == 2
    assert f"no manifest.ttl under {tmp_path}" in result.stderr


def test_read_manifests_classifies_each_request(manifests):
    cases = {case.iri.rsplit("#", 1)[1]: case for case in read_manifests(manifests)}
    first, second = cases["update_dataset_full"].steps
    assert is_update(cases["update_dataset_full"], first)
    assert not is_update(cases["update_dataset_full"], second)
    for name in ("bad_update_wrong_media_type", "bad_update_missing_form_type",
                 "bad_update_get", "update_post_form"):
        assert is_update(cases[name], cases[name].steps[0]), name
    for name in ("bad_query_wrong_media_type", "bad_query_missing_form_type", "query_post_form"):
        assert not is_update(cases[name], cases[name].steps[0]), name
    assert [file.name for _, file in cases["query_dataset_full"].graph_data] == [
        "data1.nt", "data2.nt", "data3.nt"]


def test_read_manifests_of_a_missing_place_is_an_error(tmp_path):
    with pytest.raises(KgError, match="no manifests at"):
        read_manifests(tmp_path / "absent")


@pytest.mark.parametrize(("status", "code", "covered"), [
    ("StatusCode2xx", 204, True), ("StatusCode4xx", 415, True), ("StatusCode2xx", 302, False),
    ("NoContent", 204, True), ("OK", 204, False), ("NotFound", 404, True)])
def test_accepts_status_names_and_classes(status, code, covered):
    assert accepts(status, code) is covered


def test_same_content_type_compares_charset_only_where_both_name_one():
    assert same_content_type(TURTLE, "text/turtle;charset=UTF-8")
    assert same_content_type(TURTLE, "text/turtle")
    assert not same_content_type(TURTLE, "text/turtle; charset=iso-8859-1")
    assert not same_content_type(TURTLE, "application/n-triples")


def test_target_url_replaces_the_manifest_prefixes():
    assert target_url("/sparql/?query=ASK", False, ENDPOINT) == "http://host/sparql?query=ASK"
    assert target_url("/sparql/", True, ENDPOINT) == "http://host/update"
    assert target_url("/gsp/person/1.ttl", False, ENDPOINT) == "http://host/rdf-graphs/person/1.ttl"
    assert target_url("/gsp?default", False, ENDPOINT) == "http://host/rdf-graphs?default"
    keyed = Endpoint("http://host/sparql?key=k")
    assert target_url("/sparql/?query=ASK", False, keyed) == "http://host/sparql?key=k&query=ASK"
    with pytest.raises(KgError, match="neither"):
        target_url("/other/", False, ENDPOINT)


def boolean_reply(value: str, media: str = "application/sparql-results+json") -> Reply:
    return Reply(200, {"content-type": media}, f'{{"head": {{}}, "boolean": {value}}}'.encode())


def test_check_reply_status_comes_first():
    problem = check_reply(Expected(("StatusCode4xx",)), Reply(200, {}, b"fine\n"), "http://h/")
    assert problem == "status 200, expected hts:StatusCode4xx (fine)"


def test_check_reply_boolean_and_its_format():
    expected = Expected(("StatusCode2xx",), boolean=True, form="boolean")
    assert check_reply(expected, boolean_reply("true"), "http://h/") is None
    assert check_reply(expected, boolean_reply("false"), "http://h/") == (
        "the answer is false, expected true")
    assert "a boolean answer expected" in check_reply(
        expected, boolean_reply("true", "application/json"), "http://h/")
    tabular = Expected(("StatusCode2xx",), form="tabular")
    assert "SELECT results expected" in check_reply(tabular, boolean_reply("true"), "http://h/")
    assert check_reply(tabular, Reply(200, {"content-type": "text/csv"}, b"value\r\n1\r\n"),
                       "http://h/") is None


def test_check_reply_compares_graphs_up_to_blank_nodes():
    expected = Expected(("OK",), content_type=TURTLE,
                        body='<http://e/s> <http://e/p> [ <http://e/q> "a" ] .')
    same = b'<http://e/s> <http://e/p> _:x .\n_:x <http://e/q> "a" .\n'
    other = b'<http://e/s> <http://e/p> _:x .\n_:x <http://e/q> "b" .\n'
    headers = {"content-type": "application/n-triples"}
    wrong_type = check_reply(expected, Reply(200, headers, same), "http://h/")
    assert wrong_type == ("Content-Type 'application/n-triples', expected "
                          "'text/turtle; charset=utf-8'")
    loose = Expected(("OK",), body=expected.body)
    assert check_reply(loose, Reply(200, headers, same), "http://h/") is None
    differs = check_reply(loose, Reply(200, headers, other), "http://h/")
    assert differs.startswith("the graph differs from the expected one: 1 triple(s) missing, "
                              "1 unexpected")



def test_render_text_gives_each_reason_and_the_count():
    outcomes = [Outcome(PROTOCOL + "query_get", "query via GET", "SPARQL Protocol",
                        Verdict.PASSED),
                Outcome(GSP + "put_get_default", "PUT/GET", "GSP", Verdict.FAILED, "status 500")]
    assert render_text(outcomes) == (
        "PASSED  protocol#query_get: query via GET\n"
        "FAILED  http-rdf-update#put_get_default: PUT/GET\n"
        "        status 500\n"
        "2 tests: 1 passed, 1 failed, 0 skipped\n")
