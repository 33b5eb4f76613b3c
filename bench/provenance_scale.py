"""Provenance at scale: storyline's candidate generation and full find_reuse vs datasketch.

N synthetic documents of about 600 words made of real sentences (bench/syndication.py), a
known share of them copies of earlier ones (paragraphs dropped, typos, boilerplate). Each
(tool, N) runs in its own subprocess so peak RSS (``resource.getrusage``) is its own; the
RSS the process holds once the documents are built and both tools imported (before the
tool starts) is reported apart.
Times are CPU seconds of the process (the machine is shared; wall time is printed too).

- datasketch: 5-word shingles, MinHash (128 permutations), MinHashLSH insert + query,
  one document at a time (what the issue's anchor measures);
- storyline candidates: ``provenance.candidate_pairs`` (exact hashes not included);
- storyline find_reuse: everything, exact groups, candidates, alignment of candidate
  pairs, direction, internal repeats.

    .venv/bin/python bench/provenance_scale.py            # N = 1k, 10k
    .venv/bin/python bench/provenance_scale.py --large    # also 100k
    .venv/bin/python bench/provenance_scale.py --quick    # N = 1k only
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 7
COPY_SHARE = 0.1
ANCHOR_LSH_THRESHOLD = 0.1  # about the best threshold of the quality benchmark's sweep
TOOLS = ("datasketch", "storyline-candidates", "storyline-find_reuse")
WORD_RE = re.compile(r"\w+")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def build_documents(n: int, bank_file: Path | None = None):
    import syndication as syn
    from storyline.model import Document, Paragraph

    # the parent reads the article pool once and passes its sentences in a file, so loading
    # the pool does not set the worker's peak RSS
    bank = json.loads(bank_file.read_text(encoding="utf-8")) if bank_file else syn.sentence_bank()
    docs, copies = [], []
    for doc_id, paragraphs, source in syn.synthetic_corpus(n, COPY_SHARE, bank, SEED):
        text, spans = "", []
        for para in paragraphs:
            if text:
                text += "\n\n"
            spans.append(Paragraph(len(text), len(text) + len(para)))
            text += para
        docs.append(Document(id=doc_id, path=doc_id, raw_text="", clean_text=text, paragraphs=spans))
        if source is not None:
            copies.append((f"doc{source:07d}", doc_id))
    return docs, copies


def run_datasketch(docs) -> set[tuple[str, str]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=ANCHOR_LSH_THRESHOLD, num_perm=128)
    pairs = set()
    for doc in docs:
        words = WORD_RE.findall(doc.clean_text.lower())
        shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        mh = MinHash(num_perm=128, seed=1)
        mh.update_batch([s.encode("utf-8") for s in shingles])
        for other in lsh.query(mh):
            pairs.add((min(doc.id, other), max(doc.id, other)))
        lsh.insert(doc.id, mh)
    return pairs


def run_candidates(docs) -> set[tuple[str, str]]:
    from storyline import provenance as pv

    return pv.candidate_pairs(docs).pairs


def run_find_reuse(docs) -> set[tuple[str, str]]:
    from storyline import provenance as pv

    return {
        (min(l.source_document_id, l.target_document_id), max(l.source_document_id, l.target_document_id))
        for l in pv.find_reuse(docs)
        if l.kind != "internal"
    }


def worker(tool: str, n: int, bank_file: Path) -> dict:
    docs, copies = build_documents(n, bank_file)
    import datasketch  # noqa: F401  imports are not what is measured
    from storyline import provenance  # noqa: F401

    base = current_rss_mb()
    run = {"datasketch": run_datasketch, "storyline-candidates": run_candidates, "storyline-find_reuse": run_find_reuse}[tool]
    start, cpu = time.perf_counter(), time.process_time()
    pairs = run(docs)
    wall, seconds = time.perf_counter() - start, time.process_time() - cpu
    truth = {(min(a, b), max(a, b)) for a, b in copies}
    return {
        "tool": tool, "n": n, "seconds": seconds, "wall": wall, "docs_per_s": n / seconds, "peak_rss_mb": peak_rss_mb(),
        "docs_rss_mb": base, "pairs": len(pairs), "copies": len(truth), "copies_found": len(truth & pairs),
    }


def measure(tool: str, n: int, bank_file: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", tool, str(n), str(bank_file)], capture_output=True, text=True, check=True,
        cwd=Path(__file__).parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1,000 only")
    ap.add_argument("--large", action="store_true", help="also N = 100,000")
    ap.add_argument("--sizes", type=int, nargs="*", help="explicit N values")
    ap.add_argument("--tools", nargs="*", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), Path(args.worker[2]))))
        return
    import syndication as syn

    bank_file = Path(tempfile.mkdtemp()) / "sentences.json"
    bank_file.write_text(json.dumps(syn.sentence_bank()), encoding="utf-8")
    sizes = args.sizes or ([1_000] if args.quick else [1_000, 10_000] + ([100_000] if args.large else []))
    print(f"{'tool':22} {'N':>8} {'cpu s':>9} {'wall s':>8} {'docs/s':>9} {'peak RSS MB':>12} {'docs MB':>8} {'pairs':>8} {'copies found':>13}")
    results: dict[tuple[str, int], dict] = {}
    for n in sizes:
        for tool in args.tools:
            r = measure(tool, n, bank_file)
            results[(tool, n)] = r
            print(f"{tool:22} {n:>8} {r['seconds']:>9.2f} {r['wall']:>8.2f} {r['docs_per_s']:>9.0f} {r['peak_rss_mb']:>12.0f} "
                  f"{r['docs_rss_mb']:>8.0f} {r['pairs']:>8} {r['copies_found']:>6}/{r['copies']:<6}", flush=True)
    if "datasketch" in args.tools:
        print("\nthroughput ratio storyline / datasketch (same run):")
        for n in sizes:
            base = results[("datasketch", n)]["docs_per_s"]
            line = ", ".join(f"{t} {results[(t, n)]['docs_per_s'] / base:.2f}x" for t in args.tools if t != "datasketch")
            print(f"  N={n}: {line}")
    if len(sizes) > 1:
        print("\ngrowth of time per document from the smallest to the largest N (1.00 = linear):")
        for tool in args.tools:
            a, b = results[(tool, sizes[0])], results[(tool, sizes[-1])]
            print(f"  {tool}: {(b['seconds'] / b['n']) / (a['seconds'] / a['n']):.2f}; "
                  f"peak RSS above the documents {a['peak_rss_mb'] - a['docs_rss_mb']:.0f} -> {b['peak_rss_mb'] - b['docs_rss_mb']:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
