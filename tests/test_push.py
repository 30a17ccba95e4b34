"""`kg push` (kg/store/push.py) into real servers on 127.0.0.1, Oxigraph server and Virtuoso,
through the real command line; and `kg serve --store URL` as a read-only front for them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.store import open_store
from kg.store.base import select
from kg.store.push import BATCH, Changed, requests_of
from kg.store.remote import RemoteStore
from server.writers import hash_token
from tests.conftest import WRITER_TOKEN, generate_dataset, oxigraph_serving, run_kg, serving

SUMMARY = re.compile(r"(\d+) graph\(s\) sent, (\d+) unchanged, (\d+) deleted; (\d+) triples")


@dataclass(frozen=True)
class Target:
    """A store to push to: its endpoints, and whether graphs go by SPARQL Update."""

    query: str
    gsp: str | None = None
    update: str | None = None
    via_update: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        """What `kg push` is told besides --to."""
        return (*(("--gsp", self.gsp) if self.gsp else ()),
                *(("--update", self.update) if self.update else ()),
                *(("--via", "update") if self.via_update else ()))

    def open(self) -> RemoteStore:
        store = open_store(self.query, store=self.gsp, update=self.update,
                           via_update=self.via_update)
        assert isinstance(store, RemoteStore)
        return store


@pytest.fixture(params=["oxigraph-server", "oxigraph-server-update", "virtuoso",
                        "virtuoso-update"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """Each server, written to with the Graph Store Protocol or (-update) SPARQL Update."""
    via_update = request.param.endswith("-update")
    if request.param.startswith("oxigraph-server"):
        with oxigraph_serving(tmp_path / "oxigraph", options=("--union-default-graph",)) as url:
            yield Target(f"{url}/query", via_update=via_update)
    else:
        virtuoso = request.getfixturevalue("virtuoso")
        yield Target(virtuoso.sparql, virtuoso.graph_store, virtuoso.sparql, via_update)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_dataset(tmp_path_factory.mktemp("push") / "synthetic.nq")


def graph_sizes(path: Path) -> Counter[str]:
    """Triples per named graph of a dataset file."""
    return Counter(quad.graph_name.value for quad in
                   set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))


def part_of(dataset: Path, graphs: set[str], output: Path) -> Path:
    """The dataset with only the named graphs."""
    quads = [quad for quad in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS)
             if quad.graph_name.value in graphs]
    output.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return output


def push(target: Target, data: Path, build_dir: Path) -> tuple[int, int, int, int]:
    """Run `kg push`; its summary: graphs sent, unchanged, deleted, and triples."""
    result = run_kg("push", "--to", target.query, *target.options, "--data", str(data),
                    env={"KG_BUILD_DIR": str(build_dir)})
    assert result.returncode == 0, result.stderr
    found = SUMMARY.search(result.stderr)
    assert found, result.stderr
    sent, unchanged, deleted, triples = map(int, found.groups())
    return sent, unchanged, deleted, triples


def held(target: Target, graphs: set[str]) -> Counter[str]:
    """Triples per graph in the store, of the graphs named (others may share the store)."""
    rows = select(target.open(),
                  "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return Counter({row["g"]["value"]: int(row["n"]["value"]) for row in rows
                    if row["g"]["value"] in graphs})


def test_push_sends_every_graph_and_the_store_holds_them(target, dataset, tmp_path):
    sizes = graph_sizes(dataset)
    assert push(target, dataset, tmp_path) == (len(sizes), 0, 0, sizes.total())
    assert held(target, set(sizes)) == sizes


def test_push_resumes_where_a_partial_push_stopped(target, dataset, tmp_path):
    sizes = graph_sizes(dataset)
    first = set(sorted(sizes)[: len(sizes) // 2])
    # what a push stopped halfway leaves: half the graphs sent and in its progress file
    push(target, part_of(dataset, first, tmp_path / "half.nq"), tmp_path)
    sent, unchanged, deleted, _ = push(target, dataset, tmp_path)
    assert (sent, unchanged, deleted) == (len(sizes) - len(first), len(first), 0)
    assert held(target, set(sizes)) == sizes


def test_push_deletes_graphs_gone_from_the_build(target, dataset, tmp_path):
    sizes = graph_sizes(dataset)
    kept = {name for name in sizes if not name.endswith(("0", "1", "2"))}
    assert 0 < len(kept) < len(sizes)
    push(target, dataset, tmp_path)
    sent, unchanged, deleted, _ = push(target, part_of(dataset, kept, tmp_path / "less.nq"),
                                       tmp_path)
    assert (sent, unchanged, deleted) == (0, len(kept), len(sizes) - len(kept))
    assert held(target, set(sizes)) == Counter({name: sizes[name] for name in kept})


def test_push_again_sends_nothing(target, dataset, tmp_path):
    sizes = graph_sizes(dataset)
    push(target, dataset, tmp_path)
    assert push(target, dataset, tmp_path) == (0, len(sizes), 0, sizes.total())


def test_push_notices_a_store_emptied_since_the_last_push(target, dataset, tmp_path):
    push(target, dataset, tmp_path)
    gone = sorted(graph_sizes(dataset))[-1]
    target.open().delete_graph(gone)
    result = run_kg("push", "--to", target.query, *target.options, "--data", str(dataset),
                    env={"KG_BUILD_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert f"<{gone}>: 0 in the store" in result.stderr and "delete" in result.stderr


def test_push_sends_small_graphs_together_only_where_the_store_takes_several():
    sizes = [10, BATCH - 20, 5, BATCH + 1, 3]
    graphs = [Changed(f"http://e/{index}", [ox.Triple(ox.NamedNode("http://e/s"),
                                                      ox.NamedNode("http://e/p"), ox.Literal(n))
                                            for n in range(size)], "")
              for index, size in enumerate(sizes)]
    grouped = [[len(g.triples) for g in group] for group in requests_of(graphs, together=True)]
    assert grouped == [[10, BATCH - 20, 5], [BATCH + 1], [3]]
    assert len(list(requests_of(graphs, together=False))) == len(sizes)


def test_push_to_a_folder_says_it_needs_a_url(dataset, tmp_path):
    result = run_kg("push", "--to", str(tmp_path / "store"), "--data", str(dataset))
    assert result.returncode == 2 and "give its http(s) URL" in result.stderr


def test_push_to_a_store_that_is_not_there_says_so(dataset, tmp_path):
    result = run_kg("push", "--to", "http://127.0.0.1:9/query", "--data", str(dataset),
                    env={"KG_BUILD_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "cannot reach the store at http://127.0.0.1:9/store" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_store_url_is_a_read_only_front(target, dataset, tmp_path):
    push(target, dataset, tmp_path)
    documents = sum(1 for name in graph_sizes(dataset) if "/graph/document/" in name)
    writers = f"alice={hash_token(WRITER_TOKEN)}"
    with serving(tmp_path, target.query, "--follow", "0", env={"KG_WRITERS": writers}) as url:
        answer = requests.get(f"{url}/sparql", params={"query": (
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a "
            "<https://w3id.org/caucasus-kg/ontology#Document> }"), "format": "csv"}, timeout=30)
        assert answer.status_code == 200 and answer.text.split() == ["n", str(documents)]
        page = requests.get(f"{url}/resource/document/synthetic-3-0000000", timeout=30,
                            headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Report synthetic-3-0000000" in page.text
        update = "INSERT DATA { <http://e/s> <http://e/p> 1 }"
        writer = {"Authorization": f"Bearer {WRITER_TOKEN}"}
        for headers in ({}, writer):  # refused before any token is looked at
            for refused in (
                    requests.post(f"{url}/update", data={"update": update}, headers=headers,
                                  timeout=30),
                    requests.put(f"{url}/rdf-graphs", params={"graph": "http://e/g"},
                                 data=b"<http://e/s> <http://e/p> 1 .", timeout=30,
                                 headers={**headers, "Content-Type": "application/n-triples"})):
                assert refused.status_code == 405 and "read-only front" in refused.text
