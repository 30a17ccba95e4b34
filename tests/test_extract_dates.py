"""kg/extract/dates.py: date phrases found and normalised, mostly on the corpus's own sentences."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import pytest

from kg import paths
from kg.corpus import read_corpus
from kg.errors import ConfigError
from kg.extract.dates import DATES_LEXICON, Anchor, find_dates

# The corpus's anchors: its publication dates, and ranges for the two whose date is unknown
# (their notes say "after 2024-05-09" and "about 2024-04-17").
RFERL = Anchor.on(dt.date(2024, 5, 9))
EPOCH = Anchor.on(dt.date(2024, 5, 10))
TASS = Anchor.on(dt.date(2021, 6, 4))
REPORT = Anchor.between(dt.date(2024, 5, 9), dt.date(2024, 6, 30))
KARABAKH = Anchor.between(dt.date(2024, 4, 17), dt.date(2024, 4, 30))


def found(text: str, anchor: Anchor, **options: bool) -> list[tuple[str, str, str, str, str]]:
    """(phrase, value, precision, earliest, latest) of each date found, dates in ISO form."""
    return [(m.text, m.value, m.precision, m.earliest.isoformat(), m.latest.isoformat())
            for m in find_dates(text, anchor, **options)]


# Sentences copied from the corpus: (sentence, anchor, phrase, value, precision, earliest,
# latest). Each is checked to occur in corpus/ by test_find_dates_cases_quote_the_corpus.
ABSOLUTE = [
    ("Armenian soldiers patrol near a demarcation line outside Askeran on Nov. 21, 2020,",
     EPOCH, "Nov. 21, 2020", "2020-11-21", "date", "2020-11-21", "2020-11-21"),
    ("on the basis of a trilateral statement dated November 10, 2020.",
     KARABAKH, "November 10, 2020", "2020-11-10", "date", "2020-11-10", "2020-11-10"),
    ("Adam Morrow\n5/10/2024\nUpdated:",
     EPOCH, "5/10/2024", "2024-05-10", "date", "2024-05-10", "2024-05-10"),
    ("after a bloody war with Azerbaijan in 2020 did not do enough",
     RFERL, "2020", "2020", "gYear", "2020-01-01", "2020-12-31"),
    ("(in 2023, Armenia",
     KARABAKH, "2023", "2023", "gYear", "2023-01-01", "2023-12-31"),
    ("This marks a significant shift in the region's security dynamics following the 2020 "
     "Artsakh war.", REPORT, "2020", "2020", "gYear", "2020-01-01", "2020-12-31"),
    ("who had been stationed in Nerkin Hand after the 44-day war in 2020, have now vacated",
     REPORT, "2020", "2020", "gYear", "2020-01-01", "2020-12-31"),
    ("when Azerbaijan launched an offensive against Armenia in September 2022.",
     REPORT, "September 2022", "2022-09", "gYearMonth", "2022-09-01", "2022-09-30"),
    ("based on the provisions of the Almaty Declaration of 1991",
     KARABAKH, "1991", "1991", "gYear", "1991-01-01", "1991-12-31"),
]

ANCHORED = [
    ("The announcement by the Kremlin on May 9 marks a new step",
     RFERL, "May 9", "2024-05-09", "date", "2024-05-09", "2024-05-09"),
    ("Russian President Vladimir Putin (right) meets Armenian Prime Minister Nikol Pashinian at "
     "the Kremlin on May 8.", RFERL, "May 8", "2024-05-08", "date", "2024-05-08", "2024-05-08"),
    ("agreed on the withdrawal at a May 8 meeting in Moscow.",
     EPOCH, "May 8", "2024-05-08", "date", "2024-05-08", "2024-05-08"),
    ("In March, Pashinian said in an interview with the France 24 television channel",
     RFERL, "March", "2024-03", "gYearMonth", "2024-03-01", "2024-03-31"),
    # The latest September not after a May 2024 anchor is September 2023.
    ("did not do enough to stop a lightning offensive launched by Baku in September.",
     RFERL, "September", "2023-09", "gYearMonth", "2023-09-01", "2023-09-30"),
    ("Pashinian declined to attend a CSTO summit in Minsk in November",
     RFERL, "November", "2023-11", "gYearMonth", "2023-11-01", "2023-11-30"),
    ("said in mid-April.", EPOCH, "mid-April", "2024-04", "gYearMonth", "2024-04-11",
     "2024-04-20"),
    ("has remained tense since May 12, when the Armenian Defense Ministry said",
     TASS, "May 12", "2021-05-12", "date", "2021-05-12", "2021-05-12"),
    ("It is noteworthy that back on April 16, the first deputy chairman",
     KARABAKH, "April 16", "2024-04-16", "date", "2024-04-16", "2024-04-16"),
    ("YEREVAN, June 4. /TASS/.", TASS, "June 4", "2021-06-04", "date", "2021-06-04",
     "2021-06-04"),
    # TASS of Friday 2021-06-04: "on Friday" is that very day.
    ("the Russian embassy said in a statement on Friday.",
     TASS, "Friday", "2021-06-04", "date", "2021-06-04", "2021-06-04"),
    # The previous calendar week, Monday to Sunday; across two months its value is the year.
    ("In a move sure to annoy Moscow, Yerevan went even further last week.",
     EPOCH, "last week", "2024", "gYear", "2024-04-29", "2024-05-05"),
    ("Late last month, Ararat Mirziyan,",
     EPOCH, "Late last month", "2024-04", "gYearMonth", "2024-04-21", "2024-04-30"),
]

SEASONS = [
    ("\"In the autumn 2020, at the request of the Armenian side, our troops were deployed",
     RFERL, "the autumn 2020"),
    ("The governor thanked Russia \"for ending the bloodshed in the fall of 2020 and making",
     TASS, "the fall of 2020"),
]

# Deadlines and starts: year-less, they mean the occurrence nearest the anchor, ahead or behind.
CUED = [
    ("asked Moscow to withdraw the Russian border guards that had been deployed at Yerevan's main "
     "airport starting from August 1.",
     RFERL, "August 1", "2024-08-01", "date", "2024-08-01", "2024-08-01"),
    ("international airport by the end of July.",
     EPOCH, "the end of July", "2024-07", "gYearMonth", "2024-07-01", "2024-07-31"),
]

SAME_SENTENCE = [
    # A year-less date after a full one in its sentence shares its year.
    ("Armenian soldiers patrol near a demarcation line outside Askeran on Nov. 21, 2020, as "
     "Armenia and Azerbaijan agreed to a Russian-brokered cease-fire on Nov. 9.",
     EPOCH, [("Nov. 21, 2020", "2020-11-21", "date", "2020-11-21", "2020-11-21"),
             ("Nov. 9", "2020-11-09", "date", "2020-11-09", "2020-11-09")]),
    ("The Russian military contingent, with the consent of Armenia and Azerbaijan, was "
     "introduced into the region following the results of the Second Karabakh War in 2020. The "
     "main forces were deployed in November of the same year along the former line of contact",
     KARABAKH, [("2020", "2020", "gYear", "2020-01-01", "2020-12-31"),
                ("November of the same year", "2020-11", "gYearMonth", "2020-11-01",
                 "2020-11-30")]),
]

NOT_DATES = [
    "In total, 1,960 military personnel, 90 armored personnel carriers, 380 vehicles and 4 "
    "helicopters arrived in Karabakh.",
    "with the Russian Federation increased by 43%",
    "to $7.3 billion, which is more than a third of the total trade turnover",
    "Updated:",
    "0:00",
    "\"They have left from where they were stationed after the 44-day war,",
    "from the Nagorno-Karabakh area that had been for three decades under ethnic Armenian "
    "control.",
    "despite the fact that they were supposed to remain in the region for at least five years.",
    "Since the Soviet Union fell in the early 1990s, they have fought two major wars",
    "The next day, Mr. Peskov conceded that Russia",
    "Some 2,000 Russian peacekeepers have already withdrawn",
]


def _corpus_text() -> str:
    return "\n".join(document.body for document in read_corpus(paths.CORPUS_DIR))


def test_find_dates_cases_quote_the_corpus():
    corpus = _corpus_text()
    sentences = [case[0] for case in ABSOLUTE + ANCHORED + SEASONS + CUED + SAME_SENTENCE]
    missing = [s for s in sentences + NOT_DATES if s.replace("\n", " ") not in
               corpus.replace("\n", " ")]
    assert missing == []


@pytest.mark.parametrize(("sentence", "anchor", "phrase", "value", "precision", "earliest",
                          "latest"), ABSOLUTE)
def test_find_dates_reads_dates_that_give_their_year(sentence, anchor, phrase, value, precision,
                                                      earliest, latest):
    assert found(sentence, anchor) == [(phrase, value, precision, earliest, latest)]
    assert [m.relative for m in find_dates(sentence, anchor)] == [False]


@pytest.mark.parametrize(("sentence", "anchor", "phrase", "value", "precision", "earliest",
                          "latest"), ANCHORED)
def test_find_dates_resolves_year_less_phrases_against_the_anchor(sentence, anchor, phrase,
                                                                   value, precision, earliest,
                                                                   latest):
    assert found(sentence, anchor) == [(phrase, value, precision, earliest, latest)]
    assert [m.relative for m in find_dates(sentence, anchor)] == [True]


@pytest.mark.parametrize(("sentence", "anchor", "phrase"), SEASONS)
def test_find_dates_gives_a_season_its_year_and_months(sentence, anchor, phrase):
    # No XSD type holds a season: the value is its year, the bounds its months.
    assert found(sentence, anchor) == [(phrase, "2020", "gYear", "2020-09-01", "2020-11-30")]


@pytest.mark.parametrize(("text", "value", "earliest", "latest"), [
    ("autumn 2020", "2020", "2020-09-01", "2020-11-30"),
    ("in spring 2022", "2022", "2022-03-01", "2022-05-31"),
    # A season across the new year is named for the year it ends in.
    ("in winter 2021", "2021", "2020-12-01", "2021-02-28"),
    ("last summer", "2023", "2023-06-01", "2023-08-31"),
    ("in the autumn", "2023", "2023-09-01", "2023-11-30"),
])
def test_find_dates_resolves_seasons(text, value, earliest, latest):
    [mention] = find_dates(text, RFERL)
    assert (mention.value, mention.precision) == (value, "gYear")
    assert (mention.earliest.isoformat(), mention.latest.isoformat()) == (earliest, latest)


@pytest.mark.parametrize(("sentence", "anchor", "phrase", "value", "precision", "earliest",
                          "latest"), CUED)
def test_find_dates_resolves_deadlines_to_the_nearest_occurrence(sentence, anchor, phrase, value,
                                                                  precision, earliest, latest):
    assert found(sentence, anchor) == [(phrase, value, precision, earliest, latest)]


@pytest.mark.parametrize(("text", "future", "value"), [
    ("They will leave by August.", True, "2024-08"),
    ("They left in August.", False, "2023-08"),
    ("The troops will withdraw in May.", True, "2024-05"),  # the anchor's month still counts
    ("The troops will withdraw on May 9.", True, "2024-05-09"),  # and so does its day
    ("The border has been tense since May 12.", True, "2023-05-12"),  # "since" looks back
    ("The talks resume from September 1.", False, "2024-09-01"),  # a start: the nearest
])
def test_find_dates_resolves_forward_when_future(text, future, value):
    [mention] = find_dates(text, RFERL, future=future)
    assert mention.value == value


@pytest.mark.parametrize(("text", "value", "precision", "earliest", "latest"), [
    ("next week", "2024-05", "gYearMonth", "2024-05-13", "2024-05-19"),
    ("last month", "2024-04", "gYearMonth", "2024-04-01", "2024-04-30"),
    ("early next year", "2025", "gYear", "2025-01-01", "2025-04-30"),
    ("last year", "2023", "gYear", "2023-01-01", "2023-12-31"),
    ("yesterday", "2024-05-08", "date", "2024-05-08", "2024-05-08"),
    ("on Friday", "2024-05-03", "date", "2024-05-03", "2024-05-03"),  # RFE/RL's Thursday
    ("on Thursday", "2024-05-09", "date", "2024-05-09", "2024-05-09"),
    ("last Thursday", "2024-05-02", "date", "2024-05-02", "2024-05-02"),
    ("next Friday", "2024-05-10", "date", "2024-05-10", "2024-05-10"),
    ("last May", "2023-05", "gYearMonth", "2023-05-01", "2023-05-31"),
    ("this September", "2024-09", "gYearMonth", "2024-09-01", "2024-09-30"),
    ("in early May", "2024-05", "gYearMonth", "2024-05-01", "2024-05-10"),
    ("in late February", "2024-02", "gYearMonth", "2024-02-21", "2024-02-29"),
])
def test_find_dates_counts_relative_phrases_from_the_anchor(text, value, precision, earliest,
                                                             latest):
    assert [row[1:] for row in found(text, RFERL)] == [(value, precision, earliest, latest)]


@pytest.mark.parametrize(("text", "expected"), [
    ("9 May 2024", ("2024-05-09", "date")),
    ("the 9th of May, 2024", ("2024-05-09", "date")),
    ("SEPTEMBER 5, 2020", ("2020-09-05", "date")),
    ("Sept. 5, 2020", ("2020-09-05", "date")),
    ("2024-05-09", ("2024-05-09", "date")),
    ("13/05/2024", ("2024-05-13", "date")),  # no 13th month: read day first
    ("in mid-2020", ("2020", "gYear")),
    ("by the end of 2024", ("2024", "gYear")),
])
def test_find_dates_reads_other_spellings(text, expected):
    assert [(m.value, m.precision) for m in find_dates(text, RFERL)] == [expected]


@pytest.mark.parametrize(("sentence", "anchor", "expected"), SAME_SENTENCE)
def test_find_dates_takes_a_year_from_earlier_in_the_text(sentence, anchor, expected):
    assert found(sentence, anchor) == expected
    assert not any(m.relative for m in find_dates(sentence, anchor))


def test_find_dates_lends_a_year_only_within_a_sentence():
    text = "The ceasefire began on Nov. 10, 2020. The withdrawal began on Nov. 9."
    assert [m.value for m in find_dates(text, RFERL)] == ["2020-11-10", "2023-11-09"]


def test_find_dates_skips_the_same_year_with_no_year_before_it():
    assert find_dates("They were deployed in November of the same year.", RFERL) == []


@pytest.mark.parametrize(("anchor", "expected"), [
    # The Armenian Report's range lies after May 9 in one year: the date is exact.
    (REPORT, ("2024-05-09", "date", "2024-05-09", "2024-05-09")),
    # A range from January: May 9 of 2023 or of 2024, so only the bounds are sure.
    (Anchor.between(dt.date(2024, 1, 5), dt.date(2024, 6, 30)),
     ("2024", "gYear", "2023-05-09", "2024-05-09")),
])
def test_find_dates_with_an_unknown_publication_date(anchor, expected):
    sentence = ("The withdrawal of Russian border guards from certain regions of Armenia was "
                "agreed upon during a meeting on May 9 between Armenian Prime Minister")
    [mention] = find_dates(sentence, anchor)
    assert (mention.value, mention.precision, mention.earliest.isoformat(),
            mention.latest.isoformat()) == expected
    assert mention.relative


def test_find_dates_spans_every_weekday_an_anchor_range_allows():
    [mention] = find_dates("They met on Friday.", REPORT)
    assert (mention.earliest, mention.latest) == (dt.date(2024, 5, 3), dt.date(2024, 6, 28))
    assert (mention.value, mention.precision) == ("2024", "gYear")


@pytest.mark.parametrize("text", [
    *NOT_DATES,
    "Theresa May said troops may march on Yerevan.",
    "Some 2000 troops arrived; prices are expected to fall after the fall of Kabul.",
    "It grew over the last year.",
    "Feb. 30, 2021",
])
def test_find_dates_ignores_what_is_not_a_date(text):
    assert found(text, RFERL) == []


def test_find_dates_keeps_offsets_into_the_text():
    for document in read_corpus(paths.CORPUS_DIR):
        mentions = find_dates(document.body, REPORT)
        assert mentions, document.key
        assert all(document.body[m.start:m.end] == m.text for m in mentions)
        assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))
        assert all(m.earliest <= m.latest for m in mentions)


def test_find_dates_finds_every_date_of_an_article():
    rferl = read_corpus(paths.CORPUS_DIR)[1]
    assert [m.value for m in find_dates(rferl.body, RFERL)] == [
        "2024-05-08", "2024-05-09", "2020", "2023-09", "2024-05-08", "2020", "2020", "2023-09",
        "2024-08-01", "2024-03", "2023-11"]


def test_find_dates_is_fast_enough_for_thousands_of_articles():
    bodies = [document.body for document in read_corpus(paths.CORPUS_DIR)]
    find_dates("", RFERL)  # the lexicon is compiled once, on first use
    started = time.perf_counter()
    for _ in range(10):
        for body in bodies:
            find_dates(body, RFERL)
    assert (time.perf_counter() - started) / (10 * len(bodies)) < 0.050


def test_anchor_between_refuses_a_range_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="ends before it starts"):
        Anchor.between(dt.date(2024, 6, 30), dt.date(2024, 5, 9))


@pytest.mark.parametrize(("change", "message"), [
    (lambda text: text.replace("\nmonths:", "\nmonth_names:"), "lacks 'months'"),
    (lambda text: text.replace("week: week", "week: fortnight"), "unknown calendar units"),
    (lambda text: text.replace("numeric_order: MDY", "numeric_order: YMD"), "MDY or DMY"),
])
def test_find_dates_reports_a_malformed_lexicon(tmp_path, change, message):
    lexicon = tmp_path / "dates.yaml"
    lexicon.write_text(change(DATES_LEXICON.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        find_dates("May 9", RFERL, lexicon=lexicon)
