"""Documents per second and peak memory of `kg build` on the corpus replicated to N articles.

Usage: .venv/bin/python bench/build_speed.py [--articles 1000] [--workers N] [--reason]
       [--keep DIR] [--rebuild]

It copies the project's data folders into a temporary KG_HOME, writes the corpus N times over
(the first copy keeps its name, which the registry cites; copy k of document d is
`r<k>_<d>.txt`, same text, so each copy is a document of its own),
runs the real `kg build` in a subprocess, and prints one Markdown table row: articles, wall
time, documents per second, peak resident memory of the largest build process, and the build's
own timings (pipeline, write, validate) from its manifest.json. The build starts with no
caches (a fresh build folder). With --rebuild, one article is then added (a copy under a new
name) and `kg build` runs again into the same folder, as after a contributor's pull request:
a second row, with what the caches spared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDERS = ("ontology", "shapes", "registry", "config", "lexicons")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="kg build --workers (default: the cores, as kg build)")
    parser.add_argument("--reason", action="store_true", help="include the HermiT check")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: temporary)")
    parser.add_argument("--rebuild", action="store_true",
                        help="then add one article and build again (incremental)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as scratch:
        home = options.keep or Path(scratch)
        replicate(home, options.articles)
        print(measure(home, options.articles, options.workers, options.reason))
        if options.rebuild:
            replicate(home, options.articles + 1)
            print(measure(home, options.articles + 1, options.workers, options.reason))


def replicate(home: Path, articles: int) -> None:
    for folder in DATA_FOLDERS:
        shutil.copytree(ROOT / folder, home / folder, dirs_exist_ok=True)
    corpus = home / "corpus"
    corpus.mkdir(exist_ok=True)
    originals = sorted((ROOT / "corpus").glob("*.txt"))
    for index in range(articles):
        original = originals[index % len(originals)]
        copy = index // len(originals)  # the first copy keeps its name: the registry cites it
        name = original.name if copy == 0 else f"r{copy:04d}_{original.name}"
        shutil.copyfile(original, corpus / name)


def measure(home: Path, articles: int, workers: int, reason: bool) -> str:
    command = [sys.executable, "-m", "kg.cli", "build", "--no-docs", "--workers", str(workers),
               "--reason" if reason else "--no-reason", "--build-dir", str(home / "build")]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "KG_HOME": str(home)},
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    manifest = json.loads((home / "build" / "current" / "manifest.json").read_text())
    timings = manifest["timings"]
    extraction, validation = manifest["extraction"], manifest["validation"]
    return (f"| {articles} | {manifest['triples']} | {wall:.1f} s | {articles / wall:.1f} | "
            f"{peak_mib:.0f} MiB | {timings['pipeline']:.1f} s | {timings['write']:.1f} s | "
            f"{timings['validate']:.1f} s | {'yes' if reason else 'no'} | {workers} | "
            f"{extraction['extracted']}/{extraction['reused']} | "
            f"{validation['validated']}/{validation['reused']} |")


if __name__ == "__main__":
    main()
