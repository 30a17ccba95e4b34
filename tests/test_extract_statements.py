"""kg/extract/statements.py with the real spaCy pipeline: who said which words."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.extract.statements import find_statements


def statements(text: str, registry) -> list[tuple[str | None, str]]:
    doc = language_for(registry)(text)
    found = find_statements(doc, find_mentions(doc, registry), registry)
    return [(s.speaker.key, text[s.words[0]:s.words[1]]) for s in found]


@pytest.mark.parametrize(("text", "expected"), [
    # the parser may join "X happened, Y said at a meeting" as two clauses: Y said X
    ("Moscow has increased the number of Russian border troops deployed to Armenia in "
     "accordance with its alliance obligations, Russian Ambassador to Yerevan Sergey Kopyrkin "
     "said at a meeting with Governor of Armenia's Sinyuk region Melikset Pogosyan.",
     [("sergey-kopyrkin", "Moscow has increased the number of Russian border troops deployed "
       "to Armenia in accordance with its alliance obligations")]),
    # a clause ending in a colon leads into the quotation on the next line
    ("The position of Yerevan was formulated by Nikol Pashinyan:\n“These are peacekeeping "
     "troops of the Russian Federation.”",
     [("nikol-pashinyan", "These are peacekeeping troops of the Russian Federation.")]),
    # a quotation after a full stop is not the words of the sentence before; a closing quote
    # glued to "says" still leaves the verb a word, and the appositive names the speaker
    ("Paris has already signaled its readiness to help Yerevan.\n“Russia accounts for only 10% "
     "of the weapons purchased by Armenia.”says the director of the Caucasus Institute "
     "Alexander Iskandaryan.",
     [("france", "signaled its readiness to help Yerevan."),
      ("alexander-iskandaryan", "Russia accounts for only 10% of the weapons purchased by "
       "Armenia.")]),
    # a paragraph that is only a quotation goes on from the person quoted just before; the
    # quotation on the line before a sentence is not that sentence's words
    ("“The CSTO is a bloc that is supposed to defend its members,” Ararat Mirzoyan told "
     "al-Jazeera.\n\n“The lack of response has caused the public to question its value.”\n\n"
     "Ani Badalyan announced that Yerevan would no longer fund the CSTO.",
     [("ararat-mirzoyan", "The CSTO is a bloc that is supposed to defend its members,"),
      ("ararat-mirzoyan", "The lack of response has caused the public to question its value."),
      ("ani-badalyan", "that Yerevan would no longer fund the CSTO")]),
    # the quoted paragraph goes on from its speaker though it reports what another said
    ("“We have kept our word,” Alexey Overchuk told reporters in Minsk.\n\n“Ararat Mirzoyan "
     "said the talks went well, so the ministers will meet again in June.”",
     [("alexey-overchuk", "We have kept our word,"),
      ("alexey-overchuk", "Ararat Mirzoyan said the talks went well, so the ministers will "
       "meet again in June."),
      ("ararat-mirzoyan", "the talks went well")]),
])
def test_statements_speaker_and_words(text, expected, registry):
    assert statements(text, registry) == expected
