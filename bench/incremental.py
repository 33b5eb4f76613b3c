"""Corpus results updated as documents arrive, against rebuilding them: time per stage and quality.

    .venv/bin/python bench/incremental.py [--topics N] [--batches K] [--cache FILE]

ECB+ documents (see clustering.py) go through the document stages once; then they arrive in
K batches (seeded shuffle). After each batch the corpus stages run twice: updating the previous
results from the new documents (what `storyline run` does when documents were added) and
rebuilding them from all documents (`run --rebuild`). Reported per stage: seconds both ways;
and, after the last batch, how many reuse links agree (earlier links keep the word weights of
the smaller corpus they were computed in) and the event clusters' BCubed F1 against the ECB+
gold events both ways.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from clustering import as_labels, bcubed, load_ecbplus, processed

from storyline import pipeline
from storyline.model import Corpus

SEED = 7


def timed_corpus(docs, ctx, previous: Corpus | None = None, new_ids: set[str] | None = None) -> tuple[Corpus, dict[str, float]]:
    """The corpus stages' results and each stage's seconds."""
    seconds: dict[str, float] = {}
    last = [None, time.perf_counter()]

    def on_stage(name: str) -> None:
        now = time.perf_counter()
        if last[0] is not None:
            seconds[last[0]] = now - last[1]
        last[0], last[1] = name, now

    corpus = pipeline.process_corpus(docs, ctx, on_stage, previous, new_ids)
    seconds[last[0]] = time.perf_counter() - last[1]
    return corpus, seconds


def link_keys(corpus: Corpus) -> list[tuple]:
    return sorted((r.source_document_id, r.target_document_id, r.kind, r.score, tuple(map(tuple, r.spans))) for r in corpus.reuse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", type=int, help="only the first N ECB+ topics")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="pickle of the processed documents (written, then reused)")
    args = parser.parse_args()

    docs, gold, _ = load_ecbplus(args.topics)
    docs = processed(docs, args.cache)
    gold_by_id = {d.id: gold[d.path] for d in docs}
    random.Random(SEED).shuffle(docs)
    ctx = pipeline.Context.default()
    size = -(-len(docs) // args.batches)
    previous: Corpus | None = None
    print(f"{len(docs)} ECB+ documents arriving in {args.batches} batches of up to {size}\n")
    print(f"{'documents':>9}  {'stage':<11} {'update s':>9} {'rebuild s':>10} {'ratio':>6}")
    for start in range(0, len(docs), size):
        arrived = docs[: start + size]
        new_ids = {d.id for d in docs[start : start + size]}
        rebuilt, rebuild_seconds = timed_corpus(arrived, ctx)
        if previous is None:
            previous = rebuilt
            continue
        updated, update_seconds = timed_corpus(arrived, ctx, previous, new_ids)
        for stage in rebuild_seconds:
            ratio = rebuild_seconds[stage] / max(update_seconds[stage], 1e-9)
            print(f"{len(arrived):>9}  {stage:<11} {update_seconds[stage]:>9.2f} {rebuild_seconds[stage]:>10.2f} {ratio:>5.1f}x")
        total_u, total_r = sum(update_seconds.values()), sum(rebuild_seconds.values())
        print(f"{len(arrived):>9}  {'all':<11} {total_u:>9.2f} {total_r:>10.2f} {total_r / total_u:>5.1f}x")
        previous = updated
    assert previous is not None
    updated_links, rebuilt_links = set(link_keys(previous)), set(link_keys(rebuilt))
    pairs = {k[:2] for k in updated_links} & {k[:2] for k in rebuilt_links}
    labels = {name: as_labels([e.document_ids for e in corpus.events]) for name, corpus in (("updated", previous), ("rebuilt", rebuilt))}
    print(f"\nreuse links after the last batch: {len(previous.reuse)} updated, {len(rebuilt.reuse)} rebuilt; "
          f"{len(pairs)} document pairs in both, {len(updated_links & rebuilt_links)} identical in kind, score and spans")
    for name, pred in labels.items():
        p, r, f = bcubed(pred, gold_by_id)
        print(f"events {name:<8} BCubed P {p:.3f} R {r:.3f} F1 {f:.3f} ({len(set(pred.values()))} events)")


if __name__ == "__main__":
    main()
