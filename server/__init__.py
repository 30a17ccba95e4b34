"""The SPARQL endpoint: `create_app(config)` is the one way to an application.

Tests, `kg serve` and any WSGI server build the app here; each area of the endpoint is a
blueprint, and the store is handed to views through the app, never found globally.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from kg.errors import KgError
from kg.store import open_store


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """An app serving the current build from an embedded store (loaded on first start)."""
    app = Flask(__name__)
    app.config.update(config or {})
    app.extensions["kg_store"] = _store_for_build(Path(app.config["STORE_PATH"]),
                                                  Path(app.config["BUILD"]))

    from server.pages import blueprint as pages
    from server.sparql import blueprint as sparql

    app.register_blueprint(sparql)
    app.register_blueprint(pages)
    return app


def _store_for_build(store_root: Path, build: Path) -> Any:
    """The embedded store of the current release, loading its N-Quads the first time."""
    dataset = build / "dataset.nq"
    if not dataset.is_file():
        raise KgError(f"no built graph at {build}; run `kg build` (or `make serve`) first")
    release = build.resolve().name
    folder = store_root / release
    fresh = not folder.exists()
    store = open_store(folder)
    if fresh:
        store.load(dataset)
    return store
