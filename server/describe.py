"""What the endpoint says about itself: the SPARQL service description and the VoID dataset.

GET /sparql without a query answers the service description (SPARQL 1.1 Service Description);
/.well-known/void describes the data (triples, graphs, classes, links to Wikidata), as RFC 5785
and the VoID guide suggest. Both are computed per store version and sent in the negotiated RDF
format.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, current_app, request, url_for
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg.store.base import ReadableStore, select
from kg.store.results import RESULTS_FORMATS
from kg.vocab import WD

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMAT_IRIS = {"application/sparql-results+json": "SPARQL_Results_JSON",
                      "application/sparql-results+xml": "SPARQL_Results_XML",
                      "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values":
                      "SPARQL_Results_TSV", "text/turtle": "Turtle",
                      "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
                      "application/rdf+xml": "RDF_XML", "application/trig": "TriG",
                      "application/n-quads": "N-Quads"}
RDF_MEDIA = {"text/turtle": "turtle", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml", "application/n-triples": "nt"}

# The dataset's triples are its default graph's, the union of the graphs: each triple once,
# however many graphs hold it (what `SELECT (COUNT(*) ...) { ?s ?p ?o }` finds on a union that is
# a set), keyed by the store's `union_is_a_set`.
TRIPLES = {True: "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }",
           False: "SELECT (COUNT(*) AS ?triples) WHERE { SELECT DISTINCT ?s ?p ?o "
                  "{ GRAPH ?g { ?s ?p ?o } } }"}

blueprint = Blueprint("describe", __name__)


def service_description() -> Response:
    endpoint = URIRef(request.base_url)
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    for language in (SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update):
        graph.add((service, SD.supportedLanguage, language))
    for feature in (SD.UnionDefaultGraph, SD.BasicFederatedQuery):
        graph.add((service, SD.feature, feature))
    for media in RESULT_FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, FORMATS_NS[media]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.description, Literal(
        "The default graph is the union of all named graphs: one per document, the ontology, "
        "the entity registry and contributions.")))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, RDFS.seeAlso, URIRef(url_for("describe.void", _external=True))))
    return _graph_response(graph)


@blueprint.route("/.well-known/void")
def void() -> Response:
    store: ReadableStore = current_app.extensions["kg_store"]
    graph = void_graph(store, store.version, url_for("sparql.sparql", _external=True),
                       request.base_url)
    return _graph_response(graph)


@lru_cache(maxsize=4)
def void_graph(store: ReadableStore, version: str, endpoint: str, here: str) -> Graph:
    """VoID statistics of one store version (computed once per version)."""
    graph = Graph()
    graph.bind("void", VOID)
    dataset = URIRef(here + "#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, DCTERMS.title, Literal("caucasus-kg", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "States, alliances, military forces and agreements in the South Caucasus, extracted "
        "from news articles with the source words of every fact.", lang="en")))
    totals = select(store, """SELECT (COUNT(DISTINCT ?g) AS ?graphs)
        (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
        WHERE { GRAPH ?g { ?s ?p ?o } }""")[0]
    totals.update(select(store, TRIPLES[store.union_is_a_set])[0])
    for name, term in (("triples", VOID.triples), ("subjects", VOID.distinctSubjects),
                       ("properties", VOID.properties)):
        graph.add((dataset, term, Literal(int(totals[name]["value"]), datatype=XSD.integer)))
    graph.add((dataset, VOID.documents, Literal(int(totals["graphs"]["value"]),
                                                  datatype=XSD.integer)))
    classes = select(store, """SELECT ?class (COUNT(DISTINCT ?s) AS ?entities)
        WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class""")
    graph.add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    for row in classes:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"]["value"])))
        graph.add((partition, VOID.entities, Literal(int(row["entities"]["value"]),
                                                     datatype=XSD.integer)))
    links = select(store, f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{OWL.sameAs}> ?wd
        FILTER STRSTARTS(STR(?wd), "{WD}") }}""")[0]
    linkset = URIRef(here + "#wikidata-links")
    graph.add((linkset, RDF.type, VOID.Linkset))
    graph.add((linkset, VOID.subjectsTarget, dataset))
    graph.add((linkset, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
    graph.add((linkset, VOID.linkPredicate, OWL.sameAs))
    graph.add((linkset, VOID.triples, Literal(int(links["n"]["value"]), datatype=XSD.integer)))
    return graph


def _graph_response(graph: Graph) -> Response:
    media = request.accept_mimetypes.best_match(list(RDF_MEDIA), default="text/turtle")
    if media not in RDF_MEDIA or request.accept_mimetypes.best in RESULTS_FORMATS:
        media = "text/turtle"
    return Response(graph.serialize(format=RDF_MEDIA[media]), 200, mimetype=media)
