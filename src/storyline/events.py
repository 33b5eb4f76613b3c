"""Events stage: documents grouped into real-world events, events threaded into stories.

Documents that reuse each other's text report the same event by construction; other
documents join an event when their text is similar enough AND their event dates can
agree. The date test is what keeps two similar events apart (a 2022 video call and a
2026 video call between the same leaders read alike).
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.preprocessing import normalize

from . import coding, dating, provenance
from .model import Corpus, DateInference, Document, Entity, Event, QuoteCluster, ReuseLink, Story
from .text import split_sentences

# --- clustering ---------------------------------------------------------------------------
# Every constant below was chosen on ECB+ with the threshold picked on one half of its topics
# and scored on the other (bench/clustering.py), then checked on multi-outlet-like variants
# (2-3 reports per event; with and without publication dates); values sit where these are
# flat, not at one set's peak.

# The head (title and lead) says what the event is; the body adds context and noise.
HEAD_SENTENCES = 3
HEAD_WEIGHT = 1.0
# Words and word pairs are hashed into this many columns (2^20: collisions among the terms
# that survive MIN_TERM_DOCUMENTS are rare at 100k documents).
HASH_FEATURES = 2**20
# A term counts only when at least this many documents hold it (2: within-topic same-event
# vs other-event pair AUC on ECB+ rises from 0.90 to 0.92 with word pairs and this cut).
MIN_TERM_DOCUMENTS = 2
# Share of name words (Jaccard; `name_words`: capitalised words, whatever the NER engine)
# adds to the text similarity with this weight.
ENTITY_WEIGHT = 0.15
# Reports of one event give its day at most this many days apart (late follow-ups) ...
MAX_DATE_GAP_DAYS = 3
# ... beyond it, the pair loses DATE_GAP_PENALTY, more than any pair can score (cosine 1 plus
# the name weights): a 2022 call and a 2026 call between the same leaders read alike (even
# word for word) but are two events. (On ECB+ the
# gap's size barely matters, 3, 7 and 14 days score alike: its dated half is one event a topic.)
DATE_GAP_PENALTY = 2.0
# Two reports dated to the same few days gain this much: dates that agree are evidence too
# (0.1: ECB+ with publication dates, whole and 2-3 reports an event, gains 0.01-0.02 recall
# at no cost in precision; 0.05 gains half of that; undated ECB+ is unaffected).
DATE_AGREEMENT_BONUS = 0.1
# Average-link cutoff on the combined score: groups merge while their members' mean pairwise
# score reaches it (pairs never proposed by blocking count as 0). 0.18: with name words read
# off capitals, ECB+ odd topics pick 0.20 and even topics 0.14 (flat there from 0.14 to 0.18),
# with either NER engine; 0.18 sits between, where whole ECB+ peaks (0.93) and dated ECB+ and
# dated 2-3 reports an event stay at 0.99; undated 2-3 an event gains precision as it rises
# (BCubed 0.85 at 0.16, 0.86 at 0.18, 0.88 at 0.20) while whole ECB+ loses recall past 0.18.
SAME_EVENT_SCORE = 0.18
# Blocking: each document proposes pairs through its strongest terms and names; a key held
# by more documents than this is too common to say anything and would make the cost grow
# quadratically (40: ECB+ scores the same as with 150, events there hold ~11 reports; on the
# synthetic cost bench candidate pairs per document stay ~30-40 from 1k to 100k documents).
BLOCK_TERMS = 12
BLOCK_MAX_DOCUMENTS = 40
# Share of the name words in the heads (Jaccard) adds with this weight: who the event is about.
LEAD_NAME_WEIGHT = 0.15
# Two reports whose heads are each about a person the other never names are about two events
# (a boxer's title defence against one challenger, then another): the pair loses this much.
# On ECB+ the test fires for 49% of pairs from a topic's two events and 10% of same-event
# pairs; 0.2 beats 0.05 and 0.1 on the whole set and on 2-3 reports an event.
OTHER_PROTAGONISTS_PENALTY = 0.2
# Shared neighbours (Jarvis-Patrick): reports of one event are each other's closest reports,
# while two same-kind events in one topic (two quakes, two IE patches) are close only through
# topic words, so they share few neighbours. A pair gains SHARED_NEIGHBOUR_WEIGHT times the
# share of the NEIGHBOURS + 1 slots (each report counts itself) its two neighbourhoods have in
# common; a neighbour is one of a report's NEIGHBOURS best pairs scoring at least
# NEIGHBOUR_SCORE. Chosen on ECB+ (bench/clustering.py), keeping SAME_EVENT_SCORE: whole
# 0.917 -> 0.932 BCubed, held-out halves 0.925 / 0.880 -> 0.924 / 0.914, with dates 0.982 ->
# 0.992; 5 and 6 neighbours score alike (4 loses a half), weight 0.3 scores alike; a bar of 0
# or 0.07 lets a small event's topic-mates in (2-3 reports an event, undated: 0.857).
NEIGHBOURS = 5
NEIGHBOUR_SCORE = 0.2
SHARED_NEIGHBOUR_WEIGHT = 0.2
# Pairs whose neighbourhoods are compared at once: 100,000 x 6 x 6 booleans, 3.6 MB.
NEIGHBOUR_SLICE = 100_000
# Events of one story share at least this many of their leading actors.
STORY_SHARED_ACTORS = 2
# How many of an event's most-mentioned people count as its leading actors.
LEADING_ACTORS = 3


def stable_id(prefix: str, parts: list[str]) -> str:
    return prefix + hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class ClusterItem:
    """What event clustering reads of a document: its head, body, names and informative days."""

    id: str
    head: str
    body: str
    names: frozenset[str] = frozenset()  # the words of the names it gives (`name_words`)
    lead_names: frozenset[str] = frozenset()  # the same for its head: who the event is about
    days: tuple[date, date] | None = None  # earliest and latest candidate event day, if any
    lead_people: frozenset[str] = frozenset()  # the people in the head (NER): the event's protagonists


def day_span(inference: DateInference | None) -> tuple[date, date] | None:
    """Earliest and latest candidate day of a date inference (a truncated candidate list
    names its last day in its closing evidence line)."""
    if inference is None or inference.value is None:
        return None
    days = [inference.value, *inference.alternatives]
    if not inference.certain:
        closing = inference.evidence[-1] if inference.evidence else ""
        if dating.TRUNCATION_NOTE in closing:
            days.extend(ISO_DAY.findall(closing))
    parsed = sorted(date.fromisoformat(d[:10]) for d in days)
    return parsed[0], parsed[-1]


ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def cluster_item(doc: Document) -> ClusterItem:
    spans = split_sentences(doc.clean_text)[:HEAD_SENTENCES]
    sentences = [doc.clean_text[a:b] for a, b in spans]
    head_end = spans[-1][1] if spans else 0
    lead = [m for m in doc.mentions if m.start < head_end] + coding.title_mentions(doc.title or "", doc.mentions)
    lead_people = frozenset(m.canonical.lower() for m in lead if m.kind == "PERSON" and m.canonical)
    head = " ".join([doc.title or "", url_words(doc.url), *sentences])
    names = name_words(doc.clean_text)
    lead_names = name_words(doc.title or "") | name_words(doc.clean_text[:head_end])
    return ClusterItem(doc.id, head, doc.clean_text, names, lead_names, document_days(doc), lead_people)


WORD = re.compile(r"\b[^\W\d_][^\W_]*")
# A capital right after these opens a sentence, a quote or an aside: no evidence of a name.
SENTENCE_OPENING_MARKS = frozenset(".!?:\n\"\u201c\u2018'(")


def name_words(text: str) -> frozenset[str]:
    """The words of the names a text gives, read off its capitals: lower-cased capitalised
    words that do not open a sentence and are no stop words. Read from the text, not the NER,
    so the score does not move with the NER engine's recall: with entity names, the fast NER
    (fewer names, and in smaller sets a shared one weighs more) scored ECB+ 0.904 BCubed
    against spaCy's 0.924 at one threshold; with these words both score 0.93 (bench/clustering.py)."""
    out = set()
    for match in WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() or len(word) < 2:
            continue
        before = text[max(0, match.start() - 3) : match.start()].rstrip()
        if before and before[-1] not in SENTENCE_OPENING_MARKS and word.lower() not in ENGLISH_STOP_WORDS:
            out.add(word.lower())
    return frozenset(out)


def document_days(doc: Document) -> tuple[date, date] | None:
    """The span from publication to event day: an event read off the lead can be wrong, a
    report is rarely published far from its event, so the span covers both guesses."""
    spans = [s for s in (day_span(doc.event_date), day_span(doc.published)) if s]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def url_words(url: str | None) -> str:
    """The words of a URL's path: news URLs carry the headline as a slug ("lohan-checks-into-rehab")."""
    if not url:
        return ""
    path = re.sub(r"^\w+://[^/]*", "", url)
    return " ".join(w for w in re.split(r"[^A-Za-z]+", path) if len(w) > 2)


def text_vectors(items: list[ClusterItem]) -> sparse.csr_matrix:
    """Unit TF-IDF rows of body plus weighted head over words and word pairs. Hashed, so no
    vocabulary is held (memory stays flat at 100k documents); terms only one document has are
    dropped, since they can never make two documents alike and only dilute the cosine."""
    hasher = HashingVectorizer(
        ngram_range=(1, 2), stop_words="english", n_features=HASH_FEATURES, alternate_sign=False, norm=None, dtype=np.float32
    )
    body = hasher.transform([f"{i.head} {i.body}" for i in items]).tocsr()
    head = hasher.transform([i.head for i in items]).tocsr()
    df = np.bincount(body.indices, minlength=HASH_FEATURES)
    idf = np.log((1 + len(items)) / (1 + df)).astype(np.float32) + 1
    idf[df < MIN_TERM_DOCUMENTS] = 0
    weights = sparse.diags(idf)
    return normalize(sublinear(body) @ weights + HEAD_WEIGHT * (sublinear(head) @ weights))


def sublinear(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    out = counts.copy()
    out.data = 1 + np.log(out.data)
    return out


def candidate_pairs(vectors: sparse.csr_matrix, items: list[ClusterItem]) -> np.ndarray:
    """Pairs (i < j) sharing a rare strong term or a rare name: blocking, not all pairs."""
    keys: dict[object, list[int]] = {}
    for row in range(vectors.shape[0]):
        start, end = vectors.indptr[row], vectors.indptr[row + 1]
        weights, terms = vectors.data[start:end], vectors.indices[start:end]
        for term in terms[np.argsort(-weights, kind="stable")[:BLOCK_TERMS]]:
            keys.setdefault(int(term), []).append(row)
        for name in items[row].names:
            keys.setdefault(name, []).append(row)
    chunks = []
    for rows in keys.values():
        if 1 < len(rows) <= BLOCK_MAX_DOCUMENTS:
            a, b = np.triu_indices(len(rows), 1)
            members = np.asarray(rows, dtype=np.int64)
            chunks.append(np.stack([members[a], members[b]], axis=1))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(chunks), axis=0)


def date_penalty(a: tuple[date, date] | None, b: tuple[date, date] | None) -> float:
    """0 when either date is unknown or their candidate spans come within the gap, else
    DATE_GAP_PENALTY (spans, not single days: an uncertain date never over-separates)."""
    if a is None or b is None:
        return 0.0
    gap = max(0, (a[0] - b[1]).days, (b[0] - a[1]).days)
    if gap <= MAX_DATE_GAP_DAYS:
        return 0.0
    return DATE_GAP_PENALTY


def day_ordinals(items: list[ClusterItem]) -> np.ndarray:
    """First and last candidate day of each item as day numbers, NaN when unknown."""
    unknown = (np.nan, np.nan)
    return np.array([(i.days[0].toordinal(), i.days[1].toordinal()) if i.days else unknown for i in items], dtype=np.float64).reshape(-1, 2)


def date_scores(spans: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair: DATE_AGREEMENT_BONUS when both days are known to within a few days and agree,
    minus DATE_GAP_PENALTY when the spans lie apart (as `date_penalty`), else 0 (an unknown
    day says nothing). ``spans`` as `day_ordinals` gives them."""
    start, end = spans[:, 0], spans[:, 1]
    gap = np.maximum(0, np.maximum(start[a] - end[b], start[b] - end[a]))
    known = ~np.isnan(gap)
    apart = known & (np.nan_to_num(gap) > MAX_DATE_GAP_DAYS)
    narrow = known & (np.nan_to_num(np.maximum(end[a] - start[a], end[b] - start[b])) <= MAX_DATE_GAP_DAYS * 2)
    return np.where(apart, -DATE_GAP_PENALTY, np.where(narrow, DATE_AGREEMENT_BONUS, 0.0))


def pair_scores(vectors: sparse.csr_matrix, items: list[ClusterItem], pairs: np.ndarray) -> np.ndarray:
    """Cosine of the text vectors, plus shared names and agreeing days, minus the date-gap
    penalty and the penalty for heads about different people."""
    scores = np.zeros(len(pairs), dtype=np.float64)
    names = set_matrix([i.names for i in items])
    lead_names = set_matrix([i.lead_names for i in items])
    spans = day_ordinals(items)
    for start in range(0, len(pairs), 100_000):
        a, b = pairs[start : start + 100_000, 0], pairs[start : start + 100_000, 1]
        chunk = slice(start, start + len(a))
        scores[chunk] = row_dots(vectors, a, b)
        scores[chunk] += ENTITY_WEIGHT * jaccard(names, a, b) + LEAD_NAME_WEIGHT * jaccard(lead_names, a, b)
        scores[chunk] += date_scores(spans, a, b)
    pair_list = pairs.tolist()
    with_people = [n for n, (a, b) in enumerate(pair_list) if items[a].lead_people and items[b].lead_people]
    for n in with_people:
        a, b = pair_list[n]
        if absent_protagonist(items[a], items[b].names) and absent_protagonist(items[b], items[a].names):
            scores[n] -= OTHER_PROTAGONISTS_PENALTY
    return scores


def shared_neighbour_scores(pairs: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """Per pair, the share of NEIGHBOURS + 1 slots its two neighbourhoods (each report, and its
    best-scoring pairs at or above NEIGHBOUR_SCORE) have in common. Ties go to the lower index,
    so the result is deterministic; cost is linear in the pairs."""
    top = nearest_neighbours(pairs, scores, count)
    shared = np.zeros(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), NEIGHBOUR_SLICE):
        chunk = pairs[start : start + NEIGHBOUR_SLICE]
        left, right = top[chunk[:, 0]], top[chunk[:, 1]]
        same = (left[:, :, None] == right[:, None, :]) & (left[:, :, None] >= 0)
        shared[start : start + len(left)] = same.any(axis=2).sum(axis=1)
    return shared / (NEIGHBOURS + 1)


def nearest_neighbours(pairs: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """``count`` x (NEIGHBOURS + 1) item indices: each item, then its best partners scoring at
    least NEIGHBOUR_SCORE (best first, lower index first on ties), padded with -1."""
    top = np.full((count, NEIGHBOURS + 1), -1, dtype=np.int64)
    top[:, 0] = np.arange(count)
    strong = scores >= NEIGHBOUR_SCORE
    source = np.concatenate([pairs[strong, 0], pairs[strong, 1]])
    target = np.concatenate([pairs[strong, 1], pairs[strong, 0]])
    weight = np.concatenate([scores[strong], scores[strong]])
    order = np.lexsort((target, -weight, source))
    source, target = source[order], target[order]
    first = np.searchsorted(source, source)  # where each source's run starts
    rank = np.arange(len(source)) - first
    keep = rank < NEIGHBOURS
    top[source[keep], rank[keep] + 1] = target[keep]
    return top


def row_dots(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()


def set_matrix(sets: list[frozenset[str]]) -> sparse.csr_matrix:
    """One 0/1 row per set, one column per distinct member: set overlaps as sparse products."""
    columns: dict[str, int] = {}
    rows = [[columns.setdefault(x, len(columns)) for x in sorted(s)] for s in sets]
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.fromiter((c for r in rows for c in r), dtype=np.int64, count=int(indptr[-1]))
    return sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(sets), max(len(columns), 1)))


def jaccard(members: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard of rows a and b of a 0/1 matrix (0 where both are empty)."""
    shared = row_dots(members, a, b)
    sizes = np.diff(members.indptr)
    union = sizes[a] + sizes[b] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def absent_protagonist(item: ClusterItem, other_words: frozenset[str]) -> bool:
    """Whether a person the item's head is about goes unnamed in the other document (no word
    of the name among the other's name words): reports of one event name its protagonists."""
    return any(not (set(person.split()) & other_words) for person in item.lead_people)


def average_link(groups: list[list[int]], pairs: np.ndarray, scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-link merging over a sparse pair graph; unscored pairs count as 0. Deterministic."""
    group_of = {item: g for g, members in enumerate(groups) for item in members}
    links: dict[int, dict[int, float]] = {g: {} for g in range(len(groups))}
    for (a, b), score in zip(pairs, scores):
        ga, gb = group_of[int(a)], group_of[int(b)]
        if ga != gb:
            links[ga][gb] = links[ga].get(gb, 0.0) + score
            links[gb][ga] = links[gb].get(ga, 0.0) + score
    members = {g: list(m) for g, m in enumerate(groups)}
    heap = [(-total / (len(members[a]) * len(members[b])), a, b) for a in links for b, total in links[a].items() if a < b]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if -negative < threshold:
            break
        if a not in members or b not in members or b not in links[a]:
            continue
        if abs(links[a][b] / (len(members[a]) * len(members[b])) + negative) > 1e-12:
            continue  # stale entry: the groups changed since it was pushed
        members[a].extend(members.pop(b))
        for other, total in links.pop(b).items():
            del links[other][b]
            if other != a:
                links[a][other] = links[a].get(other, 0.0) + total
                links[other][a] = links[a][other]
        links[a].pop(b, None)
        for other, total in links[a].items():
            heapq.heappush(heap, (-total / (len(members[a]) * len(members[other])), min(a, other), max(a, other)))
    return sorted(sorted(m) for m in members.values())


@dataclass
class ScoredGraph:
    """Documents, the groups reuse fixes before any scoring, and the scored candidate pairs."""

    ids: list[str]
    groups: list[list[int]]
    pairs: np.ndarray
    scores: np.ndarray


def score_graph(items: list[ClusterItem], linked: list[tuple[str, str]]) -> ScoredGraph:
    """Reuse-linked documents start together (copies always join their original's event);
    candidate pairs from blocking get the combined score."""
    groups = reuse_groups(items, linked)
    if len(items) < 2:
        return ScoredGraph([i.id for i in items], groups, np.zeros((0, 2), dtype=np.int64), np.zeros(0))
    vectors = text_vectors(items)
    pairs = candidate_pairs(vectors, items)
    scores = pair_scores(vectors, items, pairs)
    scores += SHARED_NEIGHBOUR_WEIGHT * shared_neighbour_scores(pairs, scores, len(items))
    return ScoredGraph([i.id for i in items], groups, pairs, scores)


def reuse_groups(items: list[ClusterItem], linked: list[tuple[str, str]]) -> list[list[int]]:
    """Item indices grouped by reuse links (every item in exactly one group)."""
    index = {item.id: n for n, item in enumerate(items)}
    sets = provenance.DisjointSets()
    for a, b in linked:
        if a in index and b in index:
            sets.union(a, b)
    fixed = sets.groups()
    grouped = {x for g in fixed for x in g}
    return [[index[i] for i in g] for g in fixed] + [[n] for n, i in enumerate(items) if i.id not in grouped]


def cut_graph(graph: ScoredGraph, threshold: float = SAME_EVENT_SCORE) -> list[list[str]]:
    merged = average_link(graph.groups, graph.pairs, graph.scores, threshold)
    return sorted(sorted(graph.ids[n] for n in group) for group in merged)


def cluster_items(items: list[ClusterItem], linked: list[tuple[str, str]], threshold: float = SAME_EVENT_SCORE) -> list[list[str]]:
    """Documents grouped into events: linked pairs (reuse) together first, then average link."""
    return cut_graph(score_graph(items, linked), threshold)


def all_groups(sets: provenance.DisjointSets) -> list[list[str]]:
    """Every set, singletons included, each sorted, in order of their smallest id."""
    by_root: dict[str, list[str]] = {}
    for item in sorted(sets.parent):
        by_root.setdefault(sets.find(item), []).append(item)
    return sorted(by_root.values())


def group_documents(docs: list[Document], reuse: list[ReuseLink]) -> list[list[str]]:
    """Copies always join their original's event; the rest by text, names and dates."""
    linked = [(l.source_document_id, l.target_document_id) for l in reuse if l.kind != "internal"]
    return cluster_items([cluster_item(d) for d in sorted(docs, key=lambda d: d.id)], linked)


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


def cluster_documents(docs: list[Document], ctx) -> tuple[list[Event], list[Story]]:
    """Events and stories of documents that have been through the document stages, without a
    store: the provenance and entity stages, then this one (``ctx`` is a pipeline.Context)."""
    from . import pipeline  # the stages live there; the pipeline imports this module

    corpus = Corpus(documents=sorted(docs, key=lambda d: d.id))
    for stage in pipeline.CORPUS_STAGES:
        if stage.name in ("provenance", "entities", "quotes", "events"):
            stage.run(corpus, ctx)
    return corpus.events, corpus.stories


def cluster_file(paths: list, ctx) -> tuple[list[dict], list]:
    """`storyline cluster`: JSONL records (``id``, ``text``, optional ``title``, ``date``,
    ``source``) through the document stages and into events; rows per document, and errors."""
    from . import dedup, pipeline

    docs, errors = dedup.read_documents(paths)  # keeps the records' own ids
    done: list[Document] = []
    for start in range(0, len(docs), pipeline.BATCH_SIZE):
        batch, failed = pipeline.process_documents(docs[start : start + pipeline.BATCH_SIZE], ctx)
        done.extend(batch)
        errors.extend(failed)
    found_events, stories = cluster_documents(done, ctx)
    return cluster_rows(done, found_events, stories), errors


def cluster_rows(docs: list[Document], events: list[Event], stories: list[Story]) -> list[dict]:
    """One ``{"id", "event_id", "story_id"}`` per document, in input order."""
    event_of = {d: e.id for e in events for d in e.document_ids}
    story_of = {e: s.id for s in stories for e in s.event_ids}
    return [{"id": d.id, "event_id": event_of.get(d.id), "story_id": story_of.get(event_of.get(d.id))} for d in docs]


def group_events(docs: list[Document], reuse: list[ReuseLink]) -> list[Event]:
    """Events of all documents, each with the id its members give (`stable_id`)."""
    return events_of_groups({stable_id("ev_", members): members for members in group_documents(docs, reuse)}, docs, reuse)


def regroup_events(previous: list[Event], docs: list[Document], reuse: list[ReuseLink]) -> list[Event]:
    """The events once documents were added: all documents grouped again (blocking keeps that
    near-linear), each event keeping the id of the earlier event it continues (`carried_ids`).

    Re-grouping beats adding documents to frozen events: on ECB+ arriving in 5 batches without
    dates, frozen events scored BCubed F1 0.845 against 0.917 for grouping all at once, and cost
    no less (bench/incremental.py).
    """
    return events_of_groups(carried_ids(group_documents(docs, reuse), previous), docs, reuse)


def carried_ids(groups: list[list[str]], previous: list[Event]) -> dict[str, list[str]]:
    """``{event id: documents}``: a group takes the id of the earlier event it shares most
    documents with (largest overlaps first, each id once), else the id its members give."""
    event_of = {doc_id: e.id for e in previous for doc_id in e.document_ids}
    overlaps = sorted(
        (-count, event_id, n)
        for n, members in enumerate(groups)
        for event_id, count in Counter(event_of[d] for d in members if d in event_of).items()
    )
    named: dict[int, str] = {}
    taken: set[str] = set()
    for _, event_id, n in overlaps:
        if n not in named and event_id not in taken:
            named[n] = event_id
            taken.add(event_id)
    return {named.get(n, stable_id("ev_", members)): members for n, members in enumerate(groups)}


def events_of_groups(groups: dict[str, list[str]], docs: list[Document], reuse: list[ReuseLink]) -> list[Event]:
    """Events from ``{event id: document ids}``: date, title, sources, leading people, coding."""
    by_id = {d.id: d for d in docs}
    originals = provenance.source_of(docs, reuse)
    components = provenance.reuse_components(reuse)
    out = []
    for event_id, members in groups.items():
        out.append(
            Event(
                id=event_id,
                date=event_date([by_id[i] for i in members]),
                title=event_title(members, by_id, originals),
                document_ids=members,
                independent_sources=provenance.count_sources(members, components, {i: by_id[i].outlet for i in members}),
                actors=leading_people(members, by_id)[:LEADING_ACTORS],
                coding=coding.code_event([by_id[i] for i in members]),
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
    own: dict[str, list[QuoteCluster]] = {}
    for quote in quotes:
        votes = Counter(event_of[d].id for d, _, _ in quote.occurrences if d in event_of)
        if votes:
            quote.event_id = min(votes, key=lambda e: (-votes[e], e))
        own.setdefault(quote.event_id, []).append(quote)
    for event in events:
        ranked = sorted(own.get(event.id, []), key=lambda q: (q.kind != "direct", -q.independent_sources, -len(q.occurrences), q.id))
        event.quote_ids = [q.id for q in ranked]


def thread_stories(events: list[Event], entities: list[Entity]) -> list[Story]:
    """Events that share their leading actors make one story, in date order, named after them."""
    stories = provenance.DisjointSets()
    with_actor: dict[str, list[int]] = {}  # only events that share an actor are compared
    for n, event in enumerate(events):
        stories.find(event.id)
        for actor in event.actors:
            with_actor.setdefault(actor, []).append(n)
    for n, a in enumerate(events):
        for m in sorted({m for actor in a.actors for m in with_actor[actor] if m > n}):
            b = events[m]
            if len(set(a.actors) & set(b.actors)) >= min(STORY_SHARED_ACTORS, len(a.actors), len(b.actors)) > 0:
                stories.union(a.id, b.id)
    by_id = {e.id: e for e in events}
    names = {e.id: e.name for e in entities}
    out = []
    for members in all_groups(stories):
        ordered = sorted((by_id[i] for i in members), key=event_order)
        shared = Counter(actor for e in ordered for actor in e.actors)
        leads = [names[a] for a, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if a in names][:STORY_SHARED_ACTORS]
        title = " and ".join(leads) if leads else ordered[0].title
        out.append(Story(id=stable_id("st_", members), title=title, event_ids=[e.id for e in ordered]))
    return out
