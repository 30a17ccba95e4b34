"""`kg link`: one run of linking, verification, enrichment and (on request) the check.

The run reads the cache and the links file, asks the endpoint only what the cache cannot answer
(everything again on a refresh), and writes both files back. What could not be asked (the
endpoint down and no cache entry) is reported and left as it was: an earlier link stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.link.cache import Cache, read_cache
from kg.link.candidates import Decision, search_candidates
from kg.link.check import Disagreement, check_graph
from kg.link.client import WikidataClient
from kg.link.enrich import enrichment_triples, fetch_facts
from kg.link.fetch import Asker
from kg.link.links import Link, link_from, links_triples, read_links, write_links
from kg.link.settings import LinkSettings
from kg.link.verify import Problem, verify_qids
from kg.provenance import Triple
from kg.registry import Entity, Registry

# Places whose offices (P1001) are fetched for the check: a state's offices are too many.
OFFICE_PLACES = frozenset({"AdministrativeRegion", "Settlement", "Territory"})


@dataclass(frozen=True)
class LinkFiles:
    """Where a run reads and writes: the links file and the cache."""

    links: Path
    cache: Path


@dataclass
class LinkReport:
    decisions: list[Decision] = field(default_factory=list)
    links: dict[str, Link] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unasked: list[Entity] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    unavailable: str | None = None
    disagreements: list[Disagreement] | None = None


def link_registry(registry: Registry, settings: LinkSettings, files: LinkFiles,
                  client: WikidataClient | None, refresh: bool = False,
                  threshold: float | None = None, check: Path | None = None) -> LinkReport:
    """Link the registry's entities without a QID, verify the others' QIDs on a refresh,
    fetch facts about every linked item, and compare them with the graph in `check`."""
    cache = read_cache(files.cache)
    earlier = read_links(files.links)
    asker = Asker(client, cache, refresh, settings.batch)
    unlinked = [entity for entity in registry if not entity.wikidata]
    links = {key: link for key, link in earlier.items()
             if key in registry.entities and not registry.entities[key].wikidata}
    searched = search_candidates(unlinked, registry, known_qids(registry, links), settings,
                                 asker, settings.threshold if threshold is None else threshold)
    for decision in searched.decisions:
        link = link_from(decision)
        if link is None:
            links.pop(decision.entity.key, None)
        else:
            links[decision.entity.key] = link
    problems = verify_qids([e for e in registry if e.wikidata], asker) if refresh else []
    known = known_qids(registry, links)
    facts, holders = fetch_facts(list(known.values()), office_places(registry, known),
                                 settings, asker)
    report = LinkReport(searched.decisions, links, problems, searched.unasked, asker.unanswered,
                        asker.unavailable)
    if check is not None:
        report.disagreements = check_graph(check, known, facts, holders)
    if client is not None:
        cache.save()
    write_links(files.links, links, searched.decisions)
    return report


def known_qids(registry: Registry, links: dict[str, Link]) -> dict[str, str]:
    """Registry key -> QID: the registry's own, else the link chosen for it."""
    known = {key: link.wikidata for key, link in links.items() if key in registry.entities}
    known.update({entity.key: entity.wikidata for entity in registry if entity.wikidata})
    return known


def office_places(registry: Registry, known: dict[str, str]) -> list[str]:
    return [known[e.key] for e in registry if e.type in OFFICE_PLACES and e.key in known]


def wikidata_triples(registry: Registry, links_file: Path, cache: Cache
                     ) -> tuple[list[Triple], list[Triple]]:
    """The links graph and the Wikidata graph, from the links file and the cache (offline)."""
    links = read_links(links_file)
    known = known_qids(registry, links)
    return (links_triples(links, registry),
            enrichment_triples(cache, list(known.values()), office_places(registry, known)))
