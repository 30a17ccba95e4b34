"""What the build's caches share: one SQLite file of entries tied to a fingerprint.

A cache answers for work done before (a document's extraction, a graph's SHACL results) while
everything that decided that work is unchanged. What every entry shares (code, data files,
library versions) is hashed into the cache's fingerprint: when it changes, the file is emptied.
What decides one entry (its document, its graph) is hashed into the entry's key.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path


def fingerprint(files: Iterable[Path], libraries: Iterable[str] = (),
                parts: Iterable[str] = ()) -> str:
    """A hash of the files' bytes, the installed versions of the libraries and other parts."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    for library in libraries:
        digest.update(f"{library} {version(library)}\n".encode())
    for part in parts:
        digest.update(part.encode() + b"\n")
    return digest.hexdigest()


def open_cache(path: Path, fingerprint: str) -> sqlite3.Connection:
    """The cache file at `path`, created if missing, emptied if made under another fingerprint.

    Entries are rows (key, value) of the table `entry`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=60)
    with connection:
        connection.execute("CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, value TEXT)")
        stored = connection.execute(
            "SELECT value FROM setting WHERE name = 'fingerprint'").fetchone()
        if stored is None or stored[0] != fingerprint:
            connection.execute("DELETE FROM entry")
            connection.execute("INSERT OR REPLACE INTO setting VALUES ('fingerprint', ?)",
                               (fingerprint,))
    return connection


def store_entries(connection: sqlite3.Connection, entries: dict[str, str]) -> None:
    """Add or replace entries, in one transaction."""
    with connection:
        connection.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?)", entries.items())
