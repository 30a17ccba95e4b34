"""Entity mentions: each recognised name resolved to a registry entity or a new one.

Registry names come from the entity ruler with their key; names only the statistical NER finds
become new entities of the closest class (kg/iris.py's `new_entity`), to be flagged unlinked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from rdflib import URIRef
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Span, Token

from kg import iris, paths
from kg.errors import ConfigError
from kg.extract.lexicons import read_lexicon
from kg.extract.nlp import HEADING_SHARE, HEADING_WORDS, in_heading, language_for, name_matcher
from kg.registry import Entity, Registry

# spaCy's OntoNotes labels that name things of our classes; NORP, DATE, CARDINAL ... do not.
NER_CLASSES = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
               "FAC": "Facility"}
# Names of these classes may contain other entities' names without speaking of them.
NAMES_ONLY = {"Person", "NewsOrganization"}
ORGANIZATIONS = {"Organization", "InternationalOrganization", "Alliance", "EconomicUnion"}
# A leading article is not part of a new entity's name ("the Ministries of Defense").
ARTICLES = {"the", "a", "an"}
# Where a city stands for its state's government: subject, passive subject, possessor
# ("Paris and Washington have signaled", "Moscow's CSTO"), or the object of a `by` agent.
ACTING = {"nsubj", "nsubjpass", "poss"}
PLURAL = {"NNS", "NNPS"}
# What a plural name shared among states' names can be ("the Ministries of Defense of X and Y").
SHARED_CLASSES = frozenset({"Organization", "MilitaryForce", "BorderGuardForce"})


@dataclass(frozen=True)
class Mention:
    """An entity named at body[start:end]: its node, class, and registry key (None if new).

    `reference` marks a description standing for an entity named before it ("the region"),
    resolved by kg/extract/references.py rather than named.
    """

    node: URIRef
    type: str
    start: int
    end: int
    key: str | None
    name: str
    reference: bool = False

    @property
    def linked(self) -> bool:
        return self.key is not None


def find_mentions(doc: Doc, registry: Registry) -> list[Mention]:
    """Every entity mention in the parsed body, registry ones and new ones, in text order.

    A name the ruler missed whose slug is a registry key ("KREMLIN", "the Kremlin's") is
    that registry entity: the key was made from the same name. A name that is only an office
    title, after demonyms or not ("Kazakh President"), demonyms alone, or only common words
    the NER took for a name ("Frozen is not gone", "the Republic"), names no entity of its own.
    A new name the NER cut short is made whole (`_whole_name`).
    """
    mentions: list[Mention] = []
    people: dict[str, Mention] = {}  # surname -> the first new person named in full with it
    entities = list(doc.ents)
    taken = -1  # the last token of a registry name joined into the new name before it
    for index, span in enumerate(entities):
        key = span.ent_id_ or None
        if span.start <= taken:
            continue
        if key is None and span.label_ in NER_CLASSES and not _in_heading(span):
            span = _whole_name(span, entities[index + 1] if index + 1 < len(entities) else None,
                               registry)
            taken = span.end - 1
            name = _name(span)
            if not name or _office(name) or _common_words(span):
                continue  # "Azerbaijani" alone, "Frozen is not gone"
            known = registry.entities.get(iris.slug(name))
            if known is None:
                type_name = "Place" if _named_place(span) else NER_CLASSES[span.label_]
                mentions.append(_named_before(Mention(
                    iris.new_entity(name), type_name, span.start_char, span.end_char, None,
                    name), people))
                continue
            key = known.key
        if key is not None:
            mentions.append(Mention(iris.entity(key), registry.entities[key].type,
                                    span.start_char, span.end_char, key, span.text))
    return mentions


def _whole_name(span: Span, following: Span | None, registry: Registry) -> Span:
    """A new name with what the NER cut off it: capitalised proper nouns it left unlabelled
    just before, but for a person's ("the villages of Hin Tagher": "Tagher"), and the registry
    state after a name ending in "of" ("The Security Council of" + "Armenia"). A plural name
    ending in "of" is shared among the states after it instead (`shared_names`)."""
    doc = span.doc
    start = span.start
    # a person's name the NER reads whole; "President of Uzbekistan Shavkat Mirziyoyev" has
    # an unlabelled state before it
    widen = span.label_ != "PERSON" or _named_place(span)
    while widen and start > span.sent.start + 1 and doc[start - 1].pos_ == "PROPN" \
            and doc[start - 1].ent_iob_ == "O" and doc[start - 1].is_alpha \
            and doc[start - 1].is_title and doc[start - 1].lower_ not in _title_words():
        start -= 1
    end = span.end
    state = registry.entities.get(following.ent_id_) if following is not None else None
    if (span[-1].lower_ == "of" and following is not None and following.start == span.end
            and state is not None and state.type == "State"
            and not any(t.tag_ in PLURAL for t in span)):
        end = following.end
    return Span(doc, start, end, label=span.label_) if (start, end) != (span.start, span.end) \
        else span


def _named_place(span: Span) -> bool:
    """Whether a name is what a place noun is "of" ("the villages of Hin Tagher and
    Khtsaberd", lexicons/places.yaml), whatever class the NER guessed for it."""
    word = span.root
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    preposition = word.head
    return word.dep_ == "pobj" and preposition.lower_ == "of" \
        and preposition.head.lemma_.lower() in _place_nouns()


@cache
def _place_nouns() -> frozenset[str]:
    return frozenset(read_lexicon("places")["place_nouns"])


def _named_before(mention: Mention, people: dict[str, Mention]) -> Mention:
    """A new name of one word that is the surname of a new person named in full before it
    ("Ilham Aliyev ... President Aliyev said") is that person; a person named in full is
    recorded in `people` under their surname."""
    words = mention.name.split()
    if len(words) == 1 and words[0] in people:
        full = people[words[0]]
        return replace(mention, node=full.node, type=full.type, name=full.name)
    if len(words) > 1 and mention.type == "Person":
        people.setdefault(words[-1], mention)
    return mention


def nested_mentions(doc: Doc, mentions: Sequence[Mention], registry: Registry
                    ) -> list[Mention]:
    """Registry entities named inside a longer registry name: the State Duma and the CIS in
    "the State Duma Committee on CIS Affairs", Crimea in "the annexation of Crimea".

    A person's or a newspaper's name only sounds like a place ("Ararat Mirzoyan", "France 24"),
    and a city in an organization's name is part of the name ("the OSCE Minsk Group").
    """
    matcher = name_matcher(registry)
    nested = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end)
        if (mention.key is None or mention.reference or span is None or len(span) < 2
                or mention.type in NAMES_ONLY):
            continue
        for match, start, end in matcher(span):
            key = doc.vocab.strings[match]
            inner = registry.entities[key].type
            if key != mention.key and not (inner == "Settlement"
                                           and mention.type in ORGANIZATIONS):
                words = doc[start:end]
                nested.append(Mention(iris.entity(key), registry.entities[key].type,
                                      words.start_char, words.end_char, key, words.text))
    return nested


def meant_states(doc: Doc, mentions: Sequence[Mention], registry: Registry) -> list[Mention]:
    """States a document speaks of without their names, at the characters that mean them: the
    states a named border separates ("the Armenian-Iranian border": Iran), and a city's state
    where the city acts for it ("Paris and Washington have signaled their readiness")."""
    meant = []
    for mention in mentions:
        if mention.key is None or mention.reference:
            continue
        entity = registry.entities[mention.key]
        meant += [replace(mention, node=iris.entity(state), type="State", key=state,
                          name=registry.entities[state].label)
                  for state in entity.border_of if state in registry.entities]
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and entity.type == "Settlement" and _acting(span.root):
            meant.append(as_state(mention, registry))
    return meant


def shared_names(doc: Doc, mentions: Sequence[Mention], registry: Registry
                 ) -> list[Mention]:
    """Registry organizations a plural name shares out among the states after it: "the
    Ministries of Defense of Azerbaijan and Russia" names the Ministry of Defense of each,
    where the registry knows it as "<name> of <state>" or "<demonym> <name>". The NER cuts
    such a name before its owners ("The Ministries of Defense of"); the new entity it made is
    no entity of its own once every owner's organization is known."""
    owners = {m.start: m for m in mentions if m.type == "State" and m.key}
    lemmatizer = language_for(registry).get_pipe("lemmatizer")
    shared = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end)
        if mention.linked or span is None or span[-1].lower_ != "of" or not any(
                t.tag_ in PLURAL for t in span):
            continue
        words = [t for t in span[:-1] if t.lower_ not in ARTICLES]
        name = " ".join(_singular(t, lemmatizer) if t.tag_ in PLURAL else t.text
                        for t in words)
        found = [_owned(name, owner, registry) for owner in _coordinated(doc, span.end, owners)]
        if len(found) >= 2 and all(found):
            shared += [replace(mention, node=iris.entity(entity.key), type=entity.type,
                               key=entity.key, name=entity.label)
                       for entity in found if entity is not None]
    return shared


def _coordinated(doc: Doc, index: int, owners: dict[int, Mention]) -> list[Mention]:
    """The state names from token `index` on, joined by commas and "and"."""
    found = []
    while index < len(doc):
        token = doc[index]
        if token.idx in owners:
            found.append(owners[token.idx])
            index = doc.char_span(token.idx, owners[token.idx].end,
                                  alignment_mode="expand").end
        elif token.lower_ in {",", "and"} and found:
            index += 1
        else:
            break
    return found


def _owned(name: str, owner: Mention, registry: Registry) -> Entity | None:
    """The registry organization called `name` of the owner's state, either way round, in
    American or British spelling (lexicons/spellings.yaml)."""
    state = registry.entities[str(owner.key)]
    wanted = {_british(f"{name} of {label}") for label in state.names}
    wanted |= {_british(f"{demonym} {name}") for demonym, key in
               read_lexicon("positions")["demonyms"].items() if key == state.key}
    return next((entity for entity in registry if entity.type in SHARED_CLASSES
                 and any(_british(known) in wanted for known in entity.names)), None)


def _british(name: str) -> str:
    """A name in lowercase British spelling, to compare names spelled either way."""
    spellings = read_lexicon("spellings")["american_british"]
    return " ".join(spellings.get(word, word) for word in name.casefold().split())


def _singular(token: Token, lemmatizer: Lemmatizer) -> str:
    """A plural noun in the singular, capitalised as it was ("Ministries": "Ministry"); the
    parser leaves a capitalised plural (NNPS) as it is."""
    word = Doc(token.vocab, words=[token.lower_], pos=["NOUN"])[0]
    lemma = lemmatizer.rule_lemmatize(word)[0]
    return lemma.capitalize() if token.text[:1].isupper() else lemma


def _acting(word: Token) -> bool:
    """Whether a name (or the first of coordinated names) is its clause's actor."""
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    return word.dep_ in ACTING or (word.dep_ == "pobj" and word.head.dep_ == "agent")


def _common_words(span: Span) -> bool:
    """Whether a name the NER found is common words: no proper noun in it (a capitalised
    adjective opening a sentence), or a definite description's one noun capitalised ("the
    Republic", lexicons/references.yaml's nouns), which the reference resolver reads."""
    words = [t for t in span if t.lower_ not in ARTICLES]
    return all(t.pos_ != "PROPN" for t in words) or (
        len(words) == 1 < len(span) and words[0].lemma_.lower() in _description_nouns())


@cache
def _description_nouns() -> frozenset[str]:
    return frozenset(read_lexicon("references")["nouns"])


def _office(name: str) -> bool:
    """Whether a name is an office title of lexicons/positions.yaml after its demonyms, or
    demonyms alone (the NER's "Kazakh" of "Kazakh President"; the positions stage reads the
    demonym as its state)."""
    words = name.split()
    while words and words[0] in _demonyms():
        words = words[1:]
    return not words or " ".join(words).lower() in _titles()


@cache
def _titles() -> frozenset[str]:
    return frozenset(spelling for spellings in read_lexicon("positions")["titles"].values()
                     for spelling in spellings)


@cache
def _title_words() -> frozenset[str]:
    return frozenset(word for spelling in _titles() for word in spelling.split())


@cache
def _demonyms() -> frozenset[str]:
    return frozenset(read_lexicon("positions")["demonyms"])


def _name(span: Span) -> str:
    tokens = list(span)
    while tokens and tokens[0].lower_ in ARTICLES:
        tokens = tokens[1:]
    name = "".join(t.text_with_ws for t in tokens).strip()
    return name if name[:1].isupper() else ""


def _in_heading(span: Span) -> bool:
    """Headlines capitalise every word, which the NER takes for names: skip new names there,
    on a headline's line or in a sentence reading as one (the parser runs a headline into the
    next line's sentence). Names and office titles are capitalised in any sentence, so only
    the other words count: "President of Azerbaijan Ilham Aliyev hosted ..." is no headline."""
    words = [t for t in span.sent if t.is_alpha and len(t) > 3 and not t.ent_type_
             and t.lower_ not in _title_words()]
    return in_heading(span[0]) or (len(words) >= HEADING_WORDS and sum(
        t.text[0].isupper() for t in words) / len(words) > HEADING_SHARE)


def demonym_mention(token: Token, key: str, registry: Registry) -> Mention:
    """The registry state a demonym ("Armenian") stands for, as a mention at its characters.

    The demonym table is lexicons/positions.yaml's; a key it names that the registry lacks is
    an error in that file.
    """
    entity = registry.entities.get(key)
    if entity is None:
        raise ConfigError(f"demonym {token.text!r} stands for {key!r}, which is not a registry "
                          "key; correct it or add the entity to the registry",
                          paths.LEXICONS_DIR / "positions.yaml")
    return Mention(iris.entity(key), entity.type, token.idx, token.idx + len(token), key,
                   token.text)


def as_state(mention: Mention, registry: Registry) -> Mention:
    """A city where its state's government is meant ("Moscow said", "launched by Baku"): the
    state it lies in, at the city's characters; any other mention unchanged."""
    state = registry.state_of(mention.key) if mention.type == "Settlement" and mention.key else None
    if state is None:
        return mention
    return replace(mention, node=iris.entity(state), type="State", key=state)
