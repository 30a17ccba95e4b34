"""Load time and peak memory of the embedded store, and latency of the competency queries on it.

Usage: .venv/bin/python bench/query_speed.py --triples 1000000 [--seed 1] [--data FILE]
           [--repeat 20] [--budget 10] [--timeout 60] [--keep DIR]

It writes synthetic data with bench/generate.py (or takes `--data`), loads it into a new
embedded store in a process of its own (as `kg serve` does with a build; wall time and peak
resident memory by GNU time), then opens that store through the project's store interface with
`kg serve`'s two query workers and runs each competency query (queries/*.rq, read by
kg/queries.py) and two lookups drawn from the data (an event's label and types by its IRI; an
event's evidence quotes with their documents, a new event each time) `--repeat` times, one at
a time. A query stops early once its runs have taken `--budget` seconds, and at its first
timeout (`--timeout`, which the store enforces by killing the worker). Latency is measured
around `store.query`: the query in a worker process, its answer serialized as SPARQL JSON and
handed back, no HTTP. Two Markdown tables go to stdout (the load, then per query: runs, rows,
p50, p95), progress to stderr.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's own modules

from endpoint_speed import Phase, Pools, Query, log, read_pools, show  # noqa: E402
from store_load import timed  # noqa: E402

from kg.queries import read_queries  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.store.base import QueryTimeout, ReadableStore  # noqa: E402

PREFIXES = """PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# Placeholders are filled from the data by bench/endpoint_speed.py's Pools.
LOOKUPS = [
    Query("lookup: label and types", PREFIXES +
          "SELECT ?label ?type WHERE { {{ckg:Deployment}} rdfs:label ?label ; a ?type }"),
    Query("lookup: evidence quotes", PREFIXES +
          "SELECT ?quote ?document WHERE {\n"
          "  {{ckg:Withdrawal}} ckg:evidence ?evidence .\n"
          "  ?evidence ckg:quote ?quote ; ckg:source ?document .\n}"),
]
WORKERS = 2  # `kg serve`'s default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="an N-Quads or TriG file instead")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query, at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per query")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: temporary)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        work = (options.keep or Path(scratch)).resolve()  # the steps run from ROOT
        work.mkdir(parents=True, exist_ok=True)
        data = (options.data or work / "synthetic.nq").resolve()
        generated = "given"
        if options.data is None:
            log(f"generating {options.triples:,} triples")
            generated = cell(*timed([sys.executable, "bench/generate.py", "--triples",
                                     str(options.triples), "--seed", str(options.seed),
                                     "--output", str(data)]))
        log(f"loading {data} into the embedded store")
        loaded = timed([sys.executable, "bench/store_load.py", "--load-embedded", str(data),
                        str(work / "store")])
        store = open_store(work / "store", workers=WORKERS)
        try:
            # each worker opens the store on its first job: one count each warms both up
            triples = max(store.count() for _ in range(WORKERS))
            print("| triples | generate | embedded load | load rate |\n|---|---|---|---|\n"
                  f"| {triples:,} | {generated} | {cell(*loaded)} | "
                  f"{triples / loaded[0]:,.0f} triples/s |\n", flush=True)
            pools = read_pools(data, LOOKUPS)
            competency = [Query(q.name, q.sparql) for q in read_queries()]
            print("| triples | query | runs | rows | p50 | p95 | timeouts |\n"
                  "|---|---|---|---|---|---|---|", flush=True)
            rng = random.Random(options.seed)
            for query in competency + LOOKUPS:
                log(f"running {query.name}")
                phase, rows = run_query(store, query, pools, rng, options)
                p50, p95 = (show(phase.percentile(share, options.timeout), options.timeout)
                            for share in (0.5, 0.95))
                print(f"| {triples:,} | {query.name} | {len(phase.latencies) + phase.timeouts} "
                      f"| {'—' if rows is None else f'{rows:,}'} | {p50} | {p95} "
                      f"| {phase.timeouts} |", flush=True)
        finally:
            store.close()


def run_query(store: ReadableStore, query: Query, pools: Pools, rng: random.Random,
              options: argparse.Namespace) -> tuple[Phase, int | None]:
    """Up to `repeat` runs, each filled in anew; the latencies and the last answer's rows
    (None when no run answered)."""
    phase = Phase()
    rows: int | None = None
    started = time.perf_counter()
    while (len(phase.latencies) < options.repeat
           and time.perf_counter() - started < options.budget):
        text = query.fill(pools, rng)
        began = time.perf_counter()
        try:
            rows = store.query(text, timeout=options.timeout).rows
        except QueryTimeout:
            phase.timeouts += 1
            break
        phase.latencies.append(time.perf_counter() - began)
    phase.wall = time.perf_counter() - started
    return phase, rows


def cell(seconds: float, mib: float) -> str:
    return f"{seconds:.1f} s, {mib:,.0f} MiB"


if __name__ == "__main__":
    main()
