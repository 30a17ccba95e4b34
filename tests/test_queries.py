"""queries/: each competency question of ../shared/COMPETENCY.md answered by the built graph.

The expected answers are the ones COMPETENCY.md states the corpus supports; the graph must
produce them by extraction, never from code that knows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kg import paths
from kg.corpus import read_corpus
from kg.queries import read_queries
from kg.registry import read_registry

QUERIES = {query.name: query for query in read_queries()}


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(built.release / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def rows(store: ox.Store, name: str) -> Iterator[dict[str, str | None]]:
    results = store.query(QUERIES[name].sparql, use_default_graph_as_union=True)
    variables = [v.value for v in results.variables]
    for solution in results:
        yield {v: (solution[v].value if solution[v] is not None else None) for v in variables}


def label_set(store: ox.Store, name: str, column: str) -> set[str]:
    return {row[column] for row in rows(store, name) if row[column]}


def test_every_competency_question_has_a_query(shared):
    questions = re.findall(r"^\d+\. ", (shared / "COMPETENCY.md").read_text(), re.MULTILINE)
    assert len(QUERIES) == len(questions) == 12


def test_query_02_names_the_five_provinces(store):
    assert label_set(store, "02-border-guard-withdrawal", "provinceLabel") == {
        "Tavush Province", "Syunik Province", "Vayots Dzor Province", "Gegharkunik Province",
        "Ararat Province"}


def test_query_02_names_the_agreement_and_who_agreed(store):
    assert label_set(store, "02-border-guard-withdrawal", "agreedBy") == {
        "Vladimir Putin", "Nikol Pashinyan"}


def test_query_03_keeps_guards_on_the_turkish_and_iranian_borders(store):
    registry = read_registry(paths.REGISTRY_FILE)
    expected = {e.label for e in registry if e.type == "Border"
                and set(e.border_of) in ({"armenia", "turkey"}, {"armenia", "iran"})}
    assert len(expected) == 2
    assert label_set(store, "03-border-guards-stay", "borderLabel") == expected


def test_query_05_quotes_peskov_exactly(store):
    texts = {f"https://w3id.org/caucasus-kg/resource/document/{d.key}": d.body
             for d in read_corpus(paths.CORPUS_DIR)}
    found = list(rows(store, "05-peskov-statements"))
    assert any(row["words"].startswith("In the autumn 2020, at the request of the Armenian side")
               for row in found)
    assert len({row["document"] for row in found}) >= 3
    assert all(row["words"] in texts[row["document"]] for row in found)


def test_query_07_is_a_timeline_oldest_first(store):
    timeline = list(rows(store, "07-timeline-russian-forces"))
    dated = [row["earliest"] for row in timeline if row["earliest"]]
    assert len(dated) >= 3 and dated == sorted(dated)
    assert {"Withdrawal", "Deployment", "Reinforcement"} <= {row["type"] for row in timeline}
    assert dated[0].startswith("2020")  # the peacekeepers' deployment after the 2020 war


def test_query_10_links_each_state_to_its_registry_item(store):
    registry = read_registry(paths.REGISTRY_FILE)
    links = {row["entity"].rsplit("/", 1)[1]: row["wikidata"]
             for row in rows(store, "10-wikidata-links")}
    for entity in registry:
        if entity.type == "State":
            assert links[entity.key] == f"http://www.wikidata.org/entity/{entity.wikidata}"


def test_query_11_knows_the_guards_left_nerkin_hand(store):
    found = list(rows(store, "11-nerkin-hand"))
    assert any(row["type"] == "Withdrawal" and row["status"] == "Completed" for row in found)


def test_query_11_says_by_whose_word(store):
    assert "Robert Ghukasyan" in label_set(store, "11-nerkin-hand", "speaker")


def test_query_01_lists_the_csto_members(store):
    found = {row["label"]: row["statuses"] for row in rows(store, "01-csto-members")}
    assert set(found) == {"Russia", "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan",
                          "Tajikistan"}
    assert "Frozen" in found["Armenia"]


def test_query_04_gives_each_source_its_own_date(store):
    dates = {row["date"] for row in rows(store, "04-sources-of-the-agreement")}
    assert {"2024-05-08", "2024-05-09"} <= dates


def test_query_06_gives_each_source_its_number(store):
    numbers = {int(row["personnel"]) for row in rows(store, "06-peacekeeping-contingent-size")}
    assert {1960, 2000} <= numbers


def test_query_08_finds_armenian_officials_on_the_csto(store):
    assert label_set(store, "08-armenian-officials-on-csto", "name")


def test_query_09_shows_the_may_8_may_9_disagreement(store):
    pairs = {(row["value1"], row["value2"]) for row in rows(store, "09-disagreements")}
    assert {("2024-05-09", "2024-05-08"), ("2024-05-08", "2024-05-09")} & pairs


def test_query_12_names_the_governors_of_syunik(store):
    governors = {row["name"] for row in rows(store, "12-offices-held")
                 if row["title"] == "Governor" and row["ofLabel"] == "Syunik Province"}
    assert {"Robert Ghukasyan", "Melikset Poghosyan"} <= governors
