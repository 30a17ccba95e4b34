"""`kg build`: the dataset's named-graph layout, and a failed build leaving the last good one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rdflib import BNode, Dataset
from rdflib.namespace import PROV

from kg import iris, paths
from kg.corpus import read_corpus
from kg.vocab import CKG

from .conftest import ROOT, run_kg


def test_build_publishes_a_release_with_every_graph(built, build_dir):
    current = paths.current_build(build_dir)
    assert current.is_symlink() and current.resolve() == built.release.resolve()
    dataset = Dataset()
    dataset.parse(current / "dataset.trig", format="trig")
    names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    documents = read_corpus(paths.CORPUS_DIR)
    expected = {str(iris.ONTOLOGY_GRAPH), str(iris.REGISTRY_GRAPH)}
    expected |= {str(iris.document_graph(d.key)) for d in documents}
    assert names == expected
    for document in documents:
        graph = dataset.graph(iris.document_graph(document.key))
        node = iris.document(document.key)
        assert (graph.identifier, PROV.wasDerivedFrom, node) in graph
        assert str(graph.value(node, CKG.text)) == document.body
        assert str(graph.value(node, CKG.sha256)) == document.sha256


def test_build_writes_nquads_with_the_same_quads(built):
    trig, nquads = Dataset(), Dataset()
    trig.parse(built.release / "dataset.trig", format="trig")
    nquads.parse(built.release / "dataset.nq", format="nquads")
    assert len(trig) == len(nquads)
    assert ground(trig) == ground(nquads)  # blank nodes are renamed by each parse


def ground(dataset: Dataset) -> set:
    return {quad for quad in dataset.quads() if not any(isinstance(t, BNode) for t in quad)}


def test_build_writes_manifest_and_ontology_docs(built):
    manifest = json.loads((built.release / "manifest.json").read_text())
    assert manifest["triples"] == built.triples > 0
    assert set(manifest["documents"]) == {d.key for d in read_corpus(paths.CORPUS_DIR)}
    page = (built.release / "ontology" / "index.html").read_text(encoding="utf-8")
    assert "Withdrawal" in page and "BorderGuardForce" in page


def copy_project(target: Path) -> Path:
    for folder in ("corpus", "ontology", "shapes", "registry", "config", "lexicons"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def test_failed_build_keeps_the_previous_one(tmp_path):
    home = copy_project(tmp_path / "home")
    env = {"KG_HOME": str(home), "KG_BUILD_DIR": str(tmp_path / "build")}
    first = run_kg("build", "--no-docs", env=env)
    assert first.returncode == 0, first.stderr
    current = tmp_path / "build" / "current"
    good = current.resolve()

    registry = home / "registry" / "entities.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        "  atlantis:\n    type: State\n    label: Atlantis\n"), encoding="utf-8")
    failed = run_kg("build", "--no-docs", "--no-reason", env=env)
    assert failed.returncode == 1
    assert "ckr:atlantis" in failed.stderr and "previous build is kept" in failed.stderr
    assert current.resolve() == good
    assert not list((tmp_path / "build" / "releases").glob("*.partial"))


def test_build_names_the_bad_corpus_file(tmp_path):
    home = copy_project(tmp_path / "home")
    bad = home / "corpus" / "05_bad.txt"
    bad.write_text("source: unknown\ntitle: T\npublisher: TASS\npublished: May 2024\n---\nText\n")
    result = run_kg("build", "--no-docs", env={"KG_HOME": str(home),
                                                "KG_BUILD_DIR": str(tmp_path / "build")})
    assert result.returncode == 1
    assert f"{bad}:4: published date 'May 2024' is not an ISO date" in result.stderr
    assert not (tmp_path / "build" / "current").exists()


def test_rebuild_extracts_only_what_changed(tmp_path):
    """A second build into the same build folder takes each unchanged document's extraction
    from the cache (warnings included) and gives the same graph; an edited document is
    extracted again, and a changed lexicon, which every extraction depends on, empties it."""
    home = copy_project(tmp_path / "home")
    foreign = home / "corpus" / "99_foreign.txt"
    foreign.write_text("source: unknown\ntitle: Nouvelles\npublisher: unknown\npublished: "
                       "2024-05-10\n---\nLes gardes-frontières russes quittent l'aéroport de "
                       "Zvartnots, a annoncé Erevan vendredi.\n", encoding="utf-8")
    env = {"KG_HOME": str(home), "KG_BUILD_DIR": str(tmp_path / "build")}

    def build() -> tuple[dict, set, str]:
        result = run_kg("build", "--no-docs", "--no-reason", env=env)
        assert result.returncode == 0, result.stderr
        release = Path(result.stdout.strip()).parent
        dataset = Dataset()
        dataset.parse(release / "dataset.nq", format="nquads")
        manifest = json.loads((release / "manifest.json").read_text())
        return manifest["extraction"], ground(dataset), result.stderr

    first, first_quads, first_log = build()
    assert first == {"extracted": 6, "reused": 0}
    again, again_quads, again_log = build()
    assert again == {"extracted": 0, "reused": 6}
    assert again_quads == first_quads
    assert "99_foreign.txt: the text does not read as English" in first_log
    assert "99_foreign.txt: the text does not read as English" in again_log

    edited = sorted((home / "corpus").glob("0*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nRussia withdrew its border "
                      "guards from Gyumri on 3 May 2024.\n", encoding="utf-8")
    changed, changed_quads, _ = build()
    assert changed == {"extracted": 1, "reused": 5}
    graph = iris.document_graph(edited.stem)
    assert {q for q in changed_quads if q[3] != graph} == {q for q in first_quads if q[3] != graph}
    assert any("Gyumri" in str(q[2]) for q in changed_quads if q[3] == graph)

    lexicon = home / "lexicons" / "events.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# a reviewer's note\n",
                       encoding="utf-8")
    assert build()[0] == {"extracted": 6, "reused": 0}
