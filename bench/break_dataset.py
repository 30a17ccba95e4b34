"""Break a built dataset.nq at random, seeded, so that most shapes find something: data for
comparing `kg validate`'s findings before and after a change to the validation.

Usage: .venv/bin/python bench/break_dataset.py BUILD/dataset.nq BROKEN.nq [--seed 1]

Line by line, a small share of the quads of each kind is changed: Evidence offsets moved
(the quote no longer matches, or lies beyond the text), confidences out of range or of the
wrong datatype, quotes replaced, date bounds after the date or missing, dates as strings, roles
pointing at an untyped node, Evidence types dropped, English labels re-tagged, unlinked
entities given owl:sameAs, altLabels as IRIs, unknown statuses, negative personnel, amounts as
strings, wrong digests. On a 200-article build (seed 1): 1,746 errors and 283 warnings from
35 rules.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from pathlib import Path

CKG = "<https://w3id.org/caucasus-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
NOWHERE = "<https://w3id.org/caucasus-kg/resource/nowhere>"
INTEGER = re.compile(r'"(-?\d+)"\^\^<' + re.escape(XSD) + 'integer>')
ROLES = ("location", "agent", "ofActor", "memberOf", "speaker", "party", "force", "affected")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    with options.dataset.open(encoding="utf-8") as quads, \
            options.output.open("w", encoding="utf-8") as out:
        for quad in quads:
            out.writelines(broken(quad, rng.random()))


def broken(quad: str, draw: float) -> list[str]:
    """The quads that stand for `quad` given a random draw in [0, 1): itself, changed, two, or
    none."""
    predicate = quad.split(" ", 2)[1]
    name = predicate[len(CKG):-1] if predicate.startswith(CKG) else predicate
    for names, share, change in CHANGES:
        if name in names and draw < share:
            return change(quad)
    return [quad]


def _with_object(quad: str, value: str) -> str:
    subject, predicate, rest = quad.split(" ", 2)
    return f"{subject} {predicate} {value} {rest.rsplit(' ', 2)[-2]} .\n"


def _shifted(by: int) -> Callable[[str], list[str]]:
    return lambda quad: [INTEGER.sub(lambda m: f'"{int(m[1]) + by}"^^<{XSD}integer>', quad)]


def _object(value: str) -> Callable[[str], list[str]]:
    return lambda quad: [_with_object(quad, value)]


def _linked(quad: str) -> list[str]:
    same_as = _with_object(quad, "<http://www.wikidata.org/entity/Q1>")
    return [same_as.replace(quad.split(" ", 2)[1], "<http://www.w3.org/2002/07/owl#sameAs>", 1),
            quad]


TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
# (predicates by local name or full IRI, share of their quads changed, the change), in order:
# a predicate's second entry takes the draws between the first's share and its own.
CHANGES: list[tuple[tuple[str, ...], float, Callable[[str], list[str]]]] = [
    (("charStart",), 0.03, _shifted(1)),
    (("charStart",), 0.04, _shifted(100_000)),
    (("charEnd",), 0.02, _shifted(100_000)),
    (("confidence",), 0.02, _object(f'"1.5"^^<{XSD}decimal>')),
    (("confidence",), 0.03, _object(f'"0.9"^^<{XSD}double>')),
    (("quote",), 0.01, _object('"x"')),
    (("earliest",), 0.05, _object(f'"2099-01-01"^^<{XSD}date>')),
    (("latest",), 0.03, lambda quad: []),
    (("date",), 0.02, _object('"May"')),
    (ROLES, 0.05, _object(NOWHERE)),
    ((TYPE,), 0.01, lambda quad: [] if "Evidence>" in quad else [quad]),
    ((LABEL,), 0.03, lambda quad: [quad.replace('"@en ', '"@ru ', 1)]),
    (("unlinked",), 0.3, _linked),
    ((ALT_LABEL,), 0.2, _object(NOWHERE)),
    (("status",), 0.02, _object(f"{CKG}Unknown>")),
    (("personnel",), 0.1, _object(f'"-5"^^<{XSD}integer>')),
    (("value",), 0.05, _object('"1,960"')),
    (("sha256",), 0.1, _object('"' + "a" * 64 + '"')),
]


if __name__ == "__main__":
    main()
