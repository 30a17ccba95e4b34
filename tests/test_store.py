"""The embedded store: versions, changes that commit or leave nothing, killable queries, and
answers serialized the way pyoxigraph would."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.store import open_store
from kg.store.base import ANSWER_JSON, QueryOptions, QueryTimeout, select
from kg.store.oxigraph import KEEP_VERSIONS, OxigraphStore, split_lines
from kg.store.results import RESULTS_FORMATS, serialize_solutions, solution_rows

DATA = """<http://e/a> <http://e/p> "x"@en , 1 , _:b , <http://e/c> ,
    "tab\\there, \\"quoted\\"\\nline" .
<http://e/a> <http://e/q> "2024-05-08"^^<http://www.w3.org/2001/XMLSchema#date> .
"""


@pytest.fixture
def store(tmp_path: Path):
    opened = open_store(tmp_path / "store")
    yield opened
    opened.close()


def load(store: OxigraphStore, tmp_path: Path, graph: str = "http://e/g") -> None:
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    store.load(data, graph)


def test_store_change_publishes_a_new_version(store, tmp_path):
    load(store, tmp_path)
    first = store.version
    with store.change("add", user="alice") as draft:
        draft.update("INSERT DATA { GRAPH <http://e/h> { <http://e/b> <http://e/p> 2 } }")
    assert store.version > first and store.count() == 7
    assert store.info()["user"] == "alice" and store.info()["parent"] == first


def test_store_failed_change_leaves_nothing(store, tmp_path):
    load(store, tmp_path)
    version = store.version
    with pytest.raises(RuntimeError), store.change("doomed") as draft:
        draft.update("CLEAR ALL")
        raise RuntimeError("rejected")
    assert store.version == version and store.count() == 6
    assert sorted(p.name for p in (store.path / "versions").iterdir() if p.is_dir()) == [version]


def test_store_keeps_a_few_versions(store, tmp_path):
    for number in range(KEEP_VERSIONS + 2):
        with store.change(f"step {number}") as draft:
            draft.update(f"INSERT DATA {{ <http://e/s> <http://e/n> {number} }}")
    kept = [p for p in (store.path / "versions").iterdir() if p.is_dir()]
    assert len(kept) == KEEP_VERSIONS and store.count() == KEEP_VERSIONS + 2


def test_store_is_one_process_per_folder(store, tmp_path):
    with pytest.raises(KgError, match="in use"):
        OxigraphStore(store.path)


def test_store_query_past_its_time_limit_is_killed_and_the_next_one_answered(store, tmp_path):
    load(store, tmp_path)
    with store.change() as draft:
        draft.update("INSERT DATA { " + " ".join(f"<http://e/s{number}> <http://e/n> {number} ."
                                                 for number in range(40)) + " }")
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
                    " . ?m ?n ?o }", timeout=1)
    assert time.monotonic() - started < 5
    assert select(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"]["value"] == "46"


def test_store_answer_is_cut_at_max_rows_and_says_so(store, tmp_path):
    load(store, tmp_path)
    answer = store.query("SELECT * { ?s ?p ?o }", options=QueryOptions(max_rows=2))
    assert answer.truncated and answer.rows == 2
    assert len(json.loads(answer.body)["results"]["bindings"]) == 2
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", options=QueryOptions(max_rows=10))
    assert not graph.truncated and graph.rows == 6


def test_store_empty_is_an_error(store):
    with pytest.raises(KgError, match="empty"):
        store.query("ASK {}")


@pytest.mark.parametrize("media", list(RESULTS_FORMATS))
def test_serialize_solutions_reads_back_as_pyoxigraphs_own(media):
    memory = ox.Store()
    memory.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?p ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"
    ours = memory.query(query)
    variables = [v.value for v in ours.variables]
    body = serialize_solutions(variables, list(solution_rows(ours, variables)), media)
    theirs = memory.query(query).serialize(format=RESULTS_FORMATS[media])
    assert read_back(body, media) == read_back(theirs, media)


def read_back(body: bytes, media: str) -> list[list[str | None]]:
    if media == "text/csv":  # lossy by design: pyoxigraph does not parse it
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    solutions = ox.parse_query_results(body, format=RESULTS_FORMATS[media])
    variables = [variable.value for variable in solutions.variables]
    return [[None if s[v] is None else str(s[v]) for v in variables] for s in solutions]



UNION_DATA = """<http://e/g1> { <http://e/a> <http://e/p> 1, 2 }
<http://e/g2> { <http://e/a> <http://e/p> 1 . <http://e/b> <http://e/p> 3 }
<http://e/c> <http://e/p> 4 .
"""


def triples(store: OxigraphStore, query: str, options: QueryOptions = ANSWER_JSON
            ) -> list[tuple[str, str, str]]:
    body = json.loads(store.query(query, options=options).body)
    return sorted((row["s"]["value"], row["p"]["value"], row["o"]["value"])
                  for row in body["results"]["bindings"])


@pytest.mark.parametrize(("update", "objects"), [
    ("INSERT DATA { GRAPH <http://e/g3> { <http://e/a> <http://e/p> 1 } }", "1234"),
    ("DELETE DATA { GRAPH <http://e/g1> { <http://e/a> <http://e/p> 1 } }", "1234"),
    ("DROP GRAPH <http://e/g1> ; DROP GRAPH <http://e/g2>", "4"),
    ("MOVE <http://e/g1> TO <http://e/g4>", "1234"),
    ("WITH <http://e/g2> DELETE { ?s ?p ?o } INSERT { ?s ?p 9 } WHERE { ?s ?p ?o }", "12499"),
    ("INSERT DATA { <http://e/d> <http://e/p> 5 }", "12345"),
    ("DELETE WHERE { <http://e/a> ?p ?o }", "1234"),  # named graphs still hold them
    ("INSERT { ?s <http://e/q> ?o } WHERE { ?s <http://e/p> ?o }", "11223344"),
    ("DELETE { GRAPH ?g { ?s ?p 1 } } WHERE { GRAPH ?g { ?s ?p 1 } }", "234"),
    ("CLEAR DEFAULT", "123"),
    ("CLEAR NAMED", "4"),
    ("CLEAR ALL", ""),
])
def test_store_union_holds_every_graphs_triples_once_after_an_update(store, tmp_path, update,
                                                                      objects):
    data = tmp_path / "data.trig"
    data.write_text(UNION_DATA, encoding="utf-8")
    store.load(data)
    store.update(update)
    union = triples(store, "SELECT * { ?s ?p ?o }")
    named = triples(store, "SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }")
    own = triples(store, "SELECT * { ?s ?p ?o }", QueryOptions(union_default_graph=False))
    assert union == sorted(set(named) | set(own))
    assert "".join(sorted(o for _, _, o in union)) == objects


BLANK_DATA = """<http://e/g1> { _:b <http://e/p> 1 . <http://e/a> <http://e/p> _:b }
<http://e/g2> { _:b <http://e/p> 1 }
"""


@pytest.mark.parametrize("update", [
    "INSERT DATA { GRAPH <http://e/g3> { <http://e/d> <http://e/p> 5 } }",  # named graphs only
    "INSERT DATA { <http://e/d> <http://e/p> 5 }",  # anywhere: the union is made again
])
def test_store_union_holds_blank_node_triples_as_their_graphs_do(store, tmp_path, update):
    data = tmp_path / "data.trig"
    data.write_text(BLANK_DATA, encoding="utf-8")
    store.load(data)
    store.update(update)
    blank = "FILTER(isBlank(?s) || isBlank(?o))"
    assert select(store, f"SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o {blank} }}")[0]["n"]["value"] \
        == "2"
    joined = select(store, f"SELECT ?g {{ ?s ?p ?o GRAPH ?g {{ ?s ?p ?o }} {blank} }}")
    assert sorted(row["g"]["value"] for row in joined) == ["http://e/g1"] * 2 + ["http://e/g2"]


def test_store_bad_line_near_the_start_of_a_large_file_stops_the_load_and_leaves_the_store(
        store, tmp_path):
    load(store, tmp_path)
    version, count, threads = store.version, store.count(), threading.active_count()
    bad = tmp_path / "bad.nq"
    with bad.open("w", encoding="utf-8") as lines:
        lines.write("<http://e/a> <http://e/p> \"1\" <http://e/g2> .\n" * 3 +
                    "<http://e/a> <http://e/p> <http://e/g2> <oops .\n")
        lines.writelines(f"<http://e/s{number}> <http://e/p> {number} <http://e/g2> .\n"
                         for number in range(200_000))
    with pytest.raises(KgError, match=f"^{bad}:4:41: syntax error: .*IRI"):
        store.load(bad)
    assert store.version == version and store.count() == count
    assert select(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"]["value"] == "6"
    # no draft, named pipe or scratch folder left, nor a thread still splitting or loading
    assert sorted(p.name for p in (store.path / "versions").iterdir()) == \
        [version, f"{version}.json"]
    assert threading.active_count() == threads


@pytest.mark.parametrize("stopped", [False, True])
def test_split_lines_writes_plain_triples_until_stopped(tmp_path, stopped):
    data = tmp_path / "data.nq"
    data.write_text("<http://e/a> <http://e/p> \"1\" <http://e/g> .\n"
                    "_:b <http://e/p> 2 <http://e/g> .\n", encoding="utf-8")
    stop = threading.Event()
    if stopped:
        stop.set()
    split_lines(data, tmp_path / "plain.nt", tmp_path / "other.nq", stop)
    assert (tmp_path / "plain.nt").read_text() == \
        ("" if stopped else '<http://e/a> <http://e/p> "1" .\n')
    assert (tmp_path / "other.nq").read_text() == \
        ("" if stopped else "_:b <http://e/p> 2 <http://e/g> .\n")
