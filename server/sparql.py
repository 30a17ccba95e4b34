"""The SPARQL 1.1 Protocol at /sparql (queries, and updates by POST) and /update.

Views are glue: protocol.py reads the request, guard.py screens it, the store runs it in a
killable worker, and the answer (bytes in the negotiated format) is cached per store version.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from kg.store.base import Answer, QueryOptions, QueryTimeout
from kg.store.workers import PoolBusy
from kg.validate.render import render_json, render_text
from server.changes import Change, Rejected, commit, write_context
from server.describe import service_description
from server.guard import Refused, add_using, check_query, writes_to
from server.protocol import (
    FORM,
    READ_METHODS,
    UPDATE_BODY,
    Operation,
    ProtocolError,
    choose_formats,
    format_asked,
    read_operation,
)
from server.writers import writer_for

blueprint = Blueprint("sparql", __name__)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]  # the last three only to answer 405


@dataclass(frozen=True)
class Kept:
    """An answer as the cache keeps it, with its entity tag (`etag`)."""

    answer: Answer
    etag: str


def etag(*parts: object) -> str:
    """A strong entity tag (RFC 9110 §8.8.3) for a representation that `parts` determine: an
    answer's query, options (formats, graphs, row cap, base IRI) and store version, so an
    update or a rebuild (a new version) changes it. server/sent.py answers a matching
    If-None-Match with 304."""
    return f'"{hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()}"'


class AnswerCache:
    """Answers keyed on query text, options and store version: an update empties it."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._answers: OrderedDict[tuple[Any, ...], Kept] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[Any, ...]) -> Kept | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: tuple[Any, ...], answer: Kept) -> None:
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


def read(kind: str) -> Operation:
    return read_operation(kind, request.method, request.mimetype,
                          request.mimetype_params.get("charset"), request.args.to_dict(flat=False),
                          request.form.to_dict(flat=False) if request.mimetype == FORM else {},
                          request.get_data() if request.mimetype != FORM else b"")


def is_update() -> bool:
    if request.method in READ_METHODS:
        return "update" in request.args and "query" not in request.args
    return request.mimetype == UPDATE_BODY or (request.mimetype == FORM
                                                and "update" in request.form)


@blueprint.route("/sparql", methods=METHODS)
def sparql() -> Response:
    """A query's answer, then kept under the request as sent too: a repeated request is
    answered from there ahead of Flask, before anything is read or screened (server/hits.py)."""
    max_rows = current_app.config["MAX_ROWS"]
    sent = request_as_sent(request.environ, request.get_data() if request.method == "POST"
                           else b"", max_rows)  # read before the form, which consumes the body
    if is_update():
        return update()
    if request.method in READ_METHODS and "query" not in request.args:
        return service_description()
    kept = negotiated_answer()
    current_app.extensions["kg_cache"].put((*sent, kept.answer.version), kept)
    return Response(kept.answer.body, 200, headers=answer_headers(kept, max_rows))


def request_as_sent(environ: dict[str, Any], body: bytes, max_rows: int) -> tuple[Any, ...]:
    """Every part of the request an answer depends on, unread: the query string (query,
    format, default-graph-uri, named-graph-uri), the body (of a POST) and its type, Accept, and
    the base IRI's parts; with the row cap. Requests equal in these get the same answer, or the
    same error, which is never kept: a kept answer's query was screened when it first ran.
    With the store version, it keys the answer cache."""
    return ("request", environ["REQUEST_METHOD"], environ.get("QUERY_STRING", ""),
            environ.get("CONTENT_TYPE", ""), body, environ.get("HTTP_ACCEPT", ""),
            environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), max_rows)


def answer_headers(kept: Kept, max_rows: int) -> list[tuple[str, str]]:
    """The headers of a query's answer (CORS's aside, server/ops.py). It varies by Accept, so
    an HTTP cache in front keeps one answer per Accept header."""
    answer = kept.answer
    headers = [("Content-Type", _content_type(answer.media_type)),
               ("Content-Length", str(len(answer.body))), ("Vary", "Accept"), ("ETag", kept.etag),
               ("X-KG-Rows", str(answer.rows)), ("X-KG-Store-Version", answer.version)]
    if answer.truncated:
        headers.append(("X-KG-Truncated", f"cut at {max_rows} rows"))
    return headers


def negotiated_answer() -> Kept:
    """Read, screen and negotiate the request's query, then answer it (from the cache too)."""
    operation = read("query")
    config = current_app.config
    check_query(operation.text, config["SERVICE_ALLOWLIST"])
    formats = choose_formats(request.accept_mimetypes, format_asked(request.args, request.form))
    options = QueryOptions(formats.results, formats.graph, operation.default_graphs,
                           operation.named_graphs, config["MAX_ROWS"], request.base_url)
    return kept_answer(operation.text, options)


def kept_answer(text: str, options: QueryOptions) -> Kept:
    """The answer kept for this query, options and store version, else a new one (then kept)."""
    cache: AnswerCache = current_app.extensions["kg_cache"]
    key = (text, options, current_app.extensions["kg_store"].version)
    kept = cache.get(key)
    g.cached = kept is not None
    if kept is None:
        answer = run_query(text, options)
        kept = Kept(answer, etag(text, options, answer.version))
        cache.put(key, kept)
    return kept


def cached_answer(text: str, options: QueryOptions) -> Answer:
    """The answer to a query (from the cache when kept), without its entity tag."""
    return kept_answer(text, options).answer


def run_query(text: str, options: QueryOptions) -> Answer:
    """Run a query within the client's rate budget and the time limit."""
    limiter = current_app.extensions["kg_limiter"]
    client = request.remote_addr or "unknown"
    wait = limiter.wait_needed(client)
    if wait > 0:
        raise ProtocolError(429, f"query time budget used up; retry in {math.ceil(wait)} s",
                            {"Retry-After": str(math.ceil(wait))})
    started = time.monotonic()
    try:
        return current_app.extensions["kg_store"].query(text, current_app.config["TIMEOUT"],
                                                          options)
    finally:
        g.query_seconds = time.monotonic() - started
        limiter.charge(client, g.query_seconds)


@blueprint.route("/update", methods=METHODS)
def update() -> Response:
    refuse_writes_on_a_front()
    operation = read("update")
    user = writer_for(request.headers.get("Authorization"), current_app.config["WRITERS"])
    if user is None:
        response = Response("updates need a writer's token: Authorization: Bearer <token>\n",
                            401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="caucasus-kg"'
        return response
    check_query(operation.text, current_app.config["SERVICE_ALLOWLIST"])
    text = add_using(operation.text, operation.default_graphs, operation.named_graphs)
    graphs, open_ended = writes_to(text)
    base = request.base_url
    change = Change(user, f"SPARQL update: {text[:200]}", text, frozenset(graphs), open_ended,
                    lambda draft: draft.update(text, base_iri=base))
    return apply_change(change)


def apply_change(change: Change) -> Response:
    """Commit a change; 204 with the new version, or 422 with the shapes' report."""
    try:
        version = commit(current_app.extensions["kg_store"],
                         write_context(current_app.extensions), change,
                         Path(current_app.config["CHANGES_LOG"]))
    except Rejected as rejected:
        current_app.extensions["kg_metrics"].rejected.inc()
        wants_json = request.accept_mimetypes.best == "application/json"
        body = (render_json if wants_json else render_text)(rejected.findings, ["request"])
        return Response(body, 422, mimetype="application/json" if wants_json else "text/plain")
    current_app.extensions["kg_cache"].clear()
    response = Response(status=204)
    response.headers["X-KG-Store-Version"] = version
    return response


def refuse_writes_on_a_front() -> None:
    """405 before any token is asked for: a front for a remote store takes no writes."""
    if not current_app.extensions["kg_store"].transactional:
        raise ProtocolError(405, "this endpoint is a read-only front for a remote store: "
                                 "write to that store directly (or `kg push` a build)")


def _content_type(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml", "triples",
                                                                      "quads", "trig"))
    return f"{media_type}; charset=utf-8" if textual else media_type


@blueprint.app_errorhandler(ProtocolError)
def protocol_error(error: ProtocolError) -> Response:
    return Response(error.message + "\n", error.status, error.headers, mimetype="text/plain")


@blueprint.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return Response(f"the request is larger than the {limit} bytes this endpoint takes; send "
                    "less (a graph in parts, a query with fewer VALUES)\n", 413,
                    mimetype="text/plain")


@blueprint.app_errorhandler(SyntaxError)
def syntax_error(error: SyntaxError) -> Response:
    return Response(f"SPARQL syntax error: {error}\n", 400, mimetype="text/plain")


@blueprint.app_errorhandler(Refused)
def refused(error: Refused) -> Response:
    return Response(f"refused: {error}\n", 403, mimetype="text/plain")


@blueprint.app_errorhandler(QueryTimeout)
def timed_out(error: QueryTimeout) -> Response:
    current_app.extensions["kg_metrics"].timeouts.inc()
    return Response(f"{error}; simplify the query or add a LIMIT\n", 503, mimetype="text/plain")


@blueprint.errorhandler(OSError)
def unreachable(error: OSError) -> Response:
    """pyoxigraph's SERVICE call failing (refused, reset, unresolved) reaches the view as an
    OSError: the endpoint called is at fault, not this one."""
    return Response(f"the query could not be answered: {error} (a SERVICE endpoint failing, "
                    "most often; SERVICE SILENT goes on without it)\n", 502, mimetype="text/plain")


@blueprint.app_errorhandler(PoolBusy)
def busy(error: PoolBusy) -> Response:
    response = Response(f"{error}\n", 503, mimetype="text/plain")
    response.headers["Retry-After"] = "5"
    return response
