"""Tests for the temporal expression finder and resolver (timex.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storyline.timex import (
    RULES,
    find_temporal_expressions,
    matches_near,
    parse_temporal_expressions,
    read_timeml,
    resolve_span,
    trigger_spans,
)

TIMEBANK = Path(__file__).resolve().parents[2] / "shared" / "data" / "time" / "timebank"
REF = date(2026, 2, 4)  # a Wednesday


def values(text: str, reference: date | None = REF) -> dict[str, str | None]:
    return {t.text: t.value for t in find_temporal_expressions(text, reference)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It happened on 30 December 2022.", {"30 December 2022": "2022-12-30"}),
        ("It happened on December 30, 2022.", {"December 30, 2022": "2022-12-30"}),
        ("It happened on 2022-12-30.", {"2022-12-30": "2022-12-30"}),
        ("It happened on Dec. 30.", {"Dec. 30": "2025-12-30"}),
        ("He visited in February 2022.", {"February 2022": "2022-02"}),
        ("Crimea was annexed in 2014.", {"2014": "2014"}),
        ("Trade grew in the 1990s.", {"the 1990s": "199"}),
        ("Putin spoke on Wednesday.", {"Wednesday": "2026-02-04"}),
        ("Xi called on Friday.", {"Friday": "2026-01-30"}),
        ("In Tuesday's call, he spoke.", {"Tuesday": "2026-02-03"}),  # TimeML: no possessive
        ("Talks later on Thursday are expected to matter.", {"later on Thursday": "2026-02-05"}),
        ("He will travel on Friday.", {"Friday": "2026-02-06"}),
        ("They met last Monday.", {"last Monday": "2026-02-02"}),
        ("They met last Wednesday.", {"last Wednesday": "2026-01-28"}),
        ("Xi said today and yesterday.", {"today": "2026-02-04", "yesterday": "2026-02-03"}),
        ("It rose last week and last month.", {"last week": "2026-W05", "last month": "2026-01"}),
        ("We expect you next spring.", {"next spring": "2026-SP"}),
        ("A visit early next year.", {"early next year": "2027"}),
        ("Sales fell this month.", {"this month": "2026-02"}),
        ("He visited last weekend.", {"last weekend": "2026-W05-WE"}),
        ("He visited in September.", {"September": "2025-09"}),
        ("Trading for April contracts opened.", {"April": "2026-04"}),  # a month just ahead: the coming one
        ("It must repay the loan by December.", {"December": "2026-12"}),  # a deadline
        ("By December it had repaid the loan.", {"December": "2025-12"}),
        ("He hopes to rest this summer; this winter was cold.", {"this summer": "2026-SU", "this winter": "2025-WI"}),
        ("In the nineties and the 1980's it grew.", {"the nineties": "199", "the 1980's": "198"}),
        ("Holders buy at the then-current price.", {"then-current": "PAST_REF"}),
        ("The record was set on Oct. 6; the vote is set for Feb. 26.", {"Oct. 6": "2025-10-06", "Feb. 26": "2026-02-26"}),
        ("A vote is expected Friday; results are due out Tuesday.", {"Friday": "2026-02-06", "Tuesday": "2026-02-10"}),
        ("Net rose from the prior-year period.", {"the prior-year period": "2024-Q4"}),
        ("Net fell in the second quarter from the 1988 quarter.", {"the second quarter": "2025-Q2", "the 1988 quarter": "1988-Q2"}),
        ("The chancellor is expected to visit in February.", {"February": "2026-02"}),
        ("Putin will attend the summit in November.", {"November": "2026-11"}),
        ("He left two days ago.", {"two days ago": "2026-02-02"}),
        ("Ties grew in the past year.", {"the past year": "2025"}),  # TimeBank: the year before
        ("Ties grew in the past three years.", {"the past three years": "P3Y"}),
        ("It lasted eight minutes.", {"eight minutes": "PT8M"}),
        ("A two-day visit.", {"two-day": "P2D"}),
        ("They pressed China for years.", {"years": "PXY"}),
        ("They meet every year.", {"every year": "P1Y"}),
        ("The visit was recently announced and is now over.", {"recently": "PAST_REF", "now": "PRESENT_REF"}),
        ("Unemployment would halve by the year two thousand.", {"the year two thousand": "2000"}),
        ("It was founded in nineteen ninety-six.", {"nineteen ninety-six": "1996"}),
        ("Ruins from the 11th century.", {"the 11th century": "10"}),
        ("He met them in June last year.", {"June last year": "2025-06"}),
        ("Profit fell in the fourth quarter.", {"the fourth quarter": "2025-Q4"}),
        ("Third-quarter profit is expected to fall.", {"Third-quarter": "2026-Q3"}),
        ("In the year-ago third quarter it earned $2.", {"the year-ago third quarter": "2025-Q3"}),
        ("Sales rose in the 1988 second quarter.", {"the 1988 second quarter": "1988-Q2"}),
        ("For the year, volume was flat.", {"the year": "2026"}),
        ("By the end of the month, sales will rise.", {"the end of the month": "2026-02"}),
        ("For the year ended Sept. 30, it earned $4.", {"the year": "P1Y", "Sept. 30": "2025-09-30"}),
        ("Officials talked over the weekend.", {"the weekend": "2026-W05-WE"}),
        ("Jobs fell in the past two months.", {"the past two months": "P2M"}),
        ("Stocks rose a week or so ago.", {"a week or so ago": "2026-W05"}),
        ("It lost money due to the strike on Friday.", {"Friday": "2026-01-30"}),
        ("He was seized at 10 p.m. Tuesday, police said.", {"10 p.m. Tuesday": "2026-02-03T22:00"}),
        ("She was killed Monday evening when robbers came.", {"Monday evening": "2026-02-02TEV"}),
        ("Lawyers said this morning they would appeal.", {"this morning": "2026-02-04TMO"}),
        ("Shares rose at mid-afternoon yesterday.", {"mid-afternoon yesterday": "2026-02-03TAF"}),
        ("The chairman, 52 years old, led a 136-year-old firm for 20 years.", {"20 years": "P20Y"}),
        ("Trading resumes in Paris, where it is to restart Tuesday.", {"Tuesday": "2026-02-10"}),
        ("It will finance the rest at a later date.", {"a later date": "FUTURE_REF"}),
        ("Flights leave Tuesday nights and each Thursday.", {"Tuesday nights": "XXXX-WXX-2TNI", "each Thursday": "XXXX-WXX-4"}),
        ("They meet twice a week.", {"a week": "P1W"}),
        ("Net rose in the first half of 2025 and will fall in the second half.", {"the first half of 2025": "2025-H1", "the second half": "2026-H2"}),
        ("The index change is since year-end.", {"year-end": "2025-12-31"}),
        ("The year-ago results included a charge.", {"year-ago": "2025"}),
        ("The visit comes weeks after talks.", {"weeks": "PXW"}),  # the span starts at the word
        ("He is invited in the first half of the year.", {"the first half of the year": "2026-H1"}),
        ("Profit fell in the past two quarters.", {"the past two quarters": "P2Q"}),
        ("It is nearly four years ago, the end of 1994, late yesterday.", {"nearly four years ago": "2022", "the end of 1994": "1994", "late yesterday": "2026-02-03"}),
        ("Its third-quarter loss grew in recent years and in the late 1970s.", {"third-quarter": "2025-Q3", "recent years": "PAST_REF", "the late 1970s": "197"}),
    ],
)
def test_resolves_common_forms(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Talks began on Jan. 5. The following day they ended.", {"The following day": "2026-01-06"}),
        ("Talks began on Jan. 5. Two days later they ended.", {"Two days later": "2026-01-07"}),
        ("He arrived on Jan. 5. That night he met Xi.", {"That night": "2026-01-05TNI"}),
        ("He arrived in March 1995. That year sales fell. The same month he quit.", {"That year": "1995", "The same month": "1995-03"}),
        ("The strike began in 1992. A year later it ended.", {"A year later": "1993"}),
        ("Stocks fell on Friday, down from the previous Friday.", {"the previous Friday": "2026-01-23"}),
        ("Stocks fell on Oct. 13, the day before the crash.", {"the day": "2025-10-13"}),  # apposition
        # without a date named before, the publication day is the focus
        ("The day before, he spoke. Earlier in the week he met Xi.", {"The day before": "2026-02-03", "Earlier in the week": "2026-W06"}),
        # deictic expressions ignore the focus; a comparison is with the reporting period
        ("Talks began in 1992. Last year they ended.", {"Last year": "2025"}),
        ("Talks began in 1992. Output was up from a year earlier.", {"a year earlier": "2025"}),
        ("She heads toward Election Day later this week.", {"Day later": None, "later this week": "2026-W06"}),
    ],
)
def test_anaphoric_expressions_count_from_the_date_named_before(text, expected):
    got = values(text)
    assert {k: got.get(k) for k in expected} == expected


def test_one_day_after_a_modal_is_some_time_ahead():
    found = find_temporal_expressions("Islam will one day be large; he stayed one day.", REF)
    assert [(t.text, t.value) for t in found] == [("one day", "FUTURE_REF"), ("one day", "P1D")]


def test_weekday_with_day_month_takes_the_printed_day():
    found = find_temporal_expressions("Putin said on Friday (30 December) he was expecting Xi.", date(2023, 1, 2))
    assert [(t.text, t.value) for t in found] == [("Friday (30 December)", "2022-12-30")]
    assert "weekday does not agree" not in found[0].evidence


def test_year_ago_in_earnings_news_is_the_quarter_named_before():
    text = "Net fell in the third quarter ended Sept. 30 to $5 million. That compared with $8 million a year ago."
    got = values(text, date(1989, 11, 2))
    assert got["the third quarter"] == "1989-Q3" and got["a year ago"] == "1988-Q3"
    # without figures or a quarter around, "a year ago" is just the year before
    assert values("He moved here a year ago.", date(1989, 11, 2)) == {"a year ago": "1988"}


def test_marked_span_values_words_the_finder_skips():
    text = "The plan has already failed."
    start = text.index("already")
    assert resolve_span(text, start, start + 7, REF).value == "PRESENT_REF"
    assert values(text) == {}


def test_offsets_point_into_text_and_evidence_explains():
    text = "Russian President Vladimir Putin hailed ties on Wednesday."
    (t,) = find_temporal_expressions(text, REF)
    assert text[t.start : t.end] == t.text == "Wednesday"
    assert "2026-02-04" in t.evidence and "past" in t.evidence


def test_without_reference_relative_values_stay_unknown():
    got = values("On Wednesday, in 2014 and today, for two days.", None)
    assert got == {"Wednesday": None, "2014": "2014", "today": None, "two days": "P2D"}


def test_earnings_quarters_follow_news_conventions():
    text = "Net income rose in the quarter, from $5 million a year ago. Profit fell a year ago."
    found = find_temporal_expressions(text, date(1989, 10, 25))
    assert [t.value for t in found] == ["1989-Q3", "1988-Q3", "1988"]


def test_named_days_are_not_weekdays():
    assert values("Sanders won on Super Tuesday and shoppers came on Black Friday.") == {}


def test_may_and_march_as_words_are_not_months():
    assert values("He may march on. Troops march in May.") == {"May": "2026-05"}  # within 3 months: the coming May


def test_hostile_input_is_fast_and_bounded():
    text = ("Friday (30 " * 20000) + ("1 2 3 " * 20000)
    parse_temporal_expressions(text)  # must not hang


def test_dates_command_keeps_offsets_into_the_raw_text(tmp_path):
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    text = "MOSCOW \u2014 Putin said on Wednesday\r\nthat he would visit China next spring."
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(app, ["dates", str(path), "--published", "2026-02-04", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["text"], r["type"], r["value"]) for r in rows] == [
        ("Wednesday", "DATE", "2026-02-04"),
        ("next spring", "DATE", "2026-SP"),
    ]
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)


def test_dates_without_publication_day_says_the_reference_is_inferred():
    from storyline.knowledge import load_knowledge
    from storyline.timex import date_text

    text = "Putin said on Friday (30 December) that he expected Xi to visit. Talks last month were long."
    dated = date_text(text, None, load_knowledge())
    assert dated.reference.source == "inferred" and dated.reference.value
    by_text = {t.text: t for t in dated.expressions}
    assert by_text["Friday (30 December)"].value.endswith("-12-30")
    assert "inferred" in by_text["last month"].evidence
    assert ("uncertain" in by_text["last month"].evidence) == (not dated.reference.certain)


# --------------------------------------------------------------------------- TimeBank

def timebank_value_accuracy() -> tuple[int, int, list[tuple[str, str, str | None]]]:
    """Gold DATE spans of all TimeBank files valued in context against the DCT (as bench/dates.py (a))."""
    correct = total = 0
    misses = []
    for path in sorted(TIMEBANK.glob("*.tml")):
        doc = read_timeml(path.read_text(encoding="utf-8"))
        for g in doc.timexes:
            if g.type != "DATE":
                continue
            total += 1
            got = resolve_span(doc.text, g.start, g.end, doc.creation_day).value
            if got == g.value:
                correct += 1
            else:
                misses.append((doc.text[g.start : g.end], g.value, got))
    return correct, total, misses


# Measured 2026-11-23 on all 183 documents: 917/1016 = 0.903 (`python tests/test_timex.py`,
# the same as bench/dates.py --split all (a); tune half 0.925, check half 0.881); the floor sits
# just under it. Misses left (bench/dates.py --causes): "a year ago"/"last year" in earnings news
# valued as a year, a quarter, a month or a day alike; week values TimeBank writes either as
# 1989-W44 or 1989-WXX; future months and days without a cue ("effective June 1"); one
# document (AP900815-0044) whose weekdays all point to the week before its DCT.
TIMEBANK_DATE_VALUE_FLOOR = 0.90


@pytest.mark.skipif(not TIMEBANK.is_dir(), reason="TimeBank not available")
def test_timebank_date_value_accuracy():
    correct, total, _ = timebank_value_accuracy()
    assert total > 900
    assert correct / total >= TIMEBANK_DATE_VALUE_FLOOR


if __name__ == "__main__":
    from collections import Counter

    c, n, misses = timebank_value_accuracy()
    print(f"{c}/{n} = {c / n:.3f}")
    for k, v in Counter(misses).most_common(80):
        print(v, k)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a period that has ended ends on or before the reference, however near the next one is
        ("Revenue for the year ended March 31 was $76 million.", {"the year": "P1Y", "March 31": "1989-03-31"}),
        # a capitalised preposition keeps 'March' a month, and 'the following month' counts from it
        ("In March, it got an offer. The following month, it was put up for sale.", {"March": "1989-03", "The following month": "1989-04"}),
        # comparisons with the quarter reported, a year back
        (
            "Net rose in the third quarter to $5 million from $4 million in the corresponding period last year.",
            {"the third quarter": "1989-Q3", "the corresponding period last year": "1988-Q3"},
        ),
        ("Sales in the third quarter beat last year's quarter.", {"the third quarter": "1989-Q3", "last year's quarter": "1988-Q3"}),
        ("For the quarter a year ago, it earned $16 million.", {"the quarter a year ago": "1988-Q3"}),
        # results over nine months compared with a year earlier: the year before, not a quarter
        ("For the nine months, it earned $18.9 million, compared with a loss of $9.7 million a year earlier.", {"the nine months": "P9M", "a year earlier": "1988"}),
        ("It had a loss of $5 million, compared with a year-earlier loss of $6 million.", {"year-earlier": "1988-Q3"}),
        # a comparison names no time the story moves to: 'earlier in the year' is this year's
        (
            "Net rose to $5 million from $4 million a year earlier. Rains came earlier in the year.",
            {"a year earlier": "1988-Q3", "earlier in the year": "1989"},
        ),
        ("Earnings will fall in the last half of 1989 and the first two quarters of 1990.", {"the last half of 1989": "1989-H2", "the first two quarters of 1990": "1990-H1"}),
        ("It will cut taxes in future quarters.", {"future quarters": "FUTURE_REF"}),
        # 'the 1988 period': the quarter named before, in that year; the year for nine-month results
        ("Net fell in the third quarter. In the 1988 period, it earned $4.", {"the third quarter": "1989-Q3", "the 1988 period": "1988-Q3"}),
        ("In the nine months, net was $3, compared with $2 in the 1988 period.", {"the nine months": "P9M", "the 1988 period": "1988"}),
        # 'last September' told in October would be 'last month': the September a year before
        ("Helicopters crashed last September.", {"last September": "1988-09"}),
    ],
)
def test_earnings_report_comparisons(text: str, expected: dict[str, str]) -> None:
    assert values(text, date(1989, 10, 27)) == expected


def test_last_december_told_in_january_is_last_years_december() -> None:
    # found on ECB+ reports (this once raised on an empty choice): in January, last year's
    # December is the month just gone, while "last November" still skips nothing
    assert values("Prices fell last December.", date(2010, 1, 12)) == {"last December": "2009-12"}
    assert values("Prices fell last November.", date(2010, 1, 12)) == {"last November": "2009-11"}


@pytest.mark.parametrize(
    "span, value",
    [("the time", "PAST_REF"), ("this crucial moment", "PRESENT_REF"), ("as soon as possible", "FUTURE_REF")],
)
def test_marked_general_references(span: str, value: str) -> None:
    text = f"He said at {span} that it would work."
    start = text.index(span)
    assert resolve_span(text, start, start + len(span), REF).value == value


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _real_texts() -> list[str]:
    tml = sorted(TIMEBANK.glob("*.tml"))[::15]
    return [p.read_text(errors="replace") for p in sorted(SEEDS.glob("*")) if p.is_file()] + [
        read_timeml(p.read_text(encoding="utf-8")).text for p in tml
    ]


def test_trigger_prefilter_finds_what_a_full_scan_finds() -> None:
    texts = _real_texts()
    assert len(texts) > 10
    for text in texts:
        assert parse_temporal_expressions(text) == parse_temporal_expressions(text, prefilter=False)


def test_every_rule_match_contains_a_trigger_word() -> None:
    for text in _real_texts():
        triggers = trigger_spans(text, RULES.kinds_by_word)
        for kind, pattern in RULES.rules:
            assert [m.span() for m in matches_near(pattern, text, triggers.get(kind, []))] == [m.span() for m in pattern.finditer(text)], kind


def test_recurring_days_from_the_knowledge_files() -> None:
    from storyline.knowledge import load_knowledge

    text = "Shoppers crowded stores on Christmas Eve. He will fly home for Thanksgiving Day. May Day marches ended."
    found = {t.text: t.value for t in find_temporal_expressions(text, REF, load_knowledge())}
    # nearest occurrence, the next one when told in the future; the holiday wins over 'May'
    assert found == {"Christmas Eve": "2025-12-24", "Thanksgiving Day": "2026-11-26", "May Day": "2026-05-01"}
    assert values(text) == {}  # without the knowledge files no holiday is known


def test_nth_day_of_something_told_today_is_the_day_of_speaking() -> None:
    assert values("Today is the eighth day of the strike. It's the second day of talks.") == {
        "Today": "2026-02-04", "the eighth day": "2026-02-04", "the second day": "2026-02-04"
    }
    assert values("On the eighth day of the strike, talks began.") == {}  # counted from an unknown start
