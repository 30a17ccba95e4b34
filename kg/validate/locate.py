"""Finding the line of a node in the file a finding is about, and naming nodes readably.

SHACL and term findings name RDF nodes; people fix files. The locator searches the file's text
for the node (as `<iri>` or under one of the file's prefixes) and returns the first line where
it stands as a subject, or else where it first appears.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.vocab import CKG, CKR, WD

PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
KNOWN_PREFIXES = {
    "ckg": str(CKG._NS), "ckr": str(CKR), "wd": str(WD),
    "cksh": "https://w3id.org/caucasus-kg/shapes#", "sh": "http://www.w3.org/ns/shacl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


class Locator:
    """Lines of nodes in one file; a file we cannot read gives no lines, never an error."""

    def __init__(self, file: Path | str, text: str | None = None) -> None:
        self.file = str(file)
        if text is None:
            path = Path(file)
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        self.lines = text.splitlines()
        self.prefixes = {match.group(1): match.group(2) for line in self.lines[:500]
                         if (match := PREFIX_LINE.match(line))}

    def find(self, node: Node | None) -> tuple[int | None, int | None]:
        """(line, column), 1-based, of the node's first appearance as a subject, else anywhere."""
        if not isinstance(node, URIRef):
            return None, None
        patterns = [re.escape(f"<{node}>")]
        for prefix, namespace in self.prefixes.items():
            if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                # Turtle writers may escape a slash in a local name (ckr:event\/1a2b).
                local = re.escape(str(node)[len(namespace):]).replace("/", r"\\?/")
                patterns.append(rf"(?<![\w:-]){re.escape(prefix)}:{local}(?![\w-])")
        anywhere = re.compile("|".join(patterns))
        first = None
        for number, line in enumerate(self.lines, start=1):
            match = anywhere.search(line)
            if match:
                if not line[:match.start()].strip():
                    return number, match.start() + 1
                first = first or (number, match.start() + 1)
        return first or (None, None)

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
