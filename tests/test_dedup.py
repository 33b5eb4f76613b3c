"""`storyline dedup` streams (batches read and cleaned, texts kept in a temporary SQLite file,
pairs aligned a group at a time) and must say exactly what aligning everything at once says:
the seeds, and a few hundred PolNeAR articles with copies, excerpts and duplicates made of
them at test time."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import dedup
from storyline import provenance as pv
from storyline.clean import clean_documents
from storyline.cli import app
from storyline.embeddings import try_load_encoder
from storyline.model import DateInference, Document, Paragraph

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
POLNEAR = SHARED / "data" / "quotes" / "polnear" / "train" / "text"
ARTICLES = 240  # PolNeAR texts in the corpus fixture (of 840)
COPIED = 60  # of which this many get a copy, an edited copy or an excerpt elsewhere
SMALL_BATCH = 70  # documents read at a time in the batched test: several batches of the fixture


@pytest.fixture(scope="module")
def encoder():
    return try_load_encoder()  # what find_reuse would load; None runs both sides lexically


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """PolNeAR articles plus reuse made from them: exact copies, copies with a paragraph
    dropped and a few words changed, and excerpts (three paragraphs pasted into another
    article), all as one JSONL file with ids."""
    rng = random.Random(4)
    names = sorted(p.name for p in POLNEAR.glob("*.txt"))[:ARTICLES]
    texts = {name: (POLNEAR / name).read_text(encoding="utf-8") for name in names}
    records = [{"id": name, "text": text} for name, text in texts.items()]
    for n, name in enumerate(rng.sample(names, COPIED)):
        paras = [p for p in texts[name].split("\n") if p.strip()]
        kind = n % 3
        if kind == 0:
            records.append({"id": f"exact-{n}", "text": texts[name]})
        elif kind == 1 and len(paras) > 3:
            kept = [p for k, p in enumerate(paras) if k != 1]
            words = kept[0].split()
            words[len(words) // 2] = "reportedly"
            records.append({"id": f"edited-{n}", "text": "\n\n".join([" ".join(words), *kept[1:]])})
        else:
            host = [p for p in texts[rng.choice(names)].split("\n") if p.strip()]
            records.append({"id": f"excerpt-{n}", "text": "\n\n".join(host[:2] + paras[:3] + host[2:])})
    rng.shuffle(records)
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def all_at_once(paths: list[Path], encoder, batch: int = dedup.READ_BATCH) -> list[dict]:
    """What dedup printed before it streamed: every document in memory, find_reuse over all
    (cleaned and indexed in batches of ``batch``, as streaming does)."""
    docs, _ = dedup.read_documents(paths)
    cleaned = [d for s in range(0, len(docs), batch) for d in clean_documents(docs[s : s + batch])]
    found = pv.candidate_pairs(cleaned, batch_size=batch)
    links = [l for l in pv.find_reuse(cleaned, found=found, encoder=encoder) if l.kind in dedup.PAIR_KINDS]
    return [dedup.pair_record(l) for l in sorted(links, key=lambda l: (l.source_document_id, l.target_document_id))]


def streamed(paths: list[Path], encoder, **sizes) -> list[dict]:
    report = dedup.dedup(paths, encoder, **sizes)
    records = [dedup.pair_record(l) for l in report.pair_links()]
    report.close()
    return records


def test_streaming_the_seeds_reports_what_aligning_all_at_once_does(encoder):
    expected = all_at_once([SEEDS], encoder)
    assert [(r["a"], r["b"], r["kind"]) for r in expected] == [("001_167d99fbde11abbb.txt", "000_4d0162f69c1c7a40.txt", "paraphrase")]
    assert streamed([SEEDS], encoder, batch_size=2, align_documents=2) == expected


def test_streaming_a_few_hundred_articles_in_small_batches_changes_no_pair_kind_span_or_original(corpus):
    # lexical paraphrase judgement: embedding every candidate pair's sentences takes minutes here
    expected = all_at_once([corpus], None, batch=SMALL_BATCH)
    kinds = {r["kind"] for r in expected}
    assert len(expected) >= COPIED and {"exact", "near", "copy"} <= kinds
    # several read batches, and alignment groups far smaller than the pairs' documents
    assert streamed([corpus], None, batch_size=SMALL_BATCH, align_documents=12) == expected


def test_dedup_command_streams_the_json_lines_of_the_all_at_once_run(tmp_path, encoder):
    records = [{"id": p.name[:3], "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    records.append({"id": "001-again", "text": records[1]["text"]})
    path = tmp_path / "seeds.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["dedup", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(l["a"], l["b"], l["kind"]) for l in lines] == [("001", "000", "paraphrase"), ("001", "001-again", "exact")]
    assert lines == all_at_once([path], encoder)


def test_pair_groups_cover_every_pair_once_and_bound_the_documents_held():
    pairs = [(f"d{i}", f"d{i + 1}") for i in range(0, 40, 2)] + [("d0", "d5"), ("d7", "d9"), ("x", "y")]
    chunks = list(dedup.pair_chunks(pairs, max_documents=5))
    assert sorted(p for chunk in chunks for p in chunk) == sorted(pairs)
    assert all(len({d for p in chunk for d in p}) <= 5 for chunk in chunks)
    # connected pairs travel together: d0-d1, d4-d5 and d0-d5 share one group
    assert any({("d0", "d1"), ("d4", "d5"), ("d0", "d5")} <= set(chunk) for chunk in chunks)


def test_the_store_keeps_what_alignment_and_direction_read_but_not_the_raw_page():
    store = dedup.DocumentStore()
    doc = Document(
        id="a~2", path="x.jsonl#a", raw_text="<p>raw page</p>" * 1000, raw_format="html",
        clean_text="Body “quoted” text.", paragraphs=[Paragraph(0, 19)], dateline="BEIJING (AP)",
        removed_lines=["Source link"], published=DateInference("2024-05-16", certain=True),
    )
    store.add_documents([doc])
    [back] = store.documents(["a~2", "missing"]).values()
    assert back.raw_text == "" and back.clean_text == doc.clean_text and back.paragraphs == doc.paragraphs
    assert (back.dateline, back.removed_lines, back.published) == (doc.dateline, doc.removed_lines, doc.published)
    store.close()


def test_a_document_the_cleaner_cannot_take_is_reported_and_its_batch_still_counts():
    good = Document(id="good", path="in.jsonl#1", raw_text="A plain sentence about a meeting in Beijing.")
    bad = Document(id="bad", path="in.jsonl#2", raw_text=b"not text", raw_format="html")  # type: ignore[arg-type]
    errors: list = []
    cleaned = dedup.clean_batch([good, bad], errors)
    assert [d.id for d in cleaned] == ["good"] and cleaned[0].clean_text
    assert [e.path for e in errors] == ["in.jsonl#2"]
