"""Each document's extraction kept between builds, so that `kg build` runs the pipeline only on
the documents that are new or changed.

A document's triples (before events are reconciled across documents) depend on the document
itself (its key, which names its IRIs, its header and its body) and on what every document
shares: the pipeline plan, the registry, the lexicons, the code of the package and of every
stage, and the language model. The document is hashed into its entry's key; the rest into the
cache's fingerprint, so any change there (a new lexicon word, an edited registry entry, new code)
empties the cache and the next build extracts everything again. Entries are the triples as
N-Triples and the stages' warnings, in build/extraction-cache.sqlite by default.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Sequence
from pathlib import Path

import kg
from kg import paths
from kg.cache import fingerprint, open_cache, store_entries
from kg.corpus import Document
from kg.extract.nlp import MODEL
from kg.pipeline import Extraction, PlannedStage
from kg.rdf import Converted, to_rdflib

PACKAGE = Path(kg.__file__).parent
# The libraries whose versions change what the stages find or how triples are written.
LIBRARIES = ("spacy", MODEL, "rdflib", "pyoxigraph")


def extraction_fingerprint(stages: Sequence[PlannedStage]) -> str:
    """A hash of the plan (with settings), the registry, the lexicons, the package's code, the
    modules of stages registered from elsewhere, and the libraries' versions."""
    stage_files = {Path(inspect.getfile(planned.stage.run)) for planned in stages}
    files = [paths.PIPELINE_FILE, paths.REGISTRY_FILE,
             *sorted(paths.LEXICONS_DIR.glob("*.yaml")), *sorted(PACKAGE.rglob("*.py")),
             *sorted(file for file in stage_files if not file.is_relative_to(PACKAGE))]
    plan = [f"{p.stage.name} {p.stage.version} {sorted(p.settings.items())}" for p in stages]
    return fingerprint(files, LIBRARIES, plan)


def document_key(document: Document) -> str:
    """A hash of everything of the document that extraction reads."""
    fields = (document.key, document.title, document.source, document.publisher,
              document.published, document.note, document.body_line, document.body)
    return hashlib.sha256(json.dumps(fields, default=str).encode()).hexdigest()


class ExtractionCache:
    """Documents' extractions by document key; `extracted` and `reused` count this build's."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.connection = open_cache(path, fingerprint)
        self.extracted = 0
        self.reused = 0
        self.terms = Converted(to_rdflib)  # shared by the documents, which name the same things

    def known(self, documents: Sequence[Document]) -> set[str]:
        """The keys of those documents whose extraction is kept."""
        keys = {document_key(document) for document in documents}
        stored = {key for (key,) in self.connection.execute("SELECT key FROM entry")}
        return keys & stored

    def get(self, document: Document) -> Extraction:
        """A kept extraction (the document's key must be among `known`)."""
        (value,) = self.connection.execute("SELECT value FROM entry WHERE key = ?",
                                           (document_key(document),)).fetchone()
        record = json.loads(value)
        self.reused += 1
        return Extraction.from_ntriples(document, record["triples"].encode(), record["warnings"],
                                        self.terms)

    def record(self, extractions: Sequence[Extraction]) -> None:
        """Keep new extractions."""
        entries = {}
        for extraction in extractions:
            entries[document_key(extraction.document)] = json.dumps(
                {"triples": extraction.ntriples.decode(), "warnings": extraction.warnings})
        store_entries(self.connection, entries)
        self.extracted += len(extractions)

    def close(self) -> None:
        self.connection.close()
