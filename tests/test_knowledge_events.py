"""Checks on the curated knowledge files events.csv and recurring.csv (and their generator).

Movable Chinese days are re-derived here from low-precision astronomy (Meeus), an independent
route from the hand tables and the solar-term formula used by make_recurring.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import math
import re
from pathlib import Path

import pytest

KNOWLEDGE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "knowledge"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIRST_YEAR, LAST_YEAR = 2000, 2035
MAX_PATTERNS_PER_ROW = 50  # keeps the expanded alternations from exploding
BEIJING = dt.timedelta(hours=8)
# Astronomy below is good to a few minutes; crossings closer than this to Beijing midnight
# cannot be assigned to a day with confidence, so those years are skipped.
MIDNIGHT_MARGIN = dt.timedelta(minutes=30)


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a knowledge CSV, skipping `#` comment lines as the README specifies."""
    with open(KNOWLEDGE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def compile_cell(cell: str) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in cell.split("|")]


_COMPILED: dict[str, list[re.Pattern[str]]] = {}


def patterns_of(row: dict[str, str]) -> list[re.Pattern[str]]:
    """Compiled patterns of a row, cached: thousands of patterns overflow re's own cache."""
    if row["patterns"] not in _COMPILED:
        _COMPILED[row["patterns"]] = compile_cell(row["patterns"])
    return _COMPILED[row["patterns"]]


def as_of() -> dt.date:
    rows = dict(csv.reader(open(KNOWLEDGE / "about.csv", encoding="utf-8")))
    return dt.date.fromisoformat(rows["as_of"])


def load_generator():
    spec = importlib.util.spec_from_file_location("make_recurring", KNOWLEDGE / "make_recurring.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EVENTS = read_rows("events.csv")
RECURRING = read_rows("recurring.csv")


def movable_dates(name_part: str) -> dict[int, dt.date]:
    """Year -> date of the movable recurring day whose name starts with name_part."""
    (row,) = [r for r in RECURRING if r["name"].startswith(name_part) and r["dates"]]
    dates = [dt.date.fromisoformat(d) for d in row["dates"].split("|")]
    return {d.year: d for d in dates}


def matching_rows(rows: list[dict[str, str]], text: str) -> list[dict[str, str]]:
    return [r for r in rows if any(p.search(text) for p in patterns_of(r))]


# --------------------------------------------------------------------------- format

def test_headers_match_readme():
    with open(KNOWLEDGE / "events.csv", encoding="utf-8") as handle:
        assert handle.readline().strip() == "date,precision,name,patterns"
    with open(KNOWLEDGE / "recurring.csv", encoding="utf-8") as handle:
        assert handle.readline().strip() == "name,patterns,month_day,dates"


def test_event_count_and_fields():
    assert 250 <= len(EVENTS) <= 700
    names = [r["name"] for r in EVENTS]
    assert len(set(zip(names, (r["date"] for r in EVENTS)))) == len(EVENTS)
    for row in EVENTS:
        assert set(row) == {"date", "precision", "name", "patterns"}, row
        assert row["name"].strip() and "|" not in row["name"]


@pytest.mark.parametrize("rows", [EVENTS, RECURRING], ids=["events", "recurring"])
def test_every_pattern_compiles_and_is_nonempty(rows):
    for row in rows:
        raw = row["patterns"].split("|")
        assert all(p.strip() for p in raw), row["name"]
        assert len(raw) <= MAX_PATTERNS_PER_ROW, row["name"]
        compiled = patterns_of(row)
        # A pattern matching the empty string would fire on every sentence.
        assert not any(p.search("") for p in compiled), row["name"]


def test_event_dates_and_precision():
    limit = as_of()
    for row in EVENTS:
        date = dt.date.fromisoformat(row["date"])
        assert dt.date(FIRST_YEAR, 1, 1) <= date <= limit, row
        assert row["precision"] in {"day", "month", "year"}, row
        if row["precision"] == "month":
            assert date.day == 1, row
        if row["precision"] == "year":
            assert (date.month, date.day) == (1, 1), row


def test_recurring_rows_are_fixed_xor_movable():
    for row in RECURRING:
        assert bool(row["month_day"]) != bool(row["dates"]), row["name"]
        if row["month_day"]:
            assert re.fullmatch(r"\d\d-\d\d", row["month_day"])
            dt.date.fromisoformat(f"2024-{row['month_day']}")  # leap year accepts 02-29 too
        else:
            years = [dt.date.fromisoformat(d).year for d in row["dates"].split("|")]
            assert years == list(range(FIRST_YEAR, LAST_YEAR + 1)), row["name"]


def test_generator_output_matches_committed_file():
    generator = load_generator()
    assert generator.render_csv() == (KNOWLEDGE / "recurring.csv").read_text(encoding="utf-8")


def test_expand_alternatives():
    expand = load_generator().expand_alternatives
    assert expand(r"a (?:b|c d)? e") == [r"a (?:b)? e", r"a (?:c d)? e"]
    assert expand(r"(?:x|y) (?:1|2)") == [r"(?:x) (?:1)", r"(?:x) (?:2)", r"(?:y) (?:1)", r"(?:y) (?:2)"]
    assert expand(r"[|] (?:a)") == [r"[|] (?:a)"]
    assert expand(r"p\|q") == [r"p\|q"]
    with pytest.raises(ValueError):
        expand(r"Day(?! (?:a|b))")


# --------------------------------------------------------------------------- false positives

NEUTRAL_SENTENCES = [
    "The minister said on Tuesday that talks would continue.",
    "Officials met in Geneva to discuss trade and investment.",
    "Shares fell 2 percent in early trading after the report.",
    "The president spoke by video link with his counterpart.",
    "Police said the suspect was arrested on Friday night.",
    "Farmers prepare their fields at the beginning of spring.",
    "Prices rose sharply at the start of the year.",
    "He returned to the capital after a two-day visit.",
    "The company reported record profits for the quarter.",
    "Lawmakers voted to approve the budget on Wednesday.",
    "The two leaders discussed cooperation in energy and security.",
    "Heavy rain caused flooding in several villages.",
    "The court adjourned the hearing until next month.",
    "Troops were deployed along the border for exercises.",
    "The summit will take place in the capital later this year.",
    "The election campaign entered its final week.",
    "A spokesman declined to comment on the report.",
    "The central bank held interest rates steady.",
    "The spring festival of music opened downtown.",
    "It may day by day get worse, one analyst warned.",
    "She had an epiphany during the long trip home.",
    "The camp fire burned all night near the lake.",
    "Ukraine and Russia exchanged prisoners of war.",
    "Officials warned of a possible new pandemic.",
    "He was elected in a landslide and sworn in weeks later.",
    "The bank's collapse rattled markets across the region.",
    "People who declared their income late were fined.",
    "Visitors flocked to the Christmas market in the old town.",
    "The museum marked its anniversary with an exhibition.",
    "The storm weakened before making landfall on the coast.",
    "They threw a tarp over the woodpile before the rain.",
    "The team played a nice attack down the left wing.",
    "The war in Ukraine dominated the talks.",
    "Negotiations on a peace deal stalled last week.",
    "I was never given any reason to doubt him.",
    "Protesters called for the ouster of the president.",
    "The 2016 presidential election was still a year away.",
]


@pytest.mark.parametrize("sentence", NEUTRAL_SENTENCES)
def test_neutral_sentences_match_nothing(sentence):
    hits = [r["name"] for r in matching_rows(EVENTS + RECURRING, sentence)]
    assert hits == []


# --------------------------------------------------------------------------- recall on events

EVENT_SENTENCES = {
    ("2001-09-11", "September 11"): "Security was tightened after the 9/11 attacks.",
    ("2003-03-20", "invasion of Iraq"): "He had opposed the US-led invasion of Iraq.",
    ("2008-09-15", "Lehman"): "Markets have not seen such turmoil since the collapse of Lehman Brothers.",
    ("2011-03-11", "Fukushima"): "Japan idled its reactors after the Fukushima nuclear disaster.",
    ("2014-03-18", "Crimea"): "Sanctions were first imposed after Moscow annexed Crimea.",
    ("2016-06-23", "Brexit"): "Sterling has never recovered from the Brexit referendum.",
    ("2020-03-11", "pandemic"): "Tourism collapsed during the COVID-19 pandemic.",
    ("2022-02-24", "invasion of Ukraine"): "A few days before Russia sent its armed forces into Ukraine, the two sides met.",
    ("2022-09-08", "Queen Elizabeth"): "The coins were redesigned after the death of Queen Elizabeth II.",
    ("2023-10-07", "Hamas"): "The war began with the October 7 attack on southern Israel.",
    ("2021-01-06", "Capitol"): "Hundreds were charged over the storming of the Capitol.",
    ("2004-12-26", "tsunami"): "The town was rebuilt after the Boxing Day tsunami.",
    ("2016-09-04", "Hangzhou"): "The two leaders last met at the G20 summit in Hangzhou.",
    ("2022-11-30", "ChatGPT"): "Schools scrambled to respond to ChatGPT.",
    ("2024-12-08", "Assad"): "Refugees began returning after the fall of the Assad regime.",
    ("2025-08-15", "Alaska"): "Little changed after the summit in Alaska.",
    ("2022-06-24", "Roe"): "Several states banned abortion after Roe v. Wade was overturned.",
    ("2023-06-23", "Wagner"): "The Wagner mutiny exposed cracks in the Kremlin.",
}


@pytest.mark.parametrize("key", list(EVENT_SENTENCES), ids=[k[1] for k in EVENT_SENTENCES])
def test_sample_events_are_recognised(key):
    date, name_part = key
    (row,) = [r for r in EVENTS if r["date"] == date and name_part.lower() in r["name"].lower()]
    assert any(p.search(EVENT_SENTENCES[key]) for p in patterns_of(row))


def test_invasion_patterns_do_not_claim_crimea_or_afghanistan():
    (invasion,) = [r for r in EVENTS if r["date"] == "2022-02-24" and "invasion" in r["name"]]
    for text in ("Russia annexed Crimea in 2014.", "The Soviet invasion of Afghanistan began in 1979.",
                 "Fears of a Russian invasion of Ukraine grew in January."):
        assert not any(p.search(text) for p in patterns_of(invasion)), text


def test_ambiguous_invasion_phrase_takes_the_earliest_invasion():
    # "Russia's invasion of Ukraine" also described 2014 (Crimea); as a lower bound the
    # earlier date is the safe reading.
    dates = {r["date"] for r in matching_rows(EVENTS, "Trump avoids condemning Russia's invasion of Ukraine.")}
    assert dates == {"2014-02-27"}


def test_seed_articles_recognise_the_invasion_and_lichun():
    texts = {p.name[:3]: " ".join(p.read_text(encoding="utf-8").split()) for p in SEEDS.glob("*.txt")}
    invasion_dates = {r["date"] for r in matching_rows(EVENTS, texts["004"])}
    assert "2022-02-24" in invasion_dates
    lichun = [r["name"] for r in matching_rows(RECURRING, texts["001"])]
    assert any("Lichun" in name for name in lichun)
    # The seed's "Wednesday marked the beginning of spring" must resolve to a Wednesday.
    assert movable_dates("Lichun")[2026] == dt.date(2026, 2, 4)
    assert dt.date(2026, 2, 4).weekday() == 2


def test_no_rows_for_the_seed_articles_own_events():
    own_dates = {"2022-12-30", "2024-05-16", "2024-05-17", "2025-01-21", "2026-02-04"}
    assert not [r for r in EVENTS if r["date"] in own_dates]
    for row in EVENTS:
        text = (row["name"] + " " + row["patterns"]).lower()
        assert not ("putin" in text and re.search(r"\bxi\b", text)), row["name"]


# --------------------------------------------------------------------------- movable days

KNOWN_MOVABLE_DATES = [
    ("Easter Sunday", "2024-03-31"), ("Easter Sunday", "2025-04-20"),
    ("Orthodox Easter", "2024-05-05"), ("Orthodox Easter", "2025-04-20"),
    ("Lichun", "2025-02-03"), ("Lichun", "2026-02-04"),
    ("Thanksgiving (US)", "2025-11-27"), ("Memorial Day", "2025-05-26"), ("Labor Day", "2025-09-01"),
    ("Chinese New Year /", "2024-02-10"), ("Chinese New Year /", "2025-01-29"), ("Chinese New Year /", "2026-02-17"),
    ("Mid-Autumn", "2024-09-17"), ("Qingming", "2025-04-04"),
]


@pytest.mark.parametrize("name,date", KNOWN_MOVABLE_DATES)
def test_movable_days_known_values(name, date):
    expected = dt.date.fromisoformat(date)
    assert movable_dates(name)[expected.year] == expected


def test_weekday_rules_hold_every_year():
    expectations = {"Thanksgiving (US)": 3, "Memorial Day": 0, "Labor Day": 0, "Easter Sunday": 6,
                    "Orthodox Easter": 6, "Good Friday": 4, "Black Friday": 4}
    for name, weekday in expectations.items():
        for date in movable_dates(name).values():
            assert date.weekday() == weekday, (name, date)
    for year, date in movable_dates("Thanksgiving (US)").items():
        assert 22 <= date.day <= 28 and date.month == 11


def test_easter_against_gauss_algorithm():
    for year, date in movable_dates("Easter Sunday").items():
        a, b, c = year % 19, year % 4, year % 7
        k = year // 100
        p = (13 + 8 * k) // 25
        q = k // 4
        m = (15 - p + k - q) % 30
        n = (4 + k - q) % 7
        d = (19 * a + m) % 30
        e = (2 * b + 4 * c + 6 * d + n) % 7
        expected = dt.date(year, 3, 22) + dt.timedelta(days=d + e)
        if d == 29 and e == 6:
            expected = dt.date(year, 4, 19)
        elif d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
            expected = dt.date(year, 4, 18)
        assert date == expected, year


# Low-precision astronomy (Meeus, Astronomical Algorithms, ch. 25 and 49).

J2000 = dt.datetime(2000, 1, 1, 12)


def sun_longitude(jd: float) -> float:
    """Apparent solar longitude in degrees (error about 0.01 degree)."""
    t = (jd - 2451545.0) / 36525
    l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    c = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(m)
         + (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000289 * math.sin(3 * m))
    omega = math.radians(125.04 - 1934.136 * t)
    return (l0 + c - 0.00569 - 0.00478 * math.sin(omega)) % 360


def jd_of(moment: dt.datetime) -> float:
    return 2451545.0 + (moment - J2000).total_seconds() / 86400


def moment_of(jd: float) -> dt.datetime:
    return J2000 + dt.timedelta(days=jd - 2451545.0)


def solar_term_moment(year: int, month: int, longitude: float) -> dt.datetime:
    """UTC moment the Sun reaches a longitude, searched within the given month."""
    lo = jd_of(dt.datetime(year, month, 1))
    hi = lo + 31
    for _ in range(60):
        mid = (lo + hi) / 2
        if (sun_longitude(mid) - longitude + 180) % 360 - 180 < 0:
            lo = mid
        else:
            hi = mid
    return moment_of(lo)


def new_moon(k: int) -> dt.datetime:
    """UTC moment of the k-th new moon after 2000-01-06 (main periodic terms only)."""
    t = k / 1236.85
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t ** 2 - 0.000000150 * t ** 3
    e = 1 - 0.002516 * t - 0.0000074 * t * t
    m = math.radians(2.5534 + 29.10535670 * k - 0.0000014 * t * t)
    mp = math.radians(201.5643 + 385.81693528 * k + 0.0107582 * t * t + 0.00001238 * t ** 3)
    f = math.radians(160.7108 + 390.67050284 * k - 0.0016118 * t * t - 0.00000227 * t ** 3)
    om = math.radians(124.7746 - 1.56375588 * k + 0.0020672 * t * t)
    jde += (-0.40720 * math.sin(mp) + 0.17241 * e * math.sin(m) + 0.01608 * math.sin(2 * mp)
            + 0.01039 * math.sin(2 * f) + 0.00739 * e * math.sin(mp - m) - 0.00514 * e * math.sin(mp + m)
            + 0.00208 * e * e * math.sin(2 * m) - 0.00111 * math.sin(mp - 2 * f) - 0.00057 * math.sin(mp + 2 * f)
            + 0.00056 * e * math.sin(2 * mp + m) - 0.00042 * math.sin(3 * mp) + 0.00042 * e * math.sin(m + 2 * f)
            + 0.00038 * e * math.sin(m - 2 * f) - 0.00024 * e * math.sin(2 * mp - m) - 0.00017 * math.sin(om)
            - 0.00007 * math.sin(mp + 2 * m) + 0.00004 * math.sin(2 * mp - 2 * f) + 0.00004 * math.sin(3 * m))
    return moment_of(jde) - dt.timedelta(seconds=65)  # TT to UTC, roughly


def beijing_day(moment: dt.datetime) -> dt.date | None:
    """Beijing calendar date of a UTC moment, or None when too close to midnight to call."""
    local = moment + BEIJING
    since_midnight = local - dt.datetime.combine(local.date(), dt.time())
    if min(since_midnight, dt.timedelta(days=1) - since_midnight) < MIDNIGHT_MARGIN:
        return None
    return local.date()


NEW_MOONS = [new_moon(k) for k in range(-13, 37 * 13)]


def is_new_moon_day(date: dt.date) -> bool:
    """Whether a new moon falls on this Beijing date (either side of midnight when too close to call)."""
    for moment in NEW_MOONS:
        day = beijing_day(moment)
        local = (moment + BEIJING).date()
        if day == date or (day is None and abs((local - date).days) <= 1):
            return True
    return False


def next_new_moon_day(date: dt.date) -> dt.date:
    return min((m + BEIJING).date() for m in NEW_MOONS if (m + BEIJING).date() > date + dt.timedelta(days=1))


def test_astronomy_sanity():
    # 2000 March equinox: 07:35 UTC on 20 March; new moon of 2024-04-08 at 18:21 UTC.
    equinox = solar_term_moment(2000, 3, 0.0)
    assert abs(equinox - dt.datetime(2000, 3, 20, 7, 35)) < dt.timedelta(minutes=15)
    assert abs(new_moon(300) - dt.datetime(2024, 4, 8, 18, 21)) < dt.timedelta(minutes=15)


@pytest.mark.parametrize("name,month,longitude", [("Lichun", 2, 315.0), ("Qingming", 4, 15.0)])
def test_solar_terms_against_astronomy(name, month, longitude):
    checked = 0
    for year, date in movable_dates(name).items():
        expected = beijing_day(solar_term_moment(year, month, longitude))
        if expected is not None:
            assert date == expected, year
            checked += 1
    assert checked >= LAST_YEAR - FIRST_YEAR - 3


def test_chinese_new_year_against_astronomy():
    # The first month holds the Yushui solar term (330 degrees); 2034 is the other side of
    # the "2033 problem", where a leap 11th month pushes New Year past Yushui.
    for year, date in movable_dates("Chinese New Year /").items():
        assert dt.date(year, 1, 21) <= date <= dt.date(year, 2, 20), year
        assert is_new_moon_day(date), year
        yushui = beijing_day(solar_term_moment(year, 2, 330.0))
        if year == 2034 or yushui is None:
            continue
        assert date <= yushui < next_new_moon_day(date), year


def test_mid_autumn_against_astronomy():
    # The 8th month is the one holding the autumn equinox; 2033 is the known exception
    # (the "2033 problem"), where the almanac places the 8th month one moon earlier.
    for year, date in movable_dates("Mid-Autumn").items():
        month_start = date - dt.timedelta(days=14)
        assert is_new_moon_day(month_start), year
        equinox = beijing_day(solar_term_moment(year, 9, 180.0))
        if year == 2033 or equinox is None:
            continue
        assert month_start <= equinox < next_new_moon_day(month_start), year
