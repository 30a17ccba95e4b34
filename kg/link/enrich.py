"""What Wikidata says about linked items, as a named graph of its own with its provenance.

For each linked item: the truthy values of the configured properties (coordinates, instance of,
country, located in, member of), its labels in English and the configured languages, and its
positions held (P39) as statements with start and end. For each linked place: the offices that
apply to it (P1001) and who held them when, which `kg link --check` compares with the
documents. Everything is read from the cache, so `kg build` makes this graph offline; each
answer becomes a ckg:WikidataAnswer with the endpoint, retrieval time and query.
"""

from __future__ import annotations

import hashlib

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg import __version__, iris
from kg.link.cache import Answer, Cache
from kg.link.candidates import PREFIXES
from kg.link.fetch import Asker, Binding, qid, value
from kg.link.settings import LinkSettings
from kg.provenance import Triple, activity_triples
from kg.vocab import CKG, WD

P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
STATEMENT_PREFIXES = """PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
"""
# A statement Wikidata marks deprecated is known to be wrong: it is not kept.
NOT_DEPRECATED = "FILTER NOT EXISTS { ?statement wikibase:rank wikibase:DeprecatedRank }"


def fetch_facts(qids: list[str], places: list[str], settings: LinkSettings, asker: Asker
                ) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """Facts about `qids` and the office holders of `places`, by QID (cached or asked)."""
    facts = asker.answers("facts", qids, lambda batch: facts_query(batch, settings),
                          lambda row: qid(value(row, "item")) or "")
    holders = asker.answers("holders", places, holders_query,
                            lambda row: qid(value(row, "jurisdiction")) or "")
    return facts, holders


def facts_query(qids: list[str], settings: LinkSettings) -> str:
    """Truthy facts, labels and positions held of each item."""
    items = " ".join(f"wd:{q}" for q in qids)
    properties = " ".join(f"wdt:{p}" for p in settings.facts)
    languages = ", ".join(f'"{code}"' for code in ("en", *settings.languages))
    return (f"{PREFIXES}{STATEMENT_PREFIXES}"
            "SELECT ?item ?property ?value ?statement ?start ?end WHERE {\n"
            f"  VALUES ?item {{ {items} }}\n"
            f"  {{ VALUES ?property {{ {properties} }} ?item ?property ?value }}\n"
            "  UNION { ?item rdfs:label ?value BIND(rdfs:label AS ?property)\n"
            f"          FILTER(LANG(?value) IN ({languages})) }}\n"
            "  UNION { ?item p:P39 ?statement . ?statement ps:P39 ?value .\n"
            f"          {NOT_DEPRECATED}\n"
            "          BIND(p:P39 AS ?property)\n"
            "          OPTIONAL { ?statement pq:P580 ?start }\n"
            "          OPTIONAL { ?statement pq:P582 ?end } }\n}")


def holders_query(places: list[str]) -> str:
    """The offices that apply to each place (P1001) and their holders, with start and end."""
    items = " ".join(f"wd:{q}" for q in places)
    return (f"{PREFIXES}{STATEMENT_PREFIXES}"
            "SELECT ?jurisdiction ?position ?positionLabel ?holder ?holderLabel ?statement "
            "?start ?end WHERE {\n"
            f"  VALUES ?jurisdiction {{ {items} }}\n"
            "  ?position wdt:P1001 ?jurisdiction .\n"
            "  ?holder p:P39 ?statement . ?statement ps:P39 ?position .\n"
            f"  {NOT_DEPRECATED}\n"
            "  OPTIONAL { ?statement pq:P580 ?start }\n"
            "  OPTIONAL { ?statement pq:P582 ?end }\n"
            '  OPTIONAL { ?position rdfs:label ?positionLabel\n'
            '             FILTER(LANG(?positionLabel) = "en") }\n'
            '  OPTIONAL { ?holder rdfs:label ?holderLabel FILTER(LANG(?holderLabel) = "en") }\n}')


def enrichment_triples(cache: Cache, qids: list[str], places: list[str]) -> list[Triple]:
    """The Wikidata graph of the cached answers about `qids` and the holders of `places`."""
    activity = iris.activity("wikidata-enrichment", __version__)
    triples: list[Triple] = []
    endpoints: set[str] = set()
    for kind, subjects, convert in (("facts", qids, _fact_triples),
                                    ("holders", places, _holder_triples)):
        for subject in sorted(set(subjects)):
            answer = cache.get(f"{kind}:{subject}")
            if answer is None:
                continue
            endpoints.add(answer.endpoint)
            triples += _answer_triples(answer, WD[subject], activity)
            for row in answer.rows:
                triples += convert(row)
    if not triples:
        return []
    triples += [(iris.WIKIDATA_GRAPH, PROV.wasDerivedFrom, URIRef(e)) for e in sorted(endpoints)]
    return activity_triples(activity, f"caucasus-kg Wikidata enrichment {__version__}") + triples


def _answer_triples(answer: Answer, item: URIRef, activity: URIRef) -> list[Triple]:
    node = iris.wikidata_answer(answer.key)
    return [
        (node, RDF.type, CKG.WikidataAnswer),
        (node, CKG.wikidataItem, item),
        (node, CKG.sparqlQuery, Literal(answer.sparql)),
        (node, PROV.wasDerivedFrom, URIRef(answer.endpoint)),
        (node, PROV.generatedAtTime, Literal(answer.retrieved, datatype=XSD.dateTime)),
        (node, PROV.wasGeneratedBy, activity),
    ]


def _fact_triples(row: Binding) -> list[Triple]:
    item, prop, fact = (term(row.get(name)) for name in ("item", "property", "value"))
    if item is None or prop is None or fact is None:
        return []
    if prop != P.P39:
        return [(item, prop, fact)]
    return _statement_triples(item, fact, row)


def _holder_triples(row: Binding) -> list[Triple]:
    holder, position = term(row.get("holder")), term(row.get("position"))
    place = term(row.get("jurisdiction"))
    if holder is None or position is None or place is None:
        return []
    triples = [(position, WDT.P1001, place), *_statement_triples(holder, position, row)]
    for node, label in ((holder, "holderLabel"), (position, "positionLabel")):
        if (text := term(row.get(label))) is not None:
            triples.append((node, RDFS.label, text))
    return triples


def _statement_triples(item: Node, position: Node, row: Binding) -> list[Triple]:
    """A position-held statement; without a statement IRI one is made from its parts."""
    statement = term(row.get("statement")) or URIRef(
        f"{WD}statement/{hashlib.sha256(f'{item} {position}'.encode()).hexdigest()[:16]}")
    triples = [(item, P.P39, statement), (statement, PS.P39, position)]
    for name, qualifier in (("start", PQ.P580), ("end", PQ.P582)):
        if (when := term(row.get(name))) is not None:
            triples.append((statement, qualifier, when))
    return triples


def term(cell: dict[str, str] | None) -> Node | None:
    """An RDF term from a SPARQL JSON cell (None for an unbound or blank one)."""
    if not cell:
        return None
    if cell["type"] == "uri":
        return URIRef(cell["value"])
    if cell["type"] in ("literal", "typed-literal"):
        if "xml:lang" in cell:
            return Literal(cell["value"], lang=cell["xml:lang"])
        return Literal(cell["value"], datatype=URIRef(cell["datatype"])
                       if "datatype" in cell else None)
    return None
