"""The `statements` stage: who said what, with the exact words (kg/extract/statements.py).

Each statement is its own node per document (two sources quoting the same words are two
reports); it is about the entities named and the events stated within its words. Evidence
confidence: 0.9 for a quotation beside its speech verb, 0.8 for reported speech (the clause
the verb governs), 0.7 for "according to X", whose scope is the rest of the sentence, and for a
quoted paragraph taken as going on from the speaker's statement before it; times 0.9
when the speaker is a description ("the governor said") resolved to a person named before.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal

from kg import iris
from kg.extract.events import date_in_clause
from kg.extract.statements import StatementMention, find_statements
from kg.literals import date_triples
from kg.provenance import Triple, evidence_triples
from kg.stages import Additions, DocumentState, stage
from kg.stages.events import event_node, name
from kg.vocab import CKG

LABEL_WORDS = 12  # words of the quote shown in a statement's label


@stage("statements", requires={"parse", "entities", "events", "dates"}, provides={"statements"})
def extract_statements(state: DocumentState) -> Additions:
    """Find statements with their speaker, words, and what they are about."""
    statements = find_statements(state.provided["parse"], state.provided["entities"],
                                 state.registry)
    triples: list[Triple] = []
    for statement in statements:
        triples += statement_triples(statement, state)
    return Additions(triples, {"statements": statements})


def statement_triples(statement: StatementMention, state: DocumentState) -> list[Triple]:
    body = state.document.body
    start, end = statement.words
    words = body[start:end]
    node = iris.statement(state.document.key, start, end)
    speaker = statement.speaker
    shown = " ".join(words.split()[:LABEL_WORDS])
    triples: list[Triple] = [
        (node, RDF.type, CKG.Statement),
        (node, RDFS.label, Literal(f"{name(speaker, state.registry)}: “{shown}…”", lang="en")),
        (node, CKG.speaker, speaker.node),
        (node, CKG.quote, Literal(words)),
    ]
    about = {m.node for m in state.provided["entities"] if start <= m.start and m.end <= end}
    about |= {event_node(e) for e in state.provided["events"] if start <= e.trigger.idx < end}
    triples += [(node, CKG.about, target) for target in sorted(about - {speaker.node})]
    # When it was said: a date in the speech verb's own clause, not one inside the words.
    said = [d for d in state.provided["dates"] if d.end <= start or d.start >= end]
    date = date_in_clause(statement.verb, said)
    if date is not None:
        triples += date_triples(node, date)
    triples += evidence_triples(state.document, *statement.span, node, state.activity,
                                _confidence(statement, body), attributed_to=speaker.node)
    return triples


def _confidence(statement: StatementMention, body: str) -> float:
    start, end = statement.words
    quoted = body[start - 1:start] in {'"', "“"} and body[end:end + 1] in {'"', "”"}
    score = 0.7 if statement.verb.lower_ == "according" or statement.continued else (
        0.9 if quoted else 0.8)
    return round(score * 0.9, 2) if statement.speaker.reference else score
