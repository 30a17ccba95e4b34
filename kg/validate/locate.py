"""Finding the line of a node in the file a finding is about, and naming nodes readably.

SHACL and term findings name RDF nodes; people fix files. The locator searches the file's text
for the node (as `<iri>` or under one of the file's prefixes) and returns the first line where
it stands as a subject, or else where it first appears.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.rdf import PREFIXES

# An IRI written in full, or a prefixed name (with escaped characters in its local part).
TERM = re.compile(r"<[^>\s]*>|(?<![\w:\\-])[A-Za-z][\w.-]*:(?:[\w.-]|\\.)+(?<!\.)")
LOCAL_ESCAPE = re.compile(r"\\(.)")
PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
# The project's prefixes, and those of the shapes, for naming nodes in findings.
KNOWN_PREFIXES = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "cksh": "https://w3id.org/caucasus-kg/shapes#", "sh": str(SH), "rdf": str(RDF),
}


class Locator:
    """Lines of nodes in one file; a file we cannot read gives no lines, never an error.

    The file is read when a line or prefix is first asked for, not before: `kg build` hands
    the validation a locator for the TriG file it is still writing.
    """

    def __init__(self, file: Path | str, text: str | None = None) -> None:
        self.file = str(file)
        self.text = text

    @cached_property
    def lines(self) -> list[str]:
        text = self.text
        if text is None:
            path = Path(self.file)
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return text.splitlines()

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return {match.group(1): match.group(2) for line in self.lines[:500]
                if (match := PREFIX_LINE.match(line))}

    def read(self) -> None:
        """Read the file and index the nodes that begin its lines now rather than at the first
        `find` (a build does it while other processes validate)."""
        _ = self._starts

    def find(self, node: Node | None) -> tuple[int | None, int | None]:
        """(line, column), 1-based, of the node's first appearance as a subject, else anywhere."""
        if not isinstance(node, URIRef):
            return None, None
        place = self._starts.get(str(node)) or self._places.get(str(node))
        return place or (None, None)

    @cached_property
    def _starts(self) -> dict[str, tuple[int, int]]:
        """The first place of every IRI that begins a line, where a subject stands.

        Only each line's first term is read: a finding's focus node is a subject of the
        file, so every term of every line (`_places`, four times the work) is read only for
        a node that begins no line.
        """
        starts: dict[str, tuple[int, int]] = {}
        expanded: dict[str, str | None] = {}  # most lines begin with one of a few predicates
        for number, line in enumerate(self.lines, start=1):
            indent = len(line) - len(line.lstrip())
            match = TERM.match(line, indent)
            if match is None:
                continue
            term = match.group(0)
            if term not in expanded:
                expanded[term] = self._expand(term)
            iri = expanded[term]
            if iri is not None:
                starts.setdefault(iri, (number, indent + 1))
        return starts

    @cached_property
    def _places(self) -> dict[str, tuple[int, int]]:
        """The first place of every IRI the file names."""
        places: dict[str, tuple[int, int]] = {}
        for number, line in enumerate(self.lines, start=1):
            for match in TERM.finditer(line):
                iri = self._expand(match.group(0))
                if iri is not None:
                    places.setdefault(iri, (number, match.start() + 1))
        return places

    def _expand(self, term: str) -> str | None:
        if term.startswith("<"):
            return term[1:-1]
        prefix, _, local = term.partition(":")
        namespace = self.prefixes.get(prefix)
        # Turtle writers may escape characters of a local name (ckr:event\/1a2b).
        return namespace + LOCAL_ESCAPE.sub(r"\1", local) if namespace is not None else None

    def name(self, node: Node) -> str:
        """A node as a person reads it: a prefixed name where one fits, literals quoted."""
        if isinstance(node, URIRef):
            for prefix, namespace in {**KNOWN_PREFIXES, **self.prefixes}.items():
                if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                    return f"{prefix}:{str(node)[len(namespace):]}"
            return f"<{node}>"
        if isinstance(node, Literal):
            text = str(node) if len(str(node)) <= 80 else str(node)[:77] + "..."
            shown = f'"{text}"'
            if node.language:
                return f"{shown}@{node.language}"
            return f"{shown}^^{self.name(node.datatype)}" if node.datatype else shown
        if isinstance(node, BNode):
            return f"_:{node}"
        return str(node)
