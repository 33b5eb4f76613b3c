"""Event clustering on ECB+: storyline beside TF-IDF + agglomerative, robustness and cost.

    .venv/bin/python bench/clustering.py [--topics N] [--cache FILE] [--scale 1000,10000,100000]

Storyline runs its document stages (clean, extract, date) and provenance on every ECB+
document, then clusters with `events.cluster_items` at its library threshold. Reported:

- ECB+ whole: BCubed and pairwise P/R/F1, storyline vs the anchor (TF-IDF + average-link
  cosine agglomerative, threshold tuned on ECB+ itself, i.e. its best case).
- Held-out halves: each method's threshold chosen on the odd topics and scored on the even
  ones, and the other way round.
- Multi-outlet-like: 2-3 reports per event sampled from ECB+ (seeded), where real multi-outlet
  events live; both methods keep the thresholds they had (transfer, no re-tuning).
- Cost: `cluster_items` on synthetic corpora of growing size (events of 1-6 reports drawn from
  a Zipf vocabulary with names and dates): time and the number of candidate pairs, which
  blocking keeps near-linear (all pairs would be N(N-1)/2).

ECB+ text is tokenised ("May 03 , 2013"); the loader joins tokens back the way a page prints
them, since storyline reads pages, not token lists. The anchor reads the same text.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline import events, pipeline, provenance
from storyline.ingest import make_document
from storyline.model import Document

ECBPLUS = Path(__file__).resolve().parents[2] / "shared/data/clustering/ecbplus/ecbplus_docs.jsonl"
THRESHOLDS = [round(x, 3) for x in np.arange(0.04, 0.60, 0.01)]
ANCHOR_THRESHOLDS = [round(x, 3) for x in np.arange(0.02, 0.60, 0.01)]
SEED = 13


# --- data ---------------------------------------------------------------------------------


def detokenise(text: str) -> str:
    lines = text.split("\n")
    if lines and lines[0].startswith("http"):
        lines[0] = lines[0].replace(" ", "")
    text = "\n".join(lines).replace("`` ", "\u201c").replace(" ''", "\u201d")
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    text = re.sub(r" ([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    return re.sub(r"(\d) , (\d{3})\b", r"\1,\2", text)


def load_ecbplus(topics: int | None) -> tuple[list[Document], dict[str, str], dict[str, int]]:
    """Documents (path = ECB+ doc_id), their event labels and topics."""
    rows = [json.loads(line) for line in ECBPLUS.open(encoding="utf-8")]
    if topics:
        keep = sorted({r["topic"] for r in rows})[:topics]
        rows = [r for r in rows if r["topic"] in keep]
    docs = [make_document(r["doc_id"], detokenise(r["text"]), "text", {k: r[k] for k in ("url", "outlet") if r.get(k)}) for r in rows]
    return docs, {r["doc_id"]: r["subtopic"] for r in rows}, {r["doc_id"]: r["topic"] for r in rows}


def processed(docs: list[Document], cache: Path | None) -> list[Document]:
    """The document stages as `storyline run` applies them (cached: spaCy over 982 pages is slow)."""
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    ctx = pipeline.Context.default()
    done: list[Document] = []
    for start in range(0, len(docs), pipeline.BATCH_SIZE):
        batch, errors = pipeline.process_documents(docs[start : start + pipeline.BATCH_SIZE], ctx)
        done.extend(batch)
        for error in errors:
            print(f"  skipped: {error}", file=sys.stderr)
        print(f"  document stages: {len(done)}/{len(docs)}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    if cache:
        cache.write_bytes(pickle.dumps(done))
    return done


# --- metrics ------------------------------------------------------------------------------


def bcubed(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item in pred:
        by_pred[pred[item]].add(item)
        by_gold[gold[item]].add(item)
    p = r = 0.0
    for item in pred:
        same = len(by_pred[pred[item]] & by_gold[gold[item]])
        p += same / len(by_pred[pred[item]])
        r += same / len(by_gold[gold[item]])
    p, r = p / len(pred), r / len(pred)
    return p, r, 2 * p * r / (p + r)


def pairwise(pred: dict[str, int], gold: dict[str, str]) -> tuple[float, float, float]:
    def pairs(labels: dict) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())

    gold = {i: gold[i] for i in pred}
    both = Counter((pred[i], gold[i]) for i in pred)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    p = tp / max(pairs(pred), 1)
    r = tp / max(pairs(gold), 1)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def as_labels(groups: list[list[str]]) -> dict[str, int]:
    return {item: n for n, group in enumerate(groups) for item in group}


# --- methods ------------------------------------------------------------------------------


def anchor_tree(texts: dict[str, str]) -> tuple[list[str], np.ndarray]:
    """TF-IDF + average-link cosine agglomerative clustering (the dendrogram, cut per threshold;
    the same merges sklearn's AgglomerativeClustering(linkage="average", metric="cosine") makes)."""
    ids = sorted(texts)
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([texts[i] for i in ids])
    distance = np.clip(1 - (vectors @ vectors.T).toarray(), 0, None)
    np.fill_diagonal(distance, 0)
    return ids, linkage(squareform(distance, checks=False), method="average")


def anchor_groups(tree: tuple[list[str], np.ndarray], threshold: float) -> list[list[str]]:
    ids, merges = tree
    groups = defaultdict(list)
    for item, label in zip(ids, fcluster(merges, 1 - threshold, criterion="distance")):
        groups[label].append(item)
    return list(groups.values())


def storyline_graph(docs: list[Document], reuse: list) -> events.ScoredGraph:
    linked = [(l.source_document_id, l.target_document_id) for l in reuse if l.kind != "internal"]
    return events.score_graph([events.cluster_item(d) for d in sorted(docs, key=lambda d: d.id)], linked)


def score(groups: list[list[str]], gold: dict[str, str], name_of: dict[str, str]) -> tuple[float, ...]:
    pred = {name_of[i]: label for i, label in as_labels(groups).items()}
    return (*bcubed(pred, gold), *pairwise(pred, gold))


def best_threshold(run, thresholds, gold, name_of) -> tuple[float, tuple]:
    results = {t: score(run(t), gold, name_of) for t in thresholds}
    best = max(results, key=lambda t: (results[t][2], -t))
    return best, results[best]


# --- synthetic cost -----------------------------------------------------------------------


def synthetic_items(n: int, rng: random.Random) -> list[events.ClusterItem]:
    """Events of 1-6 reports: each event draws its own topic words, names and day."""
    vocabulary = [f"w{k}" for k in range(50_000)]
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    np_rng = np.random.default_rng(rng.randrange(2**32))
    items: list[events.ClusterItem] = []
    start = date(2020, 1, 1)
    while len(items) < n:
        topic = list(np_rng.choice(vocabulary, 15, p=weights))
        names = frozenset(f"name{np_rng.integers(0, n)}" for _ in range(3))
        day = start + timedelta(days=int(np_rng.integers(0, 2000)))
        for _ in range(min(int(np_rng.integers(1, 7)), n - len(items))):
            words = topic + list(np_rng.choice(vocabulary, 60, p=weights))
            items.append(events.ClusterItem(
                f"d{len(items)}", " ".join(words[:20]), " ".join(words), names=names, lead_names=names, days=(day, day)
            ))
    return items


def cost(sizes: list[int]) -> None:
    print("\ncost of cluster_items on synthetic corpora (blocking, no all-pairs)")
    print(f"{'documents':>10} {'seconds':>8} {'candidate pairs':>16} {'pairs/doc':>9} {'all pairs':>14}")
    for n in sizes:
        items = synthetic_items(n, random.Random(SEED))
        began = time.perf_counter()
        vectors = events.text_vectors(items)
        pairs = events.candidate_pairs(vectors, items)
        events.average_link([[k] for k in range(n)], pairs, events.pair_scores(vectors, items, pairs), events.SAME_EVENT_SCORE)
        took = time.perf_counter() - began
        print(f"{n:>10} {took:>8.1f} {len(pairs):>16} {len(pairs) / n:>9.1f} {n * (n - 1) // 2:>14}")


# --- report -------------------------------------------------------------------------------


def row(name: str, values: tuple) -> str:
    return f"{name:<44}" + " ".join(f"{v:6.3f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", type=int, help="only the first N ECB+ topics (quick runs)")
    parser.add_argument("--cache", type=Path, help="pickle of the processed documents (written, then reused)")
    parser.add_argument("--scale", default="1000,10000,100000", help="synthetic sizes for the cost table ('' to skip)")
    args = parser.parse_args()

    docs, gold, topic = load_ecbplus(args.topics)
    docs = processed(docs, args.cache)
    name_of = {d.id: d.path for d in docs}
    by_name = {d.path: d for d in docs}
    texts = {d.path: d.clean_text for d in docs}
    print(f"ECB+: {len(docs)} documents, {len(set(gold[d.path] for d in docs))} events, {len(set(topic.values()))} topics")
    header = f"{'':<44}" + " ".join(f"{h:>6}" for h in ("B3 P", "B3 R", "B3 F1", "pw P", "pw R", "pw F1"))

    tree = anchor_tree(texts)
    anchor_t, anchor_whole = best_threshold(lambda t: anchor_groups(tree, t), ANCHOR_THRESHOLDS, gold, {n: n for n in texts})
    reuse = provenance.find_reuse(docs)
    graph = storyline_graph(docs, reuse)
    ours_whole = score(events.cut_graph(graph), gold, name_of)
    ours_t, ours_best = best_threshold(lambda t: events.cut_graph(graph, t), THRESHOLDS, gold, name_of)
    print("\nECB+ whole")
    print(header)
    print(row(f"anchor TF-IDF+agglomerative (tuned here, {anchor_t})", anchor_whole))
    print(row(f"storyline (library threshold {events.SAME_EVENT_SCORE})", ours_whole))
    print(row(f"storyline (tuned here, {ours_t}; for reference)", ours_best))
    print(f"{'ratio storyline/anchor, B3 F1':<44}{ours_whole[2] / anchor_whole[2]:6.3f}")

    print("\nheld-out halves (threshold chosen on one half of the topics, scored on the other)")
    print(header)
    for name, pick_half in (("odd->even", 1), ("even->odd", 0)):
        tune = [d for d in docs if topic[d.path] % 2 == pick_half]
        test = [d for d in docs if topic[d.path] % 2 != pick_half]
        tune_texts = {d.path: d.clean_text for d in tune}
        test_texts = {d.path: d.clean_text for d in test}
        tune_tree = anchor_tree(tune_texts)
        at, _ = best_threshold(lambda t: anchor_groups(tune_tree, t), ANCHOR_THRESHOLDS, gold, {n: n for n in tune_texts})
        tune_graph, test_graph = storyline_graph(tune, reuse), storyline_graph(test, reuse)
        st, _ = best_threshold(lambda t: events.cut_graph(tune_graph, t), THRESHOLDS, gold, name_of)
        print(row(f"anchor {name} (t={at})", score(anchor_groups(anchor_tree(test_texts), at), gold, {n: n for n in test_texts})))
        print(row(f"storyline {name} (t={st})", score(events.cut_graph(test_graph, st), gold, name_of)))

    rng = random.Random(SEED)
    members = defaultdict(list)
    for d in sorted(docs, key=lambda d: d.path):
        members[gold[d.path]].append(d.path)
    sample = [n for event in sorted(members) for n in rng.sample(members[event], min(len(members[event]), rng.choice((2, 3))))]
    small = [by_name[n] for n in sample]
    small_texts = {n: texts[n] for n in sample}
    print(f"\nmulti-outlet-like: {len(small)} documents, 2-3 per event; thresholds kept from ECB+ whole")
    print(header)
    print(row(f"anchor (t={anchor_t}, tuned on ECB+)", score(anchor_groups(anchor_tree(small_texts), anchor_t), gold, {n: n for n in small_texts})))
    print(row(f"storyline (t={events.SAME_EVENT_SCORE})", score(events.cut_graph(storyline_graph(small, reuse)), gold, name_of)))

    if args.scale:
        cost([int(n) for n in args.scale.split(",")])


if __name__ == "__main__":
    main()
