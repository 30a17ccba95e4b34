"""Checking the QIDs the registry already has: still there, not redirected, same name.

Wikidata merges items (the old QID becomes a redirect: `wd:Qold owl:sameAs wd:Qnew` in the
Query Service), deletes them, and relabels them. None of that may pass silently: each is
reported with the registry line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.link.candidates import PREFIXES
from kg.link.fetch import Asker, qid, value
from kg.registry import Entity


@dataclass(frozen=True)
class Problem:
    """A registry QID that no longer fits its entity."""

    entity: Entity
    qid: str
    message: str

    def __str__(self) -> str:
        return (f"{self.entity.key} (registry line {self.entity.line}) wd:{self.qid}: "
                f"{self.message}")


def verify_qids(entities: list[Entity], asker: Asker) -> list[Problem]:
    """Problems with the QIDs of `entities` (those unanswered are in asker.unanswered)."""
    answers = asker.answers("item", [e.wikidata for e in entities if e.wikidata], item_query,
                            lambda row: qid(value(row, "item")) or "")
    problems = []
    for entity in entities:
        answer = answers.get(entity.wikidata or "")
        if answer is None or entity.wikidata is None:
            continue
        redirects = {qid(value(row, "redirect")) for row in answer.rows} - {None}
        labels = {value(row, "label") for row in answer.rows} - {None}
        aliases = {value(row, "alias") for row in answer.rows} - {None}
        names = {name.casefold() for name in entity.names}
        if redirects:
            problems.append(Problem(entity, entity.wikidata, "redirected to "
                                    + ", ".join(f"wd:{r}" for r in sorted(redirects))
                                    + " (merged); put that QID in the registry"))
        elif not labels:
            problems.append(Problem(entity, entity.wikidata, "deleted or empty: Wikidata has "
                                    "no English label and no redirect for it"))
        elif not names & {text.casefold() for text in labels | aliases}:
            problems.append(Problem(entity, entity.wikidata, "relabelled: Wikidata calls it "
                                    + ", ".join(repr(label) for label in sorted(labels))
                                    + f", the registry {entity.label!r}; check it is the same "
                                    "thing"))
    return problems


def item_query(qids: list[str]) -> str:
    """Each item's redirect, English label and aliases."""
    values = " ".join(f"wd:{q}" for q in qids)
    return (f"{PREFIXES}PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
            f"SELECT ?item ?redirect ?label ?alias WHERE {{\n"
            f"  VALUES ?item {{ {values} }}\n"
            "  OPTIONAL { ?item owl:sameAs ?redirect }\n"
            '  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }\n'
            '  OPTIONAL { ?item skos:altLabel ?alias FILTER(LANG(?alias) = "en") }\n}')
