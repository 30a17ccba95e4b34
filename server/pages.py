"""Pages for people: the ontology's documentation (made by `kg build` with pyLODE) at /ontology."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from werkzeug.wrappers import Response

blueprint = Blueprint("pages", __name__)


@blueprint.route("/ontology")
def ontology() -> Response:
    page = Path(current_app.config["BUILD"]) / "ontology" / "index.html"
    if not page.is_file():
        abort(404, description="this build has no ontology documentation (built with --no-docs)")
    return send_file(page, mimetype="text/html")
