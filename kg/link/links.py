"""The links file (registry/wikidata-links.yaml): what `kg link` decided, as reviewable data.

`links:` maps a registry key to its Wikidata item with the score, the name that matched, the
endpoint and the retrieval time; `review:` lists the entities left unlinked, with the reason and
their candidates, for a person to settle (by putting the QID into the registry). `kg build`
turns `links:` into owl:sameAs in the links graph, each with a ckg:WikidataLink saying how it
was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

import yaml
from rdflib import OWL, RDF, XSD, Literal, URIRef
from rdflib.namespace import PROV

from kg import __version__, iris
from kg.errors import InputError
from kg.link.candidates import Decision
from kg.link.settings import QID, compose_yaml
from kg.provenance import Triple, activity_triples
from kg.registry import Registry
from kg.vocab import CKG, WD

HEADER = """\
# Wikidata links chosen by `kg link` (kg/link/): do not edit by hand. To settle an entry of
# `review`, or to overrule a link, put the QID into registry/entities.yaml instead; the registry
# wins over this file. README "Linking to Wikidata" explains the scores.
"""

@dataclass(frozen=True)
class Link:
    key: str
    wikidata: str
    score: float
    matched: str
    endpoint: str
    retrieved: str


LINK_FIELDS = tuple(f.name for f in fields(Link) if f.name != "key")  # the file's fields


def read_links(path: Path) -> dict[str, Link]:
    """The links of the file (none when it does not exist); raises InputError naming the line."""
    if not path.exists():
        return {}
    root = compose_yaml(path)
    if not isinstance(root, yaml.MappingNode):
        raise InputError("the links file is a mapping with 'links' and 'review'", path, 1)
    links: dict[str, Link] = {}
    node = _item(root, "links")
    if node is None:
        return links
    if not isinstance(node, yaml.MappingNode):
        raise InputError("'links' must map registry keys to links", path, _line(node))
    for key_node, value_node in node.value:
        line = _line(key_node)
        data = yaml.safe_load(yaml.serialize(value_node))
        if not isinstance(data, dict) or set(data) != set(LINK_FIELDS):
            raise InputError(f"the link of {key_node.value!r} needs exactly "
                             f"{', '.join(LINK_FIELDS)}", path, line)
        lines = {field.value: _line(field) for field, _ in value_node.value}
        if not QID.match(str(data["wikidata"])):
            raise InputError(f"wikidata {data['wikidata']!r} is not a QID like Q399", path,
                             lines["wikidata"])
        if not isinstance(data["score"], int | float) or not 0 <= data["score"] <= 1:
            raise InputError(f"score {data['score']!r} must be a number from 0 to 1", path,
                             lines["score"])
        links[key_node.value] = Link(key_node.value, str(data["wikidata"]), float(data["score"]),
                                     str(data["matched"]), str(data["endpoint"]),
                                     str(data["retrieved"]))
    return links


def write_links(path: Path, links: dict[str, Link], decisions: list[Decision]) -> None:
    """Write the links and, under `review`, the decisions that linked nothing."""
    review = {
        decision.entity.key: {
            "reason": decision.reason,
            "candidates": [{"wikidata": c.qid, "label": c.label, "score": c.score}
                           for c in decision.candidates],
        }
        for decision in sorted(decisions, key=lambda d: d.entity.key)
        if decision.link is None and decision.candidates
    }
    data = {"links": {key: {name: getattr(links[key], name) for name in LINK_FIELDS}
                      for key in sorted(links)},
            "review": review}
    path.write_text(HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                            width=100), encoding="utf-8")


def link_from(decision: Decision) -> Link | None:
    """The link a decision made, if it made one."""
    if decision.link is None:
        return None
    return Link(decision.entity.key, decision.link.qid, decision.link.score,
                decision.link.name, decision.endpoint, decision.retrieved)


def links_triples(links: dict[str, Link], registry: Registry) -> list[Triple]:
    """owl:sameAs for each link of an entity the registry has without a QID of its own, and
    the ckg:WikidataLink that says how it was chosen."""
    activity = iris.activity("wikidata-linking", __version__)
    triples: list[Triple] = []
    for key, link in sorted(links.items()):
        entity = registry.entities.get(key)
        if entity is None or entity.wikidata:
            continue
        subject, item, node = iris.entity(key), WD[link.wikidata], iris.wikidata_link(key)
        triples += [
            (subject, OWL.sameAs, item),
            (node, RDF.type, CKG.WikidataLink),
            (node, CKG.linkedEntity, subject),
            (node, CKG.wikidataItem, item),
            (node, CKG.linkScore, Literal(Decimal(str(link.score)), datatype=XSD.decimal)),
            (node, CKG.matchedName, Literal(link.matched)),
            (node, PROV.wasDerivedFrom, URIRef(link.endpoint)),
            (node, PROV.generatedAtTime, Literal(link.retrieved, datatype=XSD.dateTime)),
            (node, PROV.wasGeneratedBy, activity),
        ]
    if not triples:
        return []
    return activity_triples(activity, f"caucasus-kg Wikidata linking {__version__}") + triples


def _item(node: yaml.Node, name: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == name:
                return value_node
    return None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
