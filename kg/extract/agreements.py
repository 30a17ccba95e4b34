"""Agreements from cue words (lexicons/agreements.yaml), the dependency parse and the events.

Runs once the events and positions of a document are known; the `agreements` stage
(kg/stages/agreements.py) turns what is found here into ckg:Agreement nodes. Each reading is
anchored on a cue word outside the headlines:

- a verb: "Putin and Pashinyan agreed on the withdrawal", "the two countries decided to ...";
  its subject (or `by` agent, or `with` partner) agreed;
- a noun: "an agreement between X and Y", "the decision ... was made by X and Y", "X has
  pursued an agreement with Y", "the CSTO resolution", a "trilateral statement", or any name
  of a registry Agreement the entity ruler found ("Almaty Declaration", "Russian-brokered
  cease-fire"). The verb concluding it (lexicon `concluding`: "X and Y reached an agreement",
  "agreed to a cease-fire") gives who agreed; one only seeking it (`negotiating`) gives a party
  but no signatory.

Who: people are ckg:agreedBy, and each binds the state or international organization whose
office the document gives him (the positions stage: "Russian President Vladimir Putin" acts for
Russia); states and organizations are parties; a city stands for the state it lies in ("an
agreement between Moscow and Baku"); a name or demonym in front of the noun is a party ("the
CSTO resolution", a "Russian-brokered cease-fire"). A passive with no agent takes the people of
the meeting it was reached at ("was agreed upon during a meeting between X and Y"). Only names
and dates on the cue's own line of its sentence count (kg/extract/nlp.py `sentence_span`): the
parser runs headlines, captions and bylines into the next sentence.

What: the events (of the events stage) whose trigger lies in the clause the agreement governs:
the verb's clause without its subject ("agreed to withdraw ...", "the withdrawal ... was agreed
upon"), the noun's phrase with the verb concluding it ("an agreement had been reached to
withdraw ..."), or, after a `basis` phrase, the clause the phrase is attached to ("According to
the agreement, the guards ... will end their deployment and withdraw", "will continue to be
deployed ... following an agreement", "stationed here on the basis of a trilateral
statement"). An event inside several agreements' clauses belongs to the innermost. After a
`basis` phrase naming nobody, the subject of that clause and the object of its "to" are parties
("Under a deal reached on April 19, Armenia handed four villages to Azerbaijan"). A meeting
there is where the agreement was reached; failing one, a meeting of the previous sentence with
one of the same people or states. A state whose force an agreement deploys or withdraws is
bound by it, hence a party. Its kind is the class of the provision nearest the clause's root,
an event's or an event word's ("agreed on the withdrawal": Withdrawal).

When: the date in the clause of the cue or of its concluding verb (kg/extract/events.py
`date_in_clause`), else the meeting's.

One agreement per document: readings naming the same registry agreement are one; a reading
whose people and states are all among another's, about the same kind of event (or about none,
with the same people and states), joins the nearest such; a reading naming nobody ("According
to the agreement", "an agreement had been reached to withdraw ...") joins the nearest earlier
agreement of its kind. What is left needs two actors, an international organization, or a
registry name to count: "the Kremlin's decision" alone is no agreement. The fullest reading
(most actors, then provisions, then a kind, then the first) is the one quoted as evidence. An
agreement told without its name is the registry agreement of the same parties and date, when
the registry knows just one (its curated `roles: {party: [...]}` and `date`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from rdflib import URIRef
from spacy.tokens import Doc, Token

from kg import iris
from kg.extract.dates import DateMention
from kg.extract.events import ORGANIZATIONS, EventMention, date_in_clause
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention, as_state, demonym_mention
from kg.extract.nlp import in_heading, sentence_span
from kg.extract.positions import PositionMention
from kg.extract.roles import named_entities
from kg.registry import Registry

# Who can be bound by an agreement (ckg:party's range, less people, who are ckg:agreedBy).
PARTIES = frozenset({"State", "Organization"}) | ORGANIZATIONS
# Whose offices make their holder act for them: "Russian President", "CSTO Secretary General".
OFFICE_OWNERS = frozenset({"State"}) | ORGANIZATIONS
CITIES = frozenset({"Settlement"})
# How a noun attaches to the verb concluding it: object, passive subject, "agree to/on it".
GOVERNED = {"dobj", "nsubjpass", "nsubj"}
GOVERNING_PREPOSITIONS = {"to", "on", "upon"}
# Modifiers of an agreement noun that are not an agreement of their own ("cease-fire deal").
MODIFIERS = {"compound", "nmod", "amod"}
RELATIVE_TAGS = {"WP", "WDT"}
SHARING = {"conj", "xcomp"}  # along these a verb shares its subject and clause
DEFINITE = {"the", "both", "these", "those"}  # "the two leaders" refers back to people named


@dataclass
class AgreementMention:
    """One cue word's reading; `scope` is the token indices of the clause it governs.

    Only names and dates on the cue's own line of its sentence count (kg/extract/nlp.py
    `sentence_span`): the parser runs captions and bylines into the next sentence.
    """

    cue: Token
    root: Token  # the word the clause hangs from: the cue, its verb, or the basis clause's verb
    scope: frozenset[int]
    parties: dict[URIRef, Mention]
    agreed_by: dict[URIRef, Mention]
    key: str | None  # the registry agreement it names by name, if any
    date: DateMention | None
    inferred: bool  # some actor was read from a meeting or a city rather than named
    provides: list[EventMention] = field(default_factory=list)
    meetings: list[EventMention] = field(default_factory=list)
    kind: str | None = None

    @property
    def actors(self) -> set[URIRef]:
        return set(self.parties) | set(self.agreed_by)

    @property
    def sentence(self) -> tuple[int, int]:
        return sentence_span(self.cue)


@dataclass
class Agreement:
    """An agreement as one document states it: its readings merged, `span` quoting the fullest.

    `key` is the registry agreement the text names, if any, `known` the one it describes
    without naming it (`_known_agreement`); `kind` the class of its nearest provision.
    `inferred` is true when some actor was not named where the quoted reading names them.
    """

    key: str | None
    parties: list[Mention]
    agreed_by: list[Mention]
    kind: str | None
    provides: list[EventMention]
    meetings: list[EventMention]
    date: DateMention | None
    span: tuple[int, int]
    inferred: bool
    known: str | None = None  # the registry agreement the text describes without its name


@dataclass(frozen=True)
class _Lexicon:
    verbs: frozenset[str]
    nouns: frozenset[str]
    modified_nouns: dict[str, frozenset[str]]
    concluding: frozenset[str]
    negotiating: frozenset[str]
    between: frozenset[str]
    basis: tuple[tuple[str, ...], ...]
    demonyms: dict[str, str]
    triggers: dict[str, str]  # event trigger lemma or "lemma child-lemma" phrase -> class


def find_agreements(doc: Doc, mentions: Sequence[Mention], events: Sequence[EventMention],
                    positions: Sequence[PositionMention], dates: Sequence[DateMention],
                    registry: Registry) -> list[Agreement]:
    """Every agreement the parsed body states, one per agreement, in text order.

    Raises ConfigError when a demonym of lexicons/positions.yaml names a key the registry
    lacks.
    """
    reader = _Reader(doc, mentions, positions, registry)
    readings = [reader.read(cue, key, dates) for cue, key in _cues(doc, mentions)]
    _assign(readings, events)
    for reading in readings:
        reading.kind = _kind(reading)
        if not reading.meetings:
            reading.meetings = _meetings_before(reading, events)
        reader.meeting_people(reading)
    found = [_agreement(group, registry) for group in _merge(readings)]
    return sorted((a for a in found if a is not None), key=lambda a: a.span)


class _Reader:
    """Reads one cue word: its clause, its people and parties, its registry name and date."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention],
                 positions: Sequence[PositionMention], registry: Registry) -> None:
        self.doc = doc
        self.mentions = mentions
        self.registry = registry
        self.lexicon = _lexicon()
        self.offices: dict[URIRef, list[Mention]] = {}
        for position in positions:
            if position.owner is not None and position.owner.type in OFFICE_OWNERS:
                self.offices.setdefault(position.holder.node, []).append(position.owner)

    def read(self, cue: Token, key: str | None, dates: Sequence[DateMention]
             ) -> AgreementMention:
        """The reading of one cue word (a verb, or a noun naming an agreement): its clause,
        who it names, and the date of its clause; events and meetings come later."""
        lexicon = self.lexicon
        signers: list[Token] = []  # their people agreed, their states are parties
        seekers: list[Token] = []  # parties only
        noun = key is not None or cue.pos_ != "VERB"
        clause = cue
        if noun:
            governor = _governor(cue)
            if governor is not None and governor.lemma_.lower() in lexicon.concluding:
                signers = _subjects(governor)
                clause = governor
            elif governor is not None and governor.lemma_.lower() in lexicon.negotiating:
                seekers = _subjects(governor)
            signers += _partners(cue, lexicon.between) + [
                child for child in cue.children if child.dep_ == "poss"]
            root, scope = self._noun_scope(cue, governor, clause)
            if not signers and not seekers and root is not clause:
                seekers = _sides(root)  # "Under a deal ..., Armenia handed X to Azerbaijan"
        else:
            signers = _subjects(cue) + _partners(cue, lexicon.between)
            root, scope = cue, _subtree(cue, without=_active_subjects(cue))
        start, end = sentence_span(cue)
        date = date_in_clause(clause, [d for d in dates if start <= d.start and d.end <= end])
        reading = AgreementMention(cue, root, scope, {}, {}, key, date, inferred=False)
        self._add_actors(reading, signers, sign=True)
        self._add_actors(reading, seekers, sign=False)
        if noun:
            self._add_modifiers(reading, cue)
        return reading

    def meeting_people(self, reading: AgreementMention) -> None:
        """A reading naming nobody, reached at a meeting of its clause: the meeting's people.

        (Meetings of the previous sentence are only taken by readings that name someone.)
        """
        if reading.actors:
            return
        for meeting in reading.meetings:
            for mention in meeting.roles.get("participant", []):
                self._add(reading, mention, sign=True)
        reading.inferred = bool(reading.actors)

    def _noun_scope(self, noun: Token, governor: Token | None, clause: Token
                    ) -> tuple[Token, frozenset[int]]:
        """The root and tokens of the clause an agreement noun governs (module docstring)."""
        basis = self._basis_clause(noun)
        if basis is not None:
            return basis, _subtree(basis)
        if clause is not noun:
            return clause, _subtree(clause, without=_active_subjects(clause))
        return noun, _subtree(noun)

    def _basis_clause(self, noun: Token) -> Token | None:
        """The verb a `basis` phrase attaches the agreement to, at the top of its coordination."""
        start = noun.left_edge.i
        for phrase in self.lexicon.basis:
            first = start - len(phrase)
            if first < noun.sent.start or tuple(
                    t.lower_ for t in self.doc[first:start]) != phrase:
                continue
            verbs = [a for a in noun.ancestors if a.pos_ in {"VERB", "AUX"}]
            # "based on an agreement": the phrase's own verb is the clause when nothing is above
            outside = [v for v in verbs if v.i < first or v.i >= start]
            verb = (outside or verbs or [None])[0]
            while verb is not None and verb.dep_ in SHARING and verb.head is not verb:
                verb = verb.head
            return verb
        return None

    def _add_actors(self, reading: AgreementMention, tokens: list[Token], sign: bool) -> None:
        """The actors the tokens name: the name each token (or a conjunct) is part of, else
        those in its phrase ("the top leadership of Azerbaijan and Russia")."""
        start, end = reading.sentence
        for token in tokens:
            for head in (token, *token.conjuncts):
                mention = _covering(head, self.mentions)
                found = [mention] if mention is not None else named_entities(head, self.mentions)
                for each in found:
                    if start <= each.start and each.end <= end:
                        self._add(reading, each, sign)

    def _add(self, reading: AgreementMention, mention: Mention, sign: bool) -> None:
        """A person signs (when `sign`) and binds his office's owner; states and
        organizations are parties; a city stands for its state."""
        if mention.type == "Person":
            if sign:
                reading.agreed_by.setdefault(mention.node, mention)
            for office in self.offices.get(mention.node, []):
                reading.parties.setdefault(office.node, office)
        elif mention.type in PARTIES:
            reading.parties.setdefault(mention.node, mention)
        elif mention.type in CITIES:
            state = as_state(mention, self.registry)
            if state.type == "State":
                reading.parties.setdefault(state.node, state)
                reading.inferred = True

    def _add_modifiers(self, reading: AgreementMention, noun: Token) -> None:
        """Actors named in front of the noun: "the CSTO resolution", "Russian-brokered"."""
        start, end = reading.sentence
        for child in noun.lefts:
            for token in child.subtree:
                if not start <= token.idx < end:
                    continue
                mention = _covering(token, self.mentions)
                if mention is not None and mention.type != "Agreement":
                    self._add(reading, mention, sign=False)
                elif token.text in self.lexicon.demonyms:
                    key = self.lexicon.demonyms[token.text]
                    self._add(reading, demonym_mention(token, key, self.registry), sign=False)


def _cues(doc: Doc, mentions: Sequence[Mention]) -> list[tuple[Token, str | None]]:
    """The cue words outside headlines, each with the registry agreement it names, if any.

    A verb whose object is an agreement noun ("agreed to a cease-fire") is read through the
    noun, not on its own.
    """
    named: dict[int, str] = {}
    for mention in mentions:
        if mention.type == "Agreement" and mention.key:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            named[span.root.i] = mention.key
    lexicon = _lexicon()
    # "Treaty" in "Collective Security Treaty Organization" is part of another entity's name
    in_names = {t.i for m in mentions if m.type != "Agreement"
                for t in doc.char_span(m.start, m.end, alignment_mode="expand")}
    nouns = [t for t in doc if t.i in named
             or (t.i not in in_names and _noun_cue(t, lexicon))]
    governors = {g.i for g in map(_governor, nouns) if g is not None}
    verbs = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() in lexicon.verbs
             and t.i not in governors]
    cues = sorted(nouns + verbs, key=lambda t: t.i)
    return [(t, named.get(t.i)) for t in cues if not in_heading(t) and not _negated(t)]


def _negated(cue: Token) -> bool:
    """Whether a cue says no agreement was made: "did not agree", "made no joint statement",
    "no agreement was reached" (a negated verb, or "no" before the noun)."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in cue.children):
        return True
    verb = cue if cue.pos_ == "VERB" else _governor(cue)
    return verb is not None and any(c.dep_ == "neg" for c in verb.children)


def _noun_cue(token: Token, lexicon: _Lexicon) -> bool:
    """Whether a noun names an agreement and heads its phrase ("deal", not the "cease-fire" of
    a "cease-fire deal")."""
    if token.pos_ not in {"NOUN", "PROPN"}:
        return False
    lemma = token.lemma_.lower()
    modifiers = lexicon.modified_nouns.get(lemma)  # most nouns have none: no children to read
    if not (lemma in lexicon.nouns or _hyphenated(token) in lexicon.nouns
            or (modifiers and any(child.lower_ in modifiers for child in token.children
                                  if child.dep_ in MODIFIERS))):
        return False
    return not (token.dep_ in MODIFIERS and _noun_cue(token.head, lexicon))


def _governor(noun: Token) -> Token | None:
    """The verb an agreement noun is the object or passive subject of, or agreed "to"/"on"."""
    if noun.dep_ in GOVERNED:
        head = noun.head
    elif (noun.dep_ == "pobj" and noun.head.dep_ == "prep"
          and noun.head.lower_ in GOVERNING_PREPOSITIONS):
        head = noun.head.head
    else:
        return None
    return head if head.pos_ in {"VERB", "AUX"} and head is not noun else None


def _sides(verb: Token) -> list[Token]:
    """The subject of a clause an agreement is the basis of and the object of its "to": the
    sides it moves something between ("Armenia handed four villages to Azerbaijan")."""
    return [c for c in verb.children if c.dep_ == "nsubj"] + [
        o for c in verb.children if c.dep_ == "prep" and c.lower_ == "to"
        for o in c.children if o.dep_ == "pobj"]


def _subjects(verb: Token) -> list[Token]:
    """Active subjects (shared along conj/xcomp when the verb has none) and `by` agents.

    A relative pronoun stands for the noun its clause modifies ("X, who agreed ...").
    """
    own = [c for c in verb.children if c.dep_ == "nsubj"]
    passive = any(c.dep_ in {"nsubjpass", "csubjpass"} for c in verb.children)
    head = verb
    while not own and not passive and head.dep_ in SHARING and head.head is not head:
        head = head.head
        own = [c for c in head.children if c.dep_ == "nsubj"]
    own = [head.head if t.tag_ in RELATIVE_TAGS and head.dep_ == "relcl" else t for t in own]
    agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children
              if p.dep_ == "pobj"]
    return own + agents


def _active_subjects(verb: Token) -> list[Token]:
    """The verb's own subjects, as written: the agreers, whom its clause leaves out."""
    return [c for c in verb.children if c.dep_ == "nsubj"]


def _partners(word: Token, prepositions: frozenset[str]) -> list[Token]:
    """The objects of "between", "with" ... on the word."""
    return [p for c in word.children if c.dep_ == "prep" and c.lower_ in prepositions
            for p in c.children if p.dep_ == "pobj"]


def _subtree(word: Token, without: Iterable[Token] = ()) -> frozenset[int]:
    left_out = {t.i for other in without for t in other.subtree}
    return frozenset(t.i for t in word.subtree if t.i not in left_out)


def _covering(token: Token, mentions: Sequence[Mention]) -> Mention | None:
    return next((m for m in mentions if m.start <= token.idx < m.end), None)


def _hyphenated(token: Token) -> str:
    """The word the token ends, hyphens included: "cease-fire" for the token "fire"."""
    doc, index, text = token.doc, token.i, token.lower_
    while (index >= 2 and doc[index - 1].text == "-" and not doc[index - 1].whitespace_
           and not doc[index - 2].whitespace_):
        text = f"{doc[index - 2].lower_}-{text}"
        index -= 2
    return text


def _assign(readings: list[AgreementMention], events: Sequence[EventMention]) -> None:
    """Each event to the innermost reading whose clause holds its trigger: meetings apart."""
    for event in events:
        holders = [r for r in readings if event.trigger.i in r.scope]
        if holders:
            inner = min(holders, key=lambda r: len(r.scope))
            (inner.meetings if event.type == "Meeting" else inner.provides).append(event)


def _kind(reading: AgreementMention) -> str | None:
    """The class of the provision nearest the clause's root in the tree: a provided event's,
    else an event word's ("agreed on the withdrawal" is about a Withdrawal even where the text
    names no force). Meetings are where an agreement is reached, not what it provides."""
    provided = {event.trigger.i: event.type for event in reading.provides}
    triggers = _lexicon().triggers
    queue = deque([reading.root])
    while queue:
        token = queue.popleft()
        queue.extend(c for c in token.children if c.i in reading.scope)
        lemma = token.lemma_.lower()
        words = [lemma, *(f"{lemma} {child.lemma_.lower()}" for child in token.children)]
        kind = provided.get(token.i) or next((triggers[w] for w in words if w in triggers), None)
        if kind is not None and kind != "Meeting":
            return kind
    return None


def _meetings_before(reading: AgreementMention, events: Sequence[EventMention]
                     ) -> list[EventMention]:
    """Meetings of the previous sentence with one of the reading's people or states; for a
    reading whose subject only refers back to people ("The two leaders agreed that ..."), the
    one meeting of the previous sentence, if it tells just one."""
    sentence = reading.cue.sent
    doc = reading.cue.doc
    index = sentence.start - 1
    while index >= 0 and doc[index].is_space:
        index -= 1
    if index < 0 or not (reading.actors or _refers_back(reading.cue)):
        return []
    previous = doc[index].sent
    meetings = [e for e in events if e.type == "Meeting"
                and previous.start <= e.trigger.i < previous.end]
    if not reading.actors:
        return meetings if len({id(e.trigger) for e in meetings}) == 1 else []
    return [e for e in meetings
            if reading.actors & {m.node for m in e.roles.get("participant", [])}]


def _refers_back(cue: Token) -> bool:
    """Whether the subject of a verb cue, or of the verb concluding a noun cue, is a definite
    plural noun, which refers back to people named before rather than naming them ("the two
    leaders agreed", "the three leaders signed a joint statement")."""
    verb = cue if cue.pos_ == "VERB" else _governor(cue)
    return verb is not None and any(
        subject.tag_ == "NNS" and any(c.dep_ in {"det", "predet"} and c.lower_ in DEFINITE
                                      for c in subject.children)
        for subject in _subjects(verb))


def _merge(readings: list[AgreementMention]) -> list[list[AgreementMention]]:
    """Readings of one agreement grouped (see the module docstring), in text order."""
    groups: list[list[AgreementMention]] = []
    named: dict[str, list[AgreementMention]] = {}
    for reading in readings:
        if reading.key is not None and reading.key in named:
            named[reading.key].append(reading)
            continue
        groups.append([reading])
        if reading.key is not None:
            named[reading.key] = groups[-1]
    for group in sorted(groups, key=lambda g: (len(_actors(g)), _first(g))):
        if not any(kept is group for kept in groups):
            continue
        targets = [other for other in groups if other is not group and _joins(group, other)]
        if targets:
            nearest = min(targets, key=lambda other: abs(_first(other) - _first(group)))
            nearest.extend(group)
            groups.remove(group)
    return groups


def _joins(group: list[AgreementMention], other: list[AgreementMention]) -> bool:
    """Whether `group` is a partial reading of the agreement `other` states."""
    key, other_key = _key(group), _key(other)
    if key is not None and (other_key is None or other_key != key):
        return False
    actors, kinds = _actors(group), _kinds(group)
    if not actors:
        return _first(other) < _first(group) and bool(kinds & _kinds(other)) and bool(
            _actors(other) or other_key)
    if not actors <= _actors(other):
        return False
    return bool(kinds & _kinds(other)) or (not kinds and actors == _actors(other))


def _actors(group: list[AgreementMention]) -> set[URIRef]:
    return set().union(*(reading.actors for reading in group))


def _kinds(group: list[AgreementMention]) -> set[str]:
    return {reading.kind for reading in group if reading.kind is not None}


def _key(group: list[AgreementMention]) -> str | None:
    return next((reading.key for reading in group if reading.key is not None), None)


def _first(group: list[AgreementMention]) -> int:
    return min(reading.cue.i for reading in group)


def _agreement(group: list[AgreementMention], registry: Registry) -> Agreement | None:
    """The agreement a group states, or None when it names too few actors to be one."""
    group = sorted(group, key=lambda r: r.cue.i)
    best = max(group, key=lambda r: (len(r.actors), bool(r.provides), r.kind is not None,
                                     -r.cue.i))
    parties: dict[URIRef, Mention] = {}
    agreed_by: dict[URIRef, Mention] = {}
    for reading in [best, *group]:
        parties.update({k: v for k, v in reading.parties.items() if k not in parties})
        agreed_by.update({k: v for k, v in reading.agreed_by.items() if k not in agreed_by})
    inferred = best.inferred or set(parties) | set(agreed_by) != best.actors
    provides = [e for reading in group for e in reading.provides]
    for event in provides:
        for force in event.roles.get("force", []):
            owner = registry.entities[force.key].force_of if force.key else None
            if owner is not None and iris.entity(owner) not in parties:
                parties[iris.entity(owner)] = _party(owner, force.start, force.end, registry)
                inferred = True
    key = _key(group)
    if key is not None:  # a registry agreement named in the text binds its curated parties
        named = next(r.cue for r in group if r.key == key)
        for owner in registry.entities[key].roles.get("party", ()):
            if iris.entity(owner) not in parties and owner in registry.entities:
                parties[iris.entity(owner)] = _party(owner, named.idx, named.idx + len(named),
                                                     registry)
                inferred = True
    if key is None and len(set(parties) | set(agreed_by)) < 2 and not any(
            m.type in ORGANIZATIONS for m in parties.values()):
        return None
    dates = [date for r in [best, *group]
             for date in (r.date, *(m.date for m in r.meetings)) if date is not None]
    kind = best.kind or min(_kinds(group), default=None)
    meetings = [m for reading in group for m in reading.meetings]
    date = dates[0] if dates else None
    known = None if key is not None else _known_agreement(list(parties.values()), date,
                                                           registry)
    return Agreement(key, list(parties.values()), list(agreed_by.values()), kind, provides,
                     meetings, date, best.sentence, inferred, known)


def _party(key: str, start: int, end: int, registry: Registry) -> Mention:
    """A registry party of an agreement, read at body[start:end] (a force it moves, or the
    agreement's name) rather than named there."""
    entity = registry.entities[key]
    return Mention(iris.entity(key), entity.type, start, end, key, entity.label)


def _known_agreement(parties: Sequence[Mention], date: DateMention | None, registry: Registry
                     ) -> str | None:
    """The one registry agreement with just these parties (two or more) whose date, where
    both give one, overlaps the text's: "an agreement between Moscow and Baku" is the
    registry's Russia-Azerbaijan agreement when the registry knows only one."""
    keys = {m.key for m in parties}
    if None in keys or len(keys) < 2:
        return None
    fitting = [entity.key for entity in registry if entity.type == "Agreement"
               and set(entity.roles.get("party", ())) == keys
               and not (date and entity.date and (date.latest < entity.date[0]
                                                  or entity.date[1] < date.earliest))]
    return fitting[0] if len(fitting) == 1 else None


@cache
def _lexicon() -> _Lexicon:
    """lexicons/agreements.yaml, with the event triggers and the demonyms of the positions
    lexicon; raises ConfigError naming what the file lacks."""
    keys = ("verbs", "nouns", "modified_nouns", "concluding", "negotiating", "between", "basis")
    data = read_lexicon("agreements", required=keys)

    def words(key: str) -> frozenset[str]:
        return frozenset(word.lower() for word in data[key])

    triggers = {word: cls for cls, entry in read_lexicon("events").items()
                for word in entry.get("lemmas", []) + entry.get("phrases", [])}
    return _Lexicon(
        words("verbs"), words("nouns"),
        {noun: frozenset(m.lower() for m in modifiers)
         for noun, modifiers in data["modified_nouns"].items()},
        words("concluding"), words("negotiating"), words("between"),
        tuple(sorted((tuple(phrase.lower().split()) for phrase in data["basis"]),
                     key=len, reverse=True)),
        dict(read_lexicon("positions")["demonyms"]), triggers)
