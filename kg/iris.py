"""The one place where resource IRIs are minted.

Every IRI is derived from a registry key, a corpus file name or a content hash, never from a
counter, so the same thing gets the same IRI on every build (the vocabulary contract).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.vocab import CKR

ONTOLOGY_GRAPH = CKR["graph/ontology"]
REGISTRY_GRAPH = CKR["graph/registry"]
LINKS_GRAPH = CKR["graph/links"]  # owl:sameAs chosen by `kg link`, with how each was chosen
WIKIDATA_GRAPH = CKR["graph/wikidata"]  # facts fetched from Wikidata, with their retrieval


def entity(key: str) -> URIRef:
    """An entity of the registry, `ckr:<key>`."""
    return CKR[key]


def new_entity(name: str) -> URIRef:
    """An entity met in a text but not in the registry, from its name: `ckr:<slug of name>`.

    The slug is what a registry key for the same name would be, so registering it later keeps
    the IRI.
    """
    return CKR[slug(name)]


def slug(name: str) -> str:
    """Lowercase words of letters and digits joined by hyphens ("Nerkin Hand" -> nerkin-hand)."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKD", name).casefold())
    ascii_words = [w.encode("ascii", "ignore").decode() or w for w in words]
    return "-".join(w for w in ascii_words if w) or "unnamed"


def document(key: str) -> URIRef:
    """A corpus document, from its file name without extension."""
    return CKR[f"document/{key}"]


def document_graph(key: str) -> URIRef:
    """The named graph holding what was drawn from one document."""
    return CKR[f"graph/document/{key}"]


def activity(name: str, version: str) -> URIRef:
    """The prov:Activity of one piece of software (or curation) at one version."""
    return CKR[f"activity/{name}/{version}"]


def evidence(document_key: str, start: int, end: int, claim: URIRef) -> URIRef:
    """The Evidence that a span of a document gives for one claim (an event, a membership...)."""
    return CKR[f"evidence/{_digest(document_key, start, end, claim)}"]


def event(type_name: str, roles: dict[str, list[URIRef]]) -> URIRef:
    """An event, from its class and who and what it involves (not its date or source).

    Several documents reporting the same withdrawal of the same force from the same place
    thus name one event; each keeps its own date and evidence in its own graph.
    """
    parts = [type_name] + [f"{role}={node}" for role in sorted(roles)
                           for node in sorted(map(str, roles[role]))]
    return CKR[f"event/{_digest(*parts)}"]


def is_minted_event(node: URIRef) -> bool:
    """Whether an event node was minted from a text's roles (not a registry event)."""
    return str(node).startswith(str(CKR["event/"]))


def statement(document_key: str, start: int, end: int) -> URIRef:
    """A statement as one document reports it (the words at body[start:end])."""
    return CKR[f"statement/{_digest(document_key, start, end)}"]


def position(holder: URIRef, title: str, owner: URIRef | None) -> URIRef:
    """A person holding an office: the same holder, title and owner give the same node."""
    return CKR[f"position/{_digest(holder, title, owner or '')}"]


def membership(member: URIRef, organization: URIRef, status: str) -> URIRef:
    """A member's standing in an organization, as attested, never keyed on the source."""
    return CKR[f"membership/{_digest(member, organization, status)}"]


def agreement(kind: str | None, parties: list[URIRef], agreed_by: list[URIRef],
              key: str | None = None) -> URIRef:
    """An agreement: by the registry name the text gives it, else by its kind, parties and
    signatories, never its date or source, so every report of it names one node."""
    if key is not None:
        return CKR[f"agreement/{_digest(f'registry={key}')}"]
    parts = [kind or "", *sorted(f"party={p}" for p in parties),
             *sorted(f"agreedBy={a}" for a in agreed_by)]
    return CKR[f"agreement/{_digest(*parts)}"]


def quantity(value: object, unit: str, approximate: bool, of: list[URIRef],
             document_key: str, span: tuple[int, int]) -> URIRef:
    """An amount a text states: shared across documents when the text says what it counts
    (the same number of the same thing), else one per phrase of one document."""
    if of:
        return CKR[f"quantity/{_digest(value, unit, approximate, *sorted(map(str, of)))}"]
    return CKR[f"quantity/{_digest(document_key, *span)}"]


def wikidata_link(key: str) -> URIRef:
    """How the registry entity `key` was linked to Wikidata (one link per entity)."""
    return CKR[f"wikidata-link/{key}"]


def wikidata_answer(cache_key: str) -> URIRef:
    """One cached Wikidata answer, from its cache key ("facts:Q399")."""
    return CKR[f"wikidata-answer/{_digest(cache_key)}"]


def _digest(*parts: object) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
