"""The query page at /: YASGUI on this server's /sparql, the competency questions as examples.

YASGUI's bundle comes from npm (`make setup` runs `npm ci`) and is served from node_modules by
this blueprint, so the page loads nothing from outside the server and works offline.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, render_template, send_from_directory

from kg import paths
from kg.queries import read_queries
from kg.rdf import PREFIXES

blueprint = Blueprint("ui", __name__)

# The two files of YASGUI's build the page needs (the bundle carries YASQE, YASR and CodeMirror).
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")


@blueprint.route("/")
def query_page() -> Response | str:
    missing = [name for name in YASGUI_FILES if not (paths.YASGUI_DIR / name).is_file()]
    if missing:
        return Response(f"The query page needs YASGUI, which is not installed "
                        f"({', '.join(missing)} missing from {paths.YASGUI_DIR}): run `make setup` "
                        "(it runs `npm ci`). The endpoint itself answers at /sparql.\n", 503,
                        mimetype="text/plain")
    return render_template(
        "query.html",
        examples=[asdict(query) for query in read_queries()],
        prefixes={prefix: str(namespace) for prefix, namespace in PREFIXES.items()})


@blueprint.route("/yasgui/<name>")
def yasgui_file(name: str) -> Response:
    return send_from_directory(paths.YASGUI_DIR, name)
