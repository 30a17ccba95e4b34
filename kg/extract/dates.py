"""Date expressions in text, normalised to what the graph stores: the dating step of extraction.

Stages that find facts call `find_dates` on a body or a sentence to date them. It finds phrases
such as "Nov. 21, 2020", "mid-April", "the fall of 2020", "last week" or "on Friday" and resolves
each to a `DateMention`: a `ckg:date` value as precise as the text allows (the lexical form of an
xsd:date, xsd:gYearMonth or xsd:gYear) and the xsd:date bounds `ckg:earliest` and `ckg:latest`.
A phrase without a year is resolved against an `Anchor`: the publication date or, when that is
unknown, the range of dates the document may have been published on. Every word matched (month
names, seasons, parts of a month, relative words, cues) is data in lexicons/dates.yaml.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from kg import paths
from kg.errors import ConfigError
from kg.extract.lexicons import read_lexicon

DATES_LEXICON = paths.DATES_LEXICON

Span = tuple[dt.date, dt.date]  # earliest, latest (both included)

# The XSD datatypes a value can have, finest first.
PRECISIONS = ("date", "gYearMonth", "gYear")

# How a year-less phrase is resolved: the latest occurrence not after the anchor, the first
# not before it, or whichever is nearer (see `cues` in the lexicon).
PAST, FUTURE, NEAREST = "past", "future", "nearest"

# A sentence ends at a line break or at . ! ? (and closing quotes) before a capital. Misreading
# an abbreviation ("Mr. Peskov") as an end is harmless: it only keeps a date from lending its
# year to the next phrase.
SENTENCE_END = re.compile(r"\n|[.!?][\"\u201d\u2019')\]]*\s+[\"\u201c\u2018'(\[]*[A-Z]")

# After a year or a day: no longer number, percentage, time or decimal ("1,960", "0:00").
NUMBER_END = r"(?![\w%]|[.,:/-]\d)"
YEAR_DIGITS = r"(?P<year>\d{4})"
YEAR = YEAR_DIGITS + NUMBER_END


@dataclass(frozen=True)
class Anchor:
    """What relative dates are resolved against: the publication date, or a range when unknown."""

    earliest: dt.date
    latest: dt.date

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise ValueError(f"anchor range {self.earliest}..{self.latest} ends before it starts")

    @classmethod
    def on(cls, date: dt.date) -> Anchor:
        """A known publication date."""
        return cls(date, date)

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date) -> Anchor:
        """An unknown publication date that lies in earliest..latest (both included)."""
        return cls(earliest, latest)


@dataclass(frozen=True)
class DateMention:
    """A date phrase at text[start:end] and the dates it stands for."""

    start: int  # character offsets of the phrase in the text given
    end: int
    text: str  # text[start:end]
    value: str  # "2024-05-09" | "2024-05" | "2024"
    precision: str  # "date" | "gYearMonth" | "gYear" (the XSD datatype local name)
    earliest: dt.date
    latest: dt.date
    relative: bool  # True when resolved against the anchor ("May 9" alone, "last week")


@dataclass(frozen=True)
class Part:
    """A part of a month or a year ("mid-", "early"): the days and the months it covers."""

    days: tuple[int, int]
    months: tuple[int, int]


WHOLE = Part((1, 31), (1, 12))


@dataclass(frozen=True)
class Phrase:
    """A matched phrase before resolution: what the text says, not yet which dates."""

    start: int
    end: int
    precision: str  # the finest the phrase can give
    # Calendar phrases (a month, a day, a season, a year): the dates they name in a given year.
    in_year: Callable[[int], Span | None] | None = None
    year: int | None = None  # the year the text gives
    same_year: bool = False  # "of the same year": the last year the text gave
    shifted: bool = False  # "last May", "next Friday": counted from the anchor, whatever else
    # Phrases without a year: their dates seen from a day, in a direction.
    seen_from: Callable[[dt.date, str], Span] | None = None


def find_dates(text: str, anchor: Anchor, *, future: bool = False,
               lexicon: Path = DATES_LEXICON) -> list[DateMention]:
    """Every date expression in `text`, in order; `future` resolves a year-less month/day forward.

    Offsets count characters of `text`. Durations ("three decades", "for five years") and
    numbers that are no dates ("1,960", "43%", "0:00") are not returned. A year-less month or
    day takes the year of a dated phrase earlier in its sentence ("on Nov. 21, 2020, ... on
    Nov. 9"); otherwise it is the latest occurrence not after the anchor, the first not before
    it when `future` is set (for "will ... by August"), or the nearest one after a cue such as
    "starting from". Against an anchor range a phrase spans every date it could mean there, and
    its value is as precise as that span allows. Raises ConfigError for a malformed lexicon.
    """
    grammar = _grammar(lexicon)
    mentions: list[DateMention] = []
    last_year: int | None = None  # the year of the last phrase that gave one
    dated: tuple[int, int] | None = None  # end and year of the last phrase with month and year
    for phrase in _phrases(text, grammar):
        year = last_year if phrase.same_year else phrase.year
        if (year is None and phrase.in_year is not None and not phrase.shifted
                and dated is not None and not SENTENCE_END.search(text, dated[0], phrase.start)):
            year = dated[1]
        if year is not None and phrase.in_year is not None:
            span, relative = phrase.in_year(year), False
        elif phrase.seen_from is not None:
            direction = _direction(text, phrase.start, future, grammar)
            first = phrase.seen_from(anchor.earliest, direction)
            last = phrase.seen_from(anchor.latest, direction)
            span, relative = (first[0], last[1]), True
        else:
            continue  # "the same year" with no year before it
        if span is None:
            continue  # no such day ("Feb. 30, 2021")
        value, precision = _value(phrase.precision, span)
        mentions.append(DateMention(phrase.start, phrase.end, text[phrase.start:phrase.end],
                                    value, precision, span[0], span[1], relative))
        if not relative:
            last_year = int(value[:4])
            if precision != "gYear":
                dated = (phrase.end, last_year)
    return mentions


def _value(precision: str, span: Span) -> tuple[str, str]:
    """The finest value, no finer than the phrase, that holds the whole span, and its datatype.

    A span across a new year ("winter 2021", a week from December into January, a year-less
    date seen from an anchor range across years) fits no XSD value: it takes the year it ends
    in, and the bounds say the rest.
    """
    earliest, latest = span
    finest = PRECISIONS.index(precision)
    if finest == 0 and earliest == latest:
        return earliest.isoformat(), "date"
    if finest <= 1 and (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{latest.year:04d}-{latest.month:02d}", "gYearMonth"
    return f"{latest.year:04d}", "gYear"


def _direction(text: str, start: int, future: bool, grammar: Grammar) -> str:
    window = max(0, start - 40)
    if grammar.past_cue.search(text, window, start):
        return PAST
    if future:
        return FUTURE
    if grammar.either_cue.search(text, window, start):
        return NEAREST
    return PAST


# Calendar arithmetic is plain datetime rather than dateparser: the patterns have already split
# a phrase into day, month and year through the lexicon, so a date is one `dt.date` call, while
# dateparser would parse the phrase again (about 0.75 ms a call with dateparser 1.5) and make
# choices of its own: it invents a missing day, PREFER_DATES_FROM "future" skips the anchor day
# itself, and RELATIVE_BASE takes one date where an unknown publication date needs a range.

def _months(year: int, first: int, last: int, days: tuple[int, int] = (1, 31)) -> Span:
    """Months first..last of `year` (from the year before when first > last), cut to `days`."""
    start_year = year - 1 if first > last else year
    last_day = calendar.monthrange(year, last)[1]
    return dt.date(start_year, first, days[0]), dt.date(year, last, min(days[1], last_day))


def _day(year: int, month: int, day: int) -> Span | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:  # "Feb. 30", or Feb. 29 in a common year
        return None
    return date, date


def _occurrence(spans: list[Span], on: dt.date, direction: str, shift: int | None) -> Span:
    """Which of `spans` (ascending, around `on`) a year-less phrase means, seen from `on`.

    A shift counts whole occurrences: "last May" is the latest May ended before `on`, "next
    Friday" the first Friday after it.
    """
    if shift is not None and shift < 0:
        return [span for span in spans if span[1] < on][shift]
    if shift is not None and shift > 0:
        return [span for span in spans if span[0] > on][shift - 1]
    before = max(span for span in spans if span[0] <= on)
    after = min(span for span in spans if span[1] >= on)
    if direction == FUTURE:
        return after
    if direction == NEAREST and before[1] < on and after[0] - on < on - before[1]:
        return after
    return before


def _yearly(in_year: Callable[[int], Span | None], shift: int | None
            ) -> Callable[[dt.date, str], Span]:
    """A calendar phrase seen from a day: the occurrence it means, in whichever year."""

    def seen_from(on: dt.date, direction: str) -> Span:
        if shift == 0:  # "this May": the May of the anchor's year, before or after it
            span = in_year(on.year)
            if span is not None:
                return span
        years = range(on.year - 4, on.year + 5)  # wide enough for Feb. 29 and a shift of 2
        spans = [span for year in years if (span := in_year(year)) is not None]
        return _occurrence(spans, on, direction, shift)

    return seen_from


def _weekly(weekday: int, week_start: int, shift: int | None) -> Callable[[dt.date, str], Span]:
    """A weekday seen from a day; "this Friday" is the Friday of that day's week."""

    def seen_from(on: dt.date, direction: str) -> Span:
        week = on - dt.timedelta((on.weekday() - week_start) % 7)
        day = week + dt.timedelta((weekday - week_start) % 7)
        if shift == 0:
            return day, day
        days = [day + dt.timedelta(weeks=k) for k in range(-3, 4)]
        return _occurrence([(d, d) for d in days], on, direction, shift)

    return seen_from


# Calendar units counted from a day. They share one signature; a part ("late last month")
# narrows only months and years.

def _week(on: dt.date, week_start: int, shift: int, part: Part) -> Span:
    first = on - dt.timedelta((on.weekday() - week_start) % 7) + dt.timedelta(weeks=shift)
    return first, first + dt.timedelta(6)


def _shifted_day(on: dt.date, week_start: int, shift: int, part: Part) -> Span:
    day = on + dt.timedelta(shift)
    return day, day


def _shifted_month(on: dt.date, week_start: int, shift: int, part: Part) -> Span:
    year, month = divmod(on.year * 12 + on.month - 1 + shift, 12)
    return _months(year, month + 1, month + 1, part.days)


def _shifted_year(on: dt.date, week_start: int, shift: int, part: Part) -> Span:
    return _months(on.year + shift, *part.months)


# The units the lexicon's unit words may name: the finest value each gives ("last week" has a
# month's value when the week lies in one month), and its dates counted from a day.
UNITS: dict[str, tuple[str, Callable[[dt.date, int, int, Part], Span]]] = {
    "day": ("date", _shifted_day),
    "week": ("gYearMonth", _week),
    "month": ("gYearMonth", _shifted_month),
    "year": ("gYear", _shifted_year),
}


def _counted(unit: str, week_start: int, shift: int, part: Part
             ) -> Callable[[dt.date, str], Span]:
    """A unit counted from a day ("last week", "late last month"), whatever the direction."""
    span = UNITS[unit][1]
    return lambda on, _direction: span(on, week_start, shift, part)


# Phrases: one pattern per kind, each with a builder that reads its groups. Patterns overlap
# ("2020" inside "Nov. 21, 2020"); the longest phrase at the earliest place wins.

@dataclass(frozen=True)
class Grammar:
    """The lexicon compiled: one pattern per kind of phrase, and the word tables they use."""

    rules: tuple[tuple[re.Pattern[str], Builder], ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    week_start: int
    seasons: dict[str, tuple[int, int]]
    parts: dict[str, Part]
    shifts: dict[str, int]
    units: dict[str, str]
    days: dict[str, int]
    month_after: re.Pattern[str]
    past_cue: re.Pattern[str]
    either_cue: re.Pattern[str]
    counts: re.Pattern[str]
    day_first: bool
    bare_years: tuple[int, int]


Builder = Callable[[re.Match[str], str, Grammar], Phrase | None]


def _phrases(text: str, grammar: Grammar) -> list[Phrase]:
    found = [phrase for pattern, build in grammar.rules for match in pattern.finditer(text)
             if (phrase := build(match, text, grammar)) is not None]
    found.sort(key=lambda phrase: (phrase.start, -phrase.end))
    kept: list[Phrase] = []
    for phrase in found:
        if not kept or phrase.start >= kept[-1].end:
            kept.append(phrase)
    return kept


def _key(word: str) -> str:
    return " ".join(word.lower().rstrip(".").split())


def _part(match: re.Match[str], grammar: Grammar) -> Part:
    part = match.groupdict().get("part")
    return grammar.parts[_key(re.sub(r"^the\s+", "", part, flags=re.I))] if part else WHOLE


def _shift(match: re.Match[str], grammar: Grammar) -> int | None:
    shift = match.groupdict().get("shift")
    return grammar.shifts[_key(shift)] if shift else None


def _after_word(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """Whether the text right before `start` ends in one of `pattern`'s words."""
    return pattern.search(text, max(0, start - 40), start) is not None


def _calendar(match: re.Match[str], grammar: Grammar, precision: str,
              in_year: Callable[[int], Span | None]) -> Phrase:
    """A calendar phrase, with the year the text gives or one to find later."""
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    same_year = bool(groups.get("same"))
    shift = _shift(match, grammar)
    return Phrase(match.start(), match.end(), precision, in_year=in_year, year=year,
                  same_year=same_year, shifted=shift is not None,
                  seen_from=None if year or same_year else _yearly(in_year, shift))


def _build_month(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A month name with a day, a year, a part or a shift: "May 9", "9 May 2024", "mid-April"."""
    month = grammar.months[_key(match.group("month"))]
    groups = match.groupdict()
    if not (groups.get("day") or groups.get("year") or groups.get("part")
            or groups.get("shift") or groups.get("same")
            or _after_word(grammar.month_after, text, match.start())):
        return None  # a bare "May" or "March" is more often a name or a verb
    if groups.get("day"):
        return _calendar(match, grammar, "date", partial(_day, month=month, day=int(groups["day"])))
    days = _part(match, grammar).days
    return _calendar(match, grammar, "gYearMonth",
                     partial(_months, first=month, last=month, days=days))


def _build_season(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A season: "autumn 2020", "the fall of 2020", "last summer", "in the spring"."""
    if not (match.group("year") or match.group("shift")
            or (match.group("the") and _after_word(grammar.month_after, text, match.start()))):
        return None  # "expected to fall", "the rise and fall"
    first, last = grammar.seasons[_key(match.group("season"))]
    return _calendar(match, grammar, "gYear", partial(_months, first=first, last=last))


def _build_year(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A year alone or with a part: "in 2020", "the 2020 war", "mid-2020", "the end of 2024"."""
    low, high = grammar.bare_years
    if not low <= int(match.group("year")) <= high:
        return None
    if not match.group("part") and _after_word(grammar.counts, text, match.start()):
        return None  # "some 2000 troops"
    first, last = _part(match, grammar).months
    return _calendar(match, grammar, "gYear", partial(_months, first=first, last=last))


def _build_numeric(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A numeric date in the lexicon's field order ("5/10/2024"), or ISO ("2024-05-09")."""
    groups = match.groupdict()
    if groups.get("month"):
        month, day = int(groups["month"]), int(groups["day"])
    else:
        first, second = int(groups["first"]), int(groups["second"])
        month, day = (second, first) if grammar.day_first or first > 12 else (first, second)
    if not 1 <= month <= 12:
        return None
    return _calendar(match, grammar, "date", partial(_day, month=month, day=day))


def _build_same_year(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """"the same year", "that year": the last year the text gave."""
    return Phrase(match.start(), match.end(), "gYear",
                  in_year=partial(_months, first=1, last=12), same_year=True)


def _build_unit(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A unit counted from the anchor: "last week", "late last month", "next year"."""
    unit = grammar.units[_key(match.group("unit"))]
    shift = grammar.shifts[_key(match.group("shift"))]
    return Phrase(match.start(), match.end(), UNITS[unit][0], shifted=True,
                  seen_from=_counted(unit, grammar.week_start, shift, _part(match, grammar)))


def _build_day(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A day counted from the anchor: "yesterday", "tomorrow"."""
    shift = grammar.days[_key(match.group(0))]
    return Phrase(match.start(), match.end(), "date", shifted=True,
                  seen_from=_counted("day", grammar.week_start, shift, WHOLE))


def _build_weekday(match: re.Match[str], text: str, grammar: Grammar) -> Phrase | None:
    """A weekday: "on Friday" (the latest Friday not after the anchor), "next Monday"."""
    shift = _shift(match, grammar)
    weekday = grammar.weekdays[_key(match.group("weekday"))]
    return Phrase(match.start(), match.end(), "date", shifted=True,
                  seen_from=_weekly(weekday, grammar.week_start, shift))


# Reading the lexicon into patterns, once per file.

def _words(words: Iterable[str]) -> str:
    """An alternation of phrases, longest first, a space matching any run of white space."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, word.split())) for word in ordered)


def _names(names: Iterable[str], abbreviations: Iterable[str] = ()) -> str:
    """Names as written or in capitals, longest first; an abbreviation may end in a full stop."""
    full = [re.escape(variant) for name in names for variant in (name, name.upper())]
    short = [re.escape(variant) + r"\.?" for name in abbreviations
             for variant in (name, name.upper())]
    return "|".join(sorted(set(full + short), key=len, reverse=True))


def _ending_in(words: Iterable[str], then: str = "") -> re.Pattern[str]:
    """Matches text that ends in one of `words` (then `then`) and white space."""
    return re.compile(rf"(?i:(?<!\w)(?:{_words(words)}){then}\s+)$")


def _section(data: dict[str, Any], name: str, path: Path) -> Any:
    if name not in data:
        raise ConfigError(f"the dates lexicon lacks {name!r}; the comments in "
                          "lexicons/dates.yaml say what each section holds", path)
    return data[name]


@cache
def _grammar(path: Path) -> Grammar:
    data = read_lexicon(path.stem, path.parent)
    months = {int(number): names for number, names in _section(data, "months", path).items()}
    weekdays = list(_section(data, "weekdays", path))
    parts = {_key(name): Part(tuple(spec["days"]), tuple(spec["months"]))
             for name, spec in _section(data, "parts", path).items()}
    shifts = {_key(word): int(shift) for word, shift in _section(data, "shifts", path).items()}
    units = {_key(word): unit for word, unit in _section(data, "units", path).items()}
    if unknown := set(units.values()) - set(UNITS):
        raise ConfigError(f"unknown calendar units {sorted(unknown)} in 'units'; known: "
                          f"{', '.join(UNITS)}", path)
    days = {_key(word): int(shift) for word, shift in _section(data, "days", path).items()}
    seasons = {_key(name): (int(first), int(last))
               for name, (first, last) in _section(data, "seasons", path).items()}
    cues = _section(data, "cues", path)
    order = _section(data, "numeric_order", path)
    if order not in ("MDY", "DMY"):
        raise ConfigError(f"numeric_order is {order!r}; expected MDY or DMY", path)

    month = "(?P<month>" + "|".join(
        _names(names[:1], names[1:]) for names in months.values()) + r")(?!\w)"
    weekday = rf"(?P<weekday>{_names(weekdays)})(?!\w)"
    part = rf"(?i:(?P<part>(?:the\s+)?(?:{_words(parts)})))(?:\s*-\s*|\s+)"
    shift = rf"(?i:(?<!the\s)(?P<shift>{_words(shifts)}))\s+"
    same = rf"(?i:(?P<same>{_words(_section(data, 'same_year', path))}))(?!\w)"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?" + NUMBER_END
    year_after = rf"(?:,?\s+(?:of\s+)?{YEAR}|\s+of\s+{same})?"
    rules: list[tuple[str, Builder]] = [
        (rf"(?<!\w)(?:{part}|{shift})?{month}(?:\s+{day})?{year_after}", _build_month),
        (rf"(?<![\w.,/])(?i:the\s+)?{day}\s+(?:of\s+)?{month}{year_after}", _build_month),
        (rf"(?<!\w)(?:{shift})?(?i:(?P<the>the\s+)?(?P<season>{_words(seasons)}))(?!\w)"
         rf"(?:\s+(?:of\s+)?{YEAR}|(?!\s+of\b))", _build_season),
        (rf"(?<![\w$€£%.,:/-])(?:{part})?{YEAR}(?!-)", _build_year),
        (rf"(?<![\w/.,-])(?P<first>\d{{1,2}})/(?P<second>\d{{1,2}})/{YEAR}", _build_numeric),
        (rf"(?<![\w/.,-]){YEAR_DIGITS}-(?P<month>\d\d)-(?P<day>\d\d)(?![\d/-])", _build_numeric),
        (rf"(?<!\w){same}", _build_same_year),
        (rf"(?<!\w)(?:{part})?{shift}(?i:(?P<unit>{_words(units)}))(?!\w)", _build_unit),
        (rf"(?<!\w)(?i:{_words(days)})(?!\w)", _build_day),
        (rf"(?<!\w)(?:{shift})?{weekday}", _build_weekday),
    ]
    keys = [_key(name) for name in weekdays]
    either = r"(?:\s+(?:on|in))?"  # "starting on August 1", "back in March"
    return Grammar(
        rules=tuple((re.compile(pattern), build) for pattern, build in rules),
        months={_key(name): number for number, names in months.items() for name in names},
        weekdays={key: index for index, key in enumerate(keys)},
        week_start=keys.index(_key(_section(data, "week_starts", path))),
        seasons=seasons,
        parts=parts,
        shifts=shifts,
        units=units,
        days=days,
        month_after=_ending_in(_section(data, "month_after", path)),
        past_cue=_ending_in(_section(cues, "past", path), either),
        either_cue=_ending_in(_section(cues, "either", path), either),
        counts=_ending_in(_section(data, "counts", path)),
        day_first=order == "DMY",
        bare_years=tuple(_section(data, "bare_years", path)),
    )
