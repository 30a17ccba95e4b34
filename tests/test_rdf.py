"""kg/rdf.py: writing named graphs as N-Quads and TriG."""

from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, BNode, Literal, URIRef

from kg.rdf import simple_graph, write_graphs

EX = "https://example.org/"


def test_write_graphs_sorts_by_graph_subject_predicate_object_and_counts(tmp_path: Path):
    # "<…/ab>" sorts after "<…/ab/c>" as a term ('>' > '/'), although "ab" is a prefix of it
    first = simple_graph([(URIRef(EX + "ab"), RDFS.label, Literal("b")),
                          (URIRef(EX + "ab/c"), RDFS.label, Literal("c")),
                          (BNode("x1"), RDFS.seeAlso, URIRef(EX + "ab")),
                          (BNode("x"), RDFS.seeAlso, URIRef(EX + "ab"))], URIRef(EX + "g/2"))
    second = simple_graph([(URIRef(EX + "z"), RDFS.label, Literal("z", lang="en"))],
                          URIRef(EX + "g/1"))
    nquads, trig = tmp_path / "d.nq", tmp_path / "d.trig"
    counts = write_graphs([first, second], nquads, trig)
    assert counts == {first.identifier: 4, second.identifier: 1}
    written = list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    assert written == sorted(written, key=lambda q: (str(q.graph_name), str(q.subject),
                                                     str(q.predicate), str(q.object)))
    assert len(written) == 5
    assert set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)) == set(written)
