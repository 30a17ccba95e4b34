"""Reading corpus documents: the first stage of the pipeline, from a text file to a `Document`.

A document is a UTF-8 file: `key: value` header lines, a line that is exactly `---`, then the
body, kept byte for byte (every character offset in the graph counts into it). Header keys:
`source` (address or `unknown`), `title`, `publisher` (or `unknown`), `published` (ISO date or
`unknown`) and an optional `note`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import CorpusError

SEPARATOR = "---"
REQUIRED_KEYS = ("source", "title", "publisher", "published")
OPTIONAL_KEYS = ("note",)
UNKNOWN = "unknown"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Document:
    """One article: its header fields and its body, which every offset counts into."""

    key: str
    path: Path
    title: str
    source: str | None
    publisher: str | None
    published: dt.date | None
    note: str | None
    body: str
    body_line: int  # line number of the body's first line in the file

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()


def read_document(path: Path) -> Document:
    """Read one corpus file; raises CorpusError naming the file, line and problem."""
    path = Path(path)
    text = _decode(path)
    if not KEY_PATTERN.match(path.stem):
        raise CorpusError(f"file name {path.name!r} cannot become a document key: use letters, "
                          "digits, '_', '-' and '.' only", path)
    header_lines, body, body_line = _split(text, path)
    fields = _parse_header(header_lines, path)
    if not body.strip():
        raise CorpusError("the body after '---' is empty; paste the article text there",
                          path, body_line)
    return Document(
        key=path.stem,
        path=path,
        title=fields["title"][0],
        source=_known(fields["source"][0]),
        publisher=_known(fields["publisher"][0]),
        published=_parse_date(*fields["published"], path),
        note=fields["note"][0] if "note" in fields else None,
        body=body,
        body_line=body_line,
    )


def read_article(path: Path, *, title: str | None = None, publisher: str | None = None,
                 published: dt.date | None = None, source: str | None = None) -> Document:
    """An article for `kg extract`: a corpus file (header, `---`, body), or plain text.

    Plain text takes its header fields from the arguments; its title defaults to its first
    non-empty line. Raises CorpusError for bytes that are not UTF-8.
    """
    path = Path(path)
    text = _decode(path)
    if any(line.rstrip("\r\n") == SEPARATOR for line in _lines(text)) and \
            text.split(":", 1)[0].strip() in REQUIRED_KEYS + OPTIONAL_KEYS:
        return read_document(path)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    key = path.stem if KEY_PATTERN.match(path.stem) else re.sub(r"[^A-Za-z0-9_.-]+", "-",
                                                                 path.stem).strip("-.")
    return Document(key=key or "article", path=path, title=title or first_line or path.stem,
                    source=source, publisher=publisher, published=published, note=None,
                    body=text, body_line=1)


def read_corpus(directory: Path) -> list[Document]:
    """Every `*.txt` document in a folder, in file-name order."""
    paths = sorted(Path(directory).glob("*.txt"))
    if not paths:
        raise CorpusError("no *.txt documents here", directory)
    return [read_document(path) for path in paths]


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise CorpusError(f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8",
                          path, line, column) from None


def _split(text: str, path: Path) -> tuple[list[tuple[int, str]], str, int]:
    """Header lines with their numbers, the body, and the body's first line number."""
    header: list[tuple[int, str]] = []
    offset = 0
    for number, line in enumerate(_lines(text), start=1):
        stripped = line.rstrip("\r\n")
        offset += len(line)
        if stripped == SEPARATOR:
            return header, text[offset:], number + 1
        header.append((number, stripped))
    # Point at the first line that is no header line: where the separator should have been.
    line = next((number for number, content in header if content.strip() and ":" not in content),
                len(header) or 1)
    raise CorpusError(f"no line '{SEPARATOR}' ends the header; add one between the header "
                      "and the body", path, line)


def _lines(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        yield text[start:end]
        start = end


def _parse_header(lines: list[tuple[int, str]], path: Path) -> dict[str, tuple[str, int]]:
    fields: dict[str, tuple[str, int]] = {}
    known = REQUIRED_KEYS + OPTIONAL_KEYS
    for number, line in lines:
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not key:
            raise CorpusError(f"expected 'key: value', found {line!r}", path, number)
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
            raise CorpusError(f"unknown key {key!r}{hint}", path, number)
        if key in fields:
            raise CorpusError(f"key {key!r} given twice (first on line {fields[key][1]})",
                              path, number)
        if not value:
            raise CorpusError(f"key {key!r} has no value; write '{UNKNOWN}' if it is not known",
                              path, number)
        fields[key] = (value, number)
    for key in REQUIRED_KEYS:
        if key not in fields:
            raise CorpusError(f"header lacks {key!r}; add '{key}: ...' (or '{key}: {UNKNOWN}')",
                              path, lines[-1][0] + 1 if lines else 1)
    return fields


def _parse_date(value: str, line: int, path: Path) -> dt.date | None:
    if value == UNKNOWN:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise CorpusError(f"published date {value!r} is not an ISO date (YYYY-MM-DD) or "
                      f"'{UNKNOWN}'", path, line)


def _known(value: str) -> str | None:
    return None if value == UNKNOWN else value
