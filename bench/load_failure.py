"""How soon a bad line stops a load into the embedded store, against a full load of the same.

Usage: .venv/bin/python bench/load_failure.py --data big.nq [--bad-line 100] [--runs 3]

It writes a copy of an N-Quads file (bench/generate.py makes one) with a line that is not
N-Quads inserted before line `--bad-line`, then loads the file and the copy, each into a new
embedded store, `--runs` times in turn, and prints one Markdown table row: lines, the bad
line's number, then the median CPU time (user + system of this process and its threads: the
loads run on threads) and wall time of a full load and of the failing one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's own modules

from kg.errors import KgError  # noqa: E402
from kg.store import open_store  # noqa: E402

BAD_LINE = b"<http://example.org/a> <http://example.org/p> <http://example.org/g> <oops .\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an N-Quads file")
    parser.add_argument("--bad-line", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        bad = Path(scratch) / f"bad{options.data.suffix}"
        with options.data.open("rb") as lines, bad.open("wb") as copy:
            copy.writelines(islice(lines, options.bad_line - 1))
            copy.write(BAD_LINE)
            copy.writelines(lines)
        full, failing = zip(*((timed_load(options.data, Path(scratch) / f"good{run}"),
                               timed_load(bad, Path(scratch) / f"bad{run}"))
                              for run in range(options.runs)), strict=True)
    count = sum(1 for _ in options.data.open("rb"))
    cells = [f"{statistics.median(cpu for cpu, _ in runs):.2f} s CPU, "
             f"{statistics.median(wall for _, wall in runs):.2f} s wall"
             for runs in (full, failing)]
    print(f"| {count:,} | {options.bad_line:,} | " + " | ".join(cells) + " |")


def timed_load(data: Path, store_path: Path) -> tuple[float, float]:
    """Load a file into a new embedded store: CPU and wall seconds, failing or not."""
    store = open_store(store_path)
    cpu, wall = time.process_time(), time.monotonic()
    try:
        store.load(data)
    except KgError as error:
        print(error, file=sys.stderr)
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    store.close()
    return cpu, wall


if __name__ == "__main__":
    main()
