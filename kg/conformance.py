"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol tests, run against any endpoint.

The W3C publishes these tests as RDF manifests (HTTP requests and the responses expected, in
the `ht:` vocabulary) without a runner; `kg conformance` is ours. It reads the manifests with
rdflib, loads each test's data through the endpoint's update interface, sends the requests
over plain HTTP with the manifests' `/sparql/` and `/gsp` path prefixes replaced by the
endpoint's own, and compares status codes, content types and contents as each test states.
The tests write and clear graphs (`CLEAR ALL`, `DROP ALL`): run them on a scratch store.
"""

from __future__ import annotations

import http
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import KgError
from kg.validate.render import JUnitCase, junit_document

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

QUERY_PREFIX = "/sparql/"  # every Protocol test's path starts so (the manifest's rdfs:comment)
STORE_PREFIX = "/gsp"  # and every Graph Store test's
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
# hts: names a status by its reason phrase in CamelCase (hts:NoContent), or a class of them.
STATUS_NAMES = {status.phrase.replace(" ", "").replace("-", ""): status.value
                for status in http.HTTPStatus}
STATUS_CLASS = re.compile(r"StatusCode([1-5])xx")
# mf:expectedFormat: the SPARQL results formats that can carry it (CSV and TSV hold no boolean).
RESULTS_MEDIA = {"application/sparql-results+json": "json",
                 "application/sparql-results+xml": "xml",
                 "text/csv": "csv", "text/tab-separated-values": "tsv"}
BOOLEAN_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml")
# RDF media types rdflib reads (RDFa is not among them).
RDF_MEDIA = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/trig", "application/n-quads", "text/n3", "application/trix")


class ManifestError(KgError):
    """A manifest that cannot be read or says something this runner cannot interpret."""


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Expected:
    """What a response must be (`ht:resp`): status terms (hts: local names) and, where stated,
    a boolean, a results form, a Content-Type, an RDF body, a variable its Location sets."""

    statuses: tuple[str, ...]
    boolean: bool | None = None
    form: str | None = None  # mf:expectedFormat: "boolean", "tabular" or "RDF"
    content_type: str | None = None
    body: str | None = None  # RDF in `content_type`, compared as a graph (isomorphism)
    location: str | None = None  # e.g. "$LOCATION$", replaced in later requests


@dataclass(frozen=True)
class Step:
    """One request of a test (`ht:Request`) and the response it expects."""

    method: str
    path: str  # the manifest's ht:absolutePath, prefix not yet replaced
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name), None)


@dataclass(frozen=True)
class Case:
    """A test: its requests in order, and the data (graph IRI, file) loaded before them."""

    iri: str
    name: str
    manifest: str
    steps: tuple[Step, ...]
    graph_data: tuple[tuple[str, Path], ...] = ()
    unsupported: str | None = None  # why this runner cannot run it

    @property
    def is_graph_store(self) -> bool:
        return any(step.path.startswith(STORE_PREFIX) for step in self.steps)


@dataclass(frozen=True)
class Outcome:
    """A test's result: passed, failed or skipped, and why (empty when it passed)."""

    test: str
    name: str
    manifest: str
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True)
class Endpoint:
    """Where to send requests: the query URL, the update URL (the query URL when None), the
    Graph Store URL (its tests are skipped when None), a bearer token sent with every request,
    and seconds to wait for each answer."""

    query: str
    update: str | None = None
    store: str | None = None
    token: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Reply:
    """An HTTP response as received: status, headers (lower-case names), body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


# Reading the manifests


def read_manifests(location: Path) -> list[Case]:
    """The tests of every `manifest.ttl` under a folder (or of one manifest file), in the
    order their `mf:entries` list them, following `mf:include`; each manifest read once."""
    if location.is_dir():
        roots = sorted(location.rglob("manifest.ttl"))
    elif location.is_file():
        roots = [location]
    else:
        raise ManifestError(f"no manifests at {location}: give the folder of the W3C test "
                            "manifests (such as ../shared/w3c) or one manifest.ttl")
    if not roots:
        raise ManifestError(f"no manifest.ttl under {location}")
    seen: set[Path] = set()
    return [case for root in roots for case in _read_manifest(root.resolve(), seen)]


def _read_manifest(path: Path, seen: set[Path]) -> Iterator[Case]:
    if path in seen:
        return
    seen.add(path)
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=path.as_uri())
    except (OSError, SyntaxError, ValueError) as error:
        raise ManifestError(f"{path}: cannot read the manifest: {error}") from None
    manifest = URIRef(path.as_uri())
    label = str(graph.value(manifest, RDFS.label) or path.parent.name)
    for included in _list(graph, graph.value(manifest, MF.include)):
        yield from _read_manifest(Path(urlsplit(str(included)).path), seen)
    for test in _list(graph, graph.value(manifest, MF.entries)):
        yield _read_case(graph, test, label, path)


def _read_case(graph: Graph, test: Node, manifest: str, path: Path) -> Case:
    name = str(graph.value(test, MF.name) or test)
    kinds = set(graph.objects(test, RDF.type))
    if not kinds & {MF.ProtocolTest, MF.GraphStoreProtocolTest}:
        found = ", ".join(sorted(str(kind) for kind in kinds)) or "no type"
        return Case(str(test), name, manifest, (), unsupported=f"not a protocol test ({found})")
    data = []
    for graph_data in graph.objects(test, UT.graphData):
        file, iri = graph.value(graph_data, UT.graph), graph.value(graph_data, RDFS.label)
        if file is None or iri is None:
            raise ManifestError(f"{path}: {test}: ut:graphData needs ut:graph and rdfs:label")
        data_file = Path(urlsplit(str(file)).path)
        if not data_file.is_file():
            raise ManifestError(f"{path}: {test}: no data file {data_file}")
        data.append((str(iri), data_file))
    action = graph.value(test, MF.action)
    steps = tuple(_read_step(graph, request, f"{path}: {test}")
                  for request in _list(graph, graph.value(action, HT.requests)))
    if not steps:
        raise ManifestError(f"{path}: {test} has no ht:requests")
    return Case(str(test), name, manifest, steps, tuple(sorted(data)))


def _read_step(graph: Graph, request: Node, place: str) -> Step:
    body = graph.value(request, HT.body)
    response = graph.value(request, HT.resp)
    if response is None:
        raise ManifestError(f"{place}: a request without ht:resp")
    statuses = tuple(sorted(str(term).removeprefix(str(HTS))
                            for term in graph.objects(response, MF.expectedStatus)))
    for status in statuses:
        if status not in STATUS_NAMES and not STATUS_CLASS.fullmatch(status):
            raise ManifestError(f"{place}: unknown status term hts:{status}")
    boolean = graph.value(response, MF.expectedBoolean)
    form = graph.value(response, MF.expectedFormat)
    if form is not None and str(form) not in ("boolean", "tabular", "RDF"):
        raise ManifestError(f"{place}: mf:expectedFormat {form!s} is none of boolean, tabular, "
                            "RDF")
    expected_body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    expected = Expected(
        statuses, None if boolean is None else bool(boolean.toPython()),
        None if form is None else str(form),
        dict(_headers(graph, response)).get("content-type"),
        _chars(graph, expected_body), None if location is None else str(location))
    return Step(str(graph.value(request, HT.methodName)),
                str(graph.value(request, HT.absolutePath)), _headers(graph, request),
                _chars(graph, body), str(graph.value(body, CNT.characterEncoding) or "UTF-8"),
                expected)


def _headers(graph: Graph, message: Node) -> tuple[tuple[str, str], ...]:
    return tuple((str(graph.value(header, HT.fieldName)).lower(),
                  str(graph.value(header, HT.fieldValue)))
                 for header in _list(graph, graph.value(message, HT.headers)))


def _chars(graph: Graph, content: Node | None) -> str | None:
    chars = graph.value(content, CNT.chars) if content is not None else None
    return None if chars is None else str(chars)


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return [] if head is None else list(Collection(graph, head))


# Running them


def run_conformance(cases: list[Case], endpoint: Endpoint,
                    progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run each test against the endpoint, in order, telling `progress` each outcome; raises
    KgError when the endpoint does not answer a query at all."""
    probe = _join(endpoint.query, "?query=ASK%20%7B%7D")
    try:
        reply = _send("GET", probe, {}, None, endpoint.timeout)
    except (OSError, HTTPException) as error:
        raise KgError(f"the endpoint {endpoint.query} does not answer: {error}") from None
    if not 200 <= reply.status < 300:
        raise KgError(f"{endpoint.query} answers GET ?query=ASK{{}} with {_describe(reply)}: "
                      "is it the query endpoint's URL?")
    outcomes = []
    for case in cases:
        outcomes.append(run_case(case, endpoint))
        if progress is not None:
            progress(outcomes[-1])
    return outcomes


def run_case(case: Case, endpoint: Endpoint) -> Outcome:
    """One test: load its data (or, for a Graph Store test, delete the graphs it names, so
    that each starts from none), then send its requests until one gets a wrong answer."""
    def outcome(verdict: Verdict, reason: str = "") -> Outcome:
        return Outcome(case.iri, case.name, case.manifest, verdict, reason)

    if case.unsupported:
        return outcome(Verdict.SKIPPED, case.unsupported)
    if case.is_graph_store and endpoint.store is None:
        return outcome(Verdict.SKIPPED, "a Graph Store Protocol test, and no Graph Store URL "
                                        "was given (--gsp)")
    try:
        problem = _prepare(case, endpoint) or _run_steps(case, endpoint)
    except (OSError, HTTPException) as error:
        problem = f"no answer: {error}"
    return outcome(Verdict.FAILED, problem) if problem else outcome(Verdict.PASSED)


def _prepare(case: Case, endpoint: Endpoint) -> str | None:
    if case.graph_data:
        update = " ;\n".join(
            f"DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n"
            f"{Graph().parse(file, format='nt').serialize(format='nt')}}} }}"
            for iri, file in case.graph_data)
        reply = _send("POST", endpoint.update or endpoint.query,
                      _with_token({"Content-Type": UPDATE_BODY}, endpoint),
                      update.encode("utf-8"), endpoint.timeout)
        if not 200 <= reply.status < 300:
            files = ", ".join(file.name for _, file in case.graph_data)
            return f"could not load {files} by SPARQL Update: {_describe(reply)}"
    # Every graph a Graph Store test names, but for the ones a Location will name ($LOCATION$)
    # and the endpoint itself (a POST there creates a new graph).
    for url in sorted({target_url(step.path, False, endpoint) for step in case.steps
                       if step.path.startswith(STORE_PREFIX) and "$" not in step.path
                       and step.path != STORE_PREFIX}):
        _send("DELETE", url, _with_token({}, endpoint), None, endpoint.timeout)
    return None


def _run_steps(case: Case, endpoint: Endpoint) -> str | None:
    variables: dict[str, str] = {}  # set by mf:expectedLocation, used by later requests
    for number, step in enumerate(case.steps, 1):
        problem = _run_step(case, step, endpoint, variables)
        if problem:
            return f"request {number} ({step.method} {step.path[:80]}): {problem}"
    return None


def _run_step(case: Case, step: Step, endpoint: Endpoint, variables: dict[str, str]
              ) -> str | None:
    path, body = step.path, step.body
    for name, value in variables.items():
        path = path.replace(name, value)
        body = body.replace(name, value) if body is not None else None
    url = target_url(path, is_update(case, step), endpoint)
    reply = _send(step.method, url, _with_token(dict(step.headers), endpoint),
                  None if body is None else body.encode(step.encoding), endpoint.timeout)
    problem = check_reply(step.expected, reply, url)
    if problem is None and step.expected.location:
        if "location" not in reply.headers:
            return "no Location header in the answer"
        variables[step.expected.location] = urljoin(url, reply.headers["location"])
    return problem


def target_url(path: str, update: bool, endpoint: Endpoint) -> str:
    """The URL a manifest's path means at this endpoint: `/sparql/` becomes the query (or
    update) URL and `/gsp` the Graph Store URL, the rest of the path following them."""
    if path.startswith(QUERY_PREFIX):
        return _join((endpoint.update or endpoint.query) if update else endpoint.query,
                     path.removeprefix(QUERY_PREFIX))
    if path.startswith(STORE_PREFIX) and endpoint.store is not None:
        return _join(endpoint.store, path.removeprefix(STORE_PREFIX))
    raise ManifestError(f"cannot place the path {path}: it starts with neither "
                        f"{QUERY_PREFIX} nor {STORE_PREFIX}")


def _join(base: str, rest: str) -> str:
    if rest.startswith("?") and "?" in base:
        return f"{base}&{rest[1:]}"
    return base.rstrip("/") + rest if rest.startswith("/") else base + rest


def is_update(case: Case, step: Step) -> bool:
    """Whether a Protocol request is an update (sent to the update URL): by its media type or
    parameters, else, where the request shows neither (an update sent as text/plain), by the
    test's name, which is all the manifest says."""
    media = (step.header("content-type") or "").split(";")[0].strip().lower()
    parameters = set(parse_qs(urlsplit(step.path).query))
    if step.body is not None and media in (FORM, ""):
        parameters |= set(parse_qs(step.body))
    if media == QUERY_BODY or "query" in parameters:
        return False
    if media == UPDATE_BODY or parameters & {"update", "using-graph-uri",
                                             "using-named-graph-uri"}:
        return True
    return "update" in case.iri.rsplit("#", 1)[-1]


def _with_token(headers: dict[str, str], endpoint: Endpoint) -> dict[str, str]:
    if endpoint.token and not any(name.lower() == "authorization" for name in headers):
        return {**headers, "Authorization": f"Bearer {endpoint.token}"}
    return headers


def _send(method: str, url: str, headers: dict[str, str], body: bytes | None,
          timeout: float) -> Reply:
    """The request exactly as given: no redirects followed, no headers added but Host,
    Accept-Encoding: identity and Content-Length (http.client's own)."""
    parts = urlsplit(url)
    connection = (HTTPSConnection if parts.scheme == "https" else HTTPConnection)(
        parts.netloc, timeout=timeout)
    try:
        connection.request(method, urlunsplit(("", "", parts.path or "/", parts.query, "")),
                           body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, {name.lower(): value for name, value
                                       in response.getheaders()}, response.read())
    finally:
        connection.close()


# Comparing answers


def check_reply(expected: Expected, reply: Reply, url: str) -> str | None:
    """What is wrong with a response, or None: its status, then its Content-Type, then (for
    a 2xx answer) its form, boolean and graph, as far as the manifest states them."""
    if expected.statuses and not any(accepts(status, reply.status)
                                     for status in expected.statuses):
        return (f"status {reply.status}, expected "
                f"{' or '.join('hts:' + status for status in expected.statuses)}"
                f"{_excerpt(reply)}")
    if expected.content_type and not same_content_type(expected.content_type,
                                                       reply.headers.get("content-type", "")):
        return (f"Content-Type {reply.headers.get('content-type', '(none)')!r}, expected "
                f"{expected.content_type!r}")
    if not 200 <= reply.status < 300:
        return None
    try:
        if expected.form is not None or expected.boolean is not None:
            problem = _check_results(expected, reply)
            if problem:
                return problem
        if expected.body is not None:
            return _check_graph(expected, reply, url)
    except (SyntaxError, ValueError, KeyError, TypeError) as error:
        return f"cannot read the {reply.media_type or 'untyped'} answer: {error}{_excerpt(reply)}"
    return None


def accepts(status: str, code: int) -> bool:
    """Whether an hts: status term (a name such as `NoContent` or a class such as
    `StatusCode2xx`) covers an HTTP status code."""
    group = STATUS_CLASS.fullmatch(status)
    return code // 100 == int(group[1]) if group else STATUS_NAMES.get(status) == code


def same_content_type(expected: str, found: str) -> bool:
    """The same media type, and the same charset where both name one (case aside)."""
    def split(value: str) -> tuple[str, str | None]:
        media, *parameters = [part.strip().lower() for part in value.split(";")]
        charset = next((p.split("=", 1)[1].strip('"') for p in parameters
                        if p.startswith("charset=")), None)
        return media, charset

    (media, charset), (got_media, got_charset) = split(expected), split(found)
    return media == got_media and (charset is None or got_charset in (None, charset))


def _check_results(expected: Expected, reply: Reply) -> str | None:
    form = expected.form or "boolean"
    if form == "RDF":
        if reply.media_type not in RDF_MEDIA:
            return f"an RDF answer expected ({', '.join(RDF_MEDIA)}), got {reply.media_type!r}"
        Graph().parse(data=reply.body, format=reply.media_type)
        return None
    offered = BOOLEAN_MEDIA if form == "boolean" else tuple(RESULTS_MEDIA)
    if reply.media_type not in offered:
        return (f"a {form} answer expected ({', '.join(offered)}), got "
                f"{reply.media_type or 'no Content-Type'!r}")
    result = Result.parse(io.BytesIO(reply.body), format=RESULTS_MEDIA[reply.media_type])
    wanted = "ASK" if form == "boolean" else "SELECT"
    if result.type != wanted:
        return f"{wanted} results expected, the answer holds {result.type} results"
    if expected.boolean is not None and result.askAnswer != expected.boolean:
        return f"the answer is {str(result.askAnswer).lower()}, expected " \
               f"{str(expected.boolean).lower()}"
    return None


def _check_graph(expected: Expected, reply: Reply, url: str) -> str | None:
    media = (expected.content_type or "text/turtle").split(";")[0].strip()
    wanted = Graph().parse(data=expected.body, format=media, publicID=url)
    if reply.media_type not in RDF_MEDIA:
        return f"an RDF answer expected, got {reply.media_type or 'no Content-Type'!r}"
    found = Graph().parse(data=reply.body, format=reply.media_type, publicID=url)
    if isomorphic(wanted, found):
        return None
    _, missing, extra = graph_diff(to_isomorphic(wanted), to_isomorphic(found))
    example = next(iter(missing or extra))
    return (f"the graph differs from the expected one: {len(missing)} triple(s) missing, "
            f"{len(extra)} unexpected, e.g. {'missing' if missing else 'unexpected'} "
            f"{' '.join(term.n3() for term in example)}")


def _describe(reply: Reply) -> str:
    return f"status {reply.status}{_excerpt(reply)}"


def _excerpt(reply: Reply) -> str:
    text = reply.body.decode("utf-8", "replace").strip().splitlines()
    return f" ({text[0][:200]})" if text else ""


# Reporting


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """How many tests passed, failed and were skipped."""
    return {verdict.value: sum(o.verdict is verdict for o in outcomes) for verdict in Verdict}


def summary(outcomes: list[Outcome]) -> str:
    return f"{len(outcomes)} tests: " + ", ".join(
        f"{number} {verdict}" for verdict, number in counts(outcomes).items())


def render_text(outcomes: list[Outcome]) -> str:
    """A line per test (verdict, manifest, name), the reason indented below, then the count."""
    lines = []
    for outcome in outcomes:
        lines.append(f"{outcome.verdict.value.upper():7} {_short(outcome.test)}: {outcome.name}")
        if outcome.reason:
            lines.append(f"        {outcome.reason}")
    lines.append(summary(outcomes))
    return "\n".join(lines) + "\n"


def render_json(outcomes: list[Outcome]) -> str:
    document = {"summary": summary(outcomes),
                "counts": counts(outcomes),
                "tests": [asdict(outcome) for outcome in outcomes]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_junit(outcomes: list[Outcome]) -> str:
    return junit_document("kg conformance", [
        JUnitCase(outcome.manifest, outcome.test,
                  failures=[("conformance", outcome.reason, outcome.reason)]
                  if outcome.verdict is Verdict.FAILED else [],
                  skipped=outcome.reason if outcome.verdict is Verdict.SKIPPED else None)
        for outcome in outcomes])


RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit}


def _short(test: str) -> str:
    """`protocol#query_get` for a test IRI ending `.../protocol/manifest#query_get`."""
    path, _, local = test.partition("#")
    return f"{path.rstrip('/').rsplit('/', 2)[-2]}#{local}" if local else test

