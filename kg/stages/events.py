"""The `events` stage: events with their roles, status and evidence (kg/extract/events.py).

Confidence of an event's evidence (what the number means): 0.9 when the trigger and every role
came from direct dependencies of the trigger word; 0.75 when a role was taken from a
neighbouring verb or clause (a shared subject, "stationed in" in a relative clause) or is a
description standing for an entity named before ("left the region"); times 0.8
when a role is a new entity the registry does not know. `kg evaluate` measures how these
bands hold against the gold standard.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal, URIRef

from kg import iris
from kg.extract.events import EventMention, find_events
from kg.extract.mentions import Mention
from kg.literals import date_triples
from kg.provenance import Triple, evidence_triples
from kg.registry import Registry
from kg.stages import Additions, DocumentState, stage
from kg.vocab import CKG

ROLE_ORDER = ("force", "agent", "participant", "affected", "location")
NO_EVENT = ("no recognisable event in the text (no trigger of lexicons/events.yaml with a role "
            "it names); its names and dates are kept")


@stage("events", requires={"parse", "entities", "dates", "anchor"}, provides={"events"})
def extract_events(state: DocumentState) -> Additions:
    """Find events from trigger words, fill their roles from the parse, and cite the sentence."""
    events = find_events(state.provided["parse"], state.provided["entities"],
                         state.provided["dates"], state.registry, state.provided["anchor"])
    triples: list[Triple] = []
    dated: set[URIRef] = set()
    with_status: set[URIRef] = set()
    for event in events:
        node = event_node(event)
        triples += event_triples(event, state, date=node not in dated,
                                 status=node not in with_status)
        if event.date:
            dated.add(node)
        if event.status:
            with_status.add(node)
    # an empty or non-English body has no tokens and its own warning already
    warnings = [NO_EVENT] if not events and len(state.provided["parse"]) else []
    return Additions(triples, {"events": events}, warnings)


def event_node(event: EventMention) -> URIRef:
    """The registry event the text describes, else the event its class and roles name."""
    if event.known:
        return iris.entity(event.known)
    return iris.event(event.type, {role: [m.node for m in mentions]
                                   for role, mentions in event.roles.items()})


def event_triples(event: EventMention, state: DocumentState, date: bool, status: bool
                  ) -> list[Triple]:
    """The event node's facts (the node is shared by every document that reports it) and this
    sentence's evidence.

    `date` and `status` are False when the document already gave this event one: one date
    per event and document keeps its earliest/latest bounds a single pair, and one status is
    the one the document first tells ("Russia is withdrawing peacekeepers" before "the
    peacekeepers left the location"); several sources' dates and statuses live in their own
    graphs.
    """
    node = event_node(event)
    roles = {role: [m.node for m in mentions] for role, mentions in event.roles.items()}
    triples: list[Triple] = [(node, RDF.type, CKG[event.type])]
    document = iris.document(state.document.key)
    # the registry entities its roles name: the borders of "along Armenia's borders with
    # Turkey and Iran" are named by no name of their own
    triples += [(document, CKG.mentions, m.node) for values in event.roles.values()
                for m in values if m.linked]
    if event.known:  # the document speaks of a registry event, whose label the registry has
        triples.append((document, CKG.mentions, node))
    else:
        triples.append((node, RDFS.label, Literal(label(event, state.registry), lang="en")))
    triples += [(node, CKG[role], value) for role, values in roles.items() for value in values]
    if event.status and status:
        triples.append((node, CKG.status, CKG[event.status]))
    if event.date and date:
        triples += date_triples(node, event.date)
    start, end = event.sentence
    triples += evidence_triples(state.document, start, end, node, state.activity,
                                confidence(event))
    return triples


def confidence(event: EventMention) -> float:
    mentions = [m for values in event.roles.values() for m in values]
    score = 0.75 if event.inferred or any(m.reference for m in mentions) else 0.9
    if any(not m.linked for m in mentions):
        score *= 0.8
    return round(score, 2)


def label(event: EventMention, registry: Registry) -> str:
    """"Withdrawal: Russian border guards in Armenia; Tavush Province", from the roles."""
    parts = [name(m, registry) for role in ROLE_ORDER for m in event.roles.get(role, [])]
    return f"{event.type}: {'; '.join(parts)}"


def name(mention: Mention, registry: Registry) -> str:
    return registry.entities[mention.key].label if mention.key else mention.name


