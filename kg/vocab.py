"""The ckg: terms as Python names, and the project's namespaces.

`CKG` is closed: `CKG.Withdrawl` raises at once instead of minting a term the ontology does not
define; tests/test_vocab.py checks that these names and ontology/caucasus-kg.ttl agree.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

CKR = Namespace("https://w3id.org/caucasus-kg/resource/")
WD = Namespace("http://www.wikidata.org/entity/")


class CKG(DefinedNamespace):
    """Classes, properties and individuals of https://w3id.org/caucasus-kg/ontology#."""

    _NS = Namespace("https://w3id.org/caucasus-kg/ontology#")
    _fail = True

    # Actors
    Actor: URIRef
    State: URIRef
    InternationalOrganization: URIRef
    Alliance: URIRef
    EconomicUnion: URIRef
    Person: URIRef
    Organization: URIRef
    NewsOrganization: URIRef
    # Forces
    MilitaryForce: URIRef
    BorderGuardForce: URIRef
    PeacekeepingForce: URIRef
    # Places
    Place: URIRef
    AdministrativeRegion: URIRef
    Settlement: URIRef
    Border: URIRef
    Facility: URIRef
    Territory: URIRef
    # Agreements and events
    Agreement: URIRef
    Event: URIRef
    Deployment: URIRef
    Withdrawal: URIRef
    Reinforcement: URIRef
    Meeting: URIRef
    MilitaryOperation: URIRef
    War: URIRef
    Capture: URIRef
    MembershipChange: URIRef
    Statement: URIRef
    Membership: URIRef
    PositionHeld: URIRef
    Quantity: URIRef
    # Provenance
    Document: URIRef
    Evidence: URIRef
    # Value classes and their individuals
    EventStatus: URIRef
    Planned: URIRef
    Ongoing: URIRef
    Completed: URIRef
    MembershipStatus: URIRef
    Active: URIRef
    Frozen: URIRef

    # Event roles
    involves: URIRef
    agent: URIRef
    participant: URIRef
    force: URIRef
    location: URIRef
    affected: URIRef
    # Other properties of the contract
    forceOf: URIRef
    personnel: URIRef
    locatedIn: URIRef
    borderOf: URIRef
    date: URIRef
    earliest: URIRef
    latest: URIRef
    startDate: URIRef
    endDate: URIRef
    status: URIRef
    party: URIRef
    agreedBy: URIRef
    reachedAt: URIRef
    provides: URIRef
    member: URIRef
    organization: URIRef
    membershipStatus: URIRef
    memberOf: URIRef
    speaker: URIRef
    about: URIRef
    quote: URIRef
    holder: URIRef
    positionTitle: URIRef
    ofActor: URIRef
    # Provenance properties
    evidence: URIRef
    source: URIRef
    charStart: URIRef
    charEnd: URIRef
    confidence: URIRef
    attributedTo: URIRef
    text: URIRef
    sha256: URIRef
    # Additions beyond the contract
    value: URIRef
    unit: URIRef
    quantityOf: URIRef
    approximate: URIRef
    unlinked: URIRef
    registryKey: URIRef
    mentions: URIRef
    cameoCode: URIRef
    # Wikidata linking and enrichment
    WikidataLink: URIRef
    WikidataAnswer: URIRef
    linkedEntity: URIRef
    wikidataItem: URIRef
    linkScore: URIRef
    matchedName: URIRef
    sparqlQuery: URIRef
