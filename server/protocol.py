"""SPARQL 1.1 Protocol decisions as plain functions: reading operations, choosing formats.

Views hand these the request's parts and turn a `ProtocolError` into its status; nothing here
knows Flask, so each rule is tested on its own. Section numbers cite the SPARQL 1.1 Protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept

from kg.store.results import GRAPH_FORMATS, RESULTS_FORMATS

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
READ_METHODS = ("GET", "HEAD")  # a HEAD is answered as its GET, without the body

# The parameters naming an answer's format, in Fuseki's order: `output` first (its own name),
# then `format` (ours, the Wikidata Query Service's and Fuseki's alternative), then `results`
# (Fuseki's old name). Each wins over Accept.
FORMAT_PARAMETERS = ("output", "format", "results")
# Their values (as Fuseki and the Wikidata Query Service accept), for links and browsers.
FORMAT_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ttl": "text/turtle", "ntriples": "application/n-triples",
    "nt": "application/n-triples", "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml", "trig": "application/trig",
    "nquads": "application/n-quads",
}
# A results type asked for a graph (or the reverse) maps to its nearest counterpart.
COUNTERPARTS = {"application/sparql-results+json": "application/ld+json",
                "application/json": "application/ld+json",
                "application/sparql-results+xml": "application/rdf+xml",
                "application/ld+json": "application/sparql-results+json",
                "application/rdf+xml": "application/sparql-results+xml"}


class ProtocolError(Exception):
    """A request the protocol does not allow; `status` is the HTTP answer (4xx), `headers`
    any the answer carries beside (Retry-After, say)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None
                 ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Operation:
    """A query or update as sent, with the dataset the request names (§2.1.4, §2.2.3)."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_operation(kind: str, method: str, mimetype: str, charset: str | None,
                   args: Mapping[str, Sequence[str]], form: Mapping[str, Sequence[str]],
                   body: bytes) -> Operation:
    """The query or update (`kind`) of a request, by the protocol's ways of sending one.

    Queries: GET with `query=`, POST form-encoded, POST `application/sparql-query` (§2.1);
    HEAD is read as GET, whose headers it gets (RFC 9110 §9.3.2). Updates: POST form-encoded
    with `update=`, POST `application/sparql-update` (§2.2). `args` and `form` map a parameter
    to all its values.
    """
    dataset = ("default-graph-uri", "named-graph-uri") if kind == "query" else (
        "using-graph-uri", "using-named-graph-uri")
    if method in READ_METHODS:
        if kind == "update":
            raise ProtocolError(405, "an update must be sent with POST (SPARQL 1.1 Protocol "
                                     "§2.2), never with GET")
        return _operation(kind, _one(kind, args), args, dataset)
    if method != "POST":
        raise ProtocolError(405, f"the {kind} operation takes GET or POST, not {method}")
    direct = QUERY_BODY if kind == "query" else UPDATE_BODY
    if mimetype == FORM:
        return _operation(kind, _one(kind, form), form, dataset)
    if mimetype == direct:
        if charset and charset.lower().replace("-", "") != "utf8":
            raise ProtocolError(415, f"a {direct} body must be UTF-8, not {charset} (§2.1.3)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(400, f"the body is not valid UTF-8: {error}") from None
        return _operation(kind, text, args, dataset)
    sent = mimetype or "no Content-Type"
    raise ProtocolError(415, f"POST a {kind} as {FORM} or {direct}, not {sent}")


def _one(kind: str, values: Mapping[str, Sequence[str]]) -> str:
    found = values.get(kind) or []
    if len(found) != 1:
        detail = "none" if not found else f"{len(found)}"
        raise ProtocolError(400, f"send exactly one '{kind}' parameter ({detail} found)")
    return found[0]


def _operation(kind: str, text: str, params: Mapping[str, Sequence[str]],
               names: tuple[str, str]) -> Operation:
    return Operation(text, tuple(params.get(names[0]) or ()), tuple(params.get(names[1]) or ()))


def format_asked(*sources: Mapping[str, str]) -> str | None:
    """The format a request names by a parameter of FORMAT_PARAMETERS, looked for in each
    source in turn (the query string, then a form), or None."""
    return next((source[name] for source in sources for name in FORMAT_PARAMETERS
                 if source.get(name)), None)


@dataclass(frozen=True)
class Formats:
    """The media types to answer in, whichever form the query turns out to have."""

    results: str
    graph: str


def choose_formats(accept: MIMEAccept, format_name: str | None) -> Formats:
    """Formats from a `format` parameter (which wins) or the Accept header (§2.1.5).

    Raises 406 when the client accepts nothing we offer for either form.
    """
    if format_name:
        media = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if media not in RESULTS_FORMATS and media not in GRAPH_FORMATS:
            raise ProtocolError(400, f"unknown format {format_name!r}; known: "
                                     f"{', '.join(sorted(FORMAT_NAMES))}")
        return Formats(_pair(media, RESULTS_FORMATS), _pair(media, GRAPH_FORMATS))
    accept = _without_utf8_charset(accept)
    results = accept.best_match([*RESULTS_FORMATS, "application/json"])
    graph = accept.best_match(list(GRAPH_FORMATS))
    if results is None and graph is None and accept:
        raise ProtocolError(406, "none of the accepted types is offered; results: "
                                 f"{', '.join(RESULTS_FORMATS)}; graphs: "
                                 f"{', '.join(GRAPH_FORMATS)}")
    return Formats(_pair(results or graph, RESULTS_FORMATS), _pair(graph or results, GRAPH_FORMATS))


def _without_utf8_charset(accept: MIMEAccept) -> MIMEAccept:
    """Accept with `charset=utf-8` taken out of its media ranges: every answer is UTF-8, so
    `text/turtle; charset=utf-8` asks for what `text/turtle` gets, where werkzeug would
    match the parameter literally and answer 406 (W3C GSP test head_existing_*)."""
    ranges = []
    for value, quality in accept:
        media, *parameters = [part.strip() for part in value.split(";")]
        kept = [p for p in parameters
                if p.lower().replace('"', "").replace("-", "") != "charset=utf8"]
        ranges.append(("; ".join([media, *kept]), quality))
    return MIMEAccept(ranges)


def _pair(media: str | None, offered: Mapping[str, object]) -> str:
    """`media` if offered for this form, else its counterpart, else the form's default."""
    if media in offered:
        return media
    counterpart = COUNTERPARTS.get(media or "")
    return counterpart if counterpart in offered else next(iter(offered))
