"""Linked-data decisions behind /resource/ pages, as plain functions tested without Flask.

Every `ckr:` IRI has a page: `/resource/<path>` names `ckr:<path>`. This module maps one to the
other, picks the answer's format, writes the SPARQL that describes a resource, and turns the
store's answers into what a page shows: statements grouped by property, the resource's own
evidence, and the timeline of the events an actor, force or place takes part in.
server/resource.py is the blueprint that runs these queries through the store and renders them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from rdflib import RDF
from werkzeug.datastructures import MIMEAccept

from kg.rdf import PREFIXES
from kg.store.base import TURTLE
from kg.store.results import GRAPH_FORMATS
from kg.vocab import CKG, CKR, WD
from server.protocol import FORMAT_NAMES, choose_formats

HTML = "text/html"
HTML_TYPES = (HTML, "application/xhtml+xml")
# The `format=` name of each format a resource is offered in: HTML, then the endpoint's RDF ones.
FORMAT_OF: dict[str, str] = {HTML: "html", **{
    media: next(name for name, named in FORMAT_NAMES.items() if named == media)
    for media in GRAPH_FORMATS}}
# Characters SPARQL's IRIREF forbids: a path holding one names no IRI (and cannot reach a query).
NOT_IN_IRIS = frozenset('<>"{}|^`\\')
NAMESPACES = {**{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
              "rdf": str(RDF)}
LONG_TEXT = 300  # characters of a literal shown whole; a longer one (a document's body) folds
DATE_TYPES = {f"{PREFIXES['xsd']}{name}" for name in ("date", "gYearMonth", "gYear")}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Properties shown first, in this order; the rest follow by label.
FIRST_PROPERTIES = [str(term) for term in (RDF.type, PREFIXES["rdfs"].label,
                                           PREFIXES["skos"].altLabel, PREFIXES["rdfs"].comment,
                                           PREFIXES["owl"].sameAs)]
# What names a resource, best first: a label, a document's title, an evidence's quote.
LABEL_PROPERTIES = [str(PREFIXES["rdfs"].label), str(PREFIXES["skos"].prefLabel),
                    str(PREFIXES["dcterms"].title), str(CKG.quote)]
# Resources of these classes (and their subclasses) get a timeline of the events they are in.
TIMELINE_CLASSES = (CKG.Actor, CKG.MilitaryForce, CKG.Place)

Item = TypeVar("Item")
Binding = dict[str, dict[str, str]]  # one SPARQL JSON solution: {variable: {type, value, ...}}


def resource_iri(path: str) -> str | None:
    """The `ckr:` IRI that /resource/<path> names; None when no IRI can end in `path`."""
    if not path or any(char in NOT_IN_IRIS or ord(char) <= 0x20 for char in path):
        return None
    return f"{CKR}{path}"


def resource_path(iri: str) -> str | None:
    """The /resource/ path of a `ckr:` IRI; None for an IRI outside `ckr:`."""
    path = iri.removeprefix(str(CKR))
    return path if path != iri and resource_iri(path) == iri else None


def choose_media(accept: MIMEAccept, format_name: str | None) -> str:
    """HTML or an RDF media type, from a `format` parameter (which wins) or the Accept header.

    No Accept header, or `*/*`, means Turtle (a client that says nothing is a program); an
    Accept of only SPARQL results types gets their RDF counterpart (JSON → JSON-LD), as /sparql
    does. Raises ProtocolError 400 for an unknown format, 406 when nothing accepted is offered.
    """
    if format_name is not None:
        if format_name.lower() == FORMAT_OF[HTML]:
            return HTML
        return choose_formats(accept, format_name).graph
    best = accept.best_match([*GRAPH_FORMATS, *HTML_TYPES])
    if best in HTML_TYPES:
        return HTML
    if best is not None or not accept:
        return best or TURTLE
    return choose_formats(accept, None).graph


def description_query(iri: str) -> str:
    """A CONSTRUCT of what the endpoint says about a resource (a Concise Bounded Description,
    widened both ways): its statements, the statements pointing at it, the Evidence of
    itself and of each claim pointing at it (an event's source quote for the force it
    names), and the rdfs:label of each resource it is linked with, so that a client can name
    them without asking again. `iri` must come from `resource_iri`.
    """
    return f"""PREFIX ckg: <{CKG._NS}>
PREFIX rdfs: <{PREFIXES['rdfs']}>
CONSTRUCT {{ <{iri}> ?property ?value . ?subject ?link <{iri}> .
  ?claim ckg:evidence ?evidence . ?evidence ?about ?detail . ?neighbour rdfs:label ?label }}
WHERE {{
  {{ <{iri}> ?property ?value }}
  UNION {{ ?subject ?link <{iri}> }}
  UNION {{ {{ BIND(<{iri}> AS ?claim) }} UNION {{ ?claim ?role <{iri}> }}
          ?claim ckg:evidence ?evidence . ?evidence ?about ?detail }}
  UNION {{ {{ <{iri}> ?out ?neighbour }} UNION {{ ?neighbour ?in <{iri}> }}
          ?neighbour rdfs:label ?label }}
}}"""


def statements_query(iri: str) -> str:
    """A SELECT of every statement with the resource as subject ("out") or object ("in"), with
    the named graph holding it, that graph's document, and labels of property and value."""
    return f"""PREFIX ckg: <{CKG._NS}>
PREFIX rdfs: <{PREFIXES['rdfs']}>
PREFIX dcterms: <{PREFIXES['dcterms']}>
PREFIX prov: <{PREFIXES['prov']}>
SELECT DISTINCT ?direction ?property ?value ?graph ?document ?documentTitle ?propertyLabel
       ?valueLabel
WHERE {{
  {{ <{iri}> ?property ?value BIND("out" AS ?direction)
     OPTIONAL {{ GRAPH ?graph {{ <{iri}> ?property ?value }} }} }}
  UNION
  {{ ?value ?property <{iri}> BIND("in" AS ?direction)
     OPTIONAL {{ GRAPH ?graph {{ ?value ?property <{iri}> }} }} }}
  OPTIONAL {{ ?graph prov:wasDerivedFrom ?document
             OPTIONAL {{ ?document dcterms:title ?documentTitle }} }}
  OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
  {_label_of("?value", "?valueLabel")}
}}"""


def _label_of(node: str, label: str) -> str:
    """SPARQL binding `label` to the best name of `node` (LABEL_PROPERTIES' order)."""
    names = [f"{label}{rank}" for rank in range(len(LABEL_PROPERTIES))]
    found = " ".join(f"OPTIONAL {{ {node} <{prop}> {name} }}"
                     for prop, name in zip(LABEL_PROPERTIES, names, strict=True))
    return f"{found} BIND(COALESCE({', '.join(names)}) AS {label})"


def claims_query(iri: str) -> str:
    """A SELECT of the resource's own Evidence (rows without ?role) and, for an actor, force or
    place, of each event it takes part in under any role (ckg:involves and its
    sub-properties): the event's most specific class, and each Evidence's quote, document and
    the dates that document gives the event (read from the graph holding the evidence)."""
    # A union of one path per class: Oxigraph runs it far faster than a path to a VALUES set.
    kinds = " UNION ".join(f"{{ <{iri}> a/rdfs:subClassOf* <{kind}> }}"
                           for kind in TIMELINE_CLASSES)
    return f"""PREFIX ckg: <{CKG._NS}>
PREFIX rdfs: <{PREFIXES['rdfs']}>
PREFIX dcterms: <{PREFIXES['dcterms']}>
SELECT DISTINCT ?event ?role ?roleLabel ?eventLabel ?class ?classLabel ?evidence ?quote
       ?confidence ?document ?title ?address ?issued ?date ?earliest ?latest
WHERE {{
  {{ BIND(<{iri}> AS ?event) }}
  UNION
  {{ FILTER EXISTS {{ {kinds} }}
     ?role rdfs:subPropertyOf* ckg:involves .
     ?event ?role <{iri}> .
     OPTIONAL {{ ?role rdfs:label ?roleLabel }}
     OPTIONAL {{ ?event a ?class . ?class rdfs:subClassOf* ckg:Event
                FILTER NOT EXISTS {{ ?event a ?narrower . ?narrower rdfs:subClassOf+ ?class }}
                OPTIONAL {{ ?class rdfs:label ?classLabel }} }} }}
  OPTIONAL {{ ?event rdfs:label ?eventLabel }}
  OPTIONAL {{
    ?event ckg:evidence ?evidence . ?evidence ckg:quote ?quote .
    OPTIONAL {{ GRAPH ?graph {{ ?event ckg:evidence ?evidence }} }}
    OPTIONAL {{ ?evidence ckg:confidence ?confidence }}
    OPTIONAL {{ ?evidence ckg:source ?document
               OPTIONAL {{ ?document dcterms:title ?title }}
               OPTIONAL {{ ?document dcterms:source ?address }}
               OPTIONAL {{ ?document dcterms:issued ?issued }} }}
    OPTIONAL {{ GRAPH ?graph {{ ?event ckg:date ?date }} }}
    OPTIONAL {{ GRAPH ?graph {{ ?event ckg:earliest ?earliest }} }}
    OPTIONAL {{ GRAPH ?graph {{ ?event ckg:latest ?latest }} }}
  }}
}}"""


@dataclass(frozen=True)
class Term:
    """An RDF term as a page shows it; `kind` says how it links: "resource" (a `ckr:` page
    here), "term" (the ontology's documentation), "wikidata", "iri" (elsewhere) or "literal"."""

    value: str
    kind: str
    label: str = ""
    datatype: str = ""
    language: str = ""

    @property
    def name(self) -> str:
        """What a person reads: the label, else the prefixed name or the value itself."""
        if self.kind == "literal":
            return readable_date(self.value, self.datatype) or self.value
        return self.label or prefixed(self.value)

    @property
    def long(self) -> bool:
        return self.kind == "literal" and len(self.value) > LONG_TEXT


def link_for(iri: str) -> tuple[str, str]:
    """Where a page links an IRI: ("resource", path) for a `ckr:` one (its page here),
    ("ontology", "") for a `ckg:` term (the ontology's documentation: pyLODE's anchors are not
    the terms' local names, so its top), else ("web", address): a Wikidata item's page for
    people rather than its entity IRI."""
    path = resource_path(iri)
    if path is not None:
        return "resource", path
    if iri.startswith(str(CKG._NS)):
        return "ontology", ""
    if iri.startswith(str(WD)):
        return "web", f"https://www.wikidata.org/wiki/{iri.removeprefix(str(WD))}"
    return "web", iri


def term(binding: dict[str, str], label: str = "") -> Term:
    """A Term from one SPARQL JSON binding (and the label found for it)."""
    value = binding["value"]
    if binding["type"] == "literal":
        return Term(value, "literal", datatype=binding.get("datatype", ""),
                    language=binding.get("xml:lang", ""))
    if resource_path(value) is not None:
        kind = "resource"
    elif value.startswith(str(CKG._NS)):
        kind = "term"
    elif value.startswith(str(WD)):
        kind = "wikidata"
    else:
        kind = "iri"
    return Term(value, kind, label)


def prefixed(iri: str) -> str:
    """`ckg:Withdrawal` for a term of a known namespace, else the IRI itself."""
    for prefix, namespace in NAMESPACES.items():
        local = iri.removeprefix(namespace)
        if local != iri and local:
            return f"{prefix}:{local}"
    return iri


def spoken(iri: str) -> str:
    """A property's local name as words, for one without a label ('wasGeneratedBy' → 'was
    generated by', 'sameAs' → 'same as')."""
    local = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower() or iri


def readable_date(value: str, datatype: str) -> str:
    """'9 May 2024', 'May 2024' or '2024' for an xsd:date, gYearMonth or gYear; '' otherwise
    (another datatype, or a lexical form that is no such date)."""
    if datatype not in DATE_TYPES:
        return ""
    parts = value.split("-")
    try:
        if len(parts) == 3:
            day = date.fromisoformat(value)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        return str(int(value))
    except (ValueError, IndexError):
        return ""


@dataclass(frozen=True)
class Source:
    """Where a statement is held: a named graph, and the document it was drawn from if any."""

    graph: str
    document: str = ""
    title: str = ""

    @property
    def name(self) -> str:
        return self.title or self.graph.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Value:
    term: Term
    sources: list[Source] = field(default_factory=list)


@dataclass
class PropertyGroup:
    """The values one property links a resource with, in one direction ("out" or "in")."""

    direction: str
    property: Term
    values: list[Value]


def group_statements(rows: Iterable[Binding]) -> list[PropertyGroup]:
    """Rows of `statements_query` as property groups: outgoing first (types, labels, comments
    and Wikidata links before the rest, then by the property's name), then incoming; values
    ordered by name, each with the sorted sources holding it."""
    groups: dict[tuple[str, str], PropertyGroup] = {}
    values: dict[tuple[str, str, str], Value] = {}
    for row in rows:
        key = (row["direction"]["value"], row["property"]["value"])
        group = groups.setdefault(key, PropertyGroup(key[0], term(
            row["property"], _value(row, "propertyLabel") or spoken(key[1])), []))
        label = _value(row, "valueLabel")
        value = values.get((*key, _identity(row["value"])))
        if value is None or (label and (not value.term.label or label < value.term.label)):
            kept = value.sources if value else []
            value = Value(term(row["value"], label), kept)
            values[(*key, _identity(row["value"]))] = value
        if "graph" in row:
            value.sources.append(Source(row["graph"]["value"], _value(row, "document"),
                                        _value(row, "documentTitle")))
    for (direction, prop, _), value in values.items():
        value.sources = sorted(set(value.sources), key=lambda s: (s.name, s.graph))
        groups[(direction, prop)].values.append(value)
    for group in groups.values():
        group.values.sort(key=lambda v: (v.term.name.casefold(), v.term.value))
    return sorted(groups.values(), key=_group_order)


def usual_source(groups: list[PropertyGroup]) -> Source | None:
    """The source that alone holds the most values, if any: a page names it once instead of
    beside each of those values."""
    alone = Counter(value.sources[0] for group in groups for value in group.values
                    if len(value.sources) == 1)
    return min(alone, key=lambda source: (-alone[source], source.name)) if alone else None


def _group_order(group: PropertyGroup) -> tuple[int, int, str]:
    first = (FIRST_PROPERTIES.index(group.property.value)
             if group.property.value in FIRST_PROPERTIES else len(FIRST_PROPERTIES))
    return (group.direction != "out", first, group.property.name.casefold())


def _identity(binding: dict[str, str]) -> str:
    return "\x1f".join((binding["type"], binding["value"], binding.get("datatype", ""),
                        binding.get("xml:lang", "")))


def _value(row: Binding, name: str) -> str:
    return row[name]["value"] if name in row else ""


@dataclass
class Summary:
    """What a page's head shows: the name, other names, descriptions, types, Wikidata items."""

    label: str
    alt_labels: list[str]
    comments: list[str]
    types: list[Term]
    wikidata: list[Term]


def summarize(groups: list[PropertyGroup], fallback: str) -> Summary:
    """The head of a page from its outgoing statements; `fallback` names a resource that has
    no label, title or quote."""
    out = {group.property.value: [value.term for value in group.values]
           for group in groups if group.direction == "out"}

    def texts(prop: str) -> list[str]:
        return [term.value for term in out.get(prop, [])]

    label = next((texts(prop)[0] for prop in LABEL_PROPERTIES if texts(prop)), fallback)
    return Summary(label, texts(str(PREFIXES["skos"].altLabel)),
                   texts(str(PREFIXES["rdfs"].comment)), out.get(str(RDF.type), []),
                   [term for term in out.get(str(PREFIXES["owl"].sameAs), [])
                    if term.kind == "wikidata"])


def context_query(iri: str) -> str:
    """A SELECT of an Evidence's document text and the quote's offsets in it (no rows for a
    resource that is no Evidence)."""
    return f"""PREFIX ckg: <{CKG._NS}>
SELECT ?text ?start ?end WHERE {{
  <{iri}> ckg:source/ckg:text ?text ; ckg:charStart ?start ; ckg:charEnd ?end }}"""


@dataclass(frozen=True)
class Context:
    """A quote with the words around it in its document; `before` and `after` are cut at
    CONTEXT characters (at a word boundary) and start or end with '…' where cut."""

    before: str
    quote: str
    after: str


CONTEXT = 320  # characters of the document shown on each side of a quote


def quote_context(rows: list[Binding]) -> Context | None:
    """The first row of `context_query` as the quote in its context; None without rows or
    when the offsets do not fall inside the text."""
    if not rows:
        return None
    text = rows[0]["text"]["value"]
    start, end = int(rows[0]["start"]["value"]), int(rows[0]["end"]["value"])
    if not 0 <= start <= end <= len(text):
        return None
    before = text[max(0, start - CONTEXT):start]
    after = text[end:end + CONTEXT]
    if start > CONTEXT:
        before = "…" + before.split(" ", 1)[-1]
    if end + CONTEXT < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return Context(before, text[start:end], after)


@dataclass
class Quote:
    """Exact words from one document, with the date that document gives the claim, and each
    Evidence (IRI, confidence) citing them: two stages citing the same words show once."""

    text: str
    document: str = ""
    title: str = ""
    address: str = ""
    issued: str = ""
    date: str = ""  # the claim's ckg:date as this document gives it (lexical form), or ''
    date_type: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)

    @property
    def shown_date(self) -> str:
        return readable_date(self.date, self.date_type) or self.date


@dataclass
class TimelineEntry:
    """One event a resource takes part in, with its roles, dates and source quotes."""

    event: Term
    classes: list[Term] = field(default_factory=list)
    roles: list[Term] = field(default_factory=list)
    earliest: str = ""  # the lowest ckg:earliest any source gives, as xsd:date text
    latest: str = ""  # the highest ckg:latest
    dates: list[tuple[str, str]] = field(default_factory=list)  # (date, datatype) per source
    quotes: list[Quote] = field(default_factory=list)

    @property
    def reported(self) -> str:
        """The first issue date among its documents (xsd:date text), '' if none is dated."""
        return min((quote.issued for quote in self.quotes if quote.issued), default="")

    @property
    def when(self) -> str:
        """The date as the sources give it, '8 May 2024 / 9 May 2024' where they differ."""
        if self.dates:
            return " / ".join(dict.fromkeys(readable_date(*given) or given[0]
                                            for given in sorted(self.dates)))
        if self.earliest:
            return " \u2013 ".join(dict.fromkeys(
                readable_date(day, f"{PREFIXES['xsd']}date") for day in (self.earliest,
                                                                        self.latest) if day))
        return ""


def build_timeline(rows: Iterable[Binding]) -> list[TimelineEntry]:
    """Rows of `claims_query` with a role as events, oldest first.

    Events are ordered by their earliest possible date, then latest, then (for events no
    source dates) the first date they were reported, then name; undated events come last.
    """
    entries: dict[str, TimelineEntry] = {}
    quotes: dict[str, dict[tuple[str, ...], Quote]] = {}
    for row in rows:
        if "role" not in row:
            continue
        event = row["event"]["value"]
        entry = entries.setdefault(event, TimelineEntry(term(row["event"],
                                                             _value(row, "eventLabel"))))
        _add_unique(entry.roles, term(row["role"], _value(row, "roleLabel")))
        if "class" in row:
            _add_unique(entry.classes, term(row["class"], _value(row, "classLabel")))
        if "earliest" in row and (not entry.earliest or row["earliest"]["value"] < entry.earliest):
            entry.earliest = row["earliest"]["value"]
        if "latest" in row and row["latest"]["value"] > entry.latest:
            entry.latest = row["latest"]["value"]
        _add_quote(quotes.setdefault(event, {}), row)
    for event, entry in entries.items():
        entry.quotes = sorted(quotes[event].values(), key=_quote_order)
        entry.dates = sorted({(quote.date, quote.date_type) for quote in entry.quotes
                              if quote.date})
    return sorted(entries.values(), key=lambda e: (not e.earliest, e.earliest, e.latest,
                                                   not e.reported, e.reported,
                                                   e.event.name.casefold()))


def own_evidence(rows: Iterable[Binding]) -> list[Quote]:
    """The quotes of the resource's own Evidence (rows of `claims_query` without a role)."""
    quotes: dict[tuple[str, ...], Quote] = {}
    for row in rows:
        if "role" not in row:
            _add_quote(quotes, row)
    return sorted(quotes.values(), key=_quote_order)


def _add_quote(quotes: dict[tuple[str, ...], Quote], row: Binding) -> None:
    """Add a row's Evidence to the quote of its words, document and date (a new one if none)."""
    if "evidence" not in row:
        return
    given = row.get("date", {})
    key = (row["quote"]["value"], _value(row, "document"), given.get("value", ""),
           given.get("datatype", ""))
    quote = quotes.setdefault(key, Quote(key[0], key[1], _value(row, "title"),
                                         _value(row, "address"), _value(row, "issued"),
                                         key[2], key[3]))
    _add_unique(quote.evidence, (row["evidence"]["value"], _value(row, "confidence")))


def _quote_order(quote: Quote) -> tuple[bool, str, str, str]:
    return (not quote.issued, quote.issued, quote.title, quote.text)


def _add_unique(items: list[Item], item: Item) -> None:
    if item not in items:
        items.append(item)
