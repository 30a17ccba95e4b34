"""kg/validate/cache.py: a graph whose content changed is validated again and its new finding
appears; unchanged graphs are reused; a change to the shapes or to a unit's context counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg import paths
from kg.rdf import write_dataset
from kg.validate import Context, validate_files
from kg.validate import cache as cache_module
from kg.validate.cache import ResultCache, fingerprint, unit_key

from .conftest import DATA, run_kg

SHAPES_DATA = DATA / "shapes"
FIRST, SECOND = URIRef("urn:test:graph/first"), URIRef("urn:test:graph/second")


@pytest.fixture(scope="module")
def context() -> Context:
    return Context.from_repository()


def write_trig(path: Path, first: Path, second: Path) -> Path:
    """A TriG file of two named graphs, each the triples of one Turtle file."""
    dataset = Dataset()
    dataset.graph(FIRST).parse(first, format="turtle")
    dataset.graph(SECOND).parse(second, format="turtle")
    write_dataset(dataset, path)
    return path


def validate(path: Path, context: Context, cache_file: Path, shapes: str | None = None
             ) -> tuple[set[str | None], ResultCache]:
    cache = ResultCache(cache_file, shapes or context.fingerprint)
    findings = validate_files([path], context, reason=False, cache=cache)
    cache.close()
    return {finding.rule for finding in findings}, cache


def test_cache_revalidates_only_the_changed_graph(context, tmp_path):
    cache_file = tmp_path / "cache.sqlite"
    trig = write_trig(tmp_path / "two.trig", SHAPES_DATA / "valid.ttl",
                      SHAPES_DATA / "valid-quantity.ttl")
    rules, cache = validate(trig, context, cache_file)
    assert rules == set() and (cache.validated, cache.reused) == (2, 0)
    rules, cache = validate(trig, context, cache_file)
    assert rules == set() and (cache.validated, cache.reused) == (0, 2)

    # the second graph now lacks its quantity's unit: checked again, and its finding appears
    write_trig(trig, SHAPES_DATA / "valid.ttl",
               SHAPES_DATA / "bad" / "quantity-without-unit.ttl")
    rules, cache = validate(trig, context, cache_file)
    assert rules == {"cksh:QuantityShape-unit sh:MinCountConstraintComponent"}
    assert (cache.validated, cache.reused) == (1, 1)
    # the finding is reused as well as the valid graph
    again, cache = validate(trig, context, cache_file)
    assert again == rules and (cache.validated, cache.reused) == (0, 2)


def test_cache_is_emptied_when_the_shapes_or_hierarchy_change(context, tmp_path):
    cache_file = tmp_path / "cache.sqlite"
    trig = write_trig(tmp_path / "two.trig", SHAPES_DATA / "valid.ttl",
                      SHAPES_DATA / "valid-quantity.ttl")
    validate(trig, context, cache_file)
    shapes = tmp_path / "shapes.ttl"
    [original] = paths.shape_files()
    shapes.write_text(original.read_text(encoding="utf-8").replace(
        "sh:minCount 1 ;", "sh:minCount 2 ;", 1), encoding="utf-8")
    edited = fingerprint([shapes], context.hierarchy)
    assert edited != context.fingerprint
    # so does the class hierarchy every unit is validated with
    assert fingerprint(paths.shape_files(), Graph()) != context.fingerprint
    _, cache = validate(trig, context, cache_file, shapes=edited)
    assert (cache.validated, cache.reused) == (2, 0)


def test_unit_key_follows_content_and_context_not_blank_node_labels():
    first = Graph().parse(SHAPES_DATA / "bad" / "quantity-blank-node.ttl", format="turtle")
    again = Graph().parse(SHAPES_DATA / "bad" / "quantity-blank-node.ttl", format="turtle")
    assert set(first) != set(again)  # blank nodes are labelled anew by each parse
    focus = set(first.subjects())
    assert unit_key(first, focus) == unit_key(again, set(again.subjects()))
    # a changed registry entry in the unit's context is a new key
    entry = URIRef("https://w3id.org/caucasus-kg/resource/armenia")
    first.add((entry, RDFS.label, Literal("Armenia, renamed", lang="en")))
    assert unit_key(first, focus) != unit_key(again, set(again.subjects()))


def test_unit_key_is_the_same_with_the_terms_remembered_forgotten_or_overflowing(monkeypatch):
    """Terms' N-Triples are remembered between keys; a key never depends on what was."""
    data = Graph().parse(SHAPES_DATA / "valid.ttl", format="turtle")
    other = Graph().parse(SHAPES_DATA / "valid-quantity.ttl", format="turtle")
    focus = set(data.subjects())
    cache_module._N3.clear()
    cold = unit_key(data, focus)
    assert unit_key(data, focus) == cold  # every term remembered now
    monkeypatch.setattr(cache_module, "N3_KEPT", 3)
    unit_key(other, set(other.subjects()))  # past the bound: forgotten before the next key
    assert len(cache_module._N3) > 3
    assert unit_key(data, focus) == cold
    assert len(cache_module._N3) <= len({term for triple in data for term in triple})
    assert unit_key(other, set(other.subjects())) != cold
    # rdflib takes "x"@en-GB and "x"@en-gb for one term; their N-Triples differ, so do keys
    entry, label = URIRef("https://w3id.org/caucasus-kg/resource/armenia"), RDFS.label
    british = unit_key([(entry, label, Literal("x", lang="en-GB"))], {entry})
    assert unit_key([(entry, label, Literal("x", lang="en-gb"))], {entry}) != british


def test_validate_says_how_many_graphs_it_validated_and_reused(tmp_path):
    trig = write_trig(tmp_path / "two.trig", SHAPES_DATA / "valid.ttl",
                      SHAPES_DATA / "valid-quantity.ttl")
    cache = tmp_path / "cache.sqlite"
    first = run_kg("validate", "--no-reason", "--cache", str(cache), str(trig))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 graphs validated, 0 reused" in first.stderr
    second = run_kg("validate", "--no-reason", "--cache", str(cache), str(trig))
    assert "0 graphs validated, 2 reused" in second.stderr
    assert second.stdout == first.stdout
    fresh = run_kg("validate", "--no-reason", "--no-incremental", "--cache", str(cache),
                   str(trig))
    assert "reused" not in fresh.stderr and fresh.stdout == first.stdout
