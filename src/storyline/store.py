"""The embedded store: one SQLite file, schema and migrations in this module only.

Documents are written batch by batch, each batch in one transaction, so a killed run
leaves only whole documents behind and the next run carries on from there. Corpus-level
results (entities, reuse, quotes, events, stories) are replaced together in one
transaction. Rows keep the full record as JSON beside the columns that are queried.
"""

from __future__ import annotations

import dataclasses
import functools
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
    (
        # Read paths for the web UI, kept in step with the record tables by triggers, so
        # writers stay unchanged: full-text search, and which event/story/quote holds what.
        "0002_web_read_indexes",
        """
        CREATE INDEX events_date ON events (date, id);
        CREATE INDEX reuse_source ON reuse (source_document_id);
        CREATE INDEX entities_name ON entities (name);
        CREATE TABLE event_documents (event_id TEXT NOT NULL, document_id TEXT NOT NULL);
        CREATE INDEX event_documents_event ON event_documents (event_id);
        CREATE INDEX event_documents_document ON event_documents (document_id);
        CREATE TABLE event_actors (event_id TEXT NOT NULL, entity_id TEXT NOT NULL);
        CREATE INDEX event_actors_event ON event_actors (event_id);
        CREATE INDEX event_actors_entity ON event_actors (entity_id);
        CREATE TABLE story_events (story_id TEXT NOT NULL, event_id TEXT NOT NULL);
        CREATE INDEX story_events_story ON story_events (story_id);
        CREATE INDEX story_events_event ON story_events (event_id);
        CREATE TABLE quote_documents (quote_id TEXT NOT NULL, document_id TEXT NOT NULL);
        CREATE INDEX quote_documents_quote ON quote_documents (quote_id);
        CREATE INDEX quote_documents_document ON quote_documents (document_id);
        CREATE VIRTUAL TABLE document_fts USING fts5 (title, text, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE quote_fts USING fts5 (speaker, text, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE entity_fts USING fts5 (name, aliases, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER documents_replace BEFORE INSERT ON documents BEGIN
            DELETE FROM document_fts WHERE rowid IN (SELECT rowid FROM documents WHERE id = new.id); END;
        CREATE TRIGGER documents_insert AFTER INSERT ON documents BEGIN
            INSERT INTO document_fts (rowid, title, text)
            VALUES (new.rowid, coalesce(new.title, ''), json_extract(new.data, '$.clean_text')); END;
        CREATE TRIGGER documents_delete AFTER DELETE ON documents BEGIN
            DELETE FROM document_fts WHERE rowid = old.rowid; END;
        CREATE TRIGGER events_insert AFTER INSERT ON events BEGIN
            INSERT INTO event_documents SELECT new.id, value FROM json_each(new.data, '$.document_ids');
            INSERT INTO event_actors SELECT new.id, value FROM json_each(new.data, '$.actors'); END;
        CREATE TRIGGER events_delete AFTER DELETE ON events BEGIN
            DELETE FROM event_documents WHERE event_id = old.id;
            DELETE FROM event_actors WHERE event_id = old.id; END;
        CREATE TRIGGER stories_insert AFTER INSERT ON stories BEGIN
            INSERT INTO story_events SELECT new.id, value FROM json_each(new.data, '$.event_ids'); END;
        CREATE TRIGGER stories_delete AFTER DELETE ON stories BEGIN
            DELETE FROM story_events WHERE story_id = old.id; END;
        CREATE TRIGGER quotes_insert AFTER INSERT ON quotes BEGIN
            INSERT INTO quote_documents
                SELECT DISTINCT new.id, json_extract(value, '$[0]') FROM json_each(new.data, '$.occurrences');
            INSERT INTO quote_fts (rowid, speaker, text)
                VALUES (new.rowid, coalesce(new.speaker, ''), json_extract(new.data, '$.text')); END;
        CREATE TRIGGER quotes_delete AFTER DELETE ON quotes BEGIN
            DELETE FROM quote_documents WHERE quote_id = old.id;
            DELETE FROM quote_fts WHERE rowid = old.rowid; END;
        CREATE TRIGGER entities_insert AFTER INSERT ON entities BEGIN
            INSERT INTO entity_fts (rowid, name, aliases)
            VALUES (new.rowid, new.name, (SELECT group_concat(value, ' | ') FROM json_each(new.data, '$.aliases'))); END;
        CREATE TRIGGER entities_delete AFTER DELETE ON entities BEGIN
            DELETE FROM entity_fts WHERE rowid = old.rowid; END;
        INSERT INTO document_fts (rowid, title, text)
            SELECT rowid, coalesce(title, ''), json_extract(data, '$.clean_text') FROM documents;
        INSERT INTO event_documents SELECT events.id, value FROM events, json_each(events.data, '$.document_ids');
        INSERT INTO event_actors SELECT events.id, value FROM events, json_each(events.data, '$.actors');
        INSERT INTO story_events SELECT stories.id, value FROM stories, json_each(stories.data, '$.event_ids');
        INSERT INTO quote_documents
            SELECT DISTINCT quotes.id, json_extract(value, '$[0]') FROM quotes, json_each(quotes.data, '$.occurrences');
        INSERT INTO quote_fts (rowid, speaker, text)
            SELECT rowid, coalesce(speaker, ''), json_extract(data, '$.text') FROM quotes;
        INSERT INTO entity_fts (rowid, name, aliases)
            SELECT rowid, name, (SELECT group_concat(value, ' | ') FROM json_each(entities.data, '$.aliases')) FROM entities;
        """,
    ),
    (
        # Pages list a speaker's quotes, an entity's events and a document's quotes in id
        # order: indexes that hold the order, so a page never sorts a big speaker's quotes.
        "0003_web_page_order_indexes",
        """
        CREATE INDEX quotes_speaker_order ON quotes (speaker_entity_id, id);
        CREATE INDEX event_actors_entity_order ON event_actors (entity_id, event_id);
        DROP INDEX event_actors_entity;
        CREATE INDEX quote_documents_document_order ON quote_documents (document_id, quote_id);
        DROP INDEX quote_documents_document;
        CREATE INDEX event_documents_document_order ON event_documents (document_id, event_id);
        DROP INDEX event_documents_document;
        CREATE INDEX story_events_event_order ON story_events (event_id, story_id);
        DROP INDEX story_events_event;
        """,
    ),
    (
        # Which entities each document mentions, as resolved across the corpus (documents are
        # stored before that resolution): what search filters documents by entity with.
        "0004_document_entities",
        """
        CREATE TABLE document_entities (entity_id TEXT NOT NULL, document_id TEXT NOT NULL,
            PRIMARY KEY (entity_id, document_id)) WITHOUT ROWID;
        """,
    ),
    (
        # The documents the stored corpus results were built from: a run that only adds
        # documents updates those results from the new ones instead of rebuilding them all.
        "0005_corpus_documents",
        """
        CREATE TABLE corpus_documents (document_id TEXT PRIMARY KEY) WITHOUT ROWID;
        DELETE FROM meta WHERE key = 'corpus_fingerprint';
        """,
    ),
]
CORPUS_TABLES = ("entities", "reuse", "quotes", "events", "stories", "document_entities", "corpus_documents")


def to_json(record) -> str:
    return json.dumps(dataclasses.asdict(record), ensure_ascii=False, sort_keys=True)


def keep(value):
    return value


@functools.cache
def decoder(cls):
    """A function rebuilding values of type ``cls`` from JSON data, made once per type.

    Reading the type hints on every value made decoding the slowest part of reading a store.
    """
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(cls) if arg is not type(None)]
        return decoder(inner[0]) if len(inner) == 1 else keep
    if origin is list:
        (item,) = typing.get_args(cls)
        each = decoder(item)
        return lambda data: [None if value is None else each(value) for value in data]
    if origin is tuple:
        return tuple
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        fields = [(f.name, decoder(hints[f.name])) for f in dataclasses.fields(cls)]
        return lambda data: cls(**{name: None if data[name] is None else decode(data[name]) for name, decode in fields if name in data})
    return keep


def from_data(cls, data):
    """Rebuild a (nested) dataclass from what ``to_json`` wrote, guided by its type hints."""
    return None if data is None else decoder(cls)(data)


def sql_statements(script: str) -> Iterator[str]:
    """A migration's statements; semicolons inside a trigger body stay with their trigger."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        yield pending


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
                for statement in sql_statements(sql):
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

    def documents_not_made_by(self, pipeline_version: str) -> list[Document]:
        """Stored documents whose results other stages (or another NER engine) made."""
        rows = self.db.execute("SELECT data FROM documents WHERE pipeline_version != ? ORDER BY id", (pipeline_version,))
        return [from_data(Document, json.loads(data)) for (data,) in rows]

    # errors met while reading and processing inputs
    def save_errors(self, errors: list[StorylineError]) -> None:
        with self.atomic() as db:
            db.executemany("INSERT OR IGNORE INTO errors VALUES (?, ?, ?)", [(e.where, str(e), now()) for e in errors])

    # corpus
    def save_corpus(self, corpus: Corpus, config: str) -> None:
        """Replace every corpus-level result; ``config`` names the stages and knowledge that made them."""
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
            db.executemany(
                "INSERT OR IGNORE INTO document_entities VALUES (?, ?)",
                [(m.entity_id, d.id) for d in corpus.documents for m in d.mentions if m.entity_id],
            )
            db.executemany("INSERT INTO corpus_documents VALUES (?)", [(d.id,) for d in corpus.documents])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('corpus_config', ?)", (config,))

    def corpus_state(self) -> tuple[str | None, set[str]]:
        """(config, document ids) of the stored corpus results; (None, empty) before the first build."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'corpus_config'").fetchone()
        return (row[0] if row else None), {r[0] for r in self.db.execute("SELECT document_id FROM corpus_documents")}

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

    # reads by id and by relation, for browsing a large store one page at a time
    def by_ids(self, table: str, cls, ids: list[str]) -> list:
        """Records of ``table`` in the order of ``ids`` (missing ones left out)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = {i: d for i, d in self.db.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", ids)}
        return [from_data(cls, json.loads(found[i])) for i in dict.fromkeys(ids) if i in found]

    def one(self, table: str, cls, record_id: str):
        found = self.by_ids(table, cls, [record_id])
        return found[0] if found else None

    def count(self, table: str) -> int:
        return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def events_by_date(self, offset: int, limit: int) -> list[Event]:
        """Events in date order, undated ones last (two queries, so both walk an index)."""
        rows = self.db.execute(
            "SELECT data FROM events WHERE date IS NOT NULL ORDER BY date, id LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        if len(rows) < limit:
            dated = self.db.execute("SELECT count(*) FROM events WHERE date IS NOT NULL").fetchone()[0]
            rows += self.db.execute(
                "SELECT data FROM events WHERE date IS NULL ORDER BY id LIMIT ? OFFSET ?", (limit - len(rows), max(0, offset - dated))
            ).fetchall()
        return [from_data(Event, json.loads(data)) for (data,) in rows]

    def document_headers(self, ids: list[str]) -> dict[str, dict]:
        """Title, outlet, path and publication date without reading the document bodies."""
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, path, title, outlet, published FROM documents WHERE id IN ({marks})", ids)
        return {r[0]: {"id": r[0], "path": r[1], "title": r[2], "outlet": r[3], "published": r[4]} for r in rows}

    def document_texts(self, ids: list[str]) -> dict[str, str]:
        """Clean texts alone, without decoding the rest of each document."""
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, json_extract(data, '$.clean_text') FROM documents WHERE id IN ({marks})", ids)
        return dict(rows.fetchall())

    def reuse_of(self, document_id: str) -> list[ReuseLink]:
        """Reuse links where the document is the original or the reuser."""
        rows = self.db.execute(
            "SELECT data FROM reuse WHERE target_document_id = ? UNION ALL "
            "SELECT data FROM reuse WHERE source_document_id = ? AND target_document_id != ?",
            (document_id, document_id, document_id),
        )
        return [from_data(ReuseLink, json.loads(data)) for (data,) in rows]

    def reuse_into(self, document_ids: list[str], column: str = "target_document_id") -> list[ReuseLink]:
        """Links whose target (or, with column="source_document_id", whose source) is one of the documents."""
        marks = ",".join("?" * len(document_ids))
        rows = self.db.execute(f"SELECT data FROM reuse WHERE {column} IN ({marks})", document_ids)
        return [from_data(ReuseLink, json.loads(data)) for (data,) in rows]

    def related_ids(self, relation: str, key: str, value: str, limit: int = -1, offset: int = 0) -> list[str]:
        """One column of a relation table (event_documents, event_actors, story_events, quote_documents)."""
        other = {"event_documents": ("event_id", "document_id"), "event_actors": ("event_id", "entity_id"),
                 "story_events": ("story_id", "event_id"), "quote_documents": ("quote_id", "document_id")}[relation]
        want = other[1] if key == other[0] else other[0]
        rows = self.db.execute(
            f"SELECT DISTINCT {want} FROM {relation} WHERE {key} = ? ORDER BY {want} LIMIT ? OFFSET ?", (value, limit, offset)
        )
        return [row[0] for row in rows]

    def stories_of(self, event_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        """(story id, title) of each event's stories, without decoding the stories."""
        marks = ",".join("?" * len(event_ids))
        found: dict[str, list[tuple[str, str]]] = {}
        for event_id, story_id, title in self.db.execute(
            f"SELECT e.event_id, s.id, s.title FROM story_events e JOIN stories s ON s.id = e.story_id "
            f"WHERE e.event_id IN ({marks}) ORDER BY s.id", event_ids,
        ):
            found.setdefault(event_id, []).append((story_id, title))
        return found

    def quotes_by_speaker(self, entity_id: str, offset: int, limit: int) -> list[QuoteCluster]:
        rows = self.db.execute(
            "SELECT data FROM quotes WHERE speaker_entity_id = ? ORDER BY id LIMIT ? OFFSET ?", (entity_id, limit, offset)
        )
        return [from_data(QuoteCluster, json.loads(data)) for (data,) in rows]

    def entities_named(self, names: list[str]) -> list[Entity]:
        marks = ",".join("?" * len(names))
        rows = self.db.execute(f"SELECT data FROM entities WHERE name IN ({marks}) ORDER BY name, id", names)
        return [from_data(Entity, json.loads(data)) for (data,) in rows]

    def search(self, kind: str, match: str, offset: int, limit: int, since: str | None = None,
               until: str | None = None, outlet: str | None = None, entity: str | None = None) -> list[tuple[str, str]]:
        """(id, snippet) of documents, quotes or entities matching an FTS5 query, newest stored first.

        Not ranked by relevance: FTS5's bm25 reads every match of each word to weigh it, which
        for a common name in a 100k-document store took longer than the whole page may
        (bench/web.py); every word must match anyway. The snippet marks matches with
        U+E000/U+E001, for the caller to turn into markup after escaping. Date and outlet
        filters apply to documents; the entity filter to documents (mentions) and quotes (speaker).
        """
        table, fts, column = {"document": ("documents", "document_fts", 1), "quote": ("quotes", "quote_fts", 1),
                              "entity": ("entities", "entity_fts", 0)}[kind]
        where, params = [f"{fts} MATCH ?"], [match]
        for condition, value in (("t.published >= ?", since), ("t.published <= ?", until), ("t.outlet = ?", outlet),
                                 ("t.id IN (SELECT document_id FROM document_entities WHERE entity_id = ?)", entity)):
            if value and kind == "document":
                where.append(condition)
                params.append(value)
        if entity and kind == "quote":  # a person's quotes: by speaker
            where.append("t.speaker_entity_id = ?")
            params.append(entity)
        join = f"JOIN {table} t ON t.rowid = {fts}.rowid" if len(params) > 1 else ""
        best = [row[0] for row in self.db.execute(
            f"SELECT {fts}.rowid FROM {fts} {join} WHERE {' AND '.join(where)} ORDER BY {fts}.rowid DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )]
        found = []
        for hit in best:  # one lookup per hit: FTS5 cannot combine MATCH with rowid IN (...)
            found += self.db.execute(
                f"SELECT t.id, snippet({fts}, {column}, char(57344), char(57345), '…', 24) FROM {fts} "
                f"JOIN {table} t ON t.rowid = {fts}.rowid WHERE {fts} MATCH ? AND {fts}.rowid = ?",
                (match, hit),
            ).fetchall()
        return [(row[0], row[1]) for row in found]
