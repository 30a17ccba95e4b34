"""The Wikidata cache: every answer kept as data, so builds are reproducible and work offline.

One JSON object a line (registry/wikidata-cache.jsonl): the `key` of what was asked (kind and
subject, "candidates:Person:Robert Ghukasyan", "facts:Q399"), the `endpoint`, the time it was
`retrieved`, the `sparql` sent, and the answer's `rows` as SPARQL JSON bindings. An empty list
is an answer too (nothing matched). Lines are written sorted by key, so a refresh diffs cleanly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kg.errors import InputError
from kg.link.client import Binding


@dataclass(frozen=True)
class Answer:
    """What an endpoint answered about one subject, and when (ISO 8601, UTC)."""

    key: str
    endpoint: str
    retrieved: str
    sparql: str
    rows: list[Binding]


FIELDS = tuple(f.name for f in fields(Answer))  # a cache line has exactly these


class Cache:
    """The answers of a cache file, by key; `save()` writes them back."""

    def __init__(self, path: Path, answers: dict[str, Answer]) -> None:
        self.path = path
        self.answers = answers

    def get(self, key: str) -> Answer | None:
        return self.answers.get(key)

    def put(self, answer: Answer) -> None:
        self.answers[answer.key] = answer

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps(asdict(self.answers[key]), ensure_ascii=False, sort_keys=True)
                 for key in sorted(self.answers))
        temporary = self.path.with_suffix(".partial")
        temporary.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        temporary.replace(self.path)


def read_cache(path: Path) -> Cache:
    """The cache at `path` (empty when there is no file); raises InputError naming the line."""
    answers: dict[str, Answer] = {}
    if not path.exists():
        return Cache(path, answers)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"not a JSON object: {error.msg} at column {error.colno}; each "
                             "line is one answer (rerun `kg link --refresh` to rewrite the "
                             "file)", path, number, error.colno) from None
        if not isinstance(data, dict):
            raise InputError("a line must be a JSON object with " + ", ".join(FIELDS), path,
                             number)
        missing = [name for name in FIELDS if name not in data]
        if missing:
            raise InputError(f"the answer lacks {', '.join(missing)}", path, number)
        if not (all(isinstance(data[name], str) for name in FIELDS[:4])
                and isinstance(data["rows"], list)
                and all(isinstance(row, dict) for row in data["rows"])):
            raise InputError("key, endpoint, retrieved and sparql are strings and rows a list "
                             "of SPARQL JSON bindings", path, number)
        answers[data["key"]] = Answer(*(data[name] for name in FIELDS))
    return Cache(path, answers)
