"""The SPARQL 1.1 Protocol query operation at /sparql (GET, form POST, direct POST)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

blueprint = Blueprint("sparql", __name__)

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def query_text() -> str | None:
    """The query of a request, by the protocol's three ways of sending one."""
    if request.method == "GET":
        return request.args.get("query")
    if request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("query")
    return None


def negotiate(offered: dict[str, object]) -> str:
    """The offered media type the client's Accept header prefers (the first one by default)."""
    return request.accept_mimetypes.best_match(list(offered), default=next(iter(offered)))


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = query_text()
    if query is None:
        return Response("Send a SPARQL query as ?query=, a form field 'query', or an "
                        "application/sparql-query body.\n", 400, mimetype="text/plain")
    store = current_app.extensions["kg_store"]
    try:
        results = store.query(query)
    except SyntaxError as error:
        return Response(f"SPARQL syntax error: {error}\n", 400, mimetype="text/plain")
    if isinstance(results, ox.QueryTriples):
        media = negotiate(GRAPH_FORMATS)
        body = results.serialize(format=GRAPH_FORMATS[media])
    else:
        media = negotiate(RESULT_FORMATS)
        body = results.serialize(format=RESULT_FORMATS[media])
    return Response(body, 200, mimetype=media)
