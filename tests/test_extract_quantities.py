"""kg/extract/quantities.py and its stage: stated amounts, read with the real spaCy pipeline.

Most sentences are copied from the corpus (a test checks they still occur there); the new ones
try what the corpus lacks: number words, money in words, a year-like count, a force's size,
phrases that look like amounts and are not. Then the stage's graph (ckg:Quantity nodes,
ckg:personnel for competency question 6), the contract files (shapes, HermiT), and last a score
against every Quantity of tests/gold.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef

from kg import iris, paths
from kg.corpus import Document
from kg.entities import registry_triples
from kg.evaluate import read_gold
from kg.extract.events import find_events
from kg.extract.lexicons import read_lexicon
from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.extract.quantities import QuantityMention, find_quantities
from kg.queries import read_queries
from kg.rdf import to_oxigraph
from kg.registry import Registry
from kg.stages.events import event_node
from kg.stages.quantities import personnel_triples, quantity_node  # registers the stage
from kg.validate import Context, validate_files
from kg.validate.findings import Severity
from kg.validate.locate import Locator
from kg.validate.reasoner import check_consistency
from kg.vocab import CKG, CKR

from .conftest import DATA, document_graphs

# Measured on the five corpus documents, one fact per piece of evidence: 27 of the 27 gold
# quantities found, durations ("the 44-day war", "at least five years") included, and 3 of 30
# found not in the gold: "between two states", which counts nothing, and two repetitions the
# gold quotes once (the deck's "a six-nation military alliance", a second "44-day war"). The
# floors leave one miss or one false positive of room for parser or registry changes.
MIN_RECALL = 0.96
MIN_PRECISION = 0.87

# (value, unit, approximate, quoted words) as `found` gives them.
Found = tuple[str, str, bool, str]

CONTINGENT = iris.entity("russian-peacekeeping-contingent")
STAGES = ("document", "dates", "nlp", "entities", "events", "quantities")


def extract(text: str, registry: Registry) -> list[QuantityMention]:
    doc = language_for(registry)(text)
    mentions = find_mentions(doc, registry)
    return find_quantities(doc, mentions, find_events(doc, mentions, (), registry))


def found(text: str, registry: Registry) -> list[Found]:
    return [(str(q.value), q.unit, q.approximate, text[q.span[0]:q.span[1]])
            for q in extract(text, registry)]


# Sentences copied from the corpus, with the amounts they state. The corpus writes the curly
# apostrophe and the no-break space, spelled \u2019 and \u00a0 here.
CORPUS_CASES: list[tuple[str, list[Found]]] = [
    ("In total, 1,960 military personnel, 90 armored personnel carriers, 380 vehicles and 4 "
     "helicopters arrived in Karabakh.",
     [("1960", "personnel", False, "1,960 military personnel"),
      ("90", "armoured personnel carriers", False, "90 armored personnel carriers"),
      ("380", "vehicles", False, "380 vehicles"),
      ("4", "helicopters", False, "4 helicopters")]),
    ("Some 2,000 Russian peacekeepers have already withdrawn from the Nagorno-Karabakh area that "
     "had been for three decades under ethnic Armenian control.",
     [("2000", "troops", True, "Some 2,000 Russian peacekeepers"),
      ("3", "decades", False, "three decades")]),
    ("The Kremlin confirmed that hundreds of Russian soldiers would stand down from their "
     "positions along Armenia\u2019s borders.",
     [("100", "troops", True, "hundreds of Russian soldiers")]),
    ("On May 27, Azerbaijan said that six Armenian troops had been captured when trying to "
     "cross the two countries\u2019 border to carry out a subversive activity.",
     [("6", "troops", False, "six Armenian troops")]),
    ("Despite the fact that Yerevan remains a member of the Customs Union and the EAEU, and is "
     "also developing trade with Russia (in 2023, Armenia\u2019s trade turnover with the Russian "
     "Federation increased by 43% \u2013 to $7.3 billion, which is more than a third of the "
     "total trade turnover), in military terms Armenia is clearly moving away from Moscow.",
     [("43", "percent", False, "43%"), ("7300000000", "USD", False, "$7.3 billion"),
      ("33", "percent", True, "more than a third")]),
    ("\u201cRussia accounts for only 10% of the total volume of weapons purchased by Armenia, "
     "although previously this figure was more than 50%.",
     [("10", "percent", False, "10%"), ("50", "percent", True, "more than 50%")]),
    ("A\u00a0six-nation security alliance led by Moscow, the CSTO\u00a0also includes Belarus, "
     "Kazakhstan, Kyrgyzstan, and Tajikistan.",
     [("6", "states", False, "six-nation")]),
    ("Set up by Russia\u00a0in 2014, the EAEU\u00a0is an economic union of five ex-Soviet "
     "Eurasian states, including Armenia.",
     [("5", "states", False, "five ex-Soviet Eurasian states")]),
    ("Additionally, Armenian Prime Minister Pashinyan accused Russian peacekeepers of "
     "abandoning their posts during an Azerbaijani offensive in Nagorno-Karabakh in 2020, "
     "which led to a mass exodus of 120,000 ethnic Armenians.",
     [("120000", "people", False, "120,000 ethnic Armenians")]),
    ("The offensive, which also ended with a Moscow-brokered cease-fire, prompted tens of "
     "thousands of the region\u2019s ethnic Armenians to depart for nearby Armenia.",
     [("10000", "people", True,
       "tens of thousands of the region\u2019s ethnic Armenians")]),
    ("Since the Soviet Union fell in the early 1990s, they have fought two major "
     "wars\u2014and countless skirmishes\u2014over the flashpoint region of Nagorno-Karabakh.",
     [("2", "wars", False, "two major wars")]),
    # Durations: how long something lasted, even inside an event's name.
    ("Russian border guards, who had been stationed in Nerkin Hand after the 44-day war in "
     "2020, have now vacated the village.", [("44", "days", False, "44-day")]),
    ("Russia is withdrawing peacekeepers from Nagorno-Karabakh, despite the fact that they were "
     "supposed to remain in the region for at least five years.",
     [("5", "years", True, "at least five years")]),
    # Dates, a name with a number, definite phrases: no amounts.
    ("In March, Pashinian said in an interview with the France 24 television channel that his "
     "country had also frozen its membership in the Collective Security Treaty Organization "
     "(CSTO).", []),
    ("This agreement marks a significant development in the relations between the two "
     "countries.", []),
]


def test_find_quantities_cases_quote_the_corpus(corpus: list[Document]) -> None:
    bodies = [document.body for document in corpus]
    for sentence, _ in CORPUS_CASES:
        assert any(sentence in body for body in bodies), sentence


@pytest.mark.parametrize(("sentence", "expected"), CORPUS_CASES,
                         ids=[case[0][:40] for case in CORPUS_CASES])
def test_find_quantities_reads_corpus_sentences(sentence: str, expected: list[Found],
                                                registry: Registry) -> None:
    assert found(sentence, registry) == expected


def test_find_quantities_reads_number_words_and_money_in_words(registry: Registry) -> None:
    assert found("Azerbaijan killed twenty-five soldiers and seized a dozen tanks.",
                 registry) == [("25", "troops", False, "twenty-five soldiers"),
                               ("12", "tanks", False, "dozen tanks")]
    assert found("Inflation reached 7.5 percent, and the budget was 300 million euros.",
                 registry) == [("7.5", "percent", False, "7.5 percent"),
                               ("300000000", "EUR", False, "300 million euros")]


def test_find_quantities_reads_a_magnitude_as_approximate(registry: Registry) -> None:
    [quantity] = extract("Tens of thousands of refugees crossed the border.", registry)
    assert (quantity.value, quantity.unit, quantity.approximate, quantity.magnitude) == (
        Decimal(10000), "people", True, True)


def test_find_quantities_never_takes_a_year(registry: Registry) -> None:
    assert found("The 2024 budget was cut in 2023 by five per cent.", registry) == [
        ("5", "percent", False, "five per cent")]
    # spaCy tags "2000 troops" a DATE; a count of troops is still a count
    assert found("Russia sent 2000 troops to Armenia.", registry) == [
        ("2000", "troops", False, "2000 troops")]


def test_find_quantities_skips_phrases_that_state_no_amount(registry: Registry) -> None:
    assert found("The two leaders met on May 9.", registry) == []
    assert found("Two years ago, and again three days before the vote, Russia sent troops.",
                 registry) == []
    assert found("One of the soldiers was wounded, and Armenia is one of the six members.",
                 registry) == []


def test_find_quantities_reads_durations_of_one_unit_and_spans(registry: Registry) -> None:
    assert found("The talks ended more than a year late, and the convoy left in less than an "
                 "hour.", registry) == [("1", "years", True, "more than a year"),
                                        ("1", "hours", True, "less than an hour")]
    assert found("The mission should be over within a month.", registry) == [
        ("1", "months", True, "within a month")]
    assert found("Prices have risen over the past three months.", registry) == [
        ("3", "months", False, "three months")]
    assert found("The vote comes less than a week after the talks.", registry) == []
    # "a year" with no approximator is seldom an amount
    assert found("The leaders meet twice a year.", registry) == []


def test_find_quantities_part_of_a_definite_whole_states_an_amount(registry: Registry) -> None:
    assert found("The party won 54 of the 101 seats.", registry) == [
        ("54", "seats", False, "54 of the 101 seats")]


def test_find_quantities_one_of_an_uncounted_kind_is_no_amount(registry: Registry) -> None:
    assert found("The reform moves one ministry at a time, always in one direction.",
                 registry) == []
    assert found("Russia sent one helicopter.", registry) == [
        ("1", "helicopters", False, "one helicopter")]


def test_find_quantities_unknown_noun_counts_itself(registry: Registry) -> None:
    [quantity] = extract("Since 1991 they have fought two major wars.", registry)
    assert (quantity.unit, quantity.known_unit) == ("wars", False)


def test_find_quantities_of_the_event_at_its_verb(registry: Registry) -> None:
    [quantity] = extract("Some 2,000 Russian peacekeepers have already withdrawn from "
                         "Nagorno-Karabakh.", registry)
    [event] = quantity.events
    assert (event.type, event.trigger.text, quantity.inferred) == ("Withdrawal", "withdrawn",
                                                                   False)
    assert personnel_triples(quantity) == [(_event_node(quantity), CKG.personnel,
                                            Literal(2000))]


def test_find_quantities_of_the_deployment_told_before(registry: Registry) -> None:
    text = ("The Russian military contingent was introduced into the region following the "
            "Second Karabakh War in 2020. The main forces were deployed in November of the "
            "same year. In total, 1,960 military personnel and 4 helicopters arrived in "
            "Karabakh.")
    personnel, helicopters = extract(text, registry)
    assert [e.trigger.text for e in personnel.events] == ["introduced"]
    assert personnel.inferred and helicopters.events == personnel.events
    assert personnel_triples(helicopters) == []


def test_find_quantities_force_size_gives_personnel_on_the_force(registry: Registry) -> None:
    [quantity] = extract("Russia keeps some 3,000 Russian peacekeepers in Nagorno-Karabakh.",
                         registry)
    assert quantity.entity is not None and quantity.entity.node == CONTINGENT
    assert quantity.force_size
    assert personnel_triples(quantity) == [(CONTINGENT, CKG.personnel, Literal(3000))]


def test_find_quantities_captured_troops_are_not_the_force_size(registry: Registry) -> None:
    """The six count the men of the capture (its `affected`), not Armenia's army."""
    [quantity] = extract("Azerbaijan said that six Armenian troops had been captured.",
                         registry)
    [capture] = quantity.events
    assert capture.type == "Capture"
    assert [m.key for m in capture.roles["affected"]] == ["armed-forces-of-armenia"]
    assert not quantity.force_size
    assert personnel_triples(quantity) == [(_event_node(quantity), CKG.personnel, Literal(6))]


def test_find_quantities_magnitude_gives_no_personnel(registry: Registry) -> None:
    [quantity] = extract("Hundreds of Russian peacekeepers have left Nagorno-Karabakh.",
                         registry)
    assert quantity.events and personnel_triples(quantity) == []


def test_find_quantities_of_the_subject_for_a_percentage(registry: Registry) -> None:
    [quantity] = extract("Russia accounts for only 10% of the weapons Armenia buys.", registry)
    assert quantity.entity is not None and quantity.entity.key == "russia"


def test_quantity_node_is_shared_only_when_it_says_what_it_is_of(registry: Registry) -> None:
    [quantity] = extract("Russia keeps some 3,000 Russian peacekeepers in Nagorno-Karabakh.",
                         registry)
    assert quantity_node(quantity, "a") == quantity_node(replace(quantity, span=(7, 9)), "b")
    assert quantity_node(quantity, "a") != quantity_node(replace(quantity, approximate=False),
                                                         "a")
    alone = replace(quantity, entity=None)
    assert quantity_node(alone, "a") != quantity_node(alone, "b")
    assert str(quantity_node(alone, "a")).startswith(str(CKR["quantity/"]))


def test_quantities_lexicon_units_are_well_formed() -> None:
    lexicon = read_lexicon("quantities")
    assert lexicon["people_unit"] in lexicon["units"]
    assert all(entry.get("nouns") for entry in lexicon["units"].values())
    nouns = [noun for entry in lexicon["units"].values() for noun in entry["nouns"]]
    assert len(nouns) == len(set(nouns))  # a noun counts in one unit


# --- the stage's graph ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def graphs(corpus: list[Document], registry: Registry) -> dict[str, Graph]:
    return document_graphs(corpus, registry, *STAGES)


def test_quantities_stage_writes_quantities_with_evidence(corpus: list[Document],
                                                          graphs: dict[str, Graph]) -> None:
    for document in corpus:
        graph = graphs[document.key]
        for node in graph.subjects(RDF.type, CKG.Quantity):
            value = graph.value(node, CKG.value)
            assert value.datatype == XSD.decimal
            assert graph.value(node, CKG.approximate).datatype == XSD.boolean
            assert str(graph.value(node, CKG.unit))
            for evidence in graph.objects(node, CKG.evidence):
                start, end = (int(graph.value(evidence, p)) for p in (CKG.charStart,
                                                                       CKG.charEnd))
                assert document.body[start:end] == str(graph.value(evidence, CKG.quote))
                assert 0 < float(graph.value(evidence, CKG.confidence)) <= 1


def test_quantities_stage_gives_each_source_its_contingent_size(graphs: dict[str, Graph]
                                                                 ) -> None:
    sizes = {}
    for key, graph in graphs.items():
        nodes = {CONTINGENT, *graph.subjects(CKG.force, CONTINGENT)}
        numbers = {int(v) for node in nodes for v in graph.objects(node, CKG.personnel)}
        if numbers:
            sizes[key] = numbers
    assert sizes == {"01_rferl-putin-pashinian-withdrawal": {2000},
                     "02_epochtimes-peacekeepers-withdraw": {2000},
                     "03_peacekeepers-leave-karabakh": {1960}}


def test_quantities_stage_answers_competency_question_6(corpus: list[Document],
                                                        registry: Registry,
                                                        graphs: dict[str, Graph]) -> None:
    store = ox.Store()
    quads = [ox.Quad(*map(to_oxigraph, (*triple, iris.document_graph(key))))
             for key, graph in graphs.items() for triple in graph]
    quads += [ox.Quad(*map(to_oxigraph, (*triple, iris.REGISTRY_GRAPH)))
              for triple in registry_triples(registry, {d.key: d for d in corpus})]
    store.extend(quads)
    [query] = [q for q in read_queries() if q.name == "06-peacekeeping-contingent-size"]
    rows = {(solution["document"].value, int(solution["personnel"].value))
            for solution in store.query(query.sparql, use_default_graph_as_union=True)}
    assert rows == {(str(iris.document("01_rferl-putin-pashinian-withdrawal")), 2000),
                    (str(iris.document("02_epochtimes-peacekeepers-withdraw")), 2000),
                    (str(iris.document("03_peacekeepers-leave-karabakh")), 1960)}


def test_quantities_stage_graph_validates(tmp_path: Path, corpus: list[Document],
                                          registry: Registry, graphs: dict[str, Graph]) -> None:
    """The stage's triples with the registry's pass the shapes and HermiT, warnings aside;
    each document's in its own named graph, as the build writes them (each source dates a
    registry event in its own graph)."""
    dataset = Dataset()
    for key, document_graph in graphs.items():
        named = dataset.graph(iris.document_graph(key))
        for triple in document_graph:
            named.add(triple)
    registry_graph = dataset.graph(iris.REGISTRY_GRAPH)
    for triple in registry_triples(registry, {d.key: d for d in corpus}):
        registry_graph.add(triple)
    path = tmp_path / "quantities.trig"
    dataset.serialize(path, format="trig")
    findings = validate_files([path], Context.from_repository(), reason=True)
    assert [f for f in findings if f.severity is not Severity.WARNING] == []


# --- the contract files ---------------------------------------------------------------------

def test_quantity_shapes_accept_the_valid_quantity() -> None:
    context = Context.from_repository()
    assert validate_files([DATA / "shapes" / "valid-quantity.ttl"], context, reason=True) == []


def test_quantity_is_disjoint_from_events_for_the_reasoner() -> None:
    graph = Graph().parse(paths.ONTOLOGY_FILE, format="turtle")
    graph.parse(DATA / "shapes" / "valid-quantity.ttl", format="turtle")
    assert check_consistency(graph, Locator("valid-quantity.ttl")) == []
    node = next(graph.subjects(RDF.type, CKG.Quantity))
    graph.add((node, RDF.type, CKG.Withdrawal))
    [finding] = check_consistency(graph, Locator("bad.ttl"))
    assert "ckg:Quantity" in finding.message


# --- the score on the gold ------------------------------------------------------------------

def score(corpus: list[Document], graphs: dict[str, Graph]
          ) -> tuple[float, float, list[str]]:
    """Precision, recall and the errors, one fact per (quantity, evidence) as `kg evaluate`
    reads them; a match has the same value and an overlapping span."""
    matched = total_found = total_gold = 0
    errors = []
    for document in corpus:
        _, facts = read_gold(paths.GOLD_DIR / f"{document.key}.yaml", document)
        gold = [f for f in facts if f.type == "Quantity"]
        graph = graphs[document.key]
        extracted = [(_number(graph.value(node, CKG.value)),
                      int(graph.value(evidence, CKG.charStart)),
                      int(graph.value(evidence, CKG.charEnd)))
                     for node in graph.subjects(RDF.type, CKG.Quantity)
                     for evidence in graph.objects(node, CKG.evidence)]
        total_found += len(extracted)
        total_gold += len(gold)
        for fact in gold:
            partner = next((e for e in extracted if e[0] in fact.roles["value"]
                            and e[1] < fact.end and fact.start < e[2]), None)
            if partner is None:
                errors.append(f"missed {document.key}: {fact.quote}")
            else:
                extracted.remove(partner)
                matched += 1
        errors += [f"false {document.key}: {document.body[start:end]}"
                   for _, start, end in extracted]
    return matched / max(total_found, 1), matched / total_gold, errors


def test_find_quantities_scores_against_the_gold(corpus: list[Document],
                                                 graphs: dict[str, Graph]) -> None:
    precision, recall, errors = score(corpus, graphs)
    assert recall >= MIN_RECALL, errors
    assert precision >= MIN_PRECISION, errors


def test_a_duration_is_of_what_lasted(registry: Registry) -> None:
    """A duration modifying a noun is of what that noun names: the event found there, or the
    entity an event's name names; a number in any other name states no amount."""
    [deployment] = extract("The four-year deployment of Russian peacekeepers to "
                           "Nagorno-Karabakh ended.", registry)
    assert (deployment.value, deployment.unit) == (Decimal(4), "years")
    assert [event.type for event in deployment.events] == ["Deployment"]
    [war] = extract("They were stationed in the village after the 44-day war.", registry)
    assert war.entity is not None and war.entity.key == "second-nagorno-karabakh-war"
    assert not war.events
    assert extract("Pashinian told the France 24 channel about it.", registry) == []


def _event_node(quantity: QuantityMention) -> URIRef:
    [event] = quantity.events
    return event_node(event)


def _number(value: object) -> str:
    return format(Decimal(str(value)).normalize(), "f")




@pytest.mark.parametrize(("text", "expected"), [
    # "one" before a noun of no listed unit is the article's sense
    ("The guards were replaced one outpost at a time.", []),
    ("All the votes went in one direction.", []),
    # before a listed unit it still counts
    ("Only one soldier stayed behind.", [("1", "troops", False, "one soldier")]),
])
def test_quantities_one_before_an_unlisted_noun_counts_nothing(text, expected, registry):
    assert found(text, registry) == expected
