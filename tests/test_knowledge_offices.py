"""Checks on the office-holders knowledge file.

The file is read with the csv module alone, so these tests pin the data itself
(format, consistency, coverage and well-known facts), not any loader.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

KNOWLEDGE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "knowledge"
OFFICES = KNOWLEDGE / "offices.csv"
HEADER = ["person", "aliases", "office", "country", "titles", "start", "end"]

G20 = [
    "Argentina", "Australia", "Brazil", "Canada", "China", "France", "Germany", "India",
    "Indonesia", "Italy", "Japan", "Mexico", "Russia", "Saudi Arabia", "South Africa",
    "South Korea", "Turkey", "United Kingdom", "United States",
]
COVERED_OFFICES = ["head_of_state", "foreign_minister", "defence_minister"]
COVERAGE_FROM = date(2000, 1, 1)

# Successive holders hand over on the same day, or an outgoing minister stays on
# as caretaker for a while after the successor's appointment: a month of overlap
# is tolerated, more means a wrong date.
MAX_OVERLAP = timedelta(days=31)
# Caretaker and acting holders who served only weeks are deliberately left out
# (Argentina's week-long presidents of December 2001, a suspended Korean
# president's interim successors, ministers between cabinets), so coverage may
# have short holes; four months is longer than any such caretaker gap.
MAX_GAP = timedelta(days=120)
# Titles that alone could precede almost any name.
VAGUE_TITLES = {"minister", "leader", "chief", "secretary", "head", "official", "spokesman"}


def _read_csv(path: Path) -> list[list[str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")]
    return list(csv.reader(lines))


def _as_of() -> date:
    about = dict((row[0], row[1]) for row in _read_csv(KNOWLEDGE / "about.csv")[1:])
    return date.fromisoformat(about["as_of"])


@pytest.fixture(scope="module")
def table() -> list[list[str]]:
    return _read_csv(OFFICES)


@pytest.fixture(scope="module")
def rows(table) -> list[dict]:
    out = []
    for cells in table[1:]:
        row = dict(zip(HEADER, cells))
        row["start"] = date.fromisoformat(row["start"])
        row["end"] = date.fromisoformat(row["end"]) if row["end"] else None
        row["aliases"] = [a for a in row["aliases"].split("|") if a]
        row["titles"] = [t for t in row["titles"].split("|") if t]
        out.append(row)
    return out


def _terms(rows, country, office):
    return sorted((r for r in rows if r["country"] == country and r["office"] == office), key=lambda r: r["start"])


def _holders(rows, country, office, day):
    return [r["person"] for r in _terms(rows, country, office) if r["start"] <= day and (r["end"] is None or day < r["end"])]


def _one(rows, person, office, country):
    found = [r for r in rows if r["person"] == person and r["office"] == office and r["country"] == country]
    assert found, f"no {office} term for {person} ({country})"
    return found


def test_header_and_shape(table):
    assert table[0] == HEADER
    assert len(table) > 400
    for cells in table[1:]:
        assert len(cells) == len(HEADER), cells


def test_dates_parse_and_are_ordered(table, rows):
    as_of = _as_of()
    for cells in table[1:]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[5]), cells
        assert cells[6] == "" or re.fullmatch(r"\d{4}-\d\d-\d\d", cells[6]), cells
    for r in rows:
        assert r["end"] is None or r["start"] <= r["end"], r
        assert r["start"] <= as_of, r
        assert r["end"] is None or r["end"] <= as_of, r
        # only terms that still ran in 2000 belong here
        assert r["end"] is None or r["end"] >= COVERAGE_FROM, r


def test_cells_are_well_formed(rows):
    for r in rows:
        assert r["person"].strip() == r["person"] and r["person"], r
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", r["office"]), r
        assert r["country"], r
        assert r["titles"], r
        for title in r["titles"]:
            assert title == title.lower() and title.strip() == title, (r["person"], title)
            assert title not in VAGUE_TITLES, (r["person"], title)
        assert r["person"] not in r["aliases"], r
        assert len(set(r["aliases"])) == len(r["aliases"]), r


def test_no_overlapping_terms(rows):
    by_office = defaultdict(list)
    for r in rows:
        by_office[(r["country"], r["office"])].append(r)
    far_future = date(9999, 1, 1)
    for key, terms in by_office.items():
        terms.sort(key=lambda r: r["start"])
        for a, b in zip(terms, terms[1:]):
            overlap = (a["end"] or far_future) - b["start"]
            assert overlap <= MAX_OVERLAP, (key, a["person"], b["person"])
        assert sum(r["end"] is None for r in terms) <= 1, key


@pytest.mark.parametrize("country", G20)
@pytest.mark.parametrize("office", COVERED_OFFICES)
def test_g20_offices_are_covered(rows, country, office):
    terms = _terms(rows, country, office)
    assert terms, (country, office)
    as_of = _as_of()
    covered_to = COVERAGE_FROM
    for r in terms:
        assert r["start"] - covered_to <= MAX_GAP, (country, office, "gap before", r["person"], r["start"])
        covered_to = max(covered_to, r["end"] or as_of)
    assert covered_to == as_of, (country, office, "nobody in office at as_of")


def test_known_holders_on_given_days(rows):
    checks = [
        ("Russia", "head_of_state", date(2022, 12, 30), "Vladimir Putin"),
        ("Russia", "head_of_state", date(2010, 6, 1), "Dmitry Medvedev"),
        ("Russia", "head_of_government", date(2010, 6, 1), "Vladimir Putin"),
        ("China", "head_of_state", date(2024, 5, 16), "Xi Jinping"),
        ("China", "head_of_state", date(2008, 8, 8), "Hu Jintao"),
        ("China", "vice_president", date(2025, 1, 20), "Han Zheng"),
        ("United Kingdom", "head_of_government", date(2016, 6, 23), "David Cameron"),
        ("United Kingdom", "head_of_government", date(2022, 10, 1), "Liz Truss"),
        ("Germany", "head_of_government", date(2010, 1, 1), "Angela Merkel"),
        ("Germany", "head_of_government", date(2026, 2, 1), "Friedrich Merz"),
        ("United States", "head_of_state", date(2025, 1, 21), "Donald Trump"),
        ("United States", "vice_president", date(2010, 1, 1), "Joe Biden"),
        ("Japan", "head_of_government", date(2015, 1, 1), "Shinzo Abe"),
        ("Ukraine", "head_of_state", date(2022, 2, 24), "Volodymyr Zelensky"),
        ("Ukraine", "foreign_minister", date(2022, 2, 24), "Dmytro Kuleba"),
        ("UN", "un_secretary_general", date(2010, 1, 1), "Ban Ki-moon"),
        ("NATO", "nato_secretary_general", date(2022, 2, 24), "Jens Stoltenberg"),
        ("EU", "eu_commission_president", date(2022, 2, 24), "Ursula von der Leyen"),
        ("EU", "eu_high_representative", date(2022, 2, 24), "Josep Borrell"),
        ("Saudi Arabia", "crown_prince", date(2018, 10, 2), "Mohammed bin Salman"),
    ]
    for country, office, day, person in checks:
        assert _holders(rows, country, office, day) == [person], (country, office, day)


def test_lavrov_foreign_minister_since_2004(rows):
    (term,) = _one(rows, "Sergey Lavrov", "foreign_minister", "Russia")
    assert term["start"] == date(2004, 3, 9) and term["end"] is None
    assert "Sergei Lavrov" in term["aliases"]
    assert {"foreign minister", "russian foreign minister", "russia's top diplomat"} <= set(term["titles"])


def test_xi_president_since_2013(rows):
    (term,) = _one(rows, "Xi Jinping", "head_of_state", "China")
    assert term["start"] == date(2013, 3, 14) and term["end"] is None
    assert "chinese president" in term["titles"]


def test_putin_terms(rows):
    president = [(r["start"], r["end"]) for r in _one(rows, "Vladimir Putin", "head_of_state", "Russia")]
    assert sorted(president, key=lambda t: t[0]) == [(date(1999, 12, 31), date(2008, 5, 7)), (date(2012, 5, 7), None)]
    premier = [(r["start"], r["end"]) for r in _one(rows, "Vladimir Putin", "head_of_government", "Russia")]
    assert sorted(premier) == [(date(1999, 8, 16), date(2000, 5, 7)), (date(2008, 5, 8), date(2012, 5, 7))]


def test_trump_two_terms(rows):
    terms = sorted(((r["start"], r["end"]) for r in _one(rows, "Donald Trump", "head_of_state", "United States")), key=lambda t: t[0])
    assert terms == [(date(2017, 1, 20), date(2021, 1, 20)), (date(2025, 1, 20), None)]


def test_blinken_secretary_of_state(rows):
    (term,) = _one(rows, "Antony Blinken", "foreign_minister", "United States")
    assert (term["start"], term["end"]) == (date(2021, 1, 26), date(2025, 1, 20))
    assert {"secretary of state", "us secretary of state", "u.s. secretary of state"} <= set(term["titles"])


def test_belousov_russian_defence_minister_from_may_2024(rows):
    (term,) = _one(rows, "Andrei Belousov", "defence_minister", "Russia")
    assert (term["start"].year, term["start"].month) == (2024, 5) and term["end"] is None
    assert "Andrey Belousov" in term["aliases"]
    assert {"defence minister", "russia's defence minister", "russian defense minister"} <= set(term["titles"])
    (shoigu,) = _one(rows, "Sergei Shoigu", "security_council_secretary", "Russia")
    assert shoigu["start"] == date(2024, 5, 12) and "Sergey Shoigu" in shoigu["aliases"]


def test_transliteration_and_accent_variants(rows):
    def aliases(person, office, country):
        return set().union(*(r["aliases"] for r in _one(rows, person, office, country)))

    assert {"Volodymyr Zelenskyy", "Volodymyr Zelenskiy"} <= aliases("Volodymyr Zelensky", "head_of_state", "Ukraine")
    assert "Dmitri Medvedev" in aliases("Dmitry Medvedev", "head_of_state", "Russia")
    assert {"Lula", "Luiz Inacio Lula da Silva"} <= aliases("Luiz Inácio Lula da Silva", "head_of_state", "Brazil")
    assert {"Recep Tayyip Erdoğan", "Erdogan"} <= aliases("Recep Tayyip Erdogan", "head_of_state", "Turkey")
    # an accented canonical name is also findable without its accents
    assert "Francois Hollande" in aliases("François Hollande", "head_of_state", "France")


def test_us_uk_press_titles(rows):
    (healey,) = _one(rows, "John Healey", "defence_minister", "United Kingdom")
    assert "defence secretary" in healey["titles"] and "british defence secretary" in healey["titles"]
    (merz,) = _one(rows, "Friedrich Merz", "head_of_government", "Germany")
    assert {"chancellor", "german chancellor"} <= set(merz["titles"])
    (li,) = _one(rows, "Li Qiang", "head_of_government", "China")
    assert "chinese premier" in li["titles"]
