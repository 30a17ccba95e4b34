"""Time and peak memory of loading synthetic data into the embedded store and of `kg push`
into Oxigraph server.

Usage: .venv/bin/python bench/store_load.py --triples 1000000 [--seed 1] [--keep DIR]

It writes N-Quads with bench/generate.py, loads them into a new embedded store (as `kg serve`
does with a build), starts Oxigraph server (PyPI `oxigraph`) on a free port of 127.0.0.1 with
`--union-default-graph`, runs the real `kg push` into it twice (the second sends nothing) and
once more `--via update` (everything again, small graphs several to a request), and
prints one Markdown table row: triples, graphs, then wall time and peak resident memory of each
step (generating, loading the embedded store, the three pushes), each measured in a
process of its own by GNU time, and the peak memory of Oxigraph server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GNU_TIME = "/usr/bin/time"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: temporary)")
    parser.add_argument("--load-embedded", nargs=2, type=Path, metavar=("DATA", "STORE"),
                        help=argparse.SUPPRESS)  # the embedded load, in a process of its own
    options = parser.parse_args()
    if options.load_embedded:
        load_embedded(*options.load_embedded)
        return
    if not Path(GNU_TIME).is_file():
        parser.error(f"{GNU_TIME} (Debian's `time`) measures each step; install it")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        work = options.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        print(measure(work, options.triples, options.seed))


def load_embedded(data: Path, store_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from kg.store import open_store

    store = open_store(store_path)
    store.load(data)
    store.close()


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command under GNU time; its wall seconds and peak resident MiB."""
    report = subprocess.run([GNU_TIME, "-f", "%e %M", *command], capture_output=True,
                            text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    if report.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{report.stderr}")
    seconds, kib = report.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024


def measure(work: Path, triples: int, seed: int) -> str:
    data = work / "synthetic.nq"
    generate = timed([sys.executable, "bench/generate.py", "--triples", str(triples),
                      "--seed", str(seed), "--output", str(data)])
    graphs = len({line.rsplit(" ", 2)[-2] for line in data.open(encoding="utf-8")})
    embedded = timed([sys.executable, __file__, "--load-embedded", str(data),
                      str(work / "store")])
    server = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if server is None:
        raise SystemExit("Oxigraph server is not installed: `pip install oxigraph`")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([server, "serve", "--location", str(work / "oxigraph"), "--bind",
                                f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url)
        push = [sys.executable, "-m", "kg.cli", "push", "--to", url, "--data", str(data)]
        env = {"KG_BUILD_DIR": str(work / "build")}
        first, again = timed(push, env), timed(push, env)
        # its own progress file (by update URL), so everything is sent again, this way
        by_update = timed([*push, "--via", "update"], env)
        server_mib = peak_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    cells = [f"{seconds:.1f} s, {mib:,.0f} MiB" for seconds, mib in
             (generate, embedded, first, again, by_update)]
    return (f"| {sum(1 for _ in data.open()):,} | {graphs:,} | " + " | ".join(cells) +
            f" | {server_mib:,.0f} MiB |")


def peak_mib(pid: int) -> float:
    """A running process's peak resident memory (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no peak memory for process {pid} in /proc")


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"Oxigraph server did not answer at {url} within {seconds} s")


if __name__ == "__main__":
    main()
