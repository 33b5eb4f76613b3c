"""Provenance at scale: storyline's candidate generation (and full find_reuse) vs datasketch.

N synthetic documents of about 600 words made of real sentences (the article pool of
bench/syndication.py, one word in six swapped so independent documents do not share whole
sentences), a known share of them copies of earlier ones (paragraphs dropped, typos,
boilerplate). Documents are generated in chunks and fed to the tool chunk by chunk, so a
million of them never sit in memory at once; only the tool's own work is timed. Each
(tool, N) runs in its own subprocess so peak RSS (``resource.getrusage``) is its own; the
RSS the process holds before the tool starts (sentence bank, imports) is reported apart.
Times are CPU seconds of the process (the machine is shared; wall time is printed too).

- datasketch: 5-word shingles, MinHash (128 permutations), MinHashLSH insert + query,
  one document at a time (what the issue's anchor measures);
- storyline candidates: ``provenance.candidate_pairs`` with one index and token table
  across chunks (exact duplicates, shingle LSH, content-word LSH, excerpt fingerprints);
- storyline find_reuse: everything, exact groups, candidates, alignment of candidate
  pairs, direction, internal repeats (all documents at once, so small N only).

    .venv/bin/python bench/provenance_scale.py                     # N = 1k, 10k
    .venv/bin/python bench/provenance_scale.py --large             # N = 10k, 100k, 1M (no datasketch at 1M)
    .venv/bin/python bench/provenance_scale.py --quick             # N = 1k only
    .venv/bin/python bench/provenance_scale.py --sizes 100000 --tools datasketch storyline-candidates
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import syndication as syn

from storyline.model import Document, Paragraph

SEED = 7
COPY_SHARE = 0.1
ANCHOR_LSH_THRESHOLD = 0.1  # about the best threshold of the quality benchmark's sweep
TOOLS = ("datasketch", "storyline-candidates", "storyline-find_reuse")
WORD_RE = re.compile(r"\w+")
CHECKPOINT_TAG = "checkpoint "  # a worker's stderr line carrying a checkpoint as JSON


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


# Documents generated and handed to a tool at a time (bounds the generator's memory).
CHUNK = 5_000
SWAP_EVERY = 6  # one word in six swapped, as syndication.synthetic_sentence does
TARGET_WORDS = 600
PARAGRAPH_SENTENCES = (2, 5)
DROP_PARAGRAPH = 0.2  # a copy drops a paragraph (never the first) with this probability
TYPO_RATE = 0.02
LARGE_SIZES = (10_000, 100_000, 1_000_000)
# datasketch runs about 500 documents/s here: a million would take over half an hour.
DATASKETCH_MAX_N = 100_000
# find_reuse aligns every candidate pair and needs all documents at once.
FIND_REUSE_MAX_N = 10_000


class SentenceBank:
    """Real sentences as one flat word array, for fast document assembly in numpy."""

    def __init__(self, sentences: list[str]):
        words = [s.split() for s in sentences]
        self.lengths = np.array([len(w) for w in words], dtype=np.int64)
        self.offsets = np.cumsum(self.lengths) - self.lengths
        self.words = np.array([w for ws in words for w in ws], dtype=object)

    def paragraphs(self, seed: int) -> list[str]:
        """An original document of about TARGET_WORDS words, rebuilt from its seed alone."""
        rng = np.random.default_rng([SEED, seed])
        chosen = rng.integers(0, len(self.lengths), 3 * TARGET_WORDS // 20)
        lengths = self.lengths[chosen]
        chosen = chosen[: int(np.searchsorted(np.cumsum(lengths), TARGET_WORDS)) + 1]
        lengths = self.lengths[chosen]
        index = np.repeat(self.offsets[chosen] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        swapped = np.arange(int(rng.integers(SWAP_EVERY)), len(index), SWAP_EVERY)
        index[swapped] = rng.integers(0, len(self.words), len(swapped))
        words = self.words[index].tolist()
        ends = np.cumsum(lengths)
        cuts = np.cumsum(rng.integers(*PARAGRAPH_SENTENCES, len(chosen)))
        cuts = np.r_[0, ends[np.minimum(cuts[cuts < len(chosen)], len(chosen)) - 1], ends[-1]]
        return [" ".join(words[cuts[k] : cuts[k + 1]]) for k in range(len(cuts) - 1) if cuts[k + 1] > cuts[k]]


def generate(n: int, bank: SentenceBank):
    """(id, paragraphs, index of the copied document or None) for n documents, in order."""
    rng = random.Random(SEED)
    originals: list[int] = []
    for i in range(n):
        source = originals[rng.randrange(len(originals))] if originals and rng.random() < COPY_SHARE else None
        if source is None:
            originals.append(i)
            yield f"doc{i:07d}", bank.paragraphs(i), None
            continue
        local = random.Random(SEED * 104729 + i)
        paras = bank.paragraphs(source)
        keep = [syn.with_typos(p, TYPO_RATE, local) for k, p in enumerate(paras) if k == 0 or local.random() > DROP_PARAGRAPH]
        tail = local.choice(syn.BOILERPLATE_TAIL).format(year=2024, site="Example")
        yield f"doc{i:07d}", [local.choice(syn.BOILERPLATE_HEAD), *keep, tail], source


def document_chunks(n: int, bank: SentenceBank, size: int = CHUNK):
    """Lists of Documents, ``size`` at a time, and the (original, copy) pairs among them."""
    docs, copies = [], []
    for doc_id, paragraphs, source in generate(n, bank):
        text, spans = "", []
        for para in paragraphs:
            if text:
                text += "\n\n"
            spans.append(Paragraph(len(text), len(text) + len(para)))
            text += para
        docs.append(Document(id=doc_id, path=doc_id, raw_text="", clean_text=text, paragraphs=spans))
        if source is not None:
            copies.append((f"doc{source:07d}", doc_id))
        if len(docs) == size:
            yield docs, copies
            docs, copies = [], []
    if docs:
        yield docs, copies


PAIR_BASE = 1 << 32  # a pair of document numbers (a < b) is kept as the integer a * PAIR_BASE + b


def pair_codes(pairs) -> np.ndarray:
    """(id, id) pairs as sorted distinct int64 codes of their document numbers ("doc0000042"
    is 42): a million documents' pairs take 8 bytes each, not a Python tuple of two strings
    (~150 bytes), so peak RSS is the tool's."""
    numbers = np.array([(int(a[3:]), int(b[3:])) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    return np.unique(numbers.min(axis=1) * PAIR_BASE + numbers.max(axis=1))


class PairCodes:
    """Pair codes gathered chunk by chunk, made distinct once at the end."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []

    def add(self, pairs) -> None:
        self.parts.append(pair_codes(pairs))

    def distinct(self) -> np.ndarray:
        return np.unique(np.concatenate(self.parts)) if self.parts else np.empty(0, dtype=np.int64)


def run_datasketch(chunks, timed) -> np.ndarray:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=ANCHOR_LSH_THRESHOLD, num_perm=128)
    pairs = PairCodes()
    for docs in chunks:
        found = []
        with timed:
            for doc in docs:
                words = WORD_RE.findall(doc.clean_text.lower())
                shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
                mh = MinHash(num_perm=128, seed=1)
                mh.update_batch([s.encode("utf-8") for s in shingles])
                found.extend((doc.id, other) for other in lsh.query(mh))
                lsh.insert(doc.id, mh)
        pairs.add(found)
    return pairs.distinct()


def run_candidates(chunks, timed) -> np.ndarray:
    from storyline import provenance as pv

    index, table, pairs = pv.new_candidate_index(), pv.new_token_table(), PairCodes()
    for docs in chunks:
        with timed:
            found = pv.candidate_pairs(docs, index, table)
        pairs.add([*found.pairs, *found.duplicate_of.items()])
    return pairs.distinct()


def run_find_reuse(chunks, timed) -> np.ndarray:
    from storyline import provenance as pv

    docs = [d for chunk in chunks for d in chunk]
    with timed:
        links = pv.find_reuse(docs)
    return pair_codes([(l.source_document_id, l.target_document_id) for l in links if l.kind != "internal"])


class Timer:
    """Sums CPU and wall seconds of the blocks it times."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0

    def __enter__(self) -> Timer:
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu += time.process_time() - self._cpu
        self.wall += time.perf_counter() - self._wall


def worker(tool: str, n: int, bank_file: Path, checkpoints: list[int]) -> dict:
    bank = SentenceBank(json.loads(bank_file.read_text(encoding="utf-8")))
    import datasketch  # noqa: F401  imports are not what is measured
    from storyline import provenance  # noqa: F401

    base = current_rss_mb()
    truth = PairCodes()
    reached: list[dict] = []

    def chunks():
        done = 0
        for docs, copies in document_chunks(n, bank):
            truth.add(copies)
            yield docs
            done += len(docs)  # the tool has finished the chunk when it asks for the next
            if done in checkpoints and done < n:
                reached.append({"n": done, "seconds": timed.cpu, "wall": timed.wall, "peak_rss_mb": peak_rss_mb(),
                                "generator_seconds": time.process_time() - start - timed.cpu, "docs_rss_mb": base})
                print(CHECKPOINT_TAG + json.dumps(reached[-1]), file=sys.stderr, flush=True)  # a run stopped early keeps them

    run = {"datasketch": run_datasketch, "storyline-candidates": run_candidates, "storyline-find_reuse": run_find_reuse}[tool]
    timed = Timer()
    start = time.process_time()
    pairs = run(chunks(), timed)
    copies = truth.distinct()
    return {
        "tool": tool, "n": n, "seconds": timed.cpu, "wall": timed.wall, "docs_per_s": n / timed.cpu, "peak_rss_mb": peak_rss_mb(),
        "generator_seconds": time.process_time() - start - timed.cpu,
        "docs_rss_mb": base, "pairs": len(pairs), "copies": len(copies), "copies_found": int(np.isin(copies, pairs).sum()),
        "checkpoints": reached,
    }


def measure(tool: str, n: int, bank_file: Path, checkpoints: list[int], on_checkpoint) -> dict:
    """Run one (tool, N) in its own process; ``on_checkpoint`` gets each checkpoint as it is reached."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--worker", tool, str(n), str(bank_file), *map(str, checkpoints)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent,
    )
    for line in proc.stderr:
        if line.startswith(CHECKPOINT_TAG):
            on_checkpoint(json.loads(line[len(CHECKPOINT_TAG) :]))
        else:
            sys.stderr.write(line)
    out = proc.stdout.read()
    if proc.wait():
        raise subprocess.CalledProcessError(proc.returncode, proc.args, out)
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1,000 only")
    ap.add_argument("--large", action="store_true", help="N = 10k, 100k, 1M (datasketch up to 100k)")
    ap.add_argument("--sizes", type=int, nargs="*", help="explicit N values")
    ap.add_argument("--tools", nargs="*", default=list(TOOLS), choices=TOOLS)
    ap.add_argument("--checkpoints", type=int, nargs="*", default=[],
                    help="also report time and peak RSS after this many documents within each run (multiples of 5,000)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        tool, n, bank, *checkpoints = args.worker
        print(json.dumps(worker(tool, int(n), Path(bank), [int(c) for c in checkpoints])))
        return
    bank_file = Path(tempfile.mkdtemp()) / "sentences.json"
    bank_file.write_text(json.dumps(syn.sentence_bank()), encoding="utf-8")
    sizes = args.sizes or ([1_000] if args.quick else list(LARGE_SIZES) if args.large else [1_000, 10_000])
    print(f"{'tool':22} {'N':>8} {'cpu s':>9} {'wall s':>8} {'docs/s':>9} {'peak RSS MB':>12} {'base MB':>8} {'pairs':>8} {'copies found':>13}")
    results: dict[tuple[str, int], dict] = {}
    for n in sizes:
        for tool in args.tools:
            if (tool == "datasketch" and n > DATASKETCH_MAX_N) or (tool == "storyline-find_reuse" and n > FIND_REUSE_MAX_N):
                print(f"{tool:22} {n:>8} skipped (too slow at this N)")
                continue
            def checkpoint(c: dict, tool: str = tool, n: int = n) -> None:
                c.update(tool=tool, docs_per_s=c["n"] / c["seconds"])
                results[(tool, c["n"])] = c
                print(f"{tool:22} {c['n']:>8} {c['seconds']:>9.2f} {c['wall']:>8.2f} {c['docs_per_s']:>9.0f} "
                      f"{c['peak_rss_mb']:>12.0f} {c['docs_rss_mb']:>8.0f}   (first {c['n']} documents of the N={n} run; "
                      f"generator {c['generator_seconds']:.0f} cpu s, untimed)", flush=True)

            r = measure(tool, n, bank_file, args.checkpoints, checkpoint)
            del r["checkpoints"]  # printed as they came
            results[(tool, n)] = r
            print(f"{tool:22} {n:>8} {r['seconds']:>9.2f} {r['wall']:>8.2f} {r['docs_per_s']:>9.0f} {r['peak_rss_mb']:>12.0f} "
                  f"{r['docs_rss_mb']:>8.0f} {r['pairs']:>8} {r['copies_found']:>6}/{r['copies']:<6} "
                  f"(generator {r['generator_seconds']:.0f} cpu s, untimed)", flush=True)
    if "datasketch" in args.tools:
        print("\nthroughput ratio storyline / datasketch (same run):")
        for n in sorted({m for _, m in results}):
            if ("datasketch", n) in results:
                base = results[("datasketch", n)]["docs_per_s"]
                line = ", ".join(f"{t} {results[(t, n)]['docs_per_s'] / base:.2f}x" for t in args.tools if t != "datasketch" and (t, n) in results)
                print(f"  N={n}: {line}")
    print("\ngrowth with N: CPU microseconds per document, and peak RSS above the base (MB):")
    for tool in args.tools:
        line = ", ".join(f"N={n}: {1e6 * r['seconds'] / n:.0f} us, {r['peak_rss_mb'] - r['docs_rss_mb']:.0f} MB"
                         for n in sorted({m for _, m in results}) if (r := results.get((tool, n))))
        print(f"  {tool}: {line}")


if __name__ == "__main__":
    sys.exit(main())
