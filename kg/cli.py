"""The `kg` command line: each command parses its options and calls one library function.

Results go to stdout, progress and logs to stderr. A KgError is printed without a traceback and
exits with its code: 1 when the input is invalid, 2 when the tool could not run.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from kg import __version__, paths
from kg.errors import InvalidGraph, KgError

stderr = Console(stderr=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a KgError into its message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InvalidGraph as error:
            from kg.validate.render import render_text

            click.echo(render_text(error.findings, []), err=True, nl=False)
            click.echo(f"kg: {error}", err=True)
            sys.exit(error.exit_code)
        except KgError as error:
            click.echo(f"kg: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """caucasus-kg: build, validate and serve the South Caucasus knowledge graph."""
    # Libraries we call (pyLODE) configure the root logger at INFO when none is set; our
    # progress and findings are the output, so theirs stays at WARNING.
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")


@main.command()
@click.option("--build-dir", type=click.Path(path_type=Path), default=paths.BUILD_DIR,
              show_default="build/", envvar="KG_BUILD_DIR", help="Where releases are kept.")
@click.option("--reason/--no-reason", default=True, show_default=True,
              help="Check OWL consistency with HermiT (needs Java).")
@click.option("--docs/--no-docs", default=True, show_default=True,
              help="Write the ontology's HTML documentation with pyLODE.")
@click.option("--workers", default=lambda: os.cpu_count() or 1, show_default="the cores",
              envvar="KG_BUILD_WORKERS", type=click.IntRange(1),
              help="Processes extracting documents (one for up to 64).")
@click.option("--incremental/--no-incremental", default=True, show_default=True,
              help="Reuse the extractions and SHACL results of earlier builds (kept in "
                   "--build-dir) for the documents and graphs that did not change.")
@reports_errors
def build(build_dir: Path, reason: bool, docs: bool, workers: int, incremental: bool) -> None:
    """Build the graph, validate it and publish it atomically.

    Reads corpus/ and registry/, runs the stages of config/pipeline.yaml, writes TriG and
    N-Quads to a new release under build/releases/, validates it (SHACL, terms, HermiT) and only
    then points build/current at it. Prints the path of the new dataset. Documents and graphs
    unchanged since an earlier build into the same --build-dir are not extracted or validated
    again (unless --no-incremental); the manifest counts what was reused.
    """
    from kg.build import build as run_build

    with Progress(console=stderr, transient=True) as progress:
        report = run_build(build_dir, reason=reason, docs=docs, progress=progress,
                           workers=workers, incremental=incremental)
    timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in report.timings.items())
    stderr.print(f"built {report.triples} triples in {len(report.graphs)} graphs ({timings})")
    click.echo(report.release / "dataset.trig")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "junit", "github"]),
              default="text", show_default=True, help="How findings are written.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True, help="Where findings go ('-' is stdout).")
@click.option("--reason/--no-reason", default=True, show_default=True,
              help="Check OWL consistency with HermiT (needs Java).")
@click.option("--cache", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.validation_cache(), envvar="KG_VALIDATION_CACHE",
              show_default=f"build/{paths.validation_cache().name}",
              help="SHACL results of graphs already validated, reused while their content, "
                   "the context they cite and the shapes stay the same.")
@click.option("--incremental/--no-incremental", default=True, show_default=True,
              help="Reuse (and keep) results in the --cache file; without it, check every graph.")
@reports_errors
def validate(files: tuple[Path, ...], output_format: str, output: Any, reason: bool,
             cache: Path, incremental: bool) -> None:
    """Validate RDF files against the ontology and shapes.

    FILES are Turtle, TriG, N-Triples or N-Quads; without them, the built graph and every file
    under contributions/. Exit 0 when valid, 1 when not, 2 when the check could not run.
    How many graphs were validated and how many reused from the cache goes to stderr.
    """
    from kg.validate import Context, default_targets, validate_files
    from kg.validate.cache import ResultCache
    from kg.validate.findings import is_valid
    from kg.validate.render import RENDERERS

    targets = list(files) or default_targets()
    if not targets:
        raise KgError("nothing to validate: no build (run `kg build`) and no file under "
                      "contributions/")
    missing = [str(target) for target in targets if not target.is_file()]
    if missing:
        raise KgError(f"no such file: {', '.join(missing)}")
    context = Context.from_repository()
    results = ResultCache(cache, context.fingerprint) if incremental else None
    findings = validate_files(targets, context, reason=reason, cache=results)
    if results is not None:
        results.close()
        stderr.print(f"shapes: {results.validated} graphs validated, {results.reused} reused "
                     f"from {cache}")
    output.write(RENDERERS[output_format](findings, [str(target) for target in targets]))
    sys.exit(0 if is_valid(findings) else 1)


@main.command()
def stages() -> None:
    """List the pipeline stages with what each requires and provides."""
    from kg.stages import load_stages

    for stage in sorted(load_stages().values(), key=lambda s: s.name):
        requires = ", ".join(sorted(stage.requires)) or "-"
        provides = ", ".join(sorted(stage.provides)) or "-"
        click.echo(f"{stage.name} {stage.version}: {stage.description}\n"
                   f"    requires: {requires}; provides: {provides}")


@main.command()
@click.argument("article", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="A .trig (the document's named graph) or .ttl file; TriG on stdout without.")
@click.option("--title", help="Title of a plain-text article (default: its first line).")
@click.option("--publisher", help="Publisher of a plain-text article.")
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]),
              help="Publication date of a plain-text article (YYYY-MM-DD).")
@click.option("--source", help="Address of a plain-text article.")
@reports_errors
def extract(article: Path, output: Path | None, title: str | None, publisher: str | None,
            published: Any, source: str | None) -> None:
    """Extract candidate triples from one article, for review under contributions/.

    ARTICLE is a corpus file (header, '---', body) or plain text with the header given as
    options. The output is the article's named graph: its Document node, the entities it
    names (new ones flagged ckg:unlinked), and every fact with its evidence.
    """
    from kg.build import extract_document, read_sources
    from kg.corpus import read_article
    from kg.rdf import write_graph

    document = read_article(article, title=title, publisher=publisher, source=source,
                            published=published.date() if published else None)
    if not document.body.strip():
        stderr.print(f"warning: {article} is empty; nothing extracted")
        return
    graph = extract_document(document, read_sources())
    write_graph(graph, output)
    stderr.print(f"{len(graph)} triples from {article}")


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=paths.CORPUS_DIR, show_default="corpus/",
              help="Folder of articles in the corpus format to extract and score, e.g. "
              "tests/data/unseen/ (articles the rules were not written against).")
@click.option("--gold", type=click.Path(path_type=Path, file_okay=False), default=paths.GOLD_DIR,
              show_default="tests/gold/", help="Folder of gold files, one per document.")
@click.option("--details/--summary", default=True, show_default=True,
              help="List every miss and false positive under the scores.")
@reports_errors
def evaluate(corpus: Path, gold: Path, details: bool) -> None:
    """Score the extractor against the hand-made gold facts (precision, recall, F1)."""
    from kg.build import extract_folder, read_sources, registry_graph
    from kg.evaluate import evaluate as score
    from kg.evaluate import render_report

    sources = read_sources()
    documents, graphs = extract_folder(corpus, sources)
    report = score({document.key: graph for document, graph in zip(documents, graphs,
                                                                    strict=True)},
                   documents, gold, registry_graph(sources))
    click.echo(render_report(report, details), nl=False)


@main.command()
@click.option("--endpoint", envvar="KG_WIKIDATA_ENDPOINT",
              help="The Wikidata SPARQL endpoint to ask (default: config/wikidata.yaml's, "
              "https://query.wikidata.org/sparql).")
@click.option("--refresh", is_flag=True,
              help="Ask again instead of using cached answers, and verify the registry's QIDs.")
@click.option("--check", is_flag=True,
              help="Also list where the built graph (or --data) and Wikidata disagree.")
@click.option("--threshold", type=click.FloatRange(0, 1),
              help="Lowest score that becomes a link (default: config/wikidata.yaml's).")
@click.option("--data", type=click.Path(path_type=Path, dir_okay=False),
              help="The graph --check reads (default: the current build's dataset.nq).")
@click.option("--cache", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.WIKIDATA_CACHE, show_default="registry/wikidata-cache.jsonl",
              help="The file of Wikidata answers (JSON lines).")
@click.option("--links", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.WIKIDATA_LINKS, show_default="registry/wikidata-links.yaml",
              help="The file of links chosen and entities left for review.")
@click.option("--offline", is_flag=True, help="Ask nothing: use the cache only.")
@reports_errors
def link(endpoint: str | None, refresh: bool, check: bool, threshold: float | None,
         data: Path | None, cache: Path, links: Path, offline: bool) -> None:
    """Link registry entities to Wikidata items (owl:sameAs), caching every answer.

    Entities without a QID get candidates by name, type and context, scored; the best above the
    threshold is linked, ambiguous ones are listed for review. Facts about linked items are
    fetched for the Wikidata graph that `kg build` makes from the cache.
    """
    from kg.link.client import WikidataClient
    from kg.link.linking import LinkFiles, link_registry
    from kg.link.render import render_report
    from kg.link.settings import read_settings
    from kg.registry import read_registry

    settings = read_settings(paths.WIKIDATA_SETTINGS)
    client = None if offline else WikidataClient(endpoint or settings.endpoint,
                                                 settings.timeout, settings.tries)
    with stderr.status(f"linking with {client.endpoint if client else 'the cache only'}"):
        report = link_registry(read_registry(paths.REGISTRY_FILE), settings,
                               LinkFiles(links, cache), client,
                               refresh=refresh, threshold=threshold,
                               check=(data or paths.current_build() / "dataset.nq") if check
                               else None)
    click.echo(render_report(report), nl=False)
    if report.unavailable:
        stderr.print(f"warning: {report.unavailable}; {len(report.unanswered)} question(s) "
                     "without an answer, left as they were (rerun later)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="KG_HOST",
              help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, envvar="KG_PORT", type=int,
              help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, envvar="KG_THREADS", type=int,
              help="Threads of the WSGI server (requests handled at once).")
@click.option("--workers", default=2, show_default=True, envvar="KG_WORKERS", type=int,
              help="Query worker processes (each killed and replaced at the time limit).")
@click.option("--timeout", default=30.0, show_default=True, envvar="KG_TIMEOUT", type=float,
              help="Seconds a query may run.")
@click.option("--max-rows", default=100_000, show_default=True, envvar="KG_MAX_ROWS", type=int,
              help="Rows (or triples) in one answer; more are cut and the answer says so.")
@click.option("--store", "store_path", envvar="KG_STORE", default=str(paths.BUILD_DIR / "store"),
              show_default="build/store/", help="Folder of the embedded store (loaded from the "
              "current build), or the query URL of a SPARQL store to be a read-only front for.")
@click.option("--data", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              envvar="KG_DATA", help="Serve this RDF file instead of the build's dataset.")
@click.option("--writers", "writers_file", type=click.Path(path_type=Path, dir_okay=False),
              envvar="KG_WRITERS_FILE", help="YAML file of writers and token hashes "
              "(`kg writer`); KG_WRITERS may list them inline. None: read-only.")
@click.option("--allow-service", multiple=True, envvar="KG_ALLOW_SERVICE",
              default=["https://query.wikidata.org/sparql"], show_default=True,
              help="Endpoint SERVICE may call (repeat for several).")
@click.option("--cors-origin", multiple=True, envvar="KG_CORS_ORIGINS", default=["*"],
              show_default=True, help="Origin browsers may call from (repeat; '*' for any).")
@click.option("--cors-max-age", default=7200, show_default=True, envvar="KG_CORS_MAX_AGE",
              type=click.IntRange(0), metavar="SECONDS", help="Seconds a browser may reuse "
              "the answer to a CORS preflight (Access-Control-Max-Age).")
@click.option("--max-request-size", default=64 * 1024 * 1024, show_default="64 MiB",
              envvar="KG_MAX_REQUEST_SIZE", type=click.IntRange(1), metavar="BYTES",
              help="Bytes of one request (a query, an update, a graph); larger ones get 413.")
@click.option("--rate", default=120.0, show_default=True, envvar="KG_RATE", type=float,
              help="Query seconds each client may use per minute.")
@click.option("--follow", default=5.0, show_default=True, envvar="KG_FOLLOW", type=float,
              help="Seconds between looks for a new build (or an edited --data file) to load; "
              "0 never looks.")
@reports_errors
def serve(host: str, port: int, threads: int, workers: int, timeout: float, max_rows: int,
          store_path: str, data: Path | None, writers_file: Path | None,
          allow_service: tuple[str, ...], cors_origin: tuple[str, ...], cors_max_age: int,
          max_request_size: int, rate: float, follow: float) -> None:
    """Serve the built graph over the SPARQL 1.1 Protocol and Graph Store Protocol."""
    import logging

    import waitress

    from server import create_app
    from server.writers import read_writers

    # main() has configured the root logger already (so basicConfig would do nothing): the
    # endpoint's own lines (the access log, loads of new builds) are wanted at INFO.
    logging.getLogger("caucasus_kg").setLevel(logging.INFO)
    writers = read_writers(writers_file, os.environ.get("KG_WRITERS"))
    app = create_app({"STORE_PATH": store_path, "BUILD": paths.current_build(), "DATA": data,
                      "QUERY_WORKERS": workers, "TIMEOUT": timeout, "MAX_ROWS": max_rows,
                      "WRITERS": writers, "SERVICE_ALLOWLIST": list(allow_service),
                      "CORS_ORIGINS": list(cors_origin), "CORS_MAX_AGE": cors_max_age,
                      "MAX_CONTENT_LENGTH": max_request_size, "RATE_SECONDS": rate,
                      "RELOAD_SECONDS": follow})
    mode = f"{len(writers)} writer(s)" if writers else "read-only"
    stderr.print(f"serving http://{host}:{port}/sparql ({mode})")
    waitress.serve(app, host=host, port=port, threads=threads, ident="caucasus-kg")


@main.command()
@click.option("--to", "url", required=True, envvar="KG_PUSH_URL",
              help="The store's SPARQL query endpoint URL.")
@click.option("--gsp", envvar="KG_PUSH_GSP", help="Its Graph Store Protocol URL (default: "
              "/store beside the query URL, as Oxigraph server has it).")
@click.option("--update", "update_url", envvar="KG_PUSH_UPDATE", help="Its SPARQL Update URL "
              "(default: /update beside the query URL).")
@click.option("--via", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              envvar="KG_PUSH_VIA", help="Send graphs with the Graph Store Protocol or with "
              "SPARQL Update.")
@click.option("--token", envvar="KG_PUSH_TOKEN", help="Bearer token for the store, if any.")
@click.option("--data", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The dataset to push (default: the current build's dataset.nq).")
@reports_errors
def push(url: str, gsp: str | None, update_url: str | None, via: str, token: str | None,
         data: Path | None) -> None:
    """Load the built dataset into a remote SPARQL store, graph by graph (resumable)."""
    from kg.store import open_store
    from kg.store.push import progress_file_for, push_dataset
    from kg.store.remote import RemoteStore

    if not url.startswith(("http://", "https://")):
        raise KgError(f"push sends to a SPARQL server: give its http(s) URL, not {url}")
    dataset = data or paths.current_build() / "dataset.nq"
    store = open_store(url, store=gsp, update=update_url, token=token,
                       via_update=via == "update")
    assert isinstance(store, RemoteStore)  # an http(s) URL opens one
    with Progress(console=stderr, transient=True) as progress:
        graphs = progress.add_task(f"pushing {dataset} to {url} (graphs)", total=None)
        report = push_dataset(
            dataset, store, progress_file_for(store, paths.BUILD_DIR),
            lambda total: progress.update(graphs, total=total, advance=1))
    stderr.print(f"{len(report.sent)} graph(s) sent, {len(report.skipped)} unchanged, "
                 f"{len(report.deleted)} deleted; "
                 f"{report.triples} triples in the store, counts checked")


@main.command()
@click.argument("url")
@click.option("--manifests", type=click.Path(path_type=Path, exists=True), required=True,
              envvar="KG_W3C_MANIFESTS", help="Folder of the W3C test manifests (each "
              "manifest.ttl under it is run), or one manifest file.")
@click.option("--update", "update_url", help="The update endpoint (default: URL itself).")
@click.option("--gsp", "store_url", help="The Graph Store Protocol endpoint (without it, "
              "its tests are skipped).")
@click.option("--token", envvar="KG_CONFORMANCE_TOKEN", help="Bearer token sent with every "
              "request (a writer's, for our endpoint).")
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds to wait for each answer.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "junit"]),
              default="text", show_default=True, help="How results are written.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              show_default=True, help="Where results go ('-' is stdout).")
@reports_errors
def conformance(url: str, manifests: Path, update_url: str | None, store_url: str | None,
                token: str | None, timeout: float, output_format: str, output: Any) -> None:
    """Run the W3C SPARQL 1.1 Protocol and Graph Store Protocol tests against an endpoint.

    URL is the query endpoint, ours or any other. The tests write and clear graphs (CLEAR ALL,
    DROP ALL): aim them at a scratch store. Exit 0 when none fails, 1 when some fail, 2 when
    they could not run.
    """
    from kg.conformance import RENDERERS, Endpoint, Verdict, read_manifests, run_conformance

    cases = read_manifests(manifests)
    endpoint = Endpoint(url, update_url, store_url, token, timeout)
    with stderr.status(f"running {len(cases)} tests against {url}") as status:
        outcomes = run_conformance(cases, endpoint, lambda outcome: status.update(
            f"{outcome.verdict}: {outcome.name}"))
    output.write(RENDERERS[output_format](outcomes))
    sys.exit(1 if any(outcome.verdict is Verdict.FAILED for outcome in outcomes) else 0)


@main.command()
@click.argument("name")
@click.option("--writers", "writers_file", type=click.Path(path_type=Path, dir_okay=False),
              envvar="KG_WRITERS_FILE", default=Path("writers.yaml"), show_default=True,
              help="The writers file to add the writer to.")
@reports_errors
def writer(name: str, writers_file: Path) -> None:
    """Give a writer a new token for updates (printed once; only its hash is kept)."""
    from server.writers import add_writer

    click.echo(add_writer(writers_file, name))
    stderr.print(f"{name} may now write; their token's hash is in {writers_file}")


@main.command()
@click.option("--write", "readme", type=click.Path(path_type=Path, dir_okay=False),
              help="Replace the reference section of this Markdown file instead of printing.")
def reference(readme: Path | None) -> None:
    """Print the command reference in Markdown, as README.md carries it."""
    from kg.reference import render_reference, write_reference

    if readme is None:
        click.echo(render_reference(main), nl=False)
    else:
        write_reference(readme, main)


if __name__ == "__main__":
    main()
