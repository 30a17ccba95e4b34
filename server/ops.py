"""Operations: /health, Prometheus /metrics, one structured access-log line per request, CORS.

Metrics live in a registry of the app's own (several apps in one process stay apart); the
access log is JSON on the `caucasus_kg.access` logger with the query time of each request.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

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
    """Time every request, log it, count it, and add CORS headers for allowed origins."""

    @app.before_request
    def start_clock() -> None:
        g.started = time.monotonic()

    @app.after_request
    def finish(response: Response) -> Response:
        metrics: Metrics = app.extensions["kg_metrics"]
        endpoint = request.endpoint or "none"
        metrics.requests.labels(endpoint, str(response.status_code)).inc()
        query_seconds = g.get("query_seconds")
        if query_seconds is not None:
            metrics.query_seconds.observe(query_seconds)
        if g.get("cached"):
            metrics.cache_hits.inc()
        _allow_origin(app, response)
        if not access_log.isEnabledFor(logging.INFO):
            return response
        access_log.info(json.dumps({
            "method": request.method, "path": request.path, "status": response.status_code,
            "client": request.remote_addr, "endpoint": endpoint,
            "seconds": round(time.monotonic() - g.get("started", time.monotonic()), 6),
            "query_seconds": None if query_seconds is None else round(query_seconds, 6),
            "cached": bool(g.get("cached")), "bytes": response.calculate_content_length()}))
        return response


def _allow_origin(app: Flask, response: Response) -> None:
    origins = app.config["CORS_ORIGINS"]
    origin = request.headers.get("Origin")
    if not origin or not origins:
        return
    if "*" in origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")  # beside Accept, where the answer is negotiated
    else:
        return
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
    response.headers["Access-Control-Expose-Headers"] = ("X-KG-Rows, X-KG-Truncated, "
                                                         "X-KG-Store-Version, Location")
