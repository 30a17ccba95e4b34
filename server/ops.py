"""Operations: /health, Prometheus /metrics, one structured access-log line per request, CORS.

Metrics live in a registry of the app's own (several apps in one process stay apart); the
access log is JSON on the `caucasus_kg.access` logger with the query time of each request.
Both are written by server/sent.py as the answer leaves (its final status and size, a 304
or a HEAD's too), from what the part of the app that answered noted (`Answered`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import NamedTuple

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

blueprint = Blueprint("ops", __name__)
access_log = logging.getLogger("caucasus_kg.access")
ANSWERED = "kg.answered"  # the WSGI environ key under which a request's `Answered` is noted


class Answered(NamedTuple):
    """What the part of the app that answered a request knows of it, for metrics and logs:
    the view (Flask's endpoint name), the seconds its query ran (if one ran), a cache hit."""

    endpoint: str
    query_seconds: float | None
    cached: bool


NOT_NOTED = Answered("none", None, False)  # a request answered before any view was found


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    query_seconds: Histogram
    timeouts: Counter
    rejected: Counter
    cache_hits: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry()
        return cls(
            registry,
            Counter("kg_http_requests", "HTTP requests answered", ["endpoint", "status"],
                    registry=registry),
            Histogram("kg_query_seconds", "Time spent running queries in the store",
                      buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60), registry=registry),
            Counter("kg_query_timeouts", "Queries stopped at the time limit", registry=registry),
            Counter("kg_rejected_updates", "Writes rejected by the shapes", registry=registry),
            Counter("kg_cache_hits", "Queries answered from the answer cache", registry=registry))

    def count(self, endpoint: str, status: int, query_seconds: float | None, cached: bool
              ) -> None:
        """Count an answered request (its query time too, if it ran one)."""
        self.requests.labels(endpoint, str(status)).inc()
        if query_seconds is not None:
            self.query_seconds.observe(query_seconds)
        if cached:
            self.cache_hits.inc()


@blueprint.route("/health")
def health() -> Response:
    store = current_app.extensions["kg_store"]
    body = {"status": "ok", "store_version": store.version, "build": current_app.config.get(
        "BUILD_NAME", "")}
    return Response(json.dumps(body) + "\n", 200, mimetype="application/json")


@blueprint.route("/metrics")
def metrics() -> Response:
    registry = current_app.extensions["kg_metrics"].registry
    return Response(generate_latest(registry), 200, content_type=CONTENT_TYPE_LATEST)


def install(app: Flask) -> None:
    """Note what each request's view did (for server/sent.py to count and log), and add
    CORS headers for allowed origins (with how long a browser may keep a preflight's)."""

    @app.after_request
    def finish(response: Response) -> Response:
        request.environ[ANSWERED] = Answered(request.endpoint or "none", g.get("query_seconds"),
                                             bool(g.get("cached")))
        origin = request.headers.get("Origin")
        for name, value in cors_headers(app.config["CORS_ORIGINS"], origin):
            if name == "Vary":
                response.vary.add(value)  # beside the view's own Vary (Accept), if any
            else:
                response.headers[name] = value
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers \
                and "Access-Control-Allow-Origin" in response.headers:
            response.headers["Access-Control-Max-Age"] = str(app.config["CORS_MAX_AGE"])
        return response


# What a browser on an allowed origin may send and read (beside Access-Control-Allow-Origin).
CORS_GRANTS = [
    ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept"),
    ("Access-Control-Expose-Headers", "X-KG-Rows, X-KG-Truncated, X-KG-Store-Version, Location"),
]


def cors_headers(origins: list[str], origin: str | None) -> list[tuple[str, str]]:
    """The CORS headers of an answer to a request from `origin` (its Origin header): none
    unless `origins` allows it; an origin allowed by name also varies the answer by Origin."""
    if not origin or not origins:
        return []
    if "*" in origins:
        return [("Access-Control-Allow-Origin", "*"), *CORS_GRANTS]
    if origin in origins:
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), *CORS_GRANTS]
    return []


def log_request(method: str, path: str, client: str | None, endpoint: str, status: int,
                size: int | None, started: float, query_seconds: float | None, cached: bool
                ) -> None:
    """Write a request's access-log line (JSON); `started` is its time.monotonic() on arrival,
    `size` the answer's bytes. The line is built only when it will be written, and handed to
    the handlers as a record made here: logging's own info() would look up the calling
    source line on every request (findCaller), which the line does not show."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, __file__, 0, json.dumps({
        "method": method, "path": path, "status": status, "client": client, "endpoint": endpoint,
        "seconds": round(time.monotonic() - started, 6),
        "query_seconds": None if query_seconds is None else round(query_seconds, 6),
        "cached": cached, "bytes": size}), None, None))
