"""The query page (server/ui.py) in a real browser against `kg serve`: examples, runs, offline."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

import requests
from rdflib import OWL, RDF, Graph
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from kg import paths
from kg.queries import ExampleQuery, read_queries
from kg.rdf import PREFIXES

from .conftest import foreign, open_page, requests_made

EDITOR = ".yasqe .CodeMirror"
EXAMPLES = "#examples button[data-example]"
SUMMARY = ".yasr_response_chip"

# What the results table shows in each cell: the link of an IRI, else a literal's text without
# the quotes YASR puts around it when a language or datatype follows (in a <sup>).
SHOWN_ROWS = """
return [...document.querySelectorAll(".yasr_results tbody tr")].map(row =>
  [...row.cells].slice(1).map(cell => {
    const iri = cell.querySelector(":scope > div > span > a.iri");
    if (iri) return iri.getAttribute("href");
    const literal = cell.querySelector(".nonIri");
    if (!literal) return "";
    const text = literal.firstChild.textContent;
    return literal.querySelector("sup") ? text.slice(1, -1) : text;
  }));
"""


def editor_text(browser: WebDriver) -> str:
    """The query in the editor (CodeMirror keeps its instance on its element)."""
    return browser.execute_script("return arguments[0].CodeMirror.getValue()",
                                  browser.find_element(By.CSS_SELECTOR, EDITOR))


def answer_over_http(server: str, sparql: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT query as the endpoint returns them, one value per variable."""
    response = requests.post(f"{server}/sparql", data={"query": sparql}, timeout=30,
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    results = response.json()
    variables = results["head"]["vars"]
    return [tuple(("_:" if row[name]["type"] == "bnode" else "") + row[name]["value"]
                  if name in row else "" for name in variables)
            for row in results["results"]["bindings"]]


def assert_shows_answer(browser: WebDriver, server: str, example: ExampleQuery) -> None:
    """The page shows the rows the endpoint gives for the example (it must have some)."""
    expected = answer_over_http(server, example.sparql)
    assert expected, f"example {example.name} has no answer in the built graph"
    summary = WebDriverWait(browser, 30).until(
        lambda driver: re.search(r"(\d+) results?",
                                 driver.find_element(By.CSS_SELECTOR, SUMMARY).text),
        "no results shown within 30 s")
    assert int(summary.group(1)) == len(expected)
    shown = [tuple(row) for row in browser.execute_script(SHOWN_ROWS)]
    assert shown, "the results table shows no rows"
    # A page of the table holds at most its page size; every row it shows is one of the answer's.
    assert not Counter(shown) - Counter(expected)


def test_ui_page_lists_the_examples_and_opens_with_the_first(browser, server):
    open_page(browser, f"{server}/", EDITOR)
    queries = read_queries()
    listed = [button.get_attribute("data-example")
              for button in browser.find_elements(By.CSS_SELECTOR, EXAMPLES)]
    assert listed == [query.name for query in queries]
    assert editor_text(browser) == queries[0].sparql
    urls = requests_made(browser)
    assert f"{server}/" in urls
    assert foreign(urls, server) == []


def test_ui_example_runs_and_shows_the_graphs_rows(browser, server):
    open_page(browser, f"{server}/", EDITOR)
    # The second example, so that picking one (not the one loaded at start) is what is tested.
    button = browser.find_elements(By.CSS_SELECTOR, EXAMPLES)[1]
    [example] = [query for query in read_queries()
                 if query.name == button.get_attribute("data-example")]
    button.click()
    assert editor_text(browser) == example.sparql
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    assert_shows_answer(browser, server, example)
    assert foreign(requests_made(browser), server) == []


def test_ui_shared_link_opens_and_runs_its_query(browser, server):
    example = read_queries()[2]
    open_page(browser, f"{server}/#{urlencode({'query': example.sparql})}", EDITOR)
    assert editor_text(browser) == example.sparql
    assert_shows_answer(browser, server, example)


def test_ui_page_keeps_nothing_between_visits(browser, server):
    open_page(browser, f"{server}/", EDITOR)
    browser.execute_script("arguments[0].CodeMirror.setValue('SELECT * WHERE { ?s ?p ?o }')",
                           browser.find_element(By.CSS_SELECTOR, EDITOR))
    open_page(browser, f"{server}/", EDITOR)
    assert editor_text(browser) == read_queries()[0].sparql
    assert browser.execute_script("return Object.keys(localStorage)") == []


def test_ui_editor_completes_our_prefixes_and_classes(browser, server):
    open_page(browser, f"{server}/", EDITOR)
    editor = browser.find_element(By.CSS_SELECTOR, EDITOR)
    browser.execute_script("arguments[0].CodeMirror.setValue('')", editor)
    editor.click()
    typing = browser.find_element(By.CSS_SELECTOR, f"{EDITOR} textarea")
    # A property, then a class: where YASQE's stock completers would ask a service on the internet.
    typing.send_keys("SELECT * WHERE { ?state ckg:member ckr:armenia ; a ckg:Sta")
    declaration = f"PREFIX ckr: <{PREFIXES['ckr']}>"
    WebDriverWait(browser, 10).until(lambda driver: declaration in editor_text(driver),
                                     f"typing ckr: did not add {declaration}")
    typing.send_keys(Keys.CONTROL, " ")
    hints = WebDriverWait(browser, 10).until(
        lambda driver: [hint.text for hint in
                        driver.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint")],
        "Ctrl+Space after 'a ckg:Sta' offered no classes")
    ckg = str(PREFIXES["ckg"])
    classes = {f"ckg:{term.removeprefix(ckg)}"
               for term in Graph().parse(paths.ONTOLOGY_FILE).subjects(RDF.type, OWL.Class)
               if term.startswith(f"{ckg}Sta")}
    assert set(hints) == classes
    assert foreign(requests_made(browser), server) == []
