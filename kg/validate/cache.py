"""Per-unit SHACL results kept between runs, so `kg validate` and `kg build` re-validate only
the named graphs whose content changed.

A unit's results depend only on its data graph (the unit plus the context it cites: the class
hierarchy, the registry entries it names, the documents it quotes), its focus nodes and the
shapes. So each entry is keyed by a hash of the unit's own data and focus nodes, and the whole
cache by a fingerprint of what every unit shares (the shapes, the class hierarchy, the code
that checks them): a changed graph, or a registry entry or document that a unit cites, gives
that unit a new key; a changed shape, subclass axiom or checker empties the cache. Entries
live in one SQLite file (build/validation-cache.sqlite by default).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.cache import fingerprint as cache_fingerprint
from kg.cache import open_cache, store_entries
from kg.provenance import Triple

# What besides the shapes decides a unit's results: the checking code and the libraries it uses
# (pyoxigraph answers the SHACL-SPARQL constraints).
CHECKERS = (Path(__file__).with_name("shacl.py"), Path(__file__))
LIBRARIES = ("pyshacl", "rdflib", "pyoxigraph")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, as pySHACL reports it, before it is placed in a file."""

    focus: Node | None
    path: Node | None
    value: Node | None
    rule: tuple[Node, ...]  # the source shape, constraint component and constraint
    message: str
    error: bool  # a violation, not a warning

    def as_json(self) -> list:
        return [_node_json(self.focus), _node_json(self.path), _node_json(self.value),
                [_node_json(part) for part in self.rule], self.message, self.error]

    @classmethod
    def from_json(cls, record: list) -> Result:
        focus, path, value, rule, message, error = record
        return cls(_json_node(focus), _json_node(path), _json_node(value),
                   tuple(_json_node(part) for part in rule), message, error)


def fingerprint(shape_files: Iterable[Path], common: Graph) -> str:
    """A hash of the shapes, the triples every unit is validated with (the class hierarchy),
    the checking code and the versions of pySHACL, rdflib and pyoxigraph."""
    return cache_fingerprint([*shape_files, *CHECKERS], LIBRARIES, [unit_key(common, set())])


def unit_key(data: Collection[Triple], focus: set[Node]) -> str:
    """A hash of a unit's data (its triples and its context's) and focus nodes, the same for
    the same content.

    Blank node labels differ from one parse to the next, so data with blank nodes is
    canonicalised first (rdflib.compare), and blank focus nodes count by number only.
    """
    if any(isinstance(term, BNode) for triple in data for term in triple):
        graph = Graph(store="SimpleMemory")
        graph += data
        data = to_canonical_graph(graph)
    if len(_N3) > N3_KEPT:
        _N3.clear()
    known = _N3.get  # inline: a call per term would cost a third of what the memo saves
    lines = sorted(" ".join([
        known(s) or _n3(s, s), known(p) or _n3(p, p),
        known(key := (o, o.language) if isinstance(o, Literal) else o) or _n3(o, key)])
        for s, p, o in data)
    digest = hashlib.sha256("".join(f"{line}\n" for line in lines).encode())
    digest.update(b"focus\n")
    for node in sorted("_:" if isinstance(node, BNode) else node.n3() for node in focus):
        digest.update(node.encode() + b"\n")
    return digest.hexdigest()


# Each term's N-Triples form, by term (a literal with its language tag as written: rdflib's ==
# ignores the tag's case, its n3() keeps it): units cite the same registry entries and
# documents, and rdflib's n3() took two thirds of a key. Emptied past N3_KEPT terms, so that
# validating a large dataset does not keep every term it met.
N3_KEPT = 200_000
_N3: dict[Node | tuple[Literal, str | None], str] = {}


def _n3(term: Node, key: Node | tuple[Literal, str | None]) -> str:
    text = _N3[key] = term.n3()
    return text


class ResultCache:
    """Units' results by key, read whole on opening and written back by `record`.

    `validated` and `reused` count the units of the runs recorded so far.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.connection = open_cache(path, fingerprint)
        self.known = dict(self.connection.execute("SELECT key, value FROM entry"))
        self.validated = 0
        self.reused = 0

    def get(self, key: str) -> list[Result] | None:
        """The results stored under `key`, or None if that content was never validated."""
        results = self.known.get(key)
        return None if results is None else [Result.from_json(r) for r in json.loads(results)]

    def record(self, checked: Iterable[tuple[str | None, bool, list[Result]]]) -> None:
        """Count units (key, validated now, results) and store the results of new ones."""
        new = {}
        for key, validated, results in checked:
            if key is None:
                continue
            if validated:
                self.validated += 1
                new[key] = json.dumps([result.as_json() for result in results])
            else:
                self.reused += 1
        store_entries(self.connection, new)
        self.known.update(new)

    def close(self) -> None:
        self.connection.close()


def _node_json(node: Node | None) -> list | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return ["literal", str(node), node.datatype and str(node.datatype), node.language]
    return ["bnode" if isinstance(node, BNode) else "iri", str(node)]


def _json_node(record: list | None) -> Node | None:
    if record is None:
        return None
    if record[0] == "literal":
        _, text, datatype, language = record
        return Literal(text, lang=language, datatype=URIRef(datatype) if datatype else None)
    return BNode(record[1]) if record[0] == "bnode" else URIRef(record[1])
