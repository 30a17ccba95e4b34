"""The entity registry: every entity the corpus names, read from registry/entities.yaml.

The registry is the input of extraction (labels and spelling variants) and of linking (the
Wikidata QIDs known so far). It describes entities; facts come from the documents. Named events
and agreements carry curated quotes from the documents, so that even they have evidence.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from kg.errors import RegistryError
from kg.vocab import CKG

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
FIELDS = ("type", "label", "variants", "wikidata", "located_in", "force_of", "border_of",
          "country", "description", "evidence")
# The classes an entry may have; the events among them need curated evidence.
EVENT_TYPES = frozenset({"Event", "Deployment", "Withdrawal", "Reinforcement", "Meeting",
                         "MilitaryOperation", "War", "Capture", "MembershipChange"})
ENTITY_TYPES = frozenset({
    "State", "InternationalOrganization", "Alliance", "EconomicUnion", "Person", "Organization",
    "NewsOrganization", "MilitaryForce", "BorderGuardForce", "PeacekeepingForce", "Place",
    "AdministrativeRegion", "Settlement", "Border", "Facility", "Territory", "Agreement",
}) | EVENT_TYPES


@dataclass(frozen=True)
class CuratedQuote:
    """Where a document names a registry entry: its file name (no extension) and exact words."""

    document: str
    quote: str
    line: int


@dataclass(frozen=True)
class Entity:
    """One registry entry; `line` is where its key stands in the registry file."""

    key: str
    type: str
    label: str
    line: int
    variants: tuple[str, ...] = ()
    wikidata: str | None = None
    located_in: str | None = None
    force_of: str | None = None
    border_of: tuple[str, ...] = ()
    country: str | None = None  # a person's country: context for Wikidata linking
    description: str | None = None
    evidence: tuple[CuratedQuote, ...] = ()

    @property
    def rdf_type(self) -> URIRef:
        return CKG[self.type]

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by every spelling variant."""
        return (self.label, *self.variants)

    @property
    def needs_evidence(self) -> bool:
        return self.type in EVENT_TYPES or self.type == "Agreement"


@dataclass(frozen=True)
class Registry:
    path: Path
    entities: dict[str, Entity] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.entities.values())

    def __len__(self) -> int:
        return len(self.entities)

    def find(self, name: str, types: frozenset[str] | None = None) -> Entity | None:
        """The entry whose label or variant is `name` (ignoring case), of one of `types`."""
        wanted = name.casefold()
        for entity in self.entities.values():
            if (types is None or entity.type in types) and any(
                    wanted == known.casefold() for known in entity.names):
                return entity
        return None


def read_registry(path: Path) -> Registry:
    """Read and check the registry; raises RegistryError naming the line of the first problem."""
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RegistryError(f"not valid YAML: {getattr(error, 'problem', error)}", path,
                            mark.line + 1 if mark else None) from None
    entries = _mapping_item(root, "entities", path)
    if not isinstance(entries, yaml.MappingNode):
        raise RegistryError("'entities' must map keys to entries", path, _line(entries))
    entities: dict[str, Entity] = {}
    for key_node, value_node in entries.value:
        entity = _read_entity(key_node, value_node, path)
        if entity.key in entities:
            raise RegistryError(f"key {entity.key!r} is defined twice (first on line "
                                f"{entities[entity.key].line})", path, entity.line)
        entities[entity.key] = entity
    registry = Registry(path, entities)
    _check_references(registry)
    return registry


def _read_entity(key_node: yaml.Node, value_node: yaml.Node, path: Path) -> Entity:
    key, line = key_node.value, _line(key_node)
    if not KEY_PATTERN.match(str(key)):
        raise RegistryError(f"key {key!r} is not a lowercase-hyphenated slug (it becomes an "
                            "IRI, ckr:<key>)", path, line)
    if not isinstance(value_node, yaml.MappingNode):
        raise RegistryError(f"entry {key!r} must be a mapping of fields", path, line)
    lines = {child.value: _line(child) for child, _ in value_node.value}
    data: dict[str, Any] = yaml.safe_load(yaml.serialize(value_node))
    for name in data:
        if name not in FIELDS:
            close = difflib.get_close_matches(str(name), FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise RegistryError(f"unknown field {name!r} in {key!r}{hint}", path, lines[name])
    for name in ("type", "label"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise RegistryError(f"entry {key!r} needs a {name}", path, lines.get(name, line))
    if data["type"] not in ENTITY_TYPES:
        close = difflib.get_close_matches(data["type"], sorted(ENTITY_TYPES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise RegistryError(f"type {data['type']!r} of {key!r} is not an entity class{hint}",
                            path, lines["type"])
    wikidata = data.get("wikidata")
    if wikidata is not None and not QID_PATTERN.match(str(wikidata)):
        raise RegistryError(f"wikidata {wikidata!r} of {key!r} is not a QID like Q399",
                            path, lines["wikidata"])
    evidence = tuple(_read_quotes(data.get("evidence") or [], key, path,
                                  _sequence_lines(value_node, "evidence")))
    entity = Entity(
        key=key, type=data["type"], label=data["label"].strip(), line=line,
        variants=tuple(_strings(data, "variants", key, path, lines)),
        wikidata=wikidata, located_in=data.get("located_in"), force_of=data.get("force_of"),
        country=data.get("country"), border_of=tuple(_strings(data, "border_of", key, path, lines)),
        description=data.get("description"), evidence=evidence,
    )
    if entity.needs_evidence and not entity.evidence:
        raise RegistryError(f"{entity.type} {key!r} needs 'evidence': the document and exact "
                            "words that name it", path, line)
    return entity


def _read_quotes(items: list, key: str, path: Path, lines: list[int]) -> list[CuratedQuote]:
    quotes = []
    for item, line in zip(items, lines, strict=True):
        if not (isinstance(item, dict) and isinstance(item.get("document"), str)
                and isinstance(item.get("quote"), str) and item["quote"]):
            raise RegistryError(f"evidence of {key!r} needs 'document' and a non-empty 'quote'",
                                path, line)
        quotes.append(CuratedQuote(item["document"], item["quote"], line))
    return quotes


def _strings(data: dict, name: str, key: str, path: Path, lines: dict[str, int]) -> list[str]:
    values = data.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise RegistryError(f"{name} of {key!r} must be a list of non-empty strings",
                            path, lines.get(name))
    return values


def _check_references(registry: Registry) -> None:
    for entity in registry:
        targets = [("located_in", entity.located_in), ("force_of", entity.force_of),
                   ("country", entity.country)]
        targets += [("border_of", key) for key in entity.border_of]
        for name, target in targets:
            if target is not None and target not in registry.entities:
                close = difflib.get_close_matches(str(target), list(registry.entities), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise RegistryError(f"{name} of {entity.key!r} names {target!r}, which is not "
                                    f"in the registry{hint}", registry.path, entity.line)


def _mapping_item(node: yaml.Node | None, name: str, path: Path) -> yaml.Node:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == name:
                return value_node
    raise RegistryError(f"the file must be a mapping with a top-level {name!r} key", path, 1)


def _sequence_lines(node: yaml.MappingNode, name: str) -> list[int]:
    for key_node, value_node in node.value:
        if key_node.value == name and isinstance(value_node, yaml.SequenceNode):
            return [_line(item) for item in value_node.value]
    return []


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
