"""OWL 2 DL consistency with HermiT, the reasoner owlready2 ships (it needs Java).

OWL 2's datatype map has no xsd:date, xsd:gYear or xsd:gYearMonth, which the graph uses for
dates; HermiT is told to ignore unsupported datatypes (their ranges live in the SHACL shapes),
rather than fail or skip the whole check.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rdflib import Graph

from kg.errors import ToolMissing
from kg.validate.findings import Finding, Kind


def check_consistency(graph: Graph, file: str) -> list[Finding]:
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
            return [Finding(kind=Kind.OWL, file=file,
                            message="the ontology and data are inconsistent (HermiT): "
                                    f"{_explanation(error)}",
                            hint="look for a resource typed with two disjoint classes, or a "
                                 "property used outside its domain or range",
                            rule="OWL 2 DL consistency")]
        except owlready2.OwlReadyJavaError as error:
            raise ToolMissing(f"HermiT could not run: {_explanation(error)}") from None
        unsatisfiable = sorted(str(cls.iri) for cls in world.inconsistent_classes())
        world.close()
    return [Finding(kind=Kind.OWL, file=file, message=f"class <{iri}> is unsatisfiable: it can "
                    "have no instance", rule="OWL 2 DL satisfiability") for iri in unsatisfiable]


def _explanation(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:1000] or type(error).__name__
