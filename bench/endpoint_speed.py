"""Latency and throughput of a fixed query mix on our endpoint and on three other SPARQL servers.

Usage: .venv/bin/python bench/endpoint_speed.py --triples 1000000 [--data FILE] [--keep DIR]

rdflib-endpoint is no project dependency: `.venv/bin/pip install 'rdflib-endpoint[cli]'` first,
or it is skipped with a message (as are Virtuoso, Debian's virtuoso-opensource, and Oxigraph
server, PyPI `oxigraph`, where absent).

It writes synthetic data with bench/generate.py (or takes `--data`), then, one server at a time
on 127.0.0.1, loads it into `kg serve` (the embedded store), Oxigraph server
(`--union-default-graph`), a private Virtuoso (its bulk loader) and rdflib-endpoint, and runs
the queries of bench/queries/ on each. A `{{...}}` in a query is filled in per request from
the data: `{{ckg:Class}}` an instance of the class, `{{label ckg:Class}}` the label of one,
`{{day}}` a day within the span of the events' dates and `{{day+N}}` N days after it.

Per query and server there are three phases: cold at concurrency 1 and at concurrency 8 (each
request filled in anew and numbered in a comment, so no text is sent twice and no answer cache
helps; every server gets the same texts), and repeated (one text, sent once unmeasured and then
again and again). A phase stops at its request count or after `--budget` seconds, whichever
comes first, and at its first timeout (`--timeout` per request, counted and reported); after a
timeout the next phase waits until the server answers again. rdflib-endpoint answers one query
at a time and slowly, so it gets `--slow-requests` requests per phase (one per client at
concurrency 8). Every request is a GET with the query as a parameter, each client on one
kept-alive connection (http.client). Markdown tables go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib.util
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's own modules

from generate import generate  # noqa: E402

from kg.rdf import rdf_format  # noqa: E402
from kg.vocab import CKG  # noqa: E402
from tests.servers import (  # noqa: E402
    NotInstalled,
    free_port,
    oxigraph_serving,
    running,
    virtuoso_serving,
)

QUERIES = ROOT / "bench" / "queries"
PLACEHOLDER = re.compile(r"\{\{(.+?)\}\}")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ACCEPT = {"SELECT": "application/sparql-results+json", "CONSTRUCT": "text/turtle",
          "DESCRIBE": "text/turtle"}
CONCURRENCY = 8
OURS, OXIGRAPH, RDFLIB = "kg serve", "Oxigraph server", "rdflib-endpoint"
ASK = "ASK {}"


@dataclass(frozen=True)
class Query:
    """A query of the mix: its file's name and text, `{{...}}` still in it."""

    name: str
    text: str

    @property
    def accept(self) -> str:
        form = re.search(r"^\s*(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", self.text, re.M | re.I)
        return ACCEPT.get(form.group(1).upper() if form else "SELECT", ACCEPT["SELECT"])

    def fill(self, pools: Pools, rng: random.Random) -> str:
        """The text with each placeholder drawn (one value per distinct placeholder)."""
        drawn: dict[str, str] = {}
        day = pools.day(rng)

        def value(match: re.Match[str]) -> str:
            key = match.group(1).strip()
            if key not in drawn:
                drawn[key] = pools.draw(key, day, rng)
            return drawn[key]

        return PLACEHOLDER.sub(value, self.text)


@dataclass
class Pools:
    """What placeholders are filled from: instances and labels per class, the span of days."""

    instances: dict[str, list[str]]
    labels: dict[str, list[str]]
    first_day: dt.date
    last_day: dt.date

    def day(self, rng: random.Random) -> dt.date:
        return self.first_day + dt.timedelta(days=rng.randrange(
            (self.last_day - self.first_day).days + 1))

    def draw(self, key: str, day: dt.date, rng: random.Random) -> str:
        if key == "day" or key.startswith("day+"):
            shifted = day + dt.timedelta(days=int(key[4:] or 0))
            return f'"{shifted.isoformat()}"^^xsd:date'
        if key.startswith("label "):
            label = rng.choice(self.labels[expand(key[6:])])
            return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"<{rng.choice(self.instances[expand(key)])}>"


def expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    if prefix != "ckg":
        raise SystemExit(f"placeholder {name!r}: only ckg: classes are known")
    return str(CKG[local])


def read_queries(names: list[str] | None) -> list[Query]:
    files = sorted(QUERIES.glob("*.rq"))
    queries = [Query(f.stem, f.read_text(encoding="utf-8")) for f in files
               if not names or f.stem in names]
    if not queries:
        raise SystemExit(f"no queries named {names} in {QUERIES}")
    return queries


def read_pools(data: Path, queries: list[Query]) -> Pools:
    """Instances, labels and days from the data file, for the placeholders the queries use."""
    keys = {m.group(1).strip() for q in queries for m in PLACEHOLDER.finditer(q.text)}
    labelled = {expand(k[6:]) for k in keys if k.startswith("label ")}
    classes = labelled | {expand(k) for k in keys if k.startswith("ckg:")}
    instances: dict[str, list[str]] = {c: [] for c in classes}
    typed: dict[str, str] = {}
    labels: dict[str, set[str]] = {c: set() for c in labelled}
    days: list[dt.date] = []
    date = str(CKG.date)
    # Two passes: a subject's label may come before its type.
    for quad in ox.parse(path=str(data), format=rdf_format(data)):
        predicate, subject = quad.predicate.value, quad.subject
        if predicate == RDF_TYPE and quad.object.value in classes:
            if isinstance(subject, ox.NamedNode) and subject.value not in typed:
                typed[subject.value] = quad.object.value
                instances[quad.object.value].append(subject.value)
        elif predicate == date and isinstance(quad.object, ox.Literal):
            days.append(dt.date.fromisoformat(quad.object.value[:10]))
    if labelled:
        for quad in ox.parse(path=str(data), format=rdf_format(data)):
            if quad.predicate.value == RDFS_LABEL and typed.get(quad.subject.value) in labelled:
                labels[typed[quad.subject.value]].add(quad.object.value)
    empty = [c for c, found in instances.items() if not found] + [
        f"labels of {c}" for c, found in labels.items() if not found]
    if empty or not days:
        raise SystemExit(f"{data} has no {', '.join(empty) or 'ckg:date'}: the queries in "
                         f"{QUERIES} need data in the contract's shape (bench/generate.py)")
    return Pools({c: found for c, found in instances.items()},
                 {c: sorted(found) for c, found in labels.items()}, min(days), max(days))


@dataclass(frozen=True)
class Endpoint:
    """A server under test: its name, its query URL, and the seconds it took to be ready."""

    name: str
    url: str
    load_seconds: float


@dataclass
class Phase:
    """One phase's requests: latencies of the answered ones, timeouts, errors, wall time."""

    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    rows: int | None = None

    def percentile(self, share: float, timeout: float) -> float | None:
        """A timed-out request counts as `timeout` seconds (so this is a lower bound then)."""
        values = sorted(self.latencies + [timeout] * self.timeouts)
        if not values:
            return None
        return values[min(len(values) - 1, math.ceil(share * len(values)) - 1)]

    @property
    def throughput(self) -> float | None:
        return len(self.latencies) / self.wall if self.latencies and self.wall else None


@dataclass
class Result:
    """A server's three phases on one query."""

    cold: Phase
    concurrent: Phase
    repeated: Phase

    @property
    def phases(self) -> tuple[Phase, Phase, Phase]:
        return self.cold, self.concurrent, self.repeated


@dataclass
class Settings:
    requests: int
    concurrent_requests: int
    repeats: int
    slow_requests: int
    budget: float
    timeout: float
    seed: int


@dataclass(frozen=True)
class Reply:
    """How a request went ("ok", "timeout" or an error message), its seconds, the answer."""

    outcome: str
    seconds: float
    body: bytes = b""
    media_type: str = ""

    def rows(self) -> int | None:
        """Solutions or triples in the answer, read in the format the server declared; None
        where that is not one asked for (rdflib-endpoint declares SPARQL XML results for the
        RDF/XML it answers DESCRIBE with)."""
        media_type = self.media_type.split(";")[0].strip()
        if media_type == ACCEPT["SELECT"]:
            return len(json.loads(self.body)["results"]["bindings"])
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            return None
        return sum(1 for _ in ox.parse(self.body, format=rdf_format))


class Connection:
    """One client's kept-alive HTTP/1.1 connection to an endpoint, made lazily and made again
    when the server closes it. It is http.client, not requests: requests spent 1.1-1.9 ms of
    CPU on each request here, most of a repeated query's wall time and the same for every
    server, where http.client spends about 0.3 ms (bench/README.md, "A lean client")."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port, parts.path
        self.timeout = timeout
        self.http: http.client.HTTPConnection | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None

    def get(self, text: str, accept: str) -> tuple[int, bytes, str]:
        """Status, body and Content-Type of a GET of `text`; a kept connection the server
        dropped meanwhile is made again once, as browsers do for a GET."""
        target = f"{self.path}?{urllib.parse.urlencode({'query': text})}"
        while True:
            reused = self.http is not None
            if self.http is None:
                self.http = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=self.timeout)
            try:
                self.http.request("GET", target, headers={"Accept": accept})
                response = self.http.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            if response.will_close:
                self.close()
            return response.status, body, response.getheader("Content-Type", "")


class Client:
    """Sends queries to one endpoint by GET, the answer read whole before the clock stops."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    def connect(self) -> Connection:
        return Connection(self.url, self.timeout)

    def send(self, text: str, accept: str, connection: Connection) -> Reply:
        started = time.perf_counter()
        try:
            status, body, media_type = connection.get(text, accept)
        except TimeoutError:
            return Reply("timeout", time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as error:
            return Reply(f"{type(error).__name__}: {error}"[:200], time.perf_counter() - started)
        seconds = time.perf_counter() - started
        if status != 200:
            return Reply(f"HTTP {status}: {body[:150]!r}", seconds)
        return Reply("ok", seconds, body, media_type)

    def wait_until_idle(self, seconds: float) -> None:
        """Wait until a trivial query is answered (a server may still be busy with a query
        whose client gave up)."""
        deadline = time.monotonic() + seconds
        with self.connect() as connection:
            while time.monotonic() < deadline:
                if self.send(ASK, ACCEPT["SELECT"], connection).outcome == "ok":
                    return
                time.sleep(1)
        raise TimeoutError(f"{self.url} stayed busy for {seconds:g} s")


def run_phase(client: Client, texts: list[str], accept: str, concurrency: int, budget: float
              ) -> Phase:
    """Send `texts` with `concurrency` clients; no new request after `budget` seconds or after
    a timeout."""
    phase = Phase()
    started = time.perf_counter()
    pending = iter(texts)
    stop = False

    def client_loop() -> None:
        nonlocal stop
        with client.connect() as connection:
            while not stop and time.perf_counter() - started < budget:
                text = next(pending, None)
                if text is None:
                    return
                reply = client.send(text, accept, connection)
                if reply.outcome == "ok":
                    phase.latencies.append(reply.seconds)
                elif reply.outcome == "timeout":
                    phase.timeouts += 1
                    stop = True
                else:
                    phase.errors.append(reply.outcome)

    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client_loop) for _ in range(concurrency)]:
            future.result()
    phase.wall = time.perf_counter() - started
    return phase


def measure(client: Client, query: Query, pools: Pools, settings: Settings, slow: bool
            ) -> Result:
    """The three phases of one query on one server."""
    sizes = ((settings.slow_requests, CONCURRENCY, settings.slow_requests) if slow else
             (settings.requests, settings.concurrent_requests, settings.repeats))

    def fresh(phase: str, count: int) -> list[str]:
        """Texts drawn for a phase alone, so a server given fewer gets the first of them."""
        rng = random.Random(f"{settings.seed}-{query.name}-{phase}")
        return [f"{query.fill(pools, rng)}\n# {phase} request {n}" for n in range(count)]

    cold_texts, concurrent_texts = fresh("cold", sizes[0]), fresh("concurrent", sizes[1])
    repeated = fresh("repeated", 1)[0]
    cold = run_phase(client, cold_texts, query.accept, 1, settings.budget)
    settle(client, cold, settings)
    concurrent = run_phase(client, concurrent_texts, query.accept, CONCURRENCY,
                           settings.budget)
    settle(client, concurrent, settings)
    with client.connect() as connection:
        first = client.send(repeated, query.accept, connection)
    if first.outcome == "ok":
        again = run_phase(client, [repeated] * sizes[2], query.accept, 1, settings.budget)
        again.rows = first.rows()
    else:
        again = Phase(timeouts=int(first.outcome == "timeout"),
                      errors=[] if first.outcome == "timeout" else [first.outcome])
        settle(client, again, settings)
    return Result(cold, concurrent, again)


def settle(client: Client, phase: Phase, settings: Settings) -> None:
    if phase.timeouts:
        client.wait_until_idle(10 * settings.timeout)


# The servers, each a context manager yielding an Endpoint once it answers with the data.


@contextmanager
def ours(data: Path, work: Path, settings: Settings) -> Iterator[Endpoint]:
    started = time.perf_counter()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The run's time limit; a rate budget no benchmark spends, no cut of answers (the other
    # servers make none), no looking for new builds.
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--data",
               str(data), "--store", str(work / "kg-store"), "--timeout", str(settings.timeout),
               "--rate", "1e9", "--max-rows", "100000000", "--follow", "0"]
    with running(command, f"{url}/health", work / "kg-serve.log", cwd=ROOT, seconds=3600,
                 env={**os.environ, "KG_BUILD_DIR": str(work / "build")}):
        yield Endpoint(OURS, f"{url}/sparql", time.perf_counter() - started)


@contextmanager
def oxigraph(data: Path, work: Path, settings: Settings) -> Iterator[Endpoint]:
    started = time.perf_counter()
    with oxigraph_serving(work / "oxigraph", data, options=("--union-default-graph",)) as url:
        yield Endpoint(OXIGRAPH, f"{url}/query", time.perf_counter() - started)


@contextmanager
def virtuoso(data: Path, work: Path, settings: Settings) -> Iterator[Endpoint]:
    started = time.perf_counter()
    folder = work / "virtuoso"
    # 1.3 GiB of pages (the Debian default is 80 MiB); its own limit just above the client's.
    with virtuoso_serving(folder, buffers=170_000, threads=CONCURRENCY,
                          query_seconds=int(settings.timeout) + 5) as server:
        shutil.copyfile(data, folder / data.name)  # the bulk loader reads only DirsAllowed
        server.sql(f"ld_dir('{folder}', '{data.name}', 'urn:bench:default'); "
                   "rdf_loader_run(); checkpoint;", seconds=3600)
        failed = server.sql("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                            "WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in failed:
            raise RuntimeError(f"Virtuoso's bulk loader failed: {failed}")
        yield Endpoint("Virtuoso", server.sparql, time.perf_counter() - started)


@contextmanager
def rdflib_endpoint(data: Path, work: Path, settings: Settings) -> Iterator[Endpoint]:
    if importlib.util.find_spec("rdflib_endpoint") is None or \
            importlib.util.find_spec("uvicorn") is None:
        raise NotInstalled("rdflib-endpoint is not installed (no project dependency): "
                           "`.venv/bin/pip install 'rdflib-endpoint[cli]'`")
    started = time.perf_counter()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with running([sys.executable, "-m", "rdflib_endpoint", "serve", str(data), "--host",
                  "127.0.0.1", "--port", str(port)], f"{url}?query=ASK%7B%7D",
                 work / "rdflib-endpoint.log", seconds=3600, stop_seconds=10):
        yield Endpoint(RDFLIB, url, time.perf_counter() - started)


Server = Callable[[Path, Path, Settings], AbstractContextManager[Endpoint]]
SERVERS: dict[str, Server] = {"ours": ours, "oxigraph": oxigraph, "virtuoso": virtuoso,
                              "rdflib": rdflib_endpoint}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="to generate")
    parser.add_argument("--seed", type=int, default=1, help="of the data and the requests")
    parser.add_argument("--data", type=Path, help="use this RDF file instead of generating")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: temporary)")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument("--queries", nargs="+", help="names of bench/queries/*.rq (default all)")
    parser.add_argument("--requests", type=int, default=20, help="cold, at concurrency 1")
    parser.add_argument("--concurrent-requests", type=int, default=40, help="cold, at 8")
    parser.add_argument("--repeats", type=int, default=20, help="of the repeated query")
    parser.add_argument("--slow-requests", type=int, default=3,
                        help="rdflib-endpoint's requests per phase (at 8: one per client)")
    parser.add_argument("--budget", type=float, default=20, help="seconds per phase, at most")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    options = parser.parse_args()
    # A `kill` or `timeout` then stops the servers on its way out, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    settings = Settings(options.requests, options.concurrent_requests, options.repeats,
                        options.slow_requests, options.budget, options.timeout, options.seed)
    queries = read_queries(options.queries)
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        work = options.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        data = options.data
        if data is None:
            data = work / f"synthetic-{options.triples}-{options.seed}.nq"
            if not data.exists():
                log(f"generating {options.triples} triples into {data}")
                generate(options.triples, options.seed, data)
        pools = read_pools(data, queries)
        results: dict[str, dict[str, Result]] = {}
        loads: dict[str, float] = {}
        for key in options.servers:
            try:
                with SERVERS[key](data, work, settings) as endpoint:
                    log(f"{endpoint.name}: ready in {endpoint.load_seconds:.1f} s")
                    loads[endpoint.name] = endpoint.load_seconds
                    results[endpoint.name] = run_mix(endpoint, queries, pools, settings)
            except NotInstalled as missing:
                log(f"skipped: {missing}")
        print(report(loads, results, queries, settings, count_triples(data)))


def run_mix(endpoint: Endpoint, queries: list[Query], pools: Pools, settings: Settings
            ) -> dict[str, Result]:
    client = Client(endpoint.url, settings.timeout)
    # Unmeasured: each of a server's processes or threads opens its store on its first query.
    run_phase(client, [f"ASK {{ ?s ?p ?o }} # {n}" for n in range(4 * CONCURRENCY)],
              ACCEPT["SELECT"], CONCURRENCY, settings.budget)
    measured = {}
    for query in queries:
        result = measure(client, query, pools, settings, endpoint.name == RDFLIB)
        measured[query.name] = result
        log(f"{endpoint.name} {query.name}: cold p50 {show(result.cold.percentile(0.5, 0))}, "
            f"repeated p50 {show(result.repeated.percentile(0.5, 0))}, rows "
            f"{result.repeated.rows}, timeouts {sum(p.timeouts for p in result.phases)}, "
            f"errors {sum(len(p.errors) for p in result.phases)}")
        for phase in result.phases:
            for error in dict.fromkeys(phase.errors):
                log(f"  {error}")
    return measured


def count_triples(data: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(data), format=rdf_format(data)))


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# The report: Markdown tables.


def show(seconds: float | None, timeout: float | None = None) -> str:
    if seconds is None:
        return "—"
    bound = "≥" if timeout is not None and seconds >= timeout else ""
    return f"{bound}{seconds * 1000:,.1f} ms" if seconds < 1 else f"{bound}{seconds:,.2f} s"


def geometric_mean(values: list[float]) -> float | None:
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else None


def ratio(results: dict[str, Result], base: dict[str, Result], value: Callable[[Result],
          float | None]) -> float | None:
    """Geometric mean over the queries both answered of value(result) / value(base)."""
    pairs = [(value(results[q]), value(base[q])) for q in results if q in base]
    return geometric_mean([a / b for a, b in pairs if a and b])


def report(loads: dict[str, float], results: dict[str, dict[str, Result]], queries: list[Query],
           settings: Settings, triples: int) -> str:
    timeout = settings.timeout

    def cold_p50(r: Result) -> float | None:
        return r.cold.percentile(0.5, timeout)

    def repeated_p50(r: Result) -> float | None:
        return r.repeated.percentile(0.5, timeout)

    def concurrent_rate(r: Result) -> float | None:
        return r.concurrent.throughput

    def times(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}x"

    base = results.get(OXIGRAPH, {})
    lines = [f"{triples:,} triples, {len(queries)} queries; cold at concurrency 1 and 8, "
             "repeated at 1; p50 is the median latency. A ratio is this server's time (or rate) "
             "over the other's, the geometric mean over the queries both answered.", "",
             "| server | load | cold p50 (geo. mean) | vs Oxigraph server | q/s at 8 (geo. mean) "
             "| vs Oxigraph server | repeated p50 (geo. mean) | vs kg serve | timeouts | errors |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, measured in results.items():
        done = list(measured.values())
        geo = geometric_mean([v for r in done if (v := cold_p50(r))])
        rate = geometric_mean([v for r in done if (v := concurrent_rate(r))])
        again = geometric_mean([v for r in done if (v := repeated_p50(r))])
        lines.append(
            f"| {name} | {loads[name]:.1f} s | {show(geo)} | "
            f"{times(ratio(measured, base, cold_p50))} | "
            f"{'—' if rate is None else f'{rate:,.1f}'} | "
            f"{times(ratio(measured, base, concurrent_rate))} | {show(again)} | "
            f"{times(ratio(measured, results.get(OURS, {}), repeated_p50))} | "
            f"{sum(p.timeouts for r in done for p in r.phases)} | "
            f"{sum(len(p.errors) for r in done for p in r.phases)} |")
    names = list(results)
    lines += ["", "Cold p50 at concurrency 1, per query:", "",
              "| query | rows | " + " | ".join(names) + " |",
              "|---|---|" + "---|" * len(names)]
    for query in queries:
        rows = next((r[query.name].repeated.rows for r in results.values()
                     if r[query.name].repeated.rows is not None), None)
        lines.append(f"| {query.name} | {'—' if rows is None else f'{rows:,}'} | " + " | ".join(
            show(cold_p50(results[n][query.name]), timeout) for n in names) + " |")
    lines += ["", "Every phase, per server and query (q/s: answers per second of the phase):",
              "", "| server | query | rows | p50 | p95 | q/s | p50 at 8 | p95 at 8 | q/s at 8 | "
              "repeated p50 | repeated p95 | requests | timeouts | errors |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, measured in results.items():
        for query, r in measured.items():
            cells = []
            for phase in (r.cold, r.concurrent):
                cells += [show(phase.percentile(0.5, timeout), timeout),
                          show(phase.percentile(0.95, timeout), timeout),
                          "—" if phase.throughput is None else f"{phase.throughput:,.1f}"]
            cells += [show(r.repeated.percentile(0.5, timeout), timeout),
                      show(r.repeated.percentile(0.95, timeout), timeout)]
            sent = "/".join(str(len(p.latencies) + p.timeouts + len(p.errors))
                            for p in r.phases)
            lines.append(f"| {name} | {query} | "
                         f"{'—' if r.repeated.rows is None else f'{r.repeated.rows:,}'} | "
                         + " | ".join(cells) + f" | {sent} | "
                         f"{sum(p.timeouts for p in r.phases)} | "
                         f"{sum(len(p.errors) for p in r.phases)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
