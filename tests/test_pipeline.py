"""The runner: stage contracts, one bad document never stops a batch, a killed run resumes cleanly."""

import dataclasses

import pytest

from storyline import pipeline
from storyline.errors import StageError
from storyline.store import Store

from conftest import SEEDS


@pytest.fixture(scope="module")
def ctx():
    return pipeline.Context.default()


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
        assert store.corpus_fingerprint() is None
    monkeypatch.undo()
    with Store(tmp_path / "s.db") as store:
        report = pipeline.run([SEEDS], store, ctx)
        assert (report.added, report.already_stored, report.corpus_rebuilt) == (3, 2, True)
        ids = [d.id for d in store.documents()]
        assert len(ids) == len(set(ids)) == 5
        assert len(store.corpus().events) == 4
