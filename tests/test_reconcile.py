"""kg/reconcile.py: the same event told by several documents becomes one node, and only then."""

from __future__ import annotations

import datetime as dt

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.reconcile import reconcile_events
from kg.vocab import CKG, CKR


def event(graph: Graph, name: str, cls: URIRef, day: dt.date | None, **roles: list[str]
          ) -> URIRef:
    node = CKR[f"event/{name}"]
    graph.add((node, RDF.type, cls))
    words = [key for keys in roles.values() for key in keys]
    graph.add((node, RDFS.label, Literal(" ".join([name, *words]), lang="en")))
    for role, keys in roles.items():
        for key in keys:
            graph.add((node, CKG[role], CKR[key]))
    if day is not None:
        graph.add((node, CKG.earliest, Literal(day, datatype=XSD.date)))
        graph.add((node, CKG.latest, Literal(day, datatype=XSD.date)))
    return node


def test_reconcile_merges_a_meeting_told_with_less_detail():
    first, second = Graph(identifier=CKR["graph/a"]), Graph(identifier=CKR["graph/b"])
    full = event(first, "a", CKG.Meeting, dt.date(2024, 5, 8),
                 participant=["putin", "pashinyan"], location=["moscow"])
    short = event(second, "b", CKG.Meeting, dt.date(2024, 5, 9), participant=["pashinyan"])
    merged = reconcile_events([first, second])
    kept = min(full, short, key=str)
    assert set(merged.values()) == {kept}
    assert (kept, CKG.participant, CKR["pashinyan"]) in second
    assert second.value(kept, RDFS.label) == first.value(kept, RDFS.label)  # the fullest label
    assert second.value(kept, CKG.earliest).toPython() == dt.date(2024, 5, 9)  # its own date


def test_reconcile_keeps_events_apart_when_dates_are_far():
    first, second = Graph(identifier=CKR["graph/a"]), Graph(identifier=CKR["graph/b"])
    event(first, "a", CKG.Meeting, dt.date(2024, 5, 8), participant=["putin", "pashinyan"])
    event(second, "b", CKG.Meeting, dt.date(2023, 1, 8), participant=["pashinyan"])
    assert reconcile_events([first, second]) == {}


def test_reconcile_leaves_an_ambiguous_event_alone():
    first, second = Graph(identifier=CKR["graph/a"]), Graph(identifier=CKR["graph/b"])
    event(first, "tavush", CKG.Withdrawal, None, force=["guards"], location=["tavush"])
    event(first, "syunik", CKG.Withdrawal, None, force=["guards"], location=["syunik"])
    event(second, "vague", CKG.Withdrawal, None, force=["guards"])
    assert reconcile_events([first, second]) == {}


def test_reconcile_within_one_document_keeps_one_status_and_date():
    """Merged inside one document's graph, the fuller event keeps its own status and date."""
    graph = Graph(identifier=CKR["graph/a"])
    full = event(graph, "a", CKG.Withdrawal, dt.date(2024, 4, 18), force=["peacekeepers"],
                 location=["karabakh"])
    graph.add((full, CKG.status, CKG.Ongoing))
    short = event(graph, "b", CKG.Withdrawal, dt.date(2024, 4, 19), force=["peacekeepers"])
    graph.add((short, CKG.status, CKG.Completed))
    assert reconcile_events([graph]) == {short: full}
    assert list(graph.objects(full, CKG.status)) == [CKG.Ongoing]
    assert [d.toPython() for d in graph.objects(full, CKG.earliest)] == [dt.date(2024, 4, 18)]
    assert (short, None, None) not in graph


def test_reconcile_keeps_the_registry_event_and_its_label():
    """A minted event merged into the registry event it is: the registry's IRI stays, and no
    document label is added to it (the registry's graph labels it)."""
    first, second = Graph(identifier=CKR["graph/a"]), Graph(identifier=CKR["graph/b"])
    registry_event = CKR["offensive-2023"]
    first.add((registry_event, RDF.type, CKG.MilitaryOperation))
    for role, key in (("agent", "azerbaijan"), ("location", "karabakh")):
        first.add((registry_event, CKG[role], CKR[key]))
    minted = event(second, "z", CKG.MilitaryOperation, None, agent=["azerbaijan"])
    assert reconcile_events([first, second]) == {minted: registry_event}
    assert (registry_event, CKG.agent, CKR["azerbaijan"]) in second
    assert (registry_event, RDFS.label, None) not in second
