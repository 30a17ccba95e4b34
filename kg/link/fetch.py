"""Answers about many subjects, from the cache or from the endpoint in batches.

A subject (a name, a QID) is asked about only when the cache has no answer for it, or on a
refresh. Subjects go to the endpoint `batch` at a time in one VALUES query, and the rows come
back split by subject into one cache entry each. Once the endpoint is unavailable, nothing more
is asked in this run: the subjects left without an answer are listed, and linking goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.link.cache import Answer, Cache
from kg.link.client import Binding, EndpointUnavailable, WikidataClient


@dataclass
class Asker:
    """One run's way to answers: a client (None: offline), the cache, and what went wrong."""

    client: WikidataClient | None
    cache: Cache
    refresh: bool = False
    batch: int = 20
    unavailable: str | None = None  # why the endpoint stopped being asked, once it has
    unanswered: list[str] = field(default_factory=list)  # cache keys left without an answer

    def answers(self, kind: str, subjects: list[str], query: Callable[[list[str]], str],
                subject_of: Callable[[Binding], str]) -> dict[str, Answer]:
        """The answer for each subject that has one; `query` makes the SPARQL for a batch
        and `subject_of` says which subject a row of its answer belongs to."""
        subjects = sorted(set(subjects))
        wanted = [s for s in subjects if self.refresh or self.cache.get(f"{kind}:{s}") is None]
        for start in range(0, len(wanted), self.batch):
            self._ask(kind, wanted[start:start + self.batch], query, subject_of)
        found = {s: self.cache.get(f"{kind}:{s}") for s in subjects}
        self.unanswered += [f"{kind}:{s}" for s, answer in found.items() if answer is None]
        return {s: answer for s, answer in found.items() if answer is not None}

    def _ask(self, kind: str, batch: list[str], query: Callable[[list[str]], str],
             subject_of: Callable[[Binding], str]) -> None:
        if self.client is None or self.unavailable:
            return
        sparql = query(batch)
        try:
            rows = self.client.select(sparql)
        except EndpointUnavailable as error:
            self.unavailable = str(error)
            return
        retrieved = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        grouped: dict[str, list[Binding]] = {subject: [] for subject in batch}
        for row in rows:
            subject = subject_of(row)
            if subject in grouped:
                grouped[subject].append(row)
        for subject, subject_rows in grouped.items():
            self.cache.put(Answer(f"{kind}:{subject}", self.client.endpoint, retrieved, sparql,
                                  subject_rows))


def value(row: Binding, name: str) -> str | None:
    """The value of one variable in a row, None where it is unbound."""
    cell = row.get(name)
    return cell["value"] if cell else None


def qid(iri: str | None) -> str | None:
    """Q123 from http://www.wikidata.org/entity/Q123 (None for anything else)."""
    prefix = "http://www.wikidata.org/entity/"
    return iri[len(prefix):] if iri and iri.startswith(prefix + "Q") else None
