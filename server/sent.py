"""Answers as they leave: the outermost WSGI layer over the app, installed by create_app.

Whichever part of the app made an answer (Flask, or a cache hit ahead of it, server/hits.py),
here it is finished the same way:
- gzip: Fuseki and the Wikidata Query Service compress what they send when the request's
  Accept-Encoding takes gzip; RDF and SPARQL results shrink about tenfold. An answer of a
  textual media type of MIN_BYTES or more is compressed; anything else goes out as it is.
  Such an answer varies by Accept-Encoding, which it says whether compressed or not, for HTTP
  caches in front; compressed, its entity tag becomes weak (W/), as nginx makes it, since the
  bytes differ from the uncompressed answer's.
- conditional GET (RFC 9110 §13.1.2): a GET or HEAD whose If-None-Match holds the answer's
  ETag (weak comparison, or `*`) is answered 304 Not Modified, without the body and its
  Content-Type and Content-Length, before anything is compressed.
- HEAD (RFC 9110 §9.3.2): answered as its GET, the app seeing a GET, then sent without the
  body, so its Content-Length is what the GET would send (compressed or not).
- metrics and the access log: each request is counted and logged once, with the status and
  bytes it was sent with, from what the part that answered noted (server/ops.py `Answered`).
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.http import parse_accept_header, parse_etags, unquote_etag
from werkzeug.wsgi import get_path_info

from server.ops import ANSWERED, NOT_NOTED, log_request

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MIN_BYTES = 1024  # below this, gzip's header and the CPU cost more than the bytes saved
LEVEL = 1  # nginx's default: most of the saving (10x on SPARQL JSON) at a fifth of level 6's CPU
TEXTUAL = ("json", "xml", "javascript", "n-triples", "n-quads", "trig")  # beside text/*
# What a 304 leaves out of the 200's headers: it has no body to describe (RFC 9110 §15.4.5).
NOT_IN_304 = ("content-type", "content-length", "content-encoding")


class Sent:
    """The WSGI app: `inner`'s answers, finished for the request (see the module's text)."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.metrics = app.extensions["kg_metrics"]
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        started = time.monotonic()
        method = environ["REQUEST_METHOD"]
        if method == "HEAD":
            environ["REQUEST_METHOD"] = "GET"
        status, headers, body = self.answer(environ)
        zipped = False
        if compressible(headers, body):
            headers = [*headers, ("Vary", "Accept-Encoding")]
            accepted = environ.get("HTTP_ACCEPT_ENCODING")
            zipped = bool(accepted) and takes_gzip(accepted)
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and method in ("GET", "HEAD") and status.startswith("200") and \
                not_modified(wanted, headers):
            status, body = "304 Not Modified", b""
            headers = rewritten(headers, NOT_IN_304, weak=zipped)
        elif zipped:
            body = gzip.compress(body, compresslevel=LEVEL, mtime=0)
            headers = [*rewritten(headers, ("content-length",), weak=True),
                       ("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        if method == "HEAD":
            body = b""
        answered = environ.get(ANSWERED, NOT_NOTED)
        code = int(status[:3])
        self.metrics.count(answered.endpoint, code, answered.query_seconds, answered.cached)
        log_request(method, get_path_info(environ), environ.get("REMOTE_ADDR"),
                    answered.endpoint, code, len(body), started, answered.query_seconds,
                    answered.cached)
        return [body]

    def answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """The inner app's status, headers and whole body."""
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def hold(status: str, headers: list[tuple[str, str]], *_: Any) -> Callable[..., Any]:
            """The app's start_response: its status and headers are sent with the body."""
            started.append((status, headers))
            return lambda data: None  # no part of the app writes (WSGI's legacy write())

        answer = self.inner(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        status, headers = started[-1]  # the last call counts (one after an error)
        return status, headers, body


def compressible(headers: list[tuple[str, str]], body: bytes) -> bool:
    """Whether an answer is worth compressing: textual, MIN_BYTES or more, not yet encoded."""
    if len(body) < MIN_BYTES:
        return False
    media = ""
    for name, value in headers:
        named = name.lower()
        if named == "content-encoding":
            return False
        if named == "content-type":
            media = value.split(";")[0].strip().lower()
    return media.startswith("text/") or media.endswith(TEXTUAL)


def takes_gzip(accepted: str) -> bool:
    """Whether an Accept-Encoding header takes gzip; the usual one, without qualities
    (`gzip, deflate, br`), is read without parsing."""
    if ";" not in accepted:
        return "gzip" in accepted or "*" in accepted
    return bool(parse_accept_header(accepted).quality("gzip"))


def rewritten(headers: list[tuple[str, str]], dropped: tuple[str, ...], weak: bool
              ) -> list[tuple[str, str]]:
    """`headers` without those named (lower case) in `dropped`, the ETag made weak if `weak`:
    a gzipped answer's bytes are not the identity answer's the tag was made for."""
    return [(name, f"W/{value}" if weak and name.lower() == "etag" else value)
            for name, value in headers if name.lower() not in dropped]


def not_modified(if_none_match: str, headers: list[tuple[str, str]]) -> bool:
    """Whether If-None-Match names the answer's ETag (weak comparison) or is `*`."""
    tag = next((value for name, value in headers if name.lower() == "etag"), None)
    if tag is None:
        return if_none_match.strip() == "*"
    opaque = tag.removeprefix("W/")
    if if_none_match in (opaque, f"W/{opaque}"):  # the tag sent back as it came: no parsing
        return True
    return parse_etags(if_none_match).contains_weak(unquote_etag(tag)[0])
