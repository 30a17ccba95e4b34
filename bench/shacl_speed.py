"""CPU seconds per graph of pySHACL validating a built dataset's units, in one process; with
--split, where they go by shape and constraint; with --profile, a cProfile of the same.

Usage: KG_HOME=HOME .venv/bin/python bench/shacl_speed.py HOME/build/current/dataset.trig
           [--graphs 50] [--rounds 3] [--split] [--profile FILE]

HOME is a folder `bench/build_speed.py --keep HOME` built (its corpus and registry are the
context the units cite). The units are those `kg build` validates; the first --graphs of
them (in the file's order) are validated --rounds times, one process, no result cache, as a
SHACL worker of the build does (`check_units` with one worker, so each unit's data graph is
made as in the build; that is under a tenth of the time). Prints the CPU seconds
(`time.process_time`) of each round per graph and the findings' count; --split adds one
Markdown row per shape and constraint component with its own CPU (nested shapes' time goes to
the component that evaluates them: sh:or, sh:not, sh:node, sh:qualifiedValueShape) and the
number of evaluations. --profile writes cProfile's statistics of one more round to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

from kg.validate import Context, read_units, unit_data, unit_graphs
from kg.validate.findings import Finding
from kg.validate.locate import Locator
from kg.validate.shacl import check_units

SHAPES = "https://w3id.org/caucasus-kg/shapes#"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="a built dataset.trig")
    parser.add_argument("--graphs", type=int, default=50, help="units to validate")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--split", action="store_true", help="CPU by shape and constraint")
    parser.add_argument("--profile", type=Path, help="write cProfile statistics here")
    options = parser.parse_args()
    context = Context.from_repository()
    units = unit_graphs(read_units(options.dataset))[:options.graphs]
    run = partial(check_units, units, unit_data(units, context), context.hierarchy,
                  context.shapes, Locator(options.dataset), workers=1)
    for _ in range(options.rounds):
        cpu, findings = _timed(run)
        print(f"{len(units)} units: {cpu:.2f} CPU-s, {cpu / len(units) * 1000:.0f} ms a unit, "
              f"{len(findings)} findings", flush=True)
    if options.split:
        with _split() as times:
            cpu, _ = _timed(run)
        print(f"\n{cpu:.2f} CPU-s under the split's timers\n\n"
              "| shape | constraint | CPU-s | share | evaluations |\n|---|---|---|---|---|")
        for (shape, component), (seconds, count) in sorted(times.items(),
                                                            key=lambda item: -item[1][0]):
            print(f"| {shape} | {component} | {seconds:.2f} | {seconds / cpu:.0%} | {count} |")
    if options.profile:
        profile = cProfile.Profile()
        profile.runcall(run)
        profile.dump_stats(options.profile)


def _timed(run: Callable[[], list[Finding]]) -> tuple[float, list[Finding]]:
    started = time.process_time()
    findings = run()
    return time.process_time() - started, findings


@contextmanager
def _split() -> Iterator[dict[tuple[str, str], list[float]]]:
    """Time each constraint component's evaluation (each SHACL-SPARQL query's of its own), less
    the evaluations nested in it, by the shape it belongs to."""
    times: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    nested: list[float] = []  # CPU of nested evaluations, one entry per open evaluation
    components = {CONSTRAINT_PARAMETERS_MAP[p] for p in ALL_CONSTRAINT_PARAMETERS}
    timed = [(cls, "evaluate", lambda c, _: c.constraint_name()) for cls in components]
    timed.append((SPARQLBasedConstraint, "_evaluate_sparql_constraint",
                  lambda _, args: _name(args[0].node)))
    originals = [(cls, name, getattr(cls, name)) for cls, name, _ in timed]

    def timer(original: Callable[..., Any], component: Callable[[Any, tuple], str]
              ) -> Callable[..., Any]:
        def evaluate(self: Any, *args: Any) -> Any:
            nested.append(0.0)
            started = time.process_time()
            try:
                return original(self, *args)
            finally:
                spent = time.process_time() - started
                own = spent - nested.pop()
                if nested:
                    nested[-1] += spent
                entry = times[(_name(self.shape.node), component(self, args))]
                entry[0] += own
                entry[1] += 1
        return evaluate

    for (cls, name, original), (_, _, component) in zip(originals, timed, strict=True):
        setattr(cls, name, timer(original, component))
    try:
        yield times
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)


def _name(node: object) -> str:
    """A shape's local name in cksh:, or "(nested)" for a blank one."""
    text = str(node)
    return text.rsplit("#", 1)[-1] if text.startswith(SHAPES) else "(nested)"


if __name__ == "__main__":
    main()
