"""The report of a `kg link` run as text: links made, entities for review, problems found."""

from __future__ import annotations

from kg.link.linking import LinkReport


def render_report(report: LinkReport) -> str:
    """Sections in a fixed order, each line naming the registry key; empty sections left out."""
    lines = []
    made = [d for d in report.decisions if d.link is not None]
    if made:
        lines.append(f"linked ({len(made)}):")
        lines += [f"  {d.entity.key} -> wd:{d.link.qid} {d.link.label!r} score {d.link.score}"
                  for d in made if d.link is not None]
    review = [d for d in report.decisions if d.link is None and d.candidates]
    if review:
        lines.append(f"for review, not linked ({len(review)}):")
        for decision in review:
            lines.append(f"  {decision.entity.key}: {decision.reason}")
            lines += [f"    wd:{c.qid} {c.label!r} score {c.score}" for c in decision.candidates]
    if report.problems:
        lines.append(f"registry QIDs to fix ({len(report.problems)}):")
        lines += [f"  {problem}" for problem in report.problems]
    if report.unasked:
        lines.append(f"not asked: no answer and no cache entry ({len(report.unasked)}):")
        lines += [f"  {entity.key}" for entity in report.unasked]
    if report.unanswered:
        lines.append(f"{len(report.unanswered)} question(s) without an answer (offline or the "
                     "endpoint unavailable, and not in the cache): rerun with network")
    if report.disagreements is not None:
        lines.append(f"documents and Wikidata disagree ({len(report.disagreements)}):")
        lines += ["  " + str(d).replace("\n", "\n  ") for d in report.disagreements]
    unmatched = sum(1 for d in report.decisions if not d.candidates)
    lines.append(f"{len(report.links)} link(s) in all; {unmatched} entities without a "
                 "candidate of their type")
    return "\n".join(lines) + "\n"
