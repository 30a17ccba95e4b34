"""OWL 2 DL consistency with HermiT, the reasoner owlready2 ships (it needs Java).

OWL 2's datatype map has no xsd:date, xsd:gYear or xsd:gYearMonth, which the graph uses for
dates; HermiT is told to ignore unsupported datatypes (their ranges live in the SHACL shapes),
rather than fail or skip the whole check.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Node, URIRef
from rdflib.collection import Collection

from kg.errors import ToolMissing
from kg.validate.findings import Finding, Kind
from kg.validate.locate import Locator
from kg.vocab import CKG


def check_consistency(graph: Graph, locator: Locator) -> list[Finding]:
    """Run HermiT on `graph` (ontology plus data); an inconsistency becomes one finding."""
    import owlready2  # imported here: loading it sets up a quadstore we only need for this

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ToolMissing("Java is needed for the OWL reasoner HermiT and was not found: "
                          "install a Java runtime (Debian: apt-get install default-jre-headless)"
                          " or set JAVA_HOME/PATH")
    with tempfile.TemporaryDirectory(prefix="kg-owl-") as folder:
        ntriples = Path(folder) / "graph.nt"
        graph.serialize(ntriples, format="nt", encoding="utf-8")
        world = owlready2.World()
        ontology = world.get_ontology(ntriples.as_uri()).load(format="ntriples")
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                               ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            return _inconsistency(graph, locator, _explanation(error))
        except owlready2.OwlReadyJavaError as error:
            raise ToolMissing(f"HermiT could not run: {_explanation(error)}") from None
        unsatisfiable = sorted(str(cls.iri) for cls in world.inconsistent_classes())
        world.close()
    return [Finding(kind=Kind.OWL, file=locator.file, rule="OWL 2 DL satisfiability",
                    message=f"class <{iri}> is unsatisfiable: it can have no instance")
            for iri in unsatisfiable]


def _explanation(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:1000] or type(error).__name__


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
