"""Real SPARQL servers on free ports of 127.0.0.1, for the tests' fixtures and the benchmarks.

Each runs as a subprocess logging to a file, is waited for until it answers, and is stopped
when its `with` block ends, however it ends. A server whose program is not installed raises
`NotInstalled`, whose message names the install; the fixtures turn it into a skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests


class NotInstalled(Exception):
    """A server's program is missing; the message says what provides it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@contextmanager
def running(command: list[str], probe: str, log: Path, *, env: dict[str, str] | None = None,
            cwd: Path | None = None, seconds: float = 60, stop_seconds: float = 60
            ) -> Iterator[subprocess.Popen]:
    """Start `command` (output to `log`), wait until GET `probe` succeeds, stop it after.

    It is killed if it has not ended `stop_seconds` after being asked to.
    """
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        wait_until_up(probe, process, log, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def oxigraph_command() -> str:
    """The `oxigraph` program installed beside this Python (PyPI `oxigraph`)."""
    command = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if command is None:
        raise NotInstalled("Oxigraph server is not installed: `pip install oxigraph` (a dev "
                           "dependency)")
    return command


def oxigraph_load(location: Path, *data: Path, seconds: float = 300) -> None:
    """Load RDF files into the Oxigraph server store at `location` (the server not running)."""
    for path in data:
        subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file",
                        str(path)], check=True, capture_output=True, timeout=seconds)


@contextmanager
def oxigraph_serving(location: Path, *data: Path, options: tuple[str, ...] = ()
                     ) -> Iterator[str]:
    """Oxigraph server (PyPI `oxigraph`) on a free port of 127.0.0.1, its store at `location`
    loaded with the RDF files `data` first and started with `options` (`oxigraph serve
    --help`); yields its base URL (/query, /update, /store).
    """
    oxigraph_load(location, *data)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running([oxigraph_command(), "serve", "--location", str(location), "--bind",
                  f"127.0.0.1:{port}", *options], f"{url}/query?query=ASK%7B%7D",
                 location.with_suffix(".log"), stop_seconds=10):
        yield url


@dataclass(frozen=True)
class Virtuoso:
    """A Virtuoso instance's SPARQL endpoint (queries and updates), Graph Store endpoint, and
    the `isql-vt` command line that runs SQL on it as the DBA."""

    sparql: str
    graph_store: str
    isql: tuple[str, ...]

    def sql(self, statements: str, seconds: float = 60) -> str:
        """Run SQL (or `isql` commands) as the DBA; its output. Raises on failure."""
        done = subprocess.run([*self.isql, f"exec={statements}"], check=True,
                              capture_output=True, text=True, timeout=seconds)
        return done.stdout


# A private instance: its own database in a temporary folder, ports of its own on 127.0.0.1.
# MaxQueryExecutionTime stops a query its client gave up on; ResultSetMaxRows is Virtuoso's own
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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = {threads}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
"""
# The anonymous web user SPARQL may then run SPARQL Update on /sparql and write through
# /sparql-graph-crud (without it both answer 403 or 500); /sparql-graph-crud-auth would need
# digest authentication instead.
VIRTUOSO_GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


@contextmanager
def virtuoso_serving(folder: Path, buffers: int = 10_000, threads: int = 4,
                     query_seconds: int = 20) -> Iterator[Virtuoso]:
    """A private Virtuoso (Debian's virtuoso-opensource) on free ports of 127.0.0.1, its
    database in `folder`, open to SPARQL Update and the Graph Store Protocol; stopped after.

    `buffers` are its 8 KiB pages of memory, `threads` the HTTP requests it serves at once,
    `query_seconds` its own time limit (after which it answers what it has, silently).
    """
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        raise NotInstalled("Virtuoso is not installed (virtuoso-t, isql-vt): Debian's "
                           "virtuoso-opensource, which `make system` installs as root")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:  # both were free, and may be the same free port
        http_port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty_buffers=buffers * 3 // 5,
                                       threads=threads, query_seconds=query_seconds))
    url = f"http://127.0.0.1:{http_port}"
    with running([server, "+foreground", "+configfile", str(ini)], f"{url}/sparql?query=ASK%7B%7D",
                 folder / "virtuoso.out", cwd=folder):
        virtuoso = Virtuoso(f"{url}/sparql", f"{url}/sparql-graph-crud",
                            (isql, f"127.0.0.1:{sql_port}", "dba", "dba"))
        virtuoso.sql(VIRTUOSO_GRANTS)
        yield virtuoso
