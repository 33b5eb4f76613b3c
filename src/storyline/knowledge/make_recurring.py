"""Generate recurring.csv: fixed calendar days and every year's date of the movable ones.

Run `python make_recurring.py` (standard library only, deterministic) after editing the
tables below; it rewrites recurring.csv next to this file. Movable days are computed from
calendar rules (Easter algorithms, "n-th weekday of a month", the solar-term formula) or,
for the lunisolar Chinese festivals, taken from hand-checked tables, because the rules
need astronomical new moons that no short formula reproduces.

Patterns never contain `|` (the cell list separator); alternatives are separate patterns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Callable

FIRST_YEAR = 2000  # the knowledge files cover 2000 onwards (see README)
LAST_YEAR = 2035   # far enough ahead that articles dated "next year" are still covered

# Gregorian dates of Chinese New Year (first day of the first lunar month), hand-checked;
# tests re-derive each one from astronomical new moons.
CHINESE_NEW_YEAR: dict[int, str] = {
    2000: "02-05", 2001: "01-24", 2002: "02-12", 2003: "02-01", 2004: "01-22",
    2005: "02-09", 2006: "01-29", 2007: "02-18", 2008: "02-07", 2009: "01-26",
    2010: "02-14", 2011: "02-03", 2012: "01-23", 2013: "02-10", 2014: "01-31",
    2015: "02-19", 2016: "02-08", 2017: "01-28", 2018: "02-16", 2019: "02-05",
    2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22", 2024: "02-10",
    2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13",
    2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19",
    2035: "02-08",
}

# Mid-Autumn Festival (15th day of the 8th lunar month), hand-checked the same way.
MID_AUTUMN: dict[int, str] = {
    2000: "09-12", 2001: "10-01", 2002: "09-21", 2003: "09-11", 2004: "09-28",
    2005: "09-18", 2006: "10-06", 2007: "09-25", 2008: "09-14", 2009: "10-03",
    2010: "09-22", 2011: "09-12", 2012: "09-30", 2013: "09-19", 2014: "09-08",
    2015: "09-27", 2016: "09-15", 2017: "10-04", 2018: "09-24", 2019: "09-13",
    2020: "10-01", 2021: "09-21", 2022: "09-10", 2023: "09-29", 2024: "09-17",
    2025: "10-06", 2026: "09-25", 2027: "09-15", 2028: "10-03", 2029: "09-22",
    2030: "09-12", 2031: "10-01", 2032: "09-19", 2033: "09-08", 2034: "09-27",
    2035: "09-16",
}

# Solar-term constants C of the 21st-century formula day = floor(Y*D + C) - floor(L/4),
# with Y the last two digits of the year and L = Y-1 for January/February terms, else Y.
SOLAR_TERM_D = 0.2422
LICHUN_C = 3.87      # Beginning of Spring, early February
QINGMING_C = 4.81    # Clear and Bright (Tomb-Sweeping Day), early April

# (name, patterns, MM-DD). Lookarounds keep e.g. "Orthodox Christmas Day" or
# "Boxing Day tsunami" from being read as the Western holiday.
FIXED_DAYS: list[tuple[str, list[str], str]] = [
    ("New Year's Day", [r"(?<!Chinese )(?<!Lunar )(?<!Persian )(?<!Jewish )(?<!Islamic )New Year['’]?s Day"], "01-01"),
    ("Epiphany", [r"feast of (?:the )?(?-i:Epiphany)", r"(?-i:Epiphany Day)"], "01-06"),
    ("Orthodox Christmas Day", [r"Orthodox Christmas(?: Day)?"], "01-07"),
    ("Australia Day", [r"Australia Day"], "01-26"),
    ("Republic Day (India)", [r"India['’]?s Republic Day", r"Indian Republic Day", r"Republic Day (?:parade|celebrations?) in (?:New )?Delhi"], "01-26"),
    ("International Holocaust Remembrance Day", [r"International Holocaust Remembrance Day", r"Holocaust Memorial Day"], "01-27"),
    ("Valentine's Day", [r"(?:St\.? |Saint )?Valentine['’]?s Day"], "02-14"),
    ("Defender of the Fatherland Day (Russia)", [r"Defender of the Fatherland Day"], "02-23"),
    ("International Women's Day", [r"International Women['’]?s Day"], "03-08"),
    ("St Patrick's Day", [r"(?:St\.? |Saint )Patrick['’]?s Day"], "03-17"),
    ("April Fools' Day", [r"April Fools['’]? Day"], "04-01"),
    ("Earth Day", [r"(?-i:Earth Day)"], "04-22"),
    ("Anzac Day", [r"Anzac Day"], "04-25"),
    ("May Day / International Workers' Day", [r"(?-i:May Day)", r"International Workers['’]? Day", r"International Labou?r Day"], "05-01"),
    ("World Press Freedom Day", [r"World Press Freedom Day"], "05-03"),
    ("Victory in Europe Day", [r"\bV-?E Day", r"Victory in Europe Day"], "05-08"),
    ("Victory Day (Russia)", [r"(?<!Bangladesh )(?<!Bangladesh['’]s )(?<!Europe )(?-i:Victory Day)"], "05-09"),
    ("Europe Day", [r"(?-i:Europe Day)"], "05-09"),
    ("International Children's Day", [r"International Children['’]?s Day"], "06-01"),
    ("World Environment Day", [r"World Environment Day"], "06-05"),
    ("Russia Day", [r"(?-i:Russia Day)"], "06-12"),
    ("Juneteenth", [r"Juneteenth"], "06-19"),
    ("Canada Day", [r"(?-i:Canada Day)"], "07-01"),
    ("US Independence Day", [r"Fourth of July", r"July Fourth", r"(?:US |U\.S\. |American )Independence Day"], "07-04"),
    ("Bastille Day", [r"Bastille Day(?! attack)(?! massacre)(?! truck attack)"], "07-14"),
    ("Hiroshima bombing anniversary", [r"anniversary of the (?:atomic )?bombing of Hiroshima"], "08-06"),
    ("Nagasaki bombing anniversary", [r"anniversary of the (?:atomic )?bombing of Nagasaki"], "08-09"),
    ("Independence Day (Pakistan)", [r"Pakistan['’]?s Independence Day", r"Pakistani Independence Day"], "08-14"),
    ("Independence Day (India)", [r"India['’]?s Independence Day", r"Indian Independence Day"], "08-15"),
    ("Independence Day (Ukraine)", [r"Ukraine['’]?s Independence Day", r"Ukrainian Independence Day"], "08-24"),
    ("September 11 anniversary", [r"anniversary of the (?:September 11|Sept\.? 11|9/11) attacks"], "09-11"),
    ("National Day (China)", [r"China['’]?s National Day", r"Chinese National Day", r"National Day Golden Week"], "10-01"),
    ("German Unity Day", [r"German Unity Day", r"Day of German Unity"], "10-03"),
    ("Halloween", [r"Hallowe['’]?en"], "10-31"),
    ("All Saints' Day", [r"All Saints['’]? Day"], "11-01"),
    ("Day of the Dead", [r"Day of the Dead", r"D[ií]a de (?:los )?Muertos"], "11-02"),
    ("Unity Day (Russia)", [r"(?:National|People['’]?s) Unity Day"], "11-04"),
    ("Bonfire Night", [r"Bonfire Night", r"Guy Fawkes Night"], "11-05"),
    ("Armistice Day / Remembrance Day / Veterans Day", [r"Armistice Day", r"(?-i:Remembrance Day)", r"Veterans['’]? Day"], "11-11"),
    ("Singles' Day", [r"Singles['’]? Day"], "11-11"),
    ("World AIDS Day", [r"World AIDS Day"], "12-01"),
    ("Human Rights Day", [r"(?-i:Human Rights Day)"], "12-10"),
    ("Christmas Eve", [r"(?<!Orthodox )Christmas Eve"], "12-24"),
    ("Christmas Day", [r"(?<!Orthodox )Christmas Day"], "12-25"),
    ("Boxing Day", [r"Boxing Day(?! tsunami)(?! earthquake)"], "12-26"),
    ("New Year's Eve", [r"(?<!Chinese )(?<!Lunar )(?<!Persian )(?<!Jewish )(?<!Islamic )New Year['’]?s Eve"], "12-31"),
]


def expand_alternatives(pattern: str) -> list[str]:
    """Split every `(?:a|b)` group into separate patterns, since `|` separates cell items.

    Alternation inside lookarounds cannot be split this way, so it is rejected.
    """
    stack: list[tuple[int, list[int]]] = []
    top_bars: list[int] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            stack.append((i, []))
        elif ch == "|":
            (stack[-1][1] if stack else top_bars).append(i)
        elif ch == ")":
            start, bars = stack.pop()
            if bars:
                if not pattern.startswith("(?:", start) or any(
                        pattern.startswith(look, outer) for outer, _ in stack
                        for look in ("(?=", "(?!", "(?<=", "(?<!")):
                    raise ValueError(f"alternation only in (?:...) groups outside lookarounds: {pattern}")
                cuts = [start + 2] + bars + [i]
                return [
                    expanded
                    for a, b in zip(cuts, cuts[1:])
                    for expanded in expand_alternatives(
                        pattern[:start] + "(?:" + pattern[a + 1:b] + ")" + pattern[i + 1:])
                ]
        i += 1
    if top_bars:
        cuts = [-1] + top_bars + [len(pattern)]
        return [e for a, b in zip(cuts, cuts[1:]) for e in expand_alternatives(pattern[a + 1:b])]
    return [pattern]


def western_easter(year: int) -> dt.date:
    """Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def orthodox_easter(year: int) -> dt.date:
    """Orthodox Easter: Meeus' Julian algorithm, shifted to the Gregorian calendar.

    The 13-day Julian-Gregorian offset holds from 1900 to 2099, which covers our range.
    """
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return dt.date(year, month, day + 1) + dt.timedelta(days=13)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """n-th given weekday (Monday=0) of a month; n=-1 means the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def solar_term(year: int, month: int, c: float) -> dt.date:
    """Day of a solar term by the 21st-century formula (valid 2000-2099, China time)."""
    y = year % 100
    leap_base = y - 1 if month <= 2 else y
    day = math.floor(y * SOLAR_TERM_D + c) - math.floor(leap_base / 4)
    return dt.date(year, month, day)


def from_table(table: dict[int, str], offset_days: int = 0) -> Callable[[int], dt.date]:
    """Date function reading an MM-DD table, optionally shifted by a number of days."""
    def date_of(year: int) -> dt.date:
        month, day = (int(part) for part in table[year].split("-"))
        return dt.date(year, month, day) + dt.timedelta(days=offset_days)
    return date_of


def shifted(base: Callable[[int], dt.date], days: int) -> Callable[[int], dt.date]:
    """Date function a fixed number of days from another movable day."""
    return lambda year: base(year) + dt.timedelta(days=days)


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# (name, patterns, date function).
MOVABLE_DAYS: list[tuple[str, list[str], Callable[[int], dt.date]]] = [
    ("Easter Sunday", [r"(?<!Orthodox )Easter Sunday", r"(?<!Orthodox )Easter Day"], western_easter),
    ("Good Friday", [r"(?<!Orthodox )Good Friday(?! Agreement)"], shifted(western_easter, -2)),
    ("Easter Monday", [r"(?<!Orthodox )Easter Monday"], shifted(western_easter, 1)),
    ("Palm Sunday", [r"(?<!Orthodox )Palm Sunday"], shifted(western_easter, -7)),
    ("Ash Wednesday", [r"Ash Wednesday"], shifted(western_easter, -46)),
    ("Shrove Tuesday / Mardi Gras", [r"Shrove Tuesday", r"Pancake Day", r"Mardi Gras"], shifted(western_easter, -47)),
    ("Mothering Sunday (UK)", [r"Mothering Sunday"], shifted(western_easter, -21)),
    ("Ascension Day", [r"Ascension Day", r"Feast of the Ascension"], shifted(western_easter, 39)),
    ("Pentecost", [r"Pentecost Sunday", r"Whit Sunday", r"(?-i:Pentecost)"], shifted(western_easter, 49)),
    ("Orthodox Easter", [r"Orthodox Easter(?: Sunday)?(?! Monday)"], orthodox_easter),
    ("Orthodox Good Friday", [r"Orthodox Good Friday"], shifted(orthodox_easter, -2)),
    ("Martin Luther King Jr. Day", [r"Martin Luther King(?: Jr\.?)?,? Day", r"\bMLK Day"], lambda y: nth_weekday(y, 1, MON, 3)),
    ("Presidents' Day (US)", [r"Presidents['’]? Day", r"Washington['’]?s Birthday holiday"], lambda y: nth_weekday(y, 2, MON, 3)),
    ("Mother's Day (US and many countries)", [r"(?-i:Mother['’]?s Day)"], lambda y: nth_weekday(y, 5, SUN, 2)),
    ("Memorial Day (US)", [r"(?<!Israel['’]s )(?<!Korea['’]s )(?-i:Memorial Day)"], lambda y: nth_weekday(y, 5, MON, -1)),
    ("Father's Day (US, UK and many countries)", [r"(?-i:Father['’]?s Day)"], lambda y: nth_weekday(y, 6, SUN, 3)),
    ("Labor Day (US)", [r"(?:US |U\.S\. |American )Labor Day", r"Labor Day weekend"], lambda y: nth_weekday(y, 9, MON, 1)),
    ("Columbus Day / Indigenous Peoples' Day (US)", [r"Columbus Day", r"Indigenous Peoples['’]? Day"], lambda y: nth_weekday(y, 10, MON, 2)),
    ("Thanksgiving (Canada)", [r"Canadian Thanksgiving", r"Thanksgiving (?:Day )?in Canada"], lambda y: nth_weekday(y, 10, MON, 2)),
    ("Thanksgiving (US)", [r"(?<!Canadian )Thanksgiving Day(?! in Canada)", r"(?<!Canadian )Thanksgiving (?:holiday|weekend|dinner|Day parade)"], lambda y: nth_weekday(y, 11, THU, 4)),
    ("Black Friday", [r"(?-i:Black Friday)"], lambda y: nth_weekday(y, 11, THU, 4) + dt.timedelta(days=1)),
    ("Cyber Monday", [r"Cyber Monday"], lambda y: nth_weekday(y, 11, THU, 4) + dt.timedelta(days=4)),
    ("Remembrance Sunday (UK)", [r"Remembrance Sunday"], lambda y: nth_weekday(y, 11, SUN, 2)),
    ("Chinese New Year / Lunar New Year / Spring Festival", [
        r"Chinese New Year(?!['’]?s Eve)(?! Eve)",
        r"Lunar New Year(?!['’]?s Eve)(?! Eve)",
        r"(?-i:Spring Festival)(?! Eve)",
        r"first day of the (?:Chinese )?lunar new year",
    ], from_table(CHINESE_NEW_YEAR)),
    ("Chinese New Year's Eve", [
        r"(?:Chinese|Lunar) New Year['’]?s Eve",
        r"(?:Chinese|Lunar) New Year Eve",
        r"(?-i:Spring Festival) Eve",
    ], from_table(CHINESE_NEW_YEAR, -1)),
    ("Lantern Festival", [r"Lantern Festival", r"Yuanxiao Festival"], from_table(CHINESE_NEW_YEAR, 14)),
    ("Lichun (Beginning of Spring solar term)", [
        r"beginning of spring (?:in|according to) the (?:traditional )?Chinese (?:lunar )?calendar",
        r"(?:first day|start) of spring (?:in|according to) the (?:traditional )?Chinese (?:lunar )?calendar",
        r"start of spring[^.]{0,40}?Chinese (?:lunar )?calendar",
        r"Beginning of Spring solar term",
        r"solar term (?:of |known as )?[\"“']?(?:the )?Beginning of Spring",
        r"\bLi ?chun\b",
    ], lambda y: solar_term(y, 2, LICHUN_C)),
    ("Qingming Festival (Tomb-Sweeping Day)", [
        r"Qingming(?: Festival)?", r"Ching Ming(?: Festival)?", r"Tomb[- ]Sweeping (?:Day|Festival)",
    ], lambda y: solar_term(y, 4, QINGMING_C)),
    ("Mid-Autumn Festival", [r"Mid-?Autumn Festival", r"Mooncake Festival"], from_table(MID_AUTUMN)),
]


WORD_START = r"(?<!\w)"  # "Ever Given" must not fire inside "never given"


def join_patterns(patterns: list[str]) -> str:
    """One CSV cell: all patterns, alternations expanded, each anchored at a word start,
    `|`-separated, no repeats."""
    expanded = [WORD_START + e for pattern in patterns for e in expand_alternatives(pattern)]
    return "|".join(dict.fromkeys(expanded))


def fixed_rows() -> list[list[str]]:
    """CSV rows for days with the same month and day every year."""
    return [[name, join_patterns(patterns), month_day, ""] for name, patterns, month_day in FIXED_DAYS]


def movable_rows(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> list[list[str]]:
    """CSV rows listing each movable day's date for every year in range."""
    rows = []
    for name, patterns, date_of in MOVABLE_DAYS:
        dates = "|".join(date_of(year).isoformat() for year in range(first, last + 1))
        rows.append([name, join_patterns(patterns), "", dates])
    return rows


def render_csv() -> str:
    """The whole recurring.csv text (header, comment, rows)."""
    out = io.StringIO()
    out.write("name,patterns,month_day,dates\n")
    out.write(f"# generated by make_recurring.py for {FIRST_YEAR}-{LAST_YEAR}; edit the script, not this file\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(fixed_rows() + movable_rows())
    return out.getvalue()


def main() -> None:
    """Rewrite recurring.csv beside this script."""
    target = Path(__file__).resolve().parent / "recurring.csv"
    target.write_text(render_csv(), encoding="utf-8")


if __name__ == "__main__":
    main()
