"""A remote store: any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever).

Reads go over the SPARQL 1.1 Protocol. The server is asked for one format per query form
(SPARQL JSON results, N-Triples or Turtle graphs) and the answer is written again here in the
format the caller wants, cut at its row limit, so that every server answers alike: servers
differ in the formats they offer (Virtuoso 7 has no TriG or N-Quads answers) and Virtuoso 7
answers ASK with a one-row SELECT (openlink/virtuoso-opensource#464). Writes go whole graph by
whole graph over the Graph Store HTTP Protocol, or with SPARQL Update (`via_update`) where a
server lacks the protocol's PUT and DELETE (QLever). A query whose default graph merges several
graphs runs here, on those graphs fetched, in a worker process killed at the time limit, since
such servers answer it with a triple once per graph holding it (kg/store/dataset.py).

A location is the query endpoint's URL; the Graph Store and update endpoints default to the
usual places of Oxigraph server (`/store`, `/update` beside `/query`) and may be given (Virtuoso:
`/sparql-graph-crud`, and `/sparql` for updates). The server's default graph should be the
union of its named graphs, as ours is (Oxigraph server: `--union-default-graph`). The store
cannot make private drafts, so it is not `transactional`: the endpoint does not accept writes
in front of it.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from kg.errors import KgError
from kg.rdf import rdf_format, syntax_error
from kg.store.base import ANSWER_JSON, SPARQL_JSON, Answer, QueryOptions, QueryTimeout, backend
from kg.store.dataset import answer_on_quads, graphs_named, merges_graphs
from kg.store.results import Solutions, read_json_solutions, write_answer
from kg.store.workers import JobTimeout, WorkerPool

USER_AGENT = "caucasus-kg (https://w3id.org/caucasus-kg; store client)"
WRITE_SECONDS = 600  # a write (a whole graph, or an update) may take this long
# What a query form is asked for, best first; graphs are read in whichever of these comes back.
N_TRIPLES = "application/n-triples"
GRAPH_READERS = {N_TRIPLES: ox.RdfFormat.N_TRIPLES,
                 "text/turtle": ox.RdfFormat.TURTLE}
GRAPHS_ASKED = f"{N_TRIPLES}, text/turtle;q=0.9"
ASKING = {"SELECT": SPARQL_JSON, "ASK": SPARQL_JSON,
          "CONSTRUCT": GRAPHS_ASKED, "DESCRIBE": GRAPHS_ASKED}
# A query's prologue (SPARQL 1.1 §19.8 rules 4-7: BASE and PREFIX declarations, comments)...
PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*",
                      re.IGNORECASE)
# ...is followed by the keyword of its form.
FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoints:
    """Where a remote store answers queries, updates and Graph Store requests."""

    query: str
    update: str
    store: str

    @classmethod
    def beside(cls, query: str) -> Endpoints:
        """Oxigraph server's layout: /query, /update, /store on one root."""
        root = query.rsplit("/", 1)[0]
        return cls(query, f"{root}/update", f"{root}/store")


class RemoteStore:
    """A SPARQL 1.1 server over HTTP."""

    transactional = False
    # Oxigraph server's and Virtuoso's union yields a triple once per graph holding it (Jena's
    # is a set, but the client cannot tell which server it talks to).
    union_is_a_set = False

    def __init__(self, endpoints: Endpoints, token: str | None = None,
                 via_update: bool = False, workers: int = 1) -> None:
        self.endpoints = endpoints
        # Graphs written with SPARQL Update (DROP, INSERT) instead of the Graph Store
        # Protocol, for servers without it (or without its PUT and DELETE).
        self.via_update = via_update
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        self._writes = 0
        self._workers = workers
        self._pool: WorkerPool | None = None  # started by the first query that merges graphs

    @property
    def writes_to(self) -> str:
        """The URL graph writes go to (the Graph Store's, or the update endpoint's)."""
        return self.endpoints.update if self.via_update else self.endpoints.store

    @property
    def version(self) -> str:
        # Only writes made through this client are seen; a cache in front of a store that
        # others write to must expire on its own.
        return f"remote-{self._writes}"

    def query(self, sparql: str, timeout: float | None = None,
              options: QueryOptions = ANSWER_JSON) -> Answer:
        if merges_graphs(options):
            return self._query_merged(sparql, timeout, options)
        form = query_form(sparql)
        data: dict[str, Any] = {"query": sparql, "default-graph-uri": options.default_graphs,
                                "named-graph-uri": options.named_graphs}
        response = self._send("POST", self.endpoints.query, timeout, data=data,
                              headers={"Accept": ASKING[form]})
        if response.status_code == 400:
            raise SyntaxError(response.text.strip()[:2000])
        _raise_for(response, self.endpoints.query)
        return write_answer(self._read(form, response), options, self.version)

    def _query_merged(self, sparql: str, timeout: float | None, options: QueryOptions
                      ) -> Answer:
        """A query on a dataset whose default graph merges several graphs: the graphs it names
        are fetched in one SELECT, then queried in memory by a worker (kg/store/dataset.py)."""
        started = time.monotonic()
        graphs = " ".join(f"<{graph}>" for graph in graphs_named(options))
        fetch = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        response = self._send("POST", self.endpoints.query, timeout, data={"query": fetch},
                              headers={"Accept": SPARQL_JSON})
        _raise_for(response, self.endpoints.query)
        held = self._read("SELECT", response)
        quads = [ox.Quad(s, p, o, g) for g, s, p, o in held.rows] \
            if isinstance(held, Solutions) else []
        if self._pool is None:
            self._pool = WorkerPool(self._workers)
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        try:
            return self._pool.run(answer_on_quads, (
                ox.serialize(quads, format=ox.RdfFormat.N_QUADS), sparql, options,
                self.version), left)
        except JobTimeout as error:
            raise QueryTimeout(f"query {error}") from None

    def _read(self, form: str, response: requests.Response
              ) -> bool | Solutions | list[ox.Triple]:
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        try:
            if form in {"CONSTRUCT", "DESCRIBE"} and media in GRAPH_READERS:
                return [quad.triple for quad in ox.parse(response.content,
                                                         format=GRAPH_READERS[media])]
            if form in {"SELECT", "ASK"} and media == SPARQL_JSON:
                result = read_json_solutions(response.content)
                # Virtuoso 7 answers ASK as SELECT: one solution for true, none for false.
                return bool(list(result.rows)) if isinstance(result, Solutions) and \
                    form == "ASK" else result
        except (SyntaxError, ValueError, KeyError) as error:
            raise KgError(f"the store at {self.endpoints.query} answered unreadable "
                          f"{media}: {error}") from None
        raise KgError(f"the store at {self.endpoints.query} answered a {form} with "
                      f"{media or 'no media type'}; asked for {ASKING[form]}")

    def count(self) -> int:
        """The number of triples in named graphs (the default graph is their union)."""
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])

    def put_graph(self, graph: str | None, data: bytes, media_type: str) -> None:
        """Replace one graph (None: the default graph) with RDF in a media type."""
        if self.via_update:  # one request, so one transaction on servers that have them
            self.update(f"{_drop(graph)} ; {_insert(graph, data, media_type)}")
        else:
            self._send_graph("PUT", graph, data, media_type)

    def put_graphs(self, graphs: dict[str | None, bytes]) -> None:
        """Replace several graphs with N-Triples: in one request with SPARQL Update, else one
        Graph Store PUT each."""
        if self.via_update:
            self.update(" ; ".join(f"{_drop(graph)} ; {_insert(graph, data, N_TRIPLES)}"
                                   for graph, data in graphs.items()))
        else:
            for graph, data in graphs.items():
                self.put_graph(graph, data, N_TRIPLES)

    def post_graph(self, graph: str | None, data: bytes, media_type: str) -> None:
        """Add RDF in a media type to one graph (None: the default graph)."""
        if self.via_update:
            self.update(_insert(graph, data, media_type))
        else:
            self._send_graph("POST", graph, data, media_type)

    def delete_graph(self, graph: str | None) -> None:
        """Drop one graph (None: empty the default graph); a graph already gone is fine."""
        if self.via_update:
            self.update(_drop(graph))
        else:
            self._send_graph("DELETE", graph, b"", None)

    def _send_graph(self, method: str, graph: str | None, data: bytes, media_type: str | None
                    ) -> None:
        params = {"graph": graph} if graph else {"default": ""}
        headers = {"Content-Type": media_type} if media_type else {}
        response = self._send(method, self.endpoints.store, WRITE_SECONDS, params=params,
                              data=data, headers=headers)
        if not (method == "DELETE" and response.status_code == 404):
            _raise_for(response, self.endpoints.store)
        self._writes += 1

    def update(self, sparql: str) -> None:
        response = self._send("POST", self.endpoints.update, WRITE_SECONDS,
                              data=sparql.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-update"})
        _raise_for(response, self.endpoints.update)
        self._writes += 1

    def _send(self, method: str, url: str, timeout: float | None, **request: Any
              ) -> requests.Response:
        """One HTTP request; a store that cannot be reached, or is silent past `timeout`
        seconds, is a KgError (QueryTimeout)."""
        try:
            return self._session.request(method, url, timeout=timeout, **request)
        except requests.ConnectionError as error:  # a connect timeout is one too
            raise KgError(f"cannot reach the store at {url}: {error}") from None
        except requests.Timeout:
            raise QueryTimeout(f"the store at {url} did not answer within {timeout:g} s"
                               ) from None

    def load(self, path: Path, graph: str | None = None) -> None:
        if path.suffix not in {".ttl", ".nt"}:
            raise KgError(f"{path}: load a .ttl or .nt file into one graph; push a dataset "
                          "with `kg push`")
        try:
            triples = ox.serialize(ox.parse(path=str(path), format=rdf_format(path)),
                                   format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as error:
            raise syntax_error(error, path) from None
        self.post_graph(graph, triples, N_TRIPLES)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        self._session.close()


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; raises SyntaxError for anything else."""
    prologue = PROLOGUE.match(sparql)
    start = prologue.end() if prologue else 0
    found = FORM.match(sparql, start)
    if found is None:
        raise SyntaxError("expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prefixes, "
                          f"found {sparql[start:start + 40]!r}")
    return found.group(1).upper()


def _drop(graph: str | None) -> str:
    return f"DROP SILENT GRAPH <{graph}>" if graph else "DROP SILENT DEFAULT"


def _insert(graph: str | None, data: bytes, media_type: str) -> str:
    """An INSERT of N-Triples (whose lines are SPARQL triples as they are).

    INSERT ... WHERE {} rather than INSERT DATA, which Virtuoso 7 refuses blank nodes in.
    """
    if media_type != N_TRIPLES:
        raise KgError(f"graphs are written with SPARQL Update as {N_TRIPLES}, not {media_type}")
    triples = data.decode("utf-8")
    return f"INSERT {{ GRAPH <{graph}> {{ {triples} }} }} WHERE {{}}" if graph else \
        f"INSERT {{ {triples} }} WHERE {{}}"


def _raise_for(response: requests.Response, url: str) -> None:
    if response.status_code >= 400:
        raise KgError(f"the store at {url} answered {response.status_code}: "
                      f"{response.text.strip()[:500]}")


@backend("http")
@backend("https")
def open_remote(location: str, update: str | None = None, store: str | None = None,
                token: str | None = None, via_update: bool = False, workers: int = 1,
                **_: Any) -> RemoteStore:
    """A remote store at its query URL; `update` and `store` URLs default to Oxigraph's.

    With `via_update`, graphs are written with SPARQL Update rather than the Graph Store
    Protocol; `workers` processes run the queries that merge graphs.
    """
    guessed = Endpoints.beside(location)
    return RemoteStore(Endpoints(location, update or guessed.update, store or guessed.store),
                       token, via_update, workers)
