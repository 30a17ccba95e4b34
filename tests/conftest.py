"""Shared fixtures: one real build of the corpus per session, and real servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
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
from tests import servers
from tests.servers import NotInstalled, Virtuoso, free_port, running, virtuoso_serving

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


@contextmanager
def serving(build_dir: Path, store: Path | str, *options: str,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """`kg serve` on a free port of 127.0.0.1 with a build and options; yields its URL.

    `store` is the embedded store's folder or a remote store's query URL.
    """
    port = free_port()
    log = store.with_suffix(".log") if isinstance(store, Path) else build_dir / f"{port}.log"
    url = f"http://127.0.0.1:{port}"
    with running([*KG, "serve", "--port", str(port), "--store", str(store), *options],
                 f"{url}/health", log, cwd=ROOT, stop_seconds=10,
                 env={**os.environ, "KG_BUILD_DIR": str(build_dir), **(env or {})}):
        yield url


@pytest.fixture(scope="session")
def server(built: BuildReport, build_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[str]:
    """The read-only endpoint serving the session's build; yields its URL."""
    with serving(build_dir, tmp_path_factory.mktemp("store")) as url:
        yield url


@contextmanager
def oxigraph_serving(location: Path, *data: Path, options: tuple[str, ...] = ()
                     ) -> Iterator[str]:
    """tests/servers.py's Oxigraph server, skipping the test where it is not installed."""
    with skipped_if_missing(), servers.oxigraph_serving(location, *data, options=options) as url:
        yield url


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """An empty Oxigraph server of the test's own; yields its base URL."""
    with oxigraph_serving(tmp_path / "oxigraph") as url:
        yield url


@contextmanager
def skipped_if_missing() -> Iterator[None]:
    """Skip the test, naming the install, where a server it needs is not installed."""
    try:
        yield
    except NotInstalled as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso for the session (it takes seconds to create its database)."""
    with skipped_if_missing(), virtuoso_serving(tmp_path_factory.mktemp("virtuoso")
                                                ) as endpoints:
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
