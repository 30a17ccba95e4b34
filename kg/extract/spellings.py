"""The names a text may use for a registry entry beyond the ones the registry lists.

The registry lists the names the corpus uses (tests/test_registry.py keeps them to those);
articles it has never seen write the same names in other ways (issue 3): in the other
English spelling, with the other apostrophe, in another word order ("the Russian Defence
Ministry" for "Ministry of Defence of the Russian Federation") or as the demonym's forces
("Azerbaijani units"). These forms come from rules over every entry, with the words in
lexicons/spellings.yaml, so no name of one article is written down for it.
"""

from __future__ import annotations

import re
from functools import cache

from kg.extract.lexicons import read_lexicon
from kg.registry import FORCE_TYPES, Registry

APOSTROPHES = {"'": "\u2019", "\u2019": "'"}
MINISTRY = re.compile(r"^Ministry of (?P<topic>.+?) of (?:the )?(?P<state>.+)$")
# Names whose capitals make an acronym a text may use alone ("EU"): the international bodies.
ACRONYM_CLASSES = frozenset({"InternationalOrganization", "Alliance", "EconomicUnion"})
ACRONYM_WORD = re.compile(r"^[A-Z][a-z]")

# Per entry: key, class, label, variants, and the state of a force
Entry = tuple[str, str, str, tuple[str, ...], str | None]


def registry_names(registry: Registry) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Each entry's key, class and every name a text may use for it: the registry's own,
    then the forms made from them."""
    return _names(tuple((e.key, e.type, e.label, e.variants, e.force_of) for e in registry))


@cache
def _names(entries: tuple[Entry, ...]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    state_names = {key: (label, *variants) for key, kind, label, variants, _ in entries
                   if kind == "State"}
    states_by_name = {name: key for key, names in state_names.items() for name in names}
    demonyms: dict[str, list[str]] = {}
    for demonym, key in read_lexicon("positions")["demonyms"].items():
        demonyms.setdefault(key, []).append(demonym)
    forces: dict[str, list[str]] = {}
    for key, kind, _, _, state in entries:
        if kind in FORCE_TYPES and state:
            forces.setdefault(state, []).append(key)
    result = []
    for key, kind, label, variants, state in entries:
        names = [label, *variants]
        ministry = MINISTRY.match(label)
        if ministry and ministry["state"] in states_by_name:
            owner = states_by_name[ministry["state"]]
            names += _ministry_forms(ministry["topic"], state_names[owner],
                                     demonyms.get(owner, []))
        if state and forces.get(state) == [key]:
            # a state's only force: with more ("Russian troops"), which one needs the context
            names += [f"{demonym} {noun}" for demonym in demonyms.get(state, [])
                      for noun in read_lexicon("spellings")["force_nouns"]]
        if kind in ACRONYM_CLASSES:
            names.append(_acronym(label))
        spelled = [form for name in names for form in _spellings(name)]
        result.append((key, kind, tuple(dict.fromkeys(n for n in spelled if len(n) > 1))))
    return tuple(result)


def _ministry_forms(topic: str, states: tuple[str, ...], demonyms: list[str]) -> list[str]:
    """"the Russian Defence Ministry", "Russia's Defence Ministry", "Russian Ministry of
    Defence", "Azerbaijan's foreign ministry"."""
    shorts = read_lexicon("spellings")["ministry_topics"].get(topic, [topic])
    owners = [*demonyms, *(f"{state}'s" for state in states)]
    forms = [f"{owner} {short} Ministry" for owner in owners for short in shorts]
    forms += [f"{owner} {short.lower()} ministry" for owner in owners for short in shorts]
    forms += [f"{demonym} Ministry of {topic}" for demonym in demonyms]
    forms += [f"Ministry of {topic} of {state}" for state in states]
    return forms


def _acronym(label: str) -> str:
    """The capitals of a name's capitalised words: "European Union": "EU"."""
    return "".join(word[0] for word in label.split() if ACRONYM_WORD.match(word))


def _spellings(name: str) -> list[str]:
    """A name as written, with the other apostrophe and in the other spelling of its words."""
    words = _other_spellings()
    other_spelling = re.sub(r"[\w-]+", lambda word: _respelled(word[0], words), name)
    forms = [name, other_spelling]
    return forms + ["".join(APOSTROPHES.get(c, c) for c in form) for form in forms]


@cache
def _other_spellings() -> dict[str, str]:
    """Each word of lexicons/spellings.yaml's pairs (American and British, and the same word
    written two ways) to the other way of writing it, both ways round."""
    words = dict(read_lexicon("spellings")["american_british"])
    words |= read_lexicon("spellings")["same_word"]
    return words | {other: word for word, other in words.items()}


def _respelled(word: str, spellings: dict[str, str]) -> str:
    """A word in its other spelling, capitalised as it was."""
    other = spellings.get(word.lower())
    if other is None:
        return word
    return other.capitalize() if word[:1].isupper() else other
