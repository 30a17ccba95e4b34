"""CPU of a cache hit in the WSGI app alone: `app.wsgi_app` called N times in one process.

No HTTP server and no client: what the endpoint's own layers (server/compress.py,
server/hits.py) spend on a repeated GET to /sparql, with the access log written (to
/dev/null) as `kg serve` writes it. Prints microseconds of CPU per call for each run. With
--revalidate each call sends If-None-Match with the answer's ETag (a 304 each time).

    PYTHONPATH=$PWD python bench/wsgi_hits.py --data build/current/dataset.nq --runs 3
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from werkzeug.test import EnvironBuilder

from server import create_app

QUERY = ("SELECT ?s ?p ?o WHERE { ?s a <https://w3id.org/caucasus-kg/ontology#Event> ; ?p ?o }"
         " LIMIT 5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="RDF file to serve")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE",
                        help="a request header to send too (Accept-Encoding: gzip, say)")
    parser.add_argument("--revalidate", action="store_true",
                        help="send If-None-Match with the answer's ETag")
    args = parser.parse_args()
    access = logging.getLogger("caucasus_kg")
    access.setLevel(logging.INFO)
    access.addHandler(logging.FileHandler("/dev/null"))
    access.propagate = False
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"STORE_PATH": Path(folder) / "store", "BUILD": args.data.parent,
                          "DATA": args.data, "RELOAD_SECONDS": 0})
        headers = dict(header.split(":", 1) for header in args.header)
        environ = EnvironBuilder(path="/sparql", query_string={"query": QUERY},
                                 headers={"Accept": "application/sparql-results+json", **headers},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()
        status, size, tag = call(app.wsgi_app, environ)  # a miss: the query runs, is kept
        if args.revalidate:
            environ["HTTP_IF_NONE_MATCH"] = tag
        status, size, tag = call(app.wsgi_app, environ)
        print(f"answer: {status}, {size} bytes")
        for _ in range(args.runs):
            started = time.process_time()
            for _ in range(args.calls):
                call(app.wsgi_app, environ)
            spent = time.process_time() - started
            print(f"{spent / args.calls * 1e6:.1f} µs CPU per hit")
        app.extensions["kg_store"].close()


def call(app: Any, environ: dict[str, Any]) -> tuple[str, int, str]:
    """One request: its status, body size and ETag."""
    seen: list[tuple[str, dict[str, str]]] = []
    body = b"".join(app(dict(environ), lambda status, headers, *_: seen.append(
        (status, dict(headers)))))
    status, headers = seen[0]
    return status, len(body), headers.get("ETag", "")


if __name__ == "__main__":
    main()
