import json

from storyline.ingest import document_id, ingest

from conftest import SEEDS


def test_seed_folder_reads_every_article_with_stable_ids():
    first = ingest([SEEDS])
    again = ingest([SEEDS])
    assert len(first.documents) == 5 and not first.errors
    assert [d.id for d in first.documents] == [d.id for d in again.documents]
    assert all(d.raw_format == "text" for d in first.documents)


def test_bad_files_are_reported_by_name_and_good_ones_kept(tmp_path):
    (tmp_path / "good.txt").write_text((SEEDS / "004_3f95dd3d0e0f8142.txt").read_text())
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)))
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = ingest([tmp_path])
    assert [d.path for d in result.documents] == [str(tmp_path / "good.txt")]
    problems = {e.path: e.problem for e in result.errors}
    assert "binary" in problems[str(tmp_path / "binary.txt")]
    assert "empty" in problems[str(tmp_path / "empty.txt")]
    assert "unsupported" in problems[str(tmp_path / "notes.pdf")]


def test_jsonl_records_keep_their_metadata_and_bad_lines_are_errors(tmp_path):
    body = (SEEDS / "002_efb0de2a40b22ee1.txt").read_text()
    lines = [
        json.dumps({"id": "a1", "text": body, "url": "https://example.org/a1", "source": "Example", "date": "2025-01-21"}),
        "{not json",
        json.dumps({"id": "a2", "title": "no body"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n")
    result = ingest([tmp_path / "batch.jsonl"])
    (doc,) = result.documents
    assert doc.path.endswith("batch.jsonl#a1")
    assert doc.given == {"url": "https://example.org/a1", "outlet": "Example", "published": "2025-01-21"}
    assert sorted(e.where.rsplit("#", 1)[1] for e in result.errors) == ["2", "3"]


def test_sidecar_metadata_joins_by_file_name(tmp_path):
    (tmp_path / "a.txt").write_text((SEEDS / "003_4d35a865ec83e0f2.txt").read_text())
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text("file,url,outlet,published\na.txt,https://example.org/a,Example,2024-05-16\n")
    (doc,) = ingest([tmp_path / "a.txt"], sidecar=sidecar).documents
    assert doc.given["published"] == "2024-05-16"
    assert doc.id != document_id(doc.raw_text)  # same text from a named outlet is its own report


def test_the_same_text_twice_is_one_document_and_the_repeat_is_reported(tmp_path):
    text = (SEEDS / "004_3f95dd3d0e0f8142.txt").read_text()
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text)
    result = ingest([tmp_path])
    assert [d.path for d in result.documents] == [str(tmp_path / "a.txt")]
    assert result.repeats == [(str(tmp_path / "b.txt"), str(tmp_path / "a.txt"))]
