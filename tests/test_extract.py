"""`kg extract`: one unseen article to reviewable, valid triples, through the real command line."""

from __future__ import annotations

from rdflib import RDF, Dataset, Graph, URIRef

from kg import iris, paths
from kg.vocab import CKG, CKR

from .conftest import DATA, run_kg

ARTICLES = DATA / "articles"
EVENT_CLASSES = [CKG.Withdrawal, CKG.Deployment, CKG.Reinforcement, CKG.Meeting,
                 CKG.MilitaryOperation, CKG.Capture, CKG.MembershipChange, CKG.Statement]


def test_extract_plain_text_gives_valid_facts(tmp_path):
    output = tmp_path / "plain-english.ttl"
    result = run_kg("extract", str(ARTICLES / "plain-english.txt"), "--published", "2024-06-03",
                    "--publisher", "Armenpress", "--output", str(output))
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(output)
    [withdrawal] = graph.subjects(RDF.type, CKG.Withdrawal)
    assert (withdrawal, CKG.force, CKR["russian-border-guards-in-armenia"]) in graph
    assert (withdrawal, CKG.status, CKG.Completed) in graph
    [statement] = graph.subjects(RDF.type, CKG.Statement)
    assert (statement, CKG.speaker, CKR["robert-ghukasyan"]) in graph
    assert str(graph.value(statement, CKG.date)) == "2024-06-03"  # "on Monday"
    assert (CKR["armenpress"], CKG.unlinked, None) in graph
    validated = run_kg("validate", str(output))
    assert validated.returncode == 0, validated.stdout


def test_extract_corpus_article_writes_its_named_graph(tmp_path):
    output = tmp_path / "tass.trig"
    article = paths.CORPUS_DIR / "04_tass-border-troops-increase.txt"
    assert run_kg("extract", str(article), "-o", str(output)).returncode == 0
    dataset = Dataset()
    dataset.parse(output, format="trig")
    graph = dataset.graph(iris.document_graph(article.stem))
    assert (None, RDF.type, CKG.Reinforcement) in graph
    assert (iris.document(article.stem), RDF.type, CKG.Document) in graph


def test_extract_other_language_warns_and_invents_nothing(tmp_path):
    output = tmp_path / "spanish.ttl"
    result = run_kg("extract", str(ARTICLES / "spanish.txt"), "-o", str(output))
    assert result.returncode == 0
    assert "does not read as English" in result.stderr
    graph = Graph().parse(output)
    assert not any((None, RDF.type, cls) in graph for cls in EVENT_CLASSES)
    assert not list(graph.objects(None, CKG.mentions))


def test_extract_article_without_events_gives_none(tmp_path):
    result = run_kg("extract", str(ARTICLES / "no-event.txt"), "--title", "Weather")
    assert result.returncode == 0
    assert "no-event.txt: no recognisable event in the text" in result.stderr
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="trig")
    assert not any(any(dataset.quads((None, RDF.type, cls, None))) for cls in EVENT_CLASSES)
    assert any(dataset.quads((None, CKG.mentions, URIRef(CKR["yerevan"]), None)))


def test_extract_empty_article_warns_and_writes_nothing(tmp_path):
    output = tmp_path / "empty.ttl"
    result = run_kg("extract", str(ARTICLES / "empty.txt"), "-o", str(output))
    assert result.returncode == 0 and "is empty" in result.stderr
    assert not output.exists()
