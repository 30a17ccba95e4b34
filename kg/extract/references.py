"""Definite descriptions resolved to the entity the document named before them.

"The peacekeepers left the region" names no entity, yet a reader knows which ones: those named
a sentence or two before. A noun phrase headed by a noun of lexicons/references.yaml, made
definite by one of its determiners and naming no entity itself, refers to the latest earlier
mention within the lexicon's window of sentences that the noun fits: one of the classes the
lexicon gives it, or one of its titled classes with the noun in the mention's own name ("the
ministry" → "the Ministry of Defence") or in the title the name stands in ("the governor" →
"Governor of Armenia's Syunik region Melikset Pogosyan"). Runs in the `entities` stage; the
mentions it makes are marked `reference`, so the facts built on them count as inferred.
"Our troops" in someone's words are likewise the force of the speaker's state.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg import iris
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention
from kg.extract.nlp import doc_text
from kg.registry import Registry

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
        first = min((child.i for child in noun.children
                     if child.dep_ in {"det", "compound", "amod"} and child.i < noun.i),
                    default=noun.i)
        phrase = doc[first:noun.i + 1]
        if _names_itself(noun, entry, mentions):
            continue
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
    """The lexicon's entry for a definite description's head noun (or a bare plural the
    lexicon lets refer back), or None for any other word (a noun not in the lexicon, a plural
    one that must be singular, "the two countries", "some peacekeepers")."""
    entry = lexicon["nouns"].get(noun.lemma_.lower())
    if entry is None or noun.pos_ != "NOUN" or noun.dep_ == "compound":
        return None
    if noun.tag_ in PLURAL_TAGS and not entry.get("plural"):
        return None
    children = {child.dep_: child for child in noun.children}
    if "nummod" in children:
        return None
    if children.get("det") is None:  # "Russia is withdrawing peacekeepers"
        return entry if entry.get("bare") and noun.tag_ in PLURAL_TAGS else None
    return entry if children["det"].lower_ in lexicon["determiners"] else None


def _names_itself(noun: Token, entry: dict[str, Any], mentions: Sequence[Mention]) -> bool:
    """Whether the phrase names its entity: a name from the head noun on ("the region of
    Nagorno-Karabakh") or a modifier that the noun fits ("the Syunik region"), but not a
    modifier naming something else ("the Moscow-led alliance")."""
    doc = noun.doc
    head = doc[noun.i:noun.right_edge.i + 1]
    modifiers = doc[noun.left_edge.i:noun.i]
    lemma = noun.lemma_.lower()
    return any(m.start < head.end_char and head.start_char < m.end for m in mentions) or any(
        m.start < modifiers.end_char and modifiers.start_char < m.end
        and _fits(lemma, entry, m, doc) for m in mentions)


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


def find_own_forces(doc: Doc, spoken: Sequence[tuple[Mention, tuple[int, int]]],
                    registry: Registry) -> list[Mention]:
    """A mention for each "our troops" (lexicons/references.yaml's first_person) within a
    speaker's words: the force of its class that the registry has for the speaker's state
    (Peskov's "our military and border guards" are Russia's), when it has just one.

    `spoken` pairs each speaker with the character span of their words.
    """
    lexicon = read_lexicon("references")
    possessives = lexicon["first_person"]["possessives"]
    # each noun's first "our" among its children, found from the possessives' side: reading
    # every word's children cost more than the rest of the function
    possessed: dict[int, Token] = {}
    for word in doc:
        if word.dep_ == "poss" and word.lower_ in possessives and word.head.i != word.i:
            possessed.setdefault(word.head.i, word)
    found = []
    for index, possessive in sorted(possessed.items()):
        noun = doc[index]
        speaker = next((who for who, (start, end) in spoken if start <= noun.idx < end), None)
        state = _state_of(speaker, registry) if speaker is not None else None
        if state is None:
            continue
        for word, first in _own_force_words(noun, possessive):
            cls = lexicon["force_nouns"].get(word.lemma_.lower())
            force = registry.only_force(state, cls) if cls is not None else None
            if force is not None:
                end = word.idx + len(word)
                found.append(Mention(iris.entity(force.key), force.type, first.idx, end,
                                     force.key, doc_text(doc)[first.idx:end], reference=True))
    return found


def _own_force_words(noun: Token, possessive: Token) -> list[tuple[Token, Token]]:
    """The words naming forces in a possessed phrase, each with the word its mention starts
    at: "our troops"; "our military and border guards", which the parser reads as "guards"
    qualified by "military and border"; "our troops and border guards", where the possessive
    goes for the nouns coordinated with its own that have no determiner of their own."""
    shared = [(conj, conj.left_edge) for conj in noun.conjuncts if conj.i > noun.i
              and not any(c.dep_ in {"poss", "det"} for c in conj.children)]
    coordinated = [c for c in noun.children if c.dep_ == "amod"
                   and any(g.dep_ == "conj" for g in c.children)]
    if not coordinated:
        return [(noun, possessive), *shared]
    modifier = coordinated[0]
    second = next(g for g in modifier.children if g.dep_ == "conj")
    return [(modifier, possessive), (noun, second), *shared]


def _state_of(speaker: Mention, registry: Registry) -> str | None:
    """The state a speaker speaks for: a person's country, else the state of the speaker."""
    entity = registry.entities.get(speaker.key or "")
    if entity is None:
        return None
    return entity.country or registry.state_of(entity.key)
