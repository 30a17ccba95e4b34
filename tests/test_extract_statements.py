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
    # a relative pronoun speaks for the noun its clause qualifies
    ("The deal was welcomed by Ararat Mirzoyan, who said that the border would stay open.",
     [("ararat-mirzoyan", "that the border would stay open")]),
    # "he" is the last speaker, whichever speech verb he uses
    ("Dmitry Peskov said the talks were useful. He clarified that no date had been set for "
     "the next visit.",
     [("dmitry-peskov", "the talks were useful"),
      ("dmitry-peskov", "that no date had been set for the next visit")]),
    # a heading the parser runs into the sentence under it is not part of its subject
    ("Departure of the Russian Troops\nGovernor Ghukasyan told journalists that the soldiers "
     "had left.", [("robert-ghukasyan", "that the soldiers had left")]),
    # the parser reads "Name, title, announced on ..." as a noun phrase: the name still speaks
    ("Hayk Baghdasaryan, the parliamentary leader of Armenia's opposition party, announced on "
     "June 2 that a deal had been reached to reopen the border crossings of Syunik and Tavush.",
     [("hayk-baghdasaryan", "that a deal had been reached to reopen the border crossings of "
       "Syunik and Tavush")]),
    # the `by` agent or possessor of a speech noun said its that-clause
    ("The talks followed accusations by Russia that Armenia had sabotaged the agreement.",
     [("russia", "that Armenia had sabotaged the agreement")]),
    ("Baku rejected Yerevan's claim that Azerbaijani troops had crossed the border.",
     [("azerbaijan", "rejected Yerevan's claim that Azerbaijani troops had crossed the border"),
      ("armenia", "that Azerbaijani troops had crossed the border")]),
    # the possessor of a view said what the view is
    ("Azerbaijan's official view is that the corridor must stay open.",
     [("azerbaijan", "that the corridor must stay open")]),
    # commenting on something says nothing of it; denying it does
    ("The Kremlin commented briefly on the reports of the withdrawal.", []),
    ("The Kremlin denied the reports of the withdrawal.",
     [("kremlin", "denied the reports of the withdrawal")]),
    # "the statement reads" gives the words of whoever the text said spoke in a statement
    ("The Kremlin said in a statement on Monday that talks would continue.\n\n\"The sides "
     "agreed to meet again in June,\" the statement reads.",
     [("kremlin", "that talks would continue"),
      ("kremlin", "The sides agreed to meet again in June,")]),
    ("\"The sides agreed to meet again in June,\" the statement reads.", []),
    # nobody's claim is nobody's statement
    ("The claim that the border was closed was false.", []),
])
def test_statements_speaker_and_words(text, expected, registry):
    assert statements(text, registry) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # "the ministry" and "it" stand for the institution named or speaking before
    ("The Armenian Defence Ministry confirmed the attack. The ministry said the last convoy "
     "had left.", [("ministry-of-defence-of-armenia", "confirmed the attack"),
                   ("ministry-of-defence-of-armenia", "the last convoy had left")]),
    ("The Kremlin denied the report. It said the talks would go on.",
     [("kremlin", "denied the report"), ("kremlin", "the talks would go on")]),
    # a state's people speaking together are the state
    ("Azerbaijani diplomats said the road stays open.", [("azerbaijan", "the road stays open")]),
    ("According to the Russian side, the posts were handed back.",
     [("russia", "the posts were handed back")]),
    # a participle without a subject speaks for its main verb's; "propose" reports too
    ("Pashinyan backed the plan, telling reporters that the bloc had failed.",
     [("nikol-pashinyan", "that the bloc had failed")]),
    ("Pashinyan has proposed that both armies pull back.",
     [("nikol-pashinyan", "that both armies pull back")]),
    ("Pashinyan has proposed to help with the talks.", []),
    # nothing said, and a headline's words told again below, are no statements
    ("Peskov did not say whether Russia would respond.", []),
    ("Pashinyan says Armenia will quit the bloc\nPashinyan said on Monday that Armenia would "
     "quit the bloc.", [("nikol-pashinyan", "that Armenia would quit the bloc")]),
])
def test_statements_institutions_collectives_participles_and_no_statements(text, expected,
                                                                            registry):
    assert statements(text, registry) == expected
