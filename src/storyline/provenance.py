"""Provenance stage: which documents reuse which, and which one is the original.

Reads ``Document.clean_text``, ``paragraphs``, ``dateline``, ``removed_lines`` and
``published``; produces ``ReuseLink`` records. Reuse counts against corroboration: two
outlets printing the same wire story are one source, not two, so later stages ask
``independent_sources`` before they count documents.

How reuse is found, without comparing all pairs:

1. exact duplicates: a hash of the word sequence (punctuation, case and spacing do not count);
2. candidate pairs from three indexes (``sketch.py``), each bounded per document: MinHash
   LSH over word shingles (whole-document copies), shared sampled word n-gram fingerprints
   (excerpts: a few pasted paragraphs barely move whole-document Jaccard), and MinHash LSH
   over content-word sets (rewrites, whose wording is changed but whose vocabulary is not);
   only documents with a candidate are profiled and aligned;
3. sentence alignment of each candidate pair: verbatim or lightly edited sentences by
   rapidfuzz ratio over normalised text, paraphrased ones by the cosine of sentence
   embeddings (``embeddings.py``: all-MiniLM-L6-v2 on onnxruntime; only the sentences of
   documents with a candidate pair are embedded, each once) or, when the model packages are
   not installed, by IDF-weighted content-word cosine; aligned sentences that follow each
   other merge into passages;
4. repeated passages inside one document (a quote pasted twice) from repeated word n-grams.

Score of a link = the share of the target's sentence characters covered by aligned target
sentences (characters between sentences do not count), in [0, 1].
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from . import sketch
from .embeddings import SentenceEncoder, try_load_encoder
from .model import Document, ReuseLink
from .text import split_sentences as text_sentences

# --- input guards -------------------------------------------------------------------------
# A long article is ~3k words; 100k tokens bounds time and memory on pasted-together pages.
MAX_TOKENS = 100_000
# A sentence longer than this is a run-on scrape artefact; cut it so fuzzy matching stays cheap.
MAX_SENTENCE_CHARS = 2_000
# Sentences aligned per document (a 6,000-word article): alignment is quadratic in this, and
# beyond it a document is aligned on its first sentences only (news reuse starts near the top).
MAX_SENTENCES_PER_DOC = 300

# --- candidate generation ---------------------------------------------------------------------
# Word 3-shingles: short enough to survive light edits, long enough to be rare across stories.
SHINGLE_WORDS = 3
# LSH over shingles: the seed rewrite, sharing about a third of its sentences verbatim, has
# 3-shingle Jaccard 0.21 with its source; independent seed stories on one topic 0.003-0.012.
SHINGLE_LSH_THRESHOLD = 0.12
# LSH over content-word sets: a rewrite keeps its source's vocabulary (seed rewrite: 0.43),
# independent seed stories on one topic share 0.13-0.19; those may become candidates too,
# and alignment rejects them.
CONTENT_LSH_THRESHOLD = 0.25
# Content-word candidates per document, best estimated Jaccard first: on one big story hundreds
# of articles share a vocabulary, and the cost must stay linear in the corpus.
MAX_CONTENT_CANDIDATES = 20
# Sampled word 8-gram fingerprints ("0 mod p" sampling): 8 words rarely repeat by chance,
# and keeping one hash in 4 still hits any pasted paragraph of 30+ words.
FINGERPRINT_WORDS = 8
FINGERPRINT_SAMPLE_MOD = 4
# Two sampled 8-grams in common (or one whole sentence) make a pair worth aligning.
MIN_SHARED_FINGERPRINTS = 2
# A fingerprint in more documents than this is boilerplate (a tagline, a standard disclaimer).
MAX_FINGERPRINT_POSTINGS = 50
# Documents sketched and indexed together. Bounds the temporary arrays: measured on 4,000
# synthetic 600-word documents, batches of 2,000 added 220 MB to peak RSS, batches of 500
# 75 MB, at the same speed.
CANDIDATE_BATCH = 500

# --- sentence alignment -----------------------------------------------------------------------
# rapidfuzz ratio (0-100) over normalised sentences. >= 95: the same sentence up to
# punctuation or a word; >= 80: lightly edited (a date or a clause changed); independent
# stories' most similar sentence pairs on the seeds stay below 65.
VERBATIM_RATIO = 95
EDITED_RATIO = 80
# A short sentence with a fifth of its characters changed says something else ("Sanders will
# win at least 73." / "Sanders will pick up at least 14."): edits count from this many words.
MIN_EDITED_WORDS = 8
# A shorter sentence found inside a longer one (partial_ratio) counts as edited copy when it
# has at least this many words; short ones ("Putin said.") occur everywhere.
CONTAINED_RATIO = 95
MIN_CONTAINED_WORDS = 8
# partial_ratio is costly, so it runs only on pairs sharing some vocabulary: 8 content words
# inside a 60-word sentence already give a cosine near 0.35.
CONTAINED_MIN_COSINE = 0.2
# IDF-weighted content-word cosine for paraphrase. The seeds' rewritten sentence pairs score
# 0.40-0.75; the best pairs between independent stories on the same topic score below 0.35.
PARAPHRASE_COSINE = 0.4
# Once copied sentences show reuse, a rewritten sentence that sits between the copied ones in
# the same order on both sides is likely a paraphrase even at a lower cosine: the seeds'
# rewritten ledes score 0.30-0.35 while unrelated sentences of a reusing pair stay below 0.25
# (independent stories' same-topic ledes reach 0.33, hence never without anchors).
PARAPHRASE_COSINE_ANCHORED = 0.3
# Paraphrase by sentence embeddings (cosine of all-MiniLM-L6-v2 vectors), for sentences the
# lexical cosine left unmatched. Chosen on the tune half of bench/provenance_quality.py's
# syndication set (100 originals, 5 ECB+ topics, shared-quote hard negatives): rewrite span
# F1 0.972 lexical -> 0.980, span precision unchanged, pair F1 and hard negatives unchanged,
# for any cosine 0.75-0.8 and anchored 0.6-0.7. Anchored 0.65 keeps the seed rewrite's
# unrelated Shoigu/Ushakov sentences (0.64) apart.
PARAPHRASE_EMBEDDING_COSINE = 0.75
PARAPHRASE_EMBEDDING_COSINE_ANCHORED = 0.65
MIN_SHARED_CONTENT_WORDS_EMBEDDED = 2
# Sentence pairs below this lexical cosine are not embedded: at 0.2 the tune half embeds 832
# sentences instead of 1,281 at 0.1, with the same alignment.
EMBED_MIN_LEXICAL_COSINE = 0.2
# Below PARAPHRASE_EMBEDDING_COSINE an embedded pair also has to sit on the diagonal of its
# nearest copied sentence, within this many sentences: a rewrite keeps its source's order
# locally, while a pasted excerpt's host story resembles the donor anywhere on the topic.
MAX_ANCHOR_DRIFT = 1
# Sentences shorter than this are never matched: "9:15 p.m." or "Read more." recur everywhere.
MIN_MATCH_WORDS = 5
# ... and at least this many distinct content words in common, so two short sentences that
# share only names ("Putin told Xi") are not a paraphrase.
MIN_SHARED_CONTENT_WORDS = 4

# --- link decisions ---------------------------------------------------------------------------
# A link needs this many aligned words outside quotation marks: two independent reports quoting
# the same speech share the quote, not the narrative around it.
MIN_NARRATIVE_WORDS = 15
# ... spread over at least this many copied sentences: one shared sentence is a common quote
# or a publisher's standard line, not reuse of an article.
MIN_COPIED_SENTENCES = 2
# A link without copied sentences rests on lexical paraphrase alone, which cannot tell a rewrite
# from an independent report of the same event (both say who did what, when). So it needs
# strong evidence, set on ECB+ (982 reports, 43 topics of two same-kind events each):
# rewrites in stories of two different events (false by construction) reached 3-4 pairs
# with mean cosine 0.49-0.63 and covered 10-31% of the shorter story; none passes all four:
# this many paraphrased sentence pairs with narrative on both sides ...
MIN_PARAPHRASE_SENTENCES = 4
# ... with this mean cosine ...
MIN_MEAN_PARAPHRASE_COSINE = 0.55
# ... mostly in the same order on both sides (rewrites keep the source's order) ...
MIN_ORDER_SHARE = 0.6
# ... covering at least this share of both documents.
MIN_PARAPHRASE_COVERAGE = 0.3
# Kind "paraphrase" when at least this share of aligned target characters is rewritten (not
# verbatim or lightly edited); a copy with a reworded sentence or two stays a "copy". The seed
# rewrite, which keeps AP's quotes and some sentences verbatim, is at 0.32-0.36; pasted
# excerpts and re-wrapped copies are at 0.
PARAPHRASE_SHARE = 0.25
# Kind "near" when aligned text covers at least this share of both documents.
NEAR_COVERAGE = 0.85

# --- internal duplicates ----------------------------------------------------------------------
# A passage repeated inside one document must have this many words (a full quote or sentence);
# shorter repeats are set phrases ("the United States and").
INTERNAL_MIN_WORDS = 10
# Two repeated runs separated by at most this many differing words are one near-repeat.
INTERNAL_MAX_GAP = 3

# --- direction --------------------------------------------------------------------------------
# Weights of the signals that one document is the original; dates are the strongest evidence.
WEIGHT_DATE = 4
WEIGHT_WIRE_CREDIT = 3
WEIGHT_COPY_CHROME = 2
WEIGHT_CONTAINMENT = 1
WEIGHT_QUOTING = 1
# Containment: one side covered at least this much by the alignment while the other side is
# covered at most CONTAINMENT_MAX_OTHER (the copy adds its own text around the source).
CONTAINMENT_MIN = 0.8
CONTAINMENT_MAX_OTHER = 0.6
# Wire credits: the agency wrote the text. Word-bounded, case-sensitive where the short form
# ("AP") is an ordinary word in other languages.
WIRE_CREDIT_PATTERNS = (
    re.compile(r"\((?:AP|Reuters|AFP|dpa|Xinhua|UPI)\)"),
    re.compile(r"\bAgence France[- ]Presse\b"),
    re.compile(r"\bAssociated Press\b"),
    re.compile(r"\bAFP\b"),
    re.compile(r"\bReuters\b"),
)
# "told Reuters", "according to AFP": the agency is cited, not credited.
CITED_AGENCY_RE = re.compile(r"\b(?:told|to|with|from|according to|cited by)\s+(?:the\s+)?$", re.IGNORECASE)
# A wire credit counts in the first paragraph's opening characters only: later mentions of an
# agency ("told The Associated Press") cite it rather than credit it.
WIRE_CREDIT_LEAD_CHARS = 200
# Page chrome that aggregators and scraper sites add around copied articles, lower case.
COPY_CHROME_MARKERS = (
    "source link",
    "share and follow",
    "never miss a story",
    "originally published",
    "this article originally appeared",
    "this story was originally",
    "read the original article",
    "read more at",
    "via rss",
    "auto-generated from a syndicated feed",
    "has not been edited by",
)

# --- text normalisation -----------------------------------------------------------------------
TOKEN_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
DOUBLE_QUOTES = {'"': "toggle", "\u201c": "open", "\u201d": "close", "\u201e": "open", "\u00ab": "open", "\u00bb": "close"}
QUOTE_CHAR_RE = re.compile("[" + "".join(DOUBLE_QUOTES) + "\n]")
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "according", "also", "would", "could"}
# Crude suffix stripping, longest first: enough to meet "pressed"/"presses", "ties"/"tie".
SUFFIXES = ("ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ies", "ied", "ed", "es", "ly", "s")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, with what alignment compares."""

    start: int
    end: int
    norm: str  # lower-case tokens joined by single spaces
    words: int
    narrative_words: int  # words outside quotation marks
    quoted_words: int
    content: tuple[str, ...]  # content-word stems


@dataclass(frozen=True)
class SentenceMatch:
    """One aligned sentence pair; ``kind`` is verbatim | edited | paraphrase."""

    left: int
    right: int
    kind: str
    similarity: float


@dataclass
class PairAlignment:
    """Aligned sentences of two documents, and what they say about reuse.

    Coverage is the share of each side's sentence characters taken by aligned sentences.
    """

    left_id: str
    right_id: str
    matches: list[SentenceMatch] = field(default_factory=list)
    passages: list[tuple[int, int, int, int]] = field(default_factory=list)  # (l_start, l_end, r_start, r_end)
    left_coverage: float = 0.0
    right_coverage: float = 0.0
    left_paraphrase_share: float = 0.0
    right_paraphrase_share: float = 0.0
    narrative_words: int = 0  # aligned words outside quotes (per pair, the side with fewer)
    copied_sentences: int = 0  # right sentences copied (verbatim or edited) with their narrative
    copied_narrative_words: int = 0  # their words outside quotes, on the side with fewer
    order_share: float = 0.0  # share of matches in the same order on both sides
    paraphrased_sentences: int = 0  # paraphrase pairs with narrative (not just a quote) on both sides
    paraphrase_similarity: float = 0.0  # mean lexical cosine of the paraphrase pairs (however they were found)
    left_quoted_words: int = 0  # quoted words in the left's paraphrase-aligned sentences
    right_quoted_words: int = 0

    def is_reuse(self) -> bool:
        """Enough aligned narrative text, in enough sentences, to say one document reused the other."""
        copied = self.copied_sentences >= MIN_COPIED_SENTENCES and self.copied_narrative_words >= MIN_NARRATIVE_WORDS
        rewritten = (
            self.paraphrased_sentences >= MIN_PARAPHRASE_SENTENCES
            and self.narrative_words >= MIN_NARRATIVE_WORDS
            and self.paraphrase_similarity >= MIN_MEAN_PARAPHRASE_COSINE
            and self.order_share >= MIN_ORDER_SHARE
            and min(self.left_coverage, self.right_coverage) >= MIN_PARAPHRASE_COVERAGE
        )
        return copied or rewritten


# ============================================================================================
# text helpers
# ============================================================================================


def tokens_with_offsets(text: str, limit: int = MAX_TOKENS) -> list[tuple[str, int, int]]:
    """Lower-case word tokens with character offsets; apostrophes unified so ’ and ' match."""
    matches = itertools.islice(TOKEN_RE.finditer(text), limit)
    if "\u2019" in text:
        return [(m.group().lower().replace("\u2019", "'"), m.start(), m.end()) for m in matches]
    return [(m.group().lower(), m.start(), m.end()) for m in matches]


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(tokens: Iterable[str]) -> list[str]:
    """Stems of the words that carry meaning (no stop words, no one- or two-letter words)."""
    return [stem(t.replace("'s", "")) for t in tokens if t not in STOP_WORDS and (len(t) > 2 or t.isdigit())]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside double quotation marks; an open quote ends at the line end."""
    spans, start = [], None
    for m in QUOTE_CHAR_RE.finditer(text):
        ch = m.group()
        if ch == "\n":
            if start is not None:
                spans.append((start, m.start()))
            start = None
        elif DOUBLE_QUOTES[ch] == "open" or start is None:  # a closing mark can open in sloppy pages
            if start is None:
                start = m.end()
        else:
            spans.append((start, m.start()))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def is_quoted(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def split_sentences(doc: Document) -> list[Sentence]:
    """The document's sentences, with quote and content-word counts."""
    text = doc.clean_text
    quotes = quoted_spans(text)
    starts = [a for a, _ in quotes]
    sentences: list[Sentence] = []
    for s, e in text_sentences(text)[:MAX_SENTENCES_PER_DOC]:
        e = min(e, s + MAX_SENTENCE_CHARS)
        toks = tokens_with_offsets(text[s:e])
        if not toks:
            continue
        quoted = sum(1 for _, ts, _ in toks if is_quoted(s + ts, quotes, starts))
        words = [t for t, _, _ in toks]
        sentences.append(
            Sentence(s, e, " ".join(words), len(words), len(words) - quoted, quoted, tuple(content_words(words)))
        )
    return sentences


# ============================================================================================
# sentence alignment
# ============================================================================================


def inverse_document_frequency(docs: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed IDF of content words over a batch: names every story shares weigh little."""
    df: Counter[str] = Counter()
    n = 0
    for words in docs:
        df.update(set(words))
        n += 1
    return {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}


@dataclass
class Profile:
    """What alignment needs of one document, computed once per batch."""

    sentences: list[Sentence]
    vectors: sparse.csr_matrix  # one L2-normalised IDF-weighted content-word row per sentence
    doc_id: str = ""
    text: str = ""  # the clean text the sentence offsets index


def profile_documents(
    docs: list[Document], document_frequency: Mapping[int, int] | None = None, total: int = 0
) -> dict[str, Profile]:
    """Sentences and sentence vectors of every document, over one batch vocabulary and IDF.

    The IDF comes from ``document_frequency`` (stem hash -> documents, over ``total``
    documents, as ``candidate_pairs`` counts them) when given, so only the documents that
    have candidates need profiling; else from the documents themselves.
    """
    sentences = {d.id: split_sentences(d) for d in docs}
    if document_frequency is None:
        idf = inverse_document_frequency({w for s in sentences[d.id] for w in s.content} for d in docs)
    else:
        words = {w for sents in sentences.values() for sent in sents for w in sent.content}
        idf = {w: math.log((1 + total) / (1 + document_frequency.get(sketch.word_hash("c:" + w), 0))) + 1.0 for w in words}
    vocab: dict[str, int] = {}
    for sents in sentences.values():
        for sent in sents:
            for w in sent.content:
                vocab.setdefault(w, len(vocab))
    weights = np.array([idf[w] for w in vocab], dtype=float)
    return {d.id: Profile(sentences[d.id], sentence_vectors(sentences[d.id], vocab, weights), d.id, d.clean_text) for d in docs}


def sentence_text(profile: Profile, index: int) -> str:
    """The text of a profile's sentence as the encoder reads it (whitespace collapsed)."""
    sent = profile.sentences[index]
    return " ".join(profile.text[sent.start : sent.end].split())


@dataclass
class SentenceEmbeddings:
    """Embeddings of the sentences alignment asks about, kept for a run, one per sentence text.

    Alignment asks only for sentences that no copied sentence explains and that share content
    words with an unexplained sentence of the other document, so a corpus of syndicated
    copies embeds little beyond its rewrites; copies share sentence texts, so a sentence that
    several copies print is embedded once. ``prepare`` embeds the sentences of many pairs in
    one encoder call (length-sorted batches): the encoder is compute-bound, so few large
    calls beat many small ones.
    """

    encoder: SentenceEncoder
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def prepare(self, wanted: Iterable[tuple[Profile, Iterable[int]]]) -> None:
        """Embed, in one encoder call, every sentence named by (profile, indexes) not yet held."""
        texts = {sentence_text(profile, i): None for profile, indexes in wanted for i in indexes}
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.encoder.encode(missing)))

    def of(self, profile: Profile, indexes: list[int]) -> np.ndarray:
        """Unit vectors of the profile's sentences at ``indexes`` (rows in that order)."""
        self.prepare([(profile, indexes)])
        rows = [self.vectors[sentence_text(profile, i)] for i in indexes]
        return np.array(rows, dtype=np.float32).reshape(len(indexes), -1)


def sentence_vectors(sentences: list[Sentence], vocab: Mapping[str, int], weights: np.ndarray) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, sent in enumerate(sentences):
        for w, c in Counter(sent.content).items():
            rows.append(r)
            cols.append(vocab[w])
            vals.append(c * weights[vocab[w]])
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(sentences), len(vocab)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def copy_match(left: Sentence, right: Sentence, ratio: float, cos: float) -> str | None:
    """'verbatim' or 'edited' when one sentence is a copy of the other, else None."""
    if ratio >= VERBATIM_RATIO:
        return "verbatim"
    if ratio >= EDITED_RATIO and min(left.words, right.words) >= MIN_EDITED_WORDS:
        return "edited"
    if min(left.words, right.words) >= MIN_CONTAINED_WORDS and cos >= CONTAINED_MIN_COSINE:
        short, long_ = (left.norm, right.norm) if len(left.norm) <= len(right.norm) else (right.norm, left.norm)
        if fuzz.partial_ratio(short, long_, score_cutoff=CONTAINED_RATIO):
            return "edited"
    return None


def shared_narrative(matches: list[SentenceMatch], left: list[Sentence], right: list[Sentence]) -> tuple[int, int]:
    """How many right sentences share narrative with their match, and how many such words.

    Narrative words count per sentence pair, the smaller side's: a quote that one outlet
    prints inside its own sentence and another prints alone shares no narrative, and a pair
    sharing fewer than MIN_MATCH_WORDS narrative words is not counted as a sentence.
    """
    best: dict[int, int] = {}
    for m in matches:
        shared = min(left[m.left].narrative_words, right[m.right].narrative_words)
        best[m.right] = max(best.get(m.right, 0), shared)
    return sum(1 for w in best.values() if w >= MIN_MATCH_WORDS), sum(best.values())


def fits_between_anchors(i: int, j: int, anchors: list[SentenceMatch]) -> bool:
    """Whether pairing left i with right j keeps the order of the copied sentences around it."""
    before = [a.left for a in anchors if a.right < j]
    after = [a.left for a in anchors if a.right > j]
    return (not before or min(before) <= i) and (not after or i <= max(after))


def near_anchor_diagonal(i: int, j: int, anchors: list[SentenceMatch]) -> bool:
    """Whether left i / right j keep the offset of the copied pair nearest to j (within MAX_ANCHOR_DRIFT)."""
    if not anchors:
        return False
    nearest = min(anchors, key=lambda a: (abs(a.right - j), abs(a.left - i)))
    return abs((j - nearest.right) - (i - nearest.left)) <= MAX_ANCHOR_DRIFT


def order_share(matches: list[SentenceMatch]) -> float:
    """Share of matches in a longest run that keeps the same order on both sides.

    A rewrite follows its source's order; sentences that merely resemble each other across
    two stories on one topic land in any order.
    """
    tails: list[int] = []  # patience sorting: longest non-decreasing subsequence of left indexes
    for m in sorted(matches, key=lambda m: (m.right, m.left)):
        k = bisect.bisect_right(tails, m.left)
        if k == len(tails):
            tails.append(m.left)
        else:
            tails[k] = m.left
    return len(tails) / len(matches) if matches else 0.0


@dataclass
class PendingAlignment:
    """A pair's copied and lexically paraphrased sentences, with the sentence pairs still to be
    judged by embeddings (``rows`` x ``cols`` of the two documents, where ``eligible``)."""

    left: Profile
    right: Profile
    matches: list[SentenceMatch]
    anchors: list[SentenceMatch]  # the copied sentence pairs
    anchored: bool  # copies have shown reuse, so looser paraphrase thresholds apply
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    eligible: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))

    def wanted(self) -> list[tuple[Profile, list[int]]]:
        """The sentences whose vectors the embedding step needs."""
        return [(self.left, self.rows.tolist()), (self.right, self.cols.tolist())] if len(self.rows) else []


def lexical_alignment(left_profile: Profile, right_profile: Profile) -> tuple[PendingAlignment, np.ndarray]:
    """Copied sentence pairs (any number per sentence) and lexically paraphrased ones (mutual
    best only), with the pair's lexical cosine matrix.

    Paraphrase similarity is loose, so a sentence pairs only with the one it is most similar
    to on both sides, and the cosine threshold drops only once copied sentences have shown
    that one document reuses the other.
    """
    left, right = left_profile.sentences, right_profile.sentences
    cos = (left_profile.vectors @ right_profile.vectors.T).toarray()
    if not left or not right:
        return PendingAlignment(left_profile, right_profile, [], [], False), cos
    ratios = cdist([s.norm for s in left], [s.norm for s in right], scorer=fuzz.ratio, workers=1)
    lwords = np.array([s.words for s in left])[:, None]
    rwords = np.array([s.words for s in right])[None, :]
    shortest = np.minimum(lwords, rwords)
    maybe_copy = (shortest >= MIN_MATCH_WORDS) & (
        (ratios >= EDITED_RATIO) | ((shortest >= MIN_CONTAINED_WORDS) & (cos >= CONTAINED_MIN_COSINE))
    )
    matches: list[SentenceMatch] = []
    for i, j in np.argwhere(maybe_copy):
        kind = copy_match(left[i], right[j], float(ratios[i, j]), float(cos[i, j]))
        if kind:
            matches.append(SentenceMatch(int(i), int(j), kind, float(ratios[i, j]) / 100))
    copied_right = {m.right for m in matches}
    anchors = list(matches)
    sentences, narrative = shared_narrative(anchors, left, right)
    anchored = sentences >= MIN_COPIED_SENTENCES and narrative >= MIN_NARRATIVE_WORDS
    best_right = cos.argmax(axis=1)
    best_left = cos.argmax(axis=0)
    for j, rs in enumerate(right):
        i = int(best_left[j])
        if j in copied_right or best_right[i] != j:
            continue
        similar = cos[i, j] >= PARAPHRASE_COSINE or (
            anchored and cos[i, j] >= PARAPHRASE_COSINE_ANCHORED and fits_between_anchors(i, j, anchors)
        )
        if similar and len(set(left[i].content) & set(rs.content)) >= MIN_SHARED_CONTENT_WORDS:
            matches.append(SentenceMatch(i, j, "paraphrase", float(cos[i, j])))
    return PendingAlignment(left_profile, right_profile, matches, anchors, anchored), cos


def embedding_candidates(pending: PendingAlignment, cos: np.ndarray) -> PendingAlignment:
    """The pair with the sentence pairs that embeddings may align: those that no copy or
    lexical paraphrase explains, sharing MIN_SHARED_CONTENT_WORDS_EMBEDDED content words,
    with a lexical cosine of at least EMBED_MIN_LEXICAL_COSINE (only their sentences are
    embedded)."""
    left_profile, right_profile = pending.left, pending.right
    if not left_profile.sentences or not right_profile.sentences:
        return pending
    shared = ((left_profile.vectors != 0).astype(np.int32) @ (right_profile.vectors != 0).astype(np.int32).T).toarray()
    eligible = (shared >= MIN_SHARED_CONTENT_WORDS_EMBEDDED) & (cos >= EMBED_MIN_LEXICAL_COSINE)
    eligible[[m.left for m in pending.matches], :] = False
    eligible[:, [m.right for m in pending.matches]] = False
    words_l = np.array([s.words for s in left_profile.sentences]) >= MIN_MATCH_WORDS
    words_r = np.array([s.words for s in right_profile.sentences]) >= MIN_MATCH_WORDS
    eligible &= words_l[:, None] & words_r[None, :]
    rows, cols = np.flatnonzero(eligible.any(axis=1)), np.flatnonzero(eligible.any(axis=0))
    return replace(pending, rows=rows, cols=cols, eligible=eligible[np.ix_(rows, cols)])


def embedded_paraphrases(pending: PendingAlignment, embedder: SentenceEmbeddings) -> list[SentenceMatch]:
    """Paraphrased sentence pairs by sentence-embedding cosine among the pair's embedding
    candidates; each sentence pairs only with its mutual best."""
    rows, cols = pending.rows, pending.cols
    if not len(rows):
        return []
    block = embedder.of(pending.left, rows.tolist()) @ embedder.of(pending.right, cols.tolist()).T
    similarity = np.where(pending.eligible, block, -1.0)
    best_col, best_row = similarity.argmax(axis=1), similarity.argmax(axis=0)
    pairs: list[SentenceMatch] = []
    for c, j in enumerate(cols):
        r = int(best_row[c])
        i, sim = int(rows[r]), float(similarity[r, c])
        if best_col[r] != c or sim < 0:
            continue
        if sim >= PARAPHRASE_EMBEDDING_COSINE or (
            pending.anchored
            and sim >= PARAPHRASE_EMBEDDING_COSINE_ANCHORED
            and near_anchor_diagonal(i, int(j), pending.anchors)
        ):
            pairs.append(SentenceMatch(i, int(j), "paraphrase", sim))
    return pairs


def may_be_reuse(pending: PendingAlignment, cos: np.ndarray) -> bool:
    """Whether the pair could pass ``PairAlignment.is_reuse`` whatever embeddings add.

    An upper bound on each test, taking every embedding candidate as aligned: embedded
    paraphrases join only sentences that nothing aligned yet, so copied sentences stay as
    they are and each other test can at best reach its bound. A pair that fails here is not
    reuse with or without embeddings, so its sentences need no vectors.
    """
    left, right = pending.left.sentences, pending.right.sentences
    copies = pending.anchors
    copied, copied_words = shared_narrative(copies, left, right)
    if copied >= MIN_COPIED_SENTENCES and copied_words >= MIN_NARRATIVE_WORDS:
        return True
    rows, cols, eligible = pending.rows, pending.cols, pending.eligible
    narrative_l = np.array([left[i].narrative_words for i in rows], dtype=int)
    narrative_r = np.array([right[j].narrative_words for j in cols], dtype=int)
    best_new = (np.where(eligible, np.minimum(narrative_l[:, None], narrative_r[None, :]), 0).max(axis=0)
                if len(rows) else np.zeros(0, dtype=int))
    paraphrases = [m for m in pending.matches if m.kind == "paraphrase"]
    counted, _ = shared_narrative(paraphrases, left, right)
    new_rows_ok = int((eligible & (narrative_l[:, None] >= MIN_MATCH_WORDS)).any(axis=1).sum()) if len(rows) else 0
    if counted + min(new_rows_ok, int((best_new >= MIN_MATCH_WORDS).sum())) < MIN_PARAPHRASE_SENTENCES:
        return False
    _, narrative = shared_narrative(pending.matches, left, right)
    if narrative + int(best_new.sum()) < MIN_NARRATIVE_WORDS:
        return False
    used_l = {m.left for m in pending.matches} | set(rows.tolist())
    used_r = {m.right for m in pending.matches} | set(cols.tolist())
    coverage = min(chars(left[i] for i in used_l) / max(1, chars(left)), chars(right[j] for j in used_r) / max(1, chars(right)))
    if coverage < MIN_PARAPHRASE_COVERAGE:
        return False
    # best mean lexical cosine: the known paraphrases plus the k most similar candidates, any k
    known = [float(cos[m.left, m.right]) for m in paraphrases]
    extra = np.sort(cos[np.ix_(rows, cols)][eligible])[::-1] if len(rows) else np.zeros(0)
    sums = sum(known) + np.concatenate(([0.0], np.cumsum(extra)))
    counts = len(known) + np.arange(len(extra) + 1)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return bool(means.max() >= MIN_MEAN_PARAPHRASE_COSINE)


def pending_alignment(left_profile: Profile, right_profile: Profile, embeddings: bool, skip_non_reuse: bool = False) -> PendingAlignment:
    """Lexical alignment of a pair, with its embedding candidates when ``embeddings``; with
    ``skip_non_reuse``, none for a pair that cannot be reuse anyway (``may_be_reuse``)."""
    pending, cos = lexical_alignment(left_profile, right_profile)
    if not embeddings:
        return pending
    pending = embedding_candidates(pending, cos)
    if skip_non_reuse and not may_be_reuse(pending, cos):
        return replace(pending, rows=pending.rows[:0], cols=pending.cols[:0], eligible=pending.eligible[:0, :0])
    return pending


def finish_alignment(pending: PendingAlignment, embedder: SentenceEmbeddings | None = None) -> list[SentenceMatch]:
    """All aligned sentence pairs: the lexical ones and those embeddings add, in right order."""
    matches = pending.matches + (embedded_paraphrases(pending, embedder) if embedder is not None else [])
    return sorted(matches, key=lambda m: (m.right, m.left))


def align_sentences(
    left_profile: Profile, right_profile: Profile, embedder: SentenceEmbeddings | None = None
) -> list[SentenceMatch]:
    """Copied sentence pairs and paraphrased ones (``lexical_alignment``); paraphrase is also
    judged by sentence embeddings when an ``embedder`` is given."""
    return finish_alignment(pending_alignment(left_profile, right_profile, embedder is not None), embedder)


def merge_passages(
    matches: list[SentenceMatch], left: list[Sentence], right: list[Sentence]
) -> list[tuple[int, int, int, int]]:
    """Aligned sentences that follow each other on both sides become one passage."""
    passages: list[list[int]] = []  # [l_first, l_last, r_first, r_last] sentence indexes
    for m in sorted(matches, key=lambda m: (m.right, m.left)):
        if passages:
            p = passages[-1]
            if m.right == p[3] + 1 and m.left in (p[1], p[1] + 1) and m.left >= p[0]:
                p[1], p[3] = m.left, m.right
                continue
        passages.append([m.left, m.left, m.right, m.right])
    return [(left[a].start, left[b].end, right[c].start, right[d].end) for a, b, c, d in passages]


def chars(sentences: Iterable[Sentence]) -> int:
    return sum(s.end - s.start for s in sentences)


def align(
    left_doc: Document,
    right_doc: Document,
    profiles: Mapping[str, Profile] | None = None,
    embedder: SentenceEmbeddings | None = None,
) -> PairAlignment:
    """Align two documents sentence by sentence; ``profiles`` come from ``profile_documents``.

    Without profiles the pair is profiled alone, with an IDF from the two documents only.
    ``embedder`` judges paraphrase by sentence embeddings (lexical cosine without one).
    """
    if not profiles or left_doc.id not in profiles or right_doc.id not in profiles:
        profiles = profile_documents([left_doc, right_doc])
    lp, rp = profiles[left_doc.id], profiles[right_doc.id]
    return pair_alignment(lp, rp, align_sentences(lp, rp, embedder))


def pair_alignment(lp: Profile, rp: Profile, matches: list[SentenceMatch]) -> PairAlignment:
    """What the aligned sentence pairs of two profiled documents say about reuse."""
    left, right = lp.sentences, rp.sentences
    result = PairAlignment(lp.doc_id, rp.doc_id, matches)
    if not matches:
        return result
    result.passages = merge_passages(matches, left, right)
    left_used = {m.left for m in matches}
    right_used = {m.right for m in matches}
    left_para = {m.left for m in matches if m.kind == "paraphrase"} - {m.left for m in matches if m.kind != "paraphrase"}
    right_para = {m.right for m in matches if m.kind == "paraphrase"}
    l_aligned, r_aligned = chars(left[i] for i in left_used), chars(right[j] for j in right_used)
    result.left_coverage = l_aligned / max(1, chars(left))
    result.right_coverage = r_aligned / max(1, chars(right))
    result.left_paraphrase_share = chars(left[i] for i in left_para) / max(1, l_aligned)
    result.right_paraphrase_share = chars(right[j] for j in right_para) / max(1, r_aligned)
    _, result.narrative_words = shared_narrative(matches, left, right)
    copies = [m for m in matches if m.kind != "paraphrase"]
    result.copied_sentences, result.copied_narrative_words = shared_narrative(copies, left, right)
    result.order_share = order_share(matches)
    # lexical cosine even for pairs found by embeddings: the link gate was set on it
    para_sims = [float(lp.vectors[m.left].multiply(rp.vectors[m.right]).sum()) for m in matches if m.kind == "paraphrase"]
    result.paraphrase_similarity = sum(para_sims) / len(para_sims) if para_sims else 0.0
    result.paraphrased_sentences, _ = shared_narrative([m for m in matches if m.kind == "paraphrase"], left, right)
    result.left_quoted_words = sum(left[i].quoted_words for i in left_para)
    result.right_quoted_words = sum(right[j].quoted_words for j in right_para)
    return result


# ============================================================================================
# direction
# ============================================================================================


def wire_credit(doc: Document) -> str | None:
    """The wire credit in the dateline or first paragraph, if any."""
    first = doc.paragraphs[0] if doc.paragraphs else None
    lead = doc.clean_text[first.start : first.end] if first else doc.clean_text.split("\n", 1)[0]
    texts = [doc.dateline or "", lead[:WIRE_CREDIT_LEAD_CHARS]]
    for text in texts:
        for pattern in WIRE_CREDIT_PATTERNS:
            for m in pattern.finditer(text):
                if not CITED_AGENCY_RE.search(text[max(0, m.start() - 30) : m.start()]):
                    return m.group()
    return None


def copy_chrome(doc: Document) -> str | None:
    """A removed page line that marks an aggregator's copy ("Source link"), if any."""
    for line in doc.removed_lines:
        low = " ".join(line.lower().split())
        for marker in COPY_CHROME_MARKERS:
            if marker in low:
                return line.strip()[:80]
    return None


def certain_date(doc: Document) -> str | None:
    p = doc.published
    return p.value if p is not None and p.certain and p.value else None


def choose_original(
    a: Document, b: Document, alignment: PairAlignment | None = None
) -> tuple[Document, list[str]]:
    """Which of two reusing documents is the original, with the evidence for the choice.

    Signals vote with weights: earlier certain publication date, a wire credit, aggregator
    chrome on the other, containment (the copy wraps the source in its own text) and direct
    quoting (a paraphrase turns the original's quotes into reported speech). ``alignment``,
    computed with ``a`` on the left, enables the last two. Ties go to the smaller id.
    """
    votes = 0  # > 0: a is the original
    evidence: list[str] = []
    da, db = certain_date(a), certain_date(b)
    if da and db and da != db:
        earlier, later = (a, b) if da < db else (b, a)
        votes += WEIGHT_DATE if earlier is a else -WEIGHT_DATE
        evidence.append(f"{earlier.id} published earlier ({min(da, db)} vs {max(da, db)})")
    wa, wb = wire_credit(a), wire_credit(b)
    if bool(wa) != bool(wb):
        votes += WEIGHT_WIRE_CREDIT if wa else -WEIGHT_WIRE_CREDIT
        evidence.append(f"{a.id if wa else b.id} carries wire credit {wa or wb!r}")
    ca, cb = copy_chrome(a), copy_chrome(b)
    if bool(ca) != bool(cb):
        votes += -WEIGHT_COPY_CHROME if ca else WEIGHT_COPY_CHROME
        evidence.append(f"{a.id if ca else b.id} has aggregator chrome {ca or cb!r}")
    if alignment is not None:
        lc, rc = alignment.left_coverage, alignment.right_coverage
        if lc >= CONTAINMENT_MIN and rc <= CONTAINMENT_MAX_OTHER:
            votes += WEIGHT_CONTAINMENT
            evidence.append(f"{b.id} contains {lc:.0%} of {a.id} and adds its own text")
        elif rc >= CONTAINMENT_MIN and lc <= CONTAINMENT_MAX_OTHER:
            votes -= WEIGHT_CONTAINMENT
            evidence.append(f"{a.id} contains {rc:.0%} of {b.id} and adds its own text")
        lq, rq = alignment.left_quoted_words, alignment.right_quoted_words
        if lq != rq:
            quoter = a if lq > rq else b
            votes += WEIGHT_QUOTING if quoter is a else -WEIGHT_QUOTING
            evidence.append(f"{quoter.id} quotes directly where the other paraphrases ({max(lq, rq)} vs {min(lq, rq)} quoted words)")
    if votes == 0:
        original = min(a, b, key=lambda d: d.id)
        evidence.append(f"no deciding evidence; tie broken by id: {original.id}")
        return original, evidence
    return (a if votes > 0 else b), evidence


# ============================================================================================
# candidate generation
# ============================================================================================


def content_stem(word: str) -> str | None:
    """The stem a lower-case token contributes to content-word sets, or None for a stop word."""
    if word in STOP_WORDS or not (len(word) > 2 or word.isdigit()):
        return None
    return stem(word.replace("'s", ""))


def new_candidate_index() -> sketch.CandidateIndex:
    return sketch.CandidateIndex(SHINGLE_LSH_THRESHOLD, MAX_CONTENT_CANDIDATES, CONTENT_LSH_THRESHOLD, MIN_SHARED_FINGERPRINTS, MAX_FINGERPRINT_POSTINGS)


def new_token_table() -> sketch.TokenTable:
    return sketch.TokenTable(content_stem)


def sketch_documents(docs: list[Document], table: sketch.TokenTable) -> sketch.BatchSketch:
    """Shingles, content words and excerpt fingerprints of documents, from their clean text."""
    texts = [d.clean_text for d in docs]
    return sketch.sketch_texts(texts, table, MAX_TOKENS, SHINGLE_WORDS, FINGERPRINT_WORDS, FINGERPRINT_SAMPLE_MOD)


@dataclass
class Candidates:
    """What one pass over the documents finds: exact duplicates, pairs worth aligning,
    content-word document frequencies (stem hash -> documents) and which documents repeat a
    passage internally."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    duplicate_of: dict[str, str] = field(default_factory=dict)  # id -> first document with the same text
    document_frequency: Counter[int] = field(default_factory=Counter)
    repeating: set[str] = field(default_factory=set)


def candidate_pairs(
    docs: list[Document],
    index: sketch.CandidateIndex | None = None,
    table: sketch.TokenTable | None = None,
    batch_size: int = CANDIDATE_BATCH,
) -> Candidates:
    """Exact duplicates and pairs worth aligning, from hash, LSH and fingerprint indexes;
    never all pairs.

    Documents are added to ``index`` in batches (a new index unless one is given: pass the
    same index and table again to add documents to a corpus without re-sketching what it
    holds; pairs and duplicates then include earlier documents). An exact duplicate is not
    indexed: it stands for the first document with its text.
    """
    index = index if index is not None else new_candidate_index()
    table = table if table is not None else new_token_table()
    found = Candidates()
    for start in range(0, len(docs), batch_size):
        batch = docs[start : start + batch_size]
        sketches = sketch_documents(batch, table)
        found.repeating.update(d.id for d, r in zip(batch, sketches.repeats) if r)
        keep = np.ones(len(batch), dtype=bool)
        for k, (doc, text, words) in enumerate(zip(batch, sketches.texts.tolist(), sketches.shingle_sizes)):
            first = index.texts.setdefault(text, doc.id) if words else doc.id
            if first != doc.id:
                found.duplicate_of[doc.id] = first
                keep[k] = False
        kept = [d for d, k in zip(batch, keep) if k]
        sketches = sketches.subset(keep)
        values, counts = sketch.run_lengths(sketches.content)
        found.document_frequency.update(dict(zip(values.tolist(), counts.tolist())))
        for a, b in index.add(sketches, [d.id for d in kept]):
            x, y = index.ids[a], index.ids[b]
            if x != y:
                found.pairs.add((min(x, y), max(x, y)))
    return found


# ============================================================================================
# internal duplicates
# ============================================================================================


def repeated_runs(tokens: list[str]) -> list[tuple[int, int, int, int]]:
    """Token runs (first_start, first_end, second_start, second_end) that occur twice.

    Word n-grams seen before seed a run that is extended while the words agree; runs of
    the same two copies separated by a few differing words merge (a near repeat).
    """
    n, k = len(tokens), min(FINGERPRINT_WORDS, INTERNAL_MIN_WORDS)
    first_seen: dict[tuple[str, ...], int] = {}
    runs: list[list[int]] = []
    i = 0
    while i + k <= n:
        gram = tuple(tokens[i : i + k])
        p = first_seen.get(gram)
        if p is not None and p + k <= i:
            length = k
            while i + length < n and p + length < i and tokens[p + length] == tokens[i + length]:
                length += 1
            if runs and 0 <= p - runs[-1][1] <= INTERNAL_MAX_GAP and 0 <= i - runs[-1][3] <= INTERNAL_MAX_GAP:
                runs[-1][1], runs[-1][3] = p + length, i + length
            else:
                runs.append([p, p + length, i, i + length])
            for j in range(i, i + length):
                first_seen.setdefault(tuple(tokens[j : j + k]), j)
            i += length
            continue
        first_seen.setdefault(gram, i)
        i += 1
    return [tuple(r) for r in runs if r[1] - r[0] >= INTERNAL_MIN_WORDS]  # type: ignore[misc]


def internal_duplicates(doc: Document) -> ReuseLink | None:
    """A link from the document to itself when it repeats a passage (a quote pasted twice)."""
    toks = tokens_with_offsets(doc.clean_text)
    runs = repeated_runs([t for t, _, _ in toks])
    if not runs:
        return None
    spans = [(toks[a][1], toks[b - 1][2], toks[c][1], toks[d - 1][2]) for a, b, c, d in runs]
    repeated = sum(d - c for _, _, c, d in spans)
    return ReuseLink(
        source_document_id=doc.id,
        target_document_id=doc.id,
        kind="internal",
        score=round(repeated / max(1, len(doc.clean_text)), 4),
        spans=spans,
        evidence=[f"passage of {b - a} words repeated inside the document" for a, b, _, _ in runs],
    )


# ============================================================================================
# public API
# ============================================================================================


def link_kind(al: PairAlignment, target_is_left: bool) -> str:
    target_cov, source_cov = (al.left_coverage, al.right_coverage) if target_is_left else (al.right_coverage, al.left_coverage)
    share = al.left_paraphrase_share if target_is_left else al.right_paraphrase_share
    if share >= PARAPHRASE_SHARE:
        return "paraphrase"
    if target_cov >= NEAR_COVERAGE and source_cov >= NEAR_COVERAGE:
        return "near"
    return "copy"


def orient(passages: list[tuple[int, int, int, int]], target_is_left: bool) -> list[tuple[int, int, int, int]]:
    """Passages as (source_start, source_end, target_start, target_end)."""
    oriented = [(c, d, a, b) for a, b, c, d in passages] if target_is_left else list(passages)
    return sorted(oriented, key=lambda p: (p[2], p[0]))


def exact_groups(docs: list[Document], duplicate_of: Mapping[str, str]) -> list[list[Document]]:
    """Documents with the same normalised text, each group sorted by id."""
    by_first: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.id in duplicate_of:
            by_first[duplicate_of[doc.id]].append(doc)
    by_id = {d.id: d for d in docs}
    return [sorted([by_id[first], *dups], key=lambda d: d.id) for first, dups in by_first.items()]


# ``encoder`` value asking find_reuse to load the sentence-embedding model if it is installed.
LOAD_ENCODER = "installed"


def pair_links(
    pairs: list[tuple[str, str]], by_id: Mapping[str, Document], profiles: Mapping[str, Profile], embedder: SentenceEmbeddings | None
) -> list[ReuseLink]:
    """The links of candidate pairs that reuse text, each from its original to the reuser.

    Every pair is aligned lexically first, so the sentences embeddings must judge are embedded
    together in one encoder call; pairs that cannot be reuse ask for none.
    """
    pending = [pending_alignment(profiles[x], profiles[y], embedder is not None, skip_non_reuse=True) for x, y in pairs]
    if embedder is not None:
        embedder.prepare(wanted for p in pending for wanted in p.wanted())
    links = []
    for (x, y), pair in zip(pairs, pending):
        left, right = by_id[x], by_id[y]
        al = pair_alignment(pair.left, pair.right, finish_alignment(pair, embedder))
        if not al.is_reuse():
            continue
        original, evidence = choose_original(left, right, al)
        target_is_left = original is right
        links.append(
            ReuseLink(
                source_document_id=original.id,
                target_document_id=(left if target_is_left else right).id,
                kind=link_kind(al, target_is_left),
                score=round(al.left_coverage if target_is_left else al.right_coverage, 4),
                spans=orient(al.passages, target_is_left),
                evidence=evidence,
            )
        )
    return links


def find_reuse(
    docs: list[Document],
    involving: set[str] | None = None,
    found: Candidates | None = None,
    encoder: SentenceEncoder | SentenceEmbeddings | str | None = LOAD_ENCODER,
) -> list[ReuseLink]:
    """All reuse among the documents: exact, near, copy, paraphrase and internal links.

    With ``involving``, only the links that touch one of those documents (candidates and
    word statistics still come from all documents, so those links are the ones a full run
    makes); ``found`` passes candidates already computed for ``docs``. ``encoder`` judges
    paraphrase by sentence embeddings: by default the model is loaded when its packages are
    installed and there are pairs to align; None aligns paraphrase lexically; a
    ``SentenceEmbeddings`` reuses (and keeps) the embeddings it already holds.
    """
    links: list[ReuseLink] = []
    by_id = {d.id: d for d in docs}
    found = found if found is not None else candidate_pairs(docs)
    stands_for: dict[str, str] = {}  # first document of an exact group -> the group's original
    for group in exact_groups(docs, found.duplicate_of):
        if involving is not None and not any(d.id in involving for d in group):
            continue
        original = group[0]
        for other in group[1:]:
            chosen, evidence = choose_original(original, other)
            if chosen is other:
                original = other
        stands_for[next(d.id for d in group if d.id not in found.duplicate_of)] = original.id
        for other in group:
            if other is original:
                continue
            _, evidence = choose_original(original, other)
            n = len(other.clean_text)
            links.append(ReuseLink(original.id, other.id, "exact", 1.0, [(0, len(original.clean_text), 0, n)], evidence))

    pairs = sorted({tuple(sorted((stands_for.get(x, x), stands_for.get(y, y)))) for x, y in found.pairs})
    if involving is not None:
        pairs = [(x, y) for x, y in pairs if x in involving or y in involving]
    involved = sorted({x for pair in pairs for x in pair})
    unique = len(docs) - len(found.duplicate_of)
    profiles = profile_documents([by_id[x] for x in involved], found.document_frequency, unique)
    if encoder == LOAD_ENCODER:
        encoder = try_load_encoder() if pairs else None
    embedder = encoder if isinstance(encoder, SentenceEmbeddings) else None
    if isinstance(encoder, SentenceEncoder):
        embedder = SentenceEmbeddings(encoder)
    links += pair_links(pairs, by_id, profiles, embedder)
    for doc in docs:
        # only documents where some word 8-gram recurs can repeat a 10-word passage
        wanted = doc.id in found.repeating and (involving is None or doc.id in involving)
        link = internal_duplicates(doc) if wanted else None
        if link is not None:
            links.append(link)
    return links


def update_reuse(
    previous: list[ReuseLink],
    docs: list[Document],
    new_ids: set[str],
    encoder: SentenceEncoder | SentenceEmbeddings | str | None = LOAD_ENCODER,
) -> list[ReuseLink]:
    """The links of ``docs`` after ``new_ids`` joined them, from the ``previous`` links.

    Sketching every document again is the cheap part; only pairs touching a new document
    (or an exact duplicate of one, whose group's original may change) are aligned, so adding
    a batch costs that batch's alignments. Those links are the ones a full run makes; earlier
    links stand as they were computed (word weights of the smaller corpus then, so a few
    scores and spans differ slightly from a rebuild's).
    """
    found = candidate_pairs(docs)
    touched = set(new_ids)
    for group in exact_groups(docs, found.duplicate_of):
        if any(d.id in new_ids for d in group):
            touched.update(d.id for d in group)
    kept = [link for link in previous if link.source_document_id not in touched and link.target_document_id not in touched]
    return kept + find_reuse(docs, touched, found, encoder)


class DisjointSets:
    """Union-find over ids; each set is named by its smallest id, so results do not depend on order."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def groups(self) -> list[list[str]]:
        """Every set of two or more ids, each sorted, largest first."""
        by_root: dict[str, list[str]] = defaultdict(list)
        for x in list(self.parent):
            by_root[self.find(x)].append(x)
        return sorted((sorted(g) for g in by_root.values() if len(g) > 1), key=lambda g: (-len(g), g))


def independent_sources(
    document_ids: list[str], links: list[ReuseLink], outlet_of: dict[str, str | None] | None = None
) -> int:
    """How many independent sources the documents amount to.

    Documents connected by reuse (through any document, even one not listed: two copies of
    the same wire story are one source) count once, and so do documents of the same known
    outlet. Counting for many groups, build ``reuse_components`` once and use ``count_sources``.
    """
    return count_sources(document_ids, reuse_components(links), outlet_of)


def reuse_components(links: list[ReuseLink]) -> DisjointSets:
    """Documents joined by reuse, directly or through others: each set is one source."""
    sets = DisjointSets()
    for link in links:
        if link.kind != "internal":
            sets.union(link.source_document_id, link.target_document_id)
    return sets


def count_sources(document_ids: list[str], components: DisjointSets, outlet_of: dict[str, str | None] | None = None) -> int:
    """``independent_sources`` over reuse components built once (their sets are not changed)."""
    sets = DisjointSets()
    find, union = sets.find, sets.union
    for doc_id in document_ids:
        union(doc_id, components.find(doc_id))
    by_outlet: dict[str, str] = {}
    for doc_id in document_ids:
        outlet = (outlet_of or {}).get(doc_id)
        if outlet:
            key = outlet.strip().lower()
            if key in by_outlet:
                union(doc_id, by_outlet[key])
            by_outlet.setdefault(key, doc_id)
    return len({find(d) for d in document_ids})


def source_of(docs: list[Document], links: list[ReuseLink]) -> dict[str, str]:
    """Each document's ultimate original: follow the strongest reuse link upward to the root.

    A document copied from two sources follows its highest-scoring link; a cycle (possible
    when pairwise evidence disagrees) ends at the smallest id on it.
    """
    parent: dict[str, str] = {}
    for link in sorted(links, key=lambda l: (-l.score, l.source_document_id)):
        if link.kind != "internal" and link.source_document_id != link.target_document_id:
            parent.setdefault(link.target_document_id, link.source_document_id)
    result = {}
    for doc in docs:
        path, node = [doc.id], doc.id
        while node in parent:
            node = parent[node]
            if node in path:
                cycle = path[path.index(node) :]
                node = min(cycle)
                break
            path.append(node)
        result[doc.id] = node
    return result

