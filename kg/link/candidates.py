"""Candidates for a registry entity among Wikidata items, scored, and the decision on them.

Candidates are items whose English label or alias is one of the entity's names and that are
instances of one of its type's classes (wdt:P31/wdt:P279*, config/wikidata.yaml): truthy
statements only, so a deprecated claim does not make an item a candidate. The score multiplies
how the name matched by how the item's context (its country, the places it lies in) agrees with
the registry's; the best candidate is linked when it reaches the threshold and beats the
runner-up by the margin, otherwise the entity is listed for review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kg.link.fetch import Asker, Binding, qid, value
from kg.link.settings import LinkSettings, TypeRule
from kg.registry import Entity, Registry

PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# How a name matched: the registry's label or one of its variants, against the item's English
# label or one of its English aliases.
NAME_SCORES = {("label", "label"): 1.0, ("variant", "label"): 0.9,
               ("label", "alias"): 0.9, ("variant", "alias"): 0.8}
# How the item's context agrees with the entity's: shared, absent on the item, contradicting,
# or not known for the entity though its type has context.
CONTEXT_SCORES = {"agrees": 1.0, "absent": 0.8, "contradicts": 0.3, "unknown": 0.85}


@dataclass(frozen=True)
class Candidate:
    qid: str
    label: str
    score: float
    name: str  # the entity's name that matched


@dataclass(frozen=True)
class Decision:
    """What linking decided for one entity: a link, or why not, with every candidate."""

    entity: Entity
    candidates: tuple[Candidate, ...]
    link: Candidate | None
    reason: str
    retrieved: str = ""
    endpoint: str = ""


@dataclass
class Searched:
    decisions: list[Decision] = field(default_factory=list)
    unasked: list[Entity] = field(default_factory=list)  # no answer: offline and not cached


def search_candidates(entities: Iterable[Entity], registry: Registry, known: dict[str, str],
                      settings: LinkSettings, asker: Asker, threshold: float) -> Searched:
    """Decide a link for each entity whose type has a rule; `known` maps registry keys to the
    QIDs already known (registry and earlier links), for context."""
    searched = Searched()
    by_type: dict[str, list[Entity]] = {}
    for entity in entities:
        if entity.type in settings.types:
            by_type.setdefault(entity.type, []).append(entity)
    for type_name, members in sorted(by_type.items()):
        rule = settings.types[type_name]
        answers = asker.answers(
            f"candidates:{type_name}", [name for e in members for name in e.names],
            lambda names, rule=rule: candidate_query(names, rule),
            lambda row: value(row, "name") or "")
        for entity in members:
            mine = [answers[name] for name in entity.names if name in answers]
            if len(mine) < len(entity.names):
                searched.unasked.append(entity)
                continue
            rows = [(name, row) for name in entity.names for row in answers[name].rows]
            candidates = score_candidates(entity, rows, context_of(entity, registry, known), rule)
            decision = decide(entity, candidates, threshold, settings.margin)
            searched.decisions.append(replace(
                decision, retrieved=max(answer.retrieved for answer in mine),
                endpoint=mine[0].endpoint))
    return searched


def candidate_query(names: list[str], rule: TypeRule) -> str:
    """Items named `names` (English label or alias) of the rule's classes, with context."""
    values = " ".join(_literal(name) for name in names)
    classes = " ".join(f"wd:{c}" for c in rule.classes)
    context = ""
    if rule.context:
        path = "|".join(f"wdt:{p}" for p in rule.context)
        context = f"\n  OPTIONAL {{ ?item {path} ?context }}"
    return (f"{PREFIXES}SELECT DISTINCT ?name ?item ?label ?context WHERE {{\n"
            f"  VALUES ?name {{ {values} }}\n"
            "  { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name }\n"
            f"  VALUES ?class {{ {classes} }}\n"
            "  ?item wdt:P31/wdt:P279* ?class .\n"
            '  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }'
            f"{context}\n}}")


def context_of(entity: Entity, registry: Registry, known: dict[str, str]) -> set[str]:
    """QIDs of what the registry puts the entity in: containing places, state, country."""
    found: set[str] = set()
    for key in (entity.force_of, entity.country, *registry.enclosing(entity.key)):
        if key is not None and key in known:
            found.add(known[key])
    return found


def score_candidates(entity: Entity, rows: list[tuple[str, Binding]], context: set[str],
                     rule: TypeRule) -> list[Candidate]:
    """Each item's best score over the names that found it, best first."""
    labels: dict[str, str] = {}
    contexts: dict[str, set[str]] = {}
    matches: dict[str, list[str]] = {}
    for name, row in rows:
        item = qid(value(row, "item"))
        if item is None:
            continue
        labels[item] = value(row, "label") or labels.get(item, "")
        contexts.setdefault(item, set())
        if (place := qid(value(row, "context"))) is not None:
            contexts[item].add(place)
        matches.setdefault(item, []).append(name)
    candidates = []
    for item, names in matches.items():
        name_score, name = max((_name_score(entity, n, labels[item]), n) for n in names)
        agreement = _agreement(context, contexts[item], rule)
        candidates.append(Candidate(item, labels[item],
                                    round(name_score * CONTEXT_SCORES.get(agreement, 1.0), 3),
                                    name))
    return sorted(candidates, key=lambda c: (-c.score, c.qid))


def decide(entity: Entity, candidates: list[Candidate], threshold: float, margin: float
           ) -> Decision:
    """The link, or the reason there is none."""
    if not candidates:
        return Decision(entity, (), None, "no candidate of its type")
    best = candidates[0]
    if best.score < threshold:
        return Decision(entity, tuple(candidates), None,
                        f"best candidate scores {best.score}, under the threshold {threshold}")
    if len(candidates) > 1 and best.score - candidates[1].score < margin:
        return Decision(entity, tuple(candidates), None,
                        f"ambiguous: {best.qid} and {candidates[1].qid} score within {margin}")
    return Decision(entity, tuple(candidates), best, "linked")


def _name_score(entity: Entity, name: str, label: str) -> float:
    ours = "label" if name == entity.label else "variant"
    theirs = "label" if name.casefold() == label.casefold() else "alias"
    return NAME_SCORES[ours, theirs]


def _agreement(ours: set[str], theirs: set[str], rule: TypeRule) -> str | None:
    if not rule.context:
        return None
    if not ours:
        return "unknown"
    if not theirs:
        return "absent"
    return "agrees" if ours & theirs else "contradicts"


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@en'
