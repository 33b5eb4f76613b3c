"""`storyline dedup` at scale: streaming (bounded memory) vs the all-in-memory path it replaced.

N synthetic documents from real sentences with a known share of copies (the generator of
bench/provenance_scale.py, imported: ~600-word articles, 10% copies with a paragraph
dropped, typos and boilerplate) are written as JSONL shards (2,000 records each, under
ingest's 20 MB file cap) into a temporary folder, once per N. Each (tool, N) runs in its own
subprocess, so its peak RSS (``resource.getrusage``) is its own; the RSS the process holds
after imports is reported apart as "base". Times are CPU seconds of the process (the machine
may be shared; wall seconds are printed too).

- streaming: ``dedup.dedup([folder])`` and every JSON line it prints (what the CLI runs);
- in-memory: what ``storyline dedup`` did before: all documents read, cleaned at once, and
  ``provenance.find_reuse`` over the list (the anchor: same output on small inputs).

    .venv/bin/python bench/dedup_scale.py                  # N = 1k, 10k
    .venv/bin/python bench/dedup_scale.py --quick          # N = 1k only
    .venv/bin/python bench/dedup_scale.py --sizes 100000 --tools streaming
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import provenance_scale as scale
import syndication as syn

TOOLS = ("streaming", "in-memory")
SHARD = 2_000  # JSONL records per file: ~8 MB, under ingest's per-file size cap
# The in-memory path holds every raw and clean text and all profiles: past this it only
# shows that it runs out of time or memory.
IN_MEMORY_MAX_N = 10_000


def write_corpus(n: int, folder: Path) -> int:
    """N generated documents as JSONL shards in ``folder``; returns how many are copies."""
    bank = scale.SentenceBank(syn.sentence_bank())
    folder.mkdir(parents=True, exist_ok=True)
    copies, shard, lines = 0, 0, []
    for doc_id, paragraphs, source in scale.generate(n, bank):
        copies += source is not None
        lines.append(json.dumps({"id": doc_id, "text": "\n\n".join(paragraphs)}))
        if len(lines) == SHARD:
            (folder / f"part{shard:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
            shard, lines = shard + 1, []
    if lines:
        (folder / f"part{shard:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copies


def run_streaming(folder: Path, phases: dict) -> list[dict]:
    """``dedup.dedup`` step by step, so each phase's CPU time and the peak RSS after it show."""
    from storyline import dedup

    def done(name: str) -> None:
        phases[name] = {"seconds": time.process_time(), "peak_rss_mb": scale.peak_rss_mb()}
        print(f"  {name}: {phases[name]}", file=sys.stderr, flush=True)

    store, errors = dedup.DocumentStore(), []
    found, count = dedup.scan([folder], store, errors)
    done("read, clean, index")
    stands_for = dedup.exact_links(store, found)
    done("exact groups")
    dedup.align_pairs(store, found, stands_for, count - len(found.duplicate_of))
    done("align")
    report = dedup.DedupReport(store, count, dedup.clusters_of(store.links()), errors)
    records = [json.loads(line) for line in dedup.json_lines(report)]
    report.close()
    done("clusters, output")
    return records


def run_in_memory(folder: Path, phases: dict) -> list[dict]:
    from storyline import dedup, provenance
    from storyline.clean import clean_documents

    docs, _ = dedup.read_documents([folder])
    docs = clean_documents(docs)
    links = [l for l in provenance.find_reuse(docs) if l.kind in dedup.PAIR_KINDS]
    return [dedup.pair_record(l) for l in sorted(links, key=lambda l: (l.source_document_id, l.target_document_id))]


def worker(tool: str, folder: Path) -> dict:
    from storyline import dedup  # noqa: F401  imports are not what is measured

    base = scale.current_rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    phases: dict[str, dict] = {}
    records = {"streaming": run_streaming, "in-memory": run_in_memory}[tool](folder, phases)
    start = cpu
    for phase in phases.values():  # CPU seconds of each phase, not since the start
        phase["seconds"], start = phase["seconds"] - start, phase["seconds"]
    pairs = {(min(r["a"], r["b"]), max(r["a"], r["b"])) for r in records}
    return {
        "tool": tool, "seconds": time.process_time() - cpu, "wall": time.perf_counter() - wall,
        "peak_rss_mb": scale.peak_rss_mb(), "base_mb": base, "pairs": len(pairs), "kinds": sorted({r["kind"] for r in records}), "phases": phases,
    }


def measure(tool: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", tool, str(folder)], stdout=subprocess.PIPE, text=True, check=True,
                         cwd=Path(__file__).parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1,000 only")
    ap.add_argument("--sizes", type=int, nargs="*", help="explicit N values (default 1k, 10k)")
    ap.add_argument("--tools", nargs="*", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    sizes = args.sizes or ([1_000] if args.quick else [1_000, 10_000])
    print(f"{'tool':10} {'N':>8} {'cpu s':>9} {'wall s':>8} {'docs/s':>8} {'peak RSS MB':>12} {'base MB':>8} {'pairs':>7} {'copies':>7}  kinds")
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            copies = write_corpus(n, folder)
            for tool in args.tools:
                if tool == "in-memory" and n > IN_MEMORY_MAX_N:
                    print(f"{tool:10} {n:>8} skipped (N over {IN_MEMORY_MAX_N})")
                    continue
                r = results[(tool, n)] = measure(tool, folder)
                print(f"{tool:10} {n:>8} {r['seconds']:>9.1f} {r['wall']:>8.1f} {n / r['seconds']:>8.0f} {r['peak_rss_mb']:>12.0f} "
                      f"{r['base_mb']:>8.0f} {r['pairs']:>7} {copies:>7}  {','.join(r['kinds'])}", flush=True)
                for name, phase in r["phases"].items():
                    print(f"    {name:20} cpu {phase['seconds']:8.1f} s, peak RSS {phase['peak_rss_mb']:6.0f} MB")
    print("\nstreaming / in-memory (same run): CPU time ratio, peak RSS above base ratio")
    for n in sizes:
        s, m = results.get(("streaming", n)), results.get(("in-memory", n))
        if s and m:
            print(f"  N={n}: time {s['seconds'] / m['seconds']:.2f}x, memory {(s['peak_rss_mb'] - s['base_mb']) / max(1, m['peak_rss_mb'] - m['base_mb']):.2f}x")
    print("\ngrowth with N: CPU milliseconds per document, peak RSS above base (MB)")
    for tool in args.tools:
        line = ", ".join(f"N={n}: {1e3 * r['seconds'] / n:.1f} ms, {r['peak_rss_mb'] - r['base_mb']:.0f} MB"
                         for n in sizes if (r := results.get((tool, n))))
        print(f"  {tool}: {line}")


if __name__ == "__main__":
    sys.exit(main())
