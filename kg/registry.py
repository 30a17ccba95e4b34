"""The entity registry: every entity the corpus names, read from registry/entities.yaml.

The registry is the input of extraction (labels and spelling variants) and of linking (the
Wikidata QIDs known so far). It describes entities; facts come from the documents. Named events
and agreements carry curated quotes from the documents, so that even they have evidence.
"""

from __future__ import annotations

import calendar
import datetime as dt
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
FIELDS = ("type", "label", "variants", "wikidata", "located_in", "force_of", "area",
          "border_of", "country", "description", "roles", "date", "evidence")
FORCE_TYPES = frozenset({"MilitaryForce", "BorderGuardForce", "PeacekeepingForce"})
# An event's or agreement's curated roles (what its curated quotes state) and its date, which
# are only used to recognise it where a document describes it without its name
# (kg/extract/events.py, kg/extract/agreements.py); an agreement's role is its party.
ROLES = ("agent", "participant", "force", "location", "affected", "party")
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# The classes an entry may have; the events among them need curated evidence.
EVENT_TYPES = frozenset({"Event", "Deployment", "Withdrawal", "Reinforcement", "Meeting",
                         "MilitaryOperation", "War", "Capture", "MembershipChange"})
ENTITY_TYPES = frozenset({
    "State", "InternationalOrganization", "Alliance", "EconomicUnion", "Person", "Organization",
    "NewsOrganization", "MilitaryForce", "BorderGuardForce", "PeacekeepingForce", "Place",
    "AdministrativeRegion", "Settlement", "Border", "Facility", "Territory", "Agreement",
}) | EVENT_TYPES
# libyaml's parser where PyYAML was built with it (its wheels are): the pure-Python one took
# 0.2 s of the 1.4 s a contributed file's `kg validate` costs (bench/README.md).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    area: str | None = None  # forces only: the place a force that serves in one place serves in
    border_of: tuple[str, ...] = ()
    country: str | None = None  # a person's country: context for Wikidata linking
    description: str | None = None
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date: tuple[dt.date, dt.date] | None = None  # earliest and latest day
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

    def enclosing(self, key: str) -> list[str]:
        """The places an entry lies in, along its located_in chain, nearest first."""
        chain: list[str] = []
        entity = self.entities.get(key)
        while entity is not None and entity.located_in and entity.located_in not in chain:
            chain.append(entity.located_in)
            entity = self.entities.get(entity.located_in)
        return chain

    def state_of(self, key: str) -> str | None:
        """The state a place lies in (itself for a state), along its located_in chain."""
        return next((k for k in (key, *self.enclosing(key))
                     if k in self.entities and self.entities[k].type == "State"), None)

    def only_force(self, state: str, type_name: str) -> Entity | None:
        """The state's force of a type, where the registry has just one (else None: which of
        several a text means needs more than the type)."""
        forces = [entity for entity in self.entities.values()
                  if entity.type == type_name and entity.force_of == state]
        return forces[0] if len(forces) == 1 else None

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
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
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
    data: dict[str, Any] = yaml.constructor.SafeConstructor().construct_document(value_node)
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
    if ("roles" in data or "date" in data) and data["type"] not in EVENT_TYPES | {"Agreement"}:
        raise RegistryError(f"{key!r} is a {data['type']}: only events and agreements have "
                            "roles and a date",
                            path, lines.get("roles", lines.get("date")))
    if "area" in data and data["type"] not in FORCE_TYPES:
        raise RegistryError(f"{key!r} is a {data['type']}: only military forces have an area",
                            path, lines["area"])
    entity = Entity(
        key=key, type=data["type"], label=data["label"].strip(), line=line,
        variants=tuple(_strings(data, "variants", key, path, lines)),
        wikidata=wikidata, located_in=data.get("located_in"), force_of=data.get("force_of"),
        area=data.get("area"),
        country=data.get("country"), border_of=tuple(_strings(data, "border_of", key, path, lines)),
        description=data.get("description"), roles=_roles(data, key, path, lines),
        date=_date_bounds(data, key, path, lines), evidence=evidence,
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


def _roles(data: dict, key: str, path: Path, lines: dict[str, int]
           ) -> dict[str, tuple[str, ...]]:
    roles = data.get("roles") or {}
    if not isinstance(roles, dict):
        raise RegistryError(f"roles of {key!r} must map roles to lists of keys", path,
                            lines.get("roles"))
    for role in roles:
        if role not in ROLES:
            raise RegistryError(f"unknown role {role!r} in {key!r}; the roles are "
                                f"{', '.join(ROLES)}", path, lines["roles"])
    return {role: tuple(_strings(roles, role, key, path, {role: lines["roles"]}))
            for role in roles}


def _date_bounds(data: dict, key: str, path: Path, lines: dict[str, int]
                 ) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a date written 2023, 2023-09 or 2023-09-19."""
    if data.get("date") is None:
        return None
    match = DATE_PATTERN.match(str(data["date"]))
    try:
        if match is None:
            raise ValueError
        year, month, day = (int(part) if part else None for part in match.groups())
        if day is not None:
            return dt.date(year, month, day), dt.date(year, month, day)
        first, last = (month, month) if month else (1, 12)
        return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
    except ValueError:
        raise RegistryError(f"date {data['date']!r} of {key!r} is not a date like 2023, "
                            "2023-09 or 2023-09-19", path,
                            lines["date"]) from None


def _strings(data: dict, name: str, key: str, path: Path, lines: dict[str, int]) -> list[str]:
    values = data.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise RegistryError(f"{name} of {key!r} must be a list of non-empty strings",
                            path, lines.get(name))
    return values


def _check_references(registry: Registry) -> None:
    for entity in registry:
        targets = [("located_in", entity.located_in), ("force_of", entity.force_of),
                   ("area", entity.area), ("country", entity.country)]
        targets += [("border_of", key) for key in entity.border_of]
        targets += [(f"role {role}", key) for role, keys in entity.roles.items() for key in keys]
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
