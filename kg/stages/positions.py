"""The `positions` stage: who holds which office, and where it is said (kg/extract/positions.py).

Each position is one node per holder, title and office owner, whatever document attests it
(`ckr:position/<sha256 of the three>`), so two articles calling Robert Ghukasyan "Syunik
Governor" give one position with two pieces of evidence. Evidence quotes the smallest span
holding the title, the name and the words naming the owner.

The office's owner is mentioned by the document even where only a demonym names it ("Kazakh
President Kassym-Jomart Tokayev" speaks of Kazakhstan).

Confidence of that evidence (what the number means): 0.9 when the title stands in the name's
own noun phrase and the parse joins them ("Syunik Governor Robert Ghukasyan"); 0.75 when it
stands beside the name, in an apposition or a copula ("X, the governor of Y", "X, who is ..."),
read from the phrase's shape; times 0.8 when the holder is a new person the registry does not
know (the NER may have cut the name wrong). `kg evaluate` measures how these bands hold.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal, URIRef

from kg import iris
from kg.extract.positions import PositionMention, find_positions
from kg.provenance import Triple, evidence_triples
from kg.stages import Additions, DocumentState, stage
from kg.stages.events import name
from kg.vocab import CKG


@stage("positions", requires={"parse", "entities"}, provides={"positions"})
def extract_positions(state: DocumentState) -> Additions:
    """Find people named with an office title, the office's owner, and cite the phrase."""
    positions = find_positions(state.provided["parse"], state.provided["entities"],
                               state.registry)
    triples: list[Triple] = []
    for position in positions:
        triples += position_triples(position, state)
    return Additions(triples, {"positions": positions})


def position_triples(position: PositionMention, state: DocumentState) -> list[Triple]:
    """The position node (shared by every document attesting it) and this phrase's evidence."""
    node = position_node(position)
    holder = name(position.holder, state.registry)
    office = position.title
    if position.owner is not None:
        office += f" of {name(position.owner, state.registry)}"
    triples: list[Triple] = [
        (node, RDF.type, CKG.PositionHeld),
        (node, RDFS.label, Literal(f"{office}: {holder}", lang="en")),
        (node, CKG.holder, position.holder.node),
        (node, CKG.positionTitle, Literal(position.title)),
    ]
    if position.owner is not None:
        triples.append((node, CKG.ofActor, position.owner.node))
    if position.owner is not None and position.owner.linked:  # "Kazakh President": Kazakhstan
        triples.append((iris.document(state.document.key), CKG.mentions, position.owner.node))
    triples += evidence_triples(state.document, *position.span, node, state.activity,
                                confidence(position))
    return triples


def position_node(position: PositionMention) -> URIRef:
    owner = position.owner.node if position.owner is not None else None
    return iris.position(position.holder.node, position.title, owner)


def confidence(position: PositionMention) -> float:
    score = 0.75 if position.beside else 0.9
    if not position.holder.linked:
        score *= 0.8
    return round(score, 2)
