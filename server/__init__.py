"""The SPARQL endpoint: `create_app(config)` is the one way to an application.

Tests, `kg serve` and any WSGI server build the app here; each area of the endpoint is a
blueprint, and the store is handed to views through the app, never found globally.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from flask import Flask

from kg.errors import KgError
from kg.store.oxigraph import OxigraphStore
from server.guard import RateLimiter, is_private
from server.ops import Metrics, install
from server.sparql import AnswerCache

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

DEFAULTS: dict[str, Any] = {
    "TIMEOUT": 30.0,  # seconds a query may run before its worker is killed
    "MAX_ROWS": 100_000,  # solutions or triples in one answer; the rest is cut, and said so
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,  # bytes of one request (Flask's own limit)
    "QUERY_WORKERS": 2,  # processes running queries (each can be killed at the time limit)
    "WRITERS": {},  # writer name: token hash (server/writers.py); none means read-only
    "SERVICE_ALLOWLIST": [WIKIDATA_SPARQL],
    "CORS_ORIGINS": ["*"],
    "RATE_SECONDS": 120.0,  # query seconds each client may use per minute
    "CACHE_ENTRIES": 2048,
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """An app serving the current build from an embedded store (loaded when the build is new).

    `STORE_PATH` is the store's folder, `BUILD` the build to serve (its ontology pages too) and
    `DATA` another RDF file to serve instead of the build's dataset; DEFAULTS has the rest.
    """
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    for endpoint in app.config["SERVICE_ALLOWLIST"]:
        if is_private(endpoint):
            raise KgError(f"SERVICE allowlist entry {endpoint} is a loopback or private "
                          "address; only public endpoints may be allowed")
    store = OxigraphStore(Path(app.config["STORE_PATH"]), app.config["QUERY_WORKERS"])
    data = Path(app.config.get("DATA") or Path(app.config["BUILD"]) / "dataset.nq")
    load_dataset(store, data)
    app.config["BUILD_NAME"] = store.info().get("release", "")
    app.extensions.update({
        "kg_store": store,
        "kg_cache": AnswerCache(app.config["CACHE_ENTRIES"]),
        "kg_limiter": RateLimiter(app.config["RATE_SECONDS"]),
        "kg_metrics": Metrics.create(),
    })

    from server.describe import blueprint as describe
    from server.gsp import blueprint as gsp
    from server.ops import blueprint as ops
    from server.pages import blueprint as pages
    from server.sparql import blueprint as sparql
    from server.ui import blueprint as ui

    for blueprint in (sparql, gsp, describe, ops, pages, ui):
        app.register_blueprint(blueprint)
    install(app)
    return app


def load_dataset(store: OxigraphStore, data: Path) -> None:
    """Make an RDF file (a build's dataset.nq) the store's current version, unless it is.

    A file is known by its resolved path, size and modification time, so a new build (a new
    release folder) or an edited file is loaded again and an unchanged one is not.
    """
    if not data.is_file():
        raise KgError(f"no built graph at {data}; run `kg build` (or `make serve`) first")
    stat = data.resolve().stat()
    source = hashlib.sha256(f"{data.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
                            ).hexdigest()[:16]
    if store.version and store.info().get("source") == source:
        return
    release = data.resolve().parent.name
    logging.getLogger("caucasus_kg").info("loading %s into %s", data, store.path)
    with store.change(f"load {data.resolve()}", empty=True, source=source, release=release
                      ) as draft:
        draft.load(data)
