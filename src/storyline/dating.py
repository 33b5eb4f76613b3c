"""Date articles and the events they report when no metadata says when.

Scraped articles often print only "on Wednesday" and a partial stamp ("02/04 06:20").
Instead of guessing, every day from ``EARLIEST_PUBLICATION`` to ``knowledge.as_of``
starts as a candidate publication day, and each clue in the text (a partial stamp,
a titled office holder, a known event, a weekday pinned to a calendar day or to an
anchor, a year in the past tense) filters the candidates and records why. A clue
that would leave no candidate is reported as a conflict and not applied. The result
is certain only when one day is left; otherwise the earliest is given with the
others as alternatives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from storyline.knowledge import Knowledge, OfficeTerm
from storyline.model import DateInference, Document
from storyline.timex import (
    FUTURE_CUE,
    MAX_CLAUSE_CHARS,
    MAX_TEXT_CHARS,
    NUMBERS,
    ParsedTimex,
    clause_bounds,
    is_calendar_date,
    parse_temporal_expressions,
    resolve_timex,
    sentence_bounds,
)

# Before the mid-1990s there were next to no news sites to scrape.
EARLIEST_PUBLICATION = date(1995, 1, 1)
# Alternatives listed in a DateInference; the evidence says how many there are in all.
MAX_ALTERNATIVES = 10
# A printed stamp is in the outlet's time zone; a day either way covers every zone.
STAMP_TOLERANCE_DAYS = 1
# "Russian President Vladimir Putin", "defence minister, Andrei Belousov": news puts the
# title right before the name, or after it past a comma; two filler words cover
# "newly appointed" and first names missing from the aliases without reaching a second name.
TITLE_GAP_WORDS = 2
TITLE_WINDOW_CHARS = 80
# The main event is reported in the first paragraphs; ~1,200 characters is the usual
# lead of a wire story (two to three paragraphs) plus a headline and some page chrome.
LEAD_CHARS = 1200
# How far after "a day after" the anchor (event or swearing-in) may start.
ANCHOR_WINDOW_CHARS = 60
# How far before a date its past-tense verb is looked for (about two clauses).
MAX_PAST_LOOKBACK_CHARS = 200
# Around each trigger string, how much text a knowledge pattern is searched in: event
# and holiday phrasings are far shorter than this.
TRIGGER_WINDOW_CHARS = 300
# "will meet Bush on Thursday": the cue governs a weekday at most this many words on.
FUTURE_CUE_BEFORE_WORDS = 4
DAY_UNITS = {"day": 1, "week": 7}
ONE_WEEK = 6  # a weekday named in the past is at most six days before publication
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
TRUNCATION_NOTE = "candidates in all; alternatives list the first"
# Metadata keys that carry a publication date (JSONL fields, sidecars, htmldate).
GIVEN_DATE_KEYS = ("published", "date", "publish_date", "published_at", "datePublished", "pubdate")

NEGATED_TITLE = re.compile(r"(?:\b(?:former|ex|then|late|next|future|would-be|potential|possible|hypothetical)\b[\s-]*(?:[\w.'\u2019]+\s+){0,2}|\bex-)$", re.IGNORECASE)
GAP_STOPWORDS = {"and", "or", "with", "by", "of", "to", "from", "for", "the", "said", "says", "met", "told"}
PAST_CUE = re.compile(
    r"\b(?:was|were|had|did|said|told|met|began|became|came|went|took|made|sent|won|lost|led|held|"
    r"signed|\w{3,}ed)\b",
    re.IGNORECASE,
)
# Clauses that only say something might, would or is expected to happen in a period.
MODAL_CUE = re.compile(
    r"\b(?:would|could|might|may|should|must|expected|likely|probably|possibly|potential|upcoming|"
    r"scheduled|planned|plans?|future|next|coming|nominee|candidate|front-runner|projected|forecasts?|"
    r"delay(?:ed)?|postponed)\b|'d\b",
    re.IGNORECASE,
)
DATE_PREPOSITION = re.compile(r"\b(?:in|on|during|since)\s+(?:early\s+|late\s+|mid-?)?$", re.IGNORECASE)
FUTURE_LIMIT_CUE = re.compile(r"\b(?:by|until|till|before|through|target|plans?|aims?|goal)\s+(?:the\s+end\s+of\s+)?$", re.IGNORECASE)
SWORN_AFTER_NAME = re.compile(r"\s+(?:(?:was|were|is|had\s+been|has\s+been|got|gets)\s+)?(?:sworn\s+in|inaugurated)\b|['\u2019]s\s+(?:(?:first|second|third)\s+)?(?:inauguration|swearing-in)\b", re.IGNORECASE)
SWORN_BEFORE_NAME = re.compile(r"\b(?:inauguration|swearing-in)\s+of\s+(?:[\w.]+\s+){0,3}$", re.IGNORECASE)
_NUM = "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
OFFSET_CUE = re.compile(rf"\b(?P<n>\d{{1,3}}|{_NUM})\s+(?P<u>day|week)s?\s+(?P<dir>after|before)\s+", re.IGNORECASE)
STAMP_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})(?![/.]?\d)")


@dataclass
class Constraint:
    """A filter on candidate publication days, and the sentence that justifies it."""

    evidence: str
    keep: Callable[[np.ndarray], np.ndarray]  # candidate ordinals -> boolean mask


@dataclass
class WeekdayGroup:
    """All mentions of one weekday name in an article: they denote the same day W."""

    weekday: int
    mentions: list[ParsedTimex] = field(default_factory=list)
    # past: W <= pub <= W+6; future: pub <= W <= pub+6; both: W = pub. A future mention
    # outweighs past ones that merely lack a future cue; "both" needs a past-tense verb.
    mode: str = "past"

    def day_of(self, pub: np.ndarray) -> np.ndarray:
        """W for each candidate publication day (past: last such day; future: next)."""
        wd = (pub + 6) % 7
        if self.mode == "future":
            return pub + (self.weekday - wd) % 7
        # past, or both (then W = pub, enforced by a constraint on the weekday of pub)
        return pub - (wd - self.weekday) % 7

    def label(self) -> str:
        return " / ".join(dict.fromkeys(repr(m.text) for m in self.mentions))


# --------------------------------------------------------------------------- public API


def infer_publication_date(doc: Document, knowledge: Knowledge) -> DateInference:
    """The publication day: given or printed if known, else what the text's clues leave."""
    known = known_publication(doc)
    if known is not None:
        return known
    candidates, evidence = publication_candidates(doc, knowledge)
    return _inference(candidates, evidence, "inferred", "publication")


def infer_event_date(doc: Document, published: DateInference, knowledge: Knowledge) -> DateInference:
    """The day of the main event: the lead's first day-resolvable expression, for every
    remaining publication candidate; the publication date when the lead has none."""
    return _event_date(doc, published, lambda: publication_candidates(doc, knowledge))


def infer_dates(doc: Document, knowledge: Knowledge) -> tuple[DateInference, DateInference]:
    """Publication and event date together, reading the text's clues once for both."""
    known = known_publication(doc)
    if known is not None:
        return known, infer_event_date(doc, known, knowledge)
    candidates, evidence = publication_candidates(doc, knowledge)
    published = _inference(candidates, evidence, "inferred", "publication")
    return published, _event_date(doc, published, lambda: (candidates, evidence))


def _event_date(doc: Document, published: DateInference, uncertain_candidates) -> DateInference:
    if published is not None and published.certain and published.value:
        candidates = np.array([date.fromisoformat(published.value).toordinal()])
        evidence = [f"published {published.value} ({published.source or 'given'})"]
    else:
        candidates, evidence = uncertain_candidates()
    text = analysis_text(doc)
    groups = weekday_groups(text, parse_temporal_expressions(text))
    lead = _lead_expression(doc.clean_text)
    if lead is None or candidates.size == 0:
        note = "no day-resolvable expression in the lead: the event is dated by publication"
        return _inference(candidates, [*evidence, note], "inferred", "event")
    days = _resolve_for_candidates(lead, groups, candidates)
    note = f"main event {lead.text!r} in the lead, resolved for each candidate publication day"
    return _inference(np.unique(days), [*evidence, note], "text", "event")


def combine_event_dates(inferences: list[DateInference]) -> DateInference:
    """One date for documents reporting the same event: the days all of them allow."""
    sets = [_candidate_set(i) for i in inferences if i.value]
    if not sets:
        return DateInference(value=None, evidence=["no document of the event has a date"])
    evidence = [f"intersection of {len(sets)} documents' candidate event days"]
    common: set[str] | None = None
    for listed, open_ended in sets:
        allowed = {d for d in (common if common is not None else listed)}
        if common is None:
            common = set(listed)
            continue
        common = {d for d in allowed if d in listed or (open_ended and d > max(listed))}
    if not common:
        certain = [i for i in inferences if i.value and i.certain]
        best = certain[0] if certain else min((i for i in inferences if i.value), key=lambda i: len(i.alternatives))
        return DateInference(
            value=best.value,
            certain=False,
            source="event",
            evidence=[*evidence, "conflict: the documents share no candidate day; kept the best-dated one", *best.evidence],
            alternatives=list(best.alternatives),
        )
    days = sorted(common)
    return DateInference(
        value=days[0],
        certain=len(days) == 1 and not all(open_ended for _, open_ended in sets),
        source="event",
        evidence=[*evidence, f"{len(days)} common candidate day(s)"],
        alternatives=days[1 : MAX_ALTERNATIVES + 1],
    )


# --------------------------------------------------------------------------- candidates


def known_publication(doc: Document) -> DateInference | None:
    """A publication date that needs no inference: already set, given, or printed in full."""
    if doc.published is not None and doc.published.certain and doc.published.value:
        return doc.published
    for key in GIVEN_DATE_KEYS:
        value = (doc.given or {}).get(key)
        day = _iso_day(value) if value else None
        if day:
            return DateInference(day, certain=True, source="metadata", evidence=[f"given metadata {key}={value!r}"])
    if doc.date_stamp:
        for p in parse_temporal_expressions(doc.date_stamp):
            if p.kind == "date":
                value, _ = resolve_timex(p, None)
                if value:
                    return DateInference(value, certain=True, source="text", evidence=[f"printed date {doc.date_stamp!r}"])
    return None


def publication_candidates(doc: Document, knowledge: Knowledge) -> tuple[np.ndarray, list[str]]:
    """Every day the article may have been published on, and the evidence that narrowed them."""
    first = EARLIEST_PUBLICATION.toordinal()
    last, bound = knowledge.as_of, f"the knowledge date {knowledge.as_of}"
    crawled = _iso_day((doc.given or {}).get("crawled") or "")
    if crawled and date.fromisoformat(crawled) < last:  # a page cannot be published after it was fetched
        last, bound = date.fromisoformat(crawled), f"the day it was crawled, {crawled}"
    candidates = np.arange(first, last.toordinal() + 1)
    evidence = [f"candidates: every day from {EARLIEST_PUBLICATION} to {bound}"]
    constraints = publication_constraints(doc, knowledge)
    masks = [c.keep(candidates) for c in constraints]
    keep = np.ones(candidates.shape, dtype=bool)
    for i in consistency_order(masks):
        kept = keep & masks[i]
        left = int(kept.sum())
        if left == 0:
            evidence.append(f"conflict, not applied: {constraints[i].evidence}")
            continue
        if left < keep.sum():
            evidence.append(f"{constraints[i].evidence} ({left} candidate days left)")
        keep = kept
    return candidates[keep], evidence


def consistency_order(masks: list[np.ndarray]) -> list[int]:
    """Clues that agree with the most others first, then the latest-reaching, then in order.

    A clue is dropped only when it contradicts what was applied before it, so the odd
    one out ("President Bill Clinton" recalled in a 2016 article full of 2010s dates)
    must come last: agreeing with many others is the best evidence of being right.
    """
    agree = [sum(bool((m & other).any()) for j, other in enumerate(masks) if j != i) for i, m in enumerate(masks)]
    # among equals, the clue allowing later days first: news recalls past office holders
    # ("President George W. Bush") far more often than it anticipates future ones
    latest = [int(np.flatnonzero(m)[-1]) if m.any() else -1 for m in masks]
    return sorted(range(len(masks)), key=lambda i: (-agree[i], -latest[i], i))


def publication_constraints(doc: Document, knowledge: Knowledge) -> list[Constraint]:
    """Every clue in the document, most reliable first (a later clue yields on conflict)."""
    text = analysis_text(doc)
    parsed = parse_temporal_expressions(text)
    groups = weekday_groups(text, parsed)
    out: list[Constraint] = []
    if doc.date_stamp:
        out += stamp_constraints(doc.date_stamp, knowledge)
    out += office_constraints(text, knowledge.offices)
    out += event_constraints(text, knowledge)
    out += weekday_constraints(text, groups, knowledge)
    out += explicit_date_constraints(text, parsed)
    return out


def analysis_text(doc: Document) -> str:
    """The clean text, with the headline in front when the clean text does not start with it."""
    text = unwrap((doc.clean_text or "")[:MAX_TEXT_CHARS])
    title = unwrap(doc.title or "").strip()
    if title and title not in text[: len(title) + 200]:
        return title + "\n\n" + text
    return text


def unwrap(text: str) -> str:
    """Hard-wrapped lines joined and spaces collapsed, so that knowledge patterns
    written with single spaces match; paragraph breaks (blank lines) stay."""
    text = re.sub(r"[^\S\n]+", " ", text)
    return re.sub(r"(?<!\n) ?\n ?(?!\n)", " ", text)


# --------------------------------------------------------------------------- constraints


def stamp_constraints(stamp: str, knowledge: Knowledge) -> list[Constraint]:
    """A partial stamp ("02/04 06:20"): both day-month readings stay, give or take a day."""
    m = STAMP_NUMERIC.search(stamp)
    if not m:
        return []
    a, b = int(m[1]), int(m[2])
    readings = sorted({(x, y) for x, y in ((a, b), (b, a)) if 1 <= x <= 12 and 1 <= y <= 31})
    days = [
        date(y, month, day).toordinal()
        for y in range(EARLIEST_PUBLICATION.year, knowledge.as_of.year + 1)
        for month, day in readings
        if is_calendar_date(y, month, day)
    ]
    if not days:
        return []
    near = np.unique(np.concatenate([np.array(days) + k for k in range(-STAMP_TOLERANCE_DAYS, STAMP_TOLERANCE_DAYS + 1)]))
    names = " or ".join(f"{_MONTH_NAMES[mo - 1]} {d}" for mo, d in readings)
    return [Constraint(f"printed stamp {stamp!r}: published within a day of {names}", lambda c: np.isin(c, near))]


def office_constraints(text: str, offices: list[OfficeTerm]) -> list[Constraint]:
    """A titled holder ("US Secretary of State Antony Blinken") dates the article to the term."""
    # terms that one mention may denote, unioned: a person's terms, or everyone with
    # that title and surname ("Prime Minister Sharif")
    by_mention: dict[str, list[tuple[OfficeTerm, str]]] = {}
    lowered = text.lower()
    for term in offices:
        # a plain substring test on the surnames spares most of the regex scans
        if not any(name.split()[-1].lower() in lowered for name in term.names if name.split()):
            continue
        quote = titled_mention(text, term)
        if quote:
            by_mention.setdefault(term.person, []).append((term, quote))
            continue
        quote = titled_surname(text, term)
        if quote:
            by_mention.setdefault(" ".join(quote.lower().split()), []).append((term, quote))
    out = []
    for matches in by_mention.values():
        person = " or ".join(dict.fromkeys(t.person for t, _ in matches))
        spans = sorted({(t.start.toordinal(), (t.end or date.max).toordinal()) for t, _ in matches})
        terms = " or ".join(f"{date.fromordinal(a)}\u2013{'present' if b == date.max.toordinal() else date.fromordinal(b)}" for a, b in spans)
        office = ", ".join(dict.fromkeys(t.office.replace("_", " ") for t, _ in matches))
        why = f"{matches[0][1]!r}: {person} held that office ({office}) {terms}: published during the term"
        out.append(Constraint(why, _in_any(spans)))
    return out


def titled_mention(text: str, term: OfficeTerm) -> str | None:
    """The first "title + name" or "name, title" of this term in ``text``, quoted."""
    for name in term.name_pattern.finditer(text):
        s, e = name.span()
        window = text[max(0, s - TITLE_WINDOW_CHARS) : s]
        for title in reversed(list(term.title_pattern.finditer(window))):
            gap = window[title.end() :]
            if _plain_gap(gap) and not NEGATED_TITLE.search(window[: title.start()]):
                return (window[title.start() :] + name.group()).replace("\n", " ")
            break
        after = text[e : e + TITLE_WINDOW_CHARS]
        if after.startswith(","):
            for title in term.title_pattern.finditer(after):
                gap = after[1 : title.start()]
                next_word = after[title.end() :].split(maxsplit=1)
                names_another = bool(next_word) and next_word[0][:1].isupper()  # "Trump, President Obama"
                if _plain_gap(gap, allow_possessive=True) and not names_another and not NEGATED_TITLE.search(after[: title.start()]):
                    return (name.group() + after[: title.end()]).replace("\n", " ")
                break
    return None


def titled_surname(text: str, term: OfficeTerm) -> str | None:
    """ "Russian President Putin": a qualified title of the term right before the surname alone."""
    surnames = {n.split()[-1] for n in term.names if n.split()}
    pattern = re.compile(r"\b(?:%s)\b(?![\w-])(?!\s+[A-Z][a-z])" % "|".join(map(re.escape, sorted(surnames))))
    for name in pattern.finditer(text):
        window = text[max(0, name.start() - TITLE_WINDOW_CHARS) : name.start()]
        title = None
        for title in term.title_pattern.finditer(window):
            pass
        if title is None or window[title.end() :].strip() or NEGATED_TITLE.search(window[: title.start()]):
            continue
        if len(title.group().split()) < 2:
            continue  # a bare "President Clinton" recalls or imagines a holder as often as not
        return (window[title.start() :] + name.group()).replace("\n", " ")
    return None


def _plain_gap(gap: str, allow_possessive: bool = False) -> bool:
    """Whether the words between title and name are filler, not another name or clause."""
    if re.search(r"[.;:!?()\"\u201c\u201d]", gap):
        return False
    words = gap.replace(",", " ").split()
    if len(words) > TITLE_GAP_WORDS:
        return False
    for w in words:
        if w.lower() in GAP_STOPWORDS:
            return False
        if w[0].isupper() and not (allow_possessive and re.search(r"['\u2019]s$", w)) and not w.lower() == "the":
            return False
    return True


def event_constraints(text: str, knowledge: Knowledge) -> list[Constraint]:
    """A known event in the past tense was before publication; in the future, after it."""
    out = []
    lowered = text.lower()
    for event in knowledge.events:
        seen: set[str] = set()
        for m in knowledge_matches(event.pattern, event.triggers, text, lowered):
            # the future cue must come first: "will attend the summit"; in
            # "Black Lives Matter will alienate ..." the event is no future one
            lo, _ = clause_bounds(text, *m.span())
            tense = "future" if FUTURE_CUE.search(text, lo, m.start()) else "past"
            if tense == "past" and not past_clause(text, *m.span()):
                continue  # "the 2016 presidential election" with no verb to date it
            if tense in seen:
                continue
            seen.add(tense)
            quote = m.group().replace("\n", " ")
            if tense == "future":
                last = event.last_day.toordinal()
                why = f"{quote!r} (future tense): {event.name} ({event.date}) had not happened yet"
                out.append(Constraint(why, lambda c, last=last: c <= last))
            else:
                first = event.date.toordinal()
                why = f"{quote!r}: {event.name} ({event.date}) had happened"
                out.append(Constraint(why, lambda c, first=first: c >= first))
    return out


def knowledge_matches(pattern: re.Pattern, triggers: tuple[str, ...] | None, text: str, lowered: str) -> list[re.Match]:
    """Matches of a knowledge pattern, looked for only around its trigger strings.

    Hundreds of case-insensitive patterns scanned over every article dominated the
    dating time; every match contains a trigger, so searching near them finds the same.
    """
    if triggers is None:
        return list(pattern.finditer(text))
    windows = []
    for t in triggers:
        i = lowered.find(t)
        while i != -1:
            windows.append((max(0, i - TRIGGER_WINDOW_CHARS), min(len(text), i + len(t) + TRIGGER_WINDOW_CHARS)))
            i = lowered.find(t, i + 1)
    found: dict[tuple[int, int], re.Match] = {}
    for lo, hi in _merge(sorted(windows)):
        for m in pattern.finditer(text, lo, hi):
            found.setdefault(m.span(), m)
    return [found[k] for k in sorted(found)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def weekday_groups(text: str, parsed: list[ParsedTimex]) -> dict[int, WeekdayGroup]:
    """Bare weekday mentions (not "last/next Monday") grouped by name, with their tense."""
    groups: dict[int, WeekdayGroup] = {}
    for p in parsed:
        if p.kind == "weekday" and p.offset == 0 and p.year is None:  # "Friday, December 4, 2015" is a plain date
            groups.setdefault(p.weekday, WeekdayGroup(p.weekday)).mentions.append(p)
    for g in groups.values():
        future = any(m.tense == "future" for m in g.mentions)
        past = any(_told_in_past(text, m) for m in g.mentions)
        if future and past:
            # W = pub is a strong claim: it needs an unmistakable future mention
            g.mode = "both" if any(_told_in_future(text, m) for m in g.mentions) else "past"
        else:
            g.mode = "future" if future else "past"
    return groups


def weekday_constraints(text: str, groups: dict[int, WeekdayGroup], knowledge: Knowledge) -> list[Constraint]:
    """Weekdays tied to the calendar: tense, a printed day-month, a recurring day, an anchor."""
    out: list[Constraint] = []
    for g in groups.values():
        if g.mode == "both":
            why = f"{g.label()} told both in past and future tense: published on that {_WEEKDAY_NAMES[g.weekday]}"
            out.append(Constraint(why, lambda c, d=g.weekday: (c + 6) % 7 == d))
        for m in g.mentions:
            if m.month is not None:
                out.append(_weekday_day_month(g, m))
    for anchor_group, days, why in _pinned_weekdays(text, groups, knowledge):
        out.append(Constraint(why, lambda c, g=anchor_group, days=days: np.isin(g.day_of(c), days)))
    out += _anchored_clauses(text, groups, knowledge)
    return out


def _told_in_past(text: str, m: ParsedTimex) -> bool:
    """A past mention with a past-tense verb in its clause, not merely no future cue."""
    return m.tense == "past" and past_clause(text, m.start, m.end)


def _told_in_future(text: str, m: ParsedTimex) -> bool:
    """ "later on Thursday", or a future cue a few words before the weekday in its clause
    ("will meet Bush on Thursday"); a cue after it or far before it is too loose."""
    if m.modifier == "later on":
        return True
    lo, _ = clause_bounds(text, m.start, m.end)
    cues = list(FUTURE_CUE.finditer(text, max(lo, m.start - MAX_CLAUSE_CHARS), m.start))
    return bool(cues) and len(text[cues[-1].end() : m.start].split()) <= FUTURE_CUE_BEFORE_WORDS


def past_clause(text: str, start: int, end: int, to_sentence_start: bool = False) -> bool:
    """Whether the span is told with a past-tense verb and no modal or future cue.

    A date's verb often comes before it in the sentence ("met Lavrov, his Russian
    counterpart, in 2023"), so for dates the look-back may run to the sentence start.
    Event names are checked in their own clause only: on the PolNeAR sample the wider
    look-back let "the 2016 presidential election" in 2016 articles count as past.
    """
    lo, hi = clause_bounds(text, start, end)
    if to_sentence_start:
        lo = max(sentence_bounds(text, start, end)[0], start - MAX_PAST_LOOKBACK_CHARS)
    return bool(PAST_CUE.search(text, lo, hi)) and not MODAL_CUE.search(text, lo, hi)


def _weekday_day_month(g: WeekdayGroup, m: ParsedTimex) -> Constraint:
    month, day = m.month, m.day
    why = f"{m.text!r}: that {_WEEKDAY_NAMES[g.weekday]} fell on {_MONTH_NAMES[month - 1]} {day}"

    def keep(c: np.ndarray) -> np.ndarray:
        months, days, years = _calendar(g.day_of(c))
        ok = (months == month) & (days == day)
        return ok & (years == m.year) if m.year else ok

    return Constraint(why, keep)


def _pinned_weekdays(
    text: str, groups: dict[int, WeekdayGroup], knowledge: Knowledge
) -> list[tuple[WeekdayGroup, np.ndarray, str]]:
    """Weekdays equal to a recurring day, or a fixed offset from a known anchor, in one sentence."""
    pins = []
    lowered = text.lower()
    years = range(EARLIEST_PUBLICATION.year, knowledge.as_of.year + 2)
    for day in knowledge.recurring:
        for m in knowledge_matches(day.pattern, day.triggers, text, lowered):
            g = _nearest_weekday_group(text, m.start(), m.end(), groups)
            if g is None:
                continue
            dates = np.array([d.toordinal() for y in years if (d := day.date_in_year(y))])
            why = f"{g.label()} \u2026 {m.group()!r}: that {_WEEKDAY_NAMES[g.weekday]} was {day.name}"
            pins.append((g, dates, why))
            break
    for m in OFFSET_CUE.finditer(text):
        offset = _offset_days(m)
        anchor = _anchor_after(text, m.end(), knowledge)
        g = _nearest_weekday_group(text, m.start(), m.end(), groups)
        if offset is None or anchor is None or g is None:
            continue
        anchor_days, anchor_text = anchor
        days = anchor_days + offset
        why = f"{g.label()} \u2026 {m.group() + anchor_text!r}: that {_WEEKDAY_NAMES[g.weekday]} was {offset:+d} days from it"
        pins.append((g, days, why))
    return pins


def _anchored_clauses(text: str, groups: dict[int, WeekdayGroup], knowledge: Knowledge) -> list[Constraint]:
    """ "a day after X" with no weekday to pin: the article came after that day."""
    out = []
    for m in OFFSET_CUE.finditer(text):
        offset = _offset_days(m)
        anchor = _anchor_after(text, m.end(), knowledge)
        if offset is None or anchor is None or _nearest_weekday_group(text, m.start(), m.end(), groups):
            continue
        earliest = int((anchor[0] + offset).min())
        why = f"{m.group() + anchor[1]!r}: published after {date.fromordinal(earliest)} at the earliest"
        out.append(Constraint(why, lambda c, e=earliest: c >= e))
    return out


def _offset_days(m: re.Match) -> int | None:
    n = m["n"].lower()
    count = int(n) if n.isdigit() else NUMBERS.get(n)
    if count is None:
        return None
    days = count * DAY_UNITS[m["u"].lower()]
    return days if m["dir"].lower() == "after" else -days


def _anchor_after(text: str, pos: int, knowledge: Knowledge) -> tuple[np.ndarray, str] | None:
    """The known event or swearing-in that starts right after ``pos``: its possible days."""
    window = text[pos : pos + ANCHOR_WINDOW_CHARS + 120]
    for event in knowledge.events:
        m = event.pattern.search(window)
        if m and m.start() <= ANCHOR_WINDOW_CHARS and event.precision == "day":
            return np.array([event.date.toordinal()]), window[: m.end()]
    for term in knowledge.offices:
        for name in term.name_pattern.finditer(window):
            if name.start() > ANCHOR_WINDOW_CHARS:
                break
            after = SWORN_AFTER_NAME.match(window, name.end())
            before = SWORN_BEFORE_NAME.search(window[: name.start()])
            if after or before:
                starts = sorted({t.start.toordinal() for t in knowledge.offices if t.person == term.person})
                quote = window[: (after.end() if after else name.end())]
                return np.array(starts), quote.replace("\n", " ")
    return None


def _nearest_weekday_group(text: str, start: int, end: int, groups: dict[int, WeekdayGroup]) -> WeekdayGroup | None:
    """The weekday mentioned in the same sentence, nearest to the span."""
    lo, hi = sentence_bounds(text, start, end)
    best: tuple[int, WeekdayGroup] | None = None
    for g in groups.values():
        for m in g.mentions:
            if lo <= m.start and m.end <= hi:
                dist = min(abs(m.start - end), abs(start - m.end))
                if best is None or dist < best[0]:
                    best = (dist, g)
    return best[1] if best else None


def explicit_date_constraints(text: str, parsed: list[ParsedTimex]) -> list[Constraint]:
    """A year, month or day told in the past tense is before publication (in the future, after)."""
    out = []
    for p in parsed:
        period = _explicit_period(p)
        if period is None or p.modifier == "fiscal":
            continue  # fiscal years start months before the calendar year
        lo, hi = clause_bounds(text, p.start, p.end)
        if p.tense != "future" and MODAL_CUE.search(text, lo, hi):
            continue  # neither a past date nor a firm future one
        if FUTURE_LIMIT_CUE.search(text[max(lo, p.start - 30) : p.start]):
            continue  # "by 2030": a deadline, not a past date
        first, last = period
        if p.kind in ("year", "month") and not DATE_PREPOSITION.search(text, max(0, p.start - 12), p.start):
            continue  # "his 2013 amendments", "the 2016 race": the year names a thing, not a time
        if p.tense == "future":
            why = f"{p.text!r} (future tense): published before its end"
            out.append(Constraint(why, lambda c, last=last: c <= last))
        elif past_clause(text, p.start, p.end, to_sentence_start=True):
            why = f"{p.text!r} (past tense): published after its start"
            out.append(Constraint(why, lambda c, first=first: c >= first))
    return out


def _explicit_period(p: ParsedTimex) -> tuple[int, int] | None:
    """First and last day ordinals of an explicit day, month or year."""
    try:
        if p.kind == "date" or (p.kind == "weekday" and p.year and p.month):
            d = date(p.year, p.month, p.day).toordinal()
            return d, d
        if p.kind == "month" and p.year:
            nxt = date(p.year + (p.month == 12), p.month % 12 + 1, 1).toordinal()
            return date(p.year, p.month, 1).toordinal(), nxt - 1
        if p.kind == "year" and p.year:
            return date(p.year, 1, 1).toordinal(), date(p.year, 12, 31).toordinal()
    except ValueError:
        return None
    return None


# --------------------------------------------------------------------------- event day


def _lead_expression(clean_text: str) -> ParsedTimex | None:
    """The first expression in the lead that names a single day."""
    lead = unwrap(clean_text or "")[:LEAD_CHARS]
    for p in parse_temporal_expressions(lead):
        if p.day_resolvable and not _inside_quote(lead, p.start):
            return p
    return None


def _inside_quote(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside quotation marks in its paragraph ("today" in a quote is
    as often "nowadays" as the day of the event)."""
    para = text[text.rfind("\n", 0, pos) + 1 : pos]
    curly = para.count("\u201c") - para.count("\u201d")
    return curly > 0 or para.count('"') % 2 == 1


def _resolve_for_candidates(lead: ParsedTimex, groups: dict[int, WeekdayGroup], candidates: np.ndarray) -> np.ndarray:
    """The lead expression's day for each candidate publication day."""
    if lead.kind == "weekday" and lead.month is None and lead.offset == 0 and lead.weekday in groups:
        return groups[lead.weekday].day_of(candidates)
    days = []
    for c in candidates.tolist():
        value, _ = resolve_timex(lead, date.fromordinal(c))
        day = _iso_day(value) if value else None
        if day:
            days.append(date.fromisoformat(day).toordinal())
    return np.array(days or candidates.tolist())


# --------------------------------------------------------------------------- helpers


def _inference(candidates: np.ndarray, evidence: list[str], source: str, what: str) -> DateInference:
    """The earliest candidate, certain only when it is the only one."""
    if candidates.size == 0:
        return DateInference(value=None, source=source, evidence=[*evidence, f"no candidate {what} day"])
    days = [date.fromordinal(int(c)).isoformat() for c in np.sort(candidates)]
    summary = f"{what} day {days[0]} is the only candidate" if len(days) == 1 else (
        f"{what} day: {len(days)} {TRUNCATION_NOTE} {MAX_ALTERNATIVES} after the earliest ({days[0]} \u2013 {days[-1]})"
        if len(days) - 1 > MAX_ALTERNATIVES
        else f"{what} day: {len(days)} candidates ({', '.join(days)}); the earliest is given"
    )  # fmt: skip
    return DateInference(
        value=days[0],
        certain=len(days) == 1,
        source=source,
        evidence=[*evidence, summary],
        alternatives=days[1 : MAX_ALTERNATIVES + 1],
    )


def _candidate_set(inference: DateInference) -> tuple[list[str], bool]:
    """Listed candidate days, and whether more (later) ones were left out of the list."""
    listed = [inference.value] + ([] if inference.certain else list(inference.alternatives))
    open_ended = not inference.certain and any(TRUNCATION_NOTE in e for e in inference.evidence[-1:])
    return listed, open_ended


def _calendar(ordinals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month, day and year of each day ordinal, vectorised."""
    days = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = days.astype("datetime64[Y]").astype(int) + 1970
    return months.astype(int) % 12 + 1, (days - months).astype(int) + 1, years


def _in_any(spans: list[tuple[int, int]]) -> Callable[[np.ndarray], np.ndarray]:
    def keep(c: np.ndarray) -> np.ndarray:
        mask = np.zeros(c.shape, dtype=bool)
        for lo, hi in spans:
            mask |= (c >= lo) & (c <= hi)
        return mask

    return keep


def _iso_day(value: str) -> str | None:
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if not m:
        return None
    try:
        return date.fromisoformat(m[1]).isoformat()
    except ValueError:
        return None


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
