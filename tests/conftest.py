"""Shared fixtures: one real build of the corpus per session, and real servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from kg import paths
from kg.build import BuildReport, build
from kg.corpus import Document, read_corpus
from kg.pipeline import plan, run_document
from kg.registry import Registry, read_registry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
KG = [sys.executable, "-m", "kg.cli"]
# Debian's Chromium and its matching driver (`make system` installs both): given explicitly, so
# Selenium never looks for, or downloads, a browser or driver of its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def built(build_dir: Path) -> BuildReport:
    """The corpus built once, validated and published under a temporary build folder."""
    return build(build_dir)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return read_registry(paths.REGISTRY_FILE)


@pytest.fixture(scope="session")
def corpus() -> list[Document]:
    return read_corpus(paths.CORPUS_DIR)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): the contract files live there")
    return SHARED


def document_graphs(corpus: list[Document], registry: Registry, *stage_names: str
                    ) -> dict[str, Graph]:
    """Each document's graph from the real pipeline with just the named stages, in order."""
    stages = plan([(name, {}) for name in stage_names])
    graphs = {}
    for document in corpus:
        graph = Graph()
        for triple in run_document(stages, document, registry):
            graph.add(triple)
        graphs[document.key] = graph
    return graphs


def run_kg(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
           ) -> subprocess.CompletedProcess[str]:
    """Run the real `kg` command line in a subprocess."""
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=600)


def generate_dataset(output: Path, triples: int = 3000, seed: int = 3) -> Path:
    """Synthetic data in the contract's shape (bench/generate.py), .trig or .nq by suffix."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--triples",
                    str(triples), "--seed", str(seed), "--output", str(output)],
                   check=True, capture_output=True, timeout=300)
    return output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(build_dir: Path, store: Path | str, *options: str,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """`kg serve` on a free port of 127.0.0.1 with a build and options; yields its URL.

    `store` is the embedded store's folder or a remote store's query URL.
    """
    port = free_port()
    log = store.with_suffix(".log") if isinstance(store, Path) else build_dir / f"{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*KG, "serve", "--port", str(port), "--store", str(store), *options],
            env={**os.environ, "KG_BUILD_DIR": str(build_dir), **(env or {})}, cwd=ROOT,
            stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(built: BuildReport, build_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[str]:
    """The read-only endpoint serving the session's build; yields its URL."""
    with serving(build_dir, tmp_path_factory.mktemp("store")) as url:
        yield url


@contextmanager
def oxigraph_serving(location: Path, *data: Path, options: tuple[str, ...] = ()
                     ) -> Iterator[str]:
    """Oxigraph server (PyPI `oxigraph`) on a free port of 127.0.0.1, its store at `location`
    loaded with the RDF files `data` first and started with `options` (`oxigraph serve
    --help`); yields its base URL (/query, /update, /store).

    Skips the test, naming what is missing, where the `oxigraph` command is not installed.
    """
    command = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("Oxigraph server is not installed: `pip install oxigraph` (a dev dependency)")
    for path in data:
        subprocess.run([command, "load", "--location", str(location), "--file", str(path)],
                       check=True, capture_output=True, timeout=300)
    port = free_port()
    log = location.with_suffix(".log")
    with log.open("w") as output:
        process = subprocess.Popen([command, "serve", "--location", str(location), "--bind",
                                    f"127.0.0.1:{port}", *options],
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/query?query=ASK%7B%7D", process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """An empty Oxigraph server of the test's own; yields its base URL."""
    with oxigraph_serving(tmp_path / "oxigraph") as url:
        yield url


@dataclass(frozen=True)
class Virtuoso:
    """A Virtuoso instance's SPARQL endpoint (queries and updates) and Graph Store endpoint."""

    sparql: str
    graph_store: str


# A private instance: its own database in a temporary folder, ports of its own on 127.0.0.1.
# MaxQueryExecutionTime stops a query the tests gave up on; ResultSetMaxRows is Virtuoso's own
# cut (silent), kept above anything a test asks for.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 20
"""
# The anonymous web user SPARQL may then run SPARQL Update on /sparql and write through
# /sparql-graph-crud (without it both answer 403 or 500); /sparql-graph-crud-auth would need
# digest authentication instead.
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


@contextmanager
def virtuoso_serving(folder: Path) -> Iterator[Virtuoso]:
    """A private Virtuoso (Debian's virtuoso-opensource) on free ports of 127.0.0.1, its
    database in `folder`, open to SPARQL Update and the Graph Store Protocol; stopped after.

    Skips the test, naming what is missing, where Virtuoso is not installed.
    """
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Virtuoso is not installed (virtuoso-t, isql-vt): Debian's "
                    "virtuoso-opensource, which `make system` installs as root")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:  # both were free, and may be the same free port
        http_port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "virtuoso.out"
    with log.open("w") as output:
        process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(f"{url}/sparql?query=ASK%7B%7D", process, log)
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                       check=True, capture_output=True, timeout=60)
        yield Virtuoso(f"{url}/sparql", f"{url}/sparql-graph-crud")
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso for the session (it takes seconds to create its database)."""
    with virtuoso_serving(tmp_path_factory.mktemp("virtuoso")) as endpoints:
        yield endpoints


WRITER_TOKEN = "test-token-of-alice"


@pytest.fixture(scope="session")
def writable_server(built: BuildReport, build_dir: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An endpoint with one writer (alice, WRITER_TOKEN) and a 2-second query time limit."""
    from server.writers import hash_token

    writers = f"alice={hash_token(WRITER_TOKEN)}"
    with serving(build_dir, tmp_path_factory.mktemp("store"), "--timeout", "2",
                 env={"KG_WRITERS": writers}) as url:
        yield url


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium under Debian's chromedriver, logging every request its pages make."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # --no-sandbox: Chromium refuses to start as root (CI's user) with its sandbox on.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    try:
        driver = webdriver.Chrome(
            options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    except WebDriverException as error:
        pytest.skip(f"headless Chromium ({CHROMIUM}, driver {CHROMEDRIVER}) could not start: "
                    f"{error.msg}; install Debian's chromium and chromium-driver (`make system` "
                    "as root)")
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser: WebDriver, url: str, ready: str, seconds: float = 20) -> None:
    """Load `url` afresh and wait until an element matches the CSS selector `ready`.

    The request log is emptied first, so `requests_made` then lists this page's requests.
    """
    # From a blank page: a URL differing from the open one only after '#' would not reload it.
    browser.get("about:blank")
    requests_made(browser)
    browser.get(url)
    WebDriverWait(browser, seconds).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ready),
        f"nothing matched {ready!r} on {url} within {seconds} s")


def requests_made(browser: WebDriver) -> list[str]:
    """The URLs the browser requested since this was last asked (documents, assets, fetches)."""
    messages = (json.loads(entry["message"])["message"]
                for entry in browser.get_log("performance"))
    return [message["params"]["request"]["url"] for message in messages
            if message["method"] == "Network.requestWillBeSent"]


def foreign(urls: list[str], server: str) -> list[str]:
    """The URLs not on the server (inline data: and blob: URLs are the page's own)."""
    return [url for url in urls if urlsplit(url).scheme not in {"data", "blob"}
            and urlsplit(url).netloc != urlsplit(server).netloc]
