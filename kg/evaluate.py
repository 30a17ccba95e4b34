"""`kg evaluate`: the extractor's facts scored against the hand-made gold (tests/gold/*.yaml).

A gold file lists, for one document, the entities its body names and every fact it states,
each with its exact quote. An extracted fact matches a gold fact of the same type when their
spans overlap and the roles that identify the fact agree (an event's force and place, a
statement's speaker, a membership's member and organization ...). An extracted fact is read
at each of its evidence sentences; once one of them matches, the others are that fact read
again, not false positives (the gold quotes each fact once). Scores are precision,
recall and F1 per fact type, with every miss and false positive listed; "event status" is the
share of matched events whose status (Planned, Ongoing, Completed) is the gold's, as its
precision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from rdflib import RDF, Graph

from kg import iris
from kg.corpus import Document
from kg.errors import InputError
from kg.provenance import locate_quote
from kg.vocab import CKG, CKR

EVENT_TYPES = ("Deployment", "Withdrawal", "Reinforcement", "Meeting", "MilitaryOperation",
               "War", "Capture", "MembershipChange")
FACT_TYPES = (*EVENT_TYPES, "Statement", "Agreement", "Membership", "PositionHeld", "Quantity")
# The roles that must agree (share a value, where the gold names one) for two facts to match.
IDENTIFYING = {
    "Deployment": ("force", "location"), "Withdrawal": ("force", "location"),
    "Reinforcement": ("force",), "Meeting": ("participant",), "MilitaryOperation": ("agent",),
    "War": (), "Capture": ("affected",), "MembershipChange": ("affected",),
    "Statement": ("speaker",), "Agreement": ("parties",),
    "Membership": ("member", "organization"), "PositionHeld": ("holder",),
    "Quantity": ("value",),
}
ROLES = ("agent", "participant", "force", "location", "affected", "speaker", "parties",
         "member", "organization", "holder", "value")


@dataclass(frozen=True)
class Fact:
    """A fact reduced to what matching compares: type, character span and role values."""

    type: str
    start: int
    end: int
    roles: dict[str, frozenset[str]]
    quote: str
    id: str = ""
    node: str = ""  # the extracted assertion node the fact was read from

    def overlaps(self, other: Fact) -> bool:
        return self.start < other.end and other.start < self.end

    def matches(self, other: Fact) -> bool:
        return self.type == other.type and self.overlaps(other) and all(
            self.roles.get(role, frozenset()) & other.roles.get(role, frozenset())
            for role in IDENTIFYING[self.type] if self.roles.get(role))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=dict)
    misses: list[tuple[str, Fact]] = field(default_factory=list)
    false_positives: list[tuple[str, Fact]] = field(default_factory=list)

    def score(self, name: str) -> Score:
        return self.scores.setdefault(name, Score())


def evaluate(dataset_graphs: dict[str, Graph], documents: Iterable[Document], gold_dir: Path,
             registry_graph: Graph | None = None) -> Report:
    """Score each document's named graph against its gold file (documents without one are
    skipped). `registry_graph` gives the curated roles of registry events that documents
    describe without naming them: the extractor identified the event, roles and all.
    Raises InputError when no document has a gold file, or naming a bad gold file's line."""
    report = Report()
    scored = 0
    for document in documents:
        path = gold_dir / f"{document.key}.yaml"
        if not path.is_file():
            continue
        scored += 1
        gold_entities, gold_facts = read_gold(path, document)
        graph = dataset_graphs[document.key]
        _score_entities(report, document.key, gold_entities, extracted_entities(graph, document))
        score_facts(report, document.key, gold_facts, extracted_facts(graph, document,
                                                                          registry_graph))
    if not scored:
        raise InputError("no gold file names any of the documents; write <document key>.yaml "
                         "for each (see tests/gold/), or pass the folder with --gold", gold_dir)
    events, everything = report.score("events"), report.score("all facts")
    for name in FACT_TYPES:
        score = report.scores.get(name)
        if score:
            everything.add(score)
            if name in EVENT_TYPES:
                events.add(score)
    return report


def read_gold(path: Path, document: Document) -> tuple[set[str], list[Fact]]:
    """A gold file's entity keys and facts, with each quote located in the body.

    Raises InputError naming the file and line of a fact that cannot be read: YAML that does
    not parse, a missing key, an unknown type, a quote that is not in the body.
    """
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
        lines = _fact_lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        # "found unexpected end of stream" alone hides where the unclosed quote began
        since = (f" {error.context} that starts on line {error.context_mark.line + 1}"
                 if error.context and error.context_mark else "")
        raise InputError(f"not YAML: {error.problem}{since}", path,
                         error.problem_mark.line + 1 if error.problem_mark else None) from None
    facts = data.get("facts") or [] if isinstance(data, dict) else None
    if not isinstance(facts, list):
        raise InputError("expected a mapping with `entities` and a list of `facts`, as in "
                         "tests/gold/", path)
    entities = {_key(value) for value in data.get("entities") or []}
    return entities, [_read_fact(item, document, path, line)
                      for item, line in zip(facts, lines, strict=True)]


def _read_fact(item: dict, document: Document, path: Path, line: int) -> Fact:
    """One gold fact; errors name its line in the gold file."""
    if not isinstance(item, dict):
        raise InputError(f"a fact is a mapping of keys (id, type, quote ...), not {item!r}",
                         path, line)
    required = ("id", "type", "quote", "speaker") if item.get("type") == "Statement" else (
        "id", "type", "quote")
    missing = [key for key in required if key not in item]
    if missing:
        raise InputError(f"fact {item.get('id')!r} has no {', '.join(missing)}; every fact "
                         "needs an id, a type and a quote (a Statement also a speaker)",
                         path, line)
    if item["type"] not in FACT_TYPES:
        raise InputError(f"fact {item['id']!r} has unknown type {item['type']!r}; expected "
                         f"one of {', '.join(FACT_TYPES)}", path, line)
    try:
        start, end = locate_quote(document, item["quote"])
        if item["type"] == "Statement":
            start, end = locate_quote(document, item.get("words") or item["quote"])
    except InputError as error:
        raise InputError(f"fact {item['id']!r}: {error.problem}", path, line) from None
    roles = {role: frozenset(_key(v) for v in _values(item[role]))
             for role in ROLES if role in item}
    if "status" in item:
        roles["status"] = frozenset({item["status"]})
    return Fact(item["type"], start, end, roles, item["quote"], item["id"])


def _fact_lines(root: yaml.Node | None) -> list[int]:
    """The line (counting from 1) of each item under the top-level `facts` key."""
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if key.value == "facts" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def extracted_entities(graph: Graph, document: Document) -> set[str]:
    return {_key(str(node)) for node in graph.objects(iris.document(document.key),
                                                       CKG.mentions)}


def extracted_facts(graph: Graph, document: Document, registry_graph: Graph | None = None
                    ) -> list[Fact]:
    """One fact per (assertion node, evidence) in the document's graph; fact types the
    ontology does not model are never extracted and count as misses. Roles are the
    document's, and for a registry event also the registry's."""
    facts = []
    modelled = [name for name in FACT_TYPES if name in CKG.__annotations__]
    described = [graph] if registry_graph is None else [graph, registry_graph]
    for type_name in modelled:
        for node in graph.subjects(RDF.type, CKG[type_name]):
            roles = {role: frozenset(_key(str(v)) for g in described
                                     for v in g.objects(node, CKG[role]))
                     for role in ("agent", "participant", "force", "location", "affected",
                                  "speaker", "party", "member", "organization", "holder")}
            roles["parties"] = roles.pop("party")
            roles["status"] = frozenset(str(v).rsplit("#", 1)[-1]
                                        for v in graph.objects(node, CKG.status))
            # the gold writes amounts as plain numbers: 7300000000, not 7.3E+9
            roles["value"] = frozenset(format(Decimal(str(v)).normalize(), "f")
                                       for v in graph.objects(node, CKG.value))
            words = graph.value(node, CKG.quote)
            for evidence in graph.objects(node, CKG.evidence):
                start = int(graph.value(evidence, CKG.charStart))
                end = int(graph.value(evidence, CKG.charEnd))
                if words is not None:  # a statement: compare the words, not the sentence
                    start = document.body.find(str(words), start)
                    end = start + len(str(words))
                facts.append(Fact(type_name, start, end,
                                  {k: v for k, v in roles.items() if v},
                                  document.body[start:end], node=str(node)))
    return facts


def _score_entities(report: Report, key: str, gold: set[str], found: set[str]) -> None:
    score = report.score("entities")
    score.tp += len(gold & found)
    score.fp += len(found - gold)
    score.fn += len(gold - found)
    report.misses += [(key, Fact("entity", 0, 0, {}, name)) for name in sorted(gold - found)]
    report.false_positives += [(key, Fact("entity", 0, 0, {}, name))
                               for name in sorted(found - gold)]


def score_facts(report: Report, key: str, gold: list[Fact], found: list[Fact]) -> None:
    unmatched = list(found)
    matched_gold = set()
    for index, fact in enumerate(gold):
        partner = next((f for f in unmatched if fact.matches(f)), None)
        if partner is not None:
            unmatched.remove(partner)
            matched_gold.add(index)
            report.score(fact.type).tp += 1
            if fact.type in EVENT_TYPES and fact.roles.get("status"):  # is it the gold status?
                right = fact.roles["status"] == partner.roles.get("status")
                status = report.score("event status")
                status.tp += right
                status.fp += not right
            # further evidence of the same fact in the same sentence is not a false positive
            unmatched = [f for f in unmatched if not (fact.matches(f) and f.quote == partner.quote)]
    for index, fact in enumerate(gold):
        if index not in matched_gold:
            report.score(fact.type).fn += 1
            report.misses.append((key, fact))
    # Another sentence's evidence for a node that matched is the same fact read again (the
    # gold quotes each fact once): not a false positive either.
    matched_nodes = {f.node for f in found if f not in unmatched}
    for fact in unmatched:
        if fact.node in matched_nodes:
            continue
        report.score(fact.type).fp += 1
        report.false_positives.append((key, fact))


def _key(value: object) -> str:
    """A registry key, or the slug a new entity's IRI is made of."""
    text = str(value)
    if text.startswith("new:"):
        return iris.slug(text[4:].split("|", 1)[0])
    return text.removeprefix(str(CKR))


def _values(value: object) -> list:
    return value if isinstance(value, list) else [value]


def render_report(report: Report, details: bool = True) -> str:
    """A table of scores, then the misses and false positives, one per line."""
    lines = [f"{'fact type':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
    order = ["entities", *FACT_TYPES, "events", "all facts", "event status"]
    for name in order:
        s = report.scores.get(name)
        if s:
            lines.append(f"{name:<18}{s.precision:7.2f}{s.recall:7.2f}{s.f1:7.2f}"
                         f"{s.tp:5}{s.fp:5}{s.fn:5}")
    if details:
        for title, rows in (("missed", report.misses),
                            ("false positives", report.false_positives)):
            lines.append(f"\n{title}:")
            lines += [f"  {doc}: {fact.type} {fact.id} {fact.quote[:100]!r}"
                      for doc, fact in rows]
    return "\n".join(lines) + "\n"


