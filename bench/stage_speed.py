"""CPU seconds per pipeline stage, and per spaCy component, on the corpus replicated to N articles.

Usage: .venv/bin/python bench/stage_speed.py [--articles 50]

Runs the real pipeline (config/pipeline.yaml, every stage's own settings but one process) on
the corpus's articles repeated N times, in this process, and prints one Markdown table row
per stage: CPU seconds (`time.process_time`) and milliseconds per article. Then the spaCy
model's own components one after the other on the same bodies (the tokenizer, then each
`pipe` in order), which is where the `nlp` stage's time goes. CPU time, not wall time: it
moves much less than the wall when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

from kg import paths
from kg.corpus import read_corpus
from kg.extract.nlp import language_for
from kg.pipeline import PlannedStage, in_one_process, read_plan, run_documents
from kg.registry import read_registry
from kg.stages import Additions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    options = parser.parse_args()
    registry = read_registry(paths.REGISTRY_FILE)
    corpus = read_corpus(paths.CORPUS_DIR)
    documents = [corpus[index % len(corpus)] for index in range(options.articles)]
    started = time.process_time()
    nlp = language_for(registry)
    print(f"loading the model: {time.process_time() - started:.2f} s of CPU\n")
    spent: dict[str, float] = defaultdict(float)
    stages = [_timed(planned, spent) for planned in read_plan(paths.PIPELINE_FILE)]
    for _ in run_documents(stages, documents, registry):
        pass
    _table("stage", spent, options.articles)
    spent.clear()
    started = time.process_time()
    docs = [nlp.make_doc(document.body) for document in documents]
    spent["tokenizer"] = time.process_time() - started
    for name, component in nlp.pipeline:
        started = time.process_time()
        docs = list(component.pipe(docs))
        spent[name] = time.process_time() - started
    _table("spaCy component", spent, options.articles)


def _timed(planned: PlannedStage, spent: dict[str, float]) -> PlannedStage:
    """The stage in one process, its CPU time added to `spent` under its name."""
    run = planned.stage.run

    def timed(*args: Any, **settings: Any) -> Additions | list[Additions]:
        started = time.process_time()
        try:
            return run(*args, **settings)
        finally:
            spent[planned.stage.name] += time.process_time() - started

    alone = in_one_process(planned)
    return replace(alone, stage=replace(alone.stage, run=timed))


def _table(what: str, spent: dict[str, float], articles: int) -> None:
    print(f"| {what} | CPU | per article |\n|---|---|---|")
    rows: list[tuple[str, float]] = [*spent.items(), ("all", sum(spent.values()))]
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} s | {1000 * seconds / articles:.1f} ms |")
    print()


if __name__ == "__main__":
    main()
