"""Who may write: named users with their own bearer tokens, kept only as SHA-256 hashes.

A writers file is YAML, one user per line (`alice: sha256:9f86d0…`); `kg writer NAME` adds one
and prints the token once. Tokens are 32 random bytes, so a fast hash is enough (no password
stretching needed) and compare_digest keeps the check constant-time. `KG_WRITERS` may hold the
same entries inline: `alice=sha256:…,bob=sha256:…`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import yaml

from kg.errors import InputError

PREFIX = "sha256:"


def hash_token(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


def read_writers(path: Path | None, inline: str | None = None) -> dict[str, str]:
    """Writer names and token hashes from a file and/or the inline `KG_WRITERS` form."""
    writers: dict[str, str] = {}
    if path is not None and path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise InputError("expected 'name: sha256:<hex>' lines", path, 1)
        writers.update({str(name): str(value) for name, value in loaded.items()})
    for entry in filter(None, (inline or "").split(",")):
        name, _, value = entry.strip().partition("=")
        writers[name] = value
    for name, value in writers.items():
        if not value.startswith(PREFIX) or len(value) != len(PREFIX) + 64:
            raise InputError(f"writer {name!r}: expected a token hash 'sha256:<64 hex digits>'",
                             path)
    return writers


def add_writer(path: Path, name: str) -> str:
    """Add (or replace) a writer in the file and return their new token."""
    writers = read_writers(path)
    token = secrets.token_urlsafe(32)
    writers[name] = hash_token(token)
    path.write_text(yaml.safe_dump(writers, sort_keys=True), encoding="utf-8")
    path.chmod(0o600)
    return token


def writer_for(authorization: str | None, writers: dict[str, str]) -> str | None:
    """The writer a `Bearer` Authorization header belongs to, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    presented = hash_token(token.strip())
    for name, expected in writers.items():
        if hmac.compare_digest(presented, expected):
            return name
    return None
