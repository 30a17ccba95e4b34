"""Quantities: the amounts a text states (lexicons/quantities.yaml), read from the parse.

Runs on the spaCy Doc, the entity mentions (kg/extract/mentions.py) and the events
(kg/extract/events.py); the `quantities` stage (kg/stages/quantities.py) turns what it finds
into ckg:Quantity nodes and ckg:personnel values. A quantity is a number and what it counts:

- the number: digits ("1,960", "7.3"), number words ("six", "twenty-five"), either with a
  multiplier ("7.3 billion", "two hundred"); an order of magnitude ("hundreds", "tens of
  thousands": 100, 10000, approximate); a share of a whole ("a third", in percent); or "a"
  before a unit of time after an approximator ("more than a year", "within a week": 1);
- the unit: a percent sign or word after the number, a currency sign before it, else the noun
  the number modifies (spaCy's nummod, "six-nation" included), or the noun of the "of" phrase
  the number heads ("hundreds of Russian soldiers"), normalised through the lexicon; a plural
  name of a people ("ethnic Armenians") counts people; another common noun counts itself;
- approximate: after an approximator ("some", "about", "more than"), for a magnitude, and for a
  share the percentage only rounds.

A duration is an amount of time ("for three decades", "at least five years"), even inside an
event's name ("the 44-day war"), and is of what lasted: the noun a hyphenated duration modifies
("a four-year deployment"). Not quantities: dates ("May 9", "in 2020"; a bare year is never an
amount; "two years ago", "three days later" say when, not how long), ordinals, numbers inside
any other name ("France 24"), and numbers in a definite phrase, which refers back to things
already named ("the two leaders") rather than stating an amount, unless the determiner belongs
to a whole the number is part of ("71 of the 107 seats") or a word like "past" makes the phrase
a span of time ("the past two weeks").

What a quantity is of (ckg:quantityOf), the first reading that applies:

1. the events the events stage found at the word that governs the counted phrase ("Some 2,000
   Russian peacekeepers have already withdrawn");
2. for military personnel and materiel that are the subject or object of an event trigger
   without an event of its own, the latest event of the same class with a force in the same
   or the previous three sentences: "In total, 1,960 military personnel, 90 armored personnel
   carriers ... arrived in Karabakh" counts the force whose deployment the paragraph tells
   ("The Russian military contingent ... was introduced into the region");
3. the entity the counted phrase names ("six Armenian troops": Armenia's armed forces);
4. the whole the counted things make up, when an apposition or a copula names it ("the EAEU is
   an economic union of five ... states", "Moscow's CSTO, a six-nation military alliance");
5. for a percentage or an amount of money, the subject of its clause or that subject's
   possessor ("Russia accounts for only 10%", "Armenia's trade turnover ... increased by 43%").

A count of personnel is the size of the force it names (`force_size`) only when no event word
governs it: "six Armenian troops had been captured" counts captured men, not the army.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from spacy.tokens import Doc, Token

from kg import paths
from kg.errors import ConfigError
from kg.extract.events import FORCES, EventMention
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention
from kg.extract.roles import named_entity
from kg.registry import EVENT_TYPES

V = TypeVar("V")
Phrases = dict[str, list[tuple[tuple[str, ...], V]]]  # lowercase phrases by a word, values
DIGITS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# Entity labels of spaCy's NER under which a number is a date or a time of day, not an amount.
DATE_LABELS = {"DATE", "TIME"}
SUBJECTS = {"nsubj", "nsubjpass"}
ARGUMENTS = SUBJECTS | {"dobj", "attr", "oprd"}
# How a count stands to an event word when it counts what the event moves: "1,960 personnel
# arrived", "sent 2,000 troops", "the departure of 2,000 troops" (not "from five regions").
THEMES = {"subject", "object", "of"}
# How far back a count of troops may look for the event whose force it counts (reading 2).
LOOKBACK_SENTENCES = 3
# A bare four-digit number in this range, counting nothing the lexicon knows, is a year.
YEARS = range(1000, 2101)


@dataclass(frozen=True)
class QuantityMention:
    """An amount stated at body[span[0]:span[1]]: its value, normalised unit and what it is of.

    `events` and `entity` are what it is of (see the module docstring; at most one of them is
    set). `inferred` is true when that was read beyond the phrase and its clause (an earlier
    sentence, an apposition, a copula). `personnel` and `materiel` say that the unit counts a
    force's troops or equipment; `force_size` that the count is the size of the force `entity`.
    `magnitude` marks an order of magnitude ("hundreds"), not a number the text gives;
    `known_unit` is false when the unit is the counted noun as written, not the lexicon's.
    """

    value: Decimal
    unit: str
    approximate: bool
    span: tuple[int, int]
    personnel: bool = False
    materiel: bool = False
    magnitude: bool = False
    known_unit: bool = True
    events: tuple[EventMention, ...] = ()
    entity: Mention | None = None
    inferred: bool = False
    force_size: bool = False


@dataclass(frozen=True)
class _Number:
    """The words of one number: doc[start:end], with its value."""

    start: int
    end: int
    value: Decimal
    magnitude: bool = False
    share: bool = False  # a fraction of a whole, in percent
    exact: bool = True
    in_event_name: bool = False  # "the 44-day war": it may only count the event's time
    article: bool = False  # "a" counting one unit of time: "more than a year"


@dataclass(frozen=True)
class _Unit:
    name: str
    personnel: bool
    known: bool
    materiel: bool = False
    time: bool = False  # a duration: days, years ...


@dataclass(frozen=True)
class _Lexicon:
    numbers: dict[str, Decimal]
    multipliers: dict[str, Decimal]
    # Phrases under their first word (their last for approximators), in the lexicon's order:
    # a number is looked for at every token, and most tokens start no phrase.
    magnitudes: Phrases[Decimal]
    fractions: Phrases[tuple[Decimal, bool]]
    approximators: Phrases[bool]
    definite: frozenset[str]
    spans: frozenset[str]  # "past" in "the past two weeks"
    ones: frozenset[str]  # "a", "an" in "more than a year"
    nouns: dict[tuple[str, ...], _Unit]  # lemmas of a unit noun -> its unit
    signs: dict[str, _Unit]
    people: _Unit
    percent: _Unit
    percent_signs: frozenset[str]
    percent_nouns: Phrases[bool]
    not_units: frozenset[str]
    date_offsets: frozenset[str]
    triggers: dict[str, str]  # event trigger lemma or "lemma particle" -> event class


def find_quantities(doc: Doc, mentions: Sequence[Mention],
                    events: Sequence[EventMention] = ()) -> list[QuantityMention]:
    """Every amount the parsed body states, in text order (see the module docstring).

    Raises ConfigError when the lexicon lacks a part it needs.
    """
    reader = _Reader(doc, mentions, events)
    found: list[QuantityMention] = []
    index = 0
    while index < len(doc):
        number = reader.number_at(index)
        if number is None:
            index += 1
            continue
        quantity = reader.quantity(number)
        if quantity is not None:
            found.append(quantity)
        index = number.end
    return found


class _Reader:
    """The readings of one document: its tokens, mentions, events and sentences."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention],
                 events: Sequence[EventMention]) -> None:
        self.doc = doc
        self.mentions = mentions
        self.events = events
        self.lexicon = _lexicon()
        self.covering: dict[int, Mention] = {}
        for mention in mentions:
            for token in doc.char_span(mention.start, mention.end, alignment_mode="expand") \
                    or ():
                self.covering.setdefault(token.i, mention)
        self.sentence: dict[int, int] = {}
        for number, sentence in enumerate(doc.sents):
            for token in sentence:
                self.sentence[token.i] = number

    # --- numbers --------------------------------------------------------------------------

    def number_at(self, index: int) -> _Number | None:
        """The number whose first word is doc[index], if one starts there."""
        lexicon = self.lexicon
        token = self.doc[index]
        lower = token.lower_
        if (lower not in lexicon.magnitudes and lower not in lexicon.fractions
                and lower not in lexicon.ones
                and not self._is_word(token) and not DIGITS.fullmatch(token.text)):
            return None  # most words: no number of any kind starts with them
        if token.ent_type_ == "ORDINAL" or not self._may_count(index, index + 1):
            return None
        length, value = _longest(self.doc, index, lexicon.magnitudes)
        if length:
            return _Number(index, index + length, value, magnitude=True, exact=False)
        length, share = _longest(self.doc, index, lexicon.fractions)
        # a share of a whole is "a third of ..."; "a third country" is an ordinal
        if length and index + length < len(self.doc) \
                and self.doc[index + length].lower_ == "of":
            percent, exact = share
            return _Number(index, index + length, percent, share=True, exact=exact)
        if lower in lexicon.ones:
            return _Number(index, index + 1, Decimal(1), article=True) \
                if self._one_unit_of_time(index) else None
        value = self._digits(token)
        if value is None and not self._is_word(token):
            return None
        end = index + 1
        if value is None:  # number words: add, and multiply by a multiplier
            end = index
            total, current = Decimal(0), Decimal(0)
            while end < len(self.doc):
                word = self.doc[end]
                if word.text == "-" and end + 1 < len(self.doc) and self._is_word(
                        self.doc[end + 1]) and not word.whitespace_:
                    end += 1
                    continue
                if word.lower_ in lexicon.numbers:
                    current += lexicon.numbers[word.lower_]
                elif word.lower_ in lexicon.multipliers:
                    multiplier = lexicon.multipliers[word.lower_]
                    current = max(current, Decimal(1)) * multiplier
                    if multiplier >= 1000:
                        total, current = total + current, Decimal(0)
                else:
                    break
                end += 1
            value = total + current
        while end < len(self.doc) and self.doc[end].lower_ in lexicon.multipliers:
            value *= lexicon.multipliers[self.doc[end].lower_]
            end += 1
        if not self._may_count(index, end):
            return None  # a number inside a name: "France 24", "Resolution 2334"
        return _Number(index, end, value,
                       in_event_name=any(i in self.covering for i in range(index, end)))

    def _one_unit_of_time(self, index: int) -> bool:
        """Whether "a" at doc[index] counts the unit of time after it: only after an
        approximator ("less than a day", "within a week"), for "a year" alone is seldom an
        amount ("twice a year", "a year of talks")."""
        doc = self.doc
        if index + 1 >= len(doc) or not _longest_ending(doc, index - 1,
                                                         self.lexicon.approximators):
            return False
        unit = self.lexicon.nouns.get((doc[index + 1].lemma_.lower(),))
        return unit is not None and unit.time

    def _may_count(self, start: int, end: int) -> bool:
        """Whether doc[start:end] lies outside every name but an event's: the name of an
        event may state how long it lasted ("the 44-day war")."""
        return all(self.covering[i].type in EVENT_TYPES
                   for i in range(start, end) if i in self.covering)

    def _digits(self, token: Token) -> Decimal | None:
        if not DIGITS.fullmatch(token.text):
            return None
        return Decimal(token.text.replace(",", ""))

    def _is_word(self, token: Token) -> bool:
        lexicon = self.lexicon
        return token.lower_ in lexicon.numbers or (
            token.lower_ in lexicon.multipliers and token.like_num)

    # --- the quantity around a number -----------------------------------------------------

    def quantity(self, number: _Number) -> QuantityMention | None:
        """The amount the number states with what it counts, or None if it states none."""
        doc, lexicon = self.doc, self.lexicon
        last = doc[number.end - 1]
        start = number.start
        sign = None
        before = _previous_word(doc, start)
        if before is not None and before.text in lexicon.signs:
            sign, start = lexicon.signs[before.text], before.i
        approximate = not number.exact
        length = _longest_ending(doc, start - 1, lexicon.approximators)
        if length:
            approximate, start = True, start - length
        head: Token  # the phrase's head in its sentence: what a verb governs
        counted: Token | None = None
        whole: Token | None = None
        percent_length = _percent_at(doc, number.end, lexicon)
        if percent_length or number.share:
            unit = lexicon.percent
            end_token = doc[number.end + percent_length - 1] if percent_length else last
            head = end_token if percent_length else last
        elif sign is not None:
            unit, end_token, head = sign, last, last
        else:
            reading = self._counted(number)
            if reading is None:
                return None
            counted, head, whole = reading
            found_unit = self._unit(counted, number)
            if found_unit is None or (number.in_event_name and not found_unit.time) or (
                    found_unit.time and self._date_offset(counted)):
                return None
            unit, end_token = found_unit, counted
            if not self._states_amount(number, counted, unit):
                return None
            if number.value == 1 and not unit.known:
                return None  # "one checkpoint at a time", "in one direction": no amount
        if number.magnitude or number.share:
            approximate = True
        quantity = QuantityMention(
            value=_canonical(number.value), unit=unit.name, approximate=approximate,
            span=(doc[start].idx, end_token.idx + len(end_token)), personnel=unit.personnel,
            materiel=unit.materiel, magnitude=number.magnitude, known_unit=unit.known)
        if whole is not None and unit.time:  # "the 44-day war": how long the war lasted
            return self._lasting(quantity, whole)
        return self._of(quantity, head, counted, whole)

    def _counted(self, number: _Number) -> tuple[Token, Token, Token | None] | None:
        """(the counted noun, the phrase's head, the noun a hyphenated count modifies).

        "1,960 military personnel": personnel, personnel; "hundreds of Russian soldiers":
        soldiers, hundreds; "a six-nation security alliance": nation, alliance, alliance.
        """
        doc = self.doc
        last = doc[number.end - 1]
        if number.article:  # the unit of time after it, which _one_unit_of_time checked
            return doc[number.end], doc[number.end], None
        if number.magnitude or last.dep_ not in {"nummod", "quantmod", "compound", "nmod",
                                                 "amod"} or last.head.i < number.end:
            for token in doc[number.start:number.end]:
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ == "of" and child.i >= number.end:
                        objects = [t for t in child.children if t.dep_ == "pobj"]
                        # "one of the soldiers" picks one out; it states no amount
                        if objects and (number.magnitude or number.value != 1):
                            return objects[0], last, None
            return None
        noun = last.head
        if noun.pos_ not in {"NOUN", "PROPN"}:
            return None
        between = doc[number.end:noun.i]
        hyphenated = bool(between) and between[0].text == "-" and not last.whitespace_
        if hyphenated and noun.dep_ in {"compound", "nmod", "amod"} and noun.head.i > noun.i:
            return noun, noun.head, noun.head
        return noun, noun, None

    def _unit(self, noun: Token, number: _Number) -> _Unit | None:
        """The unit a counted noun gives, or None when it counts nothing."""
        lexicon = self.lexicon
        lemma = noun.lemma_.lower()
        if lemma in lexicon.not_units:
            return None
        words = [noun]
        for token in reversed(self.doc[number.end:noun.i]):
            if token.dep_ not in {"compound", "amod"} or token.head.i != noun.i:
                break
            words.insert(0, token)
        for size in range(len(words), 0, -1):
            key = tuple(t.lemma_.lower() for t in words[-size:])
            if key in lexicon.nouns:
                return lexicon.nouns[key]
            key = tuple(t.lower_ for t in words[-size:])
            if key in lexicon.nouns:
                return lexicon.nouns[key]
        if noun.ent_type_ in DATE_LABELS:
            return None
        if noun.ent_type_ == "NORP" or noun.tag_ == "NNPS":
            return lexicon.people
        if noun.pos_ == "NOUN":
            return _Unit(noun.lower_ if noun.tag_ == "NNS" else lemma, False, False)
        return None

    def _date_offset(self, counted: Token) -> bool:
        """Whether an amount of time says when rather than how long: "two years ago", "less
        than a month after the vote" (the parser may hang the noun on the verb instead)."""
        offsets = self.lexicon.date_offsets
        following = counted.i + 1 < len(self.doc) and self.doc[counted.i + 1].lower_ in offsets
        return counted.head.lower_ in offsets or following

    def _states_amount(self, number: _Number, counted: Token, unit: _Unit) -> bool:
        """Whether the number counts something rather than dates or refers back."""
        doc, lexicon = self.doc, self.lexicon
        words = doc[number.start:number.end]
        if not unit.known and (any(t.ent_type_ in DATE_LABELS for t in words) or (
                len(words) == 1 and re.fullmatch(r"\d{4}", words[0].text)
                and int(words[0].text) in YEARS)):
            return False
        if unit.time and any(child.lower_ in lexicon.spans for child in counted.children):
            return True  # "the past two weeks": how long, not which
        return not any(child.dep_ == "det" and child.lower_ in lexicon.definite
                       and child.i < number.start for child in counted.children)

    # --- what the quantity is of ------------------------------------------------------------

    def _of(self, quantity: QuantityMention, head: Token, counted: Token | None,
            whole: Token | None) -> QuantityMention:
        phrase = head
        while phrase.dep_ in {"conj", "appos"} and phrase.head.i < phrase.i:
            phrase = phrase.head
        governor, relation = _governor(phrase)
        trigger = self._trigger(governor) if governor is not None else None
        if governor is not None:
            at_governor = tuple(e for e in self.events if e.trigger.i == governor.i)
            if at_governor:
                return _with(quantity, events=at_governor)
        if (quantity.personnel or quantity.materiel) and trigger is not None \
                and governor is not None and relation in THEMES:
            earlier = self._earlier_event(governor, trigger)
            if earlier:
                return _with(quantity, events=earlier, inferred=True)
        if counted is not None and counted.i in self.covering:
            entity = self.covering[counted.i]
            return _with(quantity, entity=entity,
                         force_size=quantity.personnel and entity.type in FORCES
                         and trigger is None)
        whole = whole if whole is not None else _of_phrase_whole(counted)
        if whole is not None:
            entity, inferred = self._naming(whole)
            if entity is not None:
                return _with(quantity, entity=entity, inferred=inferred)
        if quantity.unit == self.lexicon.percent.name or quantity.unit in {
                unit.name for unit in self.lexicon.signs.values()}:
            subject = _clause_subject(head)
            if subject is not None:
                entity = named_entity(subject, self.mentions)
                if entity is not None:
                    return _with(quantity, entity=entity)
        return quantity

    def _lasting(self, quantity: QuantityMention, whole: Token) -> QuantityMention:
        """A duration of what the noun it modifies names: the events found at that noun
        ("a four-year deployment"), else the entity it names ("the 44-day war")."""
        at_whole = tuple(e for e in self.events if e.trigger.i == whole.i)
        if at_whole:
            return _with(quantity, events=at_whole)
        entity, inferred = self._naming(whole)
        return quantity if entity is None else _with(quantity, entity=entity, inferred=inferred)

    def _trigger(self, word: Token) -> str | None:
        """The event class a word would trigger (lexicons/events.yaml), if any."""
        if word.pos_ not in {"VERB", "NOUN"}:
            return None
        triggers = self.lexicon.triggers
        for child in word.children:
            if child.dep_ in {"prt", "dobj", "prep"}:
                cls = triggers.get(f"{word.lemma_.lower()} {child.lemma_.lower()}")
                if cls:
                    return cls
        return triggers.get(word.lemma_.lower())

    def _earlier_event(self, word: Token, cls: str) -> tuple[EventMention, ...]:
        """The latest event of the class, with a force, in this or the last few sentences."""
        sentence = self.sentence[word.i]
        candidates = [e for e in self.events if e.type == cls and "force" in e.roles
                      and e.trigger.i < word.i
                      and sentence - LOOKBACK_SENTENCES <= self.sentence[e.trigger.i]]
        if not candidates:
            return ()
        latest = max(e.trigger.i for e in candidates)
        return tuple(e for e in candidates if e.trigger.i == latest)

    def _naming(self, whole: Token) -> tuple[Mention | None, bool]:
        """The entity a noun stands for: its own name, an apposition or a copula's subject."""
        if whole.i in self.covering:
            return self.covering[whole.i], False
        for token in [*whole.children, whole.head]:
            if (token.dep_ == "appos" or whole.dep_ == "appos") and token.i in self.covering:
                return self.covering[token.i], True
        # An apposition the parser missed: "Moscow's CSTO, a six-nation military alliance",
        # "A six-nation security alliance led by Moscow, the CSTO also includes ...".
        left = _previous_word(self.doc, whole.left_edge.i)
        if left is not None and left.text == ",":
            named = _previous_word(self.doc, left.i)
            if named is not None and named.i in self.covering:
                return self.covering[named.i], True
        right = whole.right_edge.i + 1
        if right < len(self.doc) and self.doc[right].text == ",":
            following = [t for t in self.doc[right + 1:right + 3] if t.lower_ not in {"the"}]
            if following and following[0].i in self.covering:
                return self.covering[following[0].i], True
        if whole.dep_ == "attr" and whole.head.lemma_ == "be":
            for subject in (c for c in whole.head.children if c.dep_ in SUBJECTS):
                if subject.i in self.covering:
                    return self.covering[subject.i], True
        return None, False


def _with(quantity: QuantityMention, **changes: Any) -> QuantityMention:
    return replace(quantity, **changes)


def _governor(phrase: Token) -> tuple[Token | None, str]:
    """The word a phrase is an argument of (its verb, or the noun or verb of its preposition)
    and how: "subject", "object", or the preposition ("of", "from" ...)."""
    if phrase.dep_ == "pobj" and phrase.head.dep_ in {"prep", "agent"}:
        return phrase.head.head, phrase.head.lower_
    if phrase.dep_ in SUBJECTS:
        return phrase.head, "subject"
    if phrase.dep_ in ARGUMENTS:
        return phrase.head, "object"
    return None, ""


def _canonical(value: Decimal) -> Decimal:
    """The value without exponent or trailing zeros: 7.3 billion is 7300000000, not 7.3E+9."""
    return Decimal(format(value.normalize(), "f"))


def _of_phrase_whole(counted: Token | None) -> Token | None:
    """"a union of five states": the noun the counted phrase is the "of" object of."""
    if counted is None or counted.dep_ != "pobj":
        return None
    preposition = counted.head
    if preposition.lower_ == "of" and preposition.head.pos_ == "NOUN":
        return preposition.head
    return None


def _clause_subject(word: Token) -> Token | None:
    """The subject of the clause a word stands in, up through its prepositions and objects."""
    token = word
    while token.pos_ not in {"VERB", "AUX"} and token.head is not token:
        token = token.head
    subjects = [c for c in token.children if c.dep_ in SUBJECTS]
    return subjects[0] if subjects else None


def _previous_word(doc: Doc, index: int) -> Token | None:
    """The token before doc[index], skipping white space."""
    index -= 1
    while index >= 0 and doc[index].is_space:
        index -= 1
    return doc[index] if index >= 0 else None


def _percent_at(doc: Doc, index: int, lexicon: _Lexicon) -> int:
    """How many tokens from doc[index] write "percent" (0 if none)."""
    if index < len(doc) and doc[index].text in lexicon.percent_signs:
        return 1
    length, _ = _longest(doc, index, lexicon.percent_nouns)
    return length


def _by_word(phrases: Iterable[tuple[tuple[str, ...], V]], place: int) -> Phrases[V]:
    """The phrases and their values under their word at `place` (0 first, -1 last)."""
    indexed: Phrases[V] = {}
    for phrase, value in phrases:
        indexed.setdefault(phrase[place], []).append((phrase, value))
    return indexed


def _longest(doc: Doc, index: int, phrases: Phrases[V]) -> tuple[int, V | None]:
    """The longest phrase (under its first word) that the lowercase words from doc[index]
    spell, and its value; the first of the lexicon's order among equally long ones."""
    best: tuple[int, V | None] = (0, None)
    if not 0 <= index < len(doc):
        return best
    for phrase, value in phrases.get(doc[index].lower_, ()):
        if len(phrase) <= best[0]:  # slicing the doc is slow
            continue
        words = doc[index:index + len(phrase)]
        if len(words) == len(phrase) and all(
                word == token.lower_ for word, token in zip(phrase, words, strict=True)):
            best = (len(phrase), value)
    return best


def _longest_ending(doc: Doc, index: int, phrases: Phrases[bool]) -> int:
    """The length of the longest phrase (under its last word) ending at doc[index] (0 if
    none)."""
    best = 0
    if not 0 <= index < len(doc):
        return best
    for phrase, _ in phrases.get(doc[index].lower_, ()):
        first = index - len(phrase) + 1
        if len(phrase) > best and first >= 0 and all(
                word == token.lower_ for word, token in zip(phrase, doc[first:index + 1],
                                                            strict=True)):
            best = len(phrase)
    return best


LEXICON_KEYS = ("numbers", "multipliers", "magnitudes", "fractions", "approximators",
                "definite", "units", "people_unit", "percent")


@cache
def _lexicon() -> _Lexicon:
    data = read_lexicon("quantities")
    path = paths.LEXICONS_DIR / "quantities.yaml"
    missing = [key for key in LEXICON_KEYS if not data.get(key)]
    if missing:
        raise ConfigError(f"the quantities lexicon lacks {', '.join(missing)}; it needs each "
                          f"of {', '.join(LEXICON_KEYS)}", path)

    def phrase(text: object) -> tuple[str, ...]:
        return tuple(str(text).lower().split())

    units: dict[str, _Unit] = {}
    nouns: dict[tuple[str, ...], _Unit] = {}
    signs: dict[str, _Unit] = {}
    for name, entry in data["units"].items():
        if not isinstance(entry, dict) or not entry.get("nouns"):
            raise ConfigError(f"unit {name!r} needs a list of nouns", path)
        unit = units[str(name)] = _Unit(str(name), bool(entry.get("personnel", False)), True,
                                        bool(entry.get("materiel", False)),
                                        bool(entry.get("time", False)))
        nouns.update({phrase(noun): unit for noun in entry["nouns"]})
        signs.update({str(sign): unit for sign in entry.get("signs", [])})
    if data["people_unit"] not in units:
        raise ConfigError(f"people_unit {data['people_unit']!r} is not one of the units", path)
    percent = data["percent"]
    if not isinstance(percent, dict) or not percent.get("unit"):
        raise ConfigError("percent needs the unit a percentage is written in", path)
    triggers: dict[str, str] = {}
    for cls, entry in read_lexicon("events").items():
        for word in entry.get("lemmas", []) + entry.get("phrases", []):
            triggers[word] = cls
    return _Lexicon(
        numbers={str(k): Decimal(str(v)) for k, v in data["numbers"].items()},
        multipliers={str(k): Decimal(str(v)) for k, v in data["multipliers"].items()},
        magnitudes=_by_word(((phrase(k), Decimal(str(v)))
                             for k, v in data["magnitudes"].items()), 0),
        fractions=_by_word(((phrase(k), (Decimal(str(v["percent"])), bool(v["exact"])))
                            for k, v in data["fractions"].items()), 0),
        approximators=_by_word(((phrase(word), True) for word in data["approximators"]), -1),
        definite=frozenset(str(word).lower() for word in data["definite"]),
        spans=frozenset(str(word).lower() for word in data.get("spans", [])),
        ones=frozenset(str(word).lower() for word in data.get("ones", [])),
        nouns=nouns, signs=signs, people=units[data["people_unit"]],
        percent=_Unit(str(percent["unit"]), False, True),
        percent_signs=frozenset(str(sign) for sign in percent.get("signs", [])),
        percent_nouns=_by_word(((phrase(noun), True) for noun in percent.get("nouns", [])), 0),
        not_units=frozenset(str(word).lower() for word in data.get("not_units", [])),
        date_offsets=frozenset(str(word).lower() for word in data.get("date_offsets", [])),
        triggers=triggers)
