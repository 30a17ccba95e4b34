"""The `mentions` stage: where the document names registry entities, by label or variant.

It provides the spans ("entities") that later extraction stages start from, and records each
entity the document names as `document ckg:mentions entity`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg import iris
from kg.stages import Additions, DocumentState, stage
from kg.vocab import CKG


@dataclass(frozen=True)
class Mention:
    """A registry entity named at body[start:end]."""

    key: str
    start: int
    end: int


@stage("mentions", requires={"document"}, provides={"entities"})
def find_mentions(state: DocumentState) -> Additions:
    """Find the registry's labels and spelling variants in the body, longest name first."""
    names = tuple((entity.key, entity.names) for entity in state.registry)
    pattern, keys_by_name = _matcher(names)
    mentions = [
        Mention(key, match.start(), match.end())
        for match in pattern.finditer(state.document.body)
        for key in keys_by_name[match.group(0)]
    ]
    document = iris.document(state.document.key)
    named = sorted({mention.key for mention in mentions})
    triples = [(document, CKG.mentions, iris.entity(key)) for key in named]
    return Additions(triples, {"entities": mentions})


@cache
def _matcher(names: tuple[tuple[str, tuple[str, ...]], ...]
             ) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One alternation of every name, longest first, with word boundaries on both sides."""
    keys_by_name: dict[str, list[str]] = {}
    for key, entity_names in names:
        for name in entity_names:
            keys_by_name.setdefault(name, []).append(key)
    ordered = sorted(keys_by_name, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return pattern, {name: tuple(keys) for name, keys in keys_by_name.items()}
