"""bench/generate.py: synthetic data in the contract's shape that `kg validate` accepts, the
same bytes for the same seed."""

from __future__ import annotations

import pyoxigraph as ox

from tests.conftest import generate_dataset, run_kg


def test_generate_writes_what_kg_validate_accepts(tmp_path):
    dataset = generate_dataset(tmp_path / "synthetic.trig")
    result = run_kg("validate", str(dataset))
    assert result.returncode == 0, result.stdout + result.stderr
    store = ox.Store()
    store.load(path=str(dataset), format=ox.RdfFormat.TRIG)
    assert len(store) >= 3000
    prefixes = """PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>"""
    graphs = store.query(f"""{prefixes} SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
        ?g prov:wasDerivedFrom ?document . ?document a ckg:Document }} }}""")
    # events of a document, with its evidence, whose force is a linked state's
    events = store.query(f"""{prefixes} SELECT DISTINCT ?event WHERE {{
        GRAPH ?g {{ ?g prov:wasDerivedFrom ?document .
                    ?event a ckg:Withdrawal ; ckg:evidence/ckg:source ?document ;
                           ckg:force ?force }}
        ?force ckg:forceOf ?state . ?state owl:sameAs ?wikidata }}""",
                         use_default_graph_as_union=True)
    assert len(list(graphs)) >= 10 and len(list(events)) >= 1


def test_generate_is_the_same_for_the_same_seed(tmp_path):
    first = generate_dataset(tmp_path / "first.nq").read_bytes()
    assert generate_dataset(tmp_path / "again.nq").read_bytes() == first
    assert generate_dataset(tmp_path / "other.nq", seed=4).read_bytes() != first
    as_trig = generate_dataset(tmp_path / "same.trig")
    assert set(ox.parse(path=str(as_trig), format=ox.RdfFormat.TRIG)) == \
        set(ox.parse(first, format=ox.RdfFormat.N_QUADS))
