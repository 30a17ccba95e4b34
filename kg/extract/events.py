"""Events from trigger words (lexicons/events.yaml) and their roles from the dependency parse.

For each token whose lemma triggers an event class, the arguments the parse gives it
(kg/extract/roles.py) are sorted into roles by the class of the entity each names: military
forces are the `force`, actors in subject or `by` position the `agent`, places after a
locative preposition the `location`, the organization left or frozen the `affected`. A trigger
without the roles its class needs is not an event. One event is made per location, so an
agreement to withdraw "from Tavush, Syunik and Ararat" gives three planned withdrawals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from spacy.tokens import Doc, Token

from kg import iris
from kg.extract.dates import Anchor, DateMention
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import Mention, as_state, demonym_mention
from kg.extract.nlp import sentence_span
from kg.extract.roles import (
    Argument,
    arguments,
    covers,
    named_entities,
    named_entity,
    own_phrase,
    participial,
    token_starts,
)
from kg.registry import FORCE_TYPES, Entity, Registry

FORCES = FORCE_TYPES
PLACES = {"Place", "AdministrativeRegion", "Settlement", "Border", "Facility", "Territory"}
ORGANIZATIONS = {"InternationalOrganization", "Alliance", "EconomicUnion"}
ACTORS = {"State", "Person", "Organization", "NewsOrganization"} | ORGANIZATIONS
AGENT_RELATIONS = {"subject", "by", "possessor", "compound", "head", "adjective"}
MODIFIERS = {"adjective", "compound"}  # where a demonym may stand for its state
# Relations in which a city can only be its state's government acting ("Moscow withdrew").
STATE_SPEAKS = {"subject", "by", "possessor"}
LOCATIVE = {"from", "in", "to", "into", "on", "at", "near", "along", "across", "within",
            "out of", "inside", "throughout", "around"}
PARTICIPATIVE = {"with", "between", "among"}
# Events a state carries out through its armed forces: the forces named act, their state is
# the agent ("Azerbaijani troops attacked ...").
ARMED_ACTS = {"MilitaryOperation", "Capture"}
POSSESSIVE_PRONOUNS = {"its", "their"}  # "its forces": the forces of the state named before
BE_FORMS = {"is", "are", "was", "were", "been", "be"}
PRESENT_TAGS = {"VBP", "VBZ"}  # the simple present: an event told as going on
HAVE_FORMS = {"have", "has", "had"}


# The relations a trigger's framing (lexicons/events.yaml) names, and those each stands for.
FRAMED_RELATIONS = {"subject": {"subject", "head", "by"}, "object": {"object"}}


@dataclass(frozen=True)
class Trigger:
    cls: str
    needs: frozenset[str]
    instead: dict[str, str]
    # for a word whose subject or object plays another role than usual: the role each takes
    framing: dict[str, str] = field(default_factory=dict)
    strict: bool = False  # without a role it needs, the word is no event at all (not bare)


@dataclass
class EventMention:
    """An event as one sentence states it; role values are entity mentions."""

    type: str
    trigger: Token
    roles: dict[str, list[Mention]] = field(default_factory=dict)
    status: str | None = None
    inferred: bool = False  # some role came from a neighbouring verb or clause
    date: DateMention | None = None
    known: str | None = None  # the registry event this one is, when the text describes it
    # places the text names only as holding the event's ("from regions of Armenia")
    within: set[str] = field(default_factory=set)
    bare: bool = False  # no role its class needs: kept only as the registry event its date fits
    # the date of what the sentence does to an event noun, which tells which registry event
    context_date: DateMention | None = None

    @property
    def sentence(self) -> tuple[int, int]:
        return sentence_span(self.trigger)


def find_events(doc: Doc, mentions: Sequence[Mention], dates: Sequence[DateMention] = (),
                registry: Registry | None = None, anchor: Anchor | None = None
                ) -> list[EventMention]:
    """Every event the parsed body states, in text order, one per location, dated where the
    trigger's own clause gives a date. The registry, when given, names the borders between
    states a location phrase speaks of, and which places lie in which. An event whose grammar
    tells no status but whose date ended before the `anchor` (the publication date) is
    Completed."""
    triggers, phrase_starts = _triggers(), _phrase_starts()
    borders = _borders(registry)
    containers = _containers(registry)
    found: list[EventMention] = []
    for token in doc:
        # only verbs and nouns trigger: test that first, before any phrase ("have" is mostly
        # an auxiliary, and starts a phrase trigger: "have a call")
        if token.pos_ not in {"VERB", "NOUN"}:
            continue
        lemma = token.lemma_.lower()
        trigger = ((_phrase_trigger(token, triggers) if lemma in phrase_starts else None)
                   or triggers.get(lemma))
        if trigger is None:
            continue
        event = _event(token, trigger, mentions, borders, containers, registry)
        if event is not None:
            event.date = date_in_clause(token, dates)
            if event.date is None and token.dep_ in {"dobj", "pobj"}:
                # "ending the bloodshed in the fall of 2020", "failing to stop Azerbaijan's
                # offensive in September": the date of what is done to it tells which event
                # it is; it is the event's own only when nothing else tells the event
                event.context_date = date_in_clause(token.head, dates)
                if event.bare:
                    event.date = event.context_date
            found += [e for e in _per_location(event) if not any(
                e.type == other.type and e.roles == other.roles and e.sentence == other.sentence
                for other in found)]
    found = _one_per_side(found)
    for event in found:
        event.known = _known_event(event, registry, containers)
        if event.status is None and ended_before(event.date, event.known, registry, anchor):
            event.status = "Completed"
    # a bare event is kept as the registry event it is, unless its sentence tells it anyway:
    # by another trigger ("launched an offensive": the phrase and its noun) or by its name
    # ("the 44-day war", which the named-events stage cites)
    found = [event for event in found
             if not event.bare or (event.known and not _told_anyway(event, found, mentions))]
    for index, event in enumerate(found):
        antecedent = _antecedent(event, found, index, containers)
        if antecedent is not None:
            event.roles, event.known = dict(antecedent.roles), antecedent.known
            event.inferred = True
    for index, event in enumerate(found):
        places = _deployed_places(event, found[:index])
        if places:
            event.roles["location"], event.inferred = places, True
    return [split for event in found for split in _per_location(event)]


def _deployed_places(event: EventMention, before: Sequence[EventMention]) -> list[Mention]:
    """Where an event naming its force but no place happens: where the document last said the
    force was (lexicons/events.yaml's `places_from`). "Our military and border guards were
    deployed to several Armenian regions ... Putin agreed to withdraw our military and border
    guards": they withdraw from Armenia."""
    source = _places_from().get(event.type)
    forces = {m.key for m in event.roles.get("force", [])}
    if source is None or "location" in event.roles or event.known or not forces:
        return []
    for other in reversed(before):
        if other.type == source and "location" in other.roles and forces & {
                m.key for m in other.roles.get("force", [])}:
            return list(other.roles["location"])
    return []


@cache
def _places_from() -> dict[str, str]:
    """For each event class that may leave its place untold, the class whose place it takes."""
    return {cls: entry["places_from"] for cls, entry in read_lexicon("events").items()
            if "places_from" in entry}


def _told_anyway(event: EventMention, found: Sequence[EventMention],
                 mentions: Sequence[Mention]) -> bool:
    """Whether a bare event's sentence tells it by another trigger or by its registry name."""
    start, end = event.sentence
    return any(other.type == event.type and other.sentence == event.sentence and not other.bare
               for other in found) or any(m.key == event.known and start <= m.start < end
                                          for m in mentions)


def ended_before(date: DateMention | None, known: str | None, registry: Registry | None,
                 anchor: Anchor | None) -> bool:
    """Whether an event was over before the document was written: the last day its date (the
    text's, else its registry event's) can stand for precedes the publication date."""
    if anchor is None:
        return False
    if date is not None:
        return date.latest < anchor.earliest
    bounds = registry.entities[known].date if known and registry is not None else None
    return bounds is not None and bounds[1] < anchor.earliest


def _antecedent(event: EventMention, found: Sequence[EventMention], index: int,
                containers: dict[str, set[str]]) -> EventMention | None:
    """The event told more fully elsewhere in the document that this mention speaks of again.

    A mention that names only some of another same-class event's roles, or unnamed places
    within one that holds that one's place ("the withdrawal of our border guards" or "withdraw
    from regions of Armenia" after "border guards will withdraw from Tavush"; a heading
    "Departure of Russian Border Guards" before the story), is that event, when their statuses
    and dates (where both give one) agree: the nearest such event before it, else after it.
    """
    if event.known is not None:
        return None
    for other in [*reversed(found[:index]), *found[index + 1:]]:
        if other.type == event.type and _told_by(event, other, containers) and _agree(
                event, other):
            return other
    return None


def _told_by(event: EventMention, other: EventMention, containers: dict[str, set[str]]
             ) -> bool:
    """Whether `other` says all `event` says of its roles, and more."""
    theirs = {(role, m.key or m.node) for role, values in other.roles.items() for m in values}
    own = {(role, m.key or m.node) for role, values in event.roles.items() for m in values}
    places = {key for role, key in theirs if role == "location"}
    covered = all((role, key) in theirs or (role == "location" and key in event.within and any(
        key in containers.get(str(place), set()) for place in places)) for role, key in own)
    return covered and own != theirs


def _agree(event: EventMention, other: EventMention) -> bool:
    """Whether two mentions' statuses and dates allow them to be one event."""
    if event.status and other.status and event.status != other.status:
        return False
    return not (event.date and other.date and (event.date.latest < other.date.earliest
                                               or other.date.latest < event.date.earliest))


def _known_event(event: EventMention, registry: Registry | None,
                 containers: dict[str, set[str]]) -> str | None:
    """The one registry event of the event's class that its roles and date fit, if just one.

    Each role value the text gives must be among the registry's for that role (a place may
    lie within one of the registry's), with at least one in common; agent and participant
    count as one role (who acts at a meeting is told either way); a date the text gives must
    overlap the registry's (its context's, "failing to stop Azerbaijan's offensive in
    September", where it has none of its own). "A lightning offensive launched by Baku in
    September" is the 2023 offensive in Nagorno-Karabakh, the only Azerbaijani offensive of
    that month known. With
    no role told, the date alone must fit just one ("the bloodshed in the fall of 2020").
    """
    if registry is None:
        return None
    given = _role_keys(event.roles)
    date = event.date or event.context_date
    if not any(given.values()) and date is None:
        return None
    fitting = []
    for entity in registry:
        if entity.type != event.type or not entity.roles or (
                not any(given.values()) and not entity.date):
            continue
        known = _role_keys(entity.roles)
        if not all(key in known.get(role, set()) or containers.get(key, set()) & known.get(
                role, set()) for role, keys in given.items() for key in keys):
            continue
        if date and entity.date and (date.latest < entity.date[0]
                                     or entity.date[1] < date.earliest):
            continue
        fitting.append(entity.key)
    return fitting[0] if len(fitting) == 1 else None


def _role_keys(roles: dict[str, Sequence[Mention | str]]) -> dict[str, set[str]]:
    """Registry keys by role, agent and participant together as 'actor'."""
    keys: dict[str, set[str]] = {}
    for role, values in roles.items():
        group = "actor" if role in {"agent", "participant"} else role
        keys.setdefault(group, set()).update(
            value if isinstance(value, str) else value.key or "" for value in values)
    return keys


def _event(token: Token, trigger: Trigger, mentions: Sequence[Mention],
           borders: dict[frozenset[str], Mention], containers: dict[str, set[str]],
           registry: Registry | None) -> EventMention | None:
    event = EventMention(trigger.cls, token)
    found_arguments = arguments(token)
    # "deployed along Armenia's borders with Turkey": the parser may hang "with Turkey" on the
    # verb; those states still say which borders.
    companions = {m.key for a in found_arguments if a.relation == "with"
                  for m in named_entities(a.token, mentions) if m.type == "State" and m.key}
    used_companions = False
    for argument in found_arguments:
        border = _border_in(argument.token)
        if border is not None and registry is not None and not any(
                m.type == "Border" for m in named_entities(border, mentions)):
            # "patrolled Armenia's frontiers with Turkey", "on the Turkish border": the
            # registry's borders, not the states that name them
            places = _borders_named(border, mentions, borders, companions, registry)
            if places:
                used_companions = True
                for place in places:
                    if place not in event.roles.get("location", []):
                        event.roles.setdefault("location", []).append(place)
                continue
        mention = named_entity(argument.token, mentions)
        if mention is None and registry is not None and argument.relation in LOCATIVE:
            mention = _demonym_place(argument.token, registry)
            if mention is not None:
                event.within.add(str(mention.key))
        if mention is None and registry is not None and argument.relation in MODIFIERS:
            mention = _demonym_state(argument.token, registry)
        if mention is None or (argument.relation == "with" and used_companions):
            continue
        if registry is not None and argument.relation in STATE_SPEAKS and (
                argument.token.dep_ != "nsubjpass"):  # "Askeran was captured": the town
            mention = as_state(mention, registry)  # "launched by Baku": Azerbaijan did
        event.type = trigger.instead.get(mention.type, event.type)
        role = _framed_role(argument, mention, trigger) or _role(argument, mention, event.type)
        found = [mention]
        if role == "force":  # "our military and border guards": the parser makes the first
            found = _forces_in(argument.token, mentions) or found  # qualify the second
        if role == "location":  # "from the regions of Tavush, Syunik and Ararat"
            found = _most_specific([m for m in named_entities(argument.token, mentions)
                                    if m.type in PLACES | {"State"}], containers) or found
            between = _borders_between(argument.token, found, borders, companions)
            used_companions |= bool(between)
            found = between or found
        if role == "location" and _names_some_places(argument.token, mention):
            event.within.add(str(mention.key))
        for value in found:
            if role and value not in event.roles.get(role, []):
                event.roles.setdefault(role, []).append(value)
                event.inferred |= argument.inherited
    if event.type == "MembershipChange" and "affected" not in event.roles:
        affected = _main_clause_organizations(token, mentions)
        if affected:
            event.roles["affected"], event.inferred = affected, True
    if "location" in event.roles:  # across arguments too: "left X village in Y Province"
        event.roles["location"] = _most_specific(event.roles["location"], containers)
    if "force" not in event.roles and registry is not None and trigger.needs & {"force"}:
        event.roles["force"] = _unnamed_force(found_arguments, event, registry, containers,
                                              mentions)
    if registry is not None and event.type in ARMED_ACTS:
        _armed_sides(found_arguments, event, registry, containers, mentions)
    if "force" in event.roles and "location" not in event.roles:
        places = _stationed_places(found_arguments, mentions)
        if places:
            event.roles["location"] = places
            event.inferred = True
    if registry is not None and event.roles.get("force"):
        _serving_forces(event, registry, containers)
    event.roles = {role: values for role, values in event.roles.items() if values}
    if event.type == "MilitaryOperation" and _at_home(event):
        return None  # "peacekeepers crossed into Russian territory": they went home
    if not trigger.needs & set(event.roles) and trigger.strict:
        return None  # "Armenia lost 3,000 soldiers": no place lost, no capture
    if not trigger.needs & set(event.roles) and event.type == trigger.cls:
        event.bare = True  # "the bloodshed in the fall of 2020": its date may still tell which
    if event.type != trigger.cls and "affected" not in event.roles:
        return None
    event.status = status_of(token)
    return event


def _main_clause_organizations(word: Token, mentions: Sequence[Mention]) -> list[Mention]:
    """"will no longer make contributions to the CSTO, effectively freezing its membership":
    a membership changed in a participial clause without naming the organization is in the
    one its main clause names (not as the main clause's subject)."""
    if not participial(word):
        return []
    own = set(word.subtree)
    return [m for a in arguments(word.head) if a.relation not in {"subject", "by"}
            and a.token not in own
            for m in named_entities(a.token, mentions) if m.type in ORGANIZATIONS]


def _framed_role(argument: Argument, mention: Mention, trigger: Trigger) -> str | None:
    """The role an actor takes as the subject or object of a trigger framed otherwise than
    its class's usual words: the subject of "lost" is the affected side, not the agent."""
    if mention.type not in ACTORS:
        return None
    return next((role for relation, role in trigger.framing.items()
                 if argument.relation in FRAMED_RELATIONS[relation]), None)


def _one_per_side(found: list[EventMention]) -> list[EventMention]:
    """One event where a sentence tells it from both sides: "Azerbaijan, which captured
    Karabakh, ... Armenia, which lost Karabakh" is one capture, with Azerbaijan the agent and
    Armenia the affected. Two mentions of a class in one sentence, at the same places, of
    which one names only the agent and the other only the affected side, are merged into the
    first."""
    merged: list[EventMention] = []
    for event in found:
        partner = next((other for other in merged if _sides_of_one(other, event)), None)
        if partner is None:
            merged.append(event)
            continue
        for role, values in event.roles.items():
            partner.roles.setdefault(role, list(values))
        partner.bare = partner.bare and event.bare
    return merged


def _sides_of_one(first: EventMention, second: EventMention) -> bool:
    def keys(event: EventMention, role: str) -> set[str | None]:
        return {m.key for m in event.roles.get(role, [])}

    if first.type != second.type or first.sentence != second.sentence:  # most pairs: early
        return False
    sides = [(bool(keys(e, "agent")), bool(keys(e, "affected"))) for e in (first, second)]
    return (bool(keys(first, "location")) and keys(first, "location") == keys(
                second, "location")
            and sorted(sides) == [(False, True), (True, False)])


def _role(argument: Argument, mention: Mention, event_type: str) -> str | None:
    relation, cls = argument.relation, mention.type
    if relation == "attendee":  # who acts at a meeting attends it; nothing else is told
        return "participant" if cls in ACTORS and event_type == "Meeting" else None
    if cls in FORCES and event_type == "Capture" and (
            relation == "object" or argument.token.dep_ == "nsubjpass"):
        return "affected"  # "captured six Armenian troops", "six troops had been captured"
    if cls in FORCES:
        return "force"
    if cls in ORGANIZATIONS and event_type == "MembershipChange" and relation not in {
            "subject", "by"}:
        return "affected"
    if (cls in PLACES or cls == "State") and relation in LOCATIVE:
        return "location"
    if cls in PLACES and event_type in {"Withdrawal", "Capture"} and (
            relation == "object" or argument.token.dep_ == "nsubjpass"):
        return "location"  # "have left Nerkin Hand village", "Karabakh was captured"
    if cls in PLACES and relation == "of" and event_type == "Capture":
        return "location"  # "the annexation of Crimea"
    if cls in ACTORS and relation in PARTICIPATIVE:
        return "participant"
    if cls in ACTORS and relation in AGENT_RELATIONS:
        return "participant" if event_type == "Meeting" else "agent"
    if cls in ACTORS and relation == "object" and event_type in {"Capture", "MembershipChange"}:
        return "affected"
    if cls in ACTORS and relation == "object" and event_type == "Meeting":
        return "participant"
    if cls in {"Person", "State"} and relation == "of" and event_type == "Meeting":
        return "participant"  # "the meeting of X and Y"; "a summit of the EAEU" is its host
    return None


def _unnamed_force(found_arguments: list[Argument], event: EventMention, registry: Registry,
                   containers: dict[str, set[str]], mentions: Sequence[Mention],
                   pronouns: bool = False) -> list[Mention]:
    """"Russia sent roughly 2,000 troops to the region", "Armenian soldiers patrol near
    Askeran": a bare noun that names a force but not whose (lexicons/references.yaml's
    force_nouns), as the trigger's subject or object, is the force of the state its demonym
    names, else of the acting state: the one serving in the event's place, else the state's
    only force of the noun's class. A possessed or determined one ("its border guards", "the
    troops") points at a force the text has in mind, which may be another; references.py
    resolves those, but for a force of a class narrower than the armed forces owned through
    "its" by the state its clause's subject names ("Russia completed the withdrawal of its
    peacekeepers"). With `pronouns` (armed acts), "its forces" after a state subject are
    that state's, whatever their class."""
    nouns = read_lexicon("references")["force_nouns"]
    demonyms = read_lexicon("positions")["demonyms"]
    agents = {m.key for m in event.roles.get("agent", []) if m.type == "State"}
    for argument in found_arguments:
        cls = nouns.get(argument.token.lemma_.lower())
        if argument.relation not in {"subject", "object", "of"} or cls is None:
            continue
        # "its troops" may be any of the state's forces; "its peacekeepers" are of one class
        owner = _pronoun_owner(argument.token, registry) if pronouns else (
            _subject_state(argument.token, mentions) if cls != "MilitaryForce" else None)
        if owner is None and _determined(argument.token):
            continue
        # the parser makes a demonym an adjective or, often, a compound ("Azerbaijani units")
        states = {owner} if owner else {
            demonyms[c.text] for c in argument.token.children
            if c.dep_ in {"amod", "compound"} and c.text in demonyms} or agents
        if len(states) != 1:
            continue
        [state] = states
        force = _force_serving_in(state, event.roles.get("location", []), registry,
                                  containers) or registry.only_force(state, cls)
        if force is not None:
            word = argument.token
            event.inferred = True
            return [Mention(iris.entity(force.key), force.type, word.idx, word.idx + len(word),
                            force.key, word.text, reference=True)]
    return []


def _subject_state(noun: Token, mentions: Sequence[Mention]) -> str | None:
    """The state owning a noun through "its": the one that is the subject of the nearest verb
    above it ("Russia completed the withdrawal of its peacekeepers")."""
    if not any(child.dep_ == "poss" and child.lower_ == "its" for child in noun.children):
        return None
    word = noun
    while word.head is not word and word.pos_ not in {"VERB", "AUX"}:
        word = word.head
    subject = next((child for child in word.children if child.dep_ == "nsubj"), None)
    mention = named_entity(subject, mentions) if subject is not None else None
    return mention.key if mention is not None and mention.type == "State" else None


def _at_home(event: EventMention) -> bool:
    """Whether every place of an event is its agent's own state, named as a whole: a force
    going there goes home. (A region within it may still see an offensive: Karabakh.)"""
    agents = {m.key for m in event.roles.get("agent", []) if m.type == "State"}
    places = {m.key for m in event.roles.get("location", [])}
    return bool(agents and places) and places <= agents


def _armed_sides(found_arguments: list[Argument], event: EventMention, registry: Registry,
                 containers: dict[str, set[str]], mentions: Sequence[Mention]) -> None:
    """"Azerbaijani troops crossed into Syunik", "captured six Armenian soldiers": the force a
    subject names by its state's demonym acts, and its state is the agent; the force a
    capture's object, or its passive subject ("six Armenian troops had been captured"),
    names is the side captured."""
    passive = [a for a in found_arguments if a.token.dep_ == "nsubjpass"]
    subjects = [a for a in found_arguments if a.relation == "subject" and a not in passive]
    if "force" not in event.roles:
        event.roles["force"] = _unnamed_force(subjects, event, registry, containers, mentions,
                                              pronouns=True)
    if event.type == "Capture" and "affected" not in event.roles:
        objects = [a for a in found_arguments if a.relation == "object"] + passive
        event.roles["affected"] = _unnamed_force(objects, event, registry, containers, mentions)
    if "agent" not in event.roles:
        states = {registry.entities[m.key].force_of for m in event.roles["force"] if m.key}
        event.roles["agent"] = [replace(force, node=iris.entity(state), type="State", key=state,
                                        name=registry.entities[state].label, reference=True)
                                for force in event.roles["force"][:1]
                                for state in states if state in registry.entities]
        event.inferred |= bool(event.roles["agent"])


def _pronoun_owner(noun: Token, registry: Registry) -> str | None:
    """"Azerbaijan took control of the region when its forces launched an offensive": the
    state a possessive pronoun before a force noun stands for, the registry state that is the
    last subject before it in its sentence; None for any other noun."""
    if not any(c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS for c in noun.children):
        return None
    for token in reversed(noun.doc[noun.sent.start:noun.i]):
        entity = registry.entities.get(token.ent_id_) if token.dep_ == "nsubj" else None
        if entity is not None and entity.type == "State":
            return entity.key
    return None


def _determined(noun: Token) -> bool:
    """Whether a noun, or the one it is coordinated with, has a determiner or possessive."""
    phrases = [noun, noun.head] if noun.dep_ == "conj" else [noun]
    return any(child.dep_ in {"det", "poss"} for phrase in phrases for child in phrase.children)


def _serving_forces(event: EventMention, registry: Registry, containers: dict[str, set[str]]
                    ) -> None:
    """A state's armed forces told acting in a place where one force of that state serves are
    that force: "the Russian military's withdrawal from Nagorno-Karabakh" is the peacekeeping
    contingent's. Not when the text names that force beside them ("our military and border
    guards" are two)."""
    forces = event.roles["force"]
    for index, force in enumerate(forces):
        entity = registry.entities.get(force.key or "")
        if entity is None or entity.type != "MilitaryForce" or entity.area or not entity.force_of:
            continue
        serving = _force_serving_in(entity.force_of, event.roles.get("location", []), registry,
                                    containers)
        if serving is not None and serving.key not in {m.key for m in forces}:
            forces[index] = replace(force, node=iris.entity(serving.key), type=serving.type,
                                    key=serving.key, reference=True)
            event.inferred = True


def _force_serving_in(state: str, places: Sequence[Mention], registry: Registry,
                      containers: dict[str, set[str]]) -> Entity | None:
    """The one force of the state whose registry area is one of the places or holds it. A
    whole state is no such area: a state's armed forces may be anywhere in it, beside a force
    serving there."""
    keys = {m.key for m in places if m.key and registry.state_of(m.key) != m.key}
    serving = [entity for entity in registry if entity.force_of == state and entity.area and (
        entity.area in keys or any(entity.area in containers.get(key, set()) for key in keys))]
    return serving[0] if len(serving) == 1 else None


def _forces_in(word: Token, mentions: Sequence[Mention]) -> list[Mention]:
    """The forces named in a force's own phrase: a force qualifying another is one coordinated
    with it that the parser hung on it as a modifier."""
    starts = token_starts(own_phrase(word))
    return [m for m in mentions if m.type in FORCES and covers(m.start, m.end, starts)]


def _names_some_places(word: Token, mention: Mention) -> bool:
    """Whether a location phrase speaks of unnamed places in the mention's ("from a number of
    regions of Armenia"), not of the mention's place itself ("from Nerkin Hand village")."""
    nouns = set(read_lexicon("places")["place_nouns"])
    return any(token.lemma_.lower() in nouns and token.idx < mention.start
               for token in own_phrase(word))


def _demonym_state(word: Token, registry: Registry) -> Mention | None:
    """"an Azerbaijani offensive": the state whose demonym qualifies the event noun."""
    demonyms = read_lexicon("positions")["demonyms"]
    return demonym_mention(word, demonyms[word.text], registry) if word.text in demonyms else None


def _demonym_place(word: Token, registry: Registry) -> Mention | None:
    """"to a number of Armenian regions": places named by no name but their state's demonym."""
    demonyms = read_lexicon("positions")["demonyms"]
    nouns = set(read_lexicon("places")["place_nouns"])
    for token in own_phrase(word):
        if token.lemma_.lower() in nouns:
            for modifier in token.children:
                if modifier.dep_ == "amod" and modifier.text in demonyms:
                    return demonym_mention(modifier, demonyms[modifier.text], registry)
    return None


def _borders_between(word: Token, places: list[Mention], borders: dict[frozenset[str], Mention],
                     companions: set[str]) -> list[Mention]:
    """"Armenia's borders with Turkey and Iran": the registry's borders between those states."""
    if word.lemma_.lower() not in set(read_lexicon("places")["border_nouns"]):
        return []
    states = {m.key for m in places if m.type == "State" and m.key} | companions
    return [Mention(border.node, border.type, word.idx, word.idx + len(word), border.key,
                    border.name)
            for pair, border in sorted(borders.items(), key=lambda item: str(item[1].node))
            if pair <= states]


def _border_in(word: Token) -> Token | None:
    """The border noun an argument is or ends in: "frontiers", "a checkpoint on the border"."""
    nouns = _border_nouns()
    candidates = [word, *(grandchild for child in word.children if child.dep_ == "prep"
                          for grandchild in child.children if grandchild.dep_ == "pobj")]
    return next((token for token in candidates if token.lemma_.lower() in nouns), None)


@cache
def _border_nouns() -> frozenset[str]:
    return frozenset(read_lexicon("places")["border_nouns"])


def _borders_named(border: Token, mentions: Sequence[Mention],
                   borders: dict[frozenset[str], Mention], companions: set[str],
                   registry: Registry) -> list[Mention]:
    """The registry borders a border noun names: between the states in its phrase (names,
    possessors, demonyms: "Armenia's borders with Turkey and Iran", "the Turkish border") and
    those the trigger has "with"; naming one state, the one registry border it has, if just
    one ("the border with Azerbaijan")."""
    demonyms = read_lexicon("positions")["demonyms"]
    states = {m.key for m in named_entities(border, mentions) if m.type == "State" and m.key}
    states |= {demonyms[t.text] for t in border.subtree if t.dep_ == "amod" and t.text in demonyms}
    states = {key for key in states | companions if key in registry.entities}
    fitting = [mention for pair, mention in sorted(borders.items(), key=lambda i: str(i[1].node))
               if pair <= states] or (
        [mention for pair, mention in borders.items() if states & pair] if len(states) == 1
        else [])
    if len(states) == 1 and len(fitting) > 1:
        return []  # which of the state's borders is meant needs more than its name
    return [Mention(m.node, m.type, border.idx, border.idx + len(border), m.key, m.name)
            for m in fitting]


def _borders(registry: Registry | None) -> dict[frozenset[str], Mention]:
    """Each registry Border by the pair of states it separates."""
    if registry is None:
        return {}
    return {frozenset(entity.border_of): Mention(iris.entity(entity.key), entity.type, 0, 0,
                                                 entity.key, entity.label)
            for entity in registry if entity.type == "Border" and len(entity.border_of) == 2}


def _most_specific(places: list[Mention], containers: dict[str, set[str]]) -> list[Mention]:
    """Places without those that only say where another one is: the state in "Armenia's
    Syunik Province", the province in "Nerkin Hand village in Syunik Province"."""
    inner = [m for m in places if m.type != "State"] or places
    held = {m.key for m in inner if m.key}
    return [m for m in inner
            if not any(m.key in containers.get(other, set()) for other in held)]


def _containers(registry: Registry | None) -> dict[str, set[str]]:
    """Each registry place's enclosing places, along its located_in chain."""
    if registry is None:
        return {}
    return {entity.key: set(registry.enclosing(entity.key)) for entity in registry}


def _stationed_places(found_arguments: list[Argument], mentions: Sequence[Mention]
                      ) -> list[Mention]:
    """Where a force leaving 'the points'/'the village' had been, or where the posts it holds
    are: places in its own clauses or its object's.

    "border guards ... located in Tavush, Syunik ..." or "who had been stationed in Nerkin
    Hand", "withdraw the border guards that had been deployed at the airport": the subject's or
    object's relative or participial clause names the places the event is about.
    """
    places: list[Mention] = []
    for argument in found_arguments:
        if argument.relation not in {"subject", "object"}:
            continue
        if argument.relation == "object":  # "man several posts in Syunik", "a base in Gyumri"
            places += [mention for prep in argument.token.children
                       if prep.dep_ == "prep" and prep.lower_ in LOCATIVE
                       for place in prep.children if place.dep_ == "pobj"
                       for mention in [named_entity(place, mentions)]
                       if mention and mention.type in PLACES]
        for clause in argument.token.children:
            if clause.dep_ not in {"acl", "relcl"}:
                continue
            for inner in arguments(clause):
                mention = named_entity(inner.token, mentions)
                if mention and mention.type in PLACES and inner.relation in LOCATIVE:
                    places.append(mention)
    return places


def status_of(token: Token) -> str | None:
    """Planned, Ongoing or Completed, from auxiliaries, tense and the governing verb."""
    lexicon = read_lexicon("status")
    verb = token
    while verb.dep_ == "conj" and verb.head is not verb:  # "will end ... and withdraw"
        verb = verb.head
    auxiliaries = {child.lower_ for child in verb.children if child.dep_ in {"aux", "auxpass"}}
    governing = _governing_verb(verb)
    governor = governing.lemma_.lower() if governing is not None else ""
    # The event's own tense first: "announced that Armenia had suspended ..." is done, even
    # under a verb that, over a noun or an infinitive ("announced the withdrawal"), plans it.
    if token.lemma_.lower() in lexicon["ongoing"]["continuing"]:
        return "Ongoing"  # "will stay on the border": there already, and going on
    if auxiliaries & set(lexicon["planned"]["auxiliaries"]):
        return "Planned"
    if token.tag_ == "VBN" and auxiliaries & set(lexicon["ongoing"]["present_perfect"]) and any(
            child.dep_ == "prep" and child.lower_ in lexicon["ongoing"]["from_a_start"]
            for child in verb.children):
        return "Ongoing"  # "have patrolled the border since 1992": and still do
    if token.tag_ == "VBD" or (token.tag_ == "VBN" and auxiliaries & HAVE_FORMS):
        return "Completed"
    if token.tag_ == "VBG" and auxiliaries & BE_FORMS:
        return "Ongoing"
    if governing is not None and governing.tag_ == "VBD" and governor in set(
            lexicon["completed"]["governors"]):  # "the deal allowed Russia to send troops"
        return "Completed"
    if governor in set(lexicon["planned"]["governors"]) or (
            token.tag_ == "VB" and "to" in auxiliaries):
        return "Planned"
    if governor in set(lexicon["ongoing"]["governors"]) or token.tag_ in PRESENT_TAGS:
        return "Ongoing"  # "began withdrawing"; "Armenian soldiers patrol near Askeran"
    if _occasion_of_the_past(verb):  # "said at a meeting with ...", "agreed during talks"
        return "Completed"
    return None


@cache
def _governing_prepositions() -> frozenset[str]:
    """Prepositions through which a verb governs an event noun (lexicons/status.yaml)."""
    return frozenset(read_lexicon("status")["planned"]["governing_prepositions"])


def _occasion_of_the_past(word: Token) -> bool:
    """Whether an event noun is where or when something past happened: the object of a
    preposition, not one through which a verb governs it ("agreed on the withdrawal"), under
    a verb in the past ("said at a meeting", "was agreed during talks")."""
    if word.pos_ != "NOUN" or word.dep_ != "pobj" or word.head.dep_ != "prep":
        return False
    if word.head.lower_ in _governing_prepositions():
        return False
    verb = word.head.head
    auxiliaries = {child.lower_ for child in verb.children if child.dep_ in {"aux", "auxpass"}}
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and bool(
        auxiliaries & (HAVE_FORMS | {"was", "were"})))


def _governing_verb(word: Token) -> Token | None:
    """The verb an event word depends on ("agreed to withdraw", "agreed on the withdrawal"; not
    "agreed during a meeting", where the preposition only tells when)."""
    if (word.dep_ == "pobj" and word.head.dep_ == "prep"
            and word.head.lower_ in _governing_prepositions()):
        return word.head.head
    if word.dep_ in {"xcomp", "dobj", "ccomp", "nsubjpass"}:
        return word.head
    return None


def date_in_clause(word: Token, dates: Sequence[DateMention]) -> DateMention | None:
    """The date nearest the word among those in its own clause.

    The clause is the word's subtree without the clauses it governs in turn (what someone
    said, a coordinated second event), whose dates are theirs.
    """
    starts = token_starts(clause_tokens(word))
    inside = [d for d in dates if covers(d.start, d.end, starts)]
    return min(inside, key=lambda d: abs(d.start - word.idx), default=None)


def clause_tokens(word: Token) -> list[Token]:
    tokens = [word]
    for child in word.children:
        if child.dep_ not in {"ccomp", "conj", "advcl", "relcl", "parataxis"}:
            tokens += clause_tokens(child)
    return tokens


def _per_location(event: EventMention) -> list[EventMention]:
    places = event.roles.get("location", [])
    if len(places) <= 1:
        return [event]
    return [replace(event, roles={**event.roles, "location": [place]}) for place in places]


def _phrase_trigger(token: Token, triggers: dict[str, Trigger]) -> Trigger | None:
    """A multi-word trigger: the verb and its particle or object ("pull out", "hold talks"),
    or its preposition and that one's object ("leave in control")."""
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ not in {"prt", "dobj", "prep"}:
            continue
        words = [f"{lemma} {child.lemma_.lower()}"]
        if child.dep_ == "dobj" and words[0] in _idioms() and any(
                c.dep_ == "compound" and c.pos_ == "NOUN" and not c.n_lefts
                for c in child.children):
            continue  # "take over passport control" is not "take control"; "24-hour" counts
        words += [f"{words[0]} {grandchild.lemma_.lower()}" for grandchild in child.children
                  if child.dep_ == "prep" and grandchild.dep_ == "pobj"]
        trigger = next((triggers[w] for w in reversed(words) if w in triggers), None)
        if trigger:
            return trigger
    return None


@cache
def _idioms() -> frozenset[str]:
    """The phrase triggers whose object must stand without a noun before it (lexicons'
    `idioms`)."""
    return frozenset(phrase for entry in read_lexicon("events").values()
                     for phrase in entry.get("idioms", []))


@cache
def _phrase_starts() -> frozenset[str]:
    """What the first words of a multi-word trigger may be ("pull", "leave", "leave in"):
    `_phrase_trigger` is worth asking only for a lemma among them."""
    return frozenset(phrase[:at] for phrase in _triggers()
                     for at, character in enumerate(phrase) if character == " ")


@cache
def _triggers() -> dict[str, Trigger]:
    triggers = {}
    for cls, entry in read_lexicon("events").items():
        trigger = Trigger(cls, frozenset(entry.get("needs", [])), entry.get("instead", {}))
        for word in entry.get("lemmas", []) + entry.get("phrases", []):
            triggers[word] = trigger
        for word, framing in (entry.get("framing") or {}).items():
            roles = {relation: framing[relation] for relation in FRAMED_RELATIONS
                     if relation in framing}
            triggers[word] = replace(trigger, framing=roles, strict=True,
                                     needs=frozenset(framing["needs"]))
    return triggers

