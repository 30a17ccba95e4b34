"""OWL 2 DL consistency with HermiT, the reasoner owlready2 ships (it needs Java).

OWL 2's datatype map has no xsd:date, xsd:gYear or xsd:gYearMonth, which the graph uses for
dates; HermiT is told to ignore unsupported datatypes (their ranges live in the SHACL shapes),
rather than fail or skip the whole check.

HermiT runs through its own command line, asked for the unsatisfiable classes (`-U`), which it
can only list for a consistent ontology: the two checks in one run. owlready2's
`sync_reasoner_hermit` asks it to classify the whole hierarchy and reads every inferred axiom
back into its quadstore, about three times as long for the same two answers (bench/README.md).

`-U` still classifies the whole hierarchy, a tableau test per class: for a contributed file half
of HermiT's time. So HermiT is first asked only whether the graph stays consistent with a fresh
instance of each of its classes added (`-k`, one test): if it does, the graph is consistent and
no class is unsatisfiable, as each has an instance in a model of it, which is all `-U` would
have said. Only a graph that fails this (inconsistent, an unsatisfiable class, or classes that
cannot all have instances at once, which nominals allow) gets the `-U` run, which tells these
apart and names the classes. HermiT runs in the background (`ConsistencyCheck`) while the
caller goes on with other checks.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Node, URIRef
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


SATISFIABLE = " is satisfiable."  # what `-k` prints of owl:Thing when the input is consistent
# Where classes are named: the objects of these predicates, and of rdf:type but for the OWL,
# RDF and RDFS vocabulary; the subjects of the first three; and the members of these lists.
CLASS_OBJECTS = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.domain,
                 RDFS.range, OWL.complementOf, OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass)
CLASS_LISTS = (OWL.unionOf, OWL.intersectionOf, OWL.disjointUnionOf)
VOCABULARIES = tuple(str(namespace) for namespace in (RDF, RDFS, OWL, XSD))


def check_consistency(graph: Graph, locator: Locator) -> list[Finding]:
    """Run HermiT on `graph` (ontology plus data); an inconsistency becomes one finding per
    disjointness clash found (or one), an unsatisfiable class one finding each."""
    with ConsistencyCheck(graph, locator) as check:
        return check.findings()


class ConsistencyCheck:
    """check_consistency started in the background: HermiT's Java process is started on
    creation and `findings` waits for it. Use it as a context manager, which stops HermiT if it
    is still running and removes its input."""

    def __init__(self, graph: Graph, locator: Locator) -> None:
        self.graph = graph
        self.locator = locator
        self.command = hermit_command()  # first: raises ToolMissing without Java or HermiT
        self.folder = tempfile.TemporaryDirectory(prefix="kg-owl-")
        self.ntriples = Path(self.folder.name) / "graph.nt"
        graph.serialize(self.ntriples, format="nt", encoding="utf-8")
        probed = Path(self.folder.name) / "probed.nt"
        shutil.copyfile(self.ntriples, probed)
        with probed.open("a", encoding="utf-8") as out:
            out.writelines(f"{BNode().n3()} {RDF.type.n3()} {cls.n3()} .\n"
                           for cls in sorted(named_classes(graph)))
        self.process = subprocess.Popen(self._run("-k", probed), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)

    def findings(self) -> list[Finding]:
        """Wait for HermiT: nothing if the graph is consistent and all its classes
        satisfiable, else check_consistency's findings from a second run with `-U`."""
        stdout, _ = self.process.communicate()
        if self.process.returncode == 0 and stdout.strip().endswith(SATISFIABLE):
            return []
        run = subprocess.run(self._run("-U", self.ntriples), capture_output=True, text=True)
        if run.returncode == 1 and INCONSISTENT in run.stderr:
            return _inconsistency(self.graph, self.locator, INCONSISTENT)
        if run.returncode != 0:
            raise ToolMissing(f"HermiT could not run: {_explanation(run.stderr or run.stdout)}")
        # one class a line, after a heading: "<iri>", or owl:Nothing itself in HermiT's prefixes
        unsatisfiable = sorted(line.strip()[1:-1] for line in run.stdout.splitlines()
                               if line.strip().startswith("<"))
        return [Finding(kind=Kind.OWL, file=self.locator.file, rule="OWL 2 DL satisfiability",
                        message=f"class <{iri}> is unsatisfiable: it can have no instance")
                for iri in unsatisfiable]

    def _run(self, task: str, ntriples: Path) -> list[str]:
        return [*self.command, task, "--ignoreUnsupportedDatatypes", ntriples.as_uri()]

    def __enter__(self) -> ConsistencyCheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.folder.cleanup()


def named_classes(graph: Graph) -> set[URIRef]:
    """The IRIs `graph` uses as classes, as far as its triples show: declared, in a class
    assertion or axiom, a domain, or a range or restriction's filler that is not a datatype
    (the XSD, RDF and RDFS ones, or one declared rdfs:Datatype). The OWL vocabulary's own
    (owl:Thing, owl:Nothing) are left out."""
    used = {cls for cls in graph.objects(None, RDF.type) if not str(cls).startswith(VOCABULARIES)}
    used |= set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDF.type, RDFS.Class))
    for predicate in CLASS_OBJECTS:
        used.update(graph.objects(None, predicate))
    for predicate in CLASS_OBJECTS[:3]:
        used.update(graph.subjects(predicate, None))
    lists = [graph.objects(None, predicate) for predicate in CLASS_LISTS]
    lists += [graph.objects(axiom, OWL.members)
              for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses)]
    for heads in lists:
        for head in heads:
            used.update(Collection(graph, head))
    datatypes = set(graph.subjects(RDF.type, RDFS.Datatype))
    return {node for node in used if isinstance(node, URIRef) and node not in datatypes
            and not str(node).startswith(VOCABULARIES)}


def hermit_command() -> list[str]:
    """Java running HermiT's command line, to be followed by its options and input."""
    return [_java(), *JAVA_OPTIONS, "-cp", _hermit_classpath(),
            "org.semanticweb.HermiT.cli.CommandLine"]


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
