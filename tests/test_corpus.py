"""kg/corpus.py: the five articles read byte for byte, and each kind of bad file refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from kg import paths
from kg.corpus import read_corpus, read_document
from kg.errors import CorpusError

from .conftest import DATA, SHARED

BAD = DATA / "bad" / "corpus"


def test_read_corpus_reads_every_article():
    documents = read_corpus(paths.CORPUS_DIR)
    assert [d.key for d in documents] == sorted(p.stem for p in paths.CORPUS_DIR.glob("*.txt"))
    assert len(documents) >= 5


def test_read_document_keeps_the_body_byte_for_byte():
    for path in paths.CORPUS_DIR.glob("*.txt"):
        document = read_document(path)
        raw = path.read_bytes()
        body = raw[raw.index(b"\n---\n") + len(b"\n---\n"):]
        assert document.body.encode("utf-8") == body
        assert document.sha256 == hashlib.sha256(body).hexdigest()


def test_read_document_parses_header_fields():
    rferl = read_document(paths.CORPUS_DIR / "01_rferl-putin-pashinian-withdrawal.txt")
    assert rferl.published == dt.date(2024, 5, 9)
    assert rferl.publisher == "Radio Free Europe/Radio Liberty"
    assert rferl.source and rferl.source.startswith("https://")
    report = read_document(paths.CORPUS_DIR / "00_armenian-report-nerkin-hand.txt")
    assert report.published is None and report.source is None
    assert report.note and "2024-05-09" in report.note


def test_corpus_copy_matches_shared():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    for original in sorted((SHARED / "corpus").glob("*.txt")):
        assert (paths.CORPUS_DIR / original.name).read_bytes() == original.read_bytes()


@pytest.mark.parametrize(("name", "line", "words"), [
    ("missing-separator.txt", 5, "no line '---'"),
    ("unknown-key.txt", 4, "did you mean 'published'?"),
    ("malformed-date.txt", 4, "'9 May 2024' is not an ISO date"),
    ("impossible-date.txt", 4, "'2024-02-30' is not an ISO date"),
    ("empty-body.txt", 6, "body after '---' is empty"),
    ("not-utf8.txt", 6, "is not UTF-8"),
    ("duplicate-key.txt", 3, "given twice (first on line 2)"),
    ("missing-title.txt", 4, "header lacks 'title'"),
    ("header-line-without-colon.txt", 2, "expected 'key: value'"),
])
def test_read_document_rejects_bad_file(name: str, line: int, words: str):
    with pytest.raises(CorpusError) as caught:
        read_document(BAD / name)
    error = caught.value
    assert error.path == BAD / name
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"{BAD / name}:{line}")
