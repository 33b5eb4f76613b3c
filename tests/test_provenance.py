"""Provenance on the seeds (000 rewrites AP's 001; 002-004 are independent hard negatives)
and on fixtures made from seed text at test time: a shuffled re-wrapped copy, an excerpt
pasted into another article, exact duplicates."""

from __future__ import annotations

import itertools
import random
import re
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from storyline import provenance as pv
from storyline.embeddings import load_encoder
from storyline.text import split_sentences as text_sentences
from storyline.model import DateInference, Document, Paragraph, ReuseLink

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
# Page chrome lines of the seeds, for the stand-in cleaner used when the clean stage is absent.
SEED_CHROME = {
    "Share and Follow",
    "Source link",
    "Exit mobile version",
    "Facebook Twitter LinkedIn",
    "Site icon Occasional Digest",
    "Occasional Digest - a story for you",
}
WIRE_DATELINE_RE = re.compile(r"^(?P<dateline>[A-Z][A-Z ]+ \((?:AP|Reuters|AFP)\)) --\s*")


def stand_in_clean(doc: Document) -> Document:
    """What the clean stage does to plain text, roughly: chrome out, wrapped lines joined."""
    lines = [line.strip() for line in doc.raw_text.splitlines()]
    blank_separated = any(not line for line in lines) and sum(1 for line in lines if line) > 1
    removed = [line for line in lines if line in SEED_CHROME or (line and not line.strip("| "))]
    kept = [line if line not in removed else "" for line in lines]
    paragraphs: list[str] = []
    current: list[str] = []
    wrapped = sum(len(line) < 90 for line in kept if line) > 0.6 * max(1, sum(1 for line in kept if line))
    dateline = None
    for line in kept + [""]:
        m = WIRE_DATELINE_RE.match(line)
        if m:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            dateline, line = m.group("dateline"), line[m.end() :]
        if not line:
            if current and (blank_separated or not wrapped):
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if not blank_separated and (not wrapped or line.endswith((".", '."', ".”", ":", '?"'))):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    made = make_doc(doc.id, paragraphs, removed=removed, dateline=dateline)
    return replace(made, path=doc.path, raw_text=doc.raw_text)


def make_doc(doc_id: str, paragraphs: list[str], removed: list[str] | None = None, **fields) -> Document:
    text, spans = "", []
    for i, para in enumerate(paragraphs):
        if i:
            text += "\n\n"
        spans.append(Paragraph(len(text), len(text) + len(para)))
        text += para
    return Document(
        id=doc_id, path=doc_id, raw_text=text, clean_text=text, paragraphs=spans, removed_lines=removed or [], **fields
    )


def clean_all(raw_docs: list[Document]) -> list[Document]:
    try:
        from storyline.clean import clean_documents
    except ImportError:
        return [stand_in_clean(d) for d in raw_docs]
    return clean_documents(raw_docs)


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    raw = [
        Document(id=f"seed-{path.name[:3]}-{path.stem[4:]}", path=str(path), raw_text=path.read_text(encoding="utf-8"))
        for path in sorted(SEEDS.glob("*.txt"))
    ]
    assert len(raw) == 5
    return {Path(d.path).name[:3]: d for d in clean_all(raw)}


@pytest.fixture(scope="module")
def seed_links(seeds) -> list[ReuseLink]:
    return pv.find_reuse(list(seeds.values()))


def links_between(links: list[ReuseLink], a: Document, b: Document) -> list[ReuseLink]:
    return [l for l in links if {l.source_document_id, l.target_document_id} == {a.id, b.id} and a.id != b.id]


def is_aligned(link: ReuseLink, source: Document, source_phrase: str, target: Document, target_phrase: str) -> bool:
    """Some span maps the source sentence holding the phrase onto a target one holding its counterpart."""
    s = source.clean_text.find(source_phrase)
    assert s >= 0, source_phrase
    targets = [m.start() for m in re.finditer(re.escape(target_phrase), target.clean_text)]
    assert targets, target_phrase
    return any(s0 <= s < s1 and any(t0 <= t < t1 for t in targets) for s0, s1, t0, t1 in link.spans)


# --- the seeds --------------------------------------------------------------------------------


def test_rewrite_of_ap_story_is_a_paraphrase_from_001_to_000(seeds, seed_links):
    found = links_between(seed_links, seeds["000"], seeds["001"])
    assert len(found) == 1
    link = found[0]
    assert (link.source_document_id, link.target_document_id) == (seeds["001"].id, seeds["000"].id)
    assert link.kind == "paraphrase"
    # score: share of the rewrite's sentence text aligned to the AP story; 000 adds a lot of its own
    assert 0.3 < link.score < 0.75
    assert any("(AP)" in e and seeds["001"].id in e for e in link.evidence)


@pytest.mark.parametrize(
    ("ap_phrase", "rewrite_phrase"),
    [
        ("I would like to once again assure you of firm support", "I would like to once again assure you of firm support"),
        ("closest partners are exploring opportunities with China", "closest partners are exploring opportunities with China"),
        ("The Xi-Putin call followed visits by the British", "The Xi-Putin call followed visits by the British"),
        ("The German chancellor is also expected to visit later", "The German chancellor is also expected to visit in"),
        ("need to \"use a historic opportunity", "use a historic opportunity to continue deepening"),
        # rewritten sentences, aligned by content words
        ("Wednesday marked the beginning of spring", "Wednesday was the first day of spring"),
        ("decision to allow visa-free", "decision to allow visa-free"),
    ],
)
def test_ap_sentences_align_with_their_rewritten_counterparts(seeds, seed_links, ap_phrase, rewrite_phrase):
    ap, rewrite = seeds["001"], seeds["000"]
    if ap_phrase not in ap.clean_text:  # the clean stage may straighten or curl quotes
        ap_phrase = ap_phrase.replace('"', "“")
    [link] = links_between(seed_links, ap, rewrite)
    assert is_aligned(link, ap, ap_phrase, rewrite, rewrite_phrase)


def test_unreused_sentences_are_not_aligned(seeds, seed_links):
    ap, rewrite = seeds["001"], seeds["000"]
    [link] = links_between(seed_links, ap, rewrite)
    shoigu = ap.clean_text.find("Sergey Shoigu also visited Beijing")
    ushakov = rewrite.clean_text.find("Ushakov said Xi invited Putin")
    assert shoigu >= 0 and ushakov >= 0
    assert not any(s0 <= shoigu < s1 for s0, s1, _, _ in link.spans)
    assert not any(t0 <= ushakov < t1 for _, _, t0, t1 in link.spans)


def test_lexical_fallback_still_finds_the_seed_rewrite_and_its_rewritten_sentences(seeds):
    """Without the embedding model, paraphrase is aligned by content words alone."""
    ap, rewrite = seeds["001"], seeds["000"]
    links = pv.find_reuse(list(seeds.values()), encoder=None)
    [link] = links_between(links, ap, rewrite)
    assert (link.source_document_id, link.kind) == (ap.id, "paraphrase")
    assert is_aligned(link, ap, "Wednesday marked the beginning of spring", rewrite, "Wednesday was the first day of spring")
    assert [l for l in links if l.kind != "internal" and ap.id not in (l.source_document_id, l.target_document_id)] == []


def test_embeddings_cover_at_least_what_lexical_alignment_covers_on_the_seed_rewrite(seeds):
    ap, rewrite = seeds["001"], seeds["000"]
    profiles = pv.profile_documents([ap, rewrite])
    embedder = pv.SentenceEmbeddings(load_encoder())
    lexical = pv.align(ap, rewrite, profiles)
    embedded = pv.align(ap, rewrite, profiles, embedder)
    assert {(m.left, m.right) for m in lexical.matches} <= {(m.left, m.right) for m in embedded.matches}
    assert embedded.right_coverage >= lexical.right_coverage and embedded.is_reuse()
    # only sentences that no copied or lexically matched sentence explains were embedded
    explained = {pv.sentence_text(profiles[rewrite.id], m.right) for m in lexical.matches}
    assert embedder.vectors and not explained & set(embedder.vectors)


class CountingEncoder:
    """The real encoder, counting its calls and the sentences it embeds."""

    def __init__(self):
        self.encoder, self.calls, self.texts = load_encoder(), 0, []

    def encode(self, texts):
        self.calls += 1
        self.texts += list(texts)
        return self.encoder.encode(texts)


def test_find_reuse_embeds_all_pairs_in_one_call_and_links_as_pair_by_pair_alignment(seeds):
    ap, rewrite = seeds["001"], seeds["000"]
    copies = [make_doc(f"rewrite-copy-{k}", rewrite.paragraph_texts()[k:]) for k in (1, 3)]
    docs = [*seeds.values(), *copies]
    counting = CountingEncoder()
    links = pv.find_reuse(docs, encoder=pv.SentenceEmbeddings(counting))
    assert counting.calls == 1 and len(counting.texts) == len(set(counting.texts))
    found = pv.candidate_pairs(docs)
    profiles = pv.profile_documents(docs, found.document_frequency, len(docs))
    # the rewrite and its copies print the same sentences: each text was embedded once
    printed = [pv.sentence_text(p, i) for p in profiles.values() for i in range(len(p.sentences))]
    assert sum(printed.count(t) for t in counting.texts) > len(counting.texts)
    by_id = {d.id: d for d in docs}
    expected = set()
    for x, y in found.pairs:  # every pair aligned on its own, every eligible sentence embedded
        al = pv.align(by_id[x], by_id[y], profiles, pv.SentenceEmbeddings(load_encoder()))
        if al.is_reuse():
            expected.add((min(x, y), max(x, y), tuple(sorted(map(tuple, al.passages)))))
    got = {(min(l.source_document_id, l.target_document_id), max(l.source_document_id, l.target_document_id))
           for l in links if l.kind != "internal"}
    assert got == {(x, y) for x, y, _ in expected} and (min(ap.id, rewrite.id), max(ap.id, rewrite.id)) in got
    assert len(got) >= 5  # the rewrite with AP, the copies with both and each other


def test_verbatim_copy_needs_no_embeddings(seeds):
    original = seeds["004"]
    copy = make_doc("copy-of-004", original.paragraph_texts()[::-1])
    embedder = pv.SentenceEmbeddings(load_encoder())
    al = pv.align(original, copy, pv.profile_documents([original, copy]), embedder)
    assert al.is_reuse() and al.left_coverage > 0.9
    assert embedder.vectors == {}


def quoted_sentence(doc: Document, min_words: int = 10) -> str:
    """A sentence of the document carrying quoted speech, with at least ``min_words`` words."""
    for start, end in text_sentences(doc.clean_text):
        sentence = doc.clean_text[start:end]
        if any(q in sentence for q in '"\u201c\u201d') and len(sentence.split()) >= min_words:
            return sentence
    raise AssertionError(f"no quoted sentence in {doc.id}")


@pytest.mark.parametrize(("donor_key", "host_key"), [("002", "003"), ("004", "002"), ("001", "004")])
def test_independent_story_carrying_anothers_quote_is_not_a_copy(seeds, donor_key, host_key):
    """Two outlets printing the same statement did not copy each other's article."""
    donor, host = seeds[donor_key], seeds[host_key]
    quote = quoted_sentence(donor)
    paragraphs = host.paragraph_texts()
    carrier = make_doc("carrier", paragraphs[:2] + [quote] + paragraphs[2:])
    links = pv.find_reuse([donor, carrier])
    assert [l for l in links if l.kind != "internal"] == []
    al = pv.align(donor, carrier)
    assert al.matches and not al.is_reuse()  # the quote aligns, but one sentence is no article


def test_rewrite_pasting_the_same_quote_twice_has_an_internal_link(seeds, seed_links):
    doc = seeds["000"]
    internal = [l for l in seed_links if l.kind == "internal" and l.target_document_id == doc.id]
    assert len(internal) == 1 and internal[0].source_document_id == doc.id
    quote_spans = [
        (s0, s1, t0, t1)
        for s0, s1, t0, t1 in internal[0].spans
        if "firm support" in doc.clean_text[s0:s1] and "firm support" in doc.clean_text[t0:t1]
    ]
    assert len(quote_spans) == 1
    s0, s1, t0, t1 = quote_spans[0]
    assert s1 <= t0  # two distinct copies, first before second
    assert "development path" in doc.clean_text[s0:s1] and "development path" in doc.clean_text[t0:t1]


def test_independent_stories_on_the_same_leaders_are_not_linked(seeds, seed_links):
    for a, b in itertools.combinations(sorted(seeds), 2):
        if {a, b} != {"000", "001"}:
            assert links_between(seed_links, seeds[a], seeds[b]) == [], (a, b)


def test_independent_stories_are_not_linked_when_aligned_alone(seeds):
    """Without the batch's other documents the IDF is weak; the link rules must still hold."""
    for a, b in itertools.combinations(["002", "003", "004", "000"], 2):
        pair = [seeds[a], seeds[b]]
        assert [l for l in pv.find_reuse(pair) if l.kind != "internal"] == [], (a, b)


def test_candidate_generation_does_not_pair_everything(seeds):
    docs = list(seeds.values())
    pairs = pv.candidate_pairs(docs).pairs
    assert tuple(sorted((seeds["000"].id, seeds["001"].id))) in pairs
    assert len(pairs) < len(docs) * (len(docs) - 1) // 2


def test_independent_sources_on_seeds(seeds, seed_links):
    ids = [d.id for d in seeds.values()]
    assert pv.independent_sources([seeds["000"].id, seeds["001"].id], seed_links) == 1
    assert pv.independent_sources(ids, seed_links) == 4
    assert pv.independent_sources(ids, seed_links, {d.id: d.outlet for d in seeds.values()}) == 4
    same_outlet = {seeds["002"].id: "Example Wire", seeds["003"].id: "example wire "}
    assert pv.independent_sources(ids, seed_links, same_outlet) == 3
    assert pv.independent_sources(ids, seed_links, {seeds["002"].id: None, seeds["003"].id: None}) == 4


def test_source_of_seeds(seeds, seed_links):
    roots = pv.source_of(list(seeds.values()), seed_links)
    assert roots[seeds["000"].id] == seeds["001"].id
    for key in ("001", "002", "003", "004"):
        assert roots[seeds[key].id] == seeds[key].id


# --- fixtures made from the seed text ---------------------------------------------------------


def test_shuffled_rewrapped_copy_is_a_near_duplicate(seeds):
    original = seeds["004"]
    paragraphs = original.paragraph_texts()
    order = list(range(len(paragraphs)))
    random.Random(7).shuffle(order)
    raw = "\n\n".join(textwrap.fill(paragraphs[i], 64) for i in order) + "\n\nSource link\n"
    [copy] = clean_all([Document(id="copy-of-004", path="copy.txt", raw_text=raw)])
    assert copy.clean_text != original.clean_text
    links = pv.find_reuse([original, copy, seeds["002"], seeds["003"]])
    [link] = links_between(links, original, copy)
    assert link.kind == "near"
    assert (link.source_document_id, link.target_document_id) == (original.id, copy.id)
    assert link.score > 0.9
    assert any("Source link" in e for e in link.evidence)
    assert pv.independent_sources([original.id, copy.id], links) == 1


def test_excerpt_pasted_into_another_article_is_a_copy(seeds):
    donor, host = seeds["002"], seeds["003"]
    pasted = donor.paragraph_texts()[1:4]
    host_paragraphs = host.paragraph_texts()
    paragraphs = host_paragraphs[:3] + pasted + host_paragraphs[3:]
    excerpt = make_doc("excerpt", paragraphs, removed=list(host.removed_lines) or ["Source link"])
    batch = [*seeds.values(), excerpt]
    links = pv.find_reuse(batch)
    [link] = links_between(links, donor, excerpt)
    assert link.kind == "copy"
    assert (link.source_document_id, link.target_document_id) == (donor.id, excerpt.id)
    for para in pasted:
        t = excerpt.clean_text.find(para)
        s = donor.clean_text.find(para)
        assert any(s0 <= s < s1 and t0 <= t < t1 for s0, s1, t0, t1 in link.spans)
    pasted_share = sum(map(len, pasted)) / len(excerpt.clean_text)
    assert link.score == pytest.approx(pasted_share, abs=0.05)
    # the host article is in the excerpt too, and the other seeds stay unlinked to it
    assert links_between(links, host, excerpt)
    for key in ("000", "001", "004"):
        assert links_between(links, seeds[key], excerpt) == []


def test_exact_duplicates(seeds):
    original = seeds["002"]
    # same words, other spacing and punctuation
    respaced = original.clean_text.replace(", ", " , ").replace("\n\n", "\n")
    dup_a = replace(original, id="zz-dup-a", path="dup-a", clean_text=respaced, paragraphs=[])
    dup_b = replace(original, id="zz-dup-b", path="dup-b")
    links = pv.find_reuse([dup_b, original, dup_a, seeds["003"]])
    exact = [l for l in links if l.kind == "exact"]
    assert len(exact) == 2
    assert {l.source_document_id for l in exact} == {original.id}
    assert {l.target_document_id for l in exact} == {"zz-dup-a", "zz-dup-b"}
    assert all(l.score == 1.0 and any("tie broken by id" in e for e in l.evidence) for l in exact)
    assert not [l for l in links if l.kind in ("near", "copy", "paraphrase")]
    roots = pv.source_of([original, dup_a, dup_b], links)
    assert set(roots.values()) == {original.id}
    assert pv.independent_sources([original.id, dup_a.id, dup_b.id, seeds["003"].id], links) == 2


# --- direction --------------------------------------------------------------------------------

STORY = [
    "The harbour authority said on Monday that the new ferry line would start running in the spring.",
    "Officials expect the route to carry several thousand passengers a week once it opens.",
]


def test_earlier_certain_date_wins_over_everything_else():
    early = make_doc("b-early", STORY, published=DateInference("2024-03-01", certain=True))
    late = make_doc("a-late", STORY, published=DateInference("2024-03-05", certain=True), dateline="OSLO (AP)")
    original, evidence = pv.choose_original(late, early)
    assert original is early
    assert any("earlier" in e and "b-early" in e for e in evidence)


def test_uncertain_dates_do_not_decide():
    a = make_doc("a", STORY, published=DateInference("2024-03-01", certain=False))
    b = make_doc("b", STORY, published=DateInference("2024-03-05", certain=True))
    original, evidence = pv.choose_original(b, a)
    assert original is a and any("tie broken by id" in e for e in evidence)


def test_wire_credit_in_first_paragraph_and_chrome_mark_the_original():
    wire = make_doc("z-wire", ["LONDON (Reuters) - " + STORY[0], STORY[1]])
    plain = make_doc("a-plain", STORY)
    assert pv.choose_original(plain, wire)[0] is wire
    chrome = make_doc("a-copy", STORY, removed=["Share and Follow"])
    clean = make_doc("z-clean", STORY)
    original, evidence = pv.choose_original(chrome, clean)
    assert original is clean and any("chrome" in e for e in evidence)


def test_agency_cited_in_text_is_not_a_credit():
    cited = make_doc("a-cited", ["The minister told Reuters that " + STORY[0].lower(), STORY[1]])
    assert pv.wire_credit(cited) is None
    assert pv.wire_credit(make_doc("x", ["PARIS (AFP) - " + STORY[0]])) == "(AFP)"
    assert pv.wire_credit(make_doc("y", STORY, dateline="BEIJING (AP)")) == "(AP)"


# --- graph helpers ----------------------------------------------------------------------------


def test_source_of_follows_chains_and_survives_cycles():
    docs = [make_doc(i, STORY) for i in ("a", "b", "c", "d")]
    chain = [ReuseLink("a", "b", "copy", 0.5), ReuseLink("b", "c", "copy", 0.5), ReuseLink("d", "d", "internal", 0.1)]
    assert pv.source_of(docs, chain) == {"a": "a", "b": "a", "c": "a", "d": "d"}
    cycle = [ReuseLink("a", "b", "copy", 0.5), ReuseLink("b", "c", "copy", 0.5), ReuseLink("c", "a", "copy", 0.5)]
    assert set(pv.source_of(docs, cycle).values()) == {"a", "d"}


def test_independent_sources_counts_copies_of_an_unlisted_original_once():
    links = [ReuseLink("wire", "x", "copy", 0.8), ReuseLink("wire", "y", "near", 0.9), ReuseLink("z", "z", "internal", 0.1)]
    assert pv.independent_sources(["x", "y", "z"], links) == 2
    assert pv.independent_sources([], links) == 0


# --- hostile input ----------------------------------------------------------------------------


def test_huge_and_degenerate_documents_are_handled_quickly():
    repeated = make_doc("rep", [" ".join(["again"] * 60_000)])
    blob = make_doc("blob", ["x" * 300_000])
    empty_a, empty_b = make_doc("e1", []), make_doc("e2", [""])
    looping = make_doc("loop", ["He said it. " * 5_000])
    start = time.monotonic()
    links = pv.find_reuse([repeated, blob, empty_a, empty_b, looping])
    assert time.monotonic() - start < 20
    assert not [l for l in links if l.kind != "internal"]
    assert {l.target_document_id for l in links} <= {"rep", "loop"}


def test_two_reports_of_the_same_speech_are_not_reuse():
    """Independent stories quote the same words; only narrative shared outside quotes counts."""
    speech = [
        '"We will open the new bridge before the winter storms arrive, and every family in the valley will feel the difference," the governor said.',
        '"Nobody should have to drive two hours to reach a hospital. That ends this year," she added.',
    ]
    first = make_doc(
        "report-one",
        ["Crowds gathered by the river on a cold morning as the state leader unveiled her plans for the crossing."]
        + speech
        + ["Engineers have warned that the foundations still need months of testing before traffic can use them."],
    )
    second = make_doc(
        "report-two",
        [
            "Opposition lawmakers questioned the cost of the project, which has doubled since the first estimate.",
            speech[0].replace("the governor said", "Governor Ames told reporters at the ceremony"),
            speech[1].replace("she added", "the governor continued"),
            "A budget hearing on the bridge is scheduled for next month in the capital.",
        ],
    )
    assert [l for l in pv.find_reuse([first, second]) if l.kind != "internal"] == []
    al = pv.align(first, second)
    assert al.matches and not al.is_reuse()  # the quotes align, but share no narrative


ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "clustering" / "ecbplus" / "ecbplus_docs.jsonl"


@pytest.mark.skipif(not ECBPLUS.exists(), reason="ECB+ evaluation data not present")
def test_reports_of_two_same_kind_events_are_not_linked_on_ecbplus():
    """ECB+ topics hold two events of one kind (two DUI arrests, two quakes): hard negatives."""
    import json

    docs, event = [], {}
    for line in ECBPLUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["topic"] in (18, 35, 37):
            docs.append(make_doc(record["doc_id"], [p for p in record["text"].split("\n") if p.strip()]))
            event[record["doc_id"]] = record["subtopic"]
    assert len({event[d.id] for d in docs}) == 6
    links = [l for l in pv.find_reuse(docs) if l.kind != "internal"]
    assert links  # reports of one event do reuse wire copy
    assert all(event[l.source_document_id] == event[l.target_document_id] for l in links)


# --- storyline dedup --------------------------------------------------------------------------


def test_dedup_command_reports_the_seed_rewrite_and_exact_duplicates_as_json_lines(tmp_path):
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    ap = (SEEDS / "001_167d99fbde11abbb.txt").read_text(encoding="utf-8")
    rewrite = (SEEDS / "000_4d0162f69c1c7a40.txt").read_text(encoding="utf-8")
    other = (SEEDS / "004_3f95dd3d0e0f8142.txt")
    records = [
        {"id": "ap", "text": ap},
        {"id": "rewrite", "text": rewrite},
        {"id": "ap-again", "text": ap},  # same text, another record: both must be reported
        {"text": other.read_text(encoding="utf-8")},  # no id: named by its line number
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["dedup", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    pairs = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = {(p["a"], p["b"]): p for p in pairs}
    assert kinds[("ap", "ap-again")]["kind"] == "exact" and kinds[("ap", "ap-again")]["original"] is None
    assert kinds[("ap", "rewrite")]["kind"] == "paraphrase" and kinds[("ap", "rewrite")]["original"] == "ap"
    assert not [p for p in pairs if "4" in (p["a"], p["b"])]
    [s0, s1, t0, t1] = kinds[("ap", "rewrite")]["spans"][1]
    assert 0 <= s0 < s1 and 0 <= t0 < t1
    assert "batch.jsonl#5" in result.stderr  # the broken line, named


def test_dedup_text_output_names_clusters_by_relative_path(tmp_path):
    from storyline import dedup

    (tmp_path / "sub").mkdir()
    for name in ("000_4d0162f69c1c7a40.txt", "001_167d99fbde11abbb.txt", "002_efb0de2a40b22ee1.txt"):
        target = tmp_path / ("sub" if name.startswith("001") else "") / name
        target.write_text((SEEDS / name).read_text(encoding="utf-8"), encoding="utf-8")
    report = dedup.dedup([tmp_path])
    assert report.clusters == [["000_4d0162f69c1c7a40.txt", "sub/001_167d99fbde11abbb.txt"]]
    text = dedup.render_text(report)
    assert "sub/001_167d99fbde11abbb.txt -> 000_4d0162f69c1c7a40.txt  paraphrase" in text


# --- candidate generation (sketch.py) ---------------------------------------------------------


def test_adding_documents_to_an_index_finds_what_one_batch_finds(seeds):
    from storyline import sketch

    docs = sorted(seeds.values(), key=lambda d: d.id)
    excerpt = make_doc("excerpt", seeds["003"].paragraph_texts()[:3] + seeds["002"].paragraph_texts()[1:4])
    docs.append(excerpt)
    at_once = pv.candidate_pairs(docs).pairs
    index, table = pv.new_candidate_index(), pv.new_token_table()
    first = pv.candidate_pairs(docs[:4], index, table).pairs
    later = pv.candidate_pairs(docs[4:], index, table, batch_size=1).pairs
    assert first | later == at_once
    assert {tuple(sorted((seeds["002"].id, "excerpt"))), tuple(sorted((seeds["003"].id, "excerpt")))} <= later
    assert index.size == len(docs) and isinstance(index.prints, sketch.SortedPostings)


def test_word_hashes_do_not_depend_on_the_batch_and_signatures_estimate_jaccard():
    import numpy as np

    from storyline import sketch

    alone = sketch.bulk_word_hashes(["héllo"])[0]
    assert sketch.bulk_word_hashes(["a", "héllo", "world"])[1] == alone
    assert len(set(sketch.bulk_word_hashes(["ab", "ba", "a", "b", "abc"]).tolist())) == 5
    words = [f"w{i}" for i in range(1500)]
    left, right = sketch.bulk_word_hashes(words[:1000]), sketch.bulk_word_hashes(words[500:])
    sig = sketch.signatures(np.concatenate([left, right]), np.array([1000, 1000]))
    assert abs(sketch.estimated_jaccard(sig[0], sig[1]) - 1 / 3) < 0.1  # 500 shared of 1500
    short = sketch.signatures(sketch.bulk_word_hashes(["one", "two"]), np.array([2]))
    assert (short != sketch.EMPTY).all()  # densified: every bin has a value


def test_exact_duplicates_in_one_pass_are_not_indexed_twice(seeds):
    original = seeds["002"]
    dup = replace(original, id="zz-dup", clean_text=original.clean_text.upper())
    found = pv.candidate_pairs([original, dup, seeds["003"]])
    assert found.duplicate_of == {"zz-dup": original.id}
    assert not any("zz-dup" in pair for pair in found.pairs)
