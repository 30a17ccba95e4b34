"""Definite descriptions resolved to the entity the document named before them.

"The peacekeepers left the region" names no entity, yet a reader knows which ones: those named
a sentence or two before. A noun phrase headed by a noun of lexicons/references.yaml, made
definite by one of its determiners and naming no entity itself, refers to the latest earlier
mention within the lexicon's window of sentences that the noun fits: one of the classes the
lexicon gives it, or one of its titled classes with the noun in the mention's own name ("the
ministry" → "the Ministry of Defence") or in the title the name stands in ("the governor" →
"Governor of Armenia's Syunik region Melikset Pogosyan"). Runs in the `entities` stage; the
mentions it makes are marked `reference`, so the facts built on them count as inferred.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention

PLURAL_TAGS = {"NNS", "NNPS"}
# How a name hangs from the title it stands in ("Governor of ... Melikset Pogosyan",
# "Press Secretary Dmitry Peskov"), and how many such links a title may be away.
TITLE_LINKS = {"compound", "appos", "pobj", "prep", "poss"}
TITLE_HOPS = 4
MODIFIERS = {"compound", "amod"}


def find_references(doc: Doc, mentions: Sequence[Mention]) -> list[Mention]:
    """A mention for each definite description that refers back to a named entity, at the
    description's characters (determiner to head noun), in text order."""
    lexicon = read_lexicon("references", required=("determiners", "nouns", "window"))
    sentence_starts = [sentence.start_char for sentence in doc.sents]
    found = []
    for noun in doc:
        entry = _entry(noun, lexicon)
        if entry is None:
            continue
        determiner = min(child.i for child in noun.children if child.dep_ == "det")
        phrase = doc[determiner:noun.i + 1]
        whole = doc[noun.left_edge.i:noun.right_edge.i + 1]
        if any(m.start < whole.end_char and whole.start_char < m.end for m in mentions):
            continue  # "the region of Nagorno-Karabakh" names its entity itself
        here = bisect_right(sentence_starts, phrase.start_char)
        for mention in reversed(mentions):
            if mention.end > phrase.start_char:
                continue
            if here - bisect_right(sentence_starts, mention.start) > lexicon["window"]:
                break
            if _fits(noun.lemma_.lower(), entry, mention, doc):
                found.append(replace(mention, start=phrase.start_char, end=phrase.end_char,
                                     name=phrase.text, reference=True))
                break
    return found


def _entry(noun: Token, lexicon: dict[str, Any]) -> dict[str, Any] | None:
    """The lexicon's entry for a definite description's head noun, or None for any other
    word (a noun not in the lexicon, a plural one that must be singular, "the two countries")."""
    entry = lexicon["nouns"].get(noun.lemma_.lower())
    if entry is None or noun.pos_ != "NOUN" or noun.dep_ == "compound":
        return None
    if noun.tag_ in PLURAL_TAGS and not entry.get("plural"):
        return None
    children = {child.dep_: child for child in noun.children}
    if "nummod" in children or children.get("det") is None:
        return None
    return entry if children["det"].lower_ in lexicon["determiners"] else None


def _fits(lemma: str, entry: dict[str, Any], mention: Mention, doc: Doc) -> bool:
    if mention.type in entry.get("classes", ()):
        return True
    if mention.type not in entry.get("titled", ()):
        return False
    named = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return named is not None and lemma in {t.lemma_.lower() for t in (*named, *_title(named))}


def _title(named: Span) -> list[Token]:
    """The words of the title a name stands in: its modifiers ("Kremlin spokesman Dmitry
    Peskov"), and the heads above it in its phrase with theirs ("Governor" in "Governor of
    Armenia's Syunik region Melikset Pogosyan", "deputy chairman" in "the first deputy chairman
    of the Committee ... Konstantin Zatulin")."""
    token = named.root
    words = [child for child in token.children if child.dep_ in MODIFIERS]
    for _ in range(TITLE_HOPS):
        if token.dep_ not in TITLE_LINKS or token.head is token:
            break
        token = token.head
        words += [token, *(child for child in token.children if child.dep_ in MODIFIERS)]
    return words
