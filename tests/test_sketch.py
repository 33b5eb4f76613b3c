"""sketch.py: the numpy tokeniser and hashes that candidate generation stands on.

The tokeniser must give exactly the regex's tokens (provenance aligns on those), on real
news text and on hostile text; word hashes must depend on a word alone.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import DATA, SEEDS

from storyline import provenance as pv
from storyline import sketch

POLNEAR_TEXTS = DATA / "quotes" / "polnear" / "dev" / "text"

HOSTILE = [
    "İstanbul’s MAYOR’S don't a''b 'quoted' _under_score_ snake_case x_1",
    "",
    "   \n\n  ",
    "x",
    "lone \ud800 surrogate a\udc00b and ǅemal Ⅻ ½ ٣٤ 東京都 Ελλάδα ПРАВДА",
    "o'\u2019k rock'n'roll ’tis 'twas it’s ’’ ''",
    "tabs\tand\u00a0non-breaking\u2003spaces—dashes–and…ellipses",
    "ÀÉÎÕÜ straße STRASSE ǈ ﬁne 1,000.50 3rd 4th",
]


def real_texts(limit: int) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    data = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_TEXTS.glob("*.txt"))[:limit]]
    return seeds + data


def words_by_document(batch: sketch.TokenizedBatch) -> list[list[str]]:
    offsets = np.r_[0, np.cumsum(batch.sizes)]
    return [[batch[i] for i in range(offsets[k], offsets[k + 1])] for k in range(len(batch.sizes))]


def test_numpy_tokens_are_the_regex_tokens_on_real_and_hostile_text():
    texts = real_texts(40) + HOSTILE
    batch = sketch.tokenize(texts, pv.MAX_TOKENS)
    assert words_by_document(batch) == [sketch.words_of(t, pv.MAX_TOKENS) for t in texts]
    assert batch.sizes[len(texts) - len(HOSTILE) + 1] == 0  # the empty text has no words


def test_the_word_limit_applies_per_document():
    texts = ["one two three four five", "İ six seven eight nine ten", "a b"]
    batch = sketch.tokenize(texts, 3)
    assert words_by_document(batch) == [["one", "two", "three"], ["i̇", "six", "seven"], ["a", "b"]]


def test_a_word_hashes_the_same_alone_and_anywhere_in_a_text():
    words = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefghijklmnopq", "abcdefghijklmnopr", "héllo", "東京都"]
    alone = sketch.bulk_word_hashes(words)
    assert len(set(alone.tolist())) == len(words)  # lengths 8/9 and a differing 17th byte tell apart
    text = " | ".join(f"{w}zz {w}" for w in words)  # every word once followed by other bytes
    batch = sketch.tokenize([text], 1000)
    in_text = dict(zip([batch[i] for i in range(len(batch))], batch.hashes.tolist()))
    assert [in_text[w] for w in words] == alone.tolist()
    long_words = ["w" * 60 + "x", "w" * 60 + "y", "w" * 100 + "x", "w" * 100 + "y"]  # read in 8 bytes / blake2b
    assert len(set(sketch.bulk_word_hashes(long_words).tolist())) == 4
    blob = sketch.tokenize(["a " + "w" * 100 + "x b"], 10)
    assert blob.hashes.tolist() == sketch.bulk_word_hashes(["a", "w" * 100 + "x", "b"]).tolist()


def test_hashes_do_not_depend_on_the_batch():
    texts = real_texts(10)
    together = sketch.tokenize(texts, pv.MAX_TOKENS)
    last = sketch.tokenize(texts[-1:], pv.MAX_TOKENS)
    assert together.hashes[-len(last) :].tolist() == last.hashes.tolist()


def test_documents_repeating_an_ngram_are_found_and_only_they():
    rng = random.Random(3)
    words = [f"w{i}" for i in range(5000)]
    plain = [rng.sample(words, 60) for _ in range(3)]
    repeated = plain[1][:20] + plain[1][:20]  # a passage pasted twice
    texts = [" ".join(w) for w in (plain[0], repeated, plain[2])]
    batch = sketch.tokenize(texts, 1000)
    grams, sizes = sketch.ragged_ngrams(batch.hashes, batch.sizes, 8)
    gram_doc = np.repeat(np.arange(len(texts)), sizes)
    assert sketch.repeating_documents(grams, gram_doc, len(texts)).tolist() == [1]


def test_token_table_stems_each_new_word_once_and_keeps_numbers_across_batches():
    stemmed: list[str] = []

    def content_stem(word: str) -> str | None:
        stemmed.append(word)
        return pv.content_stem(word)

    table = sketch.TokenTable(content_stem)
    first = sketch.tokenize(["The talks said talks ended", "talks resumed"], 100)
    numbers = table.stem_numbers(first, first.hashes)
    assert sorted(stemmed) == ["ended", "resumed", "said", "talks", "the"]
    assert numbers[0] == 0 and numbers[1] == numbers[3] == numbers[5] != 0  # stop word 0; "talks" alike
    second = sketch.tokenize(["talks", "new words"], 100)
    again = table.stem_numbers(second, second.hashes)
    assert again[0] == numbers[1] and sorted(stemmed[5:]) == ["new", "words"]  # only the new words stemmed


@pytest.mark.parametrize("threshold", [0.12, 0.25, 0.5])
def test_lsh_bands_put_the_s_curve_midpoint_near_the_threshold(threshold):
    bands, rows = sketch.lsh_bands(threshold)
    assert bands * rows <= sketch.SIGNATURE_BINS
    midpoint = (1 / bands) ** (1 / rows)  # similarity at which a pair collides with probability ~0.6
    assert abs(midpoint - threshold) < 0.15


def test_copies_among_real_texts_are_candidates_and_unrelated_texts_mostly_not():
    texts = real_texts(30)[5:]
    rng = random.Random(11)
    docs = []
    for k, text in enumerate(texts):
        docs.append(make_document(f"orig{k:02d}", text))
    for k in range(0, len(texts), 3):  # a copy with a third of its sentences dropped and a tagline
        sentences = texts[k].split(". ")
        kept = [s for s in sentences if rng.random() > 0.33]
        docs.append(make_document(f"copy{k:02d}", ". ".join(kept) + "\n\nSource link"))
    found = pv.candidate_pairs(docs, batch_size=7).pairs
    copies = {(f"copy{k:02d}", f"orig{k:02d}") for k in range(0, len(texts), 3)}
    assert copies <= found
    unrelated = {p for p in found if p not in copies and not p[0].startswith("copy")}
    assert len(unrelated) <= len(texts) // 5


def make_document(doc_id: str, text: str):
    from storyline.model import Document, Paragraph

    return Document(id=doc_id, path=doc_id, raw_text=text, clean_text=text, paragraphs=[Paragraph(0, len(text))])


def test_capping_segment_merges_finds_the_same_pairs():
    rng = np.random.default_rng(5)
    batches = [(rng.integers(0, 400, 60).astype(np.uint32), np.arange(60 * b, 60 * (b + 1))) for b in range(12)]
    merged, capped = sketch.SortedPostings(max_bucket=50), sketch.SortedPostings(max_bucket=50, max_segment=100)
    for keys, docs in batches:
        got, want = capped.add(keys, docs), merged.add(keys, docs)
        assert set(map(tuple, got.tolist())) == set(map(tuple, want.tolist()))
    assert max(len(k) for k, *_ in capped.segments) <= 100 < max(len(k) for k, *_ in merged.segments)
    assert capped.nbytes() == merged.nbytes()


@pytest.mark.parametrize("max_segment", [10, sketch.MAX_SEGMENT_POSTINGS])
def test_a_large_bucket_pairs_newcomers_with_its_earliest_members_whatever_the_segments(max_segment):
    postings = sketch.SortedPostings(max_bucket=12, max_segment=max_segment)
    noise = np.random.default_rng(2)
    for b in range(8):  # documents 5b..5b+4 all carry key 7, beside keys of their own
        docs = np.arange(5 * b, 5 * b + 5)
        keys = np.r_[np.full(5, 7), noise.integers(100, 10**6, 5)].astype(np.uint32)
        found = postings.add(keys, np.r_[docs, docs])
    assert (len(postings.segments) > 1) == (max_segment == 10)
    partners: dict[int, set[int]] = {}
    for new, other in found.tolist():
        partners.setdefault(max(new, other), set()).add(min(new, other))
    assert partners == {d: set(range(min(d, 12))) for d in range(35, 40)}


def test_merging_sorted_segments_keeps_equal_keys_in_order_of_addition():
    rng = np.random.default_rng(9)
    k1, k2 = np.sort(rng.integers(0, 50, 300)).astype(np.uint32), np.sort(rng.integers(0, 50, 200)).astype(np.uint32)
    keys, docs = sketch.merge_sorted(k1, np.arange(300, dtype=np.int32), k2, np.arange(300, 500, dtype=np.int32))
    order = np.argsort(np.r_[k1, k2], kind="stable")
    assert keys.tolist() == np.r_[k1, k2][order].tolist() and docs.tolist() == order.tolist()
    assert docs.dtype == np.int32 and keys.dtype == np.uint32


def test_the_nibble_check_keeps_exactly_the_content_pairs_the_full_signatures_keep():
    texts = real_texts(40)
    rng = random.Random(4)
    rewrites = [" ".join(w for w in t.split() if rng.random() > 0.4) for t in texts[:20]]  # near the threshold
    index = pv.new_candidate_index()
    index.add(pv.sketch_documents([make_document(f"d{k}", t) for k, t in enumerate(texts + rewrites)], pv.new_token_table()),
              [f"d{k}" for k in range(len(texts) + len(rewrites))])
    a, b = np.triu_indices(index.size, k=1)
    pairs = np.stack([a, b], axis=1)
    full = sketch.estimated_jaccard(index.content_signatures[a], index.content_signatures[b]) >= index.min_content_jaccard
    kept = index.close_pairs(pairs)
    assert 20 <= len(kept) < len(pairs) // 10  # the rewrites pass, most pairs do not
    assert kept.tolist() == pairs[full].tolist()
    nibbles = sketch.nibble_matches(index.content_nibbles[a], index.content_nibbles[b])
    low_bits = index.content_signatures & np.uint16(15)
    assert nibbles.tolist() == np.count_nonzero(low_bits[a] == low_bits[b], axis=1).tolist()
    assert (nibbles >= np.count_nonzero(index.content_signatures[a] == index.content_signatures[b], axis=1)).all()
    assert np.mean(nibbles < index.min_content_jaccard * sketch.SIGNATURE_BINS) > 0.5  # the cheap check rejects most


@pytest.mark.parametrize("max_segment", [40, sketch.MAX_SEGMENT_POSTINGS])
def test_partitioned_postings_pair_as_full_keys_do_and_never_across_partitions(max_segment):
    rng = np.random.default_rng(8)
    full = sketch.SortedPostings(max_bucket=3, max_segment=max_segment)
    parts = sketch.SortedPostings(max_bucket=3, max_segment=max_segment, partitions=4)
    for b in range(10):  # low bits from a small range, so equal low bits in other partitions abound
        keys = (rng.integers(0, 4, 30).astype(np.uint64) << np.uint64(32)) | rng.integers(0, 25, 30).astype(np.uint64)
        docs = np.arange(30 * b, 30 * (b + 1))
        got, want = parts.add(keys, docs), full.add(keys, docs)
        assert sorted(map(tuple, got.tolist())) == sorted(map(tuple, want.tolist()))
    assert all(k.dtype == np.uint32 for k, *_ in parts.segments) and parts.nbytes() < full.nbytes()
    assert (max(len(k) for k, *_ in parts.segments) <= 40) == (max_segment == 40)  # merged partition by partition


def test_shingle_band_keys_are_partitioned_by_band():
    keys = np.array([[1 << 40, 2 << 40], [3 << 40, 1 << 40]], dtype=np.uint64).ravel()
    assert sketch.band_partitioned(keys, 2).tolist() == [1 << 8, (1 << 32) | (2 << 8), 3 << 8, (1 << 32) | (1 << 8)]


@pytest.mark.parametrize("partitions", [1, 4])
def test_segment_bitmaps_skip_searches_without_changing_the_pairs(monkeypatch, partitions):
    rng = np.random.default_rng(12)
    batches = []
    for b in range(12):  # uint32 keys over the whole range; a quarter repeat earlier ones
        fresh = rng.integers(0, 1 << 32, 60, dtype=np.uint64)
        if batches:
            fresh[:15] = rng.choice(np.concatenate([k for k, _ in batches]), 15)
        keys = fresh.astype(np.uint32) if partitions == 1 else (fresh % np.uint64(4) << np.uint64(32)) | fresh
        batches.append((keys, np.arange(60 * b, 60 * (b + 1))))
    plain = sketch.SortedPostings(max_bucket=5, partitions=partitions)
    want = [plain.add(k, d) for k, d in batches]
    monkeypatch.setattr(sketch, "FILTERED_SEGMENT", 16)
    filtered = sketch.SortedPostings(max_bucket=5, partitions=partitions)
    got = [filtered.add(k, d) for k, d in batches]
    assert [sorted(map(tuple, g.tolist())) for g in got] == [sorted(map(tuple, w.tolist())) for w in want]
    assert sum(len(w) for w in want) >= 100  # the repeated keys pair
    segment = filtered.segments[0]
    assert segment.present is not None and sketch.might_contain(segment, segment.keys).all()  # no false negatives
    unseen = rng.integers(0, 1 << 32, 1000, dtype=np.uint64).astype(np.uint32)
    assert sketch.might_contain(segment, unseen).mean() < 0.3  # most absent keys are ruled out


def test_a_bitmap_set_block_by_block_is_the_bitmap_of_the_keys(monkeypatch):
    rng = np.random.default_rng(13)
    keys = rng.integers(0, 1 << 32, 300, dtype=np.uint64).astype(np.uint32)
    starts = np.array([0, 100, 100, 300])  # three partitions, one empty, each sorted
    keys = np.concatenate([np.sort(keys[a:b]) for a, b in zip(starts[:-1], starts[1:])])
    monkeypatch.setattr(sketch, "FILTERED_SEGMENT", 16)
    monkeypatch.setattr(sketch, "FILTER_BLOCK_LOG2", 4)  # 2**11 bits in blocks of 16
    segment = sketch.new_segment(keys, np.arange(300, dtype=np.int32), starts)
    bits = sketch.filter_bits(300, keys.dtype)
    expected = np.zeros(1 << bits, dtype=bool)
    expected[keys >> np.uint32(32 - bits)] = True
    assert bits == 11 and segment.present.tolist() == np.packbits(expected, bitorder="little").tolist()


def test_merging_a_slice_at_a_time_gives_the_same_segment(monkeypatch):
    rng = np.random.default_rng(14)
    k1, k2 = np.sort(rng.integers(0, 30, 200)).astype(np.uint32), np.sort(rng.integers(0, 30, 170)).astype(np.uint32)
    d1, d2 = np.arange(200, dtype=np.int32), np.arange(200, 370, dtype=np.int32)
    whole = sketch.merge_sorted(k1, d1, k2, d2)
    monkeypatch.setattr(sketch, "MERGE_SLICE", 16)
    sliced = sketch.merge_sorted(k1, d1, k2, d2)
    assert sliced[0].tolist() == whole[0].tolist() and sliced[1].tolist() == whole[1].tolist()
    assert sliced[1].tolist() == np.argsort(np.r_[k1, k2], kind="stable").tolist()


def test_shingle_band_pairs_keep_every_pair_the_full_signatures_pass_and_drop_a_shared_sentence():
    texts = [t for t in real_texts(80) if len(t.split()) >= 300][:40]
    rng = random.Random(6)
    copies = [" ".join(w for w in t.split() if rng.random() > 0.3) for t in texts[:10]]  # a third of the words dropped
    # an unrelated article carrying a 20-word sentence of another: not a copy, whatever the bands say
    shared = [texts[20 + k] + " " + " ".join(texts[k].split()[-20:]) for k in range(10)]
    all_texts = texts + copies + shared
    index = pv.new_candidate_index()
    batch = pv.sketch_documents([make_document(f"d{k}", t) for k, t in enumerate(all_texts)], pv.new_token_table())
    index.add(batch, [f"d{k}" for k in range(len(all_texts))])
    a, b = np.triu_indices(index.size, k=1)
    pairs = np.stack([a, b], axis=1)
    kept = {tuple(p) for p in index.similar_shingles(pairs).tolist()}
    full = sketch.signatures(batch.shingles, batch.shingle_sizes)
    needed = sketch.SHINGLE_VERIFY_SHARE * index.shingle_threshold * sketch.SIGNATURE_BINS
    passing = {tuple(p) for p in pairs[np.count_nonzero(full[a] == full[b], axis=1) >= needed].tolist()}
    assert passing <= kept  # 8 bits of a value agree whenever the value does
    assert len(kept - passing) <= len(pairs) // 200  # and rarely otherwise
    n = len(texts)
    assert {(k, n + k) for k in range(10)} <= kept
    assert not {(k, n + 10 + k) for k in range(10)} & kept
    assert len(kept) < 3 * 10 + len(pairs) // 100


def test_packed_sorts_order_as_argsort_does_and_fall_back_on_wide_keys_or_shared_top_bits():
    rng = np.random.default_rng(15)
    narrow = rng.integers(0, 40, 5000).astype(np.uint32)  # many equal keys: order of addition must hold
    banded = (rng.integers(0, 64, 5000).astype(np.uint64) << np.uint64(32)) | rng.integers(0, 9, 5000).astype(np.uint64)
    wide = rng.integers(0, 1 << 63, 5000, dtype=np.uint64) | np.uint64(1 << 63)
    for keys in (narrow, banded, wide, narrow[:0], narrow[:1]):
        assert sketch.stable_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()
    hashes = sketch.bulk_word_hashes(" ".join(real_texts(5)).split())
    first = hashes[np.flatnonzero(hashes & np.uint64(0xFF))[0]]
    clash = np.r_[hashes, first & ~np.uint64(0xFF)]  # below a hash before it, with the same top bits
    for h in (hashes, clash):
        order = sketch.grouping_order(h)
        assert sorted(order.tolist()) == list(range(len(h))) and h[order].tolist() == np.sort(h).tolist()
