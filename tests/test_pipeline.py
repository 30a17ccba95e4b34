"""kg/pipeline.py: the plan from config/pipeline.yaml, and documents spread over processes."""

from __future__ import annotations

import pytest

from kg import paths, pipeline
from kg.corpus import Document
from kg.pipeline import read_plan, run_documents, run_in_workers
from kg.registry import Registry


def test_run_in_workers_gives_what_one_process_gives(monkeypatch: pytest.MonkeyPatch,
                                                     corpus: list[Document],
                                                     registry: Registry) -> None:
    """Five documents in batches of two (three batches) over two forked workers: the same
    triples per document, in document order, as the pipeline run in this process."""
    stages = read_plan(paths.PIPELINE_FILE)
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(pipeline, "WORKER_SHARES", 1)
    alone = {extraction.document.key: set(extraction.triples)
             for extraction in run_documents(stages, corpus, registry)}
    spread = [(extraction.document.key, set(extraction.triples))
              for extraction in run_in_workers(stages, corpus, registry, workers=2)]
    assert [key for key, _ in spread] == [document.key for document in corpus]
    assert dict(spread) == alone and all(alone.values())
