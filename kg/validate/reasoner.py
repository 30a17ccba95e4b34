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
caller goes on with other checks, and Java starts faster from a class data archive of the
classes HermiT loads, which the first run on a machine writes (`Hermit`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Node, URIRef
from rdflib.collection import Collection

from kg import paths
from kg.cache import fingerprint
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
    # the JVM's own warnings (a class data archive it cannot use) on stderr, not among
    # HermiT's answers on stdout
    "-Xlog:disable", "-Xlog:all=warning:stderr",
)
CLI = "org.semanticweb.HermiT.cli.CommandLine"
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

    def __init__(self, graph: Graph, locator: Locator, cache: Path = paths.CACHE_DIR) -> None:
        self.graph = graph
        self.locator = locator
        self.hermit = Hermit.find(cache)  # first: raises ToolMissing without Java or HermiT
        self.folder = tempfile.TemporaryDirectory(prefix="kg-owl-")
        self.ntriples = Path(self.folder.name) / "graph.nt"
        graph.serialize(self.ntriples, format="nt", encoding="utf-8")
        probed = Path(self.folder.name) / "probed.nt"
        shutil.copyfile(self.ntriples, probed)
        with probed.open("a", encoding="utf-8") as out:
            out.writelines(f"{BNode().n3()} {RDF.type.n3()} {cls.n3()} .\n"
                           for cls in sorted(named_classes(graph)))
        self.process = subprocess.Popen(self._run("-k", probed), stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)

    def findings(self) -> list[Finding]:
        """Wait for HermiT: nothing if the graph is consistent and all its classes
        satisfiable, else check_consistency's findings from a second run with `-U`."""
        stdout, _ = self.process.communicate()
        self.hermit.ran()
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
        return self.hermit.command(task, "--ignoreUnsupportedDatatypes", ntriples.as_uri())

    def __enter__(self) -> ConsistencyCheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.hermit.discard()
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


@dataclass
class Hermit:
    """How to run HermiT's command line here: Java, the classpath and a class data archive.

    The archive (JDK 13+ AppCDS, in `cache`/hermit) holds the classes HermiT loaded, parsed
    and laid out as Java keeps them in memory: with it HermiT took a fifth less CPU on a
    contributed file (bench/README.md). The first run writes it at exit (`dump`) and `ran` moves it
    into place. Its name hashes the Java runtime's and HermiT's files and JAVA_OPTIONS, so a
    new Java writes another; Java ignores an archive it cannot use (damaged, or of another
    build) and runs as without one. A cache folder that cannot be written means no archive.
    The archive needs jars only, so owlready2's patched HermiT classes (a folder ahead of
    HermiT.jar on its classpath) are copied into one beside it.
    """

    java: str
    classpath: list[Path]
    archive: Path | None = None  # used when it exists, else written by this run
    dump: Path | None = None

    @classmethod
    def find(cls, cache: Path) -> Hermit:
        java, hermit = _java(), _hermit_folder()
        try:
            return cls._with_archive(java, hermit, cache / "hermit")
        except OSError:
            return cls(java, [hermit, hermit / "HermiT.jar"])

    @classmethod
    def _with_archive(cls, java: str, hermit: Path, folder: Path) -> Hermit:
        patches = sorted(hermit.glob("org/**/*.class"))
        key = fingerprint([], parts=[
            *JAVA_OPTIONS, *(_stamp(path) for path in (
                Path(java).resolve(), Path(java).resolve().parent.parent / "lib" / "server"
                / "libjvm.so", hermit / "HermiT.jar", *patches))])[:16]
        jar, archive = folder / f"patches-{key}.jar", folder / f"classes-{key}.jsa"
        if not jar.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = jar.with_suffix(f".{os.getpid()}.part")
            with zipfile.ZipFile(partial, "w") as out:
                for path in patches:
                    out.write(path, path.relative_to(hermit).as_posix())
            os.replace(partial, jar)
        dump = None if archive.exists() else archive.with_suffix(f".{os.getpid()}.part")
        return cls(java, [jar, hermit / "HermiT.jar"], archive, dump)

    def command(self, *arguments: str) -> list[str]:
        """The command running HermiT's command line with `arguments`."""
        archive = []
        if self.dump is not None:
            archive = [f"-XX:ArchiveClassesAtExit={self.dump}"]
        elif self.archive is not None:
            archive = [f"-XX:SharedArchiveFile={self.archive}"]
        return [self.java, *JAVA_OPTIONS, *archive, "-cp",
                os.pathsep.join(map(str, self.classpath)), CLI, *arguments]

    def ran(self) -> None:
        """After the run of `command` has ended: keep the archive it wrote."""
        if self.dump is not None and self.dump.exists():
            os.replace(self.dump, self.archive)
        self.dump = None

    def discard(self) -> None:
        """Remove an archive a run stopped before its end may have left half written."""
        if self.dump is not None:
            self.dump.unlink(missing_ok=True)


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    java = shutil.which(str(Path(home) / "bin" / "java") if home else "java")
    if java is None:
        raise ToolMissing("Java is needed for the OWL reasoner HermiT and was not found: "
                          "install a Java runtime (Debian: apt-get install default-jre-headless)"
                          " or set JAVA_HOME/PATH")
    return java


def _hermit_folder() -> Path:
    """owlready2's HermiT: HermiT.jar and owlready2's patches to it, found without importing
    owlready2."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ToolMissing("owlready2, which ships the OWL reasoner HermiT, is not installed")
    return Path(spec.origin).parent / "hermit"


def _stamp(path: Path) -> str:
    """A file's path, size and time of change, or its absence."""
    if not path.exists():
        return f"{path} -"
    status = path.stat()
    return f"{path} {status.st_size} {status.st_mtime_ns}"


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
