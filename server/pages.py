"""The ontology at /ontology: its documentation (made by `kg build` with pyLODE) for people, its
graph as RDF for programs that ask for an RDF type (Accept or `format=`), from the store."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from werkzeug.wrappers import Response

from kg.iris import ONTOLOGY_GRAPH
from kg.store.base import QueryOptions
from kg.store.results import GRAPH_FORMATS
from server.linkeddata import HTML, choose_media
from server.protocol import format_asked
from server.sparql import cached_answer

blueprint = Blueprint("pages", __name__)

ONTOLOGY_QUERY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"


@blueprint.route("/ontology")
def ontology() -> Response:
    format_name = format_asked(request.args)
    # The documentation unless RDF is preferred: `*/*` (curl, a link followed) gets the page.
    media = choose_media(request.accept_mimetypes, format_name) if format_name else \
        request.accept_mimetypes.best_match([HTML, *GRAPH_FORMATS], default=HTML)
    if media == HTML:
        page = Path(current_app.config["BUILD"]) / "ontology" / "index.html"
        if not page.is_file():
            abort(404, description="this build has no ontology documentation (built with "
                                   "--no-docs); its RDF is here with Accept: text/turtle")
        response = send_file(page, mimetype="text/html")
    else:
        answer = cached_answer(ONTOLOGY_QUERY, QueryOptions(
            graph_media=media, max_rows=current_app.config["MAX_ROWS"]))
        response = Response(answer.body, 200, content_type=f"{media}; charset=utf-8")
    response.vary.add("Accept")
    return response
