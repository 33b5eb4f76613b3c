"""Load the curated knowledge files (offices, known events, recurring days).

The dating stage needs world facts to date articles that never print a year; they
live in CSV files (format in ``knowledge/README.md``) shipped with the package, and
users may add directories of the same shape. Rows from all files are merged.
Everything is parsed and its regular expressions compiled once, here, so that a
malformed row fails loudly with its file and line instead of deep in a stage.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from storyline.errors import KnowledgeError

OFFICES_HEADER = ["person", "aliases", "office", "country", "titles", "start", "end"]
EVENTS_HEADER = ["date", "precision", "name", "patterns"]
RECURRING_HEADER = ["name", "patterns", "month_day", "dates"]
ABOUT_HEADER = ["key", "value"]
PRECISIONS = ("day", "month", "year")
# A pattern longer than this is almost certainly a pasted mistake (the longest
# curated row, an alternation of spellings, is about 1,100 characters).
MAX_PATTERN_CHARS = 5000


@dataclass(frozen=True)
class OfficeTerm:
    """One continuous term of one person in one office."""

    person: str
    aliases: tuple[str, ...]
    office: str
    country: str
    titles: tuple[str, ...]
    start: date
    end: date | None  # None while in office at ``as_of``
    name_pattern: re.Pattern = field(compare=False, repr=False)  # person or any alias
    title_pattern: re.Pattern = field(compare=False, repr=False)  # any title

    @property
    def names(self) -> tuple[str, ...]:
        return (self.person, *self.aliases)


@dataclass(frozen=True)
class KnownEvent:
    """A widely known dated world event and how texts refer to it."""

    date: date  # first day of the period for month/year precision
    precision: str  # day | month | year
    name: str
    patterns: tuple[str, ...]
    pattern: re.Pattern = field(compare=False, repr=False)
    # lower-case strings one of which every match contains (None: no such set known);
    # a substring test on them skips most of the hundreds of regex scans per article
    triggers: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def last_day(self) -> date:
        """The last day the event's date may denote, given its precision."""
        if self.precision == "day":
            return self.date
        if self.precision == "month":
            nxt = date(self.date.year + (self.date.month == 12), self.date.month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(self.date.year, 12, 31)


@dataclass(frozen=True)
class RecurringDay:
    """A calendar day that recurs every year (fixed month-day or listed movable dates)."""

    name: str
    patterns: tuple[str, ...]
    month_day: tuple[int, int] | None
    dates: tuple[date, ...]
    pattern: re.Pattern = field(compare=False, repr=False)
    triggers: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def date_in_year(self, year: int) -> date | None:
        """This day's date in ``year``, or None when unknown (or Feb 29 in a common year)."""
        if self.month_day is not None:
            try:
                return date(year, *self.month_day)
            except ValueError:
                return None
        for d in self.dates:
            if d.year == year:
                return d
        return None


@dataclass(frozen=True)
class Knowledge:
    """All knowledge rows merged, with their version and the date they were checked."""

    version: str
    as_of: date
    offices: list[OfficeTerm]
    events: list[KnownEvent]
    recurring: list[RecurringDay]


def load_knowledge(extra_dirs: Sequence[Path] = ()) -> Knowledge:
    """Read the package's knowledge folder plus ``extra_dirs`` (later dirs add rows)."""
    package = resources.files("storyline") / "knowledge"
    sources: list[tuple[str, dict[str, str]]] = [(str(package), _read_package_dir(package))]
    for d in extra_dirs:
        d = Path(d)
        if not d.is_dir():
            raise KnowledgeError(f"{d}: knowledge directory not found")
        sources.append((str(d), read_knowledge_dir(d)))
    return parse_knowledge(sources)


def read_knowledge_dir(directory: Path) -> dict[str, str]:
    """The CSV files of one knowledge directory, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.csv"))}


def _read_package_dir(package) -> dict[str, str]:
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in package.iterdir()
        if entry.name.endswith(".csv")
    }


def parse_knowledge(sources: Sequence[tuple[str, dict[str, str]]]) -> Knowledge:
    """Merge already-read directories: ``(dir label, {file name: text})``, first one primary."""
    version: str | None = None
    as_of: date | None = None
    offices: list[OfficeTerm] = []
    events: list[KnownEvent] = []
    recurring: list[RecurringDay] = []
    for label, files in sources:
        if "about.csv" in files:
            about = dict(_rows(f"{label}/about.csv", files["about.csv"], ABOUT_HEADER, _about_row))
            if version is None and "version" in about:
                version = about["version"]
            if "as_of" in about:
                # users who add newer facts also move as_of forward: keep the latest
                as_of = max(as_of, about["as_of"]) if as_of else about["as_of"]
        if "offices.csv" in files:
            offices += _rows(f"{label}/offices.csv", files["offices.csv"], OFFICES_HEADER, _office_row)
        if "events.csv" in files:
            events += _rows(f"{label}/events.csv", files["events.csv"], EVENTS_HEADER, _event_row)
        if "recurring.csv" in files:
            recurring += _rows(
                f"{label}/recurring.csv", files["recurring.csv"], RECURRING_HEADER, _recurring_row
            )
    if as_of is None:
        raise KnowledgeError("about.csv: no as_of date in any knowledge directory")
    return Knowledge(version or "0", as_of, offices, events, recurring)


def _rows(path: str, text: str, header: list[str], parse) -> list:
    """Parse every data row with ``parse(cells)``; errors name the file and line."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.lstrip().startswith("#")]
    lines = [(n, line) for n, line in lines if line.strip()]
    if not lines:
        return []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    out = []
    for i, cells in enumerate(reader):
        lineno = lines[min(i, len(lines) - 1)][0]
        cells = [c.strip() for c in cells]
        if i == 0:
            if cells != header:
                raise KnowledgeError(f"{path}:{lineno}: header must be {','.join(header)}, got {','.join(cells)}")
            continue
        if len(cells) != len(header):
            raise KnowledgeError(f"{path}:{lineno}: expected {len(header)} columns, got {len(cells)}")
        try:
            out.append(parse(dict(zip(header, cells))))
        except (ValueError, re.error) as exc:
            raise KnowledgeError(f"{path}:{lineno}: {exc}") from exc
    return out


def _about_row(c: dict[str, str]) -> tuple[str, object]:
    if c["key"] == "as_of":
        return "as_of", _iso(c["value"], "as_of")
    return c["key"], c["value"]


def _office_row(c: dict[str, str]) -> OfficeTerm:
    for key in ("person", "office", "titles", "start"):
        if not c[key]:
            raise ValueError(f"empty {key}")
    aliases = _split(c["aliases"])
    titles = tuple(t.lower() for t in _split(c["titles"]))
    start = _iso(c["start"], "start")
    end = _iso(c["end"], "end") if c["end"] else None
    if end is not None and end < start:
        raise ValueError(f"end {end} before start {start}")
    return OfficeTerm(
        person=c["person"],
        aliases=aliases,
        office=c["office"],
        country=c["country"],
        titles=titles,
        start=start,
        end=end,
        name_pattern=_literal_alternation((c["person"], *aliases)),
        title_pattern=_literal_alternation(titles),
    )


def _event_row(c: dict[str, str]) -> KnownEvent:
    if c["precision"] not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {c['precision']!r}")
    patterns = _patterns(c["patterns"])
    return KnownEvent(
        date=_iso(c["date"], "date"),
        precision=c["precision"],
        name=c["name"],
        patterns=patterns,
        pattern=_compile_patterns(patterns),
        triggers=required_literals(patterns[0]),
    )


def _recurring_row(c: dict[str, str]) -> RecurringDay:
    patterns = _patterns(c["patterns"])
    month_day = None
    if c["month_day"]:
        m = re.fullmatch(r"(\d\d)-(\d\d)", c["month_day"])
        if not m:
            raise ValueError(f"month_day must be MM-DD, got {c['month_day']!r}")
        month_day = (int(m[1]), int(m[2]))
        date(2000, *month_day)  # validates the day (2000 is a leap year)
    dates = tuple(_iso(d, "dates") for d in _split(c["dates"]))
    if month_day is None and not dates:
        raise ValueError("a recurring day needs month_day or dates")
    return RecurringDay(c["name"], patterns, month_day, dates, _compile_patterns(patterns), required_literals(patterns[0]))


def _patterns(cell: str) -> tuple[str, ...]:
    """A patterns cell is one regular expression: its ``|`` is the regex alternation
    (which is also what a ``|``-separated list of patterns means)."""
    if not cell:
        raise ValueError("no patterns")
    return (cell,)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


def _iso(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} must be an ISO date YYYY-MM-DD, got {text!r}") from None


def _compile_patterns(patterns: Sequence[str]) -> re.Pattern:
    for p in patterns:
        if len(p) > MAX_PATTERN_CHARS:
            raise ValueError(f"pattern longer than {MAX_PATTERN_CHARS} characters")
    if len(patterns) == 1:
        return re.compile(patterns[0], re.IGNORECASE)
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _literal_alternation(words: Sequence[str]) -> re.Pattern:
    """Whole-word, case-insensitive match of any of ``words``, longest first, spaces flexible."""
    alts = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


# Literals shorter than this are too common to skip anything ("a", "of").
MIN_TRIGGER_CHARS = 3


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which any match of ``pattern`` must contain, or None.

    A necessary condition only: the caller may skip the regex when none occurs in the
    lower-cased text. Worked out on the parsed pattern (literal runs, alternations,
    groups, repeats of at least one); anything unusual gives None, never a wrong set.
    """
    try:
        import re._parser as sre_parse  # the stdlib's own regex parser (private, hence guarded)

        found = _required(sre_parse.parse(pattern))
    except Exception:  # a missing parser or an unsupported construct only costs the shortcut
        return None
    return tuple(sorted(found)) if found else None


def _required(seq) -> set[str] | None:
    options: list[set[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if len(run) >= MIN_TRIGGER_CHARS:
            options.append({"".join(run).lower()})
        run.clear()

    for op, arg in seq:
        name = str(op)
        if name == "LITERAL":
            run.append(chr(arg))
            continue
        close_run()
        sub: set[str] | None = None
        if name == "SUBPATTERN":
            sub = _required(arg[-1])
        elif name == "BRANCH":
            branches = [_required(b) for b in arg[1]]
            sub = set().union(*branches) if branches and all(branches) else None
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
            sub = _required(arg[2])
        if sub:
            options.append(sub)
    close_run()
    if not options:
        return None
    # the option whose shortest string is longest filters best
    return max(options, key=lambda o: min(map(len, o)))
