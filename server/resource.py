"""Linked-data pages: every `ckr:` IRI dereferences here, /resource/<path> for ckr:<path>.

The IRI names a thing (a state, a force, an event), so asking for it answers 303 See Other to
a document about it, chosen by Accept: /resource/<path>?format=html for people, ?format=turtle,
jsonld, ntriples, rdfxml, trig or nquads for programs (server/linkeddata.py decides). Asked
with `format`, the document itself is sent, with Link headers to its other formats. All data
comes from the store through the endpoint's query path (time limit, rate budget, answer
cache per store version); a resource without statements is a 404.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request, url_for
from rdflib import XSD

from kg.store.base import SPARQL_JSON, TURTLE, QueryOptions
from server.linkeddata import (
    FORMAT_OF,
    HTML,
    Binding,
    PropertyGroup,
    Source,
    build_timeline,
    choose_media,
    claims_query,
    context_query,
    description_query,
    group_statements,
    link_for,
    own_evidence,
    prefixed,
    quote_context,
    readable_date,
    resource_iri,
    statements_query,
    summarize,
    usual_source,
)
from server.protocol import format_asked
from server.sparql import cached_answer, etag, kept_answer

blueprint = Blueprint("resource", __name__)


@blueprint.route("/resource/<path:path>")
def resource(path: str) -> Response:
    format_name = format_asked(request.args)
    media = choose_media(request.accept_mimetypes, format_name)
    iri = resource_iri(path)
    if iri is None:
        return _not_found(path, media)
    if format_name is None:
        if not _described(iri):
            return _not_found(path, media)
        location = url_for("resource.resource", path=path, format=FORMAT_OF[media])
        response = Response(f"{iri} is described at {location}\n", 303, mimetype="text/plain")
        response.headers["Location"] = location
        response.vary.add("Accept")
        return response
    if media == HTML:
        return _page(path, iri)
    kept = kept_answer(description_query(iri), _options(graph_media=media))
    answer = kept.answer
    if not answer.rows:
        return _not_found(path, media)
    response = Response(answer.body, 200, content_type=f"{media}; charset=utf-8")
    response.headers["X-KG-Store-Version"] = answer.version
    response.headers["ETag"] = kept.etag
    if answer.truncated:
        response.headers["X-KG-Truncated"] = f"cut at {current_app.config['MAX_ROWS']} triples"
    response.headers["Link"] = _alternates(path, media)
    return response


def _page(path: str, iri: str) -> Response:
    statements = _select(statements_query(iri))
    if not statements:
        return _not_found(path, HTML)
    claims = _select(claims_query(iri))
    groups = group_statements(statements)
    html = render_template("resource.html", iri=iri, path=path,
                           summary=summarize(groups, prefixed(iri)),
                           context=quote_context(_select(context_query(iri))),
                           sections=[_section(groups, "out", "Statements"),
                                     _section(groups, "in", "Linked from")],
                           timeline=build_timeline(claims), evidence=own_evidence(claims),
                           formats=[(name, media) for media, name in FORMAT_OF.items()
                                    if media != HTML])
    response = Response(html, 200, mimetype=HTML)
    response.headers["Link"] = _alternates(path, HTML)
    response.headers["ETag"] = etag(html)  # the page itself: its template may change too
    return response


blueprint.add_app_template_global(prefixed, "prefixed_name")


@blueprint.app_template_global("readable")
def readable(day: str) -> str:
    """An xsd:date as people write it ('9 May 2024')."""
    return readable_date(day, str(XSD.date)) or day


@blueprint.app_template_filter("href")
def href(iri: str) -> str:
    """The address a page links an IRI to (`link_for` decides where)."""
    kind, target = link_for(iri)
    if kind == "resource":
        return url_for("resource.resource", path=target)
    return url_for("pages.ontology") if kind == "ontology" else target


def _section(groups: list[PropertyGroup], direction: str, heading: str
             ) -> tuple[str, str, list[PropertyGroup], Source | None]:
    """A statements section: its heading, anchor, groups and the source most of them share."""
    chosen = [group for group in groups if group.direction == direction]
    return heading, f"{direction}-heading", chosen, usual_source(chosen)


def _described(iri: str) -> bool:
    answer = cached_answer(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}",
                           _options())
    return bool(json.loads(answer.body)["boolean"])


def _select(sparql: str) -> list[Binding]:
    return json.loads(cached_answer(sparql, _options()).body)["results"]["bindings"]


def _options(graph_media: str = TURTLE) -> QueryOptions:
    return QueryOptions(SPARQL_JSON, graph_media, max_rows=current_app.config["MAX_ROWS"])


def _alternates(path: str, media: str) -> str:
    """A Link header naming the same description in each other format (RFC 8288)."""
    return ", ".join(f'<{url_for("resource.resource", path=path, format=name)}>; '
                     f'rel="alternate"; type="{other}"'
                     for other, name in FORMAT_OF.items() if other != media)


def _not_found(path: str, media: str) -> Response:
    """404 as a page for people, as text for programs."""
    if media == HTML:
        html = render_template("resource_missing.html", path=path)
        response = Response(html, 404, mimetype=HTML)
    else:
        response = Response(f"nothing is known about ckr:{path}: no statement has it as subject "
                            "or object\n", 404, mimetype="text/plain")
    response.vary.add("Accept")
    return response
