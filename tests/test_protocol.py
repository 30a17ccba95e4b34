"""SPARQL 1.1 Protocol decisions, without Flask: reading operations and choosing formats."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept

from server.protocol import ProtocolError, choose_formats, read_operation


def operation(kind, method="POST", mimetype="", charset=None, args=None, form=None, body=b""):
    return read_operation(kind, method, mimetype, charset, args or {}, form or {}, body)


def test_read_operation_by_each_way_of_sending():
    assert operation("query", "GET", args={"query": ["ASK {}"]}).text == "ASK {}"
    form = operation("query", mimetype="application/x-www-form-urlencoded",
                     form={"query": ["ASK {}"], "default-graph-uri": ["http://a", "http://b"]})
    assert form.default_graphs == ("http://a", "http://b")
    direct = operation("update", mimetype="application/sparql-update", body=b"CLEAR ALL",
                       args={"using-named-graph-uri": ["http://n"]})
    assert (direct.text, direct.named_graphs) == ("CLEAR ALL", ("http://n",))


@pytest.mark.parametrize(("kind", "call", "status"), [
    ("query", {"method": "PUT"}, 405),
    ("update", {"method": "GET", "args": {"update": ["CLEAR ALL"]}}, 405),
    ("query", {"method": "GET", "args": {"query": ["ASK {}", "ASK {}"]}}, 400),
    ("query", {"method": "GET"}, 400),
    ("query", {"mimetype": "text/plain", "body": b"ASK {}"}, 415),
    ("query", {"mimetype": "", "body": b"query=ASK"}, 415),
    ("update", {"mimetype": "application/sparql-update", "charset": "UTF-16",
                "body": "CLEAR ALL".encode("utf-16")}, 415),
    ("query", {"mimetype": "application/sparql-query", "body": b"\xff"}, 400),
])
def test_read_operation_refusals(kind, call, status):
    with pytest.raises(ProtocolError) as raised:
        operation(kind, **call)
    assert raised.value.status == status


@pytest.mark.parametrize(("accept", "fmt", "results", "graph"), [
    ("*/*", None, "application/sparql-results+json", "text/turtle"),
    ("text/csv", None, "text/csv", "text/turtle"),
    ("application/json", None, "application/sparql-results+json", "application/ld+json"),
    ("application/rdf+xml", None, "application/sparql-results+xml", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/n-triples", None, "application/sparql-results+json",
     "application/n-triples"),
    ("text/csv", "json", "application/sparql-results+json", "application/ld+json"),
    ("", "trig", "application/sparql-results+json", "application/trig"),
])
def test_choose_formats(accept, fmt, results, graph):
    chosen = choose_formats(MIMEAccept([(a.split(";")[0].strip(), float(a.split("=")[1]) if "q="
                                         in a else 1) for a in accept.split(",") if a]), fmt)
    assert (chosen.results, chosen.graph) == (results, graph)


def test_choose_formats_refuses_the_unknown():
    with pytest.raises(ProtocolError) as unknown:
        choose_formats(MIMEAccept([]), "yaml")
    assert unknown.value.status == 400
    with pytest.raises(ProtocolError) as unacceptable:
        choose_formats(MIMEAccept([("image/png", 1)]), None)
    assert unacceptable.value.status == 406


def test_choose_formats_accepts_a_utf8_charset_parameter():
    # W3C GSP tests head_existing_*: HEAD with `Accept: text/turtle; charset=utf-8` had a 406.
    accept = MIMEAccept([("text/turtle; charset=utf-8", 1)])
    assert choose_formats(accept, None).graph == "text/turtle"
    with pytest.raises(ProtocolError) as raised:
        choose_formats(MIMEAccept([("text/turtle; charset=iso-8859-1", 1)]), None)
    assert raised.value.status == 406
