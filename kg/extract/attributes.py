"""Parts of speech, morphology and lemma exceptions from the tagger's tags: spaCy's attribute
ruler, redone as a lookup per token.

The English model's "attribute_ruler" maps each fine-grained tag to its coarse part of speech
and morphology, with exceptions for some words, dependency labels and two-word sequences
("there is", "gon na"), through about 180 Matcher patterns tried at every token: 11 ms an
article, a tenth of the parse. `TokenAttributes` takes the same patterns from the loaded
ruler (kg/extract/nlp.py swaps it in at the ruler's place) and gives each token the same
attributes: the patterns' verdicts on a token depend only on its tag, lower-case form,
dependency label and whether it is white space, so they are worked out once per such
combination and remembered. A test compares both components' output token by token on the
corpus.
"""

# No `from __future__ import annotations`: spaCy validates a factory's settings against its
# annotations, which must then be types rather than strings.
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG, intify_attrs
from spacy.language import Language
from spacy.tokens import Doc, MorphAnalysis
from spacy.vocab import Vocab

# What a pattern may test, in the order of a token's `Key`; the Matcher's own names.
TESTED = ("TAG", "LOWER", "DEP", "IS_SPACE")
# What a pattern may set, and the Token attribute taking its value (an id or hash).
SET = {"POS": "pos", "TAG": "tag", "DEP": "dep", "LEMMA": "lemma", "MORPH": "morph"}

# Keys whose verdicts are remembered, at most: a few hundred bytes each, and a long-lived
# process reading many different texts would otherwise keep every word's combinations.
REMEMBERED = 100_000

Key = tuple[int, ...]  # a token's TESTED attributes: string hashes, and 0 or 1 for IS_SPACE
Values = tuple[Any, ...]  # the same as strings, and a bool for IS_SPACE
Assignment = tuple[tuple[str, Any], ...]  # Token attribute names and the values they take


@dataclass(frozen=True)
class TokenTest:
    """A Matcher token pattern as a test of a token's Values; `exact` is one of its
    conditions that is plain equality, (place in Values, value), for an index of the tests."""

    test: Callable[[Values], bool]
    exact: tuple[int, Any] | None


@dataclass(frozen=True, eq=False)
class Rule:
    """One alternative of one ruler pattern: a test per token of the sequence it matches, the
    token (of that sequence) it sets, and what it sets. `order` is the pattern's place among
    the ruler's patterns: where several set one attribute of a token, the last one wins."""

    order: int
    tests: tuple[TokenTest, ...]
    target: int
    sets: dict[str, Any]


@dataclass(frozen=True)
class Verdicts:
    """What the rules make of a token with a given Key: the single-token rules matching it,
    in order, and what they set together; which tests of longer rules it passes."""

    own: tuple[Rule, ...]
    assignment: Assignment
    passes: frozenset[tuple[Rule, int]]  # a longer rule, and the place of its test passed


class TokenAttributes:
    """The attribute ruler's patterns applied per token; a pipeline component."""

    def __init__(self, vocab: Vocab, patterns: Iterable[dict[str, Any]]) -> None:
        self.vocab = vocab
        rules = [rule for order, pattern in enumerate(patterns)
                 for rule in _rules(vocab, order, pattern)]
        self.longer = [rule for rule in rules if len(rule.tests) > 1]
        # Each token test under one of its equalities, so that judging a new Key tries only
        # the tests that may pass (a dozen of 190), not all.
        self.indexed: dict[tuple[int, Any], list[tuple[Rule, int]]] = {}
        self.unindexed: list[tuple[Rule, int]] = []
        for rule in rules:
            for place, test in enumerate(rule.tests):
                entries = (self.unindexed if test.exact is None
                           else self.indexed.setdefault(test.exact, []))
                entries.append((rule, place))
        self.verdicts: dict[Key, Verdicts] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        keys: list[Key] = [tuple(row) for row in
                           doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        verdicts = [self.verdicts.get(key) or self._judge(key) for key in keys]
        extra = self._longer_matches(verdicts)
        for token, verdict in zip(doc, verdicts, strict=True):
            assignment = verdict.assignment
            if token.i in extra:
                assignment = _assignment([*verdict.own, *extra[token.i]])
            for attribute, value in assignment:
                setattr(token, attribute, value)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 1) -> Iterator[Doc]:
        """Each document annotated in turn (spaCy's component protocol; no batching)."""
        for doc in docs:
            yield self(doc)

    def _judge(self, key: Key) -> Verdicts:
        values = tuple(bool(value) if name == "IS_SPACE" else self.vocab.strings[value]
                       for name, value in zip(TESTED, key, strict=True))
        candidates = [*self.unindexed, *(entry for exact in enumerate(values)
                                         for entry in self.indexed.get(exact, ()))]
        passed = [(rule, place) for rule, place in candidates
                  if rule.tests[place].test(values)]
        own = tuple(rule for rule, _ in passed if len(rule.tests) == 1)
        passes = frozenset((rule, place) for rule, place in passed if len(rule.tests) > 1)
        if len(self.verdicts) >= REMEMBERED:
            self.verdicts.clear()
        self.verdicts[key] = Verdicts(own, _assignment(own), passes)
        return self.verdicts[key]

    def _longer_matches(self, verdicts: Sequence[Verdicts]) -> dict[int, list[Rule]]:
        """The rules of several tokens matching in the document, by the token they set."""
        found: dict[int, list[Rule]] = {}
        for start, verdict in enumerate(verdicts):
            for rule, place in verdict.passes:
                end = start + len(rule.tests)
                if place == 0 and end <= len(verdicts) and all(
                        (rule, later) in verdicts[start + later].passes
                        for later in range(1, len(rule.tests))):
                    found.setdefault(start + rule.target, []).append(rule)
        return found


def _assignment(rules: Iterable[Rule]) -> Assignment:
    """What rules matching a token set, applied in the patterns' order (as the ruler does: a
    later pattern's value wins)."""
    sets: dict[str, Any] = {}
    for rule in sorted(rules, key=lambda rule: rule.order):
        sets.update(rule.sets)
    return tuple(sets.items())


def _rules(vocab: Vocab, order: int, pattern: dict[str, Any]) -> list[Rule]:
    """The rules of one ruler pattern ({"patterns": [...], "attrs": {...}, "index": n})."""
    unknown = set(pattern["attrs"]) - set(SET)
    if unknown:
        raise ValueError(f"attribute ruler pattern {order} sets {sorted(unknown)}; "
                         f"kg/extract/attributes.py knows how to set only {sorted(SET)}")
    sets: dict[str, Any] = {}
    for name, value in pattern["attrs"].items():
        [number] = intify_attrs({name: value}, strings_map=vocab.strings).values()
        # The ruler stores morphology as the hash of its normalised features, as here.
        sets[SET[name]] = (MorphAnalysis.from_id(vocab, vocab.morphology.add(
            vocab.strings.as_string(number))) if name == "MORPH" else number)
    rules = []
    for tokens in pattern["patterns"]:
        index = pattern.get("index", 0)
        if not -len(tokens) <= index < len(tokens):
            raise ValueError(f"attribute ruler pattern {order} sets token {index} of "
                             f"{len(tokens)}")
        tests = tuple(_token_test(order, token) for token in tokens)
        rules.append(Rule(order, tests, index % len(tokens), sets))
    return rules


def _token_test(order: int, token: dict[str, Any]) -> TokenTest:
    """A Matcher token pattern as a test of a token's Values (its TESTED attributes)."""
    tests: list[Callable[[Values], bool]] = []
    exact: tuple[int, Any] | None = None
    for name, wanted in token.items():
        if name not in TESTED:
            raise ValueError(f"attribute ruler pattern {order} tests {name}; "
                             f"kg/extract/attributes.py knows how to test only {TESTED}")
        place = TESTED.index(name)
        tests.append(_value_test(order, place, wanted))
        if exact is None and not isinstance(wanted, dict):
            exact = place, wanted
    return TokenTest(lambda values: all(test(values) for test in tests), exact)


def _value_test(order: int, place: int, wanted: Any) -> Callable[[Values], bool]:
    if not isinstance(wanted, dict):
        return lambda values: values[place] == wanted
    [(operator, argument)] = wanted.items()
    if operator == "IN":
        members = set(argument)
        return lambda values: values[place] in members
    if operator == "NOT_IN":
        others = set(argument)
        return lambda values: values[place] not in others
    if operator == "REGEX":
        expression = re.compile(argument)
        return lambda values: expression.search(values[place]) is not None
    raise ValueError(f"attribute ruler pattern {order} uses {operator}; "
                     "kg/extract/attributes.py knows only IN, NOT_IN and REGEX")


@Language.factory("token_attributes", default_config={"patterns": []})
def make_token_attributes(nlp: Language, name: str, patterns: list[dict[str, Any]]
                          ) -> TokenAttributes:
    """The component, from an attribute ruler's `patterns` (AttributeRuler.patterns)."""
    return TokenAttributes(nlp.vocab, patterns)
