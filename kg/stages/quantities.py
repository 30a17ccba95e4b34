"""The `quantities` stage: stated amounts as ckg:Quantity nodes (kg/extract/quantities.py).

Each amount becomes a ckg:Quantity with its value (xsd:decimal), normalised unit, whether the
source gives it as approximate, what it is of (ckg:quantityOf: the events or the entity the
extractor read) and the phrase that states it as evidence. A quantity that says what it is of
is one node per value, unit, approximation and what it is of, whatever document states it, so
two sources' "some 2,000 troops" of one withdrawal are one node with two pieces of evidence;
one that does not is one node per phrase.

A count of military personnel also gives ckg:personnel (xsd:integer), in the document's graph,
on the one event it is of ("Some 2,000 Russian peacekeepers have already withdrawn": that
withdrawal), else on the force it names when it gives the force's size rather than the troops
an event befell (see kg/extract/quantities.py). Not for an order of magnitude ("hundreds of
soldiers" gives no number of troops), nor for the per-location events of one trigger, which
do not each have the sentence's count. Different sources' numbers for one force or event thus
sit in their own named graphs, where competency question 6 compares them.

Confidence of a quantity's evidence (what the number means): 0.9 when the number, its unit and
what it is of are read from the phrase and its own clause; 0.75 when what it is of was read
beyond them (an event in an earlier sentence, an apposition, a copula); times 0.8 when the unit
is the counted noun as written, not a unit of the lexicon. `kg evaluate` measures how these
bands hold against the gold standard.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from kg import iris
from kg.extract.quantities import QuantityMention, find_quantities
from kg.provenance import Triple, evidence_triples
from kg.registry import Registry
from kg.stages import Additions, DocumentState, stage
from kg.stages.events import event_node, label, name
from kg.vocab import CKG

READ = 0.9
INFERRED = 0.75
UNKNOWN_UNIT = 0.8  # factor for a unit the lexicon does not know


@stage("quantities", requires={"parse", "entities", "events"}, provides={"quantities"})
def extract_quantities(state: DocumentState) -> Additions:
    """Find the amounts the text states, what they count, and cite the phrase."""
    quantities = find_quantities(state.provided["parse"], state.provided["entities"],
                                 state.provided["events"])
    triples: list[Triple] = []
    for quantity in quantities:
        triples += quantity_triples(quantity, state)
    return Additions(triples, {"quantities": quantities})


def quantity_triples(quantity: QuantityMention, state: DocumentState) -> list[Triple]:
    """The quantity node, what it is of, ckg:personnel where it gives one, and its evidence."""
    node = quantity_node(quantity, state.document.key)
    triples: list[Triple] = [
        (node, RDF.type, CKG.Quantity),
        (node, RDFS.label, Literal(quantity_label(quantity, state.registry), lang="en")),
        (node, CKG.value, decimal_literal(quantity.value)),
        (node, CKG.unit, Literal(quantity.unit)),
        (node, CKG.approximate, Literal(quantity.approximate)),
    ]
    triples += [(node, CKG.quantityOf, target) for target in quantity_of(quantity)]
    triples += personnel_triples(quantity)
    triples += evidence_triples(state.document, *quantity.span, node, state.activity,
                                confidence(quantity))
    return triples


def quantity_of(quantity: QuantityMention) -> list[URIRef]:
    """The nodes of what the quantity counts or measures: its events, else its entity."""
    if quantity.events:
        return sorted({event_node(event) for event in quantity.events}, key=str)
    return [quantity.entity.node] if quantity.entity is not None else []


def personnel_triples(quantity: QuantityMention) -> list[Triple]:
    """ckg:personnel on the one event, or the force, whose troops the quantity counts.

    Events of one sentence that differ only in place ("deployed along the line of contact and
    along the Lachin corridor") share the count, which is then their one force's.
    """
    if not quantity.personnel or quantity.magnitude or quantity.value != int(quantity.value):
        return []
    troops = Literal(int(quantity.value))
    events = {event_node(event) for event in quantity.events}
    if len(events) == 1:
        return [(events.pop(), CKG.personnel, troops)]
    forces = {m.node for event in quantity.events for m in event.roles.get("force", [])}
    if len({event.trigger.i for event in quantity.events}) == 1 and len(forces) == 1:
        return [(forces.pop(), CKG.personnel, troops)]
    if not events and quantity.entity is not None and quantity.force_size:
        return [(quantity.entity.node, CKG.personnel, troops)]
    return []


def quantity_node(quantity: QuantityMention, document_key: str) -> URIRef:
    return iris.quantity(quantity.value, quantity.unit, quantity.approximate,
                         list(quantity_of(quantity)), document_key, quantity.span)


def quantity_label(quantity: QuantityMention, registry: Registry) -> str:
    """"about 2,000 troops of Withdrawal: Russian peacekeeping contingent; Nagorno-Karabakh"."""
    text = f"{'about ' if quantity.approximate else ''}{quantity.value:,} {quantity.unit}"
    if quantity.events:
        text += f" of {label(quantity.events[0], registry)}"
    elif quantity.entity is not None:
        text += f" of {name(quantity.entity, registry)}"
    return text


def confidence(quantity: QuantityMention) -> float:
    score = INFERRED if quantity.inferred else READ
    if not quantity.known_unit:
        score *= UNKNOWN_UNIT
    return round(score, 2)


def decimal_literal(value: object) -> Literal:
    """An xsd:decimal in its canonical form ("6.0", not "6"), which Turtle, TriG and N-Quads
    all write and read back as the same literal."""
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)
