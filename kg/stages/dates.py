"""The `dates` stage: every date expression in the body, resolved against the document's date.

An article with a publication date anchors relative dates on it. Without one, the anchor is a
range: from the latest full date (YYYY-MM-DD) its header note gives, else the latest one its
body gives, to UNDATED_WINDOW days later (an article is written after what it reports, and
soon after). The dates found are for later stages to attach to facts; none are resolved for a
document that gives no full date at all.
"""

from __future__ import annotations

import datetime as dt
import re

from kg.corpus import Document
from kg.extract.dates import Anchor, find_dates
from kg.stages import Additions, DocumentState, stage

UNDATED_WINDOW = 60  # days
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@stage("dates", requires={"document"}, provides={"dates", "anchor"})
def find_document_dates(state: DocumentState) -> Additions:
    """Find and normalise the date expressions of the body against the publication date."""
    anchor = document_anchor(state.document)
    dates = find_dates(state.document.body, anchor) if anchor else []
    return Additions(provided={"anchor": anchor, "dates": dates})


def document_anchor(document: Document) -> Anchor | None:
    """The publication date, or the range the document can have been published in.

    None when neither header nor body gives a full date: then no date is resolved at all,
    rather than against the day of the build.
    """
    if document.published is not None:
        return Anchor.on(document.published)
    known = _iso_dates(document.note or "")
    if not known:
        # Any anchor will do to find the absolute dates: they do not depend on it.
        probe = Anchor.on(dt.date(2000, 1, 1))
        known = [d.latest for d in find_dates(document.body, probe)
                 if d.precision == "date" and not d.relative]
    if not known:
        return None
    start = max(known)
    return Anchor.between(start, start + dt.timedelta(days=UNDATED_WINDOW))


def _iso_dates(text: str) -> list[dt.date]:
    dates = []
    for match in ISO_DATE.finditer(text):
        try:
            dates.append(dt.date(*map(int, match.groups())))
        except ValueError:
            continue
    return dates
