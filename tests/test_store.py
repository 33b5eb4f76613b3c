import sqlite3

import pytest

from storyline.errors import StoreError
from storyline.ingest import ingest
from storyline.model import Corpus, DateInference, Event, Mention, ReuseLink
from storyline.store import Store

from conftest import SEEDS


def test_documents_and_corpus_round_trip_through_sqlite(tmp_path):
    docs = ingest([SEEDS]).documents[:2]
    docs[0].mentions = [Mention(0, 5, "Putin", "PERSON", "Vladimir Putin", "en_1")]
    docs[0].published = DateInference("2026-02-04", certain=False, source="inferred", evidence=["x"], alternatives=["2026-02-05"])
    link = ReuseLink(docs[1].id, docs[0].id, "paraphrase", 0.5, spans=[(0, 10, 5, 15)], evidence=["(AP) credit"])
    event = Event("ev_1", DateInference("2026-02-04"), "A call", [d.id for d in docs], 1)
    with Store(tmp_path / "s.db") as store:
        store.save_documents(docs, "test")
        store.save_corpus(Corpus(documents=docs, reuse=[link], events=[event]), "fp")
    with Store(tmp_path / "s.db") as store:
        corpus = store.corpus()
        assert store.corpus_state() == ("fp", {d.id for d in docs})
    assert sorted(d.id for d in corpus.documents) == sorted(d.id for d in docs)
    loaded = {d.id: d for d in corpus.documents}[docs[0].id]
    assert loaded.mentions == docs[0].mentions and loaded.published == docs[0].published
    assert corpus.reuse == [link] and corpus.reuse[0].spans[0] == (0, 10, 5, 15)
    assert corpus.events == [event]


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    docs = ingest([SEEDS]).documents
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            with store.atomic() as db:
                db.execute("INSERT INTO meta VALUES ('k', 'v')")
                raise RuntimeError("killed")
        store.save_documents(docs[:1], "test")
        assert store.document_ids() == {docs[0].id}
        assert store.db.execute("SELECT count(*) FROM meta").fetchone() == (0,)


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path):
    bogus = tmp_path / "x.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="x.db"):
        Store(bogus)


def test_a_store_from_a_newer_storyline_is_refused(tmp_path):
    Store(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        db.execute("INSERT INTO migrations VALUES ('9999_future', 'now')")
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "s.db")
