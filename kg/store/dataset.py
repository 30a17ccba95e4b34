"""A query on a pyoxigraph store, and the dataset it runs on when a request merges graphs.

SPARQL 1.1 Protocol §2.1.4: the graphs a request names with `default-graph-uri` make its
default graph by RDF merge, a set holding each triple once however many of them hold it
(SPARQL 1.1 Query §13.1). pyoxigraph, given several default graphs, yields a triple once per
graph holding it (a bag), and so do Oxigraph server and Virtuoso given the parameters. So a
back-end asked for such a dataset copies it into a store in memory, the default graphs' triples
into its default graph (where each is held once) and the named graphs under their names, and
runs the query there: this costs the size of the graphs the request names. One default graph,
or none, needs no merge and is queried where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.store.base import Answer, QueryOptions
from kg.store.lateral import lateral_optionals
from kg.store.results import Solutions, solution_rows, write_answer


def merges_graphs(options: QueryOptions) -> bool:
    """Whether a request's default graph is the merge of several graphs (run in memory)."""
    return len(options.default_graphs) > 1  # each once (QueryOptions)


def graphs_named(options: QueryOptions) -> list[str]:
    """Every graph a request names, default or named, once each."""
    return sorted({*options.default_graphs, *options.named_graphs})


def dataset_store(quads: Iterable[ox.Quad], options: QueryOptions) -> ox.Store:
    """A store in memory holding a request's dataset, made from the quads of the graphs it
    names (graphs_named; others are left out): the default graphs' triples merged into its
    default graph, the named graphs as they are."""
    defaults = {ox.NamedNode(graph) for graph in options.default_graphs}
    named = {ox.NamedNode(graph) for graph in options.named_graphs}

    def placed() -> Iterator[ox.Quad]:
        for quad in quads:
            if quad.graph_name in defaults:
                yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
            if quad.graph_name in named:
                yield quad

    store = ox.Store()
    store.extend(placed())
    return store


def answer_query(store: ox.Store, sparql: str, options: QueryOptions, version: str,
                 **dataset: Any) -> Answer:
    """Run a query on a store, over `dataset` (pyoxigraph's `default_graph` and
    `named_graphs`; none: the store's own), and serialize its answer as `options` ask."""
    try:
        result = store.query(lateral_optionals(sparql), base_iri=options.base_iri, **dataset)
    except SyntaxError:  # the error as written, at its own line and column (or a misread)
        result = store.query(sparql, base_iri=options.base_iri, **dataset)
    if isinstance(result, ox.QueryBoolean):
        return write_answer(bool(result), options, version)
    if isinstance(result, ox.QueryTriples):
        return write_answer(result, options, version)
    variables = [variable.value for variable in result.variables]
    return write_answer(Solutions(variables, solution_rows(result, variables)), options, version)


def answer_merged(quads: Iterable[ox.Quad], sparql: str, options: QueryOptions, version: str
                  ) -> Answer:
    """A query's answer on the dataset of `options`, made from the quads of the graphs it
    names; the dataset is given to pyoxigraph too, so that it overrides the query's own FROM
    and FROM NAMED, as the protocol's parameters do."""
    return answer_query(dataset_store(quads, options), sparql, options, version,
                        default_graph=ox.DefaultGraph(),
                        named_graphs=[ox.NamedNode(graph) for graph in options.named_graphs])


def answer_on_quads(nquads: bytes, sparql: str, options: QueryOptions, version: str
                    ) -> Answer:
    """answer_merged on quads sent as N-Quads (a job for a worker process: a remote store's
    graphs, fetched)."""
    return answer_merged(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), sparql, options, version)
