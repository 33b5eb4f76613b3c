"""The v0 acceptance, end to end through the CLI on the five seed articles (no sidecar)."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from storyline.cli import app

from conftest import SEEDS

runner = CliRunner()
AP = "001_167d99fbde11abbb.txt"
REWRITE = "000_4d0162f69c1c7a40.txt"


def invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    invoke("run", SEEDS, "--db", db)
    return db


@pytest.fixture(scope="module")
def records(store):
    lines = invoke("export", "--db", store, "--format", "jsonl").stdout.splitlines()
    out = {}
    for line in lines:
        record = json.loads(line)
        out.setdefault(record["type"], []).append(record)
    return out


def by_file(records):
    return {d["path"].rsplit("/", 1)[-1]: d for d in records["document"]}


def test_four_events_in_date_order_with_the_2026_call_reported_once(records):
    docs = by_file(records)
    events = records["event"]
    assert [e["date"] for e in events] == ["2022-12-30", "2024-05-16", "2025-01-21", "2026-02-04"]
    files = [sorted(k for k, d in docs.items() if d["id"] in e["document_ids"]) for e in events]
    assert files == [
        ["004_3f95dd3d0e0f8142.txt"], ["003_4d35a865ec83e0f2.txt"], ["002_efb0de2a40b22ee1.txt"], [REWRITE, AP]
    ]
    call_2026 = events[-1]
    assert call_2026["independent_sources"] == 1
    assert all(e["date_evidence"] for e in events)
    assert all(e["summary"] and all(c["document_ids"] for c in e["summary"]) for e in events)


def test_rewrite_points_at_the_ap_original_with_paragraph_pairs(records):
    docs = by_file(records)
    ap, rewrite = docs[AP], docs[REWRITE]
    assert rewrite["copy_of"] == ap["id"] and ap["copy_of"] is None
    assert rewrite["id"] in ap["original_of"]
    (link,) = [r for r in records["reuse"] if r["target_document_id"] == rewrite["id"] and r["kind"] != "internal"]
    assert link["source_document_id"] == ap["id"] and link["kind"] == "paraphrase"
    pairs = [(ap["text"][a:b], rewrite["text"][c:d]) for a, b, c, d in link["spans"]]
    assert any("firm support" in s and "firm support" in t for s, t in pairs)
    assert any("closest partners" in s and "closest partners" in t for s, t in pairs)
    (internal,) = [r for r in records["reuse"] if r["kind"] == "internal" and r["target_document_id"] == rewrite["id"]]
    assert internal["source_document_id"] == rewrite["id"]
    (span,) = internal["spans"]  # the "firm support" quote pasted twice is one internal duplicate
    a, b, c, d = span
    assert "firm support" in rewrite["text"][a:b] and "firm support" in rewrite["text"][c:d] and b <= c


def speaker_of(records, words):
    matches = [q for q in records["quote"] if words in q["text"]]
    assert matches, f"no quote with {words!r}"
    return matches


def test_quotes_have_canonical_speakers_and_are_merged_across_outlets(records):
    docs = by_file(records)
    (firm,) = speaker_of(records, "firm support")
    assert firm["speaker"] == "Vladimir Putin"
    assert set(firm["document_ids"]) == {docs[AP]["id"], docs[REWRITE]["id"]}
    assert {q["speaker"] for q in speaker_of(records, "use a historic opportunity")} == {"Xi Jinping"}
    assert {q["speaker"] for q in speaker_of(records, "practically coincide")} == {"Yuri Ushakov"}
    lavrov = speaker_of(records, "interests of the United States have never changed")
    assert {q["speaker"] for q in lavrov} == {"Sergey Lavrov"}
    (entity,) = [e for e in records["entity"] if e["id"] == lavrov[0]["speaker_entity_id"]]
    assert {"Sergey Lavrov", "Sergei Lavrov"} <= set(entity["aliases"]) | {entity["name"]}


def test_running_twice_changes_nothing(store, records, tmp_path):
    before = invoke("export", "--db", store, "--format", "jsonl").stdout
    second = invoke("run", SEEDS, "--db", store)
    assert "0 added" in second.stderr and "corpus unchanged" in second.stderr
    assert invoke("export", "--db", store, "--format", "jsonl").stdout == before


def test_a_bad_file_is_named_and_every_good_file_processed(tmp_path):
    folder = tmp_path / "pile"
    shutil.copytree(SEEDS, folder)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    db = tmp_path / "pile.db"
    result = invoke("run", folder, "--db", db)
    assert "broken.txt" in result.stderr and "binary" in result.stderr
    exported = invoke("export", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert sum(json.loads(line)["type"] == "document" for line in exported) == 5


def test_timeline_formats_show_the_events_and_escape_nothing_away(store):
    text = invoke("timeline", "--db", store).stdout
    assert text.index("2022-12-30") < text.index("2024-05-16") < text.index("2025-01-21") < text.index("2026-02-04")
    markdown = invoke("timeline", "--db", store, "--format", "markdown").stdout
    assert markdown.startswith("# ")
    data = json.loads(invoke("timeline", "--db", store, "--format", "json").stdout)
    assert len(data[0]["events"]) == 4


def test_csv_and_parquet_tables_hold_the_jsonl_records(store, records, tmp_path):
    import csv

    import pyarrow.parquet as pq

    invoke("export", "--db", store, "--format", "csv", "--out", tmp_path / "csv")
    invoke("export", "--db", store, "--format", "parquet", "--out", tmp_path / "parquet")
    for kind, plural in (("document", "documents"), ("event", "events"), ("quote", "quotes"), ("entity", "entities"),
                         ("reuse", "reuses"), ("story", "stories")):
        expected = [{k: v for k, v in r.items() if k != "type"} for r in records.get(kind, [])]
        if kind == "quote":
            expected = [{**r, "occurrences": [dict(zip(("document_id", "start", "end"), o)) for o in r["occurrences"]]} for r in expected]
        with (tmp_path / "csv" / f"{plural}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == len(expected)
        table = pq.read_table(tmp_path / "parquet" / f"{plural}.parquet").to_pylist()
        assert len(table) == len(expected)
        if expected:  # nested values keep their structure: lists, spans and coding as in the JSONL
            assert table == expected
    (rewrite,) = [d for d in pq.read_table(tmp_path / "parquet" / "documents.parquet").to_pylist() if d["path"].endswith(REWRITE)]
    assert rewrite["copy_of"] and "firm support" in rewrite["text"]


def test_plover_export_codes_the_four_contacts_with_the_leaders_countries(store, records, tmp_path):
    out = tmp_path / "events.plover.json"
    invoke("export", "--db", store, "--format", "plover", "--out", out)
    coded = json.loads(out.read_text(encoding="utf-8"))
    assert [r["date"] for r in coded] == [e["date"] for e in records["event"] if e["coding"]]
    by_date = {r["date"]: r for r in coded}
    assert by_date["2024-05-16"]["event"] == "CONSULT" and by_date["2024-05-16"]["mode"] == "visit"
    assert by_date["2026-02-04"]["mode"] and by_date["2026-02-04"]["mode"] != "visit"
    for record in coded:
        actors = {a["actorText"]: a["country"] for a in record["source"] + record["target"]}
        assert {"Vladimir Putin": "Russia", "Xi Jinping": "China"}.items() <= actors.items()
        assert record["text"] and record["documentId"] in record["documentIds"]
