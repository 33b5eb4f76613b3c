"""The embedded store: one SQLite file, schema and migrations in this module only.

Documents are written batch by batch, each batch in one transaction, so a killed run
leaves only whole documents behind and the next run carries on from there. Corpus-level
results (entities, reuse, quotes, events, stories) are replaced together in one
transaction. Rows keep the full record as JSON beside the columns that are queried.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .errors import StoreError, StorylineError
from .model import Corpus, Document, Entity, Event, QuoteCluster, ReuseLink, Story

DEFAULT_DB = "storyline.db"

# Named migrations, applied in order inside a transaction and recorded in `migrations`.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, outlet TEXT, published TEXT,
            pipeline_version TEXT NOT NULL, added_at TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE entities (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE reuse (
            source_document_id TEXT NOT NULL, target_document_id TEXT NOT NULL, kind TEXT NOT NULL,
            score REAL NOT NULL, data TEXT NOT NULL);
        CREATE TABLE quotes (
            id TEXT PRIMARY KEY, speaker TEXT, speaker_entity_id TEXT, event_id TEXT, data TEXT NOT NULL);
        CREATE TABLE events (id TEXT PRIMARY KEY, date TEXT, title TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT NOT NULL, data TEXT NOT NULL);
        CREATE TABLE errors (location TEXT NOT NULL, message TEXT NOT NULL, seen_at TEXT NOT NULL,
            PRIMARY KEY (location, message));
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX reuse_target ON reuse (target_document_id);
        CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);
        """,
    ),
]
CORPUS_TABLES = ("entities", "reuse", "quotes", "events", "stories")


def to_json(record) -> str:
    return json.dumps(dataclasses.asdict(record), ensure_ascii=False, sort_keys=True)


def from_data(cls, data):
    """Rebuild a (nested) dataclass from what ``to_json`` wrote, guided by its type hints."""
    if data is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(cls) if arg is not type(None)]
        return from_data(inner[0], data) if len(inner) == 1 else data
    if origin is list:
        (item,) = typing.get_args(cls)
        return [from_data(item, value) for value in data]
    if origin is tuple:
        return tuple(data)
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: from_data(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data})
    return data


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    """All reads and writes of the SQLite file go through here."""

    def __init__(self, path: str | Path = DEFAULT_DB):
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a storyline database ({exc})") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside lands, or nothing does."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        applied = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        known = {name for name, _ in MIGRATIONS}
        if applied - known:
            raise StoreError(f"{self.path}: made by a newer storyline (migrations {sorted(applied - known)})")
        for name, sql in MIGRATIONS:
            if name in applied:
                continue
            with self.atomic() as db:
                for statement in filter(str.strip, sql.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))

    # documents
    def document_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM documents")}

    def save_documents(self, docs: list[Document], pipeline_version: str) -> None:
        with self.atomic() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (d.id, d.path, d.title, d.outlet, d.published.value if d.published else None,
                     pipeline_version, now(), to_json(d))
                    for d in docs
                ],
            )

    def documents(self) -> list[Document]:
        rows = self.db.execute("SELECT data FROM documents ORDER BY id")
        return [from_data(Document, json.loads(data)) for (data,) in rows]

    # errors met while reading and processing inputs
    def save_errors(self, errors: list[StorylineError]) -> None:
        with self.atomic() as db:
            db.executemany("INSERT OR IGNORE INTO errors VALUES (?, ?, ?)", [(e.where, str(e), now()) for e in errors])

    # corpus
    def save_corpus(self, corpus: Corpus, fingerprint: str) -> None:
        with self.atomic() as db:
            for table in CORPUS_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)", [(e.id, e.name, e.kind, to_json(e)) for e in corpus.entities])
            db.executemany(
                "INSERT INTO reuse VALUES (?, ?, ?, ?, ?)",
                [(r.source_document_id, r.target_document_id, r.kind, r.score, to_json(r)) for r in corpus.reuse],
            )
            db.executemany(
                "INSERT INTO quotes VALUES (?, ?, ?, ?, ?)",
                [(q.id, q.speaker, q.speaker_entity_id, q.event_id, to_json(q)) for q in corpus.quotes],
            )
            db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", [(e.id, e.date.value, e.title, to_json(e)) for e in corpus.events])
            db.executemany("INSERT INTO stories VALUES (?, ?, ?)", [(s.id, s.title, to_json(s)) for s in corpus.stories])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('corpus_fingerprint', ?)", (fingerprint,))

    def corpus_fingerprint(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'corpus_fingerprint'").fetchone()
        return row[0] if row else None

    def load_rows(self, table: str, cls):
        rows = self.db.execute(f"SELECT data FROM {table} ORDER BY rowid")
        return [from_data(cls, json.loads(data)) for (data,) in rows]

    def corpus(self) -> Corpus:
        return Corpus(
            documents=self.documents(),
            entities=self.load_rows("entities", Entity),
            reuse=self.load_rows("reuse", ReuseLink),
            quotes=self.load_rows("quotes", QuoteCluster),
            events=self.load_rows("events", Event),
            stories=self.load_rows("stories", Story),
        )
