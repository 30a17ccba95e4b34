"""The `named-events` stage: where a document names an event the registry knows, cite it there.

"The 44-day war in 2020", "the Second Karabakh War": the registry has the war, with its type
and Wikidata link; the document's graph gets the evidence that this document speaks of it
(its sentence) and the date its own clause gives, so the war is a fact of every source that
names it; an event over before the document was published (by that date or the registry's) is
Completed in the document's graph. Confidence 0.9: the name is one the registry lists for this
very event.
"""

from __future__ import annotations

from rdflib import RDF, URIRef

from kg.extract.events import date_in_clause, ended_before
from kg.extract.nlp import sentence_span
from kg.literals import date_triples
from kg.provenance import Triple, evidence_triples
from kg.stages import Additions, DocumentState, stage
from kg.vocab import CKG

NAMED_EVENT_CLASSES = {"War", "MilitaryOperation", "Meeting", "Capture", "MembershipChange",
                       "Deployment", "Withdrawal", "Reinforcement"}
NAMED = 0.9


@stage("named-events", requires={"parse", "entities", "dates", "anchor"},
       provides={"named-events"})
def cite_named_events(state: DocumentState) -> Additions:
    """Cite each registry event the document names, with its sentence and the date it gives."""
    doc = state.provided["parse"]
    triples: list[Triple] = []
    cited: set[URIRef] = set()
    told: set[URIRef] = set()  # events given a status
    for mention in state.provided["entities"]:
        if mention.key is None or mention.type not in NAMED_EVENT_CLASSES:
            continue
        words = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if words is None:
            continue
        start, end = sentence_span(words.root)
        triples.append((mention.node, RDF.type, CKG[mention.type]))
        triples += evidence_triples(state.document, start, end, mention.node, state.activity,
                                    NAMED)
        date = date_in_clause(words.root, state.provided["dates"])
        if date is not None and mention.node not in cited:
            triples += date_triples(mention.node, date)
            cited.add(mention.node)
        if mention.node not in told and ended_before(date, mention.key, state.registry,
                                                     state.provided["anchor"]):
            triples.append((mention.node, CKG.status, CKG.Completed))
            told.add(mention.node)
    return Additions(triples, {"named-events": sorted(cited)})
