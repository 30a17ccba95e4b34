"""kg/extract/mentions.py with the real spaCy pipeline: names within names, states meant
without their names, and what the stages mention for the facts they read."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph

from kg import iris, paths
from kg.corpus import Document
from kg.extract.mentions import find_mentions, meant_states, nested_mentions, shared_names
from kg.extract.nlp import language_for
from kg.pipeline import read_plan, run_document
from kg.vocab import CKG, CKR


@pytest.mark.parametrize(("text", "expected"), [
    ("Konstantin Zatulin heads the State Duma Committee on CIS Affairs.", ["state-duma", "cis"]),
    ("Peskov spoke of the annexation of Crimea.", ["crimea"]),
    # a place in a person's or a newspaper's name, a city in an organization's name: no mention
    ("Ararat Mirzoyan spoke to France 24.", []),
    ("The OSCE Minsk Group met.", ["osce"]),
])
def test_nested_mentions_are_names_within_names_that_speak_of_them(text, expected, registry):
    doc = language_for(registry)(text)
    nested = nested_mentions(doc, find_mentions(doc, registry), registry)
    assert [m.key for m in nested] == expected
    assert all(doc.text[m.start:m.end] == m.name for m in nested)


@pytest.mark.parametrize(("text", "expected"), [
    # a border's name names the states it separates
    ("Guards patrol the Armenian-Iranian border.", ["armenia", "iran"]),
    # a city acting for its state, alone or coordinated, as subject or `by` agent
    ("Paris and Washington have signaled their support.", ["france", "united-states"]),
    ("The plan was rejected by Baku.", ["azerbaijan"]),
    # a city where something happens is only the city
    ("Leaders met in Paris.", []),
])
def test_meant_states_are_states_spoken_of_without_their_names(text, expected, registry):
    doc = language_for(registry)(text)
    meant = meant_states(doc, find_mentions(doc, registry), registry)
    assert sorted(m.key for m in meant) == expected
    assert all(m.type == "State" for m in meant)


@pytest.mark.parametrize("text", ["Kazakh President Kassym-Jomart Tokayev spoke in Astana.",
                                  "The Prime Minister spoke in Astana."])
def test_find_mentions_an_office_title_is_no_new_entity(text, registry):
    doc = language_for(registry)(text)
    names = [m.name for m in find_mentions(doc, registry) if not m.linked]
    assert not [name for name in names if "President" in name or "Minister" in name]


def test_document_mentions_what_its_facts_name_without_a_name(registry):
    """The stages mention the registry entities their facts name only by other words: a
    border read from "borders with Turkey" (events), the state of a demonym before an office
    (positions), the registry agreement an agreement is told as (agreements)."""
    body = ("Kazakh President Kassym-Jomart Tokayev met reporters. Russian border guards will "
            "remain deployed along Armenia's borders with Turkey. The withdrawal of Russian "
            "border guards from Syunik Province was agreed on May 9 by Armenian Prime Minister "
            "Nikol Pashinyan and Russian President Vladimir Putin.")
    document = Document("test-mentions", paths.CORPUS_DIR / "test-mentions.txt", "Test", None,
                        None, dt.date(2024, 5, 10), None, body, 1)
    graph = Graph()
    for triple in run_document(read_plan(paths.PIPELINE_FILE), document, registry):
        graph.add(triple)
    mentioned = {str(node).removeprefix(str(CKR))
                 for node in graph.objects(iris.document(document.key), CKG.mentions)}
    assert {"kazakhstan", "armenia-turkey-border", "border-guard-withdrawal-agreement-2024"
            } <= mentioned
    assert "kazakh-president" not in mentioned


@pytest.mark.parametrize(("text", "expected"), [
    # a plural name the NER cut before its owners: each owner's registry organization, by
    # "<name> of <state>" in either spelling (Ministry of Defence of Azerbaijan) or
    # "<demonym> <name>" (Russian Ministry of Defense)
    ("The Ministries of Defense of Azerbaijan and Russia are taking appropriate measures to "
     "implement the decision.",
     ["ministry-of-defence-of-azerbaijan", "ministry-of-defence-of-russia"]),
    # an owner whose organization the registry lacks: nothing is shared out
    ("The Ministries of Defense of Kazakhstan and Russia are taking appropriate measures to "
     "implement the decision.", []),
])
def test_shared_names_are_a_plural_name_shared_out_among_its_owners(text, expected, registry):
    doc = language_for(registry)(text)
    shared = shared_names(doc, find_mentions(doc, registry), registry)
    assert sorted(m.key for m in shared) == expected


def test_find_mentions_no_new_names_on_a_headline_line(registry):
    """The parser runs the headline into the caption under it; its capitalised words are
    still no names."""
    text = ("Russia to Withdraw Peacekeepers From Armenia Amid Steadily Fraying Ties\n"
            "Armenian soldiers patrol near a demarcation line outside Askeran on Nov. 21, 2020, "
            "as Armenia and Azerbaijan agreed to a Russian-brokered cease-fire on Nov. 9.")
    doc = language_for(registry)(text)
    headline = text.index("\n")
    assert not [m.name for m in find_mentions(doc, registry)
                if not m.linked and m.start < headline]


@pytest.mark.parametrize(("text", "expected"), [
    # another word order, the other spelling and the other apostrophe of a registry name
    ("A statement came from the Russian Defense Ministry.", ["ministry-of-defence-of-russia"]),
    ("Russia's defence ministry denied it.", ["ministry-of-defence-of-russia"]),
    # a state's only force after its demonym; an acronym of an international body
    ("Azerbaijani units shelled the hills.", ["armed-forces-of-azerbaijan"]),
    ("The EU sent observers.", ["european-union"]),
    # a demonym alone is no new entity
    ("Azerbaijani officials disagreed.", []),
])
def test_find_mentions_names_written_otherwise_than_the_registry(text, expected, registry):
    doc = language_for(registry)(text)
    assert [m.key for m in find_mentions(doc, registry)] == expected


def test_find_mentions_names_among_titles_are_no_headline_and_a_surname_is_its_person(registry):
    """A sentence of titles and names capitalises most words without being a headline, and a
    surname alone later is the person named in full before it."""
    text = ("In Sochi President of Russia Vladimir Putin welcomed President of Uzbekistan "
            "Shavkat Mirziyoyev. Mirziyoyev said relations were strong.")
    doc = language_for(registry)(text)
    people = [m for m in find_mentions(doc, registry) if m.type == "Person" and not m.linked]
    assert [(text[m.start:m.end], m.name) for m in people] == [
        ("Shavkat Mirziyoyev", "Shavkat Mirziyoyev"), ("Mirziyoyev", "Shavkat Mirziyoyev")]
    assert len({m.node for m in people}) == 1


@pytest.mark.parametrize("text", [
    "Frozen talks are not dead talks, he said.",  # a capitalised adjective opening a sentence
    "The line was set out by the Prime Minister of the Republic Nikol Pashinyan.",
])
def test_find_mentions_common_words_are_no_new_entity(text, registry):
    doc = language_for(registry)(text)
    assert [m.name for m in find_mentions(doc, registry) if not m.linked] == []


@pytest.mark.parametrize(("text", "expected"), [
    # a proper noun the NER left off the front of a name; a place noun's names are places
    ("Guards left the village of Nor Kharberd and the town of Gavar Kandi.",
     [("Nor Kharberd", "Place"), ("Gavar Kandi", "Place")]),
    # a name cut before the state it is "of"
    ("The Security Council of Armenia met on Monday.",
     [("Security Council of Armenia", "Organization")]),
])
def test_find_mentions_new_names_cut_short_are_made_whole(text, expected, registry):
    doc = language_for(registry)(text)
    assert [(m.name, m.type) for m in find_mentions(doc, registry)] == expected
