"""What each page and API answer shows, read from the store one page at a time.

Pages and the JSON API share these functions, and every record in them has the shape
`export.records()` gives it (built by that function over a small slice of the corpus),
so ids and fields match the export. Nothing here loads the whole corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .. import export
from ..model import Corpus, Document, Entity, Event, QuoteCluster, ReuseLink
from ..store import Store

# Events per timeline page and items per API page: a screenful, and cheap at any store size.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Caps that keep one page fast whatever a corpus holds (an event of a wire story reprinted
# thousands of times, a speaker quoted everywhere). Pages say when a list was cut.
MAX_EVENT_DOCUMENTS = 200
MAX_EVENT_QUOTES = 100
MAX_DOCUMENT_LINKS = 20
MAX_LINK_PASSAGES = 10
MAX_LINEAGE = 500
MAX_ENTITY_EVENTS = 50
# Search: results per kind on the search page, and query words used (longer queries add
# little and make FTS5 slower).
SEARCH_RESULTS = 10
MAX_QUERY_TERMS = 12
SNIPPET_OPEN, SNIPPET_CLOSE = "\ue000", "\ue001"
# A reuse link of these kinds copies its original; the others rewrite it.
COPY_KINDS = ("exact", "near", "copy")


def page_bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(0, offset), min(max(1, limit), MAX_PAGE_SIZE)


def records_of(corpus: Corpus, kind: str) -> list[dict]:
    return [r for r in export.records(corpus) if r["type"] == kind]


def stub(document_id: str) -> Document:
    """A document known only by its id: enough for export's reuse bookkeeping."""
    return Document(id=document_id, path="", raw_text="")


def strongest_parent(links: list[ReuseLink], document_id: str) -> ReuseLink | None:
    """The link `provenance.source_of` follows upward from a document."""
    incoming = [
        l for l in links
        if l.target_document_id == document_id and l.kind != "internal" and l.source_document_id != document_id
    ]
    return min(incoming, key=lambda l: (-l.score, l.source_document_id), default=None)


def lineage_links(store: Store, document_id: str) -> tuple[list[ReuseLink], set[str]]:
    """Links that decide a document's original and its copies, and the documents they touch.

    Walks up the strongest links to the root and down every reuse from the document,
    collecting the incoming links of each node, so export's `source_of` decides exactly as
    it does over the whole corpus.
    """
    links: dict[tuple, ReuseLink] = {}
    seen: set[str] = set()
    frontier = [document_id]
    node = document_id
    while node not in seen and len(seen) < MAX_LINEAGE:
        seen.add(node)
        incoming = store.reuse_into([node])
        links.update({(l.source_document_id, l.target_document_id, l.kind): l for l in incoming})
        parent = strongest_parent(incoming, node)
        if parent is None:
            break
        node = parent.source_document_id
    while frontier and len(seen) < MAX_LINEAGE:
        below = {l.target_document_id for l in store.reuse_into(frontier, "source_document_id") if l.kind != "internal"} - seen
        for link in store.reuse_into(sorted(below)) if below else []:
            links[(link.source_document_id, link.target_document_id, link.kind)] = link
        seen |= below
        frontier = sorted(below)
    return list(links.values()), seen


def document_record(store: Store, doc: Document) -> dict:
    links, related = lineage_links(store, doc.id)
    event_ids = store.related_ids("event_documents", "document_id", doc.id, limit=1)
    events = store.by_ids("events", Event, event_ids)
    corpus = Corpus(documents=[doc] + [stub(i) for i in sorted(related - {doc.id})], reuse=links, events=events)
    return next(r for r in records_of(corpus, "document") if r["id"] == doc.id)


def label(header: dict) -> str:
    """How a document is named in lists: its title, else its outlet, else its file name."""
    return header.get("title") or header.get("outlet") or re.split(r"[\\/]", header.get("path") or "")[-1] or header["id"]


def headers(store: Store, ids: list[str]) -> dict[str, dict]:
    found = store.document_headers(ids) if ids else {}
    return {i: {**h, "label": label(h)} for i, h in found.items()}


def entity_names(store: Store, ids: list[str]) -> dict[str, str]:
    return {e.id: e.name for e in store.by_ids("entities", Entity, ids)}


def timeline(store: Store, offset: int = 0, limit: int = PAGE_SIZE, story_id: str | None = None) -> dict:
    """Events in date order (or one story's), with counts and the stories they belong to."""
    offset, limit = page_bounds(offset, limit)
    if story_id:
        story_event_ids = store.related_ids("story_events", "story_id", story_id)
        events = sorted(store.by_ids("events", Event, story_event_ids), key=lambda e: (e.date.value is None, e.date.value or "", e.id))
        total, events = len(events), events[offset : offset + limit]
    else:
        total, events = store.count("events"), store.events_by_date(offset, limit)
    stories = store.stories_of([e.id for e in events]) if events else {}
    items = [
        {**record, "stories": [{"id": i, "title": t} for i, t in stories.get(record["id"], [])]}
        for record in records_of(Corpus(events=events), "event")
    ]
    return {"items": items, "total": total, "offset": offset, "limit": limit, "story_id": story_id, "axis": axis(items)}


# The drawn timeline: width in SVG units, dot radius range (by independent sources).
AXIS_WIDTH, AXIS_MARGIN = 1000, 30
MIN_RADIUS, MAX_RADIUS = 5, 16
# Year labels on the line: at most this many (every year, or every 2nd, 5th ... as fits).
MAX_YEAR_TICKS = 12


def axis(events: list[dict]) -> dict:
    """Where each dated event sits on a line across the page, and how big its dot is."""
    dated = [e for e in events if e["date"]]
    if not dated:
        return {"width": AXIS_WIDTH, "dots": [], "ticks": []}
    days = {e["id"]: date.fromisoformat(e["date"]).toordinal() for e in dated}
    first, last = min(days.values()), max(days.values())
    span = max(1, last - first)
    most = max(e["independent_sources"] for e in dated) or 1
    place = lambda day: round(AXIS_MARGIN + (AXIS_WIDTH - 2 * AXIS_MARGIN) * (day - first) / span, 1)
    dots = [
        {"id": e["id"], "x": place(days[e["id"]]), "title": e["title"], "date": e["date"], "certain": e["date_certain"],
         "r": round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * e["independent_sources"] / most, 1)}
        for e in dated
    ]
    first_year, last_year = date.fromordinal(first).year + 1, date.fromordinal(last).year
    step = max(1, -(-(last_year - first_year + 1) // MAX_YEAR_TICKS))
    years = range(first_year + (-first_year) % step, last_year + 1, step)
    ticks = [{"x": place(date(y, 1, 1).toordinal()), "label": str(y)} for y in years]
    return {"width": AXIS_WIDTH, "dots": dots, "ticks": ticks}


def event_page(store: Store, event_id: str) -> dict | None:
    event = store.one("events", Event, event_id)
    if event is None:
        return None
    (record,) = records_of(Corpus(events=[event]), "event")
    shown_ids = event.document_ids[:MAX_EVENT_DOCUMENTS]
    heads = headers(store, shown_ids)
    incoming = store.reuse_into(shown_ids)
    cited = sorted({d for c in event.summary for d in c.document_ids} - set(heads))
    heads.update(headers(store, cited))
    parents = {doc_id: strongest_parent(incoming, doc_id) for doc_id in shown_ids}
    linked = {p.source_document_id for p in parents.values() if p} | {d for d, p in parents.items() if p}
    texts = store.document_texts(sorted(linked))
    heads.update(headers(store, sorted(linked - set(heads))))
    labels = {i: h["label"] for i, h in heads.items()}
    documents = []
    for doc_id in shown_ids:
        parent = parents[doc_id]
        copy = Document(id=doc_id, path="", raw_text="", clean_text=texts.get(doc_id, "")) if parent else None
        documents.append({
            **heads.get(doc_id, {"id": doc_id, "label": doc_id}),
            "reuses": None if parent is None else {
                "document_id": parent.source_document_id,
                "label": heads.get(parent.source_document_id, {}).get("label", parent.source_document_id),
                "relation": "copy" if parent.kind in COPY_KINDS else "rewrite",
                "kind": parent.kind, "score": parent.score,
                "link": link_view(parent, copy, texts.get(parent.source_document_id), labels),
            },
        })
    quotes = store.by_ids("quotes", QuoteCluster, event.quote_ids[:MAX_EVENT_QUOTES])
    stories = store.stories_of([event.id]).get(event.id, [])
    return {
        "event": record,
        "documents": documents,
        "documents_hidden": len(event.document_ids) - len(shown_ids),
        "labels": labels,
        "quotes": records_of(Corpus(quotes=quotes), "quote"),
        "quotes_hidden": len(event.quote_ids) - len(quotes),
        "actors": [{"id": i, "name": n} for i, n in entity_names(store, event.actors).items()],
        "stories": [{"id": i, "title": t} for i, t in stories],
    }


@dataclass
class Segment:
    """A stretch of text with the highlights that cover all of it."""

    text: str
    classes: tuple[str, ...]


def segments(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Cut text at every span boundary; each piece carries the classes of the spans over it."""
    clamped = [(max(0, s), min(len(text), e), c) for s, e, c in spans]
    spans = [(s, e, c) for s, e, c in clamped if e > s]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for s, e, c in spans:
        starts.setdefault(s, []).append(c)
        ends.setdefault(e, []).append(c)
    active: dict[str, int] = {}
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for c in ends.get(a, []):
            active[c] -= 1
        for c in starts.get(a, []):
            active[c] = active.get(c, 0) + 1
        out.append(Segment(text[a:b], tuple(sorted(c for c, n in active.items() if n > 0))))
    return out


def link_view(link: ReuseLink, doc: Document, other_text: str | None, labels: dict[str, str]) -> dict:
    """A reuse link seen from one of its documents, with its aligned passages side by side."""
    outgoing = link.source_document_id == doc.id
    other_id = link.target_document_id if outgoing else link.source_document_id
    passages = []
    for s0, s1, t0, t1 in link.spans[:MAX_LINK_PASSAGES]:
        here, there = ((s0, s1), (t0, t1)) if outgoing else ((t0, t1), (s0, s1))
        passages.append({"here": doc.clean_text[here[0] : here[1]], "there": (other_text or "")[there[0] : there[1]]})
    return {
        "direction": "reused by" if outgoing else ("copy of" if link.kind in COPY_KINDS else "rewrite of"),
        "document_id": other_id, "label": labels.get(other_id, other_id), "kind": link.kind, "score": link.score,
        "evidence": link.evidence, "passages": passages, "passages_hidden": max(0, len(link.spans) - MAX_LINK_PASSAGES),
    }


def document_page(store: Store, document_id: str) -> dict | None:
    doc = store.one("documents", Document, document_id)
    if doc is None:
        return None
    record = document_record(store, doc)
    all_links = store.reuse_of(doc.id)
    links = [l for l in all_links if l.kind != "internal"][:MAX_DOCUMENT_LINKS]
    internal = [l for l in all_links if l.kind == "internal"]
    others = store.document_texts(sorted({l.source_document_id for l in links} | {l.target_document_id for l in links} - {doc.id}))
    labels = {i: h["label"] for i, h in headers(store, sorted(set(others) | {doc.id, *filter(None, [record["copy_of"]])})).items()}
    views = [link_view(l, doc, others.get(l.target_document_id if l.source_document_id == doc.id else l.source_document_id), labels) for l in links]
    quote_ids = store.related_ids("quote_documents", "document_id", doc.id)
    quotes = store.by_ids("quotes", QuoteCluster, quote_ids)
    spans = [(t0, t1, "reused") for l in links if l.target_document_id == doc.id for _, _, t0, t1 in l.spans]
    spans += [(s0, s1, "reused") for l in links if l.source_document_id == doc.id for s0, s1, _, _ in l.spans]
    spans += [(s, e, "repeated") for l in internal for _, _, s, e in l.spans]
    spans += [(s, e, "quote") for q in quotes for d, s, e in q.occurrences if d == doc.id]
    spans += [(m.start, m.end, "entity") for m in doc.mentions]
    return {
        "document": record,
        "label": labels.get(doc.id, doc.id),
        "segments": segments(doc.clean_text, spans),
        "links": views,
        "labels": labels,
        "removed_lines": doc.removed_lines,
        "quotes": records_of(Corpus(quotes=quotes), "quote"),
        "entities": mentioned_entities(store, doc),
    }


def mentioned_entities(store: Store, doc: Document) -> list[dict]:
    """The corpus entities a document names, most mentioned first."""
    counts: dict[tuple[str, str], int] = {}
    for m in doc.mentions:
        counts[(m.canonical, m.kind)] = counts.get((m.canonical, m.kind), 0) + 1
    found = {}
    for entity in store.entities_named(sorted({name for name, _ in counts})):
        found.setdefault((entity.name, entity.kind), entity)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"id": found[key].id, "name": key[0], "kind": key[1], "mentions": n} for key, n in ranked if key in found]


def entity_page(store: Store, entity_id: str, offset: int = 0, limit: int = PAGE_SIZE) -> dict | None:
    entity = store.one("entities", Entity, entity_id)
    if entity is None:
        return None
    offset, limit = page_bounds(offset, limit)
    quotes = store.quotes_by_speaker(entity.id, offset, limit)
    event_ids = store.related_ids("event_actors", "entity_id", entity.id, limit=MAX_ENTITY_EVENTS)
    event_ids += [q.event_id for q in quotes if q.event_id]
    events = sorted(store.by_ids("events", Event, list(dict.fromkeys(event_ids))), key=lambda e: (e.date.value is None, e.date.value or "", e.id))
    (record,) = records_of(Corpus(entities=[entity]), "entity")
    return {
        "entity": record,
        "quotes": records_of(Corpus(quotes=quotes), "quote"),
        "offset": offset, "limit": limit,
        "labels": {i: h["label"] for i, h in headers(store, sorted({d for q in quotes for d in q.document_ids})).items()},
        "events": records_of(Corpus(events=events), "event"),
    }


def quotes_page(store: Store, speaker: str, offset: int = 0, limit: int = PAGE_SIZE) -> dict:
    offset, limit = page_bounds(offset, limit)
    quotes = store.quotes_by_speaker(speaker, offset, limit)
    return {"items": records_of(Corpus(quotes=quotes), "quote"), "offset": offset, "limit": limit}


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match; operators are not interpreted."""
    words = re.findall(r"\w+", text)[:MAX_QUERY_TERMS]
    return " ".join(f'"{w}"' for w in words)


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, is_match) pieces, for the template to escape and mark."""
    parts = []
    for piece in re.split(f"({SNIPPET_OPEN}.*?{SNIPPET_CLOSE})", snippet or ""):
        matched = piece.startswith(SNIPPET_OPEN) and piece.endswith(SNIPPET_CLOSE)
        clean = piece.replace(SNIPPET_OPEN, "").replace(SNIPPET_CLOSE, "")
        if clean:
            parts.append((clean, matched))
    return parts


def search(store: Store, q: str, offset: int = 0, limit: int = SEARCH_RESULTS, since: str | None = None,
           until: str | None = None, outlet: str | None = None, entity: str | None = None) -> dict:
    """Documents, quotes and entities whose text has every word of the query, best first."""
    offset, limit = page_bounds(offset, limit)
    match = fts_query(q)
    found = {kind: store.search(kind, match, offset, limit, since, until, outlet, entity) if match else []
             for kind in ("document", "quote", "entity")}
    named = next(iter(store.by_ids("entities", Entity, [entity])), None) if entity else None
    heads = headers(store, [i for i, _ in found["document"]])
    quotes = {q.id: q for q in store.by_ids("quotes", QuoteCluster, [i for i, _ in found["quote"]])}
    entities = {e.id: e for e in store.by_ids("entities", Entity, [i for i, _ in found["entity"]])}
    return {
        "q": q, "offset": offset, "limit": limit, "since": since, "until": until, "outlet": outlet,
        "entity": {"id": named.id, "name": named.name} if named else None,
        "documents": [{**heads[i], "snippet": snippet_parts(s)} for i, s in found["document"] if i in heads],
        "quotes": [{**r, "snippet": snippet_parts(s)} for (i, s) in found["quote"] if i in quotes
                   for r in records_of(Corpus(quotes=[quotes[i]]), "quote")],
        "entities": [r for (i, _) in found["entity"] if i in entities for r in records_of(Corpus(entities=[entities[i]]), "entity")],
    }

