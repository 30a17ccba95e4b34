"""The linking settings (config/wikidata.yaml): endpoint, threshold, and per type what counts.

Read once per `kg link`; a bad file raises ConfigError naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ConfigError, InputError
from kg.registry import ENTITY_TYPES

QID = re.compile(r"^Q[1-9][0-9]*$")
PID = re.compile(r"^P[1-9][0-9]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class TypeRule:
    """What a candidate for one registry type must be, and where its context lies."""

    classes: tuple[str, ...]  # QIDs: the candidate is an instance of one (wdt:P31/wdt:P279*)
    context: tuple[str, ...] = ()  # PIDs whose values are compared with the entity's context


@dataclass(frozen=True)
class LinkSettings:
    endpoint: str
    threshold: float
    margin: float
    batch: int
    timeout: float
    tries: int
    languages: tuple[str, ...]
    facts: tuple[str, ...]  # PIDs whose truthy values enrichment keeps
    types: dict[str, TypeRule]


def read_settings(path: Path) -> LinkSettings:
    """Read and check config/wikidata.yaml; raises ConfigError naming the line of a problem."""
    root = compose_yaml(path)
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError("the linking settings must be a mapping", path, 1)
    lines = {key.value: key.start_mark.line + 1 for key, _ in root.value}
    data: dict[str, Any] = yaml.safe_load(yaml.serialize(root))

    def number(name: str, low: float, high: float, kind: type = float) -> Any:
        value = data.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool) or not (
                low <= value <= high) or (kind is int and not isinstance(value, int)):
            raise ConfigError(f"{name!r} must be a {kind.__name__} from {low} to {high}, not "
                              f"{value!r}", path, lines.get(name, 1))
        return kind(value)

    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise ConfigError(f"'endpoint' must be an http(s) URL, not {endpoint!r}", path,
                          lines.get("endpoint", 1))
    facts = data.get("facts") or []
    if not isinstance(facts, list) or not all(isinstance(p, str) and PID.match(p) for p in facts):
        raise ConfigError("'facts' must be a list of PIDs like P625", path, lines.get("facts", 1))
    languages = data.get("languages") or []
    if not isinstance(languages, list) or not all(
            isinstance(code, str) and LANGUAGE.match(code) for code in languages):
        raise ConfigError("'languages' must be a list of language codes like hy, ru, az", path,
                          lines.get("languages", 1))
    return LinkSettings(endpoint, number("threshold", 0, 1), number("margin", 0, 1),
                        number("batch", 1, 500, int), number("timeout", 1, 600),
                        number("tries", 1, 20, int), tuple(languages), tuple(facts),
                        _read_types(root, data.get("types"), path, lines.get("types", 1)))


def compose_yaml(path: Path) -> yaml.Node | None:
    """The YAML node tree of a file (keeping lines); raises InputError naming the line."""
    try:
        return yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(error, 'problem', error)}", path,
                         mark.line + 1 if mark else None) from None
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", path) from None


def _read_types(root: yaml.MappingNode, types: Any, path: Path, line: int
                ) -> dict[str, TypeRule]:
    if not isinstance(types, dict) or not types:
        raise ConfigError("'types' must map registry types to their classes", path, line)
    node = next(value for key, value in root.value if key.value == "types")
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    rules = {}
    for name, rule in types.items():
        where = lines.get(name, line)
        if name not in ENTITY_TYPES:
            raise ConfigError(f"{name!r} is not a registry type (one of "
                              f"{', '.join(sorted(ENTITY_TYPES))})", path, where)
        if not isinstance(rule, dict) or set(rule) - {"classes", "context"}:
            raise ConfigError(f"{name}: give 'classes' (QIDs) and optionally 'context' (PIDs)",
                              path, where)
        classes, context = rule.get("classes") or [], rule.get("context") or []
        if not classes or not all(isinstance(c, str) and QID.match(c) for c in classes):
            raise ConfigError(f"{name}: 'classes' must be a list of QIDs like Q5", path, where)
        if not all(isinstance(p, str) and PID.match(p) for p in context):
            raise ConfigError(f"{name}: 'context' must be a list of PIDs like P17", path, where)
        rules[name] = TypeRule(tuple(classes), tuple(context))
    return rules
