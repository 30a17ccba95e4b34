"""The SPARQL endpoint: `create_app(config)` is the one way to an application.

Tests, `kg serve` and any WSGI server build the app here; each area of the endpoint is a
blueprint, and the store is handed to views through the app, never found globally.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask

from kg.errors import KgError
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore
from server.guard import RateLimiter, is_private
from server.hits import AnswerHits
from server.ops import Metrics, install
from server.sent import Sent
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
    "CORS_MAX_AGE": 7200,  # seconds a browser may reuse a preflight's answer (Chromium's cap)
    "RATE_SECONDS": 120.0,  # query seconds each client may use per minute
    "CACHE_ENTRIES": 2048,
    "RELOAD_SECONDS": 5.0,  # how often to look for a new build (0: never)
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """An app serving the current build from an embedded store (loaded when the build is new).

    `STORE_PATH` is the embedded store's folder (or a remote store's query URL: the app is then
    a read-only front for it), `BUILD` the build to serve (its ontology pages too) and `DATA`
    another RDF file to serve instead of the build's dataset; DEFAULTS has the rest.
    """
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    for endpoint in app.config["SERVICE_ALLOWLIST"]:
        if is_private(endpoint):
            raise KgError(f"SERVICE allowlist entry {endpoint} is a loopback or private "
                          "address; only public endpoints may be allowed")
    store = open_store(str(app.config["STORE_PATH"]), workers=app.config["QUERY_WORKERS"])
    data = Path(app.config.get("DATA") or Path(app.config["BUILD"]) / "dataset.nq")
    if store.transactional:  # an embedded store serves the build; a remote one its own data
        load_dataset(store, data)
        app.config.setdefault("CHANGES_LOG", store.path / "changes.jsonl")
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
    from server.resource import blueprint as resource
    from server.sparql import blueprint as sparql
    from server.ui import blueprint as ui

    for blueprint in (sparql, gsp, describe, ops, pages, resource, ui):
        app.register_blueprint(blueprint)
    install(app)
    app.wsgi_app = Sent(app, AnswerHits(app, app.wsgi_app))  # type: ignore[method-assign]
    if app.config["RELOAD_SECONDS"] and store.transactional:
        threading.Thread(target=_follow_builds, args=(store, data, app.config["RELOAD_SECONDS"]),
                         daemon=True, name="follow-builds").start()
    return app


def _follow_builds(store: OxigraphStore, data: Path, every: float) -> None:
    """Load each new build (or edited data file) as it appears; queries go on meanwhile and
    switch to it when it is complete. Writes made through the endpoint since the last build
    are not carried over: they stay in the changes log (CHANGES_LOG) with their writers."""
    log = logging.getLogger("caucasus_kg")
    while True:
        time.sleep(every)
        try:
            load_dataset(store, data)
        except (KgError, OSError, SyntaxError) as error:
            log.error("could not load the new build %s: %s", data, error)


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
    logging.getLogger("caucasus_kg").info("loading %s into %s", data.resolve(), store.path)
    with store.change(f"load {data.resolve()}", empty=True, source=source, release=release
                      ) as draft:
        draft.load(data)
