"""Provenance quality: copies, excerpts and rewrites of real articles, against hard negatives.

Builds a labelled syndication set (bench/syndication.py) from real article bodies, cleans it
with storyline's clean stage (as `storyline dedup` does), runs storyline's find_reuse and, in
the same run, the anchors: datasketch MinHash LSH (5-word shingles, 128 permutations, best
threshold of a sweep) and exact Jaccard of 5-word shingles over all pairs (best threshold).

Pairs: two documents sharing at least MIN_SHARED_SENTENCES source sentences are positive
("rewrite" when either is a rewrite, else "copy"), pairs sharing none are negative, pairs
sharing one are left out; ECB+ reports of the same event are left out too (they may really
share wire copy); ECB+ reports of the other event of their topic are hard negatives, and so
are independent stories carrying the same quoted sentence (reported on their own line).
Storyline runs twice, with lexical paraphrase alignment and with sentence embeddings, and the
embedding cost (sentences embedded, sentences/s) is printed beside the time ratio.
Span F1: over (original, derived) pairs, tokens of both documents inside aligned spans
against tokens of the sentences that really travelled.

    .venv/bin/python bench/provenance_quality.py            # full set
    .venv/bin/python bench/provenance_quality.py --quick    # small set
    .venv/bin/python bench/provenance_quality.py --part tune --families 100 --ecb-topics 5   # where thresholds were set
    .venv/bin/python bench/provenance_quality.py --part check --families 100 --ecb-topics 5  # held out
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import random
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse

import syndication as syn
from storyline import provenance as pv
from storyline.clean import clean_documents
from storyline.embeddings import load_encoder
from storyline.model import Document

SEED = 20261123
MIN_SHARED_SENTENCES = 2
# ... carrying at least this many words: two shared bullet lines are not a reused passage.
MIN_SHARED_WORDS = 30
ANCHOR_SHINGLE_WORDS = 5
ANCHOR_PERMUTATIONS = 128
LSH_THRESHOLDS = (0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
# Share of originals (and of ECB+ reports) whose quote another, independent story also prints:
# hard negatives that share one quoted sentence and nothing else.
QUOTE_NEGATIVE_SHARE = 0.3


# --- the labelled set ------------------------------------------------------------------------


def build_set(families: int, ecb_topics: int, seed: int, part: str = "all") -> list[syn.Generated]:
    rng = random.Random(seed)
    pool = syn.load_pool(part)
    rng.shuffle(pool)
    originals, hosts = pool[:families], pool[families:]
    docs: list[syn.Generated] = []
    for n, article in enumerate(originals):
        docs.append(syn.original(article))
        for c in range(rng.choice((0, 1, 1, 2, 3))):
            transforms = tuple(sorted(rng.sample(syn.COPY_TRANSFORMS, rng.randrange(1, 5))))
            docs.append(syn.copy_of(article, f"{article.id}~copy{c}", rng, transforms))
        if rng.random() < 0.35 and hosts:
            docs.append(syn.excerpt_of(article, hosts.pop(), f"{article.id}~excerpt", rng))
        if rng.random() < 0.4:
            docs.append(syn.rewrite_of(article, f"{article.id}~rewrite", rng))
        quotes = syn.quoted_sentences(article.sentences())
        if quotes and hosts and rng.random() < QUOTE_NEGATIVE_SHARE:
            host = hosts.pop()
            doc = syn.with_quote(host, rng.choice(quotes), f"{host.id}~quote", rng)
            doc.borrowed_quote_from = article.id
            docs.append(doc)
    docs += syn.share_ecb_quotes(syn.load_ecbplus(ecb_topics, rng, part), QUOTE_NEGATIVE_SHARE, rng)
    return docs


def pair_labels(docs: list[syn.Generated]) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
    """Positive pairs with their category, and the pairs left out of the evaluation."""
    sentence_words = {d.family: {o: len(d.raw[s:e].split()) for s, e, o in d.source_spans} for d in docs if d.kind == "original"}
    positives: dict[tuple[str, str], str] = {}
    excluded: set[tuple[str, str]] = set()
    by_family: dict[str, list[syn.Generated]] = defaultdict(list)
    by_group: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d.family:
            by_family[d.family].append(d)
        if d.group:
            by_group[d.group].append(d.id)
    for members in by_family.values():
        for x, y in itertools.combinations(members, 2):
            key = (min(x.id, y.id), max(x.id, y.id))
            shared_ids = x.derived() & y.derived()
            shared = len(shared_ids)
            words = sum(sentence_words[x.family][i] for i in shared_ids)
            if shared >= MIN_SHARED_SENTENCES and words >= MIN_SHARED_WORDS:
                positives[key] = "rewrite" if "rewrite" in (x.kind, y.kind) else "copy"
            elif shared:
                excluded.add(key)
    for ids in by_group.values():
        excluded.update((min(a, b), max(a, b)) for a, b in itertools.combinations(ids, 2))
    return positives, excluded


def hard_negatives(docs: list[syn.Generated]) -> dict[str, set[tuple[str, str]]]:
    """Negative pairs worth naming: independent stories sharing a quote, and ECB+ reports of
    the two different events of one topic."""
    shared_quote = {(min(d.id, d.borrowed_quote_from), max(d.id, d.borrowed_quote_from)) for d in docs if d.borrowed_quote_from}
    by_topic: dict[str, list[syn.Generated]] = defaultdict(list)
    for d in docs:
        if d.group:
            by_topic[syn.topic_of(d.group)].append(d)
    other_event = {
        (min(a.id, b.id), max(a.id, b.id))
        for members in by_topic.values()
        for a, b in itertools.combinations(members, 2)
        if a.group != b.group
    }
    return {"stories sharing a quote": shared_quote, "ECB+ reports of the topic's other event": other_event}


def clean(docs: list[syn.Generated]) -> list[Document]:
    raw = [Document(id=d.id, path=d.id + ".txt", raw_text=d.raw) for d in docs]
    return clean_documents(raw)


# --- scoring ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def linked_pairs(links) -> set[tuple[str, str]]:
    """Pairs storyline links, with exact duplicates standing for each other: find_reuse links a
    group of identical texts once, through the group's original."""
    sets = pv.DisjointSets()
    pairs = set()
    for l in links:
        if l.kind == "exact":
            sets.union(l.source_document_id, l.target_document_id)
        if l.kind != "internal":
            pairs.add((l.source_document_id, l.target_document_id))
    members = defaultdict(list)
    for group in sets.groups():
        for x in group:
            members[x] = group
    out = set()
    for a, b in pairs:
        for x in members.get(a, [a]):
            for y in members.get(b, [b]):
                if x != y:
                    out.add((min(x, y), max(x, y)))
    return out


def score_pairs(predicted: set[tuple[str, str]], positives: dict, excluded: set) -> dict[str, tuple[float, float, float]]:
    """P/R/F1 per category; the other category's positives are left out of each."""
    predicted = predicted - excluded
    out = {}
    for category in ("copy", "rewrite", "all"):
        gold = {k for k, c in positives.items() if category in ("all", c)}
        other = {k for k, c in positives.items() if category not in ("all", c)}
        pred = predicted - other
        tp = len(pred & gold)
        out[category] = prf(tp, len(pred) - tp, len(gold) - tp)
    return out


def token_map(raw: str, clean_text: str) -> tuple[dict[int, int], list[tuple[str, int, int]]]:
    """Raw token index -> clean token index (the clean stage drops lines and joins wrapped ones)."""
    raw_toks = pv.tokens_with_offsets(raw)
    clean_toks = pv.tokens_with_offsets(clean_text)
    matcher = difflib.SequenceMatcher(None, [t for t, _, _ in raw_toks], [t for t, _, _ in clean_toks], autojunk=False)
    mapping = {}
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            mapping[a + k] = b + k
    return mapping, raw_toks


def gold_tokens(doc: syn.Generated, sentences: set[int], cleaned: Document) -> set[int]:
    mapping, raw_toks = token_map(doc.raw, cleaned.clean_text)
    spans = [(s, e) for s, e, o in doc.source_spans if o in sentences]
    return {mapping[i] for i, (_, s, _) in enumerate(raw_toks) if i in mapping and any(a <= s < b for a, b in spans)}


def predicted_tokens(cleaned: Document, spans: list[tuple[int, int]]) -> set[int]:
    return {i for i, (_, s, _) in enumerate(pv.tokens_with_offsets(cleaned.clean_text)) if any(a <= s < b for a, b in spans)}


def span_scores(generated: list[syn.Generated], cleaned: dict[str, Document], links, positives) -> dict[str, tuple[float, float, float]]:
    """Token-level span P/R/F1 on (original, derived) positive pairs, both sides pooled."""
    by_id = {d.id: d for d in generated}
    link_of = {}
    for l in links:
        if l.kind != "internal":
            link_of[(l.source_document_id, l.target_document_id)] = (l, False)
            link_of[(l.target_document_id, l.source_document_id)] = (l, True)
    counts = {c: [0, 0, 0] for c in ("copy", "rewrite", "all")}
    for (x, y), category in positives.items():
        dx, dy = by_id[x], by_id[y]
        if dy.kind == "original":
            dx, dy = dy, dx
        if dx.kind != "original":
            continue
        travelled = dy.derived()
        found = link_of.get((dx.id, dy.id))
        for doc, side in ((dx, 0), (dy, 1)):
            gold = gold_tokens(doc, travelled, cleaned[doc.id])
            if found:
                link, flipped = found
                spans = [(s[0], s[1]) if (side == 0) != flipped else (s[2], s[3]) for s in link.spans]
                pred = predicted_tokens(cleaned[doc.id], spans)
            else:
                pred = set()
            tp = len(gold & pred)
            for c in (category, "all"):
                counts[c][0] += tp
                counts[c][1] += len(pred) - tp
                counts[c][2] += len(gold) - tp
    return {c: prf(*v) for c, v in counts.items()}


# --- anchors ---------------------------------------------------------------------------------


def shingles(text: str) -> set[str]:
    toks = [t for t, _, _ in pv.tokens_with_offsets(text)]
    n = ANCHOR_SHINGLE_WORDS
    return {" ".join(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))}


def jaccard_pairs(ids: list[str], sets: list[set[str]]) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Exact Jaccard of every pair sharing a shingle (the rest are 0)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, s in enumerate(sets):
        for sh in s:
            rows.append(r)
            cols.append(vocab.setdefault(sh, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(ids), len(vocab)))
    inter = sparse.triu(m @ m.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets], dtype=np.float64)
    jac = inter.data / (sizes[inter.row] + sizes[inter.col] - inter.data)
    pairs = [(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in zip(inter.row, inter.col)]
    return pairs, jac


def best_threshold(candidates: dict[float, set[tuple[str, str]]], positives, excluded) -> tuple[float, dict]:
    best = max(candidates, key=lambda t: (score_pairs(candidates[t], positives, excluded)["all"][2], -t))
    return best, score_pairs(candidates[best], positives, excluded)


def run_anchors(ids: list[str], texts: list[str], positives, excluded) -> dict[str, tuple[float, dict, float]]:
    t0 = time.perf_counter()
    sets = [shingles(t) for t in texts]
    pairs, jac = jaccard_pairs(ids, sets)
    grid = sorted({round(x, 4) for x in np.geomspace(0.002, 0.9, 120)})
    cand = {t: {p for p, j in zip(pairs, jac) if j >= t} for t in grid}
    jt, js = best_threshold(cand, positives, excluded)
    t1 = time.perf_counter()
    hashes = []
    for s in sets:
        mh = MinHash(num_perm=ANCHOR_PERMUTATIONS, seed=1)
        mh.update_batch([x.encode("utf-8") for x in s])
        hashes.append(mh)
    lsh_cand = {}
    for t in LSH_THRESHOLDS:
        lsh = MinHashLSH(threshold=t, num_perm=ANCHOR_PERMUTATIONS)
        found = set()
        for doc_id, mh in zip(ids, hashes):
            for other in lsh.query(mh):
                found.add((min(doc_id, other), max(doc_id, other)))
            lsh.insert(doc_id, mh)
        lsh_cand[t] = found
    lt, ls = best_threshold(lsh_cand, positives, excluded)
    t2 = time.perf_counter()
    return {"exact Jaccard (all pairs)": (jt, js, t1 - t0), "datasketch MinHash LSH": (lt, ls, (t2 - t1) / len(LSH_THRESHOLDS))}


class TimedEncoder:
    """An encoder that counts the sentences it embeds, its calls, and their wall and CPU time."""

    def __init__(self, encoder):
        self.encoder, self.sentences, self.calls, self.wall, self.cpu = encoder, 0, 0, 0.0, 0.0

    def encode(self, texts):
        wall, cpu = time.perf_counter(), time.process_time()
        out = self.encoder.encode(texts)
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        self.sentences += len(texts)
        self.calls += 1
        return out


# --- seeds -----------------------------------------------------------------------------------


def seed_report(encoder) -> list[str]:
    raw = [Document(id=p.name[:3], path=str(p), raw_text=p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    docs = clean_documents(raw)
    links = [l for l in pv.find_reuse(docs, encoder=encoder) if l.kind != "internal"]
    by_id = {d.id: d for d in docs}
    lines = []
    for l in links:
        lines.append(f"  {l.source_document_id} -> {l.target_document_id}: {l.kind}, score {l.score:.2f}, {len(l.spans)} aligned passages")
        for s0, s1, t0, t1 in l.spans:
            src = " ".join(by_id[l.source_document_id].clean_text[s0:s1].split())[:44]
            tgt = " ".join(by_id[l.target_document_id].clean_text[t0:t1].split())[:44]
            lines.append(f"      {src!r:48} ~ {tgt!r}")
    other = [l for l in links if {l.source_document_id, l.target_document_id} != {"000", "001"}]
    lines.append(f"  links between other seed pairs: {len(other)} (expected 0)")
    j = [shingles(by_id[k].clean_text) for k in ("000", "001")]
    lines.append(f"  5-shingle Jaccard 000/001: {len(j[0] & j[1]) / len(j[0] | j[1]):.3f}")
    return lines


# --- main ------------------------------------------------------------------------------------


def fmt(s: tuple[float, float, float]) -> str:
    return f"P {s[0]:.3f} R {s[1]:.3f} F1 {s[2]:.3f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small set (40 originals, 3 ECB+ topics)")
    ap.add_argument("--families", type=int, default=300, help="number of original articles")
    ap.add_argument("--ecb-topics", type=int, default=10, help="ECB+ topics added as hard negatives")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--part", choices=("all", "tune", "check"), default="all",
                    help="half of the articles and ECB+ topics to use (thresholds are tuned on 'tune')")
    ap.add_argument("--lexical", action="store_true", help="lexical paraphrase alignment only (no sentence embeddings)")
    args = ap.parse_args(argv)
    families, topics = (40, 3) if args.quick else (args.families, args.ecb_topics)

    generated = build_set(families, topics, args.seed, args.part)
    positives, excluded = pair_labels(generated)
    cleaned_list = clean(generated)
    cleaned = {d.id: d for d in cleaned_list}
    kinds = defaultdict(int)
    for d in generated:
        kinds[d.kind] += 1
    n = len(generated)
    print(f"set: {n} documents ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), seed {args.seed}, part {args.part}")
    print(f"pairs: {n * (n - 1) // 2} total, {sum(c == 'copy' for c in positives.values())} copy and "
          f"{sum(c == 'rewrite' for c in positives.values())} rewrite positives, {len(excluded)} left out")

    encoder = None if args.lexical else load_encoder()
    t0 = time.perf_counter()
    lexical_links = pv.find_reuse(cleaned_list, encoder=None)
    lexical_secs = time.perf_counter() - t0
    runs = {"storyline, lexical paraphrase": (lexical_links, lexical_secs)}
    embedded = None
    if encoder is not None:
        embedded = TimedEncoder(encoder)
        t0 = time.perf_counter()
        links = pv.find_reuse(cleaned_list, encoder=pv.SentenceEmbeddings(embedded))
        runs["storyline, embeddings"] = (links, time.perf_counter() - t0)
    links, elapsed = list(runs.values())[-1]
    predicted = linked_pairs(links)
    scores = score_pairs(predicted, positives, excluded)
    anchors = run_anchors([d.id for d in cleaned_list], [d.clean_text for d in cleaned_list], positives, excluded)

    print(f"\n{'method':32} {'copies':28} {'rewrites':28} {'all':28} time")
    for name, (run_links, secs) in runs.items():
        s_ = score_pairs(linked_pairs(run_links), positives, excluded)
        print(f"{name:32} {fmt(s_['copy']):28} {fmt(s_['rewrite']):28} {fmt(s_['all']):28} {secs:.1f}s")
    for name, (threshold, s, secs) in anchors.items():
        label = f"{name} @{threshold:g}"
        print(f"{label:32} {fmt(s['copy']):28} {fmt(s['rewrite']):28} {fmt(s['all']):28} {secs:.1f}s")
    for name, (_, s, _) in anchors.items():
        print(f"  F1 ratio storyline / {name}: copies {scores['copy'][2] / max(s['copy'][2], 1e-9):.2f}, "
              f"rewrites {scores['rewrite'][2] / max(s['rewrite'][2], 1e-9):.2f}")

    print()
    for name, (run_links, _) in runs.items():
        spans = span_scores(generated, cleaned, run_links, positives)
        print(f"span alignment ({name}; tokens, original-derived pairs): copies {fmt(spans['copy'])}; rewrites {fmt(spans['rewrite'])}; all {fmt(spans['all'])}")
    if embedded is not None:
        total = sum(len(pv.split_sentences(d)) for d in cleaned_list)
        print(f"\nembedding cost: {embedded.sentences} of {total} sentences embedded ({embedded.sentences / max(1, total):.0%}), "
              f"{embedded.sentences / max(embedded.wall, 1e-9):.1f} sentences/s in {embedded.calls} calls ({embedded.wall:.1f}s); "
              f"find_reuse with embeddings / lexical: {runs['storyline, embeddings'][1] / max(lexical_secs, 1e-9):.2f}x time (shared machine)")

    by_id = {d.id: d for d in generated}
    kind_of_link = {}
    direction = [0, 0]
    for l in links:
        if l.kind == "internal":
            continue
        key = (min(l.source_document_id, l.target_document_id), max(l.source_document_id, l.target_document_id))
        kind_of_link[key] = l.kind
        src, tgt = by_id[l.source_document_id], by_id[l.target_document_id]
        if key in positives and "original" in (src.kind, tgt.kind):
            direction[0] += src.kind == "original"
            direction[1] += 1
    found_kinds = defaultdict(lambda: defaultdict(int))
    for key, category in positives.items():
        found_kinds[category][kind_of_link.get(key, "missed")] += 1
    for category, counts in sorted(found_kinds.items()):
        print(f"  {category} positives by storyline kind: {dict(sorted(counts.items()))}")
    misses = defaultdict(int)
    for key, category in positives.items():
        if key not in predicted:
            a, b = by_id[key[0]], by_id[key[1]]
            misses["+".join(sorted({a.kind, b.kind} | set(a.transforms) | set(b.transforms)))] += 1
    if misses:
        print(f"  missed positives by what made them: {dict(sorted(misses.items(), key=lambda kv: -kv[1])[:8])}")
    fps = [k for k in predicted - excluded if k not in positives]
    if fps:
        print(f"  false positives: {len(fps)}, e.g. {fps[:4]}")
    hard = hard_negatives(generated)
    for name, pairs in hard.items():
        print(f"  hard negatives, {name}: {len(pairs & predicted)} of {len(pairs)} linked")
    print(f"  direction: original chosen as source in {direction[0]}/{direction[1]} detected original-derived pairs")

    print("\nseeds (000 is a rewrite of AP's 001):")
    print("\n".join(seed_report(encoder)))


if __name__ == "__main__":
    sys.exit(main())
