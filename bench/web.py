"""Web UI latency on a large store: p50/p95 per page, measured over real HTTP against uvicorn.

Builds (or reuses) a store of N synthetic documents made from the seed articles: the real
pipeline processes the seeds once, then each synthetic document is a fresh mix of their
paragraphs (with their real entity mentions and quotes), grouped into dated events with
originals, copies and rewrites, cross-event quotes by the same speakers, and stories. The
corpus is written through the store's own save methods, so its triggers and indexes are
the ones a real run builds. Then `storyline serve` runs as a separate process and an httpx
client requests every kind of page. The anchor is the same server's static stylesheet (the
framework's floor); each page is shown beside it as a ratio.

    .venv/bin/python bench/web.py                      # 100k documents (store cached in bench/results/)
    .venv/bin/python bench/web.py --docs 5000 --requests 50   # quick run
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from storyline import pipeline
from storyline.model import (
    Citation, Corpus, DateInference, Document, Entity, Event, Mention, Paragraph, Quote, QuoteCluster, ReuseLink, Story,
)
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 100
# Corpus shape: mean documents per event (geometric sizes, a few large wire stories), how
# many of an event's later documents copy or rewrite its original, events per story.
MEAN_EVENT_SIZE = 5
MAX_EVENT_SIZE = 400
COPY_SHARE, REWRITE_SHARE = 0.3, 0.2
EVENTS_PER_STORY = 20
PARAGRAPHS_PER_DOC = (8, 20)
OUTLETS = 300
SAVE_BATCH = 2000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2026, 11, 1)


def seed_corpus(folder: Path) -> Corpus:
    """The seeds through the real pipeline: paragraphs with their real mentions and quotes."""
    with Store(folder / "seeds.db") as store:
        pipeline.run([SEEDS], store, pipeline.Context.default())
        return store.corpus()


def paragraph_pool(corpus: Corpus) -> list[tuple[str, list[Mention], list[Quote]]]:
    """Every seed paragraph with its mentions and quotes, offsets relative to the paragraph."""
    pool = []
    for doc in corpus.documents:
        for p in doc.paragraphs:
            text = doc.clean_text[p.start : p.end]
            if len(text.split()) < 6:
                continue
            mentions = [Mention(m.start - p.start, m.end - p.start, m.text, m.kind, m.canonical)
                        for m in doc.mentions if p.start <= m.start and m.end <= p.end]
            quotes = [Quote(q.start - p.start, q.end - p.start, q.text, q.kind, q.cue, q.speaker)
                      for q in doc.quotes if p.start <= q.start and q.end <= p.end]
            pool.append((text, mentions, quotes))
    return pool


def make_document(number: int, outlet: str, paragraphs: list, title: str) -> Document:
    texts, mentions, quotes, spans = [], [], [], []
    offset = 0
    for text, ms, qs in paragraphs:
        mentions += [Mention(m.start + offset, m.end + offset, m.text, m.kind, m.canonical) for m in ms]
        quotes += [Quote(q.start + offset, q.end + offset, q.text, q.kind, q.cue, q.speaker) for q in qs]
        spans.append(Paragraph(offset, offset + len(text)))
        texts.append(text)
        offset += len(text) + 2
    tail = f"Filed as report {number} by {outlet}."
    texts.append(tail)
    spans.append(Paragraph(offset, offset + len(tail)))
    clean = "\n\n".join(texts)
    doc_id = hashlib.sha256(clean.encode()).hexdigest()[:16]
    return Document(
        id=doc_id, path=f"synthetic/{number:07d}.txt", raw_text=clean, clean_text=clean, paragraphs=spans,
        title=title, outlet=outlet, mentions=mentions, quotes=quotes, language="en",
    )


def build_store(db: Path, docs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        seeds = seed_corpus(Path(tmp))
    pool = paragraph_pool(seeds)
    titles = [d.title for d in seeds.documents if d.title]
    entity_of = {e.name: e for e in seeds.entities}
    outlets = [f"Outlet {i}" for i in range(OUTLETS)]
    days = (LAST_DAY - FIRST_DAY).days
    buffer: list[Document] = []
    events, quotes, reuse = [], [], []
    made = 0
    with Store(db) as store:
        while made < docs:
            size = min(MAX_EVENT_SIZE, docs - made, 1 + int(rng.expovariate(1 / (MEAN_EVENT_SIZE - 1))))
            number = len(events)
            day = FIRST_DAY + timedelta(days=rng.randrange(days))
            title = f"{rng.choice(titles)} ({number})"
            original_paragraphs = rng.sample(pool, rng.randint(*PARAGRAPHS_PER_DOC))
            members, clusters = [], {}
            original = make_document(made, rng.choice(outlets), original_paragraphs, title)
            for i in range(size):
                if i == 0:
                    doc = original
                else:
                    roll = rng.random()
                    kind = "copy" if roll < COPY_SHARE else "paraphrase" if roll < COPY_SHARE + REWRITE_SHARE else None
                    paragraphs = original_paragraphs if kind else rng.sample(pool, rng.randint(*PARAGRAPHS_PER_DOC))
                    doc = make_document(made + i, rng.choice(outlets), paragraphs, title)
                    if kind:
                        aligned = [(p.start, p.end, p.start, p.end) for p in original.paragraphs[:-1]]
                        reuse.append(ReuseLink(original.id, doc.id, kind, round(rng.uniform(0.4, 0.99), 4), aligned,
                                               [f"{original.id} is earlier"]))
                members.append(doc)
                for q in doc.quotes:
                    key = (q.text, q.speaker)
                    cluster = clusters.setdefault(key, QuoteCluster(
                        id=hashlib.sha256(f"{number}|{q.text}|{q.speaker}".encode()).hexdigest()[:16], text=q.text,
                        speaker=q.speaker, speaker_entity_id=entity_of[q.speaker].id if q.speaker in entity_of else None,
                        event_id=f"ev_{number:07d}", kind=q.kind, independent_sources=1))
                    cluster.occurrences.append((doc.id, q.start, q.end))
            made += size
            buffer += members
            quotes += clusters.values()
            speakers = list(dict.fromkeys(c.speaker_entity_id for c in clusters.values() if c.speaker_entity_id))
            certain = rng.random() > 0.2
            events.append(Event(
                id=f"ev_{number:07d}", title=title, document_ids=[d.id for d in members],
                date=DateInference(day.isoformat(), certain, "inferred", [f"synthetic date {day}"],
                                   [] if certain else [(day + timedelta(days=7 * k)).isoformat() for k in range(1, 4)]),
                independent_sources=max(1, size - sum(1 for l in reuse[-size:] if l.target_document_id in {d.id for d in members})),
                summary=[Citation(original.clean_text[p.start : p.end], [original.id], 1) for p in original.paragraphs[:3]],
                quote_ids=[c.id for c in clusters.values()], actors=speakers[:8],
            ))
            if len(buffer) >= SAVE_BATCH:
                store.save_documents(buffer, "bench")
                buffer = []
                print(f"  {made} documents", file=sys.stderr, end="\r")
        store.save_documents(buffer, "bench")
        ordered = sorted(events, key=lambda e: e.date.value)
        stories = [Story(f"st_{i:06d}", ordered[i].title, [e.id for e in ordered[i : i + EVENTS_PER_STORY]])
                   for i in range(0, len(ordered), EVENTS_PER_STORY)]
        store.save_corpus(Corpus(entities=seeds.entities, reuse=reuse, quotes=quotes, events=events, stories=stories), "bench")
    print(f"built {db}: {made} documents, {len(events)} events, {len(quotes)} quotes, {len(reuse)} reuse links", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "storyline"), "serve", "--db", str(db), "--port", str(port)],
                              stderr=open(RESULTS / "serve.log", "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/static/style.css", timeout=1)
            return server, base
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("server did not start")


def sample_urls(store: Store, requests: int, rng: random.Random) -> dict[str, list[str]]:
    """URLs per page kind, drawn at random across the whole store."""
    pick = lambda table, where="": [r[0] for r in store.db.execute(
        f"SELECT id FROM {table} {where} ORDER BY random() LIMIT ?", (requests,))]
    events, docs = pick("events"), pick("documents")
    originals = [r[0] for r in store.db.execute(
        "SELECT source_document_id FROM reuse ORDER BY random() LIMIT ?", (requests,))]
    speakers = [r[0] for r in store.db.execute(
        "SELECT speaker_entity_id, count(*) n FROM quotes WHERE speaker_entity_id IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 20")]
    entities = [rng.choice(speakers) if rng.random() < 0.5 else e for e in pick("entities")][:requests]
    total_events = store.count("events")
    words = ["Ushakov", "Putin", "Xi Jinping", "ferry", "Blinken", "nuclear energy", "Report 12345", "Outlet 7",
             "spring festival", "Greenland", "sovereignty security", "Shoigu"]
    return {
        "static (anchor)": ["/static/style.css"] * requests,
        "timeline": [f"/?offset={rng.randrange(max(1, total_events - 50))}" for _ in range(requests)],
        "event": [f"/events/{i}" for i in events],
        "document": [f"/documents/{i}" for i in docs],
        "document (original)": [f"/documents/{i}" for i in originals],
        "entity": [f"/entities/{i}" for i in entities],
        "search": [f"/search?q={rng.choice(words)}" for _ in range(requests)],
        "api events": [f"/api/events?offset={rng.randrange(max(1, total_events - 50))}" for _ in range(requests)],
        "api event": [f"/api/events/{i}" for i in events],
        "api document": [f"/api/documents/{i}" for i in docs],
        "api quotes": [f"/api/quotes?speaker={rng.choice(speakers)}&offset={rng.randrange(200)}" for _ in range(requests)],
        "api entity": [f"/api/entities/{i}" for i in entities],
        "api search": [f"/api/search?q={rng.choice(words)}" for _ in range(requests)],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(base: str, urls: dict[str, list[str]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for kind, paths in urls.items():
            for path in paths[: max(3, len(paths) // 10)]:  # warm up: first-use costs are not page costs
                client.get(path)
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="synthetic documents in the store")
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--db", type=Path, help="store to build or reuse (default bench/results/web-<docs>.db)")
    parser.add_argument("--rebuild", action="store_true", help="build the store even when the file exists")
    args = parser.parse_args()
    db = args.db or RESULTS / f"web-{args.docs}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild or not db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        build_store(db, args.docs)
        print(f"store built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with Store(db) as store:
        counts = {t: store.count(t) for t in ("documents", "events", "quotes", "entities", "reuse", "stories")}
        urls = sample_urls(store, args.requests, random.Random(11))
    server, base = start_server(db)
    try:
        times = measure(base, urls)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"store: {db} ({', '.join(f'{n} {t}' for t, n in counts.items())})")
    print(f"{args.requests} requests per page over HTTP/1.1 keep-alive, one client, times in ms (client-side, incl. HTTP)")
    floor = statistics.median(times["static (anchor)"])
    print(f"{'page':22} {'p50':>8} {'p95':>8} {'max':>8} {'p50/anchor':>11}  target p95 < {TARGET_P95_MS}")
    for kind, values in times.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        verdict = "" if kind.startswith("static") else ("ok" if p95 < TARGET_P95_MS else "SLOW")
        print(f"{kind:22} {p50:8.1f} {p95:8.1f} {max(values):8.1f} {p50 / floor:10.1f}x  {verdict}")


if __name__ == "__main__":
    main()
