"""kg/evaluate.py: matching rules, and the extractor's scores on the gold, which may only rise.

The floors below are the scores measured when they were set (see the issue notes); raise them
as the extractor improves, never lower them to let a change through.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Dataset

from kg import iris, paths
from kg.corpus import read_corpus
from kg.evaluate import Fact, Report, evaluate, render_report, score_facts

FLOORS = {  # fact type: (precision, recall)
    # events described without their name count as mentions of the registry event: 0.79 -> 0.83
    # names within names ("the State Duma Committee on CIS Affairs"): 0.83 -> 0.86
    # "our troops" in a speaker's words are the speaker's state's force: 0.86 -> 0.87
    # agreements described without their name are the registry agreement of their parties and
    # date; borders read from "borders with Turkey"; states meant by a border's name, an acting
    # city or a demonym before an office; office titles are no new entities; a plural name
    # shared among its owners ("the Ministries of Defense of X and Y"); no new names on a
    # headline's line: P/R 0.96/0.88 -> 0.98/0.95 (194 of 205, 4 false positives), F1 0.92 ->
    # 0.96.
    "entities": (0.97, 0.94),
    # Statements by "he"/"she", by `by` agents and by capitals standing for states traded
    # precision (0.92 -> 0.81) for recall (0.33 -> 0.57), raising F1 (0.49 -> 0.67).
    # Definite descriptions resolved ("the governor said", "left the region"): statements
    # 0.57 -> 0.62 recall, withdrawals 0.74 -> 0.84, deployments 0.44 -> 0.50.
    # Quotations after a full stop are not the sentence's; "X happened, Y said at ..." misparsed
    # as coordination; appositive speakers; glued closing quotes: 0.83/0.62 -> 0.89/0.70.
    # Quoted paragraphs going on from the person quoted before: -> 0.93/0.80.
    # Issue 3: relative-pronoun speakers, speech nouns ("accusations by X that"), "X's position
    # is that", "the statement reads", headings run into a subject, quotations that report
    # others, no words from "commented on": -> 0.95/0.91.
    "Statement": (0.94, 0.90),
    # Another sentence's evidence of a matched event is that event read again, not a false
    # positive; mentions naming fewer roles (or unnamed places within the place) are the
    # fuller event told nearby; demonym agents ("an Azerbaijani offensive"), attendees ("shake
    # hands at a summit"), "the main forces": events P/R 0.65/0.71 -> 0.93/0.78. Events over
    # before publication are Completed: status 0.65 -> 0.82.
    # Issue 3: a withdrawal naming no place leaves where its force was deployed; coordinated
    # forces; "troops" a state sends are its force serving there (registry `area`); captures
    # told by the losing side ("lost", "left X in control of"); "patrol"; participial clauses;
    # passive subjects attend no meeting: events P/R 0.93/0.86 -> 1.00/0.95.
    "Withdrawal": (0.99, 0.99),
    "Deployment": (0.99, 0.99),
    # Events told without roles are the registry event their date alone fits: events F1 0.90.
    "events": (0.99, 0.94),
    "MilitaryOperation": (0.99, 0.66),
    "Capture": (0.99, 0.79),
    "Meeting": (0.99, 0.99),
    "War": (0.95, 0.99),
    "MembershipChange": (0.99, 0.99),
    "Membership": (0.95, 0.95),
    "PositionHeld": (0.95, 0.95),
    "Agreement": (0.90, 0.85),
    # Durations are amounts of time ("the 44-day war", "at least five years"): 0.78 -> 1.00 recall.
    "Quantity": (0.93, 0.99),
    "all facts": (0.97, 0.94),
    "event status": (0.85, 0.99),  # precision: the share of matched events with the right status
}


def fact(type_name: str, start: int, end: int, **roles: str) -> Fact:
    return Fact(type_name, start, end, {k: frozenset({v}) for k, v in roles.items()}, "")


def test_fact_matches_same_type_overlapping_span_and_roles():
    gold = fact("Withdrawal", 10, 50, force="guards", location="tavush-province")
    assert gold.matches(fact("Withdrawal", 40, 90, force="guards", location="tavush-province"))
    assert not gold.matches(fact("Withdrawal", 50, 90, force="guards",
                                 location="tavush-province"))
    assert not gold.matches(fact("Withdrawal", 10, 50, force="guards", location="syunik"))
    assert not gold.matches(fact("Deployment", 10, 50, force="guards",
                                 location="tavush-province"))


def test_evaluate_counts_a_node_read_again_once_and_a_second_node_as_false_positive():
    gold = [fact("Withdrawal", 10, 50, force="guards")]
    first = replace(fact("Withdrawal", 10, 50, force="guards"), node="n1")
    again = replace(fact("Withdrawal", 200, 250, force="guards"), node="n1")
    other = replace(fact("Withdrawal", 300, 350, force="guards"), node="n2")
    report = Report()
    score_facts(report, "doc", gold, [first, again, other])
    assert (report.scores["Withdrawal"].tp, report.scores["Withdrawal"].fp) == (1, 1)
    assert [f.node for _, f in report.false_positives] == ["n2"]


@pytest.fixture(scope="module")
def report(built):
    dataset = Dataset()
    dataset.parse(built.release / "dataset.trig", format="trig")
    documents = read_corpus(paths.CORPUS_DIR)
    graphs = {d.key: dataset.graph(iris.document_graph(d.key)) for d in documents}
    return evaluate(graphs, documents, paths.GOLD_DIR, dataset.graph(iris.REGISTRY_GRAPH))


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_evaluate_scores_stay_above_their_floor(report, name: str):
    precision, recall = FLOORS[name]
    score = report.scores[name]
    assert score.precision >= precision and score.recall >= recall, render_report(report, False)


def test_render_report_lists_misses_and_false_positives(report):
    text = render_report(report)
    assert text.splitlines()[0].split() == ["fact", "type", "P", "R", "F1", "tp", "fp", "fn"]
    assert "\nmissed:\n" in text and "\nfalse positives:\n" in text
