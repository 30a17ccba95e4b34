"""kg/extract/references.py: definite descriptions resolved to the entity named before them,
read with the real spaCy pipeline; and what the events and statements stages make of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rdflib import RDF, Graph

from kg import iris, paths
from kg.corpus import Document
from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.extract.references import find_own_forces, find_references
from kg.extract.statements import find_statements
from kg.pipeline import plan, run_document
from kg.registry import Registry
from kg.vocab import CKG


def references(text: str, registry: Registry) -> list[tuple[str, str | None]]:
    """(description, registry key it stands for) for each description resolved in `text`."""
    doc = language_for(registry)(text)
    return [(m.name, m.key) for m in find_references(doc, find_mentions(doc, registry))]


# From the corpus: a place, a force, people by the title they were introduced with, and a
# ministry by its own name. The corpus writes the curly apostrophe, spelled \u2019 here.
RESOLVED = [
    ("Governor Ghukasyan said that Russian border guards, who had been stationed in Nerkin Hand "
     "after the 44-day war in 2020, have now vacated the village.", [("the village",
                                                                        "nerkin-hand")]),
    ("Russian Ambassador to Yerevan Sergey Kopyrkin said at a meeting with Governor of "
     "Armenia\u2019s Sinyuk region Melikset Pogosyan. The governor thanked Russia.",
     [("The governor", "melikset-poghosyan")]),
    ("Kremlin spokesman Dmitry Peskov spoke on Monday. \u201cWe agreed,\u201d the spokesman told "
     "Interfax.", [("the spokesman", "dmitry-peskov")]),
    ("The Russian peacekeeping contingent was in Nagorno-Karabakh. The peacekeepers left the "
     "region in trucks.", [("The peacekeepers", "russian-peacekeeping-contingent"),
                           ("the region", "nagorno-karabakh")]),
    ("The Ministry of Defence of Armenia reported shooting. The ministry added that the "
     "Azerbaijani troops halted.", [("The ministry", "ministry-of-defence-of-armenia")]),
    # a name in a modifier that the noun does not fit does not name the phrase's entity
    ("The CSTO did not respond. Armenia suspended relations with the Moscow-led alliance.",
     [("the Moscow-led alliance", "csto")]),
    # a bare plural of a force noun the lexicon lets refer back
    ("The Russian peacekeeping contingent arrived in 2020. Russia is withdrawing peacekeepers "
     "from Nagorno-Karabakh.", [("peacekeepers", "russian-peacekeeping-contingent")]),
]


@pytest.mark.parametrize(("text", "expected"), RESOLVED)
def test_references_resolve_to_the_entity_named_before(text, expected, registry):
    assert references(text, registry) == expected


# Descriptions that must stay unresolved: they name their entity themselves, are plural or
# counted where only one thing can be meant, come before any entity of their kind, head a
# noun the lexicon does not list, are indefinite, or stand too far from the last entity of
# their kind.
UNRESOLVED = [
    "Armenia spoke. Russian border guards will leave the regions of Tavush and Syunik.",
    "Armenia and Azerbaijan spoke. The talks between the two countries went on.",
    "Syunik Province was calm. Russian border guards will withdraw from the regions.",
    "The region was calm before Russian border guards arrived in Syunik Province.",
    "Russian border guards were withdrawn from Syunik Province. The withdrawal was agreed.",
    "The Russian peacekeeping contingent arrived. Some peacekeepers left. A region was calm.",
    "Russian border guards arrived in Syunik Province. " + "It rained. " * 8
    + "The region was calm.",
]


@pytest.mark.parametrize("text", UNRESOLVED)
def test_references_left_unresolved(text, registry):
    assert references(text, registry) == []


def test_event_role_from_a_description_counts_as_inferred(registry):
    body = ("The Russian peacekeeping contingent was stationed in Nagorno-Karabakh. "
            "Russian peacekeepers have now left the region.")
    document = Document("test-references", paths.CORPUS_DIR / "test-references.txt", "Test",
                        None, None, dt.date(2024, 4, 18), None, body, 1)
    graph = Graph()
    stages = plan([(name, {}) for name in ("document", "dates", "nlp", "entities", "events")])
    for triple in run_document(stages, document, registry):
        graph.add(triple)
    [withdrawal] = (event for event in graph.subjects(CKG.location, iris.entity("nagorno-karabakh"))
                    if (event, RDF.type, CKG.Withdrawal) in graph)
    evidence = {str(graph.value(e, CKG.quote)): graph.value(e, CKG.confidence).toPython()
                for e in graph.objects(withdrawal, CKG.evidence)}
    assert evidence == {"Russian peacekeepers have now left the region.": Decimal("0.75")}


@pytest.mark.parametrize(("text", "expected"), [
    # the Kremlin spokesman's "our military and border guards" are Russia's
    ('"President Putin agreed to withdraw our military and border guards," Dmitry Peskov said.',
     [("our military", "russian-armed-forces"),
      ("border guards", "russian-border-guards-in-armenia")]),
    # outside anyone's words, "our troops" is nobody's in particular
    ("Our troops were deployed to a number of regions.", []),
])
def test_find_own_forces_are_the_speakers_states(text: str, expected, registry: Registry):
    doc = language_for(registry)(text)
    named = find_mentions(doc, registry)
    spoken = [(s.speaker, s.words) for s in find_statements(doc, named, registry)]
    found = find_own_forces(doc, spoken, registry)
    assert [(m.name, m.key) for m in found] == expected
    assert all(m.reference for m in found)
