"""Positions held: a person named with an office title (lexicons/positions.yaml), from the parse.

Runs on the spaCy Doc and the entity mentions (kg/extract/mentions.py); the `positions` stage
(kg/stages/positions.py) turns what it finds into ckg:PositionHeld nodes. A text ties a title
to a person's name in one of four ways:

- in the name's own noun phrase, before it: "Syunik Governor Robert Ghukasyan", "Russian
  Ambassador to Yerevan Sergey Kopyrkin", "Governor of Armenia's Sinyuk region Melikset Pogosyan";
  the parse must join the title and the name (one heads the other's phrase);
- in an apposition after it: "Hayk Konjoryan, the parliamentary leader of ... party, announced";
- in a title phrase before it, the name set off by commas as its apposition: "The CSTO
  Secretary-General, Imangali Tasmagambetov, said";
- in a copula: "X, who is the deputy speaker of ...", "X is Armenia's foreign minister", where
  the title heads the predicate.

A title phrase is the run of noun-phrase words next to the name: determiners, adjectives, nouns,
names, participles, possessive 's, and the prepositions the lexicon lists (of, for, to). Its
title is the first one in it that is not itself a possessor ("the President's spokesman" is a
spokesman); qualifiers in front of it belong to it ("acting deputy prime minister"), and a word
saying the office is no longer held makes it a former one ("former president": "Former
President"), so that it is not read as the person's present office.

The office's owner (ckg:ofActor) is the last actor or place named in the title's of/for part
("Governor of Armenia's Sinyuk region": the region, the head of that phrase), else the last one
before the title ("Kremlin Press Secretary"; "Armenian Prime Minister" through the demonyms).
A place after "to" is where an ambassador is sent, not whose ambassador he is: "Russian
Ambassador to Yerevan" is Russia's ambassador, and Yerevan is left to the quote, the contract
having no property for the receiving state.

A document gives one position per holder, title and owner: its fullest attestation (the title
in the name's phrase rather than beside it, then the first). A title without an owner
("Governor Ghukasyan") is the office the same document names with an owner, if it names one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention, demonym_mention
from kg.registry import Registry

# The classes an office can belong to: states, bodies and places (ckg:ofActor's range, less
# people and forces). New names the NER finds are typed Place or Organization, so they count.
OWNER_TYPES = {"State", "Organization", "NewsOrganization", "InternationalOrganization",
               "Alliance", "EconomicUnion", "Place", "AdministrativeRegion", "Settlement",
               "Territory"}
NOUN_PHRASE = {"DET", "ADJ", "NOUN", "PROPN"}
# Participles inside a noun phrase: "Armenia's governing Civil Contract party".
PARTICIPLES = {"VBG", "VBN"}
# What may follow an apposition: punctuation, its clause's verb, or a preposition ("X, the
# governor of Y since 2021, said"); a conjunction would make it one item of a list of names.
APPOSITION_ENDS = {"PUNCT", "VERB", "AUX", "ADP"}


@dataclass(frozen=True)
class PositionMention:
    """A person named with an office title; `span` is the characters of the body saying so.

    `owner` is the actor or place the office belongs to (for a demonym, a mention of the state
    at the demonym's characters). `beside` is true when the title stands in an apposition or a
    copula beside the name rather than in the name's own noun phrase.
    """

    holder: Mention
    title: str
    owner: Mention | None
    span: tuple[int, int]
    beside: bool


@dataclass(frozen=True)
class _Title:
    """A title found in a phrase: its tokens (qualifiers included) and canonical form."""

    tokens: tuple[Token, ...]
    name: str

    @property
    def first(self) -> Token:
        return self.tokens[0]

    @property
    def last(self) -> Token:
        return self.tokens[-1]


@dataclass(frozen=True)
class _Lexicon:
    titles: dict[tuple[str, ...], str]  # words of a spelling -> canonical title
    qualifiers: frozenset[str]
    not_held: dict[str, str]  # word -> the title's prefix ("former" -> "Former")
    owner_prepositions: frozenset[str]
    receiver_prepositions: frozenset[str]
    demonyms: dict[str, str]
    words: frozenset[str]  # words a title phrase may hold whatever their tag ("acting", "ex")


def find_positions(doc: Doc, mentions: Sequence[Mention], registry: Registry
                   ) -> list[PositionMention]:
    """Every position a person is named with, one per holder, title and owner, in text order.

    Raises ConfigError when a demonym of the lexicon names a key the registry lacks.
    """
    reader = _Reader(doc, mentions, registry)
    found: list[PositionMention] = []
    for mention in mentions:
        if mention.type != "Person":
            continue
        name = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        found += [p for p in (reader.before(mention, name), reader.apposition(mention, name),
                              reader.copula(mention, name), reader.titled(mention, name))
                  if p is not None]
    return _one_per_position(found)


class _Reader:
    """The readings of one document: its tokens, which mention covers each, and the registry."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], registry: Registry) -> None:
        self.doc = doc
        self.registry = registry
        self.lexicon = _lexicon()
        self.covering: dict[int, Mention] = {}
        # Tokens of people's names followed by 's: "Putin's spokesman Dmitry Peskov" keeps
        # its possessor inside the title phrase, whereas any other name ends the phrase.
        self.possessors: set[int] = set()
        for mention in mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            for token in span:
                self.covering.setdefault(token.i, mention)
            if mention.type == "Person" and span.end < len(doc) and doc[span.end].tag_ == "POS":
                self.possessors.update(token.i for token in span)

    def before(self, holder: Mention, name: Span) -> PositionMention | None:
        """'Syunik Governor Robert Ghukasyan': the title in the name's phrase, to its left."""
        phrase = self._phrase_before(name.start, name)
        title = self._title(phrase)
        if title is None or not (_joined(title, name.root) or self._owner_between(title, name)):
            return None
        return self._position(holder, name, phrase, title, beside=False)

    def _owner_between(self, title: _Title, name: Span) -> bool:
        """Whether only "of <owner>" stands between title and name ("President of Azerbaijan
        Ilham Aliyev"), which the parser tends to read as a name "Azerbaijan Ilham Aliyev"
        and so fails to join to the title. The owner must be a registry one: a new name there
        is as likely a common word the NER took for one ("Prime Minister of the Republic")."""
        between = self.doc[title.last.i + 1:name.start]
        owners = {self.covering.get(t.i) for t in between[1:]}
        owner = owners.pop() if len(owners) == 1 else None
        return (len(between) >= 2 and between[0].lower_ in self.lexicon.owner_prepositions
                and owner is not None and owner.linked and owner.type in OWNER_TYPES)

    def apposition(self, holder: Mention, name: Span) -> PositionMention | None:
        """'Hayk Konjoryan, the parliamentary leader of ...,': a title phrase after a comma.

        The parse often takes such a phrase for a subject of its own ("According to Alexey
        Overchuk, Russia's acting deputy prime minister, the issue was not raised"), so the
        apposition is read from its shape: a comma, modifiers, the title, an of-part, and then
        punctuation, a verb or a preposition; not "and" (a list of names: "Pashinyan, the
        president and ...") nor a name ("Peskov, Russian President Vladimir Putin": the title
        is Putin's).
        """
        doc = self.doc
        if name.end >= name.sent.end or doc[name.end].text != ",":
            return None
        phrase: list[Token] = []
        for token in doc[name.end + 1:name.sent.end]:
            if not self._in_phrase(token):
                break
            phrase.append(token)
        after = name.end + 1 + len(phrase)
        if after < name.sent.end and doc[after].pos_ not in APPOSITION_ENDS:
            return None
        title = self._title(phrase)
        if title is None or any(t.pos_ == "ADP" for t in phrase if t.i < title.first.i):
            return None
        return self._position(holder, name, phrase, title, beside=True)

    def titled(self, holder: Mention, name: Span) -> PositionMention | None:
        """'The CSTO Secretary-General, Imangali Tasmagambetov, said': a title phrase before a
        comma and the name in apposition to it, the phrase opening its clause (after a
        preposition, "to the president, Putin said", the title is someone else's)."""
        doc = self.doc
        if name.start - 1 <= name.sent.start or doc[name.start - 1].text != ",":
            return None
        if name.end < name.sent.end and doc[name.end].pos_ not in APPOSITION_ENDS:
            return None
        phrase = self._phrase_before(name.start - 1, name)
        # after a preposition or a verb ("After meeting the president, Aliyev said") the title
        # is someone else's, and the name the next clause's subject
        if not phrase or (phrase[0].i > name.sent.start
                          and doc[phrase[0].i - 1].pos_ in {"ADP", "VERB", "AUX"}):
            return None
        title = self._title(phrase)
        if title is None or any(t.pos_ == "ADP" for t in phrase if t.i < title.first.i):
            return None
        return self._position(holder, name, phrase, title, beside=True)

    def copula(self, holder: Mention, name: Span) -> PositionMention | None:
        """'X, who is the deputy speaker of ...' and 'X is Armenia's foreign minister'."""
        root = name.root
        verbs = [c for c in root.children if c.dep_ == "relcl" and c.lemma_ == "be"]
        if root.dep_ == "nsubj" and root.head.lemma_ == "be":
            verbs.append(root.head)
        for verb in verbs:
            for predicate in (c for c in verb.children if c.dep_ == "attr"):
                phrase: list[Token] = []
                for token in self.doc[predicate.left_edge.i:predicate.right_edge.i + 1]:
                    if not self._in_phrase(token):
                        break
                    phrase.append(token)
                title = self._title(phrase)
                if title is not None and predicate in title.tokens:
                    return self._position(holder, name, phrase, title, beside=True)
        return None

    def _position(self, holder: Mention, name: Span, phrase: list[Token], title: _Title,
                  beside: bool) -> PositionMention | None:
        owner = self._owner(phrase, title)
        parts = [(name.start_char, name.end_char),
                 (title.first.idx, title.last.idx + len(title.last))]
        if owner is not None:
            parts.append((owner.start, owner.end))
        span = (min(start for start, _ in parts), max(end for _, end in parts))
        return PositionMention(holder, title.name, owner, span, beside)

    def _phrase_before(self, end: int, name: Span) -> list[Token]:
        """The words of a title phrase that end just before doc[end], in `name`'s sentence."""
        phrase: list[Token] = []
        for token in reversed(self.doc[name.sent.start:end]):
            if not self._in_phrase(token):
                break
            phrase.insert(0, token)
        return phrase

    def _in_phrase(self, token: Token) -> bool:
        """Whether a token can stand inside a title phrase (see the module docstring)."""
        mention = self.covering.get(token.i)
        if mention is not None:
            return mention.type != "Person" or token.i in self.possessors
        if token.is_space:
            return "\n" not in token.text  # a line break ends a headline or a caption
        lexicon = self.lexicon
        return (token.pos_ in NOUN_PHRASE or token.tag_ in PARTICIPLES
                or token.tag_ == "POS" or token.lower_ in lexicon.words
                or (token.pos_ == "ADP" and token.lower_ in lexicon.owner_prepositions
                    | lexicon.receiver_prepositions)
                # a hyphen inside a word: "secretary-general", "ex-president"
                or (token.text == "-" and not token.whitespace_
                    and token.i > 0 and not self.doc[token.i - 1].whitespace_))

    def _title(self, phrase: list[Token]) -> _Title | None:
        """The first title of the phrase that is not a possessor, with its qualifiers."""
        words = [t for t in phrase if not t.is_space]
        index = 0
        while index < len(words):
            length, name = self._title_at(words, index)
            if not length:
                index += 1
                continue
            end = index + length
            following = words[end] if end < len(words) else None
            if following is None or following.tag_ != "POS":
                start = index
                while start > 0 and (words[start - 1].lower_ in self.lexicon.qualifiers
                                     or words[start - 1].text == "-"):
                    start -= 1
                qualifiers = [w.lower_ for w in words[start:index] if w.text != "-"]
                former = self.lexicon.not_held.get(words[start - 1].lower_) if start else None
                title = " ".join([*([former] if former else []),
                                  *(q.capitalize() for q in qualifiers), name])
                return _Title(tuple(words[start - bool(former):end]), title)
            index = end
        return None

    def _title_at(self, words: list[Token], index: int) -> tuple[int, str]:
        """The longest title spelling starting at words[index]: (its length, canonical)."""
        best = (0, "")
        for spelling, name in self.lexicon.titles.items():
            candidate = words[index:index + len(spelling)]
            if len(spelling) > best[0] and len(candidate) == len(spelling) and all(
                    word in (token.lower_, token.lemma_.lower())
                    for word, token in zip(spelling, candidate, strict=True)) \
                    and candidate[-1].pos_ not in {"VERB", "AUX"}:  # "heads", "leads"
                best = (len(spelling), name)
        return best

    def _owner(self, phrase: list[Token], title: _Title) -> Mention | None:
        """The last actor or place of the title's of/for part, else of its modifiers."""
        words = [t for t in phrase if not t.is_space]
        after = [t for t in words if t.i > title.last.i]
        own: list[Token] = []
        if after and after[0].lower_ in self.lexicon.owner_prepositions:
            for token in after[1:]:
                if token.pos_ == "ADP" and token.i not in self.covering \
                        and token.lower_ not in self.lexicon.owner_prepositions:
                    break  # "Ambassador of Russia to Armenia": the receiver is not the owner
                own.append(token)
        before = [t for t in words if t.i < title.first.i]
        for part in (own, before):
            owners = self._owners(part, title)
            if owners:
                return owners[-1]
        return None

    def _owners(self, tokens: list[Token], title: _Title) -> list[Mention]:
        owners: list[Mention] = []
        title_span = (title.first.idx, title.last.idx + len(title.last))
        for token in tokens:
            mention = self.covering.get(token.i)
            # A mention overlapping the title is the NER misreading it ("Kazakh President" as
            # an organization): read its words instead.
            if mention is not None and not (mention.start < title_span[1]
                                            and title_span[0] < mention.end):
                if mention.type in OWNER_TYPES and (not owners or owners[-1] != mention):
                    owners.append(mention)
                continue
            key = self.lexicon.demonyms.get(token.text)
            if key is not None:
                owners.append(demonym_mention(token, key, self.registry))
        return owners


def _joined(title: _Title, root: Token) -> bool:
    """Whether the parse puts title and name in one phrase: one is an ancestor of the other."""
    return any(t == root or t.is_ancestor(root) or root.is_ancestor(t) for t in title.tokens)


def _one_per_position(found: list[PositionMention]) -> list[PositionMention]:
    """The best attestation of each office in a document (see the module docstring)."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for position in found:
        if position.owner is not None:
            owners[(position.holder.node, position.title)].add(position.owner.node)
    best: dict[tuple[str, str, str | None], PositionMention] = {}
    for position in found:
        office = (position.holder.node, position.title)
        if position.owner is None and len(owners[office]) == 1:
            continue  # the office the document names in full elsewhere
        key = (*office, position.owner.node if position.owner else None)
        if key not in best or _rank(position) > _rank(best[key]):
            best[key] = position
    return sorted(best.values(), key=lambda p: p.span)


def _rank(position: PositionMention) -> tuple[bool, int]:
    return not position.beside, -position.span[0]


LEXICON_KEYS = ("titles", "qualifiers", "not_held", "owner_prepositions",
                "receiver_prepositions", "demonyms")


@cache
def _lexicon() -> _Lexicon:
    data = read_lexicon("positions", required=LEXICON_KEYS)

    def words(key: str) -> frozenset[str]:
        return frozenset(word.lower() for word in data[key])

    # "secretary-general" is three tokens to spaCy: split spellings the same way.
    titles = {tuple(re.findall(r"[^\s-]+|-", spelling.lower())): name
              for name, spellings in data["titles"].items() for spelling in spellings}
    qualifiers = words("qualifiers")
    not_held = {word.lower(): prefix for word, prefix in data["not_held"].items()}
    title_words = frozenset(word for spelling in titles for word in spelling)
    return _Lexicon(titles, qualifiers, not_held, words("owner_prepositions"),
                    words("receiver_prepositions"), dict(data["demonyms"]),
                    title_words | qualifiers | frozenset(not_held))
