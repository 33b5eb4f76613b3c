"""`storyline dedup`: reuse among a folder or JSONL file of articles, without a store.

Documents are named by what the user knows them as: the JSONL record's ``id`` field (its
line number when it has none), and for other files the path relative to the folder given. Every record is
kept, even one whose text repeats another's exactly (the store would keep one of them; a
deduplication report must show both). Offsets in spans index each document's clean text
(``clean.clean_document``), the text every other storyline offset points into.

It streams, so memory stays bounded at a million documents: documents are read and cleaned
a batch at a time (chrome lines are detected within a batch, as the pipeline does) and added
to one candidate index; their clean documents go to a private temporary SQLite file, and
only ids, the candidate index and word counts stay in memory. Pairs are then aligned a
group of documents at a time, loading their texts on demand, and the links go to the same
file, from which the output is read in order. The links are those ``provenance.find_reuse``
makes over all documents at once (same word weights over all documents, same pairs, kinds,
spans and originals); only chrome detection sees one batch instead of the whole input.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import ingest, provenance
from .clean import UnitModel, clean_documents, load_unit_model
from .errors import InputError
from .model import Document, ReuseLink

# Kinds reported between two documents (internal repeats are a property of one document).
PAIR_KINDS = ("exact", "near", "copy", "paraphrase")
# Evidence line provenance.choose_original writes when nothing decided which is the original.
UNDECIDED_EVIDENCE = "no deciding evidence"
# Documents read and cleaned at a time. Chrome detection sees repeated lines within one batch,
# so an input up to this size is cleaned exactly as all at once; a multiple of the candidate
# index's batch, so the index receives the batches one candidate_pairs call would make. A
# batch of raw and clean text is ~10-20 MB of 600-word articles.
READ_BATCH = 2 * provenance.CANDIDATE_BATCH
# Documents profiled (sentences, vectors, embeddings) together for alignment: a document in
# pairs of two groups is profiled twice, so larger groups cost less time and more memory;
# 2,000 profiles of 600-word articles hold ~100 MB at most (the scale bench's peak RSS).
ALIGN_DOCUMENTS = 2_000
# Ids per SQLite ``IN (...)`` query (SQLite allows 32,766 variables; smaller keeps queries quick).
QUERY_IDS = 500


class DocumentStore:
    """Clean documents and reuse links in a private temporary SQLite database.

    SQLite deletes the file when the connection closes (an empty file name), so nothing is
    left behind, even after a crash. Documents are pickled without their raw text and
    compressed: the file is ours alone, written and read within one run.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("")
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE documents (id TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE links (source TEXT, target TEXT, kind TEXT, score REAL, spans TEXT, evidence TEXT);
            """
        )

    def close(self) -> None:
        self.db.close()

    def add_documents(self, docs: Iterable[Document]) -> None:
        rows = [(d.id, zlib.compress(pickle.dumps(replace(d, raw_text=""), pickle.HIGHEST_PROTOCOL), 1)) for d in docs]
        self.db.executemany("INSERT INTO documents VALUES (?, ?)", rows)

    def documents(self, ids: Iterable[str]) -> dict[str, Document]:
        """The documents with these ids (without raw text)."""
        wanted = sorted(set(ids))
        found: dict[str, Document] = {}
        for start in range(0, len(wanted), QUERY_IDS):
            part = wanted[start : start + QUERY_IDS]
            query = f"SELECT id, body FROM documents WHERE id IN ({', '.join('?' * len(part))})"
            found.update((i, pickle.loads(zlib.decompress(body))) for i, body in self.db.execute(query, part))
        return found

    def add_links(self, links: Iterable[ReuseLink]) -> None:
        rows = [
            (l.source_document_id, l.target_document_id, l.kind, l.score, json.dumps(l.spans), json.dumps(l.evidence, ensure_ascii=False))
            for l in links
        ]
        self.db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?)", rows)

    def links(self) -> Iterator[ReuseLink]:
        """Every link, by source and then target id (SQLite compares UTF-8 bytes, which orders
        as Python compares strings)."""
        rows = self.db.execute("SELECT source, target, kind, score, spans, evidence FROM links ORDER BY source, target, rowid")
        for source, target, kind, score, spans, evidence in rows:
            yield ReuseLink(source, target, kind, score, [tuple(s) for s in json.loads(spans)], json.loads(evidence))


@dataclass
class DedupReport:
    """Pairs of reusing documents (kept in ``store``), their clusters, and the inputs that could not be read."""

    store: DocumentStore
    document_count: int
    clusters: list[list[str]]
    errors: list[InputError] = field(default_factory=list)

    def pair_links(self) -> Iterator[ReuseLink]:
        """Links between two documents, by source and target id."""
        return (l for l in self.store.links() if l.kind in PAIR_KINDS)

    def close(self) -> None:
        self.store.close()


def user_id(doc: Document, path: Path, root: Path) -> str:
    """The JSONL record's id (ingest labels records ``file#id``, ``file#line`` without one),
    else the file's path relative to the folder given."""
    if path.suffix.lower() == ".jsonl" and doc.path.startswith(f"{path}#"):
        return doc.path[len(str(path)) + 1 :]
    return str(path.relative_to(root)) if path != root else path.name


def named_documents(paths: list[Path], errors: list[InputError]) -> Iterator[Document]:
    """Every readable document under ``paths``, one at a time, with its user id; unreadable
    inputs are appended to ``errors``."""
    used: set[str] = set()
    for item, path, root in iter_records(paths, errors):
        doc_id = user_id(item, path, root)
        unique, n = doc_id, 1
        while unique in used:  # two records with one id: keep both, told apart
            n += 1
            unique = f"{doc_id}~{n}"
        used.add(unique)
        item.id = unique
        yield item


def read_documents(paths: list[Path]) -> tuple[list[Document], list[InputError]]:
    """Every readable document under ``paths`` with its user id; unreadable inputs as errors."""
    errors: list[InputError] = []
    docs = list(named_documents(paths, errors))
    return docs, errors


def iter_records(paths: list[Path], errors: list[InputError]) -> Iterator[tuple[Document, Path, Path]]:
    for path, root in ingest.iter_files(paths):
        for item in ingest.read_path(path):  # every supported format; errors name the file or record
            if isinstance(item, InputError):
                errors.append(item)
            else:
                yield item, path, root


def batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def clean_batch(batch: list[Document], errors: list[InputError], unit_model: UnitModel | None = None) -> list[Document]:
    """The batch cleaned together; if that fails, each document alone, so one document that
    breaks the cleaner is reported by name and the others still count."""
    try:
        return clean_documents(batch, unit_model)
    except Exception:  # noqa: BLE001 - a cleaner bug on one article must not stop the batch
        cleaned = []
        for doc in batch:
            try:
                cleaned.extend(clean_documents([doc], unit_model))
            except Exception as exc:  # noqa: BLE001
                errors.append(InputError(doc.path, f"cannot be cleaned: {exc!r}"))
        return cleaned


def scan(paths: list[Path], store: DocumentStore, errors: list[InputError], batch_size: int = READ_BATCH) -> tuple[provenance.Candidates, int]:
    """Read, clean and index every document a batch at a time, keeping clean documents in
    ``store``: the candidates over all of them, and how many there were."""
    index, table = provenance.new_candidate_index(), provenance.new_token_table()
    found = provenance.Candidates()
    count = 0
    unit_model = load_unit_model()
    for batch in batches(named_documents(paths, errors), batch_size):
        docs = clean_batch(batch, errors, unit_model)
        part = provenance.candidate_pairs(docs, index, table)
        found.pairs |= part.pairs
        found.duplicate_of.update(part.duplicate_of)
        found.document_frequency.update(part.document_frequency)
        store.add_documents(docs)
        count += len(docs)
    return found, count


def exact_links(store: DocumentStore, found: provenance.Candidates) -> dict[str, str]:
    """Store the links of each group of exactly equal documents; returns, for each group's
    first document (the one indexed), the group's original (which stands for it in pairs)."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, first in found.duplicate_of.items():
        members[first].append(doc_id)
    stands_for: dict[str, str] = {}
    for first, others in members.items():
        docs = store.documents([first, *others])
        group = provenance.Candidates(duplicate_of={d: first for d in others})
        links = provenance.find_reuse(list(docs.values()), found=group, encoder=None)  # no pairs: exact links only
        stands_for[first] = links[0].source_document_id
        store.add_links(links)
    return stands_for


def pair_chunks(pairs: list[tuple[str, str]], max_documents: int) -> Iterator[list[tuple[str, str]]]:
    """Pairs in groups touching at most ``max_documents`` documents (more for one pair's two),
    connected pairs next to each other so a document is rarely profiled twice."""
    sets = provenance.DisjointSets()
    for x, y in pairs:
        sets.union(x, y)
    chunk: list[tuple[str, str]] = []
    held: set[str] = set()
    for x, y in sorted(pairs, key=lambda p: (sets.find(p[0]), p)):
        fresh = {x, y} - held
        if chunk and len(held) + len(fresh) > max_documents:
            yield chunk
            chunk, held, fresh = [], set(), {x, y}
        chunk.append((x, y))
        held |= fresh
    if chunk:
        yield chunk


def align_pairs(
    store: DocumentStore,
    found: provenance.Candidates,
    stands_for: dict[str, str],
    unique: int,
    encoder: object = provenance.LOAD_ENCODER,
    max_documents: int = ALIGN_DOCUMENTS,
) -> None:
    """Align every candidate pair (an exact group's original standing for its first
    document) and store the links; word weights come from all ``unique`` documents."""
    pairs = sorted({tuple(sorted((stands_for.get(x, x), stands_for.get(y, y)))) for x, y in found.pairs})
    if encoder == provenance.LOAD_ENCODER:
        encoder = provenance.try_load_encoder() if pairs else None
    for chunk in pair_chunks(pairs, max_documents):
        docs = store.documents(d for pair in chunk for d in pair)
        profiles = provenance.profile_documents([docs[i] for i in sorted(docs)], found.document_frequency, unique)
        # embeddings cached for one group only, so the cache stays bounded
        embedder = provenance.SentenceEmbeddings(encoder) if isinstance(encoder, provenance.SentenceEncoder) else None
        store.add_links(provenance.pair_links(chunk, docs, profiles, embedder))


def clusters_of(links: Iterable[ReuseLink]) -> list[list[str]]:
    """Groups of documents connected by reuse, each sorted, largest first."""
    sets = provenance.DisjointSets()
    for link in links:
        if link.kind in PAIR_KINDS:
            sets.union(link.source_document_id, link.target_document_id)
    return sets.groups()


def dedup(
    paths: list[Path],
    encoder: object = provenance.LOAD_ENCODER,
    batch_size: int = READ_BATCH,
    align_documents: int = ALIGN_DOCUMENTS,
) -> DedupReport:
    """Read, clean and find reuse among the documents under ``paths``, in bounded memory.

    ``encoder`` is passed on as ``provenance.find_reuse`` takes it; the sizes trade memory
    for time (tests make them small to run many batches). Close the report when done, or let
    it be collected: its temporary file goes with it.
    """
    store = DocumentStore()
    errors: list[InputError] = []
    found, count = scan(paths, store, errors, batch_size)
    stands_for = exact_links(store, found)
    align_pairs(store, found, stands_for, count - len(found.duplicate_of), encoder, align_documents)
    return DedupReport(store, count, clusters_of(store.links()), errors)


def is_decided(link: ReuseLink) -> bool:
    return not any(e.startswith(UNDECIDED_EVIDENCE) for e in link.evidence)


def pair_record(link: ReuseLink) -> dict:
    """One pair as the JSON contract says: ``a`` is the original when one is known."""
    return {
        "a": link.source_document_id,
        "b": link.target_document_id,
        "kind": link.kind,
        "original": link.source_document_id if is_decided(link) else None,
        "score": link.score,
        "spans": [list(span) for span in link.spans],
    }


def json_lines(report: DedupReport) -> Iterator[str]:
    """One JSON object per pair, by original and then copy id."""
    return (json.dumps(pair_record(l), ensure_ascii=False) for l in report.pair_links())


def render_json(report: DedupReport) -> str:
    return "\n".join(json_lines(report))


def excerpt(doc: Document, start: int, end: int, width: int = 60) -> str:
    """A one-line excerpt of a span, control characters folded so article text cannot garble a terminal."""
    text = " ".join(doc.clean_text[start:end].split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def text_lines(report: DedupReport) -> Iterator[str]:
    """Clusters, then each pair with excerpts of its spans (texts loaded a pair at a time)."""
    yield f"{report.document_count} documents, {len(report.clusters)} clusters of reuse"
    for n, cluster in enumerate(report.clusters, 1):
        yield f"cluster {n}: {', '.join(cluster)}"
    for link in report.pair_links():
        record = pair_record(link)
        docs = report.store.documents([record["a"], record["b"]])
        a, b = docs[record["a"]], docs[record["b"]]
        original = record["original"] or "undecided"
        yield f"\n{record['a']} -> {record['b']}  {record['kind']}  score {record['score']:.2f}  original: {original}"
        for s0, s1, t0, t1 in record["spans"]:
            yield f"  [{s0}:{s1}] {excerpt(a, s0, s1)!r}"
            yield f"   = [{t0}:{t1}] {excerpt(b, t0, t1)!r}"


def render_text(report: DedupReport) -> str:
    return "\n".join(text_lines(report))
