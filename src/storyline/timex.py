"""Find temporal expressions in English news text and resolve them to TimeML values.

Rule-based on purpose: the dating stage needs to know *why* a value was chosen
(which rule, which tense, which reference), and it needs the reference-free parse
(weekday + tense, day-month, year) to reason over many candidate publication days.
So parsing (:func:`parse_temporal_expressions`) is kept apart from resolution
(:func:`resolve_timex`), and :func:`find_temporal_expressions` composes the two.

Conventions (TimeML): days ``2026-02-04``, ISO weeks ``2026-W06``, weekends
``2026-W05-WE``, months ``2026-02``, seasons ``2026-SP``, quarters ``2026-Q1``,
years ``2023``, decades ``202``, ``PRESENT_REF``/``PAST_REF``/``FUTURE_REF``,
durations ``P3D``/``PT8M``/``PXY``, sets ``P1Y``.

Tense rule: a bare weekday, month or season means the most recent one on or before
the reference unless the clause speaks of the future ("will", "is expected to",
"later on", "next").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from storyline.knowledge import Knowledge, RecurringDay
from storyline.model import DateInference, Document, TemporalExpression
from storyline.text import split_sentences

# Article text is hostile input: look at most this much of it (about 300 pages).
MAX_TEXT_CHARS = 1_000_000
# A clause rarely runs longer than this; bounding the look-around keeps tense
# detection linear and stops one long sentence from colouring a distant mention.
MAX_CLAUSE_CHARS = 160
# A future cue after the expression counts only this close ("Thursday are expected to");
# further on it usually belongs to a new subject ("Monday they have no plans to").
FUTURE_CUE_AFTER_WORDS = 1
# "year-end" told in the past up to this month of the reference year means the previous
# year's end (a report in February looks back on December); a convention, not tuned.
YEAR_END_PAST_MONTHS = 6
# A bare month this few months after the reference month means the coming one: news names a
# month gone almost a year as "last November". TimeBank tune split, DATE values right:
# 0 -> 459, 1 -> 460, 2 and 3 -> 461, 4 -> 460, 6 -> 458; whole set: 2 -> 891, 3 -> 892, 4 -> 891.
MONTHS_AHEAD_AS_COMING = 3
# "a year ago" refers back to a quarter named at most this far before (about three
# sentences of an earnings report); TimeBank tune split: 600-3000 all score alike.
QUARTER_ANAPHORA_CHARS = 1000
QUARTER_VALUE = re.compile(r"\d{4}-Q[1-4]")
# results for a stretch longer than a quarter ("the nine months", "the first half")
LONGER_PERIOD_CUE = re.compile(r"\b(?:six|nine|\d{1,2})\s+months\b|\b(?:first|second)\s+half\b", re.IGNORECASE)
# a sentence reporting results: money amounts or per-share figures
RESULTS_CUE = re.compile(r"[$\u00a3\u20ac]|\b(?:cents?|a share|billion|million)\b", re.IGNORECASE)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "couple": 2, "a couple of": 2,
}  # fmt: skip
VAGUE_NUMBERS = ("several", "few", "a few", "many", "some", "numerous", "dozens of")
UNITS = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M",
    "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q", "weekend": "WE",
}  # fmt: skip
TIME_UNITS = ("second", "minute", "hour")
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "Super Tuesday", "Black Friday", "Good Friday": names of days, not a weekday of this week
_NAMED_DAY_GUARD = "".join(
    f"(?<!{w} )" for w in ("Super", "Black", "Cyber", "Good", "Ash", "Easter", "Palm", "Bloody", "Holy", "Maundy", "Shrove", "Fat")
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_NUM_WORD = "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
_VAGUE = "|".join(re.escape(v) for v in VAGUE_NUMBERS)
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_COMPOUND = rf"(?:{_TENS}[\s-]{_ONES})"
_NUM = rf"(?:\d{{1,4}}|{_COMPOUND}|{_NUM_WORD}|{_VAGUE})"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
# broadcast transcripts spell years out: "nineteen ninety-six", "the year two thousand"
_SPELLED_YEAR = (
    rf"(?:(?:nineteen|twenty)[\s-](?:hundred|{_TEENS}|{_TENS}(?:[\s-]{_ONES})?)(?![\w-])"
    rf"|(?<=the\syear\s)two\s+thousand(?:\s+(?:and\s+)?(?:{_ONES}|{_TEENS}))?\b)"
)
_ANY_YEAR = rf"(?:{_YEAR}|{_SPELLED_YEAR})"
# clock times and parts of days (TIME values: 1998-02-12T19:15, 1998-02-06TMO)
_CLOCK = r"(?:(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.\s?m\.|[ap]m\b)|(?P<noon>noon|midnight))"
_DAYPART = r"(?:mid-?\s*)?(?:morning|afternoon|evening|night)"
DAYPARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "twenty-first": 21, "twenty first": 21,
}  # fmt: skip
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + ")"
_UNIT = r"(?:second|minute|hour|day|week|month|year|decade|centur(?:y|ie))s?"
_DM = rf"(?:(?P<dmd>{_DAY})\s+(?:of\s+)?(?P<dmm>{_MONTH})|(?P<mdm>{_MONTH})\s+(?P<mdd>{_DAY})(?!\d|:\d))"

FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|(?:is|are|am|'s|'re)\s+(?:also\s+|still\s+|now\s+|not\s+)?"
    r"(?:going|planning|likely|to\s+be\s+held)\s+to"
    r"|(?:(?:is|are|am|'s|'re)\s+(?:also\s+|still\s+|now\s+|not\s+)?)?"
    r"(?:expected|scheduled|slated|poised|supposed)\s+(?:to|in|on|for|by)|set\s+(?:to|for)\b(?!\s+life)"
    r"|(?:is|are|am|'s|'re)\s+(?:also\s+|still\s+|now\s+)?set\s+(?:in|on|by)|(?:is|are|am|'s|'re)\s+due\s+(?:to|in|on|for|by)|due\s+(?:in|on|for|by)"
    r"|plans?\s+to|upcoming|forthcoming|(?:is|are)\s+to\s+(?!be\s+\w+ed\b)\w+)\b|'ll\b",
    re.IGNORECASE,
)
CLAUSE_BOUNDARY = re.compile(
    r"[.!?;:\n\u201c\u201d\"]|,\s|\b(?:that|which|who|whom|while|whereas|but|after|before|since|until|till"
    r"|because|although|though|unless|whether)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedTimex:
    """A temporal expression before resolution: what it says, not yet what it denotes."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    kind: str  # which rule found it (see resolve_timex)
    tense: str  # past | future
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    offset: int = 0  # -1 last, +1 next, 0 this / bare; N for "N units ago" (negative)
    unit: str | None = None  # day | week | month | year | quarter | weekend | season ...
    modifier: str | None = None  # early | late | mid | earlier | later
    fixed: str | None = None  # value that needs no reference (P3D, PAST_REF, 2014)
    clock: str | None = None  # time of day for TIME values: T22:00, TMO
    # anaphoric ("the following day", "that month", "two days later"): counted from the last
    # date the text named (its temporal focus), not from the publication day
    anchored: bool = False
    holiday: RecurringDay | None = None  # a recurring day named ("Christmas Eve"), from the knowledge files

    @property
    def day_resolvable(self) -> bool:
        """Whether the expression denotes a single day once a reference is known."""
        return self.type in ("DATE", "TIME") and self.kind in ("date", "monthday", "weekday", "relday")


def find_temporal_expressions(text: str, reference: date | None, knowledge: Knowledge | None = None) -> list[TemporalExpression]:
    """Temporal expressions in ``text`` with TimeML values resolved against ``reference``;
    with ``knowledge``, also the recurring days it lists ("Christmas Eve", "Thanksgiving Day")."""
    parsed = parse_temporal_expressions(text, recurring=knowledge.recurring if knowledge else ())
    return [
        TemporalExpression(p.start, p.end, p.text, p.type, value, evidence)
        for p, (value, evidence) in zip(parsed, resolve_in_order(parsed, reference))
    ]


def resolve_in_order(parsed: list[ParsedTimex], reference: date | None) -> list[tuple[str | None, str]]:
    """Values of expressions in text order, with what earlier ones say: in earnings news
    "compared with $5 million a year ago" means the quarter just reported, a year back;
    "the following day" and "that month" count from the last date named (the temporal
    focus), while deictic ones ("yesterday", "last week") count from the reference."""
    out = []
    last_quarter: tuple[int, str] | None = None  # (end offset, value) of the last quarter named
    focus: Focus | None = None
    for p in parsed:
        anchored = resolve_anchored(p, focus) if p.anchored and reference is not None and focus else None
        value, evidence = anchored or resolve_timex(p, reference)
        year_back = p.kind == "ago" and p.unit == "year" and p.modifier in ("quarter", "results") and p.offset == -1
        if year_back and last_quarter and p.start - last_quarter[0] <= QUARTER_ANAPHORA_CHARS:
            year, q = last_quarter[1].split("-Q")
            value = f"{int(year) + p.offset:04d}-Q{q}"
            evidence = f"{p.text!r}: the quarter named before ({last_quarter[1]}) {-p.offset} year(s) back"
        if p.kind == "reported_quarter" and p.year and last_quarter and p.start - last_quarter[0] <= QUARTER_ANAPHORA_CHARS:
            value = f"{p.year:04d}-Q{last_quarter[1][-1]}"
            evidence = f"{p.text!r}: the quarter named before ({last_quarter[1]}) in {p.year}"
        elif p.kind == "reported_quarter" and p.offset and _completed_quarter_named(last_quarter, p.start, reference):
            year, q = last_quarter[1].split("-Q")
            value = f"{int(year) - 1:04d}-Q{q}"  # "the year-ago period": the quarter named, a year back
            evidence = f"{p.text!r}: the quarter named before ({last_quarter[1]}) a year back"
        derived = p.kind == "reported_quarter" and (p.year or p.offset)  # told against the quarter named
        if value and QUARTER_VALUE.fullmatch(value) and not (year_back or derived):
            last_quarter = (p.end, value)
        # a comparison with results ("up from $5 a year earlier") names no time the story moves to
        compared = p.kind == "ago" and p.modifier in ("quarter", "results", "period") or derived
        named = focus_of(value, p.text) if value and p.type in ("DATE", "TIME") and not compared else None
        # "that year" after "March 1995" keeps the month in focus for "the same month"
        if named and not (p.anchored and focus and UNIT_FINENESS[named.unit] > UNIT_FINENESS[focus.unit]):
            focus = named
        out.append((value, evidence))
    return out


def _completed_quarter_named(last_quarter: tuple[int, str] | None, at: int, reference: date | None) -> bool:
    """Whether a quarter named shortly before ``at`` has ended by the reference: results
    are reported for such quarters, so "the year-ago period" compares with it (a quarter
    still under way or forecast, "into the fourth quarter", is not the one reported)."""
    if last_quarter is None or reference is None or at - last_quarter[0] > QUARTER_ANAPHORA_CHARS:
        return False
    return last_quarter[1] < f"{reference.year:04d}-Q{(reference.month + 2) // 3}"


@dataclass(frozen=True)
class Focus:
    """The last date a text named: its first day, how coarse it is, and the words naming it."""

    day: date
    unit: str  # day | week | month | quarter | year
    text: str


# how fine each unit is; a focus serves an expression of its own unit or a coarser one
UNIT_FINENESS = {"day": 0, "week": 1, "weekend": 1, "month": 2, "quarter": 3, "year": 4, "decade": 5, "century": 6}
FOCUS_VALUE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d\d)(?:-(?P<d>\d\d))?|-W(?P<w>\d\d)(?:-WE)?|-Q(?P<q>[1-4]))?(?:T[\w:]+)?")


def focus_of(value: str, text: str) -> Focus | None:
    """The focus a resolved value sets; None for values that name no period (P3D, PAST_REF)."""
    m = FOCUS_VALUE.fullmatch(value)
    if m is None:
        return None
    y = int(m["y"])
    try:
        if m["d"]:
            return Focus(date(y, int(m["m"]), int(m["d"])), "day", text)
        if m["m"]:
            return Focus(date(y, int(m["m"]), 1), "month", text)
        if m["w"]:
            return Focus(date.fromisocalendar(y, int(m["w"]), 1), "week", text)
        if m["q"]:
            return Focus(date(y, 3 * int(m["q"]) - 2, 1), "quarter", text)
    except ValueError:
        return None
    return Focus(date(y, 1, 1), "year", text)


def resolve_anchored(p: ParsedTimex, focus: Focus) -> tuple[str, str] | None:
    """The value of an anaphoric expression counted from ``focus``; None when the focus is
    too coarse for it ("the following day" after "in 1995"): the caller falls back."""
    if UNIT_FINENESS[focus.unit] > UNIT_FINENESS.get("day" if p.kind == "weekday" else p.unit, 0):
        return None
    if p.kind == "weekday":
        value, _ = _resolve_weekday(p, focus.day)
        value = value + p.clock if value and p.clock else value
    elif p.unit == "day":
        value = (focus.day + timedelta(days=p.offset)).isoformat() + (p.clock or "")
    else:
        value = _resolve_unit(p.unit, p.offset, focus.day)
    if value is None:
        return None
    return value, f"{p.text!r} counted from the date named before ({focus.text!r}, {focus.day.isoformat()})"


# --------------------------------------------------------------------------- parsing


def _rules() -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) in priority order: earlier rules win ties on the same span."""
    ci = re.IGNORECASE
    return [
        ("iso", re.compile(rf"(?<![\d-])(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d])")),
        ("numeric", re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")),
        (
            "weekday",
            re.compile(
                rf"(?:(?:(?:around|about)\s+)?{_CLOCK}\s+(?:on\s+)?)?"
                rf"(?:(?P<pre>last|next|this|coming|past|later\s+on|earlier\s+on|early|late|[Tt]he\s+(?:following|previous|preceding))\s+)?"
                rf"{_NAMED_DAY_GUARD}(?P<wd>{_WEEKDAY})(?:(?=['\u2019]s\b)|(?:\s+(?P<part>{_DAYPART})\b)?"
                rf"(?:,?\s*(?P<paren>\()?\s*{_DM}(?:,?\s+(?P<wy>{_YEAR}))?(?(paren)\s*\)))?)",
            ),
        ),
        ("dmy", re.compile(rf"(?<!\d)(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})(?!\d)")),
        ("mdy", re.compile(rf"(?P<m>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})(?!\d)")),
        ("monthyear", re.compile(rf"(?:(?P<mod>early|late|mid-?)\s*)?(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_ANY_YEAR})(?!\d)")),
        ("month_rel_year", re.compile(rf"(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<det>this|last|next|the\s+same)\s+year\b(?!-)")),
        ("monthday", re.compile(rf"(?<!\d)(?:(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})(?![\d:,]\d|\d))")),
        (
            "season",
            re.compile(
                rf"(?:(?P<mod>early|late|mid-?)\s*)?(?:(?P<det>this|last|next|past|coming|the)\s+)?"
                rf"(?P<s>spring|summer|autumn|winter|fall)(?:\s+(?:of\s+)?(?P<y>{_ANY_YEAR}))?\b",
                ci,
            ),
        ),
        (
            "relunit",
            re.compile(
                r"(?:(?P<mod>early|late|mid-?|earlier|later)\s+(?:in\s+)?)?"
                r"(?P<det>this|last|next|past|coming|previous|current|the\s+past|the\s+last|the\s+next|the\s+coming)"
                r"\s+(?P<u>week|weekend|month|year|quarter|decade|century)\b(?!-)",
                ci,
            ),
        ),
        (
            "anaphoric",
            re.compile(
                r"\b(?:(?P<mod>later|earlier|late|early)\s+(?:in\s+|on\s+)?)?"
                r"(?:(?P<that>that|the\s+same)|the\s+(?P<rel>following|next|previous|preceding|prior))\s+"
                r"(?P<u>day|morning|afternoon|evening|night|week|weekend|month|year|quarter)\b(?!-)"
                r"|\b(?P<mod2>earlier|later)\s+in\s+the\s+(?P<u2>day|week|month|year)\b"
                r"|\bthe\s+(?P<u3>day|week|month|year)\s+(?P<ba>before|after)(?=\s*[,.;:!?]|\s+(?:and|when|while)\b)"
                # "Oct. 12, the day before the crash": the date just named, in apposition
                r"|(?<=,\s)the\s+(?P<u4>day)(?=\s+(?:before|after|when|of)\b)",
                ci,
            ),
        ),
        ("ago", re.compile(rf"\b(?:(?P<n>{_NUM})\s+)?(?P<u>{_UNIT})\s+(?:or\s+so\s+)?(?:ago|earlier|before|back|later|after|from\s+now|hence)\b", ci)),
        ("relday", re.compile(r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|tonight)\b", ci)),
        # "today is the eighth day of ...", "it's the second day of ...": the day of speaking
        ("nth_day", re.compile(rf"(?:(?<=\btoday\sis\s)|(?<=\bit's\s)|(?<=\bit\u2019s\s)|(?<=\bit\sis\s))(?:the\s+)?{_ORDINAL}\s+day\b", ci)),
        (
            "daypart",
            re.compile(
                rf"\b(?:(?P<w1>this|yesterday|tomorrow|last|early\s+this|late\s+last)\s+(?P<p1>{_DAYPART})"
                rf"|(?P<p2>{_DAYPART})\s+(?P<w2>yesterday|today|tomorrow))\b",
                ci,
            ),
        ),
        ("clock", re.compile(rf"(?:\b(?:around|about)\s+)?\b{_CLOCK}(?:\s+(?P<w>yesterday|today|tomorrow|tonight))?", ci)),
        ("ref", re.compile(r"\b(?P<w>right\s+now|now|currently|current|nowadays|at\s+present|these\s+days|recently|recent\s+(?:years|months|weeks|days|quarters)|recent|the\s+past|the\s+future|(?:the\s+)?(?:coming|future)\s+(?:years|months|weeks|days|quarters)|(?<=\bat\s)a\s+later\s+date|(?:the\s+)?(?:near|distant|foreseeable)\s+future)\b", ci)),
        ("decade", re.compile(r"\b(?:the\s+)?(?:(?:early|mid-?|late)[\s-]*)?(?:(?P<c>1[6-9]|20)(?P<d>\d)0|['\u2019](?P<s>\d)0)['\u2019]?s\b", ci)),
        (
            "decade",
            re.compile(
                r"\bthe\s+(?:(?:early|mid-?|late)[\s-]*)?(?:(?P<cw>nineteen|eighteen)[\s-]+)?"
                r"(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b",
                ci,
            ),
        ),
        (
            "quarter",
            re.compile(
                rf"\b(?:the\s+)?(?:(?P<ago>year-(?:ago|earlier)|prior-year)\s+|(?P<y>{_YEAR})(?:'s)?\s+|(?P<det>this|last|next)\s+year'?s\s+)?"
                rf"(?:fiscal\s+)?(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]quarter\b(?:\s+(?:of\s+)?(?:fiscal\s+)?(?P<y2>{_YEAR})\b|\s+of\s+(?P<ty>the|this|next|last)\s+year\b)?",
                ci,
            ),
        ),
        (
            "half",
            re.compile(
                rf"\b(?:the\s+)?(?:(?P<ago>year-(?:ago|earlier)|prior-year)\s+|(?P<y>{_YEAR})(?:'s)?\s+|(?P<det>this|last|next)\s+year'?s\s+)?"
                rf"(?:fiscal\s+)?(?:(?P<o>first|second|last|1st|2nd)[\s-]half|(?P<o2>first|last)\s+two\s+quarters)\b(?:\s+of\s+(?:fiscal\s+)?(?P<y2>{_YEAR})\b|\s+of\s+(?P<ty>the|this|next|last)\s+year\b)?",
                ci,
            ),
        ),
        ("century", re.compile(rf"\b(?:the\s+)?(?P<o>{_ORDINAL})[\s-]century\b", ci)),
        ("ago", re.compile(r"\b(?P<u>year)-(?:ago|earlier)\b(?!\s+(?:first|second|third|fourth|quarter|period|half))", ci)),
        (
            "past_n_units",
            re.compile(
                rf"\b(?:the\s+)?(?:past|last|next|coming|previous|first|final|following|remaining)\s+"
                rf"(?P<n>{_NUM}(?:\s+(?:to|or)\s+{_NUM})?)\s+(?P<u>{_UNIT}|quarters?)\b",
                ci,
            ),
        ),
        ("the_unit", re.compile(r"\bthe\s+(?:(?:full|calendar|current|fiscal|current\s+fiscal)\s+)?(?P<u>year|month|week|weekend)\b(?!-|\s+(?:ago|earlier|before|after|later|\d|two\b))(?P<dur>\s+(?:ended|ending|to\s+date|through)\b)?", ci)),
        ("year_end", re.compile(r"\b(?:(?P<pre>around|about)\s+)?(?:the\s+)?year[\s-]end\b", ci)),
        (
            "reported_quarter",
            re.compile(
                rf"\bthe\s+(?:(?P<cmp>same|corresponding|comparable|like)\s+)?"
                rf"(?:(?P<ago>(?:year-(?:ago|earlier)|prior-year)\s+)|(?P<y>{_YEAR})(?:'s)?\s+)?(?:latest\s+|recent\s+|just-ended\s+|fiscal\s+)?"
                r"(?:quarter|period)\b(?P<ago2>\s+(?:(?:of\s+)?last\s+year|a\s+year\s+(?:ago|earlier)))?"
                r"|\blast\s+year['\u2019]?s\s+(?P<ago3>quarter|period)\b",
                ci,
            ),
        ),
        (
            "set",
            re.compile(
                rf"\b(?:(?:every|each)\s+(?P<u>day|week|month|year|{_WEEKDAY})(?:\s+(?P<part>{_DAYPART}))?"
                rf"|(?P<adv>weekly|monthly|annually|yearly|hourly)"
                rf"|(?:(?<=\btimes\s)|(?<=\btwice\s)|(?<=\bonce\s))(?:a|per)\s+(?P<per>day|week|month|year)"
                rf"|(?P<wds>{_WEEKDAY})s?(?:s|\s+(?P<part2>mornings|afternoons|evenings|nights)))\b",
            ),
        ),
        ("for_units", re.compile(r"\bfor\s+(?P<u>seconds|minutes|hours|days|weeks|months|years|decades|centuries)\b", ci)),
        # ages ("52 years old", "a 136-year-old firm") are not temporal expressions in TimeML corpora
        (
            "duration",
            re.compile(rf"\b(?:the\s+(?:latest\s+|full\s+)?)?(?P<n>{_NUM})(?:\s+(?:more|additional|straight|consecutive))?(?:\s+|-)(?P<u>{_UNIT})(?:-long)?\b(?![\s-]+old\b|-(?:ago|earlier)\b)", ci),
        ),
        ("duration", re.compile(r"\b(?:the\s+)?(?P<u>days|weeks|months|years)\s+(?:ahead|to\s+come)\b", ci)),
        ("month", re.compile(rf"(?:\b(?P<pre>(?i:early|late|mid-?|last|next|this|in|by|until|since|of|from|through))\s+)?(?P<m>{_MONTH})(?![\w])")),
        ("year", re.compile(rf"(?<![\w$\u00a3\u20ac.,/-])(?:(?P<pre>fiscal|mid-|early|late)\s*)?(?P<y>{_YEAR})(?![\w%/-]|[.,]\d)")),
        ("year", re.compile(rf"(?:\bthe\s+year\s+)?(?P<y>{_SPELLED_YEAR})", ci)),
    ]


_UNIT_WORDS = "second seconds minute minutes hour hours day days week weeks month months year years decade decades century centuries"
_MONTH_WORDS = " ".join([*MONTHS, "sept"])
_WEEKDAY_WORDS = " ".join(w + s for w in WEEKDAYS if len(w) > 4 for s in ("", "s"))
_DAYPART_WORDS = "morning afternoon evening night midmorning midafternoon midevening midnight"
# Per kind of rule, words one of which every match contains (as a whole word, case ignored;
# <number> is any word starting with a digit, <year> a four-digit year). Finding these takes
# one pass over the words of the text, far cheaper than trying each rule's pattern at every
# position, so a rule's pattern runs only near them (see matches_near).
TRIGGER_WORDS = {
    "iso": "<year>", "numeric": "<number>", "weekday": _WEEKDAY_WORDS,
    "dmy": _MONTH_WORDS, "mdy": _MONTH_WORDS, "monthyear": _MONTH_WORDS, "month_rel_year": _MONTH_WORDS,
    "monthday": _MONTH_WORDS, "month": _MONTH_WORDS,
    "season": "spring summer autumn winter fall",
    "relunit": "week weekend month year quarter decade century",
    "anaphoric": "day week weekend month year quarter " + _DAYPART_WORDS,
    "ago": "ago earlier before back later after now hence",
    "relday": "today yesterday tomorrow tonight",
    "nth_day": "day",
    "daypart": _DAYPART_WORDS,
    "clock": "<number> noon midnight",
    "ref": "now currently current nowadays present days recently recent past future coming later",
    "decade": "<number> twenties thirties forties fifties sixties seventies eighties nineties",
    "quarter": "quarter", "half": "half quarters", "century": "century",
    "past_n_units": _UNIT_WORDS + " quarter quarters",
    "the_unit": "year month week weekend", "year_end": "end", "reported_quarter": "quarter period",
    "set": "every each weekly monthly annually yearly hourly " + _WEEKDAY_WORDS,
    "for_units": _UNIT_WORDS, "duration": _UNIT_WORDS,
    "year": "<year> nineteen twenty thousand",
}  # fmt: skip
WORD = re.compile(r"[^\W_]+")
YEAR_WORD = re.compile(r"(?:1[6-9]|20)\d\d")
# A match starts at most this many characters before the trigger word it contains and ends
# at most this many after it. The longest the rules allow ("about 10 p.m. on the following
# Monday evening (30 December, 2022)") reach about 60; on TimeBank the most is 24. Twice
# the former, so that spacing never matters; output is identical on every TimeBank text.
MATCH_REACH_CHARS = 120


@dataclass(frozen=True)
class Rules:
    """The finder's rules in priority order (earlier rules win ties on the same span), and
    for each trigger word the kinds of rule it may start."""

    rules: tuple[tuple[str, re.Pattern], ...]
    kinds_by_word: dict[str, frozenset[str]]


def compile_rules() -> Rules:
    """Compile the finder once; pass the result to :func:`parse_temporal_expressions`."""
    kinds_by_word: dict[str, set[str]] = {}
    for kind, words in TRIGGER_WORDS.items():
        for word in words.split():
            kinds_by_word.setdefault(word, set()).add(kind)
    return Rules(tuple(_rules()), {w: frozenset(k) for w, k in kinds_by_word.items()})


RULES = compile_rules()


def trigger_spans(text: str, kinds_by_word: dict[str, frozenset[str]]) -> dict[str, list[tuple[int, int]]]:
    """Spans of the trigger words in ``text``, by the kind of rule they may start."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for w in WORD.finditer(text):
        word = w.group()
        if word[0].isdigit():
            keys = ["<number>", "<year>"] if YEAR_WORD.fullmatch(word) else ["<number>"]
        else:
            keys = [word.lower()]
        for key in keys:
            for kind in kinds_by_word.get(key, ()):
                spans.setdefault(kind, []).append(w.span())
    return spans


def matches_near(pattern: re.Pattern, text: str, triggers: list[tuple[int, int]]) -> Iterator[re.Match]:
    """What ``pattern.finditer(text)`` yields, searching only near the trigger spans.

    Every match contains a trigger and reaches at most MATCH_REACH_CHARS beyond it, so the
    search runs in windows around the triggers; each hit is re-matched against the whole
    text so that look-aheads see past the window exactly as a full scan would.
    """
    floor = 0  # like finditer, a match never starts inside the previous one
    for lo, last_start, hi in _windows(triggers, len(text)):
        pos = max(lo, floor)
        while pos <= last_start:
            hit = pattern.search(text, pos, hi)
            if hit is None or hit.start() > last_start:
                break
            m = pattern.match(text, hit.start())
            if m is None:
                pos = hit.start() + 1
                continue
            yield m
            floor = pos = max(m.end(), m.start() + 1)


def _windows(triggers: list[tuple[int, int]], length: int) -> list[tuple[int, int, int]]:
    """Merged (search from, latest match start, search to) around trigger spans in order."""
    windows: list[tuple[int, int, int]] = []
    for start, end in triggers:
        lo, hi = max(0, start - MATCH_REACH_CHARS), min(length, end + MATCH_REACH_CHARS)
        if windows and lo <= windows[-1][2]:
            windows[-1] = (windows[-1][0], start, hi)
        else:
            windows.append((lo, start, hi))
    return windows


def parse_temporal_expressions(
    text: str, rules: Rules = RULES, prefilter: bool = True, recurring: Sequence[RecurringDay] = ()
) -> list[ParsedTimex]:
    """Every temporal expression in ``text``, non-overlapping, in text order; the recurring
    days named (from the knowledge files) win over rule matches on the same words.

    ``prefilter=False`` tries every rule at every position instead of only near its trigger
    words: the same result, about four times slower (kept to check and measure the prefilter).
    """
    text = text[:MAX_TEXT_CHARS]
    found: list[tuple[int, int, int, ParsedTimex]] = [(p.start, p.start - p.end, -1, p) for p in holiday_expressions(text, recurring)]
    triggers = trigger_spans(text, rules.kinds_by_word) if prefilter else {}
    for priority, (kind, pattern) in enumerate(rules.rules):
        matches = matches_near(pattern, text, triggers.get(kind, [])) if prefilter else pattern.finditer(text)
        for m in matches:
            parsed = _parse_match(kind, m, text)
            if parsed is not None:
                found.append((parsed.start, -(parsed.end - parsed.start), priority, parsed))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    kept: list[ParsedTimex] = []
    for _, _, _, p in found:
        if kept and p.start < kept[-1].end:
            continue
        # a longer match starting later but covering more is rare; first-longest wins
        kept.append(_with_modifier(text, p, kept[-1].end if kept else 0))
    return kept


def holiday_expressions(text: str, recurring: Sequence[RecurringDay]) -> list[ParsedTimex]:
    """The recurring days ``text`` names ("Christmas Eve", "Thanksgiving Day"): each is resolved
    like a printed day-month, to the occurrence nearest the reference (ahead when told in the future)."""
    lowered = text.lower()
    found = []
    for day in recurring:
        if day.triggers is not None and not any(t in lowered for t in day.triggers):
            continue  # cheap substring test first: most texts name no holiday
        for m in day.pattern.finditer(text):
            tense = clause_tense(text, m.start(), m.end())
            found.append(ParsedTimex(m.start(), m.end(), m.group(), "DATE", "holiday", tense, holiday=day))
    return found


# TimeML spans include the modifiers in front of an expression ("nearly four years ago",
# "the end of 1994", "late yesterday"); the value stays that of the bare expression.
MODIFIER_BEFORE = re.compile(
    r"(?:\bthe\s+(?:very\s+)?(?:end|beginning|start|middle|close)\s+of|\b(?:about|almost|nearly|roughly|around"
    r"|approximately|at\s+least|more\s+than|less\s+than|fewer\s+than|only|just))\s+$",
    re.IGNORECASE,
)
# "a vote expected Friday", "results due out Tuesday": a schedule named right before the date
SCHEDULED_BEFORE = re.compile(r"\b(?:expected|scheduled|slated|due(?:\s+(?:out|back))?)\s+(?:(?:on|for|in|by)\s+)?$", re.IGNORECASE)
MODAL_BEFORE = re.compile(r"\b(?:will|would|could|might|may|can|shall|should|must)\s+$", re.IGNORECASE)
PAST_PERFECT = re.compile(r"\bhad\b|\b\w+'d\b", re.IGNORECASE)
COMPARISON_BEFORE = re.compile(r"\b(?:compared\s+(?:with|to)|from|than|over|versus|vs\.?|against|with)\s+$", re.IGNORECASE)
ENDED_BEFORE = re.compile(r"\b(?:ended|closed)\s+(?:on\s+)?$", re.IGNORECASE)
DAY_MODIFIER_BEFORE = re.compile(r"\b(?:early|late|later|earlier)\s+$", re.IGNORECASE)
MODIFIER_LOOKBACK_CHARS = 30


def _with_modifier(text: str, p: ParsedTimex, floor: int) -> ParsedTimex:
    """``p`` with its span widened over a modifier right before it (never into ``floor``)."""
    if p.type not in ("DATE", "DURATION", "TIME") or p.fixed in ("PAST_REF", "PRESENT_REF", "FUTURE_REF"):
        return p
    lo = max(floor, p.start - MODIFIER_LOOKBACK_CHARS)
    before = text[lo : p.start]
    m = MODIFIER_BEFORE.search(before) or (DAY_MODIFIER_BEFORE.search(before) if p.kind == "relday" else None)
    if m is None:
        return p
    start = lo + m.start()
    return replace(p, start=start, text=text[start : p.end])


def year_value(word: str) -> int:
    """A year written in digits or spelled out ("nineteen ninety-six", "two thousand and one")."""
    if word.isdigit():
        return int(word)
    words = re.split(r"[\s-]+", word.lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + (_num(" ".join(rest)) if rest else 0)
    century = NUMBERS[words[0]] * 100
    if words[1] == "hundred":
        return century
    return century + sum(NUMBERS[w] for w in words[1:])


def _num(word: str | None) -> int | None:
    """Numeric value of a count word; None for vague counts ("several")."""
    if word is None:
        return 1
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    parts = re.split(r"[\s-]+", w)
    if len(parts) == 2 and all(p in NUMBERS for p in parts) and NUMBERS[parts[0]] >= 20:
        return NUMBERS[parts[0]] + NUMBERS[parts[1]]  # twenty-four
    return NUMBERS.get(w)


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group())


def _parse_match(kind: str, m: re.Match, text: str) -> ParsedTimex | None:
    g = m.groupdict()
    start, end = m.span()
    tense = clause_tense(text, start, end)
    base = dict(start=start, end=end, text=m.group(), type="DATE", kind=kind, tense=tense)
    if kind in ("iso", "dmy", "mdy"):
        return ParsedTimex(**{**base, "kind": "date"}, year=int(g["y"]), month=_month(g["m"]) if not g["m"].isdigit() else int(g["m"]), day=_day(g["d"]))
    if kind == "numeric":
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        if y < 100:
            y += 2000 if y < 50 else 1900
        month, day = (a, b) if a <= 12 else (b, a)  # US order unless impossible
        if month > 12:
            return None
        return ParsedTimex(**{**base, "kind": "date"}, year=y, month=month, day=day)
    if kind == "weekday":
        return _parse_weekday(m, base, text)
    if kind == "anaphoric":
        return _parse_anaphoric(m, base)
    if kind == "monthyear":
        return ParsedTimex(**{**base, "kind": "month"}, year=year_value(g["y"]), month=_month(g["m"]), modifier=_mod(g["mod"]))
    if kind == "month_rel_year":
        offset = {"last": -1, "next": 1}.get(g["det"].lower(), 0)
        return ParsedTimex(**base, month=_month(g["m"]), offset=offset, unit="month_of_year")
    if kind == "century":
        o = g["o"].lower().replace("-", " ")
        n = _ORDINALS.get(o) or _ORDINALS.get(o.replace(" ", "-")) or int(re.match(r"\d+", o).group())
        return ParsedTimex(**base, fixed=f"{n - 1:02d}")
    if kind == "past_n_units":
        unit = g["u"].lower().rstrip("s").replace("centurie", "century")
        n = None if re.search(r"\s(?:to|or)\s", g["n"], re.IGNORECASE) else _num(g["n"])
        return ParsedTimex(**{**base, "type": "DURATION"}, unit=unit, fixed=_duration("X" if n is None else str(n), unit))
    if kind == "the_unit":
        unit = g["u"].lower()
        if g["dur"]:  # "the year ended Sept. 30": a fiscal year, a stretch of time
            end = m.start("dur")
            return ParsedTimex(**{**base, "end": end, "text": text[start:end], "type": "DURATION"}, unit=unit, fixed=_duration("1", unit))
        return ParsedTimex(**base, unit=unit)
    if kind == "year_end":
        since = text[max(0, start - 7) : start].lower().split()[-1:] == ["since"]
        return ParsedTimex(**base, unit="year_end", modifier=(g["pre"] or "").lower() or None, offset=-1 if since else 0)
    if kind == "monthday":
        month = _month(g["m1"] or g["m2"])
        day = _day(g["d1"] or g["d2"])
        if (g["m2"] or "").lower().rstrip(".") in ("may", "march") and not (g["m2"] or "")[0].isupper():
            return None
        # "the year ended March 31": a period that has ended, so a day on or before the reference
        ended = ENDED_BEFORE.search(text, max(0, start - MODIFIER_LOOKBACK_CHARS), start)
        return ParsedTimex(**base, month=month, day=day, modifier="ended" if ended else None)
    if kind == "season":
        word = g["s"].lower()
        if word == "fall" and not (g["det"] or g["y"] or g["mod"]):
            return None  # the verb
        if g["det"] and g["det"].lower() == "the" and not g["y"]:
            det_offset = 0
        else:
            det_offset = {"last": -1, "past": -1, "next": 1, "coming": 1}.get((g["det"] or "").lower(), 0)
        future = tense == "future" or det_offset > 0
        return ParsedTimex(
            **{**base, "tense": "future" if future else tense},
            unit=word, year=year_value(g["y"]) if g["y"] else None, offset=det_offset,
            modifier="this" if (g["det"] or "").lower() == "this" else _mod(g["mod"]),
            fixed=f"{year_value(g['y']):04d}-{SEASONS[word][0]}" if g["y"] else None,
        )  # fmt: skip
    if kind == "relunit":
        det = " ".join(g["det"].lower().split())
        unit = g["u"].lower()
        # "the past year", "the last decade": TimeBank marks the period before this one (a DATE)
        offset = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(det.removeprefix("the "), 0)
        return ParsedTimex(**{**base, "tense": "future" if offset > 0 else tense}, unit=unit, offset=offset, modifier=_mod(g["mod"]))
    if kind == "ago":
        unit = g["u"].lower().rstrip("s").replace("centurie", "century")
        g["n"] = g.get("n")  # "year-ago" (an adjective) has no count
        # "weeks after": an unknown count; "a year ago", "year-ago": one
        n = None if g["n"] is None and g["u"].lower().endswith("s") else _num(g["n"])
        tail = re.split(r"[\s-]", m.group().lower())[-1]
        if tail in ("ago", "back"):
            if n is None or (g["n"] is None and g["u"].lower().endswith("s")):
                return ParsedTimex(**base, fixed="PAST_REF")
            return ParsedTimex(**base, unit=unit, offset=-n, modifier=_quarter_context(text, start, end))
        if tail in ("now", "hence"):
            if n is None or (g["n"] is None and g["u"].lower().endswith("s")):
                return ParsedTimex(**base, fixed="FUTURE_REF")
            return ParsedTimex(**{**base, "tense": "future"}, unit=unit, offset=n)
        if g["n"] is None and g["u"][0].isupper() and text[max(0, start - 2) : start].strip() not in ("", ".", "!", "?"):
            return None  # "Election Day later this week": a capitalised unit is part of a name
        if tail in ("earlier", "later") and n is not None:
            # "two days later": counted from the date named before; in earnings news "a year
            # earlier" compares with the period reported (see resolve_in_order)
            quarter = _quarter_context(text, start, end)
            # "up 5% from a year earlier" compares with the reporting period, not the date named before
            compared = COMPARISON_BEFORE.search(text, max(0, start - MODIFIER_LOOKBACK_CHARS), start)
            adjective = "-" in m.group()  # "the year-earlier results": told against the period reported
            return ParsedTimex(**base, unit=unit, offset=n if tail == "later" else -n, modifier=quarter, anchored=not (quarter or compared or adjective))
        # "a day after X", "two weeks before X": an offset from the anchor X -> a duration
        count = "X" if n is None else str(n)
        span_end = m.start("u") + len(g["u"])
        return ParsedTimex(**{**base, "end": span_end, "text": text[start:span_end], "type": "DURATION"}, unit=unit, fixed=_duration(count, unit))
    if kind == "nth_day":
        return ParsedTimex(**{**base, "kind": "relday"}, offset=0, unit="day")
    if kind == "relday":
        w = " ".join(g["w"].lower().split())
        offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}
        return ParsedTimex(**{**base, "type": "TIME" if w == "tonight" else "DATE"}, offset=offsets[w], unit="day", clock="TNI" if w == "tonight" else None)
    if kind in ("daypart", "clock"):
        w = " ".join((g.get("w1") or g.get("w2") or g.get("w") or "").lower().split())
        offset = {"yesterday": -1, "tomorrow": 1, "last": -1, "late last": -1}.get(w, 0)
        if w == "tonight":
            offset = 0
        return ParsedTimex(**{**base, "kind": "relday", "type": "TIME"}, offset=offset, unit="day", clock=_clock(g))
    if kind == "ref":
        w = " ".join(g["w"].lower().split())
        if w.endswith(("future", "later date")) or "coming" in w or w.startswith("future"):
            fixed = "FUTURE_REF"
        elif w in ("recently", "the past") or w.startswith(("recent", "in recent")):
            fixed = "PAST_REF"
        else:
            fixed = "PRESENT_REF"
        then = re.search(r"\bthen[\s-]+$", text[max(0, start - 6) : start], re.IGNORECASE)
        if then and fixed == "PRESENT_REF":  # "the then current price": present back then
            start -= len(then.group())
            return ParsedTimex(**{**base, "start": start, "text": text[start:end]}, fixed="PAST_REF")
        return ParsedTimex(**base, fixed=fixed)
    if kind == "decade":
        if g.get("dw"):  # "the nineties": this century's when they have begun, else the last one's
            d = DECADE_WORDS[g["dw"].lower()]
            century = 18 if (g["cw"] or "").lower() == "eighteen" else 19
            return ParsedTimex(**base, fixed=f"{century}{d}")
        if g["s"]:
            return ParsedTimex(**base, fixed=f"19{g['s']}")
        return ParsedTimex(**base, fixed=f"{g['c']}{g['d']}")
    if kind == "reported_quarter":
        ago = bool(g["ago"] or g["ago2"] or g["ago3"])
        if re.fullmatch(r"the\s+period", m.group(), re.IGNORECASE) or (g["cmp"] and not ago):
            return None  # "the period", "the same period" alone are too vague
        # earnings news: "the quarter" is the last one completed; "year-ago" a year before it
        if g["y"] and m.group().lower().endswith("period"):
            # "the 1988 period": the stretch the sentence reports ("the first nine months") in
            # that year, else the quarter named before (see resolve_in_order), else the year
            if _quarter_context(text, start, end) == "period":
                return ParsedTimex(**base, fixed=g["y"])
            return ParsedTimex(**base, unit="reported_quarter", year=int(g["y"]), modifier="period")
        # "the 1988 quarter": the quarter reported, in the year named
        return ParsedTimex(**base, unit="reported_quarter", offset=-4 if ago else 0, year=int(g["y"]) if g["y"] else None)
    if kind in ("quarter", "half"):
        ordinal = (g["o"] or g.get("o2")).lower()  # "the last half", "the first two quarters": a half
        if ordinal == "last" and not (g["y"] or g["y2"] or g["ty"] or g["det"]):
            return None  # "the last half of the '80s": of some other period
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 2}.get(ordinal) or int(ordinal[0])
        lead = re.match(r"the\s+(?=\w+-(?:quarter|half)\b)", m.group(), re.IGNORECASE)
        if lead:  # "the third-quarter loss": the adjective alone is the expression (TimeML)
            base = {**base, "start": start + lead.end(), "text": m.group()[lead.end() :]}
        year = g["y"] or g["y2"]
        if year:
            return ParsedTimex(**base, fixed=f"{year}-{'Q' if kind == 'quarter' else 'H'}{q}")
        det = (g["det"] or g["ty"] or "").lower()
        offset = -1 if g["ago"] else {"last": -1, "next": 1, "this": 0, "the": 0}.get(det, None)
        return ParsedTimex(**base, unit=kind, month=q, offset=0 if offset is None else offset, modifier=None if offset is None else "year")
    if kind == "set":
        u = (g["u"] or g["adv"] or g["per"] or g["wds"]).lower()
        if u.capitalize() in WEEKDAYS_CAP:  # "each Thursday", "Tuesday nights"
            part = (g["part"] or g["part2"] or "").lower().rstrip("s")
            return ParsedTimex(**{**base, "type": "SET"}, fixed=f"XXXX-WXX-{WEEKDAYS[u] + 1}" + (_clock({"part": part}) or ""))
        code = {"weekly": "W", "monthly": "M", "annually": "Y", "yearly": "Y", "hourly": "TH"}.get(u) or UNITS[u]
        return ParsedTimex(**{**base, "type": "SET"}, fixed=f"P1{code}".replace("P1T", "PT1"))
    if kind == "for_units":
        unit = g["u"].lower().rstrip("s").replace("centurie", "century")
        return ParsedTimex(**{**base, "start": m.start("u"), "text": g["u"], "type": "DURATION"}, unit=unit, fixed=_duration("X", unit))
    if kind == "duration":
        n = _num(g["n"]) if g.get("n") else None  # "the weeks ahead": an unspecified count
        unit = g["u"].lower().rstrip("s").replace("centurie", "century")
        if (g.get("n") or "").isdigit() and len(g["n"]) == 4 and unit == "year":
            return None  # "2014 year"
        if re.fullmatch(r"(?:one|some)\s+day", m.group(), re.IGNORECASE) and MODAL_BEFORE.search(text, max(0, start - 12), start):
            return ParsedTimex(**base, fixed="FUTURE_REF")  # "Islam will one day be ...": some time ahead
        return ParsedTimex(**{**base, "type": "DURATION"}, unit=unit, fixed=_duration("X" if n is None else str(n), unit))
    if kind == "month":
        return _parse_month(m, base, text)
    if kind == "year":
        pre = (g.get("pre") or "").lower()
        year = year_value(g["y"])
        return ParsedTimex(**base, year=year, modifier=_mod(pre), fixed=f"{year:04d}")
    raise AssertionError(kind)


WEEKDAYS_CAP = {w.capitalize() for w in WEEKDAYS}
DECADE_WORDS = {w: i for i, w in enumerate("twenties thirties forties fifties sixties seventies eighties nineties".split(), 2)}


def _quarter_context(text: str, start: int, end: int) -> str | None:
    """ "quarter" when the sentence compares quarterly results ("a year ago" = that quarter),
    "period" when it compares results over a longer stretch (the year before is meant),
    "results" when it reports figures (a quarter named just before may be the one meant)."""
    lo, hi = sentence_bounds(text, start, end, limit=300)
    if re.search(r"\bquarter", text[lo:hi], re.IGNORECASE):
        return "quarter"
    if LONGER_PERIOD_CUE.search(text, lo, hi):
        return "period"  # "for the nine months, ... a year earlier": the year before, not a quarter
    return "results" if RESULTS_CUE.search(text, lo, hi) else None


def _mod(word: str | None) -> str | None:
    if not word:
        return None
    return word.lower().rstrip("-")


def _duration(count: str, unit: str) -> str:
    code = UNITS[unit]
    if unit in TIME_UNITS:
        return f"PT{count}{code}"
    if code == "DE":
        return f"P{count}0Y" if count != "X" else "PXDE"
    if code == "CE":
        return f"P{count}00Y" if count != "X" else "PXCE"
    return f"P{count}{code}"


ANAPHORIC_OFFSETS = {"following": 1, "next": 1, "after": 1, "previous": -1, "preceding": -1, "prior": -1, "before": -1}


def _parse_anaphoric(m: re.Match, base: dict) -> ParsedTimex | None:
    """ "the following day", "that month", "later in the week", "the day before": a period
    counted from the temporal focus (the last date named), see :func:`resolve_in_order`."""
    g = m.groupdict()
    unit = (g["u"] or g["u2"] or g["u3"] or g["u4"]).lower()
    rel = (g["rel"] or g["ba"] or "").lower()
    if rel == "next" and unit not in ("day", *DAYPARTS):
        return None  # "the next year" is counted from the publication day (relunit)
    clock = None
    if unit in DAYPARTS:  # "that night", "the following morning": a part of the focus day
        clock, unit = "T" + DAYPARTS[unit], "day"
    return ParsedTimex(
        **{**base, "type": "TIME" if clock else "DATE"},
        unit=unit, offset=ANAPHORIC_OFFSETS.get(rel, 0), clock=clock, modifier=_mod(g["mod"] or g["mod2"]), anchored=True,
    )  # fmt: skip


def _parse_weekday(m: re.Match, base: dict, text: str) -> ParsedTimex:
    g = m.groupdict()
    pre = " ".join((g["pre"] or "").lower().split())
    # "the following Monday", "the previous Friday": counted from the day the text named last
    anaphoric = {"the following": 1, "the previous": -1, "the preceding": -1}
    offset = {"last": -1, "past": -1, "next": 1, "coming": 1, **anaphoric}.get(pre, 0)
    before = text[max(0, m.start() - 9) : m.start()].lower()
    future = base["tense"] == "future" or offset > 0 or pre == "later on" or bool(re.search(r"later\s+on\s*$", before))
    month = _month(g["dmm"] or g["mdm"]) if (g["dmm"] or g["mdm"]) else None
    day = _day(g["dmd"] or g["mdd"]) if month else None
    clock = _clock(g)
    return ParsedTimex(
        **{**base, "tense": "future" if future else "past", "type": "TIME" if clock else "DATE"},
        weekday=WEEKDAYS[g["wd"].lower()], offset=offset, month=month, day=day,
        year=int(g["wy"]) if g["wy"] else None, modifier=pre or None, clock=clock, anchored=pre in anaphoric,
    )  # fmt: skip


def _clock(g: dict) -> str | None:
    """The time-of-day part of a TIME value from a match's clock/daypart groups."""
    if g.get("noon"):
        return "T12:00" if g["noon"].lower() == "noon" else "T24:00"
    if g.get("h"):
        hour = int(g["h"]) % 12 + (12 if g["ap"].lower().startswith("p") else 0)
        return f"T{hour:02d}:{g.get('mi') or '00'}"
    part = g.get("part") or g.get("p1") or g.get("p2")
    if part:
        return "T" + DAYPARTS[re.sub(r"^mid-?\s*", "", part.lower())]
    return None


def _parse_month(m: re.Match, base: dict, text: str) -> ParsedTimex | None:
    g = m.groupdict()
    word = g["m"].rstrip(".")
    pre = (g["pre"] or "").lower()
    if word.lower() in ("may", "march") and not pre:
        return None  # the verb/noun far more often than the month
    # "pay down the loan by February": a deadline, ahead unless told in the past perfect
    deadline = pre in ("by", "until") and not PAST_PERFECT.search(text, *clause_bounds(text, m.start(), m.end()))
    if pre in ("in", "by", "until", "since", "of", "from", "through"):
        # the preposition is context, not part of the expression
        base = {**base, "start": m.start("m"), "text": g["m"]}
        pre = ""
    offset = {"last": -1, "next": 1}.get(pre, 0)
    future = base["tense"] == "future" or offset > 0 or deadline
    return ParsedTimex(
        **{**base, "kind": "month", "tense": "future" if future else base["tense"]},
        month=_month(word), offset=offset, modifier=_mod(pre) if pre in ("early", "late", "mid", "mid-") else ("this" if pre == "this" else None),
    )  # fmt: skip


# --------------------------------------------------------------------------- tense


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``: bounded by punctuation or a subordinator."""
    lo = max(0, start - MAX_CLAUSE_CHARS)
    left = text[lo:start]
    cut = lo
    for b in CLAUSE_BOUNDARY.finditer(left):
        cut = lo + b.end()
    hi = min(len(text), end + MAX_CLAUSE_CHARS)
    b = CLAUSE_BOUNDARY.search(text, end, hi)
    return cut, b.start() if b else hi


def sentence_bounds(text: str, start: int, end: int, limit: int = 600) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (bounded to ``limit`` chars each side)."""
    lo, hi = max(0, start - limit), min(len(text), end + limit)
    spans = split_sentences(text[lo:hi])
    first = next((s for s, e in reversed(spans) if lo + s <= start), 0)
    last = next((e for s, e in spans if lo + e >= end), hi - lo)
    return lo + first, lo + last


def clause_tense(text: str, start: int, end: int) -> str:
    """``future`` when the clause around the span speaks of the future, else ``past``.

    News reports completed events; present tense in a news clause reports them too
    ("Putin says ... on Friday"), so only explicit future cues flip the default.
    """
    lo, hi = clause_bounds(text, start, end)
    if FUTURE_CUE.search(text, lo, start) or SCHEDULED_BEFORE.search(text, max(lo, start - MODIFIER_LOOKBACK_CHARS), start):
        return "future"
    # after the expression only a cue that follows at once ("Thursday are expected to");
    # "made clear Monday they have no plans to ..." is past
    after = FUTURE_CUE.search(text, end, hi)
    if after and len(text[end : after.start()].split()) <= FUTURE_CUE_AFTER_WORDS:
        return "future"
    return "past"


# --------------------------------------------------------------------------- resolution


def resolve_timex(p: ParsedTimex, reference: date | None) -> tuple[str | None, str]:
    """The TimeML value of ``p`` given the reference date, with the evidence for it."""
    if p.fixed is not None and p.kind not in ("season",):
        return p.fixed, _fixed_evidence(p)
    if p.kind == "date":
        try:
            d = date(p.year, p.month, p.day)
        except ValueError:
            return None, "not a calendar date"
        return d.isoformat(), "explicit date"
    if p.kind == "month" and p.year is not None:
        return f"{p.year:04d}-{p.month:02d}", "explicit month and year"
    if p.kind == "season" and p.fixed:
        return p.fixed, "explicit season and year"
    if reference is None:
        return None, "needs a reference date (none known)"
    if p.kind == "weekday":
        value, evidence = _resolve_weekday(p, reference)
        return (value + p.clock if value and p.clock else value), evidence
    if p.kind == "holiday":
        options = [d for y in (reference.year - 1, reference.year, reference.year + 1) if (d := p.holiday.date_in_year(y))]
        if not options:
            return None, f"{p.holiday.name}: no date known near {reference.isoformat()}"
        d = _nearest_occurrence(options, reference, p.tense)
        return d.isoformat(), f"{p.holiday.name} nearest to reference {reference.isoformat()} ({p.tense} tense)"
    if p.kind == "monthday":
        d = _year_for_month_day(p.month, p.day, reference, p.tense, ended=p.modifier == "ended")
        if d is None:
            return None, "not a calendar date"
        how = _dir(p.tense) if p.tense == "future" else "nearest to reference"
        return d.isoformat(), f"day-month {how} {reference.isoformat()} ({p.tense} tense)"
    if p.kind == "relday":
        d = reference + timedelta(days=p.offset)
        value = d.isoformat() + (p.clock or "")
        return value, f"{p.offset:+d} day from reference {reference.isoformat()}"
    if p.kind == "relunit":
        return _resolve_unit(p.unit, p.offset, reference), f"{p.text!r} from reference {reference.isoformat()}"
    if p.kind == "anaphoric":  # no date named before it: the reference is the focus
        return resolve_anchored(p, Focus(reference, "day", "reference"))
    if p.kind == "ago":
        return _resolve_ago(p, reference), f"{p.text!r} from reference {reference.isoformat()}"
    if p.kind == "month":
        y, m = _year_for_month(p, reference)
        return f"{y:04d}-{m:02d}", f"month {_dir(p.tense)} {reference.isoformat()} ({p.tense} tense)"
    if p.kind == "season":
        return _resolve_season(p, reference), f"season {_dir(p.tense)} {reference.isoformat()} ({p.tense} tense)"
    if p.kind == "reported_quarter" and p.modifier == "period":
        return f"{p.year:04d}", f"{p.text!r}: no quarter named before, the year"
    if p.kind == "reported_quarter":
        last_done = reference.year * 4 + (reference.month - 1) // 3 - 1 + p.offset
        year = p.year or last_done // 4
        return f"{year:04d}-Q{last_done % 4 + 1}", f"last quarter completed before {reference.isoformat()}"
    if p.kind in ("quarter", "half"):
        return _resolve_quarter(p, reference)
    if p.kind == "month_rel_year":
        return f"{reference.year + p.offset:04d}-{p.month:02d}", f"month of the year {p.offset:+d} from reference {reference.isoformat()}"
    if p.kind == "the_unit":
        return _resolve_the_unit(p, reference), f"{p.text!r}: the {p.unit} of reference {reference.isoformat()}"
    if p.kind == "year_end":
        # in the first half of a year, a year-end told in the past is the one just gone
        # "since year-end" looks back on the year-end gone
        year = reference.year - (p.offset < 0 or (p.tense == "past" and reference.month <= YEAR_END_PAST_MONTHS))
        value = f"{year:04d}-12" if p.modifier else f"{year:04d}-12-31"
        return value, f"end of year {year} ({p.tense} tense, reference {reference.isoformat()})"
    return None, "unresolved"


def _resolve_quarter(p: ParsedTimex, ref: date) -> tuple[str, str]:
    """ "the third quarter", "the first half": of the year named ("this year's", "year-ago"),
    else the latest such part begun by the reference (past tense) or this year's (future)."""
    per_year, code = (2, "H") if p.unit == "half" else (4, "Q")
    here = ref.year * per_year + (ref.month - 1) * per_year // 12
    if p.modifier == "year":
        year = ref.year + p.offset
        return f"{year:04d}-{code}{p.month}", f"{p.unit} of year {year} (reference {ref.isoformat()})"
    options = [y * per_year + p.month - 1 for y in (ref.year - 1, ref.year, ref.year + 1)]
    if p.tense == "future":  # "expects third-quarter earnings to fall": this year's
        n = ref.year * per_year + p.month - 1
    else:
        n = max(o for o in options if o <= here)
    n += per_year * p.offset
    return f"{n // per_year:04d}-{code}{n % per_year + 1}", f"{p.unit} {_dir(p.tense)} {ref.isoformat()} ({p.tense} tense)"


def _resolve_the_unit(p: ParsedTimex, ref: date) -> str:
    """ "the year", "the month", "the week", "the weekend" in news: the one the report is about."""
    if p.unit == "year":
        return f"{ref.year:04d}"
    if p.unit == "month":
        return f"{ref.year:04d}-{ref.month:02d}"
    if p.unit == "week":
        return f"{ref.year:04d}-WXX"  # TimeML: a week of the year, not pinned (TimeBank practice)
    saturday = ref + timedelta(days=(5 - ref.weekday()) % 7) if p.tense == "future" else ref - timedelta(days=(ref.weekday() - 5) % 7)
    y, w, _ = saturday.isocalendar()
    return f"{y:04d}-W{w:02d}-WE"


def _fixed_evidence(p: ParsedTimex) -> str:
    if p.type == "DURATION":
        return "duration"
    if p.type == "SET":
        return "recurring set"
    if p.fixed.endswith("_REF"):
        return "general reference to " + p.fixed.split("_")[0].lower()
    return "explicit year" if p.kind == "year" else "explicit"


def _dir(tense: str) -> str:
    return "on or after reference" if tense == "future" else "on or before reference"


def _resolve_weekday(p: ParsedTimex, ref: date) -> tuple[str, str]:
    if p.month is not None:
        # "Friday (30 December)": the day-month decides; prefer a year where the weekday agrees
        years = [p.year] if p.year else [ref.year - 1, ref.year, ref.year + 1]
        options = [date(y, p.month, p.day) for y in years if is_calendar_date(y, p.month, p.day)]
        agreeing = [d for d in options if d.weekday() == p.weekday] or options
        if not agreeing:
            return None, "not a calendar date"
        d = _pick(agreeing, ref, p.tense)
        note = "" if d.weekday() == p.weekday else " (weekday does not agree)"
        return d.isoformat(), f"day-month with weekday, {_dir(p.tense)} {ref.isoformat()}{note}"
    delta = (ref.weekday() - p.weekday) % 7
    if p.offset < 0:  # last Monday: strictly before
        d = ref - timedelta(days=delta or 7)
        why = "previous such weekday before"
    elif p.offset > 0:  # next Monday: strictly after
        d = ref + timedelta(days=(p.weekday - ref.weekday()) % 7 or 7)
        why = "next such weekday after"
    elif p.tense == "future":
        d = ref + timedelta(days=(p.weekday - ref.weekday()) % 7)
        why = "weekday on or after (future tense)"
    else:
        d = ref - timedelta(days=delta)
        why = "weekday on or before (past tense)"
    return d.isoformat(), f"{why} reference {ref.isoformat()}"


def is_calendar_date(y: int, m: int, d: int) -> bool:
    """Whether year, month and day make a real date (no 30 February)."""
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _pick(options: list[date], ref: date, tense: str) -> date:
    """The option the tense points at: latest on/before ref (past), earliest on/after (future)."""
    if tense == "future":
        after = [d for d in options if d >= ref]
        return min(after) if after else max(options)
    before = [d for d in options if d <= ref]
    return max(before) if before else min(options)


def _year_for_month_day(month: int, day: int, ref: date, tense: str, ended: bool = False) -> date | None:
    """A printed day-month without a year: the occurrence nearest the reference.

    News prints "Dec. 15" for days both just past and just ahead (payment dates,
    meetings), so unlike a bare weekday the nearest occurrence is the better guess;
    an explicit future cue still forces one on or after the reference, and the end of a
    period that has ended ("the year ended March 31") one on or before it.
    """
    options = [date(y, month, day) for y in (ref.year - 1, ref.year, ref.year + 1) if is_calendar_date(y, month, day)]
    if not options:
        return None
    if ended:
        return _pick(options, ref, tense)
    return _nearest_occurrence(options, ref, tense)


def _nearest_occurrence(options: list[date], ref: date, tense: str) -> date:
    """The occurrence nearest the reference (the earlier on a tie), the next one when told in the future."""
    if tense == "future":
        return _pick(options, ref, tense)
    return min(options, key=lambda d: (abs((d - ref).days), d > ref))


def _year_for_month(p: ParsedTimex, ref: date) -> tuple[int, int]:
    here = ref.year * 12 + ref.month - 1
    if p.modifier == "this":
        return ref.year, p.month
    options = [y * 12 + p.month - 1 for y in (ref.year - 1, ref.year, ref.year + 1)]
    if p.offset < 0:
        # "last February" told in March: one would say "last month", so the February before
        # ("last December" told in January names last year's December: the month just gone)
        chosen = max((o for o in options if o < here - 1), default=here - 1)
    elif p.offset > 0:
        chosen = min(o for o in options if o > here)
    elif p.tense == "future":
        chosen = min(o for o in options if o >= here)
    elif (p.month - ref.month) % 12 <= MONTHS_AHEAD_AS_COMING and p.month != ref.month:
        chosen = min(o for o in options if o > here)  # "November" told on 30 October: the coming one
    else:
        chosen = max(o for o in options if o <= here)
    return divmod(chosen, 12)[0], chosen % 12 + 1



def _resolve_unit(unit: str, offset: int, ref: date) -> str | None:
    if unit in ("week", "weekend"):
        d = ref + timedelta(weeks=offset)
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}" + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        n = ref.year * 12 + ref.month - 1 + offset
        return f"{n // 12:04d}-{n % 12 + 1:02d}"
    if unit == "year":
        return f"{ref.year + offset:04d}"
    if unit == "quarter":
        n = ref.year * 4 + (ref.month - 1) // 3 + offset
        return f"{n // 4:04d}-Q{n % 4 + 1}"
    if unit == "decade":
        return f"{ref.year // 10 + offset:03d}"
    if unit == "century":
        return f"{ref.year // 100 + offset:02d}"
    return None


def _resolve_ago(p: ParsedTimex, ref: date) -> str | None:
    if p.modifier in ("quarter", "results") and p.unit == "year" and p.offset == -1:
        # "net rose from $5 a year ago": the same quarter, that many years back
        n = ref.year * 4 + (ref.month - 1) // 3 - 1 + 4 * p.offset
        return f"{n // 4:04d}-Q{n % 4 + 1}"
    if p.unit == "day":
        return (ref + timedelta(days=p.offset)).isoformat()
    if p.unit in ("week", "month", "year", "decade", "century", "quarter"):
        return _resolve_unit(p.unit, p.offset, ref)
    return None  # hours/minutes ago: a time, finer than a date


def _resolve_season(p: ParsedTimex, ref: date) -> str:
    code, first_month = SEASONS[p.unit]
    # a season's "year" is the year its first month falls in (winter starts in December)
    here = ref.year * 12 + ref.month - 1
    starts = [(y, y * 12 + first_month - 1) for y in (ref.year - 2, ref.year - 1, ref.year, ref.year + 1)]
    if p.modifier == "this":  # "this summer": the one whose middle is nearest, whatever the tense
        y = min(starts, key=lambda ys: abs(ys[1] + 1 - here))[0]
    elif p.offset > 0:
        y = min(y for y, s in starts if s > here)
    elif p.offset < 0:
        y = max(y for y, s in starts if s + 2 < here)
    elif p.tense == "future":
        y = min(y for y, s in starts if s + 2 >= here)
    else:
        y = max(y for y, s in starts if s <= here)
    return f"{y:04d}-{code}"


# --------------------------------------------------------------------------- TimeML input


@dataclass(frozen=True)
class GoldTimex:
    """A TIMEX3 annotation: its span in the plain text, type and value."""

    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class TimeMLDocument:
    """A TimeML file reduced to what evaluation needs: creation day, plain text, TIMEX3s."""

    creation_day: date
    text: str
    timexes: list[GoldTimex]


_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
# entities kept at their full width (the tail padded with spaces) so offsets stay put
_ENTITIES = {"&amp;": "&    ", "&lt;": "<   ", "&gt;": ">   ", "&quot;": '"     ', "&apos;": "'     "}


def read_timeml(raw: str) -> TimeMLDocument:
    """Parse TimeML markup (TimeBank, TempEval): the DCT, the TEXT without tags, the TIMEX3s.

    Entities are replaced by a character padded to the entity's width, so that offsets
    into the returned text equal offsets into the tag-stripped markup.
    """
    dct_tag = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    if dct_tag is None:
        raise ValueError("no TIMEX3 with functionInDocument=CREATION_TIME")
    creation_day = date.fromisoformat(dict(_ATTR.findall(dct_tag.group()))["value"][:10])
    body = raw[raw.index("<TEXT>") + len("<TEXT>") : raw.index("</TEXT>")]
    pieces: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    pos = 0
    for m in _TAG.finditer(body):
        pieces.append(body[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        if m.group(2) != "TIMEX3":
            continue
        if m.group(1) and open_timex is not None:
            start, attrs = open_timex
            timexes.append(GoldTimex(start, length, attrs.get("type", ""), attrs.get("value", "")))
            open_timex = None
        elif not m.group(1):
            open_timex = (length, dict(_ATTR.findall(m.group(3))))
    pieces.append(body[pos:])
    text = "".join(pieces)
    for entity, padded in _ENTITIES.items():
        text = text.replace(entity, padded)
    return TimeMLDocument(creation_day, text, timexes)


# Words that are temporal only now and then in running text (TimeBank marks "already" in
# 2 of 14 uses on its tune split), so the finder skips them; once an annotator or another
# tool has marked one as a temporal expression, this is its value.
SPAN_ONLY_VALUES = re.compile(
    r"(?P<present>already|yet|still|any\s+longer|anymore|at\s+the\s+moment|at\s+this\s+time|these\s+days|(?:at\s+)?this\s+(?:\w+\s+)?moment)"
    r"|(?P<past>once|previously|formerly|earlier|before|in\s+the\s+past|past\s+years|some\s+time\s+ago|years\s+ago|(?:at\s+)?the\s+time)"
    r"|(?P<future>future|soon|eventually|one\s+day|some\s+day|someday|the\s+(?:short|long|near)\s+term|later|as\s+soon\s+as\s+possible)",
    re.IGNORECASE,
)


def _span_only_value(span: str) -> str | None:
    m = SPAN_ONLY_VALUES.fullmatch(" ".join(span.split()))
    if m is None:
        return None
    return f"{m.lastgroup.upper()}_REF"


def resolve_span(text: str, start: int, end: int, reference: date | None) -> TemporalExpression:
    """The value of a temporal expression whose span is already known (e.g. by an annotator).

    The expression is parsed inside its sentence so that tense cues around it count, after
    the text just before it (a quarter named there may be what "a year ago" means); when
    the finder splits or misses the span, the parsed piece overlapping it most is used.
    """
    lo, hi = sentence_bounds(text, start, end)
    lo, hi = max(0, min(lo, start) - QUARTER_ANAPHORA_CHARS), max(hi, end)
    parsed = parse_temporal_expressions(text[lo:hi])
    best, best_overlap = None, 0
    for p, resolved in zip(parsed, resolve_in_order(parsed, reference)):
        overlap = min(end, p.end + lo) - max(start, p.start + lo)
        if overlap > best_overlap:
            best, best_overlap = (p, resolved), overlap
    span = text[start:end]
    if best is None or best_overlap < (end - start) / 2:
        value = _span_only_value(span)
        if value is not None:
            return TemporalExpression(start, end, span, "DATE", value, "marked span: general reference")
    if best is None:
        return TemporalExpression(start, end, span, "DATE", None, "no temporal expression recognised")
    p, (value, evidence) = best
    return TemporalExpression(start, end, span, p.type, value, evidence)


# --------------------------------------------------------------------------- one text


@dataclass(frozen=True)
class DatedText:
    """A text's temporal expressions and the reference day they were resolved against."""

    reference: DateInference
    expressions: list[TemporalExpression]


def date_text(text: str, published: date | None, knowledge: Knowledge, path: str = "") -> DatedText:
    """Temporal expressions of ``text`` as given (offsets into it), resolved against the
    publication day: ``published`` when given, else the day inferred from the text, whose
    certainty and evidence are kept and repeated in every relative value's evidence."""
    if published is not None:
        reference = DateInference(published.isoformat(), certain=True, source="given", evidence=["given publication day"])
    else:
        # imported here: dating builds on this module's parser
        from storyline.dating import infer_publication_date

        doc = Document(id="", path=path, raw_text=text, clean_text=text)
        reference = infer_publication_date(doc, knowledge)
    ref_day = date.fromisoformat(reference.value) if reference.value else None
    note = "" if published is not None else f" (publication day {'inferred' if reference.certain else 'inferred, uncertain'})"
    expressions = []
    for t in find_temporal_expressions(text, ref_day, knowledge):
        relative = "reference" in t.evidence
        expressions.append(TemporalExpression(t.start, t.end, t.text, t.type, t.value, t.evidence + (note if relative else "")))
    return DatedText(reference, expressions)
