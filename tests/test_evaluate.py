"""kg/evaluate.py: matching rules, gold files, and the extractor's scores on the gold, which
may only rise: on the corpus its rules were written against, and on articles it has never seen
(tests/data/unseen/, issue 3).

The floors below are the scores measured when they were set (see the issue notes); raise them
as the extractor improves, never lower them to let a change through.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Dataset

from kg import iris, paths
from kg.build import extract_folder, read_sources, registry_graph
from kg.corpus import read_corpus, read_document
from kg.errors import InputError
from kg.evaluate import Fact, Report, evaluate, read_gold, render_report, score_facts
from tests.conftest import DATA

FLOORS = {  # fact type: (precision, recall)
    # Raised to the scores measured on 2026-12-04 (branch quality, unchanged by its fixes),
    # rounded down to the hundredth below, where a floor had been left lower.
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
    "Statement": (0.95, 0.91),
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
    "events": (0.99, 0.95),
    "MilitaryOperation": (0.99, 0.66),
    "Capture": (0.99, 0.79),
    "Meeting": (0.99, 0.99),
    "War": (0.99, 0.99),
    "MembershipChange": (0.99, 0.99),
    "Membership": (0.99, 0.95),
    "PositionHeld": (0.99, 0.99),
    "Agreement": (0.99, 0.90),
    # Durations are amounts of time ("the 44-day war", "at least five years"): 0.78 -> 1.00 recall.
    "Quantity": (0.96, 0.99),
    "all facts": (0.98, 0.95),
    "event status": (0.85, 0.99),  # precision: the share of matched events with the right status
}


# Issue 3: six articles written for the test (tests/data/unseen/README.md), gold by hand,
# never tuned against. Measured when the articles were added (P/R, tp/fp/fn): entities
# 0.88/0.76 (207/27/64), events 0.67/0.32 (33/16/69), statements 0.66/0.51 (45/23/44), all
# facts 0.78/0.51 (176/50/170); each floor is the figure rounded down to the hundredth below.
# General fixes (branch quality: names written otherwise than the registry's, borders in words,
# base and post triggers, institutional and collective speakers, "one of the members,
# alongside", titles before a comma): entities 0.93/0.84 (228/16/43), events 0.78/0.41
# (42/12/60), statements 0.83/0.71 (63/13/26), all facts 0.86/0.61 (212/34/134).
UNSEEN_FLOORS = {  # fact type: (precision, recall), facts, then events, then totals
    "entities": (0.94, 0.86), "PositionHeld": (0.99, 0.89), "Membership": (0.99, 0.52),
    "Statement": (0.85, 0.72), "Agreement": (0.88, 0.46), "Quantity": (0.91, 0.92),
    "Deployment": (0.66, 0.29), "Withdrawal": (0.91, 0.57), "Reinforcement": (0.99, 0.32),
    "Meeting": (0.74, 0.45), "MilitaryOperation": (0.89, 0.89), "War": (0.99, 0.79),
    "Capture": (0.66, 0.66), "MembershipChange": (0.79, 0.66),
    "events": (0.79, 0.49), "all facts": (0.88, 0.67), "event status": (0.87, 0.99),
}
BAD_GOLD = DATA / "bad" / "gold"


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


@pytest.fixture(scope="module")
def unseen_report() -> Report:
    """The report of `kg evaluate --corpus tests/data/unseen --gold tests/gold/unseen`."""
    sources = read_sources()
    documents, graphs = extract_folder(DATA / "unseen", sources)
    return evaluate({d.key: graph for d, graph in zip(documents, graphs, strict=True)},
                    documents, paths.GOLD_DIR / "unseen", registry_graph(sources))


@pytest.mark.parametrize("name", sorted(UNSEEN_FLOORS))
def test_evaluate_unseen_scores_stay_above_their_floor(unseen_report: Report, name: str):
    precision, recall = UNSEEN_FLOORS[name]
    score = unseen_report.scores[name]
    assert score.precision >= precision and score.recall >= recall, \
        render_report(unseen_report, False)


def test_evaluate_unseen_scores_every_article():
    """Each unseen article has its gold, so none is skipped unscored."""
    articles = sorted(p.stem for p in (DATA / "unseen").glob("*.txt"))
    assert len(articles) == 6
    assert articles == sorted(p.stem for p in (paths.GOLD_DIR / "unseen").glob("*.yaml"))


@pytest.mark.parametrize(("name", "line", "message"), [
    ("quote-not-in-body", 11, "fact 'r-border-troops': quote 'Russia sent more border guards"),
    ("unknown-type", 4, "fact 'pos-kopyrkin' has unknown type 'Position'"),
    ("statement-without-speaker", 8, "fact 's-yerevan-csto' has no speaker"),
    ("not-yaml", 8, "a quoted scalar that starts on line 6"),
])
def test_read_gold_names_the_file_and_line_of_a_bad_fact(name: str, line: int, message: str):
    document = read_document(paths.CORPUS_DIR / "04_tass-border-troops-increase.txt")
    path = BAD_GOLD / f"{name}.yaml"
    with pytest.raises(InputError) as raised:
        read_gold(path, document)
    assert (raised.value.path, raised.value.line) == (path, line)
    assert str(raised.value).startswith(f"{path}:{line}: ") and message in str(raised.value)


def test_evaluate_without_any_gold_file_says_so(tmp_path):
    document = read_document(paths.CORPUS_DIR / "04_tass-border-troops-increase.txt")
    with pytest.raises(InputError, match="no gold file names any of the documents"):
        evaluate({}, [document], tmp_path)
