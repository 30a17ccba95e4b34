"""What the endpoint checks before a query or update runs, and how much each client may run.

pyoxigraph runs SERVICE calls itself (and LOAD fetches URLs), so a query is read before it runs:
a light SPARQL lexer (strings, IRIs, comments and prefixed names are skipped whole, so a
keyword inside them does not count) finds each SERVICE and LOAD. SERVICE may call only
allowlisted endpoints, never a variable and never a loopback or private address, by its IRI
or by what its host resolves to; LOAD is refused. The same lexer places the protocol's
`using-graph-uri` into an update (pyoxigraph has no parameter for it) and finds the graphs an
update writes. `RateLimiter` is the Wikidata Query Service's rule: each client has a budget of
query seconds per minute.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.errors import KgError

TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w\u00b7-\U000effff]+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[\w\u00b7-\U000effff.:%-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class Refused(KgError):
    """A query or update the endpoint will not run; the message says why."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    def keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    """The SPARQL tokens of `text`, without spaces and comments."""
    for match in TOKEN.finditer(text):
        if match.lastgroup != "space":
            yield Token(match.lastgroup or "other", match.group(), match.start())


def check_query(text: str, allowlist: Iterable[str]) -> None:
    """Raise Refused for a SERVICE to anything but an allowlisted public endpoint."""
    allowed = {iri.rstrip("/") for iri in allowlist}
    found = list(tokens(text))
    prefixes = _prefixes(found)
    for index, token in enumerate(found):
        if token.keyword("LOAD"):
            raise Refused("LOAD is not allowed here: the endpoint fetches nothing on request")
        if not token.keyword("SERVICE"):
            continue
        target = found[index + 1] if index + 1 < len(found) else None
        if target is not None and target.keyword("SILENT"):
            target = found[index + 2] if index + 2 < len(found) else None
        if target is None or target.kind == "var":
            raise Refused("SERVICE needs a fixed endpoint IRI here, not a variable")
        iri = _resolve(target, prefixes)
        if iri.rstrip("/") not in allowed:
            raise Refused(f"SERVICE <{iri}> is not allowed; allowed endpoints: "
                          f"{', '.join(sorted(allowed)) or 'none'}")
        if is_private(iri) or resolves_privately(iri):
            raise Refused(f"SERVICE <{iri}> points at a loopback or private address")


def is_private(url: str) -> bool:
    """Whether a URL's host is loopback, private, link-local or unnamed ('localhost' too)."""
    host = urlsplit(url).hostname or ""
    if host in {"", "localhost"} or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def resolves_privately(url: str) -> bool:
    """Whether any address a URL's host resolves to (by the system's resolver, as the SERVICE
    call would) is loopback, private or link-local: a name (`vm` in /etc/hosts) or a short
    numeric form (`127.1`) that is_private cannot see. A host that does not resolve is not
    private: nothing can be reached there. The call resolves the name again; a DNS answer
    that changes in between (rebinding) is outside this check."""
    try:
        found = socket.getaddrinfo(urlsplit(url).hostname or "", None)
    except (OSError, UnicodeError):
        return False
    return any(not ipaddress.ip_address(str(address[4][0]).split("%")[0]).is_global
               for address in found)


def writes_to(text: str) -> tuple[set[str], bool]:
    """The named graphs an update names as targets, and whether it may write beyond them
    (a GRAPH variable, CLEAR/DROP ALL or NAMED, a default-graph target)."""
    found = list(tokens(text))
    prefixes = _prefixes(found)
    graphs: set[str] = set()
    open_ended = False
    for index, token in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else token
        if token.keyword("GRAPH", "WITH", "INTO", "TO") and following.kind in ("iri", "pname"):
            graphs.add(_resolve(following, prefixes))
        elif token.keyword("ALL", "NAMED", "DEFAULT") or (token.keyword("GRAPH")
                                                           and following.kind == "var"):
            open_ended = True
    return graphs, open_ended


def add_using(text: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """The update with `USING`/`USING NAMED` before each operation's WHERE (Protocol §2.2.3).

    Raises Refused when the update has its own USING or WITH: the protocol calls that a
    conflict to be answered with an error.
    """
    if not default_graphs and not named_graphs:
        return text
    clauses = " ".join([f"USING <{g}>" for g in default_graphs]
                       + [f"USING NAMED <{g}>" for g in named_graphs]) + " "
    depth = 0
    places = []
    for token in tokens(text):
        if token.keyword("USING", "WITH"):
            raise Refused("the update names its own dataset (USING or WITH) and the request "
                          "sends using-graph-uri or using-named-graph-uri: send one of them")
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.keyword("WHERE"):
            places.append(token.start)
    for start in reversed(places):
        text = text[:start] + clauses + text[start:]
    return text


def _prefixes(found: list[Token]) -> dict[str, str]:
    declared = {}
    for index, token in enumerate(found[:-2]):
        if token.keyword("PREFIX") and found[index + 2].kind == "iri":
            declared[found[index + 1].text.rstrip(":")] = found[index + 2].text[1:-1]
    return declared


def _resolve(token: Token, prefixes: dict[str, str]) -> str:
    if token.kind == "iri":
        return token.text[1:-1]
    prefix, _, local = token.text.partition(":")
    if token.kind != "pname" or prefix not in prefixes:
        raise Refused(f"cannot tell which endpoint {token.text!r} names")
    return prefixes[prefix] + local


class RateLimiter:
    """Per client, a budget of `seconds` of query time that refills over each `window`."""

    def __init__(self, seconds: float, window: float = 60.0) -> None:
        self.seconds = seconds
        self.window = window
        self._spent: dict[str, tuple[float, float]] = {}  # client: (spent, at)
        self._lock = threading.Lock()

    def wait_needed(self, client: str) -> float:
        """Seconds until `client` may query again (0 when it may now)."""
        with self._lock:
            spent = self._current(client)
        return 0.0 if spent < self.seconds else (spent - self.seconds) * self.window / self.seconds

    def charge(self, client: str, seconds: float) -> None:
        with self._lock:
            self._spent[client] = (self._current(client) + seconds, time.monotonic())

    def _current(self, client: str) -> float:
        spent, at = self._spent.get(client, (0.0, time.monotonic()))
        refill = (time.monotonic() - at) * self.seconds / self.window
        return max(0.0, spent - refill)
