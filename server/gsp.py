"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs: graphs read and written whole.

Indirect identification (`/rdf-graphs?graph=IRI`, `/rdf-graphs?default`) and direct
(`/rdf-graphs/some/path` names the graph with that very URL). GET and HEAD read; PUT replaces,
POST merges (or, on /rdf-graphs itself, creates a new graph and answers its Location), DELETE
drops. Writes need a writer's token and pass the shapes like any update (server/changes.py).
"""

from __future__ import annotations

import re
import uuid

from flask import Blueprint, Response, current_app, request, url_for

from kg.store.base import Draft, QueryOptions
from kg.store.results import GRAPH_FORMATS
from server.changes import Change
from server.protocol import ProtocolError, choose_formats, format_asked
from server.sparql import apply_change, refuse_writes_on_a_front
from server.writers import writer_for

blueprint = Blueprint("gsp", __name__)
METHODS = ["GET", "PUT", "POST", "DELETE"]  # HEAD comes with GET
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")


@blueprint.route("/rdf-graphs", methods=METHODS)
def indirect() -> Response:
    if "default" in request.args:
        return handle(None, created_by_post=False)
    if "graph" in request.args:
        return handle(request.args["graph"], created_by_post=False)
    if request.method == "POST":
        name = url_for("gsp.direct", path=f"new/{uuid.uuid4()}", _external=True)
        return handle(name, created_by_post=True)
    raise ProtocolError(400, "name the graph: ?graph=<IRI> or ?default (or use "
                             "/rdf-graphs/<path> for a graph named by its URL)")


@blueprint.route("/rdf-graphs/<path:path>", methods=METHODS)
def direct(path: str) -> Response:
    return handle(request.base_url, created_by_post=False)


def handle(graph: str | None, created_by_post: bool) -> Response:
    if graph is not None and not IRI.fullmatch(graph):
        raise ProtocolError(400, f"not an absolute IRI: {graph!r}")
    if request.method in ("GET", "HEAD"):
        return read_graph(graph)
    refuse_writes_on_a_front()
    user = writer_for(request.headers.get("Authorization"), current_app.config["WRITERS"])
    if user is None:
        response = Response("writing a graph needs a writer's token: Authorization: Bearer "
                            "<token>\n", 401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="caucasus-kg"'
        return response
    existed = exists(graph)
    label = f"<{graph}>" if graph else "the default graph"
    if request.method == "DELETE":
        if not existed:
            return Response(f"no graph {label}\n", 404, mimetype="text/plain")
        return apply_change(Change(user, f"Graph Store DELETE {label}", "", frozenset(), False,
                                   lambda draft: draft.clear(graph)))
    parts = uploaded_parts()
    replace = request.method == "PUT"

    def write(draft: Draft) -> None:
        if replace:
            draft.clear(graph)
        for data, media in parts:
            draft.add(data, media, graph, base_iri=graph or request.base_url)

    response = apply_change(Change(user, f"Graph Store {request.method} {label}",
                                   b"\n".join(data for data, _ in parts).decode("utf-8", "replace"),
                                   frozenset({graph} if graph else ()), False, write))
    if response.status_code == 204 and (created_by_post or not existed):
        response.status_code = 201
        if created_by_post:
            response.headers["Location"] = graph
    return response


def uploaded_parts() -> list[tuple[bytes, str]]:
    """The RDF documents of a request: its body, or each file of a multipart/form-data body."""
    if request.mimetype == "multipart/form-data":
        parts = [(file.read(), _media(file.mimetype)) for file in request.files.values()]
        if not parts:
            raise ProtocolError(400, "the multipart body holds no file")
        return parts
    return [(request.get_data(), _media(request.mimetype))]


def _media(mimetype: str) -> str:
    if mimetype not in GRAPH_FORMATS:
        raise ProtocolError(415, f"send RDF as one of {', '.join(GRAPH_FORMATS)}, not "
                                 f"{mimetype or 'no Content-Type'}")
    return mimetype


def exists(graph: str | None) -> bool:
    if graph is None:
        return True
    answer = current_app.extensions["kg_store"].query(
        f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", current_app.config["TIMEOUT"])
    return b"true" in answer.body


def read_graph(graph: str | None) -> Response:
    if not exists(graph):
        return Response(f"no graph <{graph}>\n", 404, mimetype="text/plain")
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    formats = choose_formats(request.accept_mimetypes, format_asked(request.args))
    answer = current_app.extensions["kg_store"].query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}", current_app.config["TIMEOUT"],
        QueryOptions(graph_media=formats.graph, union_default_graph=False))
    return Response(answer.body, 200, mimetype=answer.media_type)
