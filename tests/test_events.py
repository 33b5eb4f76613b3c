"""Event clustering, the cluster command and event coding, on the seeds and small fixtures."""

import json
from dataclasses import replace
from datetime import date

import numpy as np

import pytest
from typer.testing import CliRunner

from storyline import coding, events, pipeline
from storyline.cli import app
from storyline.ingest import ingest
from storyline.model import DateInference, Event

from conftest import SEEDS

CALLS = {"2022-12-30", "2025-01-21", "2026-02-04"}


@pytest.fixture(scope="module")
def seed_corpus():
    ctx = pipeline.Context.default()
    docs, errors = pipeline.process_documents(ingest([SEEDS]).documents, ctx)
    assert not errors
    return pipeline.process_corpus(docs, ctx)


def test_seed_events_are_coded_as_consultations_by_phone_or_visit(seed_corpus):
    by_date = {e.date.value: e for e in seed_corpus.events}
    assert set(by_date) == CALLS | {"2024-05-16"}
    for day, event in by_date.items():
        assert event.coding.event_type == "CONSULT", day
        assert event.coding.mode == ("visit" if day == "2024-05-16" else "phone"), day
        parties = set(event.coding.actors) | set(event.coding.targets)
        assert {"Vladimir Putin", "Xi Jinping"} <= parties, day
        assert event.coding.evidence and event.coding.document_id in event.document_ids


def test_the_call_putin_made_codes_him_as_actor_and_xi_as_target(seed_corpus):
    (call,) = [e for e in seed_corpus.events if e.date.value == "2025-01-21"]
    assert call.coding.actors[0] == "Vladimir Putin" and call.coding.targets[0] == "Xi Jinping"


def item(id_, text, day=None, names=()):
    span = (date.fromisoformat(day),) * 2 if day else None
    return events.ClusterItem(id_, text.split(".")[0], text, frozenset(names), frozenset(names), span)


CALL = ("Russian President Vladimir Putin held a video call with Chinese leader Xi Jinping and praised "
        "growing trade in energy, grain and technology between the two countries.")
FLOOD = "Heavy rain flooded towns across Bavaria, forcing thousands of residents to leave their homes as rivers rose."


def test_identical_reports_with_days_years_apart_are_two_events_and_undated_joins():
    items = [item("a", CALL, "2022-12-30"), item("b", CALL, "2026-02-04"), item("c", CALL, "2026-02-05"), item("d", FLOOD)]
    groups = events.cluster_items(items, [])
    assert ["b", "c"] in groups and ["a"] in groups and ["d"] in groups


def test_reuse_links_keep_a_rewrite_with_its_original_whatever_its_words():
    items = [item("a", CALL, "2026-02-04"), item("b", FLOOD, "2026-02-04")]
    assert events.cluster_items(items, []) == [["a"], ["b"]]
    assert events.cluster_items(items, [("a", "b")]) == [["a", "b"]]


def test_blocking_proposes_pairs_only_through_shared_rare_terms():
    items = [item(f"d{n}", f"unique{n}word alpha{n} beta{n} gamma{n}") for n in range(40)]
    items += [item("x", CALL), item("y", CALL)]
    pairs = events.candidate_pairs(events.text_vectors(items), items)
    assert [tuple(p) for p in pairs] == [(40, 41)]


def test_a_truncated_candidate_list_spans_to_the_last_day_its_evidence_names():
    inference = DateInference("2024-05-16", False, "text", [
        "event day: 36 candidates in all; alternatives list the first 10 after the earliest (2024-05-16 – 2025-01-16)"
    ], ["2024-05-23"])
    assert events.day_span(inference) == (date(2024, 5, 16), date(2025, 1, 16))
    assert events.date_penalty((date(2025, 1, 21),) * 2, events.day_span(inference)) == events.DATE_GAP_PENALTY
    assert events.date_penalty(None, events.day_span(inference)) == 0


def test_cluster_command_prints_one_object_per_record(tmp_path):
    records = [
        {"id": "a", "title": "Putin and Xi hold video call", "date": "2026-02-04", "source": "AP",
         "text": "Russian President Vladimir Putin held a video call with Chinese President Xi Jinping on Wednesday and hailed growing economic cooperation."},
        {"id": "b", "title": "Xi, Putin talk by video", "date": "2026-02-04", "source": "Reuters",
         "text": "Chinese leader Xi Jinping and Russian President Vladimir Putin spoke by video link on Wednesday, praising economic cooperation between their countries."},
        {"id": "c", "title": "Putin and Xi video call", "date": "2022-12-30", "source": "Reuters",
         "text": "Russian President Vladimir Putin held a video call with Chinese President Xi Jinping on Friday and hailed growing economic cooperation."},
        {"id": "d", "title": "Floods hit Bavaria", "date": "2024-06-02", "source": "DW", "text": FLOOD},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["cluster", str(path)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"a", "b", "c", "d"} and all(set(r) == {"id", "event_id", "story_id"} for r in rows.values())
    assert rows["a"]["event_id"] == rows["b"]["event_id"] != rows["c"]["event_id"]
    assert rows["a"]["story_id"] == rows["c"]["story_id"] != rows["d"]["story_id"]
    assert "in.jsonl" in result.stderr


@pytest.mark.parametrize("sentence, kind, mode", [
    ("Iran threatened on Tuesday to shell Iraqi towns in retaliation for an air raid.", "THREATEN", None),
    ("Putin said he expected Xi to make a state visit, in remarks from a video conference.", "CONSULT", "phone"),
    ("The foreign minister arrived in Beijing on Monday for two days of talks.", "CONSULT", "visit"),
    ("Police arrested 12 demonstrators outside parliament.", "COERCE", None),
    ("The opposition accused the government of rigging the vote.", "DISAPPROVE", "accuse"),
])
def test_a_sentence_is_coded_by_its_first_realised_trigger(sentence, kind, mode):
    coded = coding.code_sentence(sentence, [])
    assert (coded.event_type, coded.mode) == (kind, mode)


def test_no_trigger_no_coding():
    assert coding.code_sentence("The weather was mild and the river was calm.", []) is None


def test_seed_reports_group_into_their_four_events(seed_corpus):
    paths = {d.id: d.path.split("/")[-1] for d in seed_corpus.documents}
    groups = sorted(sorted(paths[i] for i in e.document_ids) for e in seed_corpus.events)
    assert len(groups) == 4 and sum(map(len, groups)) == 5
    (pair,) = [g for g in groups if len(g) == 2]
    assert pair[0].startswith("000") and pair[1].startswith("001")  # the rewrite joins AP's original


def test_heads_about_different_people_are_two_events_even_with_shared_topic_words():
    fight = "{} stopped {} in the seventh round to retain the heavyweight title belts on Saturday night in Germany."
    def report(id_, *people):
        text = fight.format(*people)
        words = events.name_words(text)
        return events.ClusterItem(id_, text, text, words, words, lead_people=frozenset(p.lower() for p in people))

    a, b = report("a", "Wladimir Klitschko", "Hasim Rahman"), report("b", "Wladimir Klitschko", "Tony Thompson")
    assert events.absent_protagonist(a, b.names) and events.absent_protagonist(b, a.names)
    assert not events.absent_protagonist(a, report("c", "Hasim Rahman", "Wladimir Klitschko").names)
    vectors = events.text_vectors([a, b])
    pairs = np.array([[0, 1]])
    without = replace(a, lead_people=frozenset())
    assert events.pair_scores(vectors, [a, b], pairs)[0] == pytest.approx(
        events.pair_scores(vectors, [without, b], pairs)[0] - events.OTHER_PROTAGONISTS_PENALTY)


def earlier(event_id, members):
    return Event(event_id, DateInference(None), "t", members, 1)


def test_regrouped_events_keep_the_ids_of_the_events_they_continue():
    previous = [earlier("ev_call", ["a", "b"]), earlier("ev_flood", ["f", "g"]), earlier("ev_split", ["x", "y", "z"])]
    groups = [["a", "b", "c"], ["f", "g"], ["x", "y"], ["z"], ["h"]]
    named = events.carried_ids(groups, previous)
    assert named["ev_call"] == ["a", "b", "c"] and named["ev_flood"] == ["f", "g"]
    assert named["ev_split"] == ["x", "y"]  # the larger part of a split event keeps its id
    assert named[events.stable_id("ev_", ["z"])] == ["z"] and named[events.stable_id("ev_", ["h"])] == ["h"]
    assert events.carried_ids(groups, list(reversed(previous))) == named


def test_two_earlier_events_joined_by_new_reports_keep_the_larger_ones_id():
    named = events.carried_ids([["a", "b", "c", "d"]], [earlier("ev_1", ["a"]), earlier("ev_2", ["b", "c"])])
    assert named == {"ev_2": ["a", "b", "c", "d"]}


def test_pairs_whose_reports_share_their_closest_reports_gain_and_weak_pairs_are_no_neighbours():
    # 0-1-2 are one tight event; 3 is close to 0 only through a weak (sub-bar) pair.
    pairs = np.array([[0, 1], [0, 2], [1, 2], [0, 3]])
    strong = events.NEIGHBOUR_SCORE + 0.1
    scores = np.array([strong, strong, strong, events.NEIGHBOUR_SCORE - 0.01])
    top = events.nearest_neighbours(pairs, scores, 4)
    assert set(top[0]) == {0, 1, 2, -1} and list(top[3]) == [3] + [-1] * events.NEIGHBOURS
    shared = events.shared_neighbour_scores(pairs, scores, 4)
    assert shared[0] == pytest.approx(3 / (events.NEIGHBOURS + 1))  # 0, 1 and 2 in both
    assert shared[3] == pytest.approx(0.0)  # 3 has no neighbour, and 0 does not count 3


def test_each_report_keeps_only_its_best_neighbours_ties_to_the_lower_index():
    count = events.NEIGHBOURS + 3
    pairs = np.array([[0, k] for k in range(1, count)])
    scores = np.full(len(pairs), events.NEIGHBOUR_SCORE + 0.2)
    scores[-1] += 0.1  # the last partner is the best one
    top = events.nearest_neighbours(pairs, scores, count)
    assert list(top[0]) == [0, count - 1, *range(1, events.NEIGHBOURS)]


def test_a_topic_with_two_events_splits_where_their_reports_stop_sharing_neighbours():
    quake_a = "A magnitude {} earthquake struck {} province on Sunday, killing {} people and injuring dozens, officials said. Indonesia lies on the Pacific Ring of Fire."
    quake_b = ("A strong earthquake rocked the {} region on Wednesday, destroying {} homes as rescuers searched for {} missing. "
               "Indonesia lies on the Pacific Ring of Fire.")
    items = [item(f"a{n}", quake_a.format(6.1, "Aceh", n + 3)) for n in range(6)]
    items += [item(f"b{n}", quake_b.format("Papua", 100 + n, n + 5)) for n in range(6)]
    pairs = np.stack(np.triu_indices(len(items), 1), axis=1)  # all pairs, not only blocking's
    scores = events.pair_scores(events.text_vectors(items), items, pairs)
    shared = events.shared_neighbour_scores(pairs, scores, len(items))
    within = pairs[:, 0] // 6 == pairs[:, 1] // 6
    assert scores[~within].max() > 0  # the topic's words make the two events alike
    assert shared[within].min() > shared[~within].max()
    assert sorted(map(sorted, events.cluster_items(items, []))) == [[f"a{n}" for n in range(6)], [f"b{n}" for n in range(6)]]


def test_name_words_are_capitalised_words_that_do_not_open_a_sentence():
    text = ("The quake struck off Sumatra on Sunday. Officials in Jakarta said the Indonesian Red Cross sent "
            "teams. \u201cWe are ready,\u201d said Red Cross chief Jusuf Kalla (whose team flew in).")
    assert events.name_words(text) == {"sumatra", "sunday", "jakarta", "indonesian", "red", "cross", "jusuf", "kalla"}


def test_a_seed_reports_name_words_hold_both_leaders_and_its_head_names_them(seed_corpus):
    doc = next(d for d in seed_corpus.documents if d.path.split("/")[-1].startswith("001"))
    item = events.cluster_item(doc)
    assert {"putin", "xi", "jinping"} <= item.names
    assert {"putin", "xi"} <= item.lead_names and {"vladimir putin", "xi jinping"} & item.lead_people
