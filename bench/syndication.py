"""Synthetic syndication from real article text, shared by the provenance benchmarks.

Real article bodies (AEB and WCXB ground truth, PolNeAR texts) are copied the way
aggregators and rewriters copy: boilerplate added, paragraphs dropped or reordered,
headline and lead rewritten, lines re-wrapped, typos, a few paragraphs pasted into another
story, and whole sentence-level rewrites. Every generated sentence remembers which source
sentence it came from, so pair labels and aligned spans are known exactly. Hard negatives:
independent stories that print the same quoted sentence (an article's quote pasted into
another story, or into an ECB+ report of the other event of its topic).
``in_part`` splits articles and ECB+ topics into a tune and a check half.

Everything is driven by a seeded ``random.Random``: the same seed gives the same set.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import textwrap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
AEB_TRUTH = DATA / "extraction" / "aeb" / "ground-truth.json"
WCXB_TRUTH = DATA / "extraction" / "wcxb-dev-articles" / "ground-truth"
POLNEAR_TEXT = DATA / "quotes" / "polnear"
ECBPLUS = DATA / "clustering" / "ecbplus" / "ecbplus_docs.jsonl"

# Articles used as originals: long enough to be news stories, short enough to stay typical.
MIN_ARTICLE_WORDS = 250
MAX_ARTICLE_WORDS = 2500
MIN_PARAGRAPHS = 5
# News is prose: most paragraphs end a sentence (event listings, menus and tables do not).
MIN_PROSE_SHARE = 0.7
PROSE_ENDINGS = tuple('.!?"”’)')
# Two pool articles sharing this many word 10-grams are (partly) the same text already
# (wire copy printed by two PolNeAR outlets, a site's standard blurb): keep only the first,
# so unrelated-by-construction pairs really are unrelated.
POOL_SHARED_GRAMS = 2
POOL_GRAM_WORDS = 10

# An excerpt is a few paragraphs of prose: at least this many words.
MIN_EXCERPT_WORDS = 60

SENTENCE_RE = re.compile(r"[^.!?]+(?:[.!?]+['\"’”)]*|$)")
WORD_RE = re.compile(r"\w+")

BOILERPLATE_HEAD = (
    "Share this article",
    "Advertisement",
    "Facebook Twitter LinkedIn Email",
    "Listen to this article",
    "Sign up for our newsletter",
)
BOILERPLATE_TAIL = (
    "Source link",
    "Copyright {year} {site}. All rights reserved.",
    "Read more at {site}",
    "This article was auto-generated from a syndicated feed.",
    "Follow us on Twitter and Facebook for the latest updates.",
    "Related: More stories from {site}",
)
SITES = ("Daily Digest", "NewsNow Hub", "World Report Online", "The Morning Wire", "Metro Bulletin")

# Word substitutions a rewriter makes (both directions are used).
SYNONYMS = {
    "said": ["stated", "noted"], "says": ["states", "notes"], "told": ["informed"],
    "announced": ["declared", "unveiled"], "increase": ["rise", "growth"], "decrease": ["drop", "decline"],
    "government": ["administration", "authorities"], "people": ["individuals", "residents"],
    "because": ["since", "as"], "however": ["but", "yet"], "about": ["around", "roughly"],
    "help": ["assist", "aid"], "large": ["big", "major"], "big": ["large", "major"], "show": ["indicate", "reveal"],
    "shows": ["indicates", "reveals"], "buy": ["purchase", "acquire"], "start": ["begin", "launch"],
    "started": ["began", "launched"], "end": ["finish", "conclude"], "ended": ["finished", "concluded"],
    "also": ["additionally", "likewise"], "many": ["numerous", "several"], "important": ["key", "significant"],
    "new": ["fresh", "latest"], "make": ["create", "produce"], "made": ["created", "produced"],
    "use": ["employ", "utilise"], "used": ["employed", "utilised"], "get": ["obtain", "receive"],
    "got": ["obtained", "received"], "think": ["believe", "reckon"], "thinks": ["believes"],
    "want": ["wish", "seek"], "wants": ["wishes", "seeks"], "country": ["nation"], "countries": ["nations"],
    "city": ["town"], "company": ["firm", "business"], "companies": ["firms", "businesses"],
    "week": ["seven days"], "year": ["twelve months"], "before": ["prior to"], "after": ["following"],
    "during": ["throughout"], "while": ["whereas"], "small": ["little", "minor"], "good": ["positive", "favourable"],
    "bad": ["negative", "poor"], "problem": ["issue", "difficulty"], "problems": ["issues", "difficulties"],
    "plan": ["scheme", "proposal"], "plans": ["schemes", "proposals"], "support": ["backing", "endorsement"],
    "meeting": ["gathering", "session"], "officials": ["authorities", "representatives"],
    "including": ["such as"], "percent": ["per cent"], "according": ["as reported"],
    "asked": ["questioned"], "called": ["described"], "need": ["require"], "needs": ["requires"],
    "found": ["discovered"], "expected": ["anticipated", "predicted"], "million": ["mn"], "nearly": ["almost"],
    "recent": ["latest"], "recently": ["lately"], "major": ["significant", "leading"], "leader": ["head", "chief"],
    "leaders": ["heads", "chiefs"], "began": ["started"], "trying": ["attempting"], "tried": ["attempted"],
}
# Words a rewriter drops freely.
# Rewrites: share of ordinary words dropped, and chance of a filler word after each word.
REWRITE_DROP = 0.15
REWRITE_INSERT = 0.08
FILLERS = ("reportedly", "now", "further", "indeed", "clearly", "currently", "in fact")
CONNECTIVES = ("Meanwhile,", "Notably,", "In addition,", "At the same time,", "Separately,", "Moreover,")
DROPPABLE = frozenset("very also just still really even that the a quite already currently now".split())


@dataclass
class Article:
    """A real article: its id and its paragraphs, each a list of sentences."""

    id: str
    paragraphs: list[list[str]]
    title: str = ""

    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


@dataclass
class Piece:
    """A generated sentence and the source sentence index it derives from (None: its own text)."""

    text: str
    origin: int | None = None


@dataclass
class Generated:
    """A generated document: raw text, where its sentences sit, and where they come from."""

    id: str
    raw: str
    kind: str  # original | copy | excerpt | rewrite | negative
    family: str | None  # id of the original it derives from (or is)
    source_spans: list[tuple[int, int, int]] = field(default_factory=list)  # (raw_start, raw_end, source sentence)
    transforms: tuple[str, ...] = ()
    group: str | None = None  # ECB+ event label, for hard negatives
    borrowed_quote_from: str | None = None  # id of an independent story whose quote this one carries

    def derived(self) -> set[int]:
        return {o for _, _, o in self.source_spans}


# --- reading real articles -------------------------------------------------------------------


def split_paragraph(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(" ".join(paragraph.split())) if len(s.split()) >= 1 and s.strip()]


def make_article(article_id: str, body: str, title: str = "") -> Article | None:
    paragraphs = [split_paragraph(p) for p in body.split("\n") if len(p.split()) >= 3]
    paragraphs = [p for p in paragraphs if p]
    words = sum(len(s.split()) for p in paragraphs for s in p)
    prose = sum(1 for p in paragraphs if p[-1][-1:] in PROSE_ENDINGS) / max(1, len(paragraphs))
    if prose < MIN_PROSE_SHARE or len(paragraphs) < MIN_PARAGRAPHS or not MIN_ARTICLE_WORDS <= words <= MAX_ARTICLE_WORDS:
        return None
    return Article(article_id, paragraphs, title)


def read_bodies() -> Iterator[tuple[str, str, str]]:
    """(id, body, title) of every real article body available, in a fixed order."""
    if AEB_TRUTH.exists():
        for key, value in sorted(json.loads(AEB_TRUTH.read_text(encoding="utf-8")).items()):
            yield f"aeb-{key}", value.get("articleBody") or "", ""
    for path in sorted(WCXB_TRUTH.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        yield f"wcxb-{path.stem}", truth.get("main_content") or "", truth.get("title") or ""
    for path in sorted(POLNEAR_TEXT.glob("*/text/*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        yield f"polnear-{path.stem}", "\n".join(lines[1:]), lines[0]


def grams(text: str, n: int = POOL_GRAM_WORDS) -> set[int]:
    words = WORD_RE.findall(text.lower())
    return {hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)}


def load_pool(part: str = "all") -> list[Article]:
    """Real articles that share no passage with each other (of one half, see ``in_part``)."""
    pool: list[Article] = []
    seen: dict[int, int] = {}
    for article_id, body, title in read_bodies():
        if not in_part(article_id, part):
            continue
        article = make_article(article_id, body, title)
        if article is None:
            continue
        g = grams(body)
        if sum(1 for h in g if h in seen) >= POOL_SHARED_GRAMS:
            continue
        for h in g:
            seen[h] = len(pool)
        pool.append(article)
    return pool


def in_part(key: str, part: str) -> bool:
    """Whether an article or topic belongs to the ``tune`` or ``check`` half (``all``: both).

    A stable hash of the key splits every data set in two, so thresholds are chosen on one
    half and reported on the other.
    """
    return part == "all" or (zlib.crc32(key.encode("utf-8")) % 2 == 0) == (part == "tune")


def load_ecbplus(topics: int, rng: random.Random, part: str = "all") -> list[Generated]:
    """ECB+ reports of ``topics`` topics (two events of one kind each): hard negatives."""
    records = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    available = sorted({r["topic"] for r in records if in_part(f"ecb-topic-{r['topic']}", part)})
    chosen = sorted(rng.sample(available, min(topics, len(available))))
    docs = []
    for r in records:
        if r["topic"] in chosen:
            text = detokenise(r["text"])
            docs.append(Generated(f"ecb-{r['doc_id']}", text, "negative", None, group=str(r["subtopic"])))
    return docs


def detokenise(text: str) -> str:
    """ECB+ text is tokenised ("word , word"); glue punctuation back as a page would print it."""
    text = re.sub(r" ([.,;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    text = text.replace("`` ", '"').replace(" ''", '"').replace(" 's", "'s").replace(" n't", "n't")
    return text


# --- transformations -------------------------------------------------------------------------


def keep_case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def strip_punct(word: str) -> str:
    return word.strip(".,;:!?\"'“”‘’()")


def paraphrase_sentence(sentence: str, rng: random.Random) -> str:
    """A sentence-level rewrite: synonyms, words dropped and added, a clause moved, a connective.

    Quoted speech stays verbatim (rewriters keep quotes), the narrative around it changes.
    Tuned so a rewritten article's 5-shingle Jaccard with its source is mostly below 0.1.
    """
    if any(q in sentence for q in '"“”'):
        return sentence
    out = []
    for i, word in enumerate(sentence.split()):
        core = strip_punct(word)
        low, ends = core.lower(), word[-1:] in ".,;:!?"
        if i > 0 and not ends and (low in DROPPABLE and rng.random() < 0.6 or not core[:1].isupper() and rng.random() < REWRITE_DROP):
            continue
        if low in SYNONYMS and rng.random() < 0.9:
            word = word.replace(core, keep_case(core, rng.choice(SYNONYMS[low])), 1)
        out.append(word)
        if i > 0 and not ends and rng.random() < REWRITE_INSERT:
            out.append(rng.choice(FILLERS))
    text = " ".join(out)
    head, sep, tail = text.partition(", ")
    if sep and len(head.split()) >= 3 and len(tail.split()) >= 3 and rng.random() < 0.7:
        end = tail[-1] if tail[-1] in ".!?" else "."
        tail = tail.rstrip(".!?")
        first = head.split()[0]
        if not (first.isupper() or first == "I" or first[1:2].isupper()):
            head = head[0].lower() + head[1:]
        text = f"{tail[0].upper()}{tail[1:]}, {head}{end}"
    if rng.random() < 0.3 and text:
        first = text.split()[0]
        lowered = text if first.isupper() or first[1:2].isupper() else text[0].lower() + text[1:]
        text = f"{rng.choice(CONNECTIVES)} {lowered}"
    return text


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def with_typos(text: str, rate: float, rng: random.Random) -> str:
    return " ".join(typo(w, rng) if rng.random() < rate else w for w in text.split(" "))


def numbered(article: Article) -> list[list[Piece]]:
    out, n = [], 0
    for para in article.paragraphs:
        out.append([Piece(s, n + k) for k, s in enumerate(para)])
        n += len(para)
    return out


def headline(article: Article, rng: random.Random) -> str:
    """A new headline made of the lead's words, the way a copier retitles a story."""
    words = [w.strip(".,;:\"“”") for w in article.paragraphs[0][0].split()][: rng.randrange(6, 11)]
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def render(doc_id: str, head: list[str], paragraphs: list[list[Piece]], tail: list[str], wrap: int | None,
           kind: str, family: str, transforms: tuple[str, ...]) -> Generated:
    """Raw text with blank lines between paragraphs; records where derived sentences sit."""
    raw, spans = "", []
    for line in head:
        raw += line + "\n\n"
    for para in paragraphs:
        if not para:
            continue
        pieces = []
        for piece in para:
            start = len(raw) + sum(len(p) + 1 for p in pieces)
            pieces.append(piece.text)
            if piece.origin is not None:
                spans.append((start, start + len(piece.text), piece.origin))
        text = " ".join(pieces)
        if wrap:
            wrapped = textwrap.fill(text, wrap, break_long_words=False, break_on_hyphens=False)
            assert len(wrapped) == len(text)  # wrapping swaps spaces for newlines only: offsets hold
            text = wrapped
        raw += text + "\n\n"
    for line in tail:
        raw += line + "\n\n"
    return Generated(doc_id, raw.rstrip("\n") + "\n", kind, family, spans, transforms)


COPY_TRANSFORMS = ("boilerplate", "drop", "reorder", "relead", "rewrap", "typos")


def copy_of(article: Article, doc_id: str, rng: random.Random, transforms: tuple[str, ...]) -> Generated:
    """A syndicated copy with the given transformations."""
    paras = numbered(article)
    head: list[str] = []
    tail: list[str] = []
    site = rng.choice(SITES)
    if "drop" in transforms:
        k = max(1, int(len(paras) * rng.uniform(0.2, 0.4)))
        dropped = set(rng.sample(range(1, len(paras)), min(k, len(paras) - 3)))
        paras = [p for i, p in enumerate(paras) if i not in dropped]
    if "reorder" in transforms:
        body = paras[1:]
        for _ in range(max(1, len(body) // 4)):
            i, j = rng.randrange(len(body)), rng.randrange(len(body))
            body[i], body[j] = body[j], body[i]
        paras = paras[:1] + body
    if "relead" in transforms:
        head.append(headline(article, rng))
        paras[0] = [Piece(paraphrase_sentence(p.text, rng), p.origin) for p in paras[0]]
    if "typos" in transforms:
        paras = [[Piece(with_typos(p.text, 0.03, rng), p.origin) for p in para] for para in paras]
    if "boilerplate" in transforms:
        head += rng.sample(BOILERPLATE_HEAD, 2)
        tail += [t.format(year=rng.randrange(2015, 2025), site=site) for t in rng.sample(BOILERPLATE_TAIL, 2)]
    wrap = rng.randrange(60, 78) if "rewrap" in transforms else None
    return render(doc_id, head, paras, tail, wrap, "copy", article.id, transforms)


def excerpt_of(article: Article, host: Article, doc_id: str, rng: random.Random) -> Generated:
    """A few consecutive paragraphs of ``article`` pasted into ``host``, another story."""
    paras = numbered(article)
    k = rng.randrange(2, 4)
    starts = [i for i in range(len(paras) - k + 1) if sum(len(p.text.split()) for q in paras[i : i + k] for p in q) >= MIN_EXCERPT_WORDS]
    start = rng.choice(starts) if starts else 0
    pasted = paras[start : start + k]
    host_paras = [[Piece(s) for s in p] for p in host.paragraphs]
    at = rng.randrange(1, len(host_paras))
    body = host_paras[:at] + pasted + host_paras[at:]
    head = [host.title] if host.title else []
    return render(doc_id, head, body, [], None, "excerpt", article.id, ("excerpt",))


def rewrite_of(article: Article, doc_id: str, rng: random.Random) -> Generated:
    """A sentence-by-sentence rewrite: every sentence paraphrased, some dropped, a new headline."""
    paras = []
    for para in numbered(article):
        kept = [Piece(paraphrase_sentence(p.text, rng), p.origin) for p in para if rng.random() >= 0.1]
        if kept:
            paras.append(kept)
    return render(doc_id, [headline(article, rng)], paras, [], None, "rewrite", article.id, ("rewrite",))


def original(article: Article) -> Generated:
    head = [article.title] if article.title else []
    return render(article.id, head, numbered(article), [], None, "original", article.id, ())


# --- hard negatives: independent stories carrying the same quote -----------------------------

# A borrowed quote is one quoted sentence of at least this many words: a full statement that
# two outlets covering the same speech both print, not a two-word catchphrase.
MIN_QUOTE_WORDS = 10
# ... mostly inside quotation marks: a statement with its attribution ("..., he said."), not a
# narrative sentence with a scare-quoted word, which would be a pasted sentence of narrative.
MIN_QUOTED_SHARE = 0.5
QUOTED_RE = re.compile('["\u201c]([^"\u201c\u201d]{1,2000})["\u201d]')


def quoted_sentences(sentences: list[str]) -> list[str]:
    """Sentences that are mostly quoted speech and long enough to be a statement."""
    out = []
    for s in sentences:
        words = len(s.split())
        quoted = sum(len(m.group(1).split()) for m in QUOTED_RE.finditer(s))
        if words >= MIN_QUOTE_WORDS and quoted >= MIN_QUOTED_SHARE * words:
            out.append(s)
    return out


def with_quote(article: Article, quote: str, doc_id: str, rng: random.Random) -> Generated:
    """``article`` (another story) printed with ``quote`` as a paragraph of its own, inside it.

    The pair it makes with the quote's story is a hard negative: both carry the same
    statement, neither reused the other's article.
    """
    paras = [[Piece(s) for s in p] for p in article.paragraphs]
    at = rng.randrange(1, len(paras))
    head = [article.title] if article.title else []
    doc = render(doc_id, head, paras[:at] + [[Piece(quote)]] + paras[at:], [], None, "negative", None, ("shared-quote",))
    return doc


def ecb_with_quote(host: Generated, quote_line: str, source_id: str, rng: random.Random) -> Generated:
    """An ECB+ report (one sentence a line) with another report's quoted line inserted."""
    lines = host.raw.rstrip("\n").split("\n")
    at = rng.randrange(1, len(lines)) if len(lines) > 1 else 1
    raw = "\n".join(lines[:at] + [quote_line] + lines[at:]) + "\n"
    return Generated(host.id, raw, host.kind, None, [], ("shared-quote",), host.group, source_id)


def topic_of(group: str) -> str:
    """The ECB+ topic of an event label ("12ecbplus" -> "12")."""
    return re.match(r"\d*", group).group()


def share_ecb_quotes(docs: list[Generated], share: float, rng: random.Random) -> list[Generated]:
    """ECB+ reports with, for about ``share`` of them, a quoted line of a report on the other
    event of their topic pasted in (same kind of event, different story: hard negatives)."""
    topic = {d.id: topic_of(d.group) for d in docs if d.group}
    by_topic: dict[str, list[Generated]] = {}
    for d in docs:
        by_topic.setdefault(topic.get(d.id, ""), []).append(d)
    out = []
    for d in docs:
        others = [o for o in by_topic.get(topic.get(d.id, ""), []) if o.group != d.group]
        quotes = [(o.id, q) for o in others for q in quoted_sentences(o.raw.split("\n"))]
        if d.group and quotes and rng.random() < share:
            source_id, quote = rng.choice(quotes)
            d = ecb_with_quote(d, quote, source_id, rng)
        out.append(d)
    return out


# --- synthetic corpora for scale -------------------------------------------------------------

# Synthetic documents: about this many words, in paragraphs of a few real sentences.
SYNTHETIC_WORDS = 600
SYNTHETIC_PARAGRAPH_SENTENCES = (2, 5)
SYNTHETIC_SWAP_EVERY = 6


def sentence_bank() -> list[str]:
    """Every sentence of the pool's articles with at least 6 words, in a fixed order."""
    return [s for a in load_pool() for s in a.sentences() if len(s.split()) >= 6]


def synthetic_sentence(bank: list[str], rng: random.Random) -> str:
    """A real sentence with about one word in SYNTHETIC_SWAP_EVERY swapped for a word of another
    one: the bank repeats over a large corpus, and real independent stories do not share
    whole sentences by chance."""
    words = bank[rng.randrange(len(bank))].split()
    for k in range(rng.randrange(SYNTHETIC_SWAP_EVERY), len(words), SYNTHETIC_SWAP_EVERY):
        other = bank[rng.randrange(len(bank))].split()
        words[k] = other[rng.randrange(len(other))]
    return " ".join(words)


def synthetic_paragraphs(bank: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    paragraphs, words = [], 0
    while words < SYNTHETIC_WORDS:
        para = [synthetic_sentence(bank, rng) for _ in range(rng.randrange(*SYNTHETIC_PARAGRAPH_SENTENCES))]
        paragraphs.append(" ".join(para))
        words += sum(len(s.split()) for s in para)
    return paragraphs


def synthetic_corpus(n: int, copy_share: float, bank: list[str], seed: int) -> Iterator[tuple[str, list[str], int | None]]:
    """(id, paragraphs, index of the document it copies or None) for n documents.

    A copy takes an earlier document's paragraphs, drops some, adds typos and boilerplate;
    each document is rebuilt from its own seed, so nothing needs to be kept in memory.
    """
    rng = random.Random(seed)
    originals: list[int] = []
    for i in range(n):
        source = originals[rng.randrange(len(originals))] if originals and rng.random() < copy_share else None
        if source is None:
            originals.append(i)
            yield f"doc{i:07d}", synthetic_paragraphs(bank, seed * 7919 + i), None
            continue
        local = random.Random(seed * 104729 + i)
        paras = synthetic_paragraphs(bank, seed * 7919 + source)
        keep = [p for k, p in enumerate(paras) if k == 0 or local.random() > 0.2]
        keep = [with_typos(p, 0.02, local) for p in keep]
        yield f"doc{i:07d}", [local.choice(BOILERPLATE_HEAD), *keep, local.choice(BOILERPLATE_TAIL).format(year=2024, site="Example")], source
