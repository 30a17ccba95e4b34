"""Where the documents and Wikidata disagree: memberships and office holders, with both sources.

Reads the built graph (what the documents say, with their evidence) and the cached Wikidata
answers (what Wikidata says, with its retrieval time). A membership the documents attest is a
disagreement when Wikidata's item for the member has no `member of` (P463) the organization; an
office holder is one when, at the document's date, Wikidata names other holders of the office
that applies to the place (P1001) and whose name contains the title. Entities are matched to
items through the registry and the links file, so a check needs no rebuild after linking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.link.cache import Answer
from kg.link.fetch import qid, value

PREFIXES = """PREFIX ckg: <https://w3id.org/caucasus-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
MEMBERSHIPS = PREFIXES + """SELECT DISTINCT ?member ?memberLabel ?organization ?document ?quote
WHERE {
  ?membership a ckg:Membership ; ckg:member ?member ; ckg:organization ?organization ;
              ckg:evidence [ ckg:source ?document ; ckg:quote ?quote ] .
  ?member rdfs:label ?memberLabel .
}"""
POSITIONS = PREFIXES + """SELECT DISTINCT ?holder ?holderLabel ?title ?place ?document ?issued
                ?quote WHERE {
  ?position a ckg:PositionHeld ; ckg:holder ?holder ; ckg:positionTitle ?title ;
            ckg:ofActor ?place ; ckg:evidence [ ckg:source ?document ; ckg:quote ?quote ] .
  ?holder rdfs:label ?holderLabel .
  ?document dcterms:issued ?issued .
}"""
ENTITY = "https://w3id.org/caucasus-kg/resource/"


@dataclass(frozen=True)
class Disagreement:
    """One fact the documents and Wikidata state differently."""

    subject: str
    documents_say: str
    document: str
    quote: str
    wikidata_says: str
    retrieved: str

    def __str__(self) -> str:
        return (f"{self.subject}\n  documents: {self.documents_say} ({self.document}: "
                f"{self.quote!r})\n  Wikidata:  {self.wikidata_says} (retrieved "
                f"{self.retrieved})")


def check_graph(data: Path, known: dict[str, str], facts: dict[str, Answer],
                holders: dict[str, Answer]) -> list[Disagreement]:
    """Disagreements between the graph in `data` and Wikidata's answers, where both speak.

    `known` maps registry keys to QIDs; `facts` and `holders` are answers by QID.
    """
    store = _load(data)
    found = []
    for row in _select(store, MEMBERSHIPS):
        member = known.get(_key(row["member"]))
        organization = known.get(_key(row["organization"]))
        answer = facts.get(member or "")
        if answer is None or organization is None:
            continue
        memberships = {qid(value(r, "value")) for r in answer.rows
                       if value(r, "property") == "http://www.wikidata.org/prop/direct/P463"}
        if organization not in memberships:
            found.append(Disagreement(
                f"{row['memberLabel']} member of wd:{organization}",
                "a member", row["document"], row["quote"],
                f"wd:{member} has no member of (P463) wd:{organization}", answer.retrieved))
    for row in _select(store, POSITIONS):
        place = known.get(_key(row["place"]))
        answer = holders.get(place or "")
        if answer is None:
            continue
        when = dt.date.fromisoformat(row["issued"][:10])
        others = _holders_at(answer, row["title"], when)
        ours = {row["holderLabel"].casefold(), known.get(_key(row["holder"]))} - {None}
        theirs = {name.casefold() for name in others} | set(others.values())
        if others and not ours & theirs:
            found.append(Disagreement(
                f"{row['title']} of wd:{place} on {when}", row["holderLabel"], row["document"],
                row["quote"], ", ".join(f"{name} (wd:{item})" for name, item in
                                        sorted(others.items())), answer.retrieved))
    return found


def _holders_at(answer: Answer, title: str, when: dt.date) -> dict[str, str]:
    """Holders (English label: QID) of offices named like `title` on `when`."""
    holders = {}
    for row in answer.rows:
        office = value(row, "positionLabel") or ""
        if title.casefold() not in office.casefold():
            continue
        start, end = value(row, "start"), value(row, "end")
        if (start and _date(start) > when) or (end and _date(end) < when):
            continue
        item = qid(value(row, "holder")) or ""
        holders[value(row, "holderLabel") or item] = item
    return holders


def _date(text: str) -> dt.date:
    """A Wikidata time value's date (xsd:dateTime, day precision or coarser)."""
    return dt.date.fromisoformat(text.lstrip("+")[:10])


def _load(data: Path) -> ox.Store:
    store = ox.Store()
    try:
        store.bulk_load(path=str(data), format=ox.RdfFormat.from_extension(data.suffix[1:]))
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"cannot read the graph to check: {error}; build it first "
                         "(`kg build`) or name one with --data", data) from None
    return store


def _select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    results = store.query(sparql, use_default_graph_as_union=True)
    names = [variable.value for variable in results.variables]
    return [{name: solution[name].value for name in names} for solution in results]


def _key(iri: str) -> str:
    return iri[len(ENTITY):] if iri.startswith(ENTITY) else ""
