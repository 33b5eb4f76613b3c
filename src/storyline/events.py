"""Events stage: documents grouped into real-world events, events threaded into stories.

Documents that reuse each other's text report the same event by construction; other
documents join an event when their text is similar enough AND their event dates can
agree. The date test is what keeps two similar events apart (a 2022 video call and a
2026 video call between the same leaders read alike).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from . import dating, provenance
from .model import DateInference, Document, Entity, Event, QuoteCluster, ReuseLink, Story

# Cosine similarity (TF-IDF of title + text) above which two groups may be the same event.
# v0 value, set by reading the seeds' pairwise scores (unrelated Putin-Xi contacts score
# 0.2-0.35); the ECB+ benchmark of the events issue is where it gets measured properly.
SAME_EVENT_SIMILARITY = 0.45
# Two reports of one event give its date at most this many days apart (a late follow-up).
MAX_DATE_GAP_DAYS = 3
# Events of one story share at least this many of their leading actors.
STORY_SHARED_ACTORS = 2
# How many of an event's most-mentioned people count as its leading actors.
LEADING_ACTORS = 3


def stable_id(prefix: str, parts: list[str]) -> str:
    return prefix + hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:12]


class UnionFind:
    def __init__(self, items: list[str]):
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for item in self.parent:
            out.setdefault(self.find(item), []).append(item)
        return [sorted(members) for _, members in sorted(out.items())]


def candidate_days(inference: DateInference | None) -> list[date]:
    if inference is None or inference.value is None:
        return []
    return [date.fromisoformat(v[:10]) for v in [inference.value, *inference.alternatives]]


def dates_can_agree(a: list[date], b: list[date]) -> bool:
    """Unknown dates agree with anything; known ones must come within the gap."""
    if not a or not b:
        return True
    return any(abs((x - y).days) <= MAX_DATE_GAP_DAYS for x in a for y in b)


def group_documents(docs: list[Document], reuse: list[ReuseLink]) -> list[list[str]]:
    """Reuse groups first, then average-link merging of similar groups whose dates agree."""
    by_id = {d.id: d for d in docs}
    groups = UnionFind(sorted(by_id))
    for link in reuse:
        if link.kind != "internal" and link.source_document_id in by_id and link.target_document_id in by_id:
            groups.union(link.source_document_id, link.target_document_id)
    clusters = groups.groups()
    if len(clusters) < 2:
        return clusters
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [" ".join(f"{by_id[i].title or ''} {by_id[i].clean_text}" for i in members) for members in clusters]
    )
    similarity = (vectors @ vectors.T).toarray()
    days = [sorted({d for i in members for d in candidate_days(by_id[i].event_date)}) for members in clusters]
    merged = UnionFind([str(n) for n in range(len(clusters))])
    order = np.dstack(np.unravel_index(np.argsort(-similarity, axis=None), similarity.shape))[0]
    for a, b in order:
        if a >= b or similarity[a, b] < SAME_EVENT_SIMILARITY:
            continue
        if dates_can_agree(days[a], days[b]):
            merged.union(str(a), str(b))
    return [sorted(i for n in members for i in clusters[int(n)]) for members in merged.groups()]


def leading_people(doc_ids: list[str], docs: dict[str, Document]) -> list[str]:
    counts = Counter(
        m.entity_id for i in doc_ids for m in docs[i].mentions if m.kind == "PERSON" and m.entity_id
    )
    return [entity_id for entity_id, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def event_title(doc_ids: list[str], docs: dict[str, Document], originals: dict[str, str]) -> str:
    """The headline of an original report, else of any report, else its first sentence."""
    ranked = sorted(doc_ids, key=lambda i: (originals.get(i, i) != i, docs[i].title is None, i))
    for i in ranked:
        if docs[i].title:
            return docs[i].title
    first = docs[ranked[0]].paragraph_texts()
    return first[0].split(". ")[0] if first else "(untitled)"


def group_events(docs: list[Document], reuse: list[ReuseLink], entities: list[Entity]) -> list[Event]:
    by_id = {d.id: d for d in docs}
    originals = provenance.source_of(docs, reuse)
    outlets = {d.id: d.outlet for d in docs}
    out = []
    for members in group_documents(docs, reuse):
        when = event_date([by_id[i] for i in members])
        out.append(
            Event(
                id=stable_id("ev_", members),
                date=when,
                title=event_title(members, by_id, originals),
                document_ids=members,
                independent_sources=provenance.independent_sources(members, reuse, outlets),
                actors=leading_people(members, by_id)[:LEADING_ACTORS],
            )
        )
    return sorted(out, key=event_order)


def event_date(members: list[Document]) -> DateInference:
    """The days every report allows, with the evidence each report gave for its own date."""
    dated = [d for d in members if d.event_date and d.event_date.value]
    if not dated:
        return DateInference(value=None, evidence=["no report of this event gives a date"])
    if len(dated) == 1:
        return dated[0].event_date
    combined = dating.combine_event_dates([d.event_date for d in dated])
    reports = []
    for doc in dated:
        reports.extend(line for line in doc.event_date.evidence if not line.startswith(GENERIC_EVIDENCE))
    combined.evidence = [*dict.fromkeys(reports), *combined.evidence]  # the conclusion last
    return combined


# Evidence lines every inference starts with; they tell nothing about this event.
GENERIC_EVIDENCE = ("candidates: every day",)


def event_order(event: Event) -> tuple:
    return (event.date.value is None, event.date.value or "", event.id)


def assign_quotes(events: list[Event], quotes: list[QuoteCluster]) -> None:
    """A quote belongs to the event whose documents carry most of its occurrences."""
    event_of = {doc_id: e for e in events for doc_id in e.document_ids}
    for quote in quotes:
        votes = Counter(event_of[d].id for d, _, _ in quote.occurrences if d in event_of)
        if votes:
            quote.event_id = min(votes, key=lambda e: (-votes[e], e))
    for event in events:
        own = [q for q in quotes if q.event_id == event.id]
        ranked = sorted(own, key=lambda q: (q.kind != "direct", -q.independent_sources, -len(q.occurrences), q.id))
        event.quote_ids = [q.id for q in ranked]


def thread_stories(events: list[Event], entities: list[Entity]) -> list[Story]:
    """Events that share their leading actors make one story, in date order, named after them."""
    ids = [e.id for e in events]
    stories = UnionFind(ids)
    for n, a in enumerate(events):
        for b in events[n + 1 :]:
            if len(set(a.actors) & set(b.actors)) >= min(STORY_SHARED_ACTORS, len(a.actors), len(b.actors)) > 0:
                stories.union(a.id, b.id)
    by_id = {e.id: e for e in events}
    names = {e.id: e.name for e in entities}
    out = []
    for members in stories.groups():
        ordered = sorted((by_id[i] for i in members), key=event_order)
        shared = Counter(actor for e in ordered for actor in e.actors)
        leads = [names[a] for a, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if a in names][:STORY_SHARED_ACTORS]
        title = " and ".join(leads) if leads else ordered[0].title
        out.append(Story(id=stable_id("st_", members), title=title, event_ids=[e.id for e in ordered]))
    return out
