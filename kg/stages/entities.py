"""The `nlp` and `entities` stages: parse the body, then resolve every named entity in it.

Each entity the document names is recorded as `document ckg:mentions entity`; a new one (not
in the registry) is described in the document's graph and flagged `ckg:unlinked`.
"""

from __future__ import annotations

from kg import iris
from kg.entities import new_entity_triples
from kg.extract.mentions import find_mentions, meant_states, nested_mentions, shared_names
from kg.extract.nlp import language_for, looks_english
from kg.extract.references import find_own_forces, find_references
from kg.extract.statements import find_statements
from kg.stages import Additions, DocumentState, stage
from kg.vocab import CKG

PARALLEL_FROM = 8  # documents per process below which starting processes costs more
PARSER_BATCH = 8  # documents spaCy hands a process at a time


@stage("nlp", requires={"document"}, provides={"parse"}, batch=True)
def parse(states: list[DocumentState], processes: int = 1) -> list[Additions]:
    """Split, tag, parse and recognise entities in the body with spaCy and the registry ruler.

    A body that does not read as English is not analysed (an empty parse, so no facts), with
    a warning: the English model would invent names and events in it. `processes` parse in
    parallel once a batch is large enough to repay starting them.
    """
    nlp = language_for(states[0].registry)
    parallel = processes if len(states) >= PARALLEL_FROM * processes else 1
    parsed = nlp.pipe((state.document.body for state in states), n_process=parallel,
                      batch_size=PARSER_BATCH)
    return [Additions(provided={"parse": doc}) if looks_english(doc) else
            Additions(provided={"parse": nlp.make_doc("")},
                      warnings=["the text does not read as English; no facts extracted"])
            for doc in parsed]


@stage("entities", requires={"parse"}, provides={"entities"})
def resolve_entities(state: DocumentState) -> Additions:
    """Resolve each recognised name to its registry entity, or mint a new unlinked one, each
    definite description ("the region") to the entity named before it, and each "our troops"
    in someone's words to the speaker's state's force; a plural name shared among states
    ("the Ministries of Defense of X and Y") is each one's registry organization; states meant
    by a border's or an acting city's name are mentioned too."""
    doc = state.provided["parse"]
    named = find_mentions(doc, state.registry)
    shared = shared_names(doc, named, state.registry)
    # a plural name shared among its owners is theirs, not a new entity's
    named = [m for m in named if not any(m.start == s.start for s in shared)]
    named = sorted(named + shared, key=lambda m: (m.start, m.end))
    mentions = sorted(named + find_references(doc, named), key=lambda m: (m.start, m.end))
    spoken = [(s.speaker, s.words) for s in find_statements(doc, mentions, state.registry)]
    mentions = sorted(mentions + find_own_forces(doc, spoken, state.registry),
                      key=lambda m: (m.start, m.end))
    document = iris.document(state.document.key)
    # names within names are mentioned too, but only the longest name takes part in facts
    nested = nested_mentions(doc, named, state.registry)
    meant = meant_states(doc, named, state.registry)
    triples = [(document, CKG.mentions, node)
               for node in sorted({m.node for m in [*mentions, *nested, *meant]})]
    for mention in {m.node: m for m in mentions if not m.linked}.values():
        triples += new_entity_triples(mention.node, mention.type, mention.name)
    return Additions(triples, {"entities": mentions})
