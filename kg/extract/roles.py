"""Arguments of a trigger word from the dependency parse, and the entities they name.

An argument is a token in a grammatical relation to the trigger: its subject, object, `by`
agent, possessor, or the object of a preposition (`from`, `in`, `between` ...). Coordinated
arguments ("Tavush, Syunik and Ararat") are each an argument of their own. The entity an
argument names is the mention covering its head, else one inside its own phrase.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention
from kg.extract.nlp import sentence_span

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
OBJECTS = {"dobj", "attr", "oprd"}
# Phrase parts that belong to another argument, not to this one.
NOT_OWN = {"conj", "cc", "punct", "relcl", "acl", "appos"}
# Links along which a verb shares its subject and auxiliaries ("will end ... and withdraw",
# "would remain deployed").
SHARING = {"conj", "xcomp", "acomp"}
# Prepositions after which a noun is an occasion its verb's subject attends ("spoke at the summit").
GATHERING = {"at", "during"}
# Nouns for the edge of an occasion, where its attendees meet aside ("on the sidelines of the
# summit, X and Y agreed"): the occasion's attendees are the verb's subject all the same.
SIDELINES = {"sideline", "sidelines", "margin", "margins"}


@dataclass(frozen=True)
class Argument:
    """A token in a relation to the trigger: 'subject', 'object', 'by', 'of', a preposition ..."""

    token: Token
    relation: str
    inherited: bool = False  # found on a governing or coordinated verb, not on the trigger


def arguments(trigger: Token) -> list[Argument]:
    """The trigger's arguments, with subjects inherited along conj/xcomp where it has none.

    A participle or relative clause modifying a noun ("the peacekeepers deployed in ...",
    "guards, who had been stationed in ...") has that noun as its argument, 'head'; a noun
    trigger has the `by` agent of a participle modifying it ("an offensive launched by ..."),
    and after "at" or "during" the subject of the verb it hangs from, as 'attendee'.
    """
    found = list(_direct(trigger))
    if trigger.dep_ in {"acl", "relcl"} and trigger.head is not trigger:
        found.append(Argument(trigger.head, "head"))
    if trigger.pos_ == "NOUN":  # "an offensive launched by Baku": the participle's agent
        found += [Argument(a.token, "by", True) for clause in trigger.children
                  if clause.dep_ == "acl" for a in _direct(clause) if a.relation == "by"]
    occasion = _occasion(trigger) if trigger.pos_ == "NOUN" else None
    if occasion is not None:
        # "Pashinyan and Putin shake hands at a summit": who acts at it attends it; what is
        # acted on ("the issue was not raised at the summit") does not
        verb = occasion.head
        found += [Argument(a.token, "attendee", True) for a in _direct(verb)
                  if a.relation == "subject" and a.token.dep_ != "nsubjpass"]
    if not any(a.relation == "subject" for a in found):
        head = trigger
        while (head.dep_ in SHARING or participial(head)) and head.head is not head:
            head = head.head
            inherited = [Argument(a.token, a.relation, True) for a in _direct(head)
                         if a.relation in {"subject", "by"}]
            if inherited:
                found += inherited
                break
    # a headline the parser ran into the sentence under it gives it no arguments: a sentence
    # of running text never crosses a line break (nlp.sentence_span)
    start, end = sentence_span(trigger)
    return [expanded for argument in found for expanded in _conjuncts(argument)
            if start <= expanded.token.idx < end]


def _occasion(noun: Token) -> Token | None:
    """The preposition that makes a noun an occasion its clause's verb happens at: "at" or
    "during" it, or "on the sidelines of" it; None otherwise."""
    preposition = noun.head if noun.dep_ == "pobj" else None
    if preposition is not None and preposition.lower_ == "of" \
            and preposition.head.lower_ in SIDELINES and preposition.head.dep_ == "pobj":
        return preposition.head.head
    return preposition if preposition is not None and preposition.lower_ in GATHERING else None


def participial(verb: Token) -> bool:
    """Whether a verb heads a participial adverbial clause, whose subject is its main clause's
    ("the country will no longer pay, effectively freezing its membership")."""
    return verb.dep_ == "advcl" and verb.tag_ == "VBG" and not any(
        child.dep_ in {"nsubj", "mark"} for child in verb.children)


def _direct(trigger: Token) -> Iterator[Argument]:
    for child in trigger.children:
        if child.dep_ in SUBJECTS:
            yield Argument(child, "subject")
        elif child.dep_ in OBJECTS:
            yield Argument(child, "object")
        elif child.dep_ == "agent":
            yield from (Argument(t, "by") for t in child.children if t.dep_ == "pobj")
        elif child.dep_ == "poss":
            yield Argument(child, "possessor")
        elif child.dep_ == "compound":
            yield Argument(child, "compound")
        elif child.dep_ == "amod" and trigger.pos_ == "NOUN":  # "an Azerbaijani offensive"
            yield Argument(child, "adjective")
        elif child.dep_ == "prep":
            yield from _prepositional(child, child.lower_)


def _prepositional(preposition: Token, name: str) -> Iterator[Argument]:
    for child in preposition.children:
        if child.dep_ == "pobj":
            yield Argument(child, name)
        elif child.dep_ == "prep":  # "out of", "away from"
            yield from _prepositional(child, f"{name} {child.lower_}")
        elif child.dep_ == "pcomp":
            yield from (Argument(t, name) for t in child.children if t.dep_ == "pobj")
        elif child.dep_ == "conj" and child.pos_ == "ADP":  # "in and around the region"
            yield from _prepositional(child, child.lower_)


def _conjuncts(argument: Argument) -> Iterator[Argument]:
    yield argument
    for token in argument.token.conjuncts:
        if token.i > argument.token.i:
            yield Argument(token, argument.relation, argument.inherited)


def named_entity(token: Token, mentions: Sequence[Mention]) -> Mention | None:
    """The mention covering the token, else the first one in the token's own phrase; for a
    title, the person who holds it ("Governor of Armenia's Sinyuk region Melikset Pogosyan")."""
    for mention in mentions:
        if mention.start <= token.idx < mention.end:
            return mention
    own = own_phrase(token)
    if token.lemma_.lower() in _title_words():
        people = people_in(own, mentions)
        if people:
            return people[-1]
    starts = token_starts(own)
    return next((m for m in mentions if covers(m.start, m.end, starts)), None)


def people_in(tokens: Sequence[Token], mentions: Sequence[Mention]) -> list[Mention]:
    """The persons named among the tokens, in text order."""
    starts = token_starts(tokens)
    return [m for m in mentions if m.type == "Person" and covers(m.start, m.end, starts)]


def named_entities(token: Token, mentions: Sequence[Mention]) -> list[Mention]:
    """Every mention in the token's phrase, its coordinated parts included, relative and
    participial clauses left out ("the regions of Tavush, Syunik and Ararat")."""
    starts = token_starts(_phrase_with_conjuncts(token))
    return [m for m in mentions if covers(m.start, m.end, starts)]


def token_starts(tokens: Sequence[Token]) -> list[int]:
    """The tokens' character offsets, sorted (for `covers`)."""
    return sorted(t.idx for t in tokens)


def covers(start: int, end: int, starts: list[int]) -> bool:
    """Whether the characters start:end hold one of the sorted token offsets `starts`:
    whether the first at or after `start` is before `end` (a bisection per mention, where a
    scan of the tokens per mention took a tenth of the entities stage)."""
    first = bisect_left(starts, start)
    return first < len(starts) and starts[first] < end


def _phrase_with_conjuncts(token: Token) -> list[Token]:
    tokens = [token]
    for child in token.children:
        if child.dep_ not in {"relcl", "acl", "appos", "punct"}:
            tokens += _phrase_with_conjuncts(child)
    return tokens


def own_phrase(token: Token) -> list[Token]:
    """The token and its modifiers, leaving out coordinated, appositive and clausal parts."""
    tokens = [token]
    for child in token.children:
        if child.dep_ not in NOT_OWN:
            tokens += own_phrase(child)
    return tokens


@cache
def _title_words() -> frozenset[str]:
    """The last words of the office titles of lexicons/positions.yaml ("governor", "minister")."""
    titles = read_lexicon("positions")["titles"]
    return frozenset(spelling.split()[-1] for spellings in titles.values()
                     for spelling in spellings)
