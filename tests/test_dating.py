"""Tests for the knowledge loader and for dating articles without metadata (dating.py)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from storyline.dating import combine_event_dates, infer_event_date, infer_publication_date, publication_candidates
from storyline.errors import KnowledgeError
from storyline.knowledge import load_knowledge, parse_knowledge, read_knowledge_dir, required_literals
from storyline.model import DateInference, Document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "knowledge"
PACKAGE_KNOWLEDGE = ROOT / "src" / "storyline" / "knowledge"
REAL_FILES = ("offices.csv", "events.csv", "recurring.csv")
POLNEAR = ROOT.parent / "shared" / "data" / "quotes" / "polnear"


def fixture_files() -> dict[str, str]:
    return read_knowledge_dir(FIXTURES)


@pytest.fixture(scope="module")
def knowledge():
    """The real package files; the small fixtures fill in files not written yet."""
    missing = [f for f in REAL_FILES if not (PACKAGE_KNOWLEDGE / f).exists()]
    return load_knowledge([FIXTURES] if missing else [])


@pytest.fixture(scope="module")
def fixture_knowledge():
    """Only the small hand-written fixtures: rules that must work without the big files."""
    return parse_knowledge([("fixtures", fixture_files())])


def seed_document(prefix: str, stamp: str | None = None) -> Document:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    text = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
    return Document(id=prefix, path=str(path), raw_text=raw, clean_text=text, date_stamp=stamp)


def date_seed(prefix: str, knowledge, stamp: str | None = None) -> tuple[DateInference, DateInference]:
    doc = seed_document(prefix, stamp)
    published = infer_publication_date(doc, knowledge)
    return published, infer_event_date(doc, published, knowledge)


def text_document(text: str, **kw) -> Document:
    return Document(id="t", path="t", raw_text=text, clean_text=text, **kw)


# --------------------------------------------------------------------------- loader


def test_fixture_knowledge_parses_with_compiled_patterns():
    k = parse_knowledge([("fixtures", fixture_files())])
    assert k.version == "1" and k.as_of == date(2026, 11, 23)
    blinken = next(t for t in k.offices if t.person == "Antony Blinken")
    assert (blinken.start, blinken.end) == (date(2021, 1, 26), date(2025, 1, 20))
    assert blinken.title_pattern.search("US Secretary of State Antony Blinken")
    assert blinken.name_pattern.search("said Tony  Blinken") and not blinken.name_pattern.search("Blinkenx")
    invasion = next(e for e in k.events if e.date == date(2022, 2, 24))
    assert invasion.pattern.search("before Russia sent its armed forces into Ukraine")
    spring = next(r for r in k.recurring if "spring" in r.name.lower())
    assert spring.date_in_year(2026) == date(2026, 2, 4) and spring.date_in_year(1990) is None
    christmas = next(r for r in k.recurring if r.month_day)
    assert christmas.date_in_year(2031) == date(2031, 12, 25)


def test_package_knowledge_loads_and_merges_extra_dirs():
    merged = load_knowledge([FIXTURES])
    assert merged.as_of >= date(2026, 1, 1) and int(merged.version) >= 1
    names = {r.name for r in merged.recurring}
    assert "Start of spring (Lichun)" in names  # from the fixture dir
    assert len(merged.offices) > len(parse_knowledge([("f", fixture_files())]).offices)  # plus the package's


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("offices.csv", "person,aliases,office,country,titles,start,end\nA,,x,Y,t,2020-13-01,\n", "offices.csv:2"),
        ("offices.csv", "person,aliases,office,country,titles,start,end\n# c\nA,,x,Y,t,2020-01-01\n", "offices.csv:3"),
        ("events.csv", "date,precision,name,patterns\n2020-01-01,week,E,e\n", "precision"),
        ("events.csv", "date,precision,name,patterns\n2020-01-01,day,E,(unclosed\n", "events.csv:2"),
        ("recurring.csv", "name,patterns,month_day,dates\nX,x,,\n", "recurring.csv:2"),
        ("events.csv", "when,precision,name,patterns\n", "header"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge([("fixtures", fixture_files()), (str(tmp_path), read_knowledge_dir(tmp_path))])


def test_missing_extra_dir_is_an_error(tmp_path):
    with pytest.raises(KnowledgeError, match="not found"):
        load_knowledge([tmp_path / "nope"])


# --------------------------------------------------------------------------- seeds


def test_004_weekday_with_day_month(knowledge):
    published, event = date_seed("004", knowledge)
    assert (event.value, event.certain) == ("2022-12-30", True)
    assert published.value == "2022-12-30" and not published.certain  # published that day or within a week
    assert any("December 30" in e for e in event.evidence)


def test_003_earliest_consistent_thursday_is_uncertain(knowledge):
    published, event = date_seed("003", knowledge)
    assert event.value == "2024-05-16" and not event.certain
    assert event.alternatives[:2] == ["2024-05-23", "2024-05-30"]
    assert all(date.fromisoformat(d).weekday() == 3 for d in event.alternatives)
    joined = " ".join(event.evidence)
    assert "Belousov" in joined and "Blinken" in joined and "candidates in all" in joined


def test_002_a_day_after_a_swearing_in(knowledge):
    published, event = date_seed("002", knowledge)
    assert (event.value, event.certain) == ("2025-01-21", True)
    assert any("sworn in" in e for e in event.evidence)


def test_001_stamp_and_recurring_day(knowledge):
    published, event = date_seed("001", knowledge, stamp="02/04 06:20")
    assert (event.value, event.certain) == ("2026-02-04", True)
    assert published.value == "2026-02-04"
    assert any("02/04 06:20" in e for e in published.evidence)


def test_000_rewrite_without_stamp_falls_back_to_publication(knowledge):
    published, event = date_seed("000", knowledge)
    assert event.value == published.value == "2026-02-04"
    assert not event.certain and event.alternatives[0] == "2026-02-05"


def test_rewrite_and_original_combine_to_one_certain_day(knowledge):
    inferences = [date_seed("000", knowledge)[1], date_seed("001", knowledge, "02/04 06:20")[1]]
    combined = combine_event_dates(inferences)
    assert (combined.value, combined.certain, combined.source) == ("2026-02-04", True, "event")


# --------------------------------------------------------------------------- rules


def test_given_metadata_is_certain_and_wins(knowledge):
    doc = text_document("Russian President Vladimir Putin spoke on Friday (30 December).", given={"published": "2016-12-30T10:00:00Z"})
    published = infer_publication_date(doc, knowledge)
    assert (published.value, published.certain, published.source) == ("2016-12-30", True, "metadata")
    event = infer_event_date(doc, published, knowledge)
    assert (event.value, event.certain) == ("2016-12-30", True)


def test_printed_full_date_is_certain(knowledge):
    doc = text_document("Xi spoke on Tuesday.", date_stamp="March 3, 2015 10:12")
    assert infer_publication_date(doc, knowledge).value == "2015-03-03"
    assert infer_publication_date(doc, knowledge).certain


def test_conflicting_clue_is_reported_not_applied(knowledge):
    doc = text_document("Chinese President Xi Jinping said on Friday (30 December) that ties were strong.", date_stamp="02/04 06:20")
    published = infer_publication_date(doc, knowledge)
    assert any(e.startswith("conflict, not applied") and "30 December" in e for e in published.evidence)
    assert published.value is not None and published.value[5:] in ("02-03", "02-04", "02-05", "04-01", "04-02", "04-03")
    assert not published.certain


def test_former_title_does_not_date_the_article(knowledge):
    titled = infer_publication_date(text_document("US Secretary of State Antony Blinken spoke."), knowledge)
    former = infer_publication_date(text_document("Former US Secretary of State Antony Blinken spoke."), knowledge)
    assert titled.value == "2021-01-26"
    assert former.value == "1995-01-01" and not former.certain


def test_past_and_future_mentions_of_one_weekday_mean_publication_day(knowledge):
    text = (
        "Chinese President Xi Jinping arrived on Monday for talks in 2019. "
        "A dinner later on Monday is expected to seal the deal."
    )
    published = infer_publication_date(text_document(text), knowledge)
    assert published.value == "2019-01-07"  # the first Monday of 2019
    assert date.fromisoformat(published.value).weekday() == 0


def test_nothing_known_leaves_every_day_uncertain(knowledge):
    published = infer_publication_date(text_document("Officials met on Thursday."), knowledge)
    assert published.value == "1995-01-01" and not published.certain
    assert any("candidates in all" in e for e in published.evidence)


def test_combine_intersects_and_reports_conflicts():
    a = DateInference("2024-05-16", alternatives=["2024-05-23", "2024-05-30"])
    b = DateInference("2024-05-23", alternatives=["2024-06-06"])
    c = DateInference("2024-07-01", certain=True)
    assert combine_event_dates([a, b]).value == "2024-05-23" and combine_event_dates([a, b]).certain
    conflict = combine_event_dates([a, c])
    assert conflict.value == "2024-07-01" and not conflict.certain
    assert any("conflict" in e for e in conflict.evidence)
    assert combine_event_dates([]).value is None


def test_swearing_in_of_a_titled_holder_anchors_a_day_after(fixture_knowledge):
    # the fixtures hold no inauguration event: the anchor is the start of Trump's terms
    published, event = date_seed("002", fixture_knowledge)
    assert (event.value, event.certain) == ("2025-01-21", True)
    assert any("sworn in" in e and "+1 days" in e for e in published.evidence)


def test_all_seed_event_days_with_fixture_knowledge_only(fixture_knowledge):
    got = {
        prefix: date_seed(prefix, fixture_knowledge, "02/04 06:20" if prefix == "001" else None)[1].value
        for prefix in ("000", "001", "003", "004")
    }
    assert got == {"000": "2026-02-04", "001": "2026-02-04", "003": "2024-05-16", "004": "2022-12-30"}


def test_odd_clue_out_is_the_one_dropped(fixture_knowledge):
    # a 2016-ish text recalling an earlier holder: the two agreeing clues win
    text = (
        "US Secretary of State Antony Blinken met Russia's foreign minister, Sergey Lavrov, in 2023. "
        "Russia sent its armed forces into Ukraine in 2022. Then-Secretary of State John Smith resigned. "
        "President Joe Biden said the talks were useful."
    )
    published = infer_publication_date(text_document(text), fixture_knowledge)
    assert published.value == "2023-01-01"
    decoy = text + " Russian Prime Minister Vladimir Putin was there."
    dropped = infer_publication_date(text_document(decoy), fixture_knowledge)
    assert any(e.startswith("conflict, not applied") and "Prime Minister Vladimir Putin" in e for e in dropped.evidence)
    assert dropped.value == "2023-01-01" and not dropped.certain


def test_required_literals_are_a_necessary_condition():
    assert required_literals("full-scale invasion of Ukraine|(?:sent|send) (?:its )?troops into Ukraine") == (
        "full-scale invasion of ukraine",
        "troops into ukraine",
    )
    assert required_literals("(?-i:Spring Festival)(?! Eve)") == ("spring festival",)
    assert required_literals("a(?:b|c)d") is None and required_literals("x*y") is None


# Measured 2026-11-23 on the 84 PolNeAR dev articles (2016 US election news, dated by
# metadata we hide): the true day stayed a candidate for 81 of 84 (0.964), 46 of 84 were
# narrowed; the misses are "President Bill Clinton"-style recollections with no other clue
# to outvote them. (On 900 train+dev articles: 0.95.)
POLNEAR_TRUE_DAY_KEPT_FLOOR = 0.93


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR not available")
def test_true_publication_day_survives_the_constraints(knowledge):
    rows = [r for r in csv.DictReader((POLNEAR / "metadata.tsv").open(encoding="utf-8"), delimiter="\t") if r["compartment"] == "dev"]
    kept = narrowed = 0
    for row in rows:
        text = (POLNEAR / "dev" / "text" / f"{row['filename']}.txt").read_text(encoding="utf-8")
        doc = Document(id=row["filename"], path="", raw_text=text, clean_text=text, title=row["title"])
        candidates, _ = publication_candidates(doc, knowledge)
        kept += date.fromisoformat(row["publication_date"]).toordinal() in set(candidates.tolist())
        narrowed += candidates.size < (knowledge.as_of - date(1995, 1, 1)).days
    assert len(rows) > 80
    assert kept / len(rows) >= POLNEAR_TRUE_DAY_KEPT_FLOOR
    assert narrowed / len(rows) > 0.5  # the clues do narrow most articles


def test_crawl_date_bounds_publication_without_claiming_it(knowledge):
    # 003 alone allows Thursdays from May 2024 to January 2025; a crawl in June 2024 cuts that short
    doc = seed_document("003")
    doc.given = {"crawled": "2024-06-01T08:00:00Z"}
    published = infer_publication_date(doc, knowledge)
    assert published.value == "2024-05-16" and not published.certain
    assert published.alternatives == ["2024-05-23", "2024-05-30"]
    assert any("crawled" in line for line in published.evidence)
