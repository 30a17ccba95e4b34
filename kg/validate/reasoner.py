"""OWL 2 DL consistency with HermiT, the reasoner owlready2 ships (it needs Java).

OWL 2's datatype map has no xsd:date, xsd:gYear or xsd:gYearMonth, which the graph uses for
dates; HermiT is told to ignore unsupported datatypes (their ranges live in the SHACL shapes),
rather than fail or skip the whole check.

HermiT runs through its own command line, asked for the unsatisfiable classes (`-U`), which it
can only list for a consistent ontology: the two checks in one run. owlready2's
`sync_reasoner_hermit` asks it to classify the whole hierarchy and reads every inferred axiom
back into its quadstore, about three times as long for the same two answers (bench/README.md).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Node, URIRef
from rdflib.collection import Collection

from kg.errors import ToolMissing
from kg.validate.findings import Finding, Kind
from kg.validate.locate import Locator
from kg.vocab import CKG

JAVA_OPTIONS = (
    "-Xmx2000M",  # owlready2's default for HermiT
    # A contributed file's check is a JVM's first seconds: the optimising compiler (C2) and the
    # parallel collector's threads cost more than they bring there. Without them HermiT took
    # 1.5 s of CPU instead of 3.1 on a 2,300-triple file, and no more on 153,000 triples
    # (58 s against 62; bench/README.md).
    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
)
INCONSISTENT = "Inconsistent ontology"  # what HermiT says (exit status 1) when it is


def check_consistency(graph: Graph, locator: Locator) -> list[Finding]:
    """Run HermiT on `graph` (ontology plus data); an inconsistency becomes one finding per
    disjointness clash found (or one), an unsatisfiable class one finding each."""
    with tempfile.TemporaryDirectory(prefix="kg-owl-") as folder:
        ntriples = Path(folder) / "graph.nt"
        graph.serialize(ntriples, format="nt", encoding="utf-8")
        run = subprocess.run(
            [_java(), *JAVA_OPTIONS, "-cp", _hermit_classpath(),
             "org.semanticweb.HermiT.cli.CommandLine", "-U", "--ignoreUnsupportedDatatypes",
             ntriples.as_uri()], capture_output=True, text=True)
    if run.returncode == 1 and INCONSISTENT in run.stderr:
        return _inconsistency(graph, locator, INCONSISTENT)
    if run.returncode != 0:
        raise ToolMissing(f"HermiT could not run: {_explanation(run.stderr or run.stdout)}")
    # one class a line, after a heading: "<iri>", or owl:Nothing itself in HermiT's prefixes
    unsatisfiable = sorted(line.strip()[1:-1] for line in run.stdout.splitlines()
                           if line.strip().startswith("<"))
    return [Finding(kind=Kind.OWL, file=locator.file, rule="OWL 2 DL satisfiability",
                    message=f"class <{iri}> is unsatisfiable: it can have no instance")
            for iri in unsatisfiable]


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = shutil.which(str(Path(home) / "bin" / "java") if home else "java")
    if java is None:
        raise ToolMissing("Java is needed for the OWL reasoner HermiT and was not found: "
                          "install a Java runtime (Debian: apt-get install default-jre-headless)"
                          " or set JAVA_HOME/PATH")
    return java


def _hermit_classpath() -> str:
    """HermiT's jar as owlready2 ships it, found without importing owlready2."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ToolMissing("owlready2, which ships the OWL reasoner HermiT, is not installed")
    hermit = Path(spec.origin).parent / "hermit"
    return os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])


def _explanation(text: str) -> str:
    text = " ".join(text.split())
    return text[:1000] or "no message"


def _inconsistency(graph: Graph, locator: Locator, explanation: str) -> list[Finding]:
    """One finding per disjointness clash found, or one for the whole graph if none is."""
    clashes = disjoint_clashes(graph) or [(None, frozenset())]
    findings = []
    for node, pair in clashes:
        line, column = locator.find(node)
        because = ""
        if node is not None:
            first, second = sorted(locator.name(cls) for cls in pair)
            because = (f": {locator.name(node)} is both {first} and {second}, which are "
                       "disjoint")
        findings.append(Finding(
            kind=Kind.OWL, file=locator.file, line=line, column=column,
            message=f"the ontology and data are inconsistent (HermiT: {explanation}){because}",
            focus_node=locator.name(node) if node is not None else None,
            hint="a resource may be typed with two disjoint classes, or used by a property "
                 "outside its domain or range",
            rule="OWL 2 DL consistency"))
    return findings


def disjoint_clashes(graph: Graph) -> list[tuple[URIRef, frozenset[Node]]]:
    """Resources whose types (asserted, or implied by domains and ranges) are disjoint.

    HermiT says only *that* a graph is inconsistent; this finds the commonest reason, to name
    the resource and the two classes in the finding.
    """
    disjoint = {frozenset(pair) for pair in graph.subject_objects(OWL.disjointWith)}
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(axiom, OWL.members)))
        disjoint |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    types: dict[Node, set[Node]] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        types.setdefault(subject, set()).add(cls)
    for prop, cls in graph.subject_objects(RDFS.domain):
        for subject in graph.subjects(prop, None):
            types.setdefault(subject, set()).add(cls)
    for prop, cls in graph.subject_objects(RDFS.range):
        for value in graph.objects(None, prop):
            types.setdefault(value, set()).add(cls)
    clashes = []
    for node, classes in types.items():
        if not isinstance(node, URIRef) or str(node).startswith(str(CKG._NS)):
            continue
        closure = {ancestor for cls in classes
                   for ancestor in graph.transitive_objects(cls, RDFS.subClassOf)}
        clashes += [(node, pair) for pair in disjoint if pair <= closure]
    return sorted(clashes, key=lambda clash: (str(clash[0]), sorted(map(str, clash[1]))))
