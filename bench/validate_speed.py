"""Wall time and peak memory of `kg validate` on a large file: cold, again unchanged, after one
graph changed, and on one graph of it as a contributed file (with and without HermiT); or the
CPU and wall time of `kg validate` on one contributed file, run after run.

Usage: .venv/bin/python bench/validate_speed.py --triples 1000000 [--seed 1] [--data FILE.nq]
           [--keep DIR]
       .venv/bin/python bench/validate_speed.py --contribution FILE.trig [--runs 7]
           [--tree DIR]...

It writes synthetic N-Quads with bench/generate.py (or takes `--data`), then runs the real
`kg validate --no-reason` on it in a subprocess four times with one result cache (kg/validate/
cache.py) in the work folder: from an empty cache (cold), again (nothing changed), and on a
copy whose one document graph has an edited label (one graph to re-validate). Then it cuts
that graph into a file of its own, a contributor's file, and validates it with an empty cache
without and with HermiT. One Markdown table goes to stdout: each step's wall time and peak
resident memory (GNU time, the largest process: Python or HermiT's Java) and the graphs it
validated and reused (from `kg validate`'s stderr); progress goes to stderr.

With `--contribution`, it runs `kg validate --no-incremental` on that one file `--runs` times
with and without HermiT, for each `--tree` (a checkout whose kg/ is run: this one by default;
give two to compare code, their runs alternated so that both see the same load), and prints
the median CPU time (user + sys of the command and its children, HermiT's Java included) and
wall time of each, with their range. The machine's load changes wall times much more than CPU.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's own modules

from endpoint_speed import log  # noqa: E402
from store_load import GNU_TIME, timed  # noqa: E402

COUNTS = re.compile(r"shapes: (\d+) graphs validated, (\d+) reused")
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DOCUMENT_GRAPH = "<https://w3id.org/caucasus-kg/resource/graph/document/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="an N-Quads file instead")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: temporary)")
    parser.add_argument("--contribution", type=Path, help="time this one file instead")
    parser.add_argument("--runs", type=int, default=7, help="of each --contribution command")
    parser.add_argument("--tree", type=Path, action="append",
                        help="a checkout whose kg/ to time (repeat to compare; default: this)")
    options = parser.parse_args()
    if options.contribution:
        time_contribution(options.contribution.resolve(), options.tree or [ROOT], options.runs)
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        work = (options.keep or Path(scratch)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        data = (options.data or work / "synthetic.nq").resolve()
        if options.data is None:
            log(f"generating {options.triples:,} triples")
            timed([sys.executable, "bench/generate.py", "--triples", str(options.triples),
                   "--seed", str(options.seed), "--output", str(data)])
        changed, one = work / "changed.nq", work / "one.nq"
        graphs = edit_one_graph(data, changed, one)
        cache = work / "cache.sqlite"
        cache.unlink(missing_ok=True)
        print("| triples | graphs | step | wall | peak memory | validated | reused |\n"
              "|---|---|---|---|---|---|---|", flush=True)
        triples = sum(1 for _ in data.open(encoding="utf-8"))
        steps = [("cold (empty cache)", data, ["--no-reason"]),
                 ("again, nothing changed", data, ["--no-reason"]),
                 ("one graph changed", changed, ["--no-reason"])]
        for name, target, flags in steps:
            print(row(triples, graphs, name, run_validate([*flags, "--cache", str(cache)],
                                                          target)), flush=True)
        one_triples = sum(1 for _ in one.open(encoding="utf-8"))
        for flags in (["--no-reason"], ["--reason"]):
            fresh = work / "one-cache.sqlite"
            fresh.unlink(missing_ok=True)
            print(row(one_triples, 1, f"one contributed graph, {flags[0]}",
                      run_validate([*flags, "--cache", str(fresh)], one)), flush=True)


def edit_one_graph(data: Path, changed: Path, one: Path) -> int:
    """Copy `data` to `changed` with one document graph's first label edited, write that
    graph (as edited) to `one`, and return how many graphs `data` has."""
    graphs: set[str] = set()
    edited: str | None = None
    with data.open(encoding="utf-8") as lines, changed.open("w", encoding="utf-8") as out:
        for line in lines:
            graph = line.rstrip(" .\n").rsplit(" ", 1)[-1]
            graphs.add(graph)
            if edited is None and graph.startswith(DOCUMENT_GRAPH) and f" {LABEL} " in line \
                    and '"@en ' in line:
                edited = graph
                line = line.replace('"@en ', ' (edited)"@en ', 1)
            out.write(line)
    if edited is None:
        raise SystemExit(f"{data} has no document graph with an English label to edit")
    with changed.open(encoding="utf-8") as lines, one.open("w", encoding="utf-8") as out:
        out.writelines(line for line in lines if line.rstrip(" .\n").endswith(edited))
    return len(graphs)


def time_contribution(file: Path, trees: list[Path], runs: int) -> None:
    """Print a table of median CPU and wall seconds of `kg validate` on `file`, per tree and
    with and without HermiT, the runs of every variant interleaved."""
    variants = [(tree.resolve(), flag) for flag in ("--no-reason", "--reason") for tree in trees]
    times: dict[tuple[Path, str], list[tuple[float, float]]] = {v: [] for v in variants}
    for run in range(runs):
        for tree, flag in variants:
            log(f"run {run + 1}/{runs}: {tree} {flag}")
            times[tree, flag].append(cpu_and_wall(tree, [flag, "--no-incremental", str(file)]))
    print("| tree | HermiT | CPU (median, range) | wall (median, range) |\n|---|---|---|---|")
    for (tree, flag), measured in times.items():
        cpu, wall = ([m[i] for m in measured] for i in (0, 1))
        print(f"| {tree} | {'yes' if flag == '--reason' else 'no'} | {spread(cpu)} | "
              f"{spread(wall)} |")


def cpu_and_wall(tree: Path, arguments: list[str]) -> tuple[float, float]:
    """User + sys seconds of `kg validate ARGUMENTS` run from `tree` and its children, and
    its wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    report = subprocess.run([sys.executable, "-m", "kg.cli", "validate", *arguments],
                            capture_output=True, text=True, cwd=tree,
                            env={**os.environ, "PYTHONPATH": str(tree)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if report.returncode not in (0, 1):
        raise SystemExit(f"kg validate failed:\n{report.stderr}")
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall)


def spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.2f} s ({min(seconds):.2f} to {max(seconds):.2f})"


def run_validate(flags: list[str], target: Path) -> tuple[float, float, str]:
    """`kg validate` under GNU time: wall seconds, peak MiB and its stderr."""
    log(f"kg validate {' '.join(flags)} {target.name}")
    report = subprocess.run([GNU_TIME, "-f", "%e %M", sys.executable, "-m", "kg.cli",
                             "validate", *flags, str(target)], capture_output=True, text=True,
                            cwd=ROOT)
    if report.returncode not in (0, 1):  # 1: findings, which the table does not need
        raise SystemExit(f"kg validate failed:\n{report.stderr}")
    seconds, kib = report.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024, report.stderr


def row(triples: int, graphs: int, step: str, measured: tuple[float, float, str]) -> str:
    seconds, mib, stderr = measured
    counts = COUNTS.search(stderr)
    validated, reused = counts.groups() if counts else ("—", "—")
    return (f"| {triples:,} | {graphs:,} | {step} | {seconds:.1f} s | {mib:,.0f} MiB | "
            f"{validated} | {reused} |")


if __name__ == "__main__":
    main()
