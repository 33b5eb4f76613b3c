"""Exports: the documented JSONL contract (one object per line, each with "type"), CSV, Parquet,
and the coded events as PLOVER-style JSON.

The record shapes here are the contract later tools rely on (see README, "Export
format"); add fields freely, never rename or remove one.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

from datetime import date

from . import provenance
from .entities import CountryIndex, country_index
from .knowledge import Knowledge, OfficeTerm
from .model import Corpus, Entity

RECORD_TYPES = ("document", "event", "quote", "entity", "reuse", "story")
OCCURRENCE_FIELDS = ("document_id", "start", "end")


def records(corpus: Corpus) -> Iterator[dict]:
    """Every exported record, in a stable order: documents, events, quotes, entities, reuse, stories."""
    event_of = {d: e.id for e in corpus.events for d in e.document_ids}
    originals = provenance.source_of(corpus.documents, corpus.reuse)
    copies: dict[str, list[str]] = {}
    for doc_id, original in originals.items():
        if original != doc_id:
            copies.setdefault(original, []).append(doc_id)
    for d in corpus.documents:
        yield {
            "type": "document", "id": d.id, "path": d.path, "title": d.title, "outlet": d.outlet,
            "byline": d.byline, "dateline": d.dateline, "url": d.url,
            "published": d.published.value if d.published else None,
            "published_certain": bool(d.published and d.published.certain),
            "published_evidence": d.published.evidence if d.published else [],
            "text": d.clean_text,
            "copy_of": originals[d.id] if originals.get(d.id, d.id) != d.id else None,
            "original_of": sorted(copies.get(d.id, [])),
            "event_id": event_of.get(d.id),
        }
    for e in corpus.events:
        yield {
            "type": "event", "id": e.id, "date": e.date.value, "date_certain": e.date.certain,
            "date_evidence": e.date.evidence, "date_alternatives": e.date.alternatives, "title": e.title,
            "summary": [{"text": c.text, "document_ids": c.document_ids, "independent_sources": c.independent_sources} for c in e.summary],
            "document_ids": e.document_ids, "independent_sources": e.independent_sources,
            "actors": e.actors, "quote_ids": e.quote_ids,
            "coding": dataclasses.asdict(e.coding) if e.coding else None, "discrepancies": e.discrepancies,
        }
    for q in corpus.quotes:
        yield {
            "type": "quote", "id": q.id, "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id,
            "text": q.text, "document_ids": q.document_ids, "occurrences": [list(o) for o in q.occurrences],
            "independent_sources": q.independent_sources, "event_id": q.event_id,
        }
    for n in corpus.entities:
        yield {"type": "entity", "id": n.id, "name": n.name, "kind": n.kind, "aliases": n.aliases}
    for r in corpus.reuse:
        yield {
            "type": "reuse", "source_document_id": r.source_document_id, "target_document_id": r.target_document_id,
            "kind": r.kind, "score": r.score, "spans": [list(s) for s in r.spans], "evidence": r.evidence,
        }
    for s in corpus.stories:
        yield {"type": "story", "id": s.id, "title": s.title, "event_ids": s.event_ids,
               "summary": [{"text": c.text, "document_ids": c.document_ids} for c in s.summary]}


def write_jsonl(corpus: Corpus, out) -> int:
    count = 0
    for record in records(corpus):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def records_by_type(corpus: Corpus) -> dict[str, list[dict]]:
    """The export records grouped by type, each without its "type" key (tables hold one type)."""
    by_type: dict[str, list[dict]] = {t: [] for t in RECORD_TYPES}
    for record in records(corpus):
        by_type[record.pop("type")].append(record)
    return by_type


def table_path(folder: Path, kind: str, suffix: str) -> Path:
    plural = f"{kind[:-1]}ies" if kind.endswith("y") else f"{kind}s"
    return folder / f"{plural}.{suffix}"


def write_csv(corpus: Corpus, folder: Path) -> list[Path]:
    """One CSV per record type in ``folder``; list and object values as JSON text."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, rows in records_by_type(corpus).items():
        path = table_path(folder, kind, "csv")
        fields = list(rows[0]) if rows else ["id"]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()})
        written.append(path)
    return written


def write_parquet(corpus: Corpus, folder: Path) -> list[Path]:
    """One Parquet file per record type in ``folder``, lists and objects as nested columns.

    Analysts load these straight into pandas, DuckDB or Spark; unlike CSV, nested values
    (summary citations, spans, coding) keep their types instead of becoming JSON text.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, rows in records_by_type(corpus).items():
        path = table_path(folder, kind, "parquet")
        if kind == "quote":  # a column holds one type: [document_id, start, end] becomes a struct
            rows = [{**r, "occurrences": [dict(zip(OCCURRENCE_FIELDS, o)) for o in r["occurrences"]]} for r in rows]
        table = pa.Table.from_pylist(rows) if rows else pa.table({"id": pa.array([], pa.string())})
        pq.write_table(table, path)
        written.append(path)
    return written


def actor_country(
    entity: Entity | None, name: str, day: date | None, terms_of: dict[str, list[OfficeTerm]], countries: CountryIndex
) -> str | None:
    """The country an actor stands for: a place is its own country (when it is one), a person
    the country of an office they held on the event's day (``terms_of``: office terms by name)."""
    if entity is not None and entity.kind in ("GPE", "NORP"):
        return countries.qualifiers.get(name.lower())
    if entity is not None and entity.kind != "PERSON":
        return None
    held = [t.country for t in terms_of.get(name, ()) if day is None or (t.start <= day and (t.end is None or day <= t.end))]
    return held[0] if len(set(held)) == 1 else None


def plover_records(corpus: Corpus, knowledge: Knowledge) -> list[dict]:
    """One PLOVER-style record per coded event: who did what to whom, when, and from which text.

    Field names follow the PLOVER gold standard records (``event``, ``mode``, ``source``,
    ``target`` with ``actorText``, ``text``); storyline adds each actor's entity id and kind,
    the event's documents and its count of independent sources.
    """
    countries = country_index()
    terms_of: dict[str, list[OfficeTerm]] = {}  # built once: an export holds many events
    for term in knowledge.offices:
        for name in term.names:
            terms_of.setdefault(name, []).append(term)
    entity_by_name = {e.name: e for e in corpus.entities}
    docs = {d.id: d for d in corpus.documents}
    out = []
    for event in corpus.events:
        coding = event.coding
        if coding is None:
            continue
        day = date.fromisoformat(event.date.value) if event.date.value else None
        doc = docs.get(coding.document_id or "")

        def actor(name: str) -> dict:
            entity = entity_by_name.get(name)
            return {"actorText": name, "entityId": entity.id if entity else None, "kind": entity.kind if entity else None,
                    "country": actor_country(entity, name, day, terms_of, countries)}

        out.append({
            "id": event.id, "date": event.date.value, "dateCertain": event.date.certain,
            "event": coding.event_type, "mode": coding.mode or "",
            "source": [actor(n) for n in coding.actors], "target": [actor(n) for n in coding.targets],
            "text": coding.evidence, "documentId": coding.document_id,
            "publication": doc.outlet if doc else None, "url": doc.url if doc else None,
            "language": (doc.language if doc else None) or "en",
            "documentIds": event.document_ids, "independentSources": event.independent_sources,
            "coder": "storyline",
        })
    return out


def write_plover(corpus: Corpus, knowledge: Knowledge, out) -> int:
    """The coded events as one JSON array, the shape of PLOVER's gold standard file."""
    found = plover_records(corpus, knowledge)
    json.dump(found, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(found)
