"""Cost of sentence embeddings in provenance: find_reuse lexical-only vs with embeddings.

Runs storyline's find_reuse twice on bench/provenance_quality.py's syndication set (same
documents, same run): paraphrase aligned lexically (the anchor), then by all-MiniLM-L6-v2
embeddings. Prints wall and CPU seconds of each, their ratio, and what the encoder did
(sentences embedded, encoder calls, sentences/s). CPU time is the steadier number on a shared
machine; the ratio is the one to compare across runs.

    .venv/bin/python bench/embedding_speed.py --quick            # 40 originals, 3 ECB+ topics
    .venv/bin/python bench/embedding_speed.py --part tune --families 100 --ecb-topics 5
"""

from __future__ import annotations

import argparse
import sys
import time

import provenance_quality as pq
from storyline import provenance as pv
from storyline.embeddings import load_encoder


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small set (40 originals, 3 ECB+ topics)")
    ap.add_argument("--families", type=int, default=300, help="number of original articles")
    ap.add_argument("--ecb-topics", type=int, default=10, help="ECB+ topics added as hard negatives")
    ap.add_argument("--part", choices=("all", "tune", "check"), default="all")
    ap.add_argument("--seed", type=int, default=pq.SEED)
    args = ap.parse_args(argv)
    families, topics = (40, 3) if args.quick else (args.families, args.ecb_topics)
    docs = pq.clean(pq.build_set(families, topics, args.seed, args.part))
    encoder = pq.TimedEncoder(load_encoder())
    lexical, lex_wall, lex_cpu = timed(lambda: pv.find_reuse(docs, encoder=None))
    embedded, emb_wall, emb_cpu = timed(lambda: pv.find_reuse(docs, encoder=pv.SentenceEmbeddings(encoder)))
    total = sum(len(pv.split_sentences(d)) for d in docs)
    print(f"set: {len(docs)} documents, {total} sentences, part {args.part} (shared machine: compare ratios)")
    print(f"{'find_reuse':22} {'links':>6} {'wall s':>8} {'CPU s':>8}")
    print(f"{'lexical (anchor)':22} {len(lexical):6} {lex_wall:8.1f} {lex_cpu:8.1f}")
    print(f"{'embeddings':22} {len(embedded):6} {emb_wall:8.1f} {emb_cpu:8.1f}")
    print(f"embeddings / lexical: {emb_wall / max(lex_wall, 1e-9):.2f}x wall, {emb_cpu / max(lex_cpu, 1e-9):.2f}x CPU")
    print(f"encoder: {encoder.sentences} sentences ({encoder.sentences / max(1, total):.0%}) in {encoder.calls} calls, "
          f"{encoder.sentences / max(encoder.wall, 1e-9):.0f}/s wall, {encoder.sentences / max(encoder.cpu, 1e-9):.0f}/s CPU")


if __name__ == "__main__":
    sys.exit(main())
