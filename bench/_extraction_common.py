"""Shared pieces of the extraction benchmarks: page loading, the two metrics, page dumps.

Used by bench/extraction.py and by the quality gate in tests/test_clean.py, so the gate and
the bench score exactly the same way. Data is read from ../shared/data/extraction and never
copied into the repository.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from storyline.clean import visible_text  # noqa: F401  (the page dumps of the plain-text mode)
from storyline.ingest import decode_bytes

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction"
AEB = DATA / "aeb"
WCXB = DATA / "wcxb-dev-articles"
TOKEN_RE = re.compile(r"\w+")
NGRAM = 4  # AEB's evaluate.py scores word 4-gram shingles



@dataclass(frozen=True)
class Page:
    """One benchmark page: decoded HTML and its ground truth."""

    id: str
    html: str
    body: str  # reference main text
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date


def in_split(page_id: str, split: str) -> bool:
    """Deterministic half of the pages by CRC32 of the id: ``tune`` even, ``check`` odd, ``all`` both."""
    if split == "all":
        return True
    return zlib.crc32(page_id.encode()) % 2 == (0 if split == "tune" else 1)


def _read_html(path: Path) -> str:
    return decode_bytes(gzip.decompress(path.read_bytes()), str(path))


def load_aeb(limit: int | None = None, split: str = "all") -> list[Page]:
    """AEB pages sorted by id; ``limit`` keeps the first N of the split."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    ids = [i for i in sorted(truth) if in_split(i, split)][:limit]
    return [Page(i, _read_html(AEB / "html" / f"{i}.html.gz"), truth[i]["articleBody"] or "") for i in ids]


def load_wcxb(limit: int | None = None, split: str = "all") -> list[Page]:
    """WCXB dev article pages sorted by id with title, author and date references."""
    files = [f for f in sorted((WCXB / "ground-truth").glob("*.json")) if in_split(f.stem, split)][:limit]
    pages = []
    for path in files:
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        pages.append(
            Page(
                path.stem,
                _read_html(WCXB / "html" / f"{path.stem}.html.gz"),
                truth.get("main_content") or "",
                truth.get("title") or None,
                truth.get("author") or None,
                (truth.get("publish_date") or "")[:10] or None,
            )
        )
    return pages


# --- metrics -------------------------------------------------------------------------------


def shingles(text: str, n: int = NGRAM) -> Counter:
    """Multiset of word n-grams (AEB: tokens ``\\w+``, case kept); a short text is one shingle."""
    tokens = TOKEN_RE.findall(text or "")
    return Counter(" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def shingle_pr(truth: str, predicted: str) -> tuple[float, float]:
    """Per-page precision and recall over 4-gram multisets.

    An empty prediction scores precision 0 (a tool that returns nothing is not precise), an
    empty reference with an empty prediction scores 1/1.
    """
    t, p = shingles(truth), shingles(predicted)
    if not t and not p:
        return 1.0, 1.0
    tp = sum((t & p).values())
    precision = tp / sum(p.values()) if p else 0.0
    recall = tp / sum(t.values()) if t else 1.0
    return precision, recall


def bag_f1(truth: str, predicted: str) -> float:
    """WCXB: lower-cased bag-of-words (``\\w+``) F1 of one page."""
    t = Counter(TOKEN_RE.findall((truth or "").lower()))
    p = Counter(TOKEN_RE.findall((predicted or "").lower()))
    if not t and not p:
        return 1.0
    overlap = sum((t & p).values())
    return 2 * overlap / (sum(t.values()) + sum(p.values()))


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def same_words(reference: str | None, predicted: str | None) -> bool:
    """Title/author match: the same lower-cased word sequence (punctuation and spacing aside)."""
    return TOKEN_RE.findall((reference or "").lower()) == TOKEN_RE.findall((predicted or "").lower())
