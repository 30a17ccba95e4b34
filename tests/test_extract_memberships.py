"""kg/extract/memberships.py and its stage: memberships read with the real spaCy pipeline.

Most sentences are copied from the corpus (a test checks they still occur there); the new ones
try what the corpus lacks: a plain copula, a suspended participation, states and an alliance
named without any membership, negations and hopes, a city standing for its state. The last
test scores the extractor against every Membership of tests/gold.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from rdflib import RDF, RDFS, Literal

from kg import iris, paths
from kg.corpus import Document
from kg.extract.events import ORGANIZATIONS
from kg.extract.lexicons import read_lexicon
from kg.extract.memberships import MembershipMention, find_memberships
from kg.extract.mentions import find_mentions
from kg.extract.nlp import language_for
from kg.provenance import locate_quote
from kg.registry import Registry
from kg.stages.memberships import membership_node  # importing it registers the stage
from kg.vocab import CKG

from .conftest import document_graphs

# Measured on the five corpus documents: 24 of 25 gold memberships found (the one missed is in
# the Customs Union, which the registry types Organization for now, so it cannot be a
# ckg:organization), with 3 false positives against the gold: "his country's continued
# membership in the CSTO", "Armenia's CSTO membership" and "the Moscow-led alliance" in 02,
# which state memberships the gold records elsewhere in that article but not there.
# Precision 0.89, recall 0.96; the floors leave one miss or one false positive of room.
MIN_PRECISION = 0.85
MIN_RECALL = 0.90

# (member, organization, status, quoted words) as `found` gives them.
Found = tuple[str, str, str, str]


def extract(text: str, registry: Registry) -> list[MembershipMention]:
    doc = language_for(registry)(text)
    return find_memberships(doc, find_mentions(doc, registry), registry)


def found(text: str, registry: Registry) -> list[Found]:
    """(member, organization, status, quoted words) of each membership found, in text order."""
    return [(m.member, m.organization, m.status, text[m.start:m.end])
            for m in extract(text, registry)]


def members(text: str, registry: Registry) -> set[tuple[str, str, str]]:
    return {(m.member, m.organization, m.status) for m in extract(text, registry)}


INCLUDES = "The CSTO includes Russia, Belarus, Kazakhstan, Kyrgyzstan, and Tajikistan"
GROUPING = ("Yerevan\u2019s continued membership in the grouping -- which includes Belarus, "
            "Kazakhstan, Kyrgyzstan, and Tajikistan")
SIX_NATION = ("A\u00a0six-nation security alliance led by Moscow, the CSTO\u00a0also includes "
              "Belarus, Kazakhstan, Kyrgyzstan, and Tajikistan")

# Sentences copied from the corpus, with the memberships they state. The corpus writes the
# curly apostrophe and the no-break space, spelled \u2019 and \u00a0 here so that they cannot
# be mistaken for plain ones.
CORPUS_CASES: list[tuple[str, str, list[Found]]] = [
    ("of-which",
     "The Russian-led Collective Security Treaty Organization (CSTO), of which Armenia is a "
     "member, refused to intervene when Azerbaijan launched an offensive against Armenia in "
     "September 2022.",
     [("armenia", "csto", "Active", "The Russian-led Collective Security Treaty Organization "
       "(CSTO), of which Armenia is a member")]),
    ("freezing-its-membership",
     "Armenia\u2019s foreign ministry has announced that the country will no longer make "
     "financial contributions to the CSTO, effectively freezing its membership.",
     [("armenia", "csto", "Frozen", "the country will no longer make financial contributions "
       "to the CSTO, effectively freezing its membership")]),
    ("includes",
     INCLUDES + ".",
     [(state, "csto", "Active", INCLUDES)
      for state in ("russia", "belarus", "kazakhstan", "kyrgyzstan", "tajikistan")]),
    ("potential-future-membership",
     "In contrast, Armenia has been strengthening its ties with the West, holding joint drills "
     "with U.S. forces, providing humanitarian aid to Ukraine, and even hinting at potential "
     "future membership in the European Union.",
     []),
    ("russia-led-grouping",
     "The CSTO has been at the heart of Armenia's turn away from Moscow, with Pashinian's "
     "government having long criticized the Russia-led security grouping for its \u201cfailure "
     "to respond to the security challenges\u201d facing Armenia.",
     [("russia", "csto", "Active", "Pashinian's government having long criticized the "
       "Russia-led security grouping for its \u201cfailure to respond to the security "
       "challenges\u201d facing Armenia")]),
    ("which-includes",
     "Pashinian declined to attend a CSTO summit in Minsk in November and said in a televised "
     "Q&A session then that any decision about " + GROUPING + " -- would be based on Armenia's "
     "\"own state interests.\"",
     [("armenia", "csto", "Active", "Yerevan\u2019s continued membership in the grouping"),
      *((state, "csto", "Active", GROUPING)
        for state in ("belarus", "kazakhstan", "kyrgyzstan", "tajikistan"))]),
    ("longstanding-membership",
     "Since then, Mr. Pashinyan has blamed Russia for failing to avert Baku\u2019s\u00a0"
     "offensive,\u00a0despite Armenia\u2019s longstanding membership in the Collective Security "
     "Treaty Organization (CSTO).",
     [("armenia", "csto", "Active", "Since then, Mr. Pashinyan has blamed Russia for "
       "failing to avert Baku\u2019s\u00a0offensive,\u00a0despite Armenia\u2019s longstanding "
       "membership in the Collective Security Treaty Organization (CSTO)")]),
    ("six-nation-alliance",
     SIX_NATION + ".",
     [("russia", "csto", "Active", "A\u00a0six-nation security alliance led by Moscow"),
      *((state, "csto", "Active", SIX_NATION)
        for state in ("belarus", "kazakhstan", "kyrgyzstan", "tajikistan"))]),
    ("not-a-member",
     "Although Azerbaijan is not a CSTO member, it enjoys close ties with Russia, which has "
     "sought to broker a lasting peace between the perennial regional enemies.",
     []),
    ("set-up-by",
     "Set up by Russia\u00a0in 2014, the EAEU\u00a0is an economic union of five ex-Soviet "
     "Eurasian states, including Armenia.",
     [("russia", "eaeu", "Active", "Set up by Russia\u00a0in 2014, the EAEU\u00a0is an economic "
       "union of five ex-Soviet Eurasian states, including Armenia"),
      ("armenia", "eaeu", "Active",
       "an economic union of five ex-Soviet Eurasian states, including Armenia")]),
    # The Customs Union is typed Organization in the registry: no membership in it is written.
    ("remains-a-member",
     "Despite the fact that Yerevan remains a member of the Customs Union and the EAEU, and is "
     "also developing trade with Russia",
     [("armenia", "eaeu", "Active",
       "Yerevan remains a member of the Customs Union and the EAEU")]),
    ("will-refrain",
     "\u201cArmenia will refrain from joining the CSTO resolution ... on the 2024 budget, and "
     "from participating in financing the organization\u2019s activities as laid out by this "
     "resolution,\u201d she said on May 8.",
     []),
    ("alliance-obligations",
     "Moscow has increased the number of Russian border troops deployed to Armenia in "
     "accordance with its alliance obligations",
     []),
]


def test_find_memberships_cases_quote_the_corpus(corpus: list[Document]) -> None:
    bodies = [document.body for document in corpus]
    for _, sentence, _ in CORPUS_CASES:
        assert any(sentence in body for body in bodies), sentence


@pytest.mark.parametrize(("sentence", "expected"), [case[1:] for case in CORPUS_CASES],
                         ids=[case[0] for case in CORPUS_CASES])
def test_find_memberships_reads_corpus_sentences(sentence: str, expected: list[Found],
                                                 registry: Registry) -> None:
    assert sorted(found(sentence, registry)) == sorted(expected)


def test_find_memberships_reads_a_member_copula(registry: Registry) -> None:
    assert found("Kazakhstan is a member of the EAEU.", registry) == [
        ("kazakhstan", "eaeu", "Active", "Kazakhstan is a member of the EAEU")]
    assert members("Russia and Kazakhstan are members of the EAEU.", registry) == {
        ("russia", "eaeu", "Active"), ("kazakhstan", "eaeu", "Active")}
    assert members("Belarus, a CSTO member, hosted the summit.", registry) == {
        ("belarus", "csto", "Active")}


def test_find_memberships_suspended_participation_is_frozen(registry: Registry) -> None:
    assert found("Belarus suspended its participation in the CSTO.", registry) == [
        ("belarus", "csto", "Frozen", "Belarus suspended its participation in the CSTO")]
    assert members("Armenia\u2019s frozen membership in the CSTO worries Moscow.",
                   registry) == {("armenia", "csto", "Frozen")}


def test_find_memberships_states_and_alliance_without_membership_give_nothing(
        registry: Registry) -> None:
    for sentence in ("Russia and Belarus held talks with the CSTO in Minsk.",
                     "Pashinyan met Putin at a CSTO summit in Yerevan.",
                     "Kazakhstan criticized the CSTO for its failure to act.",
                     "Armenia suspended talks with Azerbaijan."):
        assert found(sentence, registry) == [], sentence


def test_find_memberships_skips_negations_and_hopes(registry: Registry) -> None:
    for sentence in ("Azerbaijan is no longer a member of the CSTO.",
                     "Neither Armenia nor Azerbaijan is a member of the EAEU.",
                     "The European Union includes neither Armenia nor Azerbaijan.",
                     "Armenia is seeking membership in the European Union.",
                     "Armenia wants to join the European Union.",
                     "Armenia will join the European Union."):
        assert found(sentence, registry) == [], sentence


def test_find_memberships_reads_joining_and_belonging(registry: Registry) -> None:
    assert members("Armenia joined the EAEU in 2015.", registry) == {
        ("armenia", "eaeu", "Active")}
    assert members("Kazakhstan belongs to the CSTO and the EAEU.", registry) == {
        ("kazakhstan", "csto", "Active"), ("kazakhstan", "eaeu", "Active")}
    assert members("The EAEU consists of Russia, Belarus and Armenia.", registry) == {
        ("russia", "eaeu", "Active"), ("belarus", "eaeu", "Active"),
        ("armenia", "eaeu", "Active")}


def test_find_memberships_description_names_an_organization_of_its_kind(
        registry: Registry) -> None:
    [*memberships] = extract("Armenia criticized the CSTO. The alliance includes Russia and "
                             "Belarus.", registry)
    assert {(m.member, m.organization) for m in memberships} == {
        ("russia", "csto"), ("belarus", "csto")}
    assert all(m.inferred for m in memberships)
    # An alliance is not the economic union named before it.
    assert found("The EAEU met in Minsk. The alliance includes Russia and Belarus.",
                 registry) == []


def test_find_memberships_city_stands_for_its_state(registry: Registry) -> None:
    [membership] = extract("Minsk remains a member of the EAEU.", registry)
    assert (membership.member, membership.organization, membership.inferred) == (
        "belarus", "eaeu", True)


def test_find_memberships_skips_an_organization_outside_the_international_classes(
        registry: Registry) -> None:
    assert registry.entities["eurasian-customs-union"].type not in ORGANIZATIONS
    assert found("Armenia is a member of the Customs Union.", registry) == []


def test_find_memberships_founders_and_withholding_are_read_not_stated(
        registry: Registry) -> None:
    founded = extract("The EAEU was created by Russia, Belarus and Kazakhstan in 2014.",
                      registry)
    assert {(m.member, m.status, m.implied) for m in founded} == {
        ("russia", "Active", True), ("belarus", "Active", True), ("kazakhstan", "Active", True)}
    [withheld] = extract("Armenia has refrained from financing the CSTO.", registry)
    assert (withheld.member, withheld.organization, withheld.status, withheld.implied) == (
        "armenia", "csto", "Frozen", True)


def test_find_memberships_suspended_relations_need_a_stated_membership(
        registry: Registry) -> None:
    text = ("Armenia is a member of the CSTO. In February, he announced that Armenia had "
            "effectively suspended relations with the alliance.")
    assert ("armenia", "csto", "Frozen", "Armenia had effectively suspended relations with the "
            "alliance") in found(text, registry)
    assert found("In February, Armenia suspended relations with the CSTO.", registry) == []


def test_memberships_lexicon_kinds_name_organization_classes() -> None:
    kinds = read_lexicon("memberships")["kinds"]
    assert all(set(classes) <= ORGANIZATIONS for classes in kinds.values()), kinds


def test_membership_node_names_member_organization_and_status(registry: Registry) -> None:
    [membership] = extract("Kazakhstan is a member of the EAEU.", registry)
    assert membership_node(membership) == membership_node(
        replace(membership, start=0, end=1, inferred=True))
    assert membership_node(membership) != membership_node(replace(membership, status="Frozen"))
    assert membership_node(membership) != membership_node(replace(membership, member="russia"))


def test_memberships_stage_shares_the_node_and_cites_the_body(corpus: list[Document],
                                                              registry: Registry) -> None:
    graphs = document_graphs(corpus, registry, "document", "nlp", "entities", "memberships")
    armenia, csto = iris.entity("armenia"), iris.entity("csto")
    frozen = {key: {node for node in graph.subjects(CKG.member, armenia)
                    if (node, CKG.membershipStatus, CKG.Frozen) in graph}
              for key, graph in graphs.items()}
    assert len(set.union(*frozen.values())) == 1  # one membership, attested by three documents
    assert sum(bool(nodes) for nodes in frozen.values()) == 3
    rferl = next(d for d in corpus if d.key == "01_rferl-putin-pashinian-withdrawal")
    graph = graphs[rferl.key]
    [node] = frozen[rferl.key]
    assert graph.value(node, RDF.type) == CKG.Membership
    assert graph.value(node, RDFS.label) == Literal(
        "Armenia in Collective Security Treaty Organization (Frozen)", lang="en")
    assert graph.value(node, CKG.organization) == csto
    assert (armenia, CKG.memberOf, csto) in graph
    evidence = graph.value(node, CKG.evidence)
    start, end = (int(graph.value(evidence, p)) for p in (CKG.charStart, CKG.charEnd))
    assert rferl.body[start:end] == str(graph.value(evidence, CKG.quote)) == (
        "his country had also frozen its membership in the Collective Security Treaty "
        "Organization (CSTO)")
    assert float(graph.value(evidence, CKG.confidence)) == 0.75  # "his country" is resolved


def score(corpus: list[Document], registry: Registry) -> tuple[float, float, list[str]]:
    """Precision, recall and the misses and false positives: a membership matches a gold one
    with the same member, organization and status whose quote it overlaps."""
    matched = total_found = total_gold = 0
    errors = []
    for document in corpus:
        gold = gold_memberships(document)
        memberships = extract(document.body, registry)
        total_found += len(memberships)
        total_gold += len(gold)
        unmatched = list(memberships)
        for fact, (start, end) in gold:
            partner = next((m for m in unmatched
                            if (m.member, m.organization, m.status) == fact
                            and m.start < end and start < m.end), None)
            if partner is None:
                errors.append(f"missed {document.key}: {fact} {document.body[start:end]!r}")
            else:
                unmatched.remove(partner)
                matched += 1
        errors += [f"false {document.key}: {(m.member, m.organization, m.status)} "
                   f"{document.body[m.start:m.end]!r}" for m in unmatched]
    return matched / max(total_found, 1), matched / total_gold, errors


def gold_memberships(document: Document) -> list[tuple[tuple[str, str, str], tuple[int, int]]]:
    """(member, organization, status) and quote span of each Membership in the gold file."""
    data = yaml.safe_load((paths.GOLD_DIR / f"{document.key}.yaml").read_text("utf-8"))
    return [((fact["member"], fact["organization"], fact["status"]),
             locate_quote(document, fact["quote"]))
            for fact in data["facts"] if fact["type"] == "Membership"]


def test_find_memberships_scores_against_the_gold(corpus: list[Document],
                                                  registry: Registry) -> None:
    precision, recall, errors = score(corpus, registry)
    assert recall >= MIN_RECALL, errors
    assert precision >= MIN_PRECISION, errors


@pytest.mark.parametrize(("text", "expected"), [
    # members listed beside one, of the organization named just before
    ("The CSTO was founded in 1992. Kazakhstan is one of the six members, alongside Russia "
     "and Belarus.", {("kazakhstan", "csto", "Active"), ("russia", "csto", "Active"),
                      ("belarus", "csto", "Active")}),
    # a relative clause's "whose members are" lists the members of what it qualifies
    ("Kazakhstan stays in the CSTO, the Russian-led bloc whose other members are Russia and "
     "Belarus.", {("russia", "csto", "Active"), ("belarus", "csto", "Active")}),
])
def test_memberships_listed_beside_one_or_through_whose(text, expected, registry):
    assert members(text, registry) == expected
