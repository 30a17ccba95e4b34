"""Repeated queries answered ahead of Flask: a WSGI layer over the app, installed by create_app.

A request to /sparql (GET, or POST with its length given; a HEAD reaches here as its GET,
server/sent.py) whose answer the cache holds under the request as sent and the store's current
version (server/sparql.py `request_as_sent`) is answered here, with the headers Flask's view and
hooks would give it (the same functions make them) and what server/sent.py counts and logs
(`Answered`); anything else (a miss, an update, the service description, an error, any other
path or method) goes to Flask unchanged. Issue 5 asks repeated queries to be 10x faster than
any peer's; what a hit costs in Flask's request handling is saved here (bench/README.md, "Hits
ahead of Flask").
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from server.ops import ANSWERED, Answered, cors_headers
from server.sent import WSGIApp
from server.sparql import answer_headers, blueprint, request_as_sent, sparql

PATH = "/sparql"
HIT = Answered(f"{blueprint.name}.{sparql.__name__}", None, True)  # Flask's name for the view


class AnswerHits:
    """The WSGI app: cache hits answered here, the rest passed on to `app`'s own."""

    def __init__(self, app: Flask, passed_on: WSGIApp) -> None:
        self.app = app
        self.passed_on = passed_on

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") != PATH or method not in ("GET", "POST"):
            return self.passed_on(environ, start_response)
        config, extensions = self.app.config, self.app.extensions
        body = b""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH", "")
            if not length.isdigit() or int(length) > config["MAX_CONTENT_LENGTH"]:
                return self.passed_on(environ, start_response)  # Flask says why, or reads it
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = io.BytesIO(body)  # for Flask, on a miss
        sent = request_as_sent(environ, body, config["MAX_ROWS"])
        kept = extensions["kg_cache"].get((*sent, extensions["kg_store"].version))
        if kept is None:
            return self.passed_on(environ, start_response)
        start_response("200 OK", [
            *answer_headers(kept, config["MAX_ROWS"]),
            *cors_headers(config["CORS_ORIGINS"], environ.get("HTTP_ORIGIN"))])
        environ[ANSWERED] = HIT
        return [kept.answer.body]
