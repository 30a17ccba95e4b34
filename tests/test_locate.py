"""kg/validate/locate.py: the line of a node in the file a finding is about."""

from rdflib import URIRef

from kg.validate.locate import Locator

TEXT = """@prefix ex: <https://example.org/> .
ex:a ex:knows ex:b .
ex:b ex:knows <https://example.org/c> .
  ex:c ex:knows ex:a .
"""


def test_locator_finds_a_node_where_it_begins_a_line_before_where_it_first_appears():
    locator = Locator("f.ttl", TEXT)
    assert locator.find(URIRef("https://example.org/b")) == (3, 1)
    assert locator.find(URIRef("https://example.org/c")) == (4, 3)


def test_locator_finds_a_node_that_begins_no_line_where_it_first_appears():
    locator = Locator("f.ttl", TEXT)
    assert locator.find(URIRef("https://example.org/knows")) == (2, 6)
    assert locator.find(URIRef("https://example.org/nowhere")) == (None, None)
