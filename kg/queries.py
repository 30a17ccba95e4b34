"""The example queries (queries/*.rq): the competency questions, shipped as SPARQL.

Each file opens with `# title:` and `# question:` comment lines; the UI shows them as named
examples and tests/test_queries.py checks each answer against the built graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg import paths
from kg.errors import InputError

HEADER = re.compile(r"^#\s*(title|question):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ExampleQuery:
    name: str  # the file name without .rq
    title: str
    question: str
    sparql: str


def read_queries(folder: Path = paths.QUERIES_DIR) -> list[ExampleQuery]:
    """Every example query, in file-name order; raises InputError for a file without a title."""
    queries = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = dict(HEADER.findall(text))
        if "title" not in header or "question" not in header:
            raise InputError("an example query starts with '# title:' and '# question:' lines",
                             path, 1)
        queries.append(ExampleQuery(path.stem, header["title"].strip(),
                                    header["question"].strip(), text))
    return queries
