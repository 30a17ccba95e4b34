"""kg/store/remote.py without a server: how a query's form is found (the server is asked for
the format that form needs)."""

from __future__ import annotations

import pytest

from kg.store.remote import query_form


@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("  ask {}", "ASK"),
    ("PREFIX ex: <http://e/#> # a comment: CONSTRUCT\nBASE <http://e/>\n"
     "PREFIX : <http://e/x#>\nconstruct WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("# DESCRIBE\nPREFIX select: <http://e/select#>\nDESCRIBE <http://e/a>", "DESCRIBE"),
])
def test_query_form_is_the_keyword_after_the_prologue(query, form):
    assert query_form(query) == form


@pytest.mark.parametrize("text", ["INSERT DATA { <http://e/a> <http://e/p> 1 }",
                                  "PREFIX ex: <http://e/> SELEKT * {}", ""])
def test_query_form_of_anything_else_is_a_syntax_error(text):
    with pytest.raises(SyntaxError, match="expected SELECT, ASK, CONSTRUCT or DESCRIBE"):
        query_form(text)
