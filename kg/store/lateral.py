"""OPTIONAL { ... } written as LATERAL { OPTIONAL { ... } } where that is provably the same.

pyoxigraph 0.5 (its optimiser, sparopt) evaluates an OPTIONAL as a loop over the left side's
solutions only when the OPTIONAL's body is "fit for a for-loop join", and it counts a join as
unfit, so any body of two triple patterns or more is a hash left join: the whole body is
evaluated with the left side's variables unbound (every piece of evidence in the store) and
then probed. SEP-0006's LATERAL, which pyoxigraph supports, evaluates its body once per left
solution with that solution's bindings in place. bench/README.md ("OPTIONAL as LATERAL") has
the measurements.

`A OPTIONAL { B }` and `A LATERAL { OPTIONAL { B } }` give the same solutions, with the same
multiplicities, when B evaluated with a solution μ of A substituted in gives exactly B's
solutions compatible with μ. That holds for triple patterns and paths without zero-length
steps, and it survives joins, unions, and the nested OPTIONAL, FILTER and BIND of such parts as
long as no variable A may bind is seen where B alone would leave it unbound: a FILTER or BIND
expression may use it only when the part it filters always binds it, a nested OPTIONAL may
bind it only when its left side always does, a BIND may not assign it, GRAPH may not range
over it. Everything else (MINUS, sub-queries, VALUES, EXISTS, SERVICE, aggregates, `*` and `?`
paths, which match a node absent from the data) is left as written, as is any query that
rdflib's parser cannot read. The variables A may bind are over-approximated by every variable
written outside B but in the top-level projection, so a doubt never rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Variable
from rdflib.paths import MulPath, Path, ZeroOrMore, ZeroOrOne
from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.parserutils import CompValue

# Comments, strings and IRIs are skipped whole, so that no brace or keyword is seen inside one.
TOKEN = re.compile(r"""
    (?P<skip>\#[^\n]*|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<brace>[{}])
    |(?P<word>(?:[^\s{}()"'<>\#,;\\]|\\.)+)
    |(?P<other>\S)
""", re.VERBOSE)
# A variable's name (SPARQL 1.1 VARNAME), found anywhere in a word ("?x." ends a pattern).
VARIABLE = re.compile(r"[?$]([\w\u00B7\u0300-\u036F\u203F-\u2040]+)")
FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
EXISTS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Bound:
    """The variables a part of B always binds and those it may bind."""

    always: frozenset[Variable]
    maybe: frozenset[Variable]


class Unsafe(Exception):
    """B has a part whose answer may change when a solution of A is substituted in."""


def lateral_optionals(sparql: str) -> str:
    """The query with each OPTIONAL that is safe to evaluate per left solution made LATERAL."""
    tokens = [Token(m.lastgroup or "", m.group(), m.start(), m.end())
              for m in TOKEN.finditer(sparql)]
    form = next((i for i, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in FORMS),
                None)
    if form is None:
        return sparql
    prologue = sparql[:tokens[form].start]
    projection = next((i for i in range(form, len(tokens)) if tokens[i].kind == "brace"),
                      len(tokens))
    outside = [t for i, t in enumerate(tokens) if not form <= i < projection]
    inserts: list[tuple[int, str]] = []
    for opening, closing in optional_groups(tokens):
        start, end = tokens[opening].start, tokens[closing].end
        body = sparql[start:end]
        # From every token, strings and IRIs too: `?a<?b&&?c>?d` reads like an IRI.
        entry = {Variable(name) for t in outside if not start <= t.start < end
                 for name in VARIABLE.findall(t.text)}
        if not is_one_pattern(tokens[opening + 1:closing]) and shares_variables(body, entry) \
                and is_safe(prologue, body, entry):
            inserts += [(tokens[opening - 1].start, "LATERAL { "), (tokens[closing].end, " }")]
    for at, text in sorted(inserts, reverse=True):
        sparql = sparql[:at] + text + sparql[at:]
    return sparql


def optional_groups(tokens: list[Token]) -> Iterator[tuple[int, int]]:
    """The opening and closing brace of each OPTIONAL's group, as token indices."""
    for i, token in enumerate(tokens[:-1]):
        if token.kind == "word" and token.text.upper() == "OPTIONAL" \
                and tokens[i + 1].text == "{":
            depth = 0
            for j in range(i + 1, len(tokens)):
                if tokens[j].kind == "brace":
                    depth += 1 if tokens[j].text == "{" else -1
                    if depth == 0:
                        yield i + 1, j
                        break


def is_one_pattern(inside: list[Token]) -> bool:
    """Whether a group holds one triple pattern, which pyoxigraph already evaluates per left
    solution (its terms are words, IRIs or strings; a `.` may end it): no need to read it."""
    terms = [t for t in inside if not t.text.startswith("#")]
    if terms and terms[-1].text == ".":
        terms.pop()
    return len(terms) == 3 and all(t.kind in ("word", "skip") for t in terms)


def shares_variables(body: str, entry: set[Variable]) -> bool:
    """Whether the body names a variable of the left side: otherwise a loop buys nothing."""
    return any(Variable(name) in entry for name in VARIABLE.findall(body))


def is_safe(prologue: str, body: str, entry: set[Variable]) -> bool:
    try:
        query = algebra.translateQuery(parser.parseQuery(f"{prologue}SELECT * WHERE {body}"))
    except Exception:  # rdflib reads less than pyoxigraph: what it cannot read stays as it is
        return False
    pattern = query.algebra.p.p  # SelectQuery(Project(pattern))
    if pattern.name == "Filter":  # the OPTIONAL's own FILTER sees A's solution either way
        if uses_exists(pattern.expr):
            return False
        pattern = pattern.p
    try:
        bound(pattern, frozenset(entry))
    except Unsafe:
        return False
    return True


def bound(part: CompValue, entry: frozenset[Variable]) -> Bound:
    """What a part of B binds, or Unsafe when substituting A's solutions may change it."""
    if part.name == "BGP":
        if any(has_zero_length(t[1]) for t in part.triples):
            raise Unsafe(part.name)
        names = frozenset(term for triple in part.triples for term in triple
                          if isinstance(term, (Variable, BNode)))
        return Bound(names, names)
    if part.name in ("Join", "Union"):
        left, right = bound(part.p1, entry), bound(part.p2, entry)
        always = left.always | right.always if part.name == "Join" else \
            left.always & right.always
        return Bound(always, left.maybe | right.maybe)
    if part.name == "LeftJoin":
        left, right = bound(part.p1, entry), bound(part.p2, entry)
        if (right.maybe - left.always) & entry:
            raise Unsafe(part.name)
        check_expression(part.expr, left.always | right.always, entry)
        return Bound(left.always, left.maybe | right.maybe)
    if part.name == "Filter":
        inner = bound(part.p, entry)
        check_expression(part.expr, inner.always, entry)
        return inner
    if part.name == "Extend":
        inner = bound(part.p, entry)
        if part.var in entry:
            raise Unsafe(part.name)
        check_expression(part.expr, inner.always, entry)
        return Bound(inner.always, inner.maybe | {part.var})
    if part.name == "Graph" and not (isinstance(part.term, Variable) and part.term in entry):
        inner = bound(part.p, entry)
        named = frozenset([part.term]) if isinstance(part.term, Variable) else frozenset()
        return Bound(inner.always | named, inner.maybe | named)
    raise Unsafe(part.name)


def check_expression(expression: object, always: frozenset[Variable],
                     entry: frozenset[Variable]) -> None:
    """An expression may read a variable of A only where the part itself always binds it."""
    if uses_exists(expression) or any(v in entry and v not in always
                                      for v in variables(expression)):
        raise Unsafe("expression")


def variables(expression: object) -> Iterator[Variable]:
    for node in walk(expression):
        if isinstance(node, Variable):
            yield node


def uses_exists(expression: object) -> bool:
    return any(isinstance(node, CompValue) and node.name in EXISTS for node in walk(expression))


def walk(expression: object) -> Iterator[object]:
    yield expression
    children: Iterable[object] = ()
    if isinstance(expression, CompValue):
        children = (value for key, value in expression.items() if not key.startswith("_"))
    elif isinstance(expression, (list, tuple)):
        children = expression
    for child in children:
        yield from walk(child)


def has_zero_length(predicate: object) -> bool:
    """Whether a path may match zero steps (`*`, `?`): it then matches any node substituted,
    in the data or not, where the unbound path only matches the data's nodes."""
    if isinstance(predicate, MulPath):
        return predicate.mod in (ZeroOrMore, ZeroOrOne) or has_zero_length(predicate.path)
    if isinstance(predicate, Path):  # sequence, alternative, inverse, negated
        parts = getattr(predicate, "args", None) or [getattr(predicate, "arg", None)]
        return any(has_zero_length(p) for p in parts)
    return False
