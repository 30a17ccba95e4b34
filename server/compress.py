"""Answers sent gzip-compressed to clients that accept it: a WSGI layer over the whole app.

Fuseki and the Wikidata Query Service compress what they send when the request's
Accept-Encoding takes gzip; RDF and SPARQL results shrink about tenfold. An answer of a textual
media type of MIN_BYTES or more is compressed here, whichever part of the app made it (cache
hits answered ahead of Flask too); anything else goes out as it is. Such an answer varies by
Accept-Encoding, which it says whether compressed or not, for HTTP caches in front.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_accept_header

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MIN_BYTES = 1024  # below this, gzip's header and the CPU cost more than the bytes saved
LEVEL = 1  # nginx's default: most of the saving (10x on SPARQL JSON) at a fifth of level 6's CPU
TEXTUAL = ("json", "xml", "javascript", "n-triples", "n-quads", "trig")  # beside text/*


class Compressed:
    """The WSGI app: `app`'s answers, compressed where the client and the answer allow."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def hold(status: str, headers: list[tuple[str, str]], *_: Any) -> Callable[..., Any]:
            """The app's start_response: its status and headers are sent with the body."""
            started.append((status, headers))
            return lambda data: None  # no part of the app writes (WSGI's legacy write())

        answer = self.app(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        status, headers = started[-1]  # the last call counts (one after an error)
        if compressible(headers, body):
            headers = [*headers, ("Vary", "Accept-Encoding")]
            accepted = environ.get("HTTP_ACCEPT_ENCODING")
            if accepted and parse_accept_header(accepted).quality("gzip"):
                body = gzip.compress(body, compresslevel=LEVEL, mtime=0)
                headers = [(name, value) for name, value in headers
                           if name.lower() != "content-length"]
                headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]


def compressible(headers: list[tuple[str, str]], body: bytes) -> bool:
    """Whether an answer is worth compressing: textual, MIN_BYTES or more, not yet encoded."""
    named = {name.lower(): value for name, value in headers}
    media = named.get("content-type", "").split(";")[0].strip().lower()
    textual = media.startswith("text/") or media.endswith(TEXTUAL)
    return textual and len(body) >= MIN_BYTES and "content-encoding" not in named
