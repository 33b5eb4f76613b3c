"""`storyline dedup`: reuse among a folder or JSONL file of articles, without a store.

Documents are named by what the user knows them as: the JSONL record's ``id`` field (its
line number when it has none), and for other files the path relative to the folder given. Every record is
kept, even one whose text repeats another's exactly (the store would keep one of them; a
deduplication report must show both). Offsets in spans index each document's clean text
(``clean.clean_document``), the text every other storyline offset points into.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import ingest, provenance
from .clean import clean_documents
from .errors import InputError
from .model import Document, ReuseLink

# Kinds reported between two documents (internal repeats are a property of one document).
PAIR_KINDS = ("exact", "near", "copy", "paraphrase")
# Evidence line provenance.choose_original writes when nothing decided which is the original.
UNDECIDED_EVIDENCE = "no deciding evidence"


@dataclass
class DedupReport:
    """Pairs of reusing documents, their clusters, and the inputs that could not be read."""

    documents: list[Document]
    links: list[ReuseLink]
    clusters: list[list[str]]
    errors: list[InputError] = field(default_factory=list)


def user_id(doc: Document, path: Path, root: Path) -> str:
    """The JSONL record's id (ingest labels records ``file#id``, ``file#line`` without one),
    else the file's path relative to the folder given."""
    if path.suffix.lower() == ".jsonl" and doc.path.startswith(f"{path}#"):
        return doc.path[len(str(path)) + 1 :]
    return str(path.relative_to(root)) if path != root else path.name


def read_documents(paths: list[Path]) -> tuple[list[Document], list[InputError]]:
    """Every readable document under ``paths`` with its user id; unreadable inputs as errors."""
    docs: list[Document] = []
    errors: list[InputError] = []
    used: set[str] = set()
    for item, path, root in iter_records(paths, errors):
        doc_id = user_id(item, path, root)
        unique, n = doc_id, 1
        while unique in used:  # two records with one id: keep both, told apart
            n += 1
            unique = f"{doc_id}~{n}"
        used.add(unique)
        item.id = unique
        docs.append(item)
    return docs, errors


def iter_records(paths: list[Path], errors: list[InputError]) -> Iterator[tuple[Document, Path, Path]]:
    for path, root in ingest.iter_files(paths):
        for item in ingest.read_path(path):  # every supported format; errors name the file or record
            if isinstance(item, InputError):
                errors.append(item)
            else:
                yield item, path, root


def clusters_of(links: list[ReuseLink]) -> list[list[str]]:
    """Groups of documents connected by reuse, each sorted, largest first."""
    sets = provenance.DisjointSets()
    for link in links:
        if link.kind in PAIR_KINDS:
            sets.union(link.source_document_id, link.target_document_id)
    return sets.groups()


def dedup(paths: list[Path]) -> DedupReport:
    """Read, clean and find reuse among the documents under ``paths``."""
    docs, errors = read_documents(paths)
    docs = clean_documents(docs)
    links = provenance.find_reuse(docs)
    return DedupReport(docs, links, clusters_of(links), errors)


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


def pair_records(report: DedupReport) -> list[dict]:
    links = [l for l in report.links if l.kind in PAIR_KINDS]
    return [pair_record(l) for l in sorted(links, key=lambda l: (l.source_document_id, l.target_document_id))]


def render_json(report: DedupReport) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in pair_records(report))


def excerpt(doc: Document, start: int, end: int, width: int = 60) -> str:
    """A one-line excerpt of a span, control characters folded so article text cannot garble a terminal."""
    text = " ".join(doc.clean_text[start:end].split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(report: DedupReport) -> str:
    by_id = {d.id: d for d in report.documents}
    lines = [f"{len(report.documents)} documents, {len(report.clusters)} clusters of reuse"]
    for n, cluster in enumerate(report.clusters, 1):
        lines.append(f"cluster {n}: {', '.join(cluster)}")
    for record in pair_records(report):
        a, b = by_id[record["a"]], by_id[record["b"]]
        original = record["original"] or "undecided"
        lines.append(f"\n{record['a']} -> {record['b']}  {record['kind']}  score {record['score']:.2f}  original: {original}")
        for s0, s1, t0, t1 in record["spans"]:
            lines.append(f"  [{s0}:{s1}] {excerpt(a, s0, s1)!r}")
            lines.append(f"   = [{t0}:{t1}] {excerpt(b, t0, t1)!r}")
    return "\n".join(lines)
