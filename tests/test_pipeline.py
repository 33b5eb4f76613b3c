"""The runner: stage contracts, one bad document never stops a batch, a killed run resumes cleanly."""

import dataclasses

import pytest

from storyline import pipeline
from storyline.errors import StageError
from storyline.store import Store

from conftest import SEEDS


@pytest.fixture(scope="module")
def ctx():
    return pipeline.Context.default(ner="spacy")  # spaCy here, the default (fast) beside it below


def replace_stage(monkeypatch, name, wrap):
    stages = tuple(
        dataclasses.replace(s, run=wrap(s.run)) if s.name == name else s for s in pipeline.DOCUMENT_STAGES
    )
    monkeypatch.setattr(pipeline, "DOCUMENT_STAGES", stages)


def test_a_document_that_breaks_a_stage_is_named_and_the_rest_are_kept(tmp_path, monkeypatch, ctx):
    def wrap(run):
        def failing(docs, c):
            if any("Ushakov" in d.clean_text and "Shenzhen" in d.clean_text for d in docs):
                raise ValueError("boom")
            return run(docs, c)
        return failing

    replace_stage(monkeypatch, "extract", wrap)
    with Store(tmp_path / "s.db") as store:
        report = pipeline.run([SEEDS], store, ctx)
        assert report.added == 4 and len(store.document_ids()) == 4
    (error,) = report.errors
    assert isinstance(error, StageError) and error.stage == "extract"
    assert error.where.endswith("000_4d0162f69c1c7a40.txt") and "boom" in str(error)


def test_a_stage_that_breaks_its_contract_is_named(tmp_path, monkeypatch, ctx):
    replace_stage(monkeypatch, "clean", lambda run: lambda docs, c: None)
    with Store(tmp_path / "s.db") as store:
        report = pipeline.run([SEEDS], store, ctx)
    assert report.added == 0 and len(report.errors) == 5
    assert all(e.stage == "clean" and "returned NoneType" in str(e) for e in report.errors)


def test_a_killed_run_resumes_without_duplicates_or_partial_records(tmp_path, monkeypatch, ctx):
    calls = []

    def wrap(run):
        def dying(docs, c):
            calls.append(len(docs))
            if len(calls) == 2:
                raise KeyboardInterrupt  # the user kills the run during the second batch
            return run(docs, c)
        return dying

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    replace_stage(monkeypatch, "date", wrap)
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(KeyboardInterrupt):
            pipeline.run([SEEDS], store, ctx)
        first = store.documents()
        assert len(first) == 2 and all(d.published is not None and d.clean_text for d in first)
        assert store.corpus_state() == (None, set())
    monkeypatch.undo()
    with Store(tmp_path / "s.db") as store:
        report = pipeline.run([SEEDS], store, ctx)
        assert (report.added, report.already_stored, report.corpus) == (3, 2, "rebuilt")
        ids = [d.id for d in store.documents()]
        assert len(ids) == len(set(ids)) == 5
        assert len(store.corpus().events) == 4


def reuse_keys(corpus):
    return sorted((r.source_document_id, r.target_document_id, r.kind, r.score, tuple(map(tuple, r.spans))) for r in corpus.reuse)


def test_added_documents_update_the_corpus_and_link_as_a_rebuild_does(tmp_path, ctx):
    """The AP original arrives after its rewrite: the update links them as a full run does."""
    first = tmp_path / "first"
    first.mkdir()
    for path in SEEDS.iterdir():
        if not path.name.startswith("001_"):
            (first / path.name).write_bytes(path.read_bytes())
    with Store(tmp_path / "s.db") as store:
        assert pipeline.run([first], store, ctx).corpus == "rebuilt"
        assert [r.kind for r in store.corpus().reuse] == ["internal", "internal"]  # 000 and 003 repeat a passage
        report = pipeline.run([SEEDS], store, ctx)
        assert (report.added, report.already_stored, report.corpus) == (1, 4, "updated")
        updated = store.corpus()
        assert store.corpus_state() == (pipeline.corpus_config(ctx), store.document_ids())
        assert pipeline.run([SEEDS], store, ctx).corpus == "unchanged"
        assert pipeline.run([SEEDS], store, ctx, rebuild=True).corpus == "rebuilt"
        rebuilt = store.corpus()
    assert reuse_keys(updated) == reuse_keys(rebuilt)
    assert any(r.kind == "paraphrase" for r in updated.reuse)
    assert [e.document_ids for e in updated.events] == [e.document_ids for e in rebuilt.events]
    assert len(updated.events) == 4


def test_changed_knowledge_rebuilds_the_corpus(tmp_path, ctx):
    with Store(tmp_path / "s.db") as store:
        pipeline.run([SEEDS], store, ctx)
        store.db.execute("UPDATE meta SET value = 'made by other stages' WHERE key = 'corpus_config'")
        assert pipeline.run([SEEDS], store, ctx).corpus == "rebuilt"


def test_two_worker_processes_store_what_one_process_stores(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)  # three batches to share out
    fast = pipeline.Context.default(ner="fast")
    stored = {}
    for workers in (1, 2):
        with Store(tmp_path / f"{workers}.db") as store:
            report = pipeline.run([SEEDS], store, fast, workers=workers)
            assert (report.added, report.errors) == (5, [])
            corpus = store.corpus()
        stored[workers] = ([(d.id, d.clean_text, d.mentions, d.quotes, d.published) for d in corpus.documents],
                           [e.document_ids for e in corpus.events])
    assert stored[1] == stored[2]
    assert len(stored[2][1]) == 4


def test_the_ner_engine_is_part_of_what_made_the_results(tmp_path, ctx):
    fast = pipeline.Context.default(ner="fast")
    with Store(tmp_path / "s.db") as store:
        pipeline.run([SEEDS], store, fast)
        report = pipeline.run([SEEDS], store, ctx)  # another engine: the corpus is rebuilt, documents stay
        assert (report.corpus, report.reprocessed, report.added) == ("rebuilt", 0, 0)
        report = pipeline.run([SEEDS], store, ctx, rebuild=True)  # and with --rebuild they are redone
        assert (report.corpus, report.reprocessed, report.added) == ("rebuilt", 5, 0)
        assert store.documents_not_made_by(ctx.version) == []
        assert pipeline.run([SEEDS], store, ctx, rebuild=True).reprocessed == 0
    with pytest.raises(ValueError, match="unknown NER engine"):
        pipeline.Context.default(ner="regex")
