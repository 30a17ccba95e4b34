"""The `memberships` stage: members of international organizations, with status and evidence.

The reading is kg/extract/memberships.py's; this stage writes each membership as a
ckg:Membership node with its member, organization and status, the ckg:memberOf shortcut, and
the clause that states it as evidence. The node is named from (member, organization, status),
so every document attesting Armenia's frozen CSTO membership adds evidence to one node.

Confidence of a membership's evidence (what the number means): 0.9 when the clause states the
membership ("includes", "is a member of", "its membership in", "joined", "has frozen its
membership") and names the member and the organization where the cue wants them; 0.15 less for
each of: the membership is read rather than stated (a leading or founding state, a member
withholding its contributions, relations suspended with an organization the document says it
belongs to), and the member or organization was reached by resolving a reference ("the
grouping", "its", "the country", a capital for its state). So 0.75 for one, 0.6 for both.
`kg evaluate` measures how these bands hold against the gold standard.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal, URIRef

from kg import iris
from kg.extract.memberships import MembershipMention, find_memberships
from kg.provenance import Triple, evidence_triples
from kg.stages import Additions, DocumentState, stage
from kg.vocab import CKG

STATED = 0.9
LESS_PER_STEP = 0.15  # for a reading rather than a statement, and for a resolved reference


@stage("memberships", requires={"parse", "entities"}, provides={"memberships"})
def extract_memberships(state: DocumentState) -> Additions:
    """Find memberships in international organizations, their status, and the clause saying so."""
    memberships = find_memberships(state.provided["parse"], state.provided["entities"],
                                   state.registry)
    triples: list[Triple] = []
    for membership in memberships:
        triples += membership_triples(membership, state)
    return Additions(triples, {"memberships": memberships})


def membership_triples(membership: MembershipMention, state: DocumentState) -> list[Triple]:
    """The membership node (shared by every document attesting it) and this clause's evidence."""
    node = membership_node(membership)
    member, organization = iris.entity(membership.member), iris.entity(membership.organization)
    entities = state.registry.entities
    label = (f"{entities[membership.member].label} in "
             f"{entities[membership.organization].label} ({membership.status})")
    triples: list[Triple] = [
        (node, RDF.type, CKG.Membership),
        (node, RDFS.label, Literal(label, lang="en")),
        (node, CKG.member, member),
        (node, CKG.organization, organization),
        (node, CKG.membershipStatus, CKG[membership.status]),
        (member, CKG.memberOf, organization),
    ]
    triples += evidence_triples(state.document, membership.start, membership.end, node,
                                state.activity, confidence(membership))
    return triples


def membership_node(membership: MembershipMention) -> URIRef:
    return iris.membership(iris.entity(membership.member), iris.entity(membership.organization),
                           membership.status)


def confidence(membership: MembershipMention) -> float:
    steps = int(membership.implied) + int(membership.inferred)
    return round(STATED - LESS_PER_STEP * steps, 2)
