"""The `agreements` stage: agreements, who reached them, where, when, and what they provide.

The reading is kg/extract/agreements.py's; this stage writes each agreement a document states as
a ckg:Agreement with its ckg:party, ckg:agreedBy, ckg:reachedAt (the meeting event),
ckg:provides (the events of the events stage), its date in this document's graph, and the
sentence of its fullest reading as evidence.

The node is `ckr:agreement/<sha256>` of what identifies the agreement, never of its date or
source: the registry key when the text names a registry agreement ("the trilateral statement",
"a Russian-brokered cease-fire"), otherwise its kind (the class of its first provision), its
parties and its signatories. So the three documents reporting the Putin-Pashinyan withdrawal
agreement name one node, each giving its own date (May 8 or May 9) in its own graph; two
agreements of the same parties and signatories about different kinds of event (a withdrawal, a
deployment) are two nodes.

The registry's own agreement entries (ckr:<key>, with curated quotes) stay apart from the
extracted nodes, as the registry's named events stay apart from the events stage's: writing
document facts on ckr:<key> fails validation, since a document graph is checked with the
registry entries it names but not with their curated Evidence nodes (kg/validate's units). An
agreement the text describes without its name ("an agreement between Moscow and Baku") that is a
registry agreement by its parties and date is recorded as mentioned by the document, as a
described registry event is.

Confidence of an agreement's evidence (what the number means): 0.9 when the quoted sentence
names every party and signatory in the cue's own grammar (its subject or `by` agent, "between
X and Y", a possessor, a name or demonym in front of the noun), a person's state being the one
whose office the document gives him; 0.75 when some actor was read rather than named there:
taken from the participants of the meeting it was reached at, from another sentence of the
document telling the same agreement, from a city standing for its state, or from the owner of a
force it deploys or withdraws; times 0.8 when an actor is a new entity the registry does not
know. `kg evaluate` measures how these bands hold against the gold standard.
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, Literal, URIRef

from kg import iris
from kg.extract.agreements import Agreement, find_agreements
from kg.extract.mentions import Mention
from kg.literals import date_triples
from kg.provenance import Triple, evidence_triples
from kg.registry import Registry
from kg.stages import Additions, DocumentState, stage
from kg.stages.events import event_node, name
from kg.vocab import CKG

DIRECT = 0.9
INFERRED = 0.75
NEW_ACTOR = 0.8  # factor when an actor is not in the registry


@stage("agreements", requires={"parse", "entities", "events", "positions", "dates"},
       provides={"agreements"})
def extract_agreements(state: DocumentState) -> Additions:
    """Find agreements, their parties, signatories, meeting, date and provisions, and cite them."""
    agreements = find_agreements(state.provided["parse"], state.provided["entities"],
                                 state.provided["events"], state.provided["positions"],
                                 state.provided["dates"], state.registry)
    triples: list[Triple] = []
    for agreement in agreements:
        triples += agreement_triples(agreement, state)
    return Additions(triples, {"agreements": agreements})


def agreement_triples(agreement: Agreement, state: DocumentState) -> list[Triple]:
    """The agreement node (shared by every document telling it) and this document's facts."""
    node = agreement_node(agreement)
    triples: list[Triple] = [
        (node, RDF.type, CKG.Agreement),
        (node, RDFS.label, Literal(label(agreement, state.registry), lang="en")),
    ]
    triples += [(node, CKG.party, m.node) for m in agreement.parties]
    triples += [(node, CKG.agreedBy, m.node) for m in agreement.agreed_by]
    triples += [(node, CKG.reachedAt, event_node(m)) for m in agreement.meetings]
    triples += [(node, CKG.provides, event_node(e)) for e in agreement.provides]
    if agreement.known is not None:  # the registry agreement it is, described, not named
        triples.append((iris.document(state.document.key), CKG.mentions,
                        iris.entity(agreement.known)))
    if agreement.date is not None:
        triples += date_triples(node, agreement.date)
    triples += evidence_triples(state.document, *agreement.span, node, state.activity,
                                confidence(agreement))
    return list(dict.fromkeys(triples))  # several events of one node, one triple


def agreement_node(agreement: Agreement) -> URIRef:
    return iris.agreement(agreement.kind, [m.node for m in agreement.parties],
                          [m.node for m in agreement.agreed_by], agreement.key)


def label(agreement: Agreement, registry: Registry) -> str:
    """The registry label of a named agreement, else "Withdrawal agreement between Armenia and
    Russia, agreed by ...": made of what the node is minted from, so every document gives it
    the same label."""
    if agreement.key is not None:
        return registry.entities[agreement.key].label
    kind = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", agreement.kind or "").capitalize()
    text = f"{kind} agreement" if kind else "Agreement"
    if agreement.parties:
        text += " between " if len(agreement.parties) > 1 else " of "
        text += _listing(agreement.parties, registry)
    if agreement.agreed_by:
        text += f", agreed by {_listing(agreement.agreed_by, registry)}"
    return text


def _listing(mentions: list[Mention], registry: Registry) -> str:
    names = [name(m, registry) for m in sorted(mentions, key=lambda m: str(m.node))]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def confidence(agreement: Agreement) -> float:
    score = INFERRED if agreement.inferred else DIRECT
    if any(not m.linked for m in agreement.parties + agreement.agreed_by):
        score *= NEW_ACTOR
    return round(score, 2)
