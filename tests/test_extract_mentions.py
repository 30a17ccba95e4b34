"""kg/extract/mentions.py with the real spaCy pipeline: names within names."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_mentions, nested_mentions
from kg.extract.nlp import language_for


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
