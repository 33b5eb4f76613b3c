"""Fast candidate generation for provenance: which document pairs are worth aligning.

Three indexes, each bounded per document, as in ``provenance``'s docstring: MinHash LSH over
word 3-shingles (whole copies), LSH over content-word sets (rewrites) and shared sampled
word 8-grams (excerpts). What makes it fast:

- words are hashed in bulk in numpy (a polynomial hash over their UTF-8 bytes, stable
  across runs), each distinct word is stemmed once (a ``TokenTable`` the caller owns keeps
  the stems), and shingles and n-grams are combined from word hashes in numpy;
- signatures are one-permutation MinHash with rotation densification (Li, Owen & Zhang 2012;
  Shrivastava & Li 2014): one 64-bit hash per shingle, its top bits pick one of 128 bins,
  the minimum per bin is the signature. Its Jaccard estimate is as accurate as 128
  independent permutations at a fraction of the cost;
- LSH buckets are sorted numpy arrays, not dictionaries: adding a batch searches the sorted
  keys of earlier batches and merges, so an index grows document by document (incremental
  use) with memory proportional to the documents, about 2.7 KB each (32-bit band keys,
  sampled fingerprints, content signatures and their packed low bits, 8 bits of each
  shingle signature value, the bitmaps of large segments); a large segment's bitmap rules
  out most keys before any binary search;
- every bucket pairs a newcomer with its earliest members only (a cap per bucket), so the
  checks per document stop growing with the corpus: unrelated articles share common words,
  and without the cap content-word bands sent each document ~0.011 N chance pairs to verify;
  those are rejected on 64 bytes per document (4 bits of each signature value) before the
  full signatures are read;
- LSH pairs are emitted only once their signatures agree (content pairs on the threshold,
  shingle pairs on half of it): bands of 2-3 rows collide for far less similar pairs too,
  and the number of such chance pairs per document grows with the corpus.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

# --- constants (the provenance thresholds they implement are explained in provenance.py) ----
# 128 values give a Jaccard estimate within about +-0.09 (1/sqrt(128)).
SIGNATURE_BINS = 128
BIN_SHIFT = np.uint64(64 - 7)  # top 7 bits of a shingle hash pick its bin (2**7 = 128 bins)
VALUE_MASK = np.uint64((1 << 57) - 1)
ALL_BITS = np.uint64((1 << 64) - 1)
EMPTY = np.uint64(1 << 63)  # no shingle fell in this bin (before densification)
# An LSH bucket holding more documents than this is one story copied very many times (or a
# template): each newcomer pairs with its first members only, so the cost stays linear and
# the copies stay connected to the earliest ones.
MAX_LSH_BUCKET = 50
# Content-word bands collide by chance far more often: two unrelated news articles share
# common words (content Jaccard ~0.1), so on the scale benchmark's synthetic corpus a band
# bucket gains a member every ~4,000 documents and a newcomer met ~0.011 N earlier documents,
# 99.9% of them then rejected by the signature check (at 30k documents 330 per document,
# linear in N). Pairing each newcomer with a content bucket's first 20 members bounds that
# at 42 x 20 checks per document; a rewrite still meets its source in any band whose three
# stems are not all common words. 20 is the lowest that keeps every candidate pair of
# bench/provenance_quality.py's full syndication set (10 lost one excerpt/rewrite pair).
MAX_CONTENT_BUCKET = 20
# Kept signatures compare values for equality only: two different minima agree on their low
# 16 bits once in 65,536 bins, which raises a Jaccard estimate by under 0.0001, and a million
# documents' content signatures take 256 MB instead of 1 GB (uint64).
SIGNATURE_DTYPE = np.uint16
# Shingle band pairs are verified on the low 8 bits of each signature value (128 bytes a
# document): equal values are equal on 8 bits, so every pair whose full signatures agree on
# enough bins is kept, and unrelated pairs gain ~0.5 chance matches. Without the check chance
# pairs grew linearly with the corpus (a 2-row band collides for Jaccard 0.01-0.05 pairs):
# on the scale benchmark 0.5 per document at 20k, 2.2 at 100k, ~20 at a million, 95% of them
# unrelated documents with 2-9 matching bins, every planted copy (and copy of a copy) 17+.
SHINGLE_SIGNATURE_DTYPE = np.uint8
# A shingle band pair is kept when its signatures agree on at least this share of the LSH
# threshold's bins (0.12 x 128 = 15.4 bins expected at the threshold): half, 8 bins, keeps
# every positive pair of bench/provenance_quality.py's syndication set that the bands found
# (6 bins the fewest, those also found by fingerprints) and drops 99% of the scale
# benchmark's chance pairs.
SHINGLE_VERIFY_SHARE = 0.5
# Fingerprints and content-word band keys are kept as the top 32 bits of their hash, so a
# posting takes 8 bytes instead of 12. Among a million documents' 150 million fingerprints
# a chance collision gives a pair one shared fingerprint now and then, never the two needed;
# a chance content-band collision (about one per document) fails the signature check that
# every content pair passes. Shingle band pairs are not re-checked, so their 32-bit keys are
# kept per band (a partition of the sorted postings each): a chance collision then needs the
# same band, about 64 x 10**6 / 2**32 = 1.5% of documents at a million, against one pair per
# document in one key space; a million documents' shingle postings take 0.5 GB, not 0.77.
SHORT_KEY_BITS = 32
# Sorted segments are merged only up to this many postings (256 MB with their documents,
# 16-32 MB more for the bitmap): merging halves of 150 million would need several GB of temporaries at once.
# Every batch searches every segment, so a low cap makes the cost per document grow with
# the corpus (with 8 million, a million-document run had not finished after 14 CPU minutes).
MAX_SEGMENT_POSTINGS = 32_000_000
# Content pairs are first compared on the low 4 bits of each signature value, 128 of them
# packed in 64 bytes (one cache line; the full uint16 row is 256 random bytes): values equal
# on 16 bits are equal on 4, so a pair with too few 4-bit matches has too few full ones and
# is rejected without reading its full signatures. Chance pairs (content Jaccard ~0.1) match
# on ~20 of 128 nibbles, below the 32 the threshold needs, so most stop there.
NIBBLE_BITS = 4
NIBBLES_PER_WORD = 64 // NIBBLE_BITS
NIBBLE_LOW_BITS = np.uint64(0x1111111111111111)  # the lowest bit of every nibble
# A segment of at least this many postings (4 MB of keys and more, past the CPU caches) keeps
# a bitmap of its keys' top bits, 4 to 8 bits per posting (2**FILTER_BITS_LOG2 to twice that),
# and searches only the keys whose bit is set: most keys of a batch are in no bucket. Measured
# on 32 million uint32 postings and 75,000 sorted keys (a batch's fingerprints): binary search
# 22 ms, the bitmap 1 ms letting 21% through. It costs 0.5-1 byte per posting.
FILTERED_SEGMENT = 1 << 20
FILTER_BITS_LOG2 = 2
# Bitmap bits set at a time when a segment is made (a 16 MB bool block): setting them one by
# one (np.bitwise_or.at) took 1.2 s for 16 million postings, the blocks 0.1 s.
FILTER_BLOCK_LOG2 = 24
# Postings of a segment placed at once when two are merged: their int64 positions then take
# 8 MB, where a whole 16-million-posting half took 3 x 128 MB (search result, offsets, sum)
# at the last merges of a million-document run, on top of the merged arrays.
MERGE_SLICE = 1 << 20
# Candidate pairs whose signatures are compared at once: 65,536 pairs gather 2 x 16 MB of
# uint16 signatures (a 100k-document corpus sends ~500,000 content pairs a batch to verify).
VERIFY_SLICE = 1 << 16
# Odd multipliers for combining word hashes into n-gram hashes (any odd 64-bit constants).
COMBINE = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)


def mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of combined hashes (uint64 arithmetic wraps)."""
    h = h ^ (h >> np.uint64(30))
    h = h * MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * MIX2
    return h ^ (h >> np.uint64(31))


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


# Words longer than this many UTF-8 bytes (a run of letters no language has, or a pasted
# blob) are hashed one by one with blake2b: the 8-byte reads then never loop more than
# 8 times a batch, whatever the text.
LONG_WORD_BYTES = 64


def bulk_word_hashes(words: list[str]) -> np.ndarray:
    """A stable 64-bit hash per word, the same one ``tokenize`` gives the word in a text."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    starts = np.cumsum(lengths + 1) - lengths - 1
    return span_hashes(b"\n".join(encoded), starts, lengths)


def span_hashes(data: bytes, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A stable 64-bit hash of each byte span of ``data``, all spans at once and without any
    work per byte: each span is read as 8-byte words (unaligned little-endian views of the
    buffer), the bytes past its end masked off, the words folded and mixed with the length.
    Depends only on the span's content, not on its place."""
    padded = np.frombuffer(data + bytes(8), dtype=np.uint8)
    windows = np.ndarray((len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    h = mix(masked_word(windows[starts], lengths))  # most words fit in one 8-byte word
    active, chunk = np.flatnonzero((lengths > 8) & (lengths <= LONG_WORD_BYTES)), 1
    while len(active):
        word = masked_word(windows[starts[active] + 8 * chunk], lengths[active] - 8 * chunk)
        h[active] = h[active] * COMBINE + mix(word)
        active = active[lengths[active] > 8 * (chunk + 1)]
        chunk += 1
    for i in np.flatnonzero(lengths > LONG_WORD_BYTES).tolist():
        digest = hashlib.blake2b(data[starts[i] : starts[i] + lengths[i]], digest_size=8).digest()
        h[i] = int.from_bytes(digest, "little")
    return mix(h + lengths.astype(np.uint64) * MIX1)


def masked_word(word: np.ndarray, left: np.ndarray) -> np.ndarray:
    """8-byte words with the bytes past a span's end (``left`` bytes remain) set to zero."""
    dropped_bits = (8 * (8 - np.clip(left, 1, 8))).astype(np.uint64)
    return word & (ALL_BITS >> dropped_bits)


WORD_CHAR_RE = re.compile(r"[^\W_]")  # what TOKEN_RE calls a word character
APOSTROPHE, CURLY_APOSTROPHE = 0x27, "\u2019"
ASCII_WORD = np.array([bool(WORD_CHAR_RE.match(chr(c))) for c in range(128)] + [False] * 128)


def word_bytes(data: np.ndarray) -> np.ndarray:
    """Whether each byte of UTF-8 text belongs to a word character, as the regex module
    decides: ASCII by a table; each other character decoded from its lead byte (few in
    news text), its distinct code points asked once, and its bytes marked alike."""
    word = ASCII_WORD.take(data)
    leads = np.flatnonzero(data >= 0xC0)
    if not len(leads):
        return word
    padded = np.r_[data, np.zeros(3, dtype=np.uint8)].astype(np.uint32)
    b0, b1, b2, b3 = (padded[leads + k] for k in range(4))
    size = np.where(b0 >= 0xF0, 4, np.where(b0 >= 0xE0, 3, 2))
    c1, c2, c3 = b1 & 0x3F, b2 & 0x3F, b3 & 0x3F  # continuation bytes carry 6 bits each
    cp = np.where(size == 2, ((b0 & 0x1F) << 6) | c1,
                  np.where(size == 3, ((b0 & 0x0F) << 12) | (c1 << 6) | c2, ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3))
    distinct, which = np.unique(cp, return_inverse=True)
    is_word = np.array([WORD_CHAR_RE.match(chr(c)) is not None for c in distinct.tolist()], dtype=bool)[which]
    for k in range(4):
        at = leads[size > k] + k
        word[at] = is_word[size > k]
    return word


@dataclass
class TokenizedBatch:
    """Every word of a batch of texts as byte spans of one lower-cased UTF-8 string, with
    their hashes; ``words[i]`` makes the i-th word's string only when asked (new words)."""

    data: bytes
    starts: np.ndarray
    lengths: np.ndarray
    sizes: np.ndarray  # words per document
    hashes: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> str:
        return self.data[self.starts[i] : self.starts[i] + self.lengths[i]].decode("utf-8", "surrogatepass")


def tokenize(texts: list[str], limit: int) -> TokenizedBatch:
    """The tokens of ``words_of`` for many texts at once, in numpy over UTF-8 bytes: runs of
    word characters, joined across an apostrophe that has word characters on both sides;
    at most ``limit`` words per text."""
    encoded, regex_tokens = [], {}
    for k, text in enumerate(texts):
        low = text.lower()
        if len(low) != len(text):  # "İ" lower-cases to two characters: the regex decides
            regex_tokens[k] = words_of(text, limit)
            low = " ".join(regex_tokens[k])
        encoded.append(low.replace(CURLY_APOSTROPHE, "'").encode("utf-8", "surrogatepass"))
    data = b"\n".join(encoded)
    codes = np.frombuffer(data, dtype=np.uint8)
    word = word_bytes(codes)
    if len(codes) > 2:
        word[1:-1] |= (codes[1:-1] == APOSTROPHE) & word[:-2] & word[2:]
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    text_starts = np.cumsum([0] + [len(e) + 1 for e in encoded[:-1]])
    sizes = np.diff(np.searchsorted(starts, np.r_[text_starts, len(codes)])).astype(np.int64)
    if regex_tokens:
        starts, ends, sizes = with_regex_tokens(starts, ends, sizes, text_starts, regex_tokens)
    if len(sizes) and sizes.max() > limit:
        rank = np.arange(len(starts)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        starts, ends, sizes = starts[rank < limit], ends[rank < limit], np.minimum(sizes, limit)
    return TokenizedBatch(data, starts, ends - starts, sizes, span_hashes(data, starts, ends - starts))


def with_regex_tokens(
    starts: np.ndarray, ends: np.ndarray, sizes: np.ndarray, text_starts: np.ndarray, regex_tokens: dict[int, list[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word spans with those of some texts replaced by the regex's tokens, which stand in
    the joined text one space apart (their characters need not all be word characters)."""
    offsets = np.r_[0, np.cumsum(sizes)]
    start_parts, end_parts = [], []
    sizes = sizes.copy()
    for k in range(len(sizes)):
        if k in regex_tokens:
            lengths = np.array([len(t.encode("utf-8", "surrogatepass")) for t in regex_tokens[k]], dtype=np.int64)
            token_starts = text_starts[k] + np.cumsum(lengths + 1) - lengths - 1
            start_parts.append(token_starts)
            end_parts.append(token_starts + lengths)
            sizes[k] = len(lengths)
        else:
            start_parts.append(starts[offsets[k] : offsets[k + 1]])
            end_parts.append(ends[offsets[k] : offsets[k + 1]])
    return np.concatenate(start_parts).astype(np.int64), np.concatenate(end_parts).astype(np.int64), sizes


@dataclass
class TokenTable:
    """Word hash -> content-word stem number (0 for stop words), filled on first sight, and
    per stem number its hash; owned by the caller so runs are independent. Bounded: past
    ``max_words`` words it starts afresh (hashes are stable, so nothing changes but the
    time to refill)."""

    content_stem: Callable[[str], str | None]  # provenance decides what a content word is
    max_words: int = 2_000_000
    known: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))  # sorted word hashes
    known_stems: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # their stem numbers
    stems: dict[str, int] = field(default_factory=dict)  # content stem -> stem number (from 1)
    stem_hashes: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.uint64))  # stem number -> hash

    def stem_numbers(self, words: Sequence[str], hashes: np.ndarray) -> np.ndarray:
        """Each word's stem number; words never seen are stemmed once. Only the batch's
        distinct words are looked up (a batch repeats its common words thousands of times)."""
        order = grouping_order(hashes)
        ordered = hashes[order]
        run_starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else order
        distinct = ordered[run_starts]
        where = np.searchsorted(self.known, distinct).clip(max=max(0, len(self.known) - 1))
        seen = self.known[where] == distinct if len(self.known) else np.zeros(len(distinct), dtype=bool)
        if not seen.all():
            self.learn(distinct[~seen], [words[i] for i in order[run_starts[~seen]]])
            where = np.searchsorted(self.known, distinct)
        numbers = np.repeat(self.known_stems[where], np.diff(np.r_[run_starts, len(ordered)]))
        out = np.empty(len(hashes), dtype=np.int64)
        out[order] = numbers
        return out

    def learn(self, new_hashes: np.ndarray, new_words: list[str]) -> None:
        """Stem new words (distinct, sorted by hash) and add them to the table."""
        if len(self.known) + len(new_hashes) > self.max_words:
            self.known, self.known_stems = self.known[:0], self.known_stems[:0]
            self.stems.clear()
            self.stem_hashes = self.stem_hashes[:1]
        stems = [self.content_stem(w) for w in new_words]
        fresh = sorted({s for s in stems if s and s not in self.stems})
        self.stems.update(zip(fresh, range(len(self.stems) + 1, len(self.stems) + 1 + len(fresh))))
        self.stem_hashes = np.concatenate([self.stem_hashes, np.array([word_hash("c:" + s) for s in fresh], dtype=np.uint64)])
        numbers = np.array([self.stems[s] if s else 0 for s in stems], dtype=np.int64)
        merged = np.concatenate([self.known, new_hashes])
        by_hash = np.argsort(merged, kind="stable")
        self.known, self.known_stems = merged[by_hash], np.concatenate([self.known_stems, numbers])[by_hash]


def position_bits(n: int) -> int:
    return max(1, int(n).bit_length())


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for unsigned keys of at most 64 - log2(len) bits
    (32-bit postings, band-partitioned ones): each key with its position below it, sorted
    as plain integers (numpy's vectorised sort; argsort was 5-10 times slower). Wider keys
    fall back to argsort."""
    bits = position_bits(len(keys))
    if not len(keys) or int(keys.max()) >> (64 - bits):
        return np.argsort(keys, kind="stable")
    packed = np.sort((keys.astype(np.uint64) << np.uint64(bits)) | np.arange(len(keys), dtype=np.uint64))
    return (packed & np.uint64((1 << bits) - 1)).astype(np.int64)


def grouping_order(hashes: np.ndarray) -> np.ndarray:
    """An order that sorts 64-bit hashes, found by a plain sort of their top bits with the
    position in the low bits (see stable_order); when two different hashes share those top
    bits (about once in 10**5 batches) it falls back to argsort."""
    top = hashes >> np.uint64(position_bits(len(hashes)))
    order = stable_order(top)
    ordered, ordered_top = hashes[order], top[order]
    if ((ordered_top[1:] == ordered_top[:-1]) & (ordered[1:] != ordered[:-1])).any():
        return np.argsort(hashes)
    return order


def ngram_hashes(words: np.ndarray, n: int) -> np.ndarray:
    """Hashes of every run of n consecutive word hashes (one hash for shorter texts)."""
    if len(words) == 0:
        return words
    if len(words) < n:
        n = len(words)
    m = len(words) - n + 1
    h = words[:m].copy()
    for k in range(1, n):
        h = h * COMBINE + words[k : k + m]
    return mix(h)


def signatures(hashes: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """One-permutation MinHash signatures, (documents, 128) uint64, densified by rotation.

    ``hashes`` holds every document's hashes one after the other, ``sizes`` how many each.
    An empty bin takes the value of the next non-empty bin to its right (circularly) plus a
    distance offset, so two documents agree on it exactly when they agree on that bin.
    """
    n = len(sizes)
    sig = np.full((n, SIGNATURE_BINS), EMPTY, dtype=np.uint64)
    if len(hashes):
        doc = np.repeat(np.arange(n), sizes)
        bins = (hashes >> BIN_SHIFT).astype(np.int64)
        np.minimum.at(sig, (doc, bins), hashes & VALUE_MASK)
    return densify(sig)


def densify(sig: np.ndarray) -> np.ndarray:
    """Rotation densification of every row at once (rows with no value at all stay empty)."""
    filled = sig != EMPTY
    partial = np.flatnonzero(~filled.all(axis=1) & filled.any(axis=1))
    if not len(partial):
        return sig
    rows, bins = sig[partial], filled[partial]
    width = SIGNATURE_BINS
    positions = np.where(np.concatenate([bins, bins], axis=1), np.arange(2 * width), 2 * width)
    following = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, ::-1][:, :width]  # next filled bin, circularly
    distance = (following - np.arange(width)).astype(np.uint64)
    taken = np.take_along_axis(rows, following % width, axis=1)
    sig[partial] = np.where(bins, rows, (taken + distance * COMBINE) & VALUE_MASK)
    return sig


def band_keys(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents, bands) keys: each band's rows folded into one 64-bit key, band id mixed in."""
    keys = np.zeros((sig.shape[0], bands), dtype=np.uint64)
    for r in range(rows):
        keys = keys * COMBINE + sig[:, r : bands * rows : rows][:, :bands]
    return mix(keys + np.arange(bands, dtype=np.uint64) * MIX1)


def lsh_bands(threshold: float, bins: int = SIGNATURE_BINS) -> tuple[int, int]:
    """Bands and rows whose S-curve best separates pairs below and above ``threshold``
    (false positives and false negatives weighed alike, as datasketch chooses them:
    0.12 -> 64 x 2, 0.25 -> 42 x 3)."""
    s = np.linspace(0.0, 1.0, 201)
    below, above = s <= threshold, s >= threshold
    combos = np.array([(b, r) for b in range(1, bins + 1) for r in range(1, bins // b + 1)], dtype=float)
    p = 1 - (1 - s[None, :] ** combos[:, 1:2]) ** combos[:, 0:1]
    error = np.trapezoid(p[:, below], s[below], axis=1) + np.trapezoid(1 - p[:, above], s[above], axis=1)
    bands, rows = combos[int(np.argmin(error))]
    return int(bands), int(rows)


def banded(sig: np.ndarray, sizes: np.ndarray, numbers: np.ndarray, bands: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Band keys and their documents, leaving out empty documents (they would all collide)."""
    present = sizes > 0
    keys = band_keys(sig[present], bands, rows)
    return keys.ravel(), np.repeat(numbers[present], bands)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy's hash-based unique is several times slower on big arrays)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def nibble_rows(sig: np.ndarray) -> np.ndarray:
    """(documents, 8) uint64: the low 4 bits of each of a signature's 128 values, packed."""
    low = (sig & np.uint64(15)).astype(np.uint64).reshape(len(sig), -1, NIBBLES_PER_WORD)
    shifts = np.arange(NIBBLES_PER_WORD, dtype=np.uint64) * np.uint64(NIBBLE_BITS)
    return np.bitwise_or.reduce(low << shifts, axis=-1)


def nibble_matches(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise count of equal nibbles of packed rows (an upper bound of equal full values)."""
    differ = a ^ b
    differ |= differ >> np.uint64(2)
    differ |= differ >> np.uint64(1)  # a nibble's low bit is now set when any of its bits was
    return SIGNATURE_BINS - np.bitwise_count(differ & NIBBLE_LOW_BITS).sum(axis=-1, dtype=np.int64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise share of equal signature values."""
    return np.count_nonzero(a == b, axis=-1) / a.shape[-1]  # counting skips mean's float conversion


class Segment(NamedTuple):
    """Sorted postings: keys as stored, their documents, where each partition starts, and a
    bitmap of the keys' top bits (large segments only, see FILTERED_SEGMENT)."""

    keys: np.ndarray
    docs: np.ndarray
    starts: np.ndarray
    present: np.ndarray | None


def new_segment(keys: np.ndarray, docs: np.ndarray, starts: np.ndarray) -> Segment:
    """A segment, with its bitmap when it is large. The bitmap is set a block of its bits
    at a time (a bool per bit, packed), so the temporary stays FILTER_BLOCK bytes."""
    if len(keys) < FILTERED_SEGMENT:
        return Segment(keys, docs, starts, None)
    bits = filter_bits(len(keys), keys.dtype)
    shift, block_bits = 8 * keys.itemsize - bits, min(bits, FILTER_BLOCK_LOG2)
    present = np.empty(1 << (bits - 3), dtype=np.uint8)
    for first in range(0, 1 << bits, 1 << block_bits):
        block = np.zeros(1 << block_bits, dtype=bool)
        for p in range(len(starts) - 1):  # keys are sorted within a partition
            part = keys[starts[p] : starts[p + 1]]
            a = np.searchsorted(part, keys.dtype.type(first << shift))
            b = np.searchsorted(part, keys.dtype.type((first + len(block)) << shift)) if first + len(block) < 1 << bits else len(part)
            block[(part[a:b] >> keys.dtype.type(shift)).astype(np.int64) - first] = True
        present[first >> 3 : (first + len(block)) >> 3] = np.packbits(block, bitorder="little")
    return Segment(keys, docs, starts, present)


def filter_bits(postings: int, dtype: np.dtype) -> int:
    """Bitmap address bits for a segment: 4 to 8 bits per posting, at most the key's bits."""
    return max(3, min(int(postings).bit_length() + FILTER_BITS_LOG2, 8 * np.dtype(dtype).itemsize))


def might_contain(segment: Segment, keys: np.ndarray) -> np.ndarray:
    """Whether each key's top bits are set in the segment's bitmap (no false negatives)."""
    bits = filter_bits(len(segment.keys), segment.keys.dtype)
    top = (keys >> keys.dtype.type(8 * keys.itemsize - bits)).astype(np.int64)
    return ((segment.present[top >> 3] >> (top & 7).astype(np.uint8)) & 1).astype(bool)


@dataclass
class SortedPostings:
    """(key, document) postings in sorted segments whose sizes halve from the first: adding a
    batch sorts it into a new segment and merges equal-sized neighbours (as a binary counter
    carries) while the result stays within ``max_segment``, so n postings cost O(n log n) in
    all and a lookup searches O(log n) segments plus one per ``max_segment`` postings.

    A bucket larger than ``max_bucket`` either pairs each newcomer with its earliest
    ``max_bucket`` members in order of addition, whatever the segments (``skip_large`` False: many copies of one story
    stay linked to the first ones, at bounded cost) or is ignored (``skip_large`` True:
    boilerplate fingerprints).

    With ``partitions`` above 1, keys are uint64 whose bits above the low 32 name a partition
    (an LSH band): a segment keeps the low 32 bits, sorted within each partition, and where
    each partition starts, so equal low bits in two partitions never meet.
    """

    max_bucket: int
    skip_large: bool = False
    max_segment: int = MAX_SEGMENT_POSTINGS
    partitions: int = 1
    segments: list[Segment] = field(default_factory=list)

    def add(self, keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Insert postings; return (new doc, other doc) pairs that share a key."""
        order = stable_order(keys)
        keys, docs = keys[order], docs[order].astype(np.int32)
        stored, starts = self.partitioned(keys)
        bounds = [segment_bounds(segment, stored, starts) for segment in self.segments]
        earlier = sum((hi - lo for lo, hi in bounds), np.zeros(len(keys), dtype=np.int64))
        too_big = np.zeros(len(keys), dtype=bool)
        if self.skip_large:
            sizes = runs(keys)[1]
            too_big = earlier + np.repeat(sizes, sizes) > self.max_bucket
        pairs = [bucket_pairs(keys, docs, self.max_bucket, self.skip_large, earlier)]
        # Segments run oldest first, and a key's postings within one keep their order of
        # addition: the cap takes a bucket's earliest members, so the pairs (and their cost,
        # at most max_bucket per key) do not depend on how the segments happen to be merged.
        room = np.full(len(keys), self.max_bucket, dtype=np.int64)
        for (lo, hi), (_, seg_docs, *_) in zip(bounds, self.segments):
            hits = np.flatnonzero((hi > lo) & ~too_big & (room > 0))
            if len(hits):
                counts = np.minimum(hi[hits] - lo[hits], room[hits])
                room[hits] -= counts
                new = np.repeat(docs[hits], counts)
                offsets = np.repeat(lo[hits] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
                pairs.append(np.stack([new.astype(np.int64), seg_docs[offsets].astype(np.int64)], axis=1))
        self.segments.append(new_segment(stored, docs, starts))
        while (len(self.segments) > 1 and len(self.segments[-2][0]) <= 2 * len(self.segments[-1][0])
               and len(self.segments[-2][0]) + len(self.segments[-1][0]) <= self.max_segment):
            self.segments[-2:] = [merge_segments(self.segments[-2], self.segments[-1])]
        return np.concatenate(pairs)

    def partitioned(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys as stored (the low 32 bits when partitioned) and where each partition starts."""
        if self.partitions == 1:
            return keys, np.array([0, len(keys)], dtype=np.int64)
        partition = keys >> np.uint64(32)
        return keys.astype(np.uint32), np.searchsorted(partition, np.arange(self.partitions + 1, dtype=np.uint64))

    def nbytes(self) -> int:
        return sum(k.nbytes + d.nbytes + (0 if f is None else f.nbytes) for k, d, _, f in self.segments)


def merge_segments(first: Segment, second: Segment) -> Segment:
    """Two segments as one, partition by partition, written in place into one pair of arrays."""
    (k1, d1, s1, _), (k2, d2, s2, _) = first, second
    starts = s1 + s2
    keys, docs = np.empty(len(k1) + len(k2), dtype=k1.dtype), np.empty(len(d1) + len(d2), dtype=d1.dtype)
    for p in range(len(starts) - 1):
        a, b, c = slice(s1[p], s1[p + 1]), slice(s2[p], s2[p + 1]), slice(starts[p], starts[p + 1])
        merge_sorted(k1[a], d1[a], k2[b], d2[b], keys[c], docs[c])
    return new_segment(keys, docs, starts)


def merge_sorted(k1: np.ndarray, d1: np.ndarray, k2: np.ndarray, d2: np.ndarray,
                 keys: np.ndarray | None = None, docs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted segments as one, equal keys in order of addition (the first segment's
    first). Each posting of the second goes where a binary search puts it: as fast as a
    stable argsort of both (timsort merges two runs in linear time), without its
    concatenated copy and index array (at a million documents, 0.6 GB at the last merge).
    Writes into ``keys`` and ``docs`` when given (views of a larger segment). The second's
    postings are placed MERGE_SLICE at a time, so their positions never take more memory."""
    from_first = np.ones(len(k1) + len(k2), dtype=bool)
    if keys is None or docs is None:
        keys, docs = np.empty(len(from_first), dtype=k1.dtype), np.empty(len(from_first), dtype=d1.dtype)
    for start in range(0, len(k2), MERGE_SLICE):
        part = slice(start, start + MERGE_SLICE)
        at = np.searchsorted(k1, k2[part], side="right")
        at += np.arange(start, start + len(at))
        from_first[at] = False
        keys[at], docs[at] = k2[part], d2[part]
    keys[from_first], docs[from_first] = k1, d1
    return keys, docs


def segment_bounds(segment: Segment, keys: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each key's bucket starts and ends in a segment, partition by partition (keys
    sorted as stored, ``starts`` where each partition begins among them); keys the bitmap
    rules out get an empty bucket without a search."""
    if segment.present is not None:
        maybe = np.flatnonzero(might_contain(segment, keys))
        lo, hi = np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=np.int64)
        lo[maybe], hi[maybe] = segment_bounds(segment._replace(present=None), keys[maybe], np.searchsorted(maybe, starts))
        return lo, hi
    stored, _, segment_starts, _ = segment
    if len(starts) == 2:
        return sorted_bounds(stored, keys)
    lo, hi = np.empty(len(keys), dtype=np.int64), np.empty(len(keys), dtype=np.int64)
    for p in np.flatnonzero(np.diff(starts)).tolist():
        a, b = starts[p], starts[p + 1]
        part_lo, part_hi = sorted_bounds(stored[segment_starts[p] : segment_starts[p + 1]], keys[a:b])
        lo[a:b], hi[a:b] = part_lo + segment_starts[p], part_hi + segment_starts[p]
    return lo, hi


def sorted_bounds(segment: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each key's bucket starts and ends in a sorted array. Most keys are in no
    bucket, so the second binary search (random memory reads in a big segment) runs for
    the keys found only."""
    lo = np.searchsorted(segment, keys, "left")
    hi = lo.copy()
    if len(segment):
        hit = np.flatnonzero(segment[np.minimum(lo, len(segment) - 1)] == keys)
        hi[hit] = np.searchsorted(segment, keys[hit], "right")
    return lo, hi


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values starts in a sorted array, and its length."""
    if not len(keys):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.diff(np.r_[starts, len(keys)])


def bucket_pairs(keys: np.ndarray, docs: np.ndarray, max_bucket: int, skip_large: bool, earlier: np.ndarray) -> np.ndarray:
    """Pairs of documents within each bucket of sorted new keys (see SortedPostings)."""
    if len(keys) < 2:
        return np.empty((0, 2), dtype=np.int64)
    starts, sizes = runs(keys)
    if skip_large:
        sizes = np.where(sizes + earlier[starts] > max_bucket, 0, sizes)
    out = []
    for size in np.unique(sizes[sizes >= 2]):
        at = starts[sizes == size]
        i, j = np.triu_indices(int(size), k=1)
        # each member pairs with the bucket's first max_bucket members, earlier batches' first
        room = np.maximum(max_bucket - earlier[at], 0)
        keep = i[None, :] < room[:, None]
        left, right = docs[at[:, None] + i[None, :]], docs[at[:, None] + j[None, :]]
        out.append(np.stack([left[keep], right[keep]], axis=1).astype(np.int64))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


@dataclass
class BatchSketch:
    """What candidate generation keeps of a batch of documents: per kind, every document's
    hashes one after the other, and how many each document has."""

    shingles: np.ndarray  # word 3-shingle hashes
    shingle_sizes: np.ndarray
    content: np.ndarray  # distinct content-word stem hashes
    content_sizes: np.ndarray
    prints: np.ndarray  # distinct sampled word 8-gram hashes
    print_sizes: np.ndarray
    texts: np.ndarray  # one hash of each document's whole word sequence (exact duplicates)
    repeats: np.ndarray  # whether a word 8-gram occurs twice in the document

    def __len__(self) -> int:
        return len(self.shingle_sizes)

    def subset(self, keep: np.ndarray) -> BatchSketch:
        """The sketches of the documents where ``keep`` is true."""
        def part(values: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return values[np.repeat(keep, sizes)], sizes[keep]

        return BatchSketch(*part(self.shingles, self.shingle_sizes), *part(self.content, self.content_sizes),
                           *part(self.prints, self.print_sizes), self.texts[keep], self.repeats[keep])


def ragged_ngrams(hashes: np.ndarray, sizes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Word n-gram hashes of each document in a concatenation (a document shorter than n
    gives one hash of all its words, as ngram_hashes does)."""
    starts = np.cumsum(sizes) - sizes
    grams = ngram_hashes(hashes, n) if len(hashes) >= n else hashes[:0]
    counts = np.maximum(sizes - n + 1, 0)
    keep = np.repeat(starts, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    out, out_sizes = grams[keep], counts
    short = np.flatnonzero((sizes > 0) & (sizes < n))
    if len(short):  # rare: mend short documents one by one
        pieces = np.split(out, np.cumsum(out_sizes)[:-1])
        for d in short:
            pieces[d] = ngram_hashes(hashes[starts[d] : starts[d] + sizes[d]], n)
        out_sizes = np.array([len(p) for p in pieces])
        out = np.concatenate(pieces)
    return out, out_sizes


def sketch_texts(texts: list[str], table: TokenTable, limit: int, shingle_words: int, print_words: int, sample_mod: int) -> BatchSketch:
    """Sketches of a batch of documents' texts (at most ``limit`` words each); words are
    hashed together and looked up in ``table`` once a batch."""
    words = tokenize(texts, limit)
    hashes, sizes = words.hashes, words.sizes
    stems = table.stem_numbers(words, hashes)
    shingles, shingle_sizes = ragged_ngrams(hashes, sizes, shingle_words)
    # distinct content stems per document: sort (document, stem number) keys, small integers
    width = len(table.stem_hashes)
    keyed = sorted_unique((np.repeat(np.arange(len(sizes), dtype=np.int64), sizes) * width + stems)[stems != 0])
    doc_of, stem_number = np.divmod(keyed, width)
    content, content_sizes = table.stem_hashes[stem_number], np.bincount(doc_of, minlength=len(sizes))
    grams, gram_sizes = ragged_ngrams(hashes, np.where(sizes >= print_words, sizes, 0), print_words)
    gram_doc = np.repeat(np.arange(len(sizes)), gram_sizes)
    repeats = np.zeros(len(sizes), dtype=bool)
    repeats[repeating_documents(grams, gram_doc, len(sizes))] = True
    sampled = grams % np.uint64(sample_mod) == 0
    prints, print_sizes = grams[sampled], np.bincount(gram_doc[sampled], minlength=len(sizes))
    if repeats.any():  # a passage repeated inside a document: its fingerprints once each
        pieces = np.split(prints, np.cumsum(print_sizes)[:-1])
        pieces = [np.unique(p) if r else p for p, r in zip(pieces, repeats)]
        print_sizes = np.array([len(p) for p in pieces], dtype=np.int64)
        prints = np.concatenate(pieces) if pieces else prints
    texts = text_hashes(hashes, sizes)
    return BatchSketch(shingles, shingle_sizes, content, content_sizes, prints, print_sizes, texts, repeats)


def repeating_documents(grams: np.ndarray, gram_doc: np.ndarray, documents: int) -> np.ndarray:
    """Documents in which some n-gram hash occurs twice. The document number goes into the
    low bits of each hash (its top bits, 40 or more, still tell n-grams apart within one
    document), so one plain sort finds the doubles."""
    bits = np.uint64(max(1, int(documents).bit_length()))
    keys = np.sort(((grams >> bits) << bits) | gram_doc.astype(np.uint64))
    doubled = keys[1:][keys[1:] == keys[:-1]]
    return np.unique((doubled & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64))


def text_hashes(hashes: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """One order-sensitive hash per document of its word hashes (0 for a document without words)."""
    position = np.arange(len(hashes), dtype=np.uint64) - np.repeat(np.cumsum(sizes) - sizes, sizes).astype(np.uint64)
    mixed = mix(hashes + position * COMBINE)
    sums = np.zeros(len(sizes), dtype=np.uint64)
    present = sizes > 0
    if present.any():
        sums[present] = np.add.reduceat(mixed, (np.cumsum(sizes) - sizes)[present])
    return mix(sums + sizes.astype(np.uint64))


@dataclass
class CandidateIndex:
    """Documents added so far and the indexes that pair them; add batches as they come.

    ``add`` returns the candidate pairs each new document forms with the documents before it
    (and within its batch), as positions in the order of addition (``ids`` names them).
    """

    shingle_threshold: float
    max_content_candidates: int
    min_content_jaccard: float
    min_shared_prints: int
    max_print_postings: int
    size: int = 0
    shingle_bands: SortedPostings | None = None
    content_bands: SortedPostings = field(default_factory=lambda: SortedPostings(MAX_CONTENT_BUCKET))
    prints: SortedPostings | None = None
    ids: list[str] = field(default_factory=list)  # document ids in the order of addition
    texts: dict[int, str] = field(default_factory=dict)  # whole-text hash -> first document with it
    # content-word signatures, their low 16 bits (SIGNATURE_DTYPE), grown by doubling
    content_signatures: np.ndarray = field(default_factory=lambda: np.empty((0, SIGNATURE_BINS), dtype=SIGNATURE_DTYPE))
    # their low 4 bits packed (nibble_rows), read first when a pair is checked
    content_nibbles: np.ndarray = field(default_factory=lambda: np.empty((0, SIGNATURE_BINS // NIBBLES_PER_WORD), dtype=np.uint64))
    # shingle signatures' low 8 bits (SHINGLE_SIGNATURE_DTYPE), to verify shingle band pairs
    shingle_signatures: np.ndarray = field(default_factory=lambda: np.empty((0, SIGNATURE_BINS), dtype=SHINGLE_SIGNATURE_DTYPE))

    shingle_lsh: tuple[int, int] = (0, 0)  # bands, rows
    content_lsh: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        self.shingle_lsh = lsh_bands(self.shingle_threshold)
        self.content_lsh = lsh_bands(self.min_content_jaccard)
        if self.shingle_bands is None:
            self.shingle_bands = SortedPostings(MAX_LSH_BUCKET, partitions=self.shingle_lsh[0])
        if self.prints is None:
            self.prints = SortedPostings(self.max_print_postings, skip_large=True)

    def add(self, batch: BatchSketch, ids: list[str]) -> set[tuple[int, int]]:
        self.ids.extend(ids)
        n0, n = self.size, len(batch)
        numbers = np.arange(n0, n0 + n)
        self.size += n
        pairs: set[tuple[int, int]] = set()
        if self.size > len(self.content_signatures):
            self.content_signatures = grown(self.content_signatures, n0, self.size)
            self.content_nibbles = grown(self.content_nibbles, n0, self.size)
            self.shingle_signatures = grown(self.shingle_signatures, n0, self.size)
        shingle_sig = signatures(batch.shingles, batch.shingle_sizes)
        self.shingle_signatures[n0 : n0 + n] = shingle_sig.astype(SHINGLE_SIGNATURE_DTYPE)
        keys, docs = banded(shingle_sig, batch.shingle_sizes, numbers, *self.shingle_lsh)
        found = unique_pairs(self.shingle_bands.add(band_partitioned(keys, self.shingle_lsh[0]), docs))
        pairs.update(pair_set(self.similar_shingles(found)))
        content_sig = signatures(batch.content, batch.content_sizes)
        self.content_signatures[n0 : n0 + n] = content_sig.astype(SIGNATURE_DTYPE)
        self.content_nibbles[n0 : n0 + n] = nibble_rows(content_sig)
        keys, docs = banded(content_sig, batch.content_sizes, numbers, *self.content_lsh)
        pairs.update(self.best_content_pairs(self.content_bands.add(short_keys(keys), docs)))
        found = self.prints.add(short_keys(batch.prints), np.repeat(numbers, batch.print_sizes))
        pairs.update(self.shared_print_pairs(found))
        return pairs

    def nbytes(self) -> int:
        """Memory the index holds (arrays only), for the scale benchmark."""
        return (self.shingle_bands.nbytes() + self.content_bands.nbytes() + self.prints.nbytes()
                + self.content_signatures.nbytes + self.content_nibbles.nbytes + self.shingle_signatures.nbytes)

    def similar_shingles(self, found: np.ndarray) -> np.ndarray:
        """The shingle band pairs whose signatures agree on enough bins (SHINGLE_VERIFY_SHARE):
        a band of 2 rows also collides for pairs far below the threshold, and at a million
        documents those are most of what it finds."""
        share = SHINGLE_VERIFY_SHARE * self.shingle_threshold
        return verified(found, lambda part: agreeing(self.shingle_signatures, part, share))

    def best_content_pairs(self, found: np.ndarray) -> set[tuple[int, int]]:
        """Each document's most similar content-word neighbours only (one big story shares a vocabulary)."""
        # LSH's S-curve lets many lower pairs through (on a large corpus, nearly all of them):
        # verify before anything else
        found = unique_pairs(verified(found, self.close_pairs))
        if not len(found):
            return set()
        sim = estimated_jaccard(self.content_signatures[found[:, 0]], self.content_signatures[found[:, 1]])
        keep: set[tuple[int, int]] = set()
        both = np.concatenate([found, found[:, ::-1]])
        sims = np.concatenate([sim, sim])
        order = np.lexsort((-sims, both[:, 0]))  # by document, most similar first
        both = both[order]
        starts = np.flatnonzero(np.r_[True, both[1:, 0] != both[:-1, 0]])
        rank = np.arange(len(both)) - np.repeat(starts, np.diff(np.r_[starts, len(both)]))
        for a, b in both[rank < self.max_content_candidates]:
            keep.add((int(min(a, b)), int(max(a, b))))
        return keep

    def close_pairs(self, found: np.ndarray) -> np.ndarray:
        """The pairs whose content-word signatures estimate a Jaccard of at least the threshold."""
        needed = self.min_content_jaccard * SIGNATURE_BINS
        found = found[nibble_matches(self.content_nibbles[found[:, 0]], self.content_nibbles[found[:, 1]]) >= needed]
        return agreeing(self.content_signatures, found, self.min_content_jaccard)

    def shared_print_pairs(self, found: np.ndarray) -> set[tuple[int, int]]:
        if not len(found):
            return set()
        keys = pair_keys(found)
        values, counts = run_lengths(keys)
        return {divmod(int(k), PAIR_BASE) for k in values[counts >= self.min_shared_prints]}


def verified(found: np.ndarray, keep: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The pairs ``keep`` lets through, VERIFY_SLICE at a time: slices bound the memory of
    the signatures gathered to check them."""
    return np.concatenate([keep(found[k : k + VERIFY_SLICE]) for k in range(0, len(found), VERIFY_SLICE)] + [found[:0]])


def agreeing(signatures: np.ndarray, pairs: np.ndarray, share: float) -> np.ndarray:
    """The pairs whose signatures agree on at least ``share`` of their bins."""
    return pairs[estimated_jaccard(signatures[pairs[:, 0]], signatures[pairs[:, 1]]) >= share]


def grown(rows: np.ndarray, used: int, needed: int) -> np.ndarray:
    """A row array with room for at least ``needed`` rows (doubling), its first ``used`` kept."""
    out = np.zeros((max(needed, 2 * len(rows)), *rows.shape[1:]), dtype=rows.dtype)
    out[:used] = rows[:used]
    return out


PAIR_BASE = 1 << 32  # a pair (a, b) of document positions is the integer a * PAIR_BASE + b


def pair_keys(found: np.ndarray) -> np.ndarray:
    """Pairs as integers, smaller position first, self-pairs dropped."""
    if not len(found):
        return np.empty(0, dtype=np.int64)
    a, b = found.min(axis=1).astype(np.int64), found.max(axis=1).astype(np.int64)
    keep = a != b
    return a[keep] * PAIR_BASE + b[keep]


def run_lengths(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and how often each occurs."""
    values = np.sort(values)
    starts, counts = runs(values)
    return values[starts], counts


def unique_pairs(found: np.ndarray) -> np.ndarray:
    keys = sorted_unique(pair_keys(found))
    return np.stack([keys // PAIR_BASE, keys % PAIR_BASE], axis=1)


def band_partitioned(keys: np.ndarray, bands: int) -> np.ndarray:
    """Raveled (documents, bands) band keys as SortedPostings partitions: the band number
    above the key's top SHORT_KEY_BITS."""
    band = np.tile(np.arange(bands, dtype=np.uint64), len(keys) // bands)
    return (band << np.uint64(SHORT_KEY_BITS)) | (keys >> np.uint64(64 - SHORT_KEY_BITS))


def short_keys(hashes: np.ndarray) -> np.ndarray:
    """The top SHORT_KEY_BITS of 64-bit hashes (a fingerprint's low bits chose its sample)."""
    return (hashes >> np.uint64(64 - SHORT_KEY_BITS)).astype(np.uint32)


def pair_set(found: np.ndarray) -> set[tuple[int, int]]:
    """Rows of (a, b) positions as a set of tuples."""
    return set(zip(found[:, 0].tolist(), found[:, 1].tolist()))


TOKEN_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def words_of(text: str, limit: int) -> list[str]:
    """Lower-case word tokens, apostrophes unified: the same tokens as provenance.tokens_with_offsets."""
    low = text.lower()
    if len(low) == len(text):  # lower-casing kept every character one character: same tokens
        return TOKEN_RE.findall(low.replace("\u2019", "'"))[:limit]
    # "İ" lower-cases to two characters, the second not a word character
    return [m.group().lower().replace("\u2019", "'") for m in itertools.islice(TOKEN_RE.finditer(text), limit)]
