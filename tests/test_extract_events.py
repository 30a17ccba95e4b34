"""kg/extract/events.py, read with the real spaCy pipeline: events a text describes without
naming them are recognised as the registry event they are, when exactly one fits."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import Anchor, find_dates
from kg.extract.events import EventMention, find_events
from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.extract.references import find_references
from kg.registry import Registry

PUBLISHED = dt.date(2024, 5, 9)


def events(text: str, registry: Registry) -> list[EventMention]:
    doc = language_for(registry)(text)
    named = find_mentions(doc, registry)
    mentions = sorted(named + find_references(doc, named), key=lambda m: m.start)
    return find_events(doc, mentions, find_dates(text, Anchor.on(PUBLISHED)), registry)


@pytest.mark.parametrize(("text", "known"), [
    # class, agent, place and month fit the registry's 2023 offensive and nothing else
    ("In September 2023, Azerbaijan launched an offensive into Nagorno-Karabakh.",
     "azerbaijani-offensive-in-nagorno-karabakh-2023"),
    # a city acting is its state: Baku's offensive is Azerbaijan's
    ("Armenia accused Russia of failing to stop a lightning offensive launched by Baku in "
     "September 2023.", "azerbaijani-offensive-in-nagorno-karabakh-2023"),
    ("Vladimir Putin and Nikol Pashinyan met in Moscow on May 8.",
     "putin-pashinyan-meeting-moscow-2024"),
    # two Azerbaijani offensives are known and nothing says which: neither is chosen
    ("Pashinyan blamed Russia for failing to avert Azerbaijan's offensive.", None),
    # the right class and roles, but a year the registry's event is not in
    ("In 2020, Azerbaijan launched an offensive into Nagorno-Karabakh.", None),
    # a place the registry's event is not in
    ("In September 2023, Azerbaijan launched an offensive into Syunik Province.", None),
])
def test_events_described_are_recognised_as_the_one_registry_event_that_fits(
        text, known, registry):
    found = [event for event in events(text, registry)
             if event.type in {"MilitaryOperation", "Meeting"}]
    assert [event.known for event in found] == [known]
