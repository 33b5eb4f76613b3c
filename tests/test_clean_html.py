"""HTML path of the clean stage: prose trafilatura dropped inside the article is put back from
the page's visible text, and what it dropped rightly (widgets, teasers, repeated promos) stays out.
Unit tests on a page of our own; one test on the first WCXB pages (skipped without the data)."""

from __future__ import annotations

import pytest

from storyline import clean
from storyline.model import Document
from test_clean import bench_common  # noqa: F401  (the benchmark loader fixture, skips without the data)

KEPT = [
    "The city council voted on Tuesday to close the old harbour bridge to lorries from next spring, "
    "after engineers found corrosion in two of its steel supports.",
    "Hauliers warned that the detour through the industrial estate would add twenty minutes to every "
    "trip, and asked the council to publish the engineers' report in full.",
    "A public meeting on the repair plans will be held at the town hall on the first Monday of next month.",
]
# A body paragraph trafilatura left out (it sat in a <div> between two of the kept ones).
DROPPED = (
    "Council leader Maria Lindqvist said the decision had not been taken lightly, and that the bridge "
    "would stay open to cars, cyclists and pedestrians while the repairs to its supports were planned."
)
BIO = (
    "Jonas Berg is the transport correspondent of the Example Gazette and has covered the harbour, its "
    "bridges and its ferries since he joined the paper from a regional radio station."
)
TEASER = (
    "Ferry timetables change next week as the operator cuts two evening crossings and adds a morning "
    "service for commuters travelling to the industrial estate..."
)
PROMO = "Sign up to our daily newsletter to get every story about the harbour, the bridge and the council in your inbox each morning."


def _page(between: str, wrapper_class: str = "entry-content") -> str:
    """An article whose second slot holds ``between`` (markup), the rest plain paragraphs."""
    return (
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<div class='{wrapper_class}'><p>{KEPT[0]}</p>{between}<p>{KEPT[1]}</p><p>{KEPT[2]}</p></div>"
        f"<footer><p>{PROMO}</p></footer></body></html>"
    )


def _recover(markup: str, paragraphs: list[str] = KEPT) -> list[str]:
    root = clean.parse_html(markup)
    lines = clean._normalised_dump(clean.tree_visible_text(root)).split("\n")
    return clean._recover_dropped_prose(paragraphs, lines, root)


def test_dropped_body_paragraph_put_back_in_its_place() -> None:
    assert _recover(_page(f"<div class='note'>{DROPPED}</div>")) == [KEPT[0], DROPPED, KEPT[1], KEPT[2]]


def test_layout_wrapper_named_like_a_widget_does_not_hide_the_article() -> None:
    # CMS wrappers carry class words like "widget" or "sidebar" around the whole article
    page = _page(f"<div class='note'>{DROPPED}</div>", wrapper_class="layout-widget-wrapper has-sidebar")
    assert DROPPED in _recover(page)


def test_subheading_and_short_list_between_kept_paragraphs_put_back() -> None:
    heading, items = "What the engineers found", ["Corrosion in two steel supports", "Cracks in the deck joints"]
    page = _page(f"<h2>{heading}</h2><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
    assert _recover(page) == [KEPT[0], heading, *items, KEPT[1], KEPT[2]]


def test_corpus_chrome_line_in_a_short_run_stays_out() -> None:
    # a line recurring across the batch's pages (find_chrome_lines) is chrome wherever it sits
    line = "Harbour bridge works and diversions"
    root = clean.parse_html(_page(f"<div>{line}</div>"))
    lines = clean._normalised_dump(clean.tree_visible_text(root)).split("\n")
    assert clean._recover_dropped_prose(KEPT, lines, root) == [KEPT[0], line, KEPT[1], KEPT[2]]
    assert clean._recover_dropped_prose(KEPT, lines, root, frozenset({clean.normalise_line(line)})) == KEPT


def test_long_run_of_short_lines_is_not_a_dropped_list() -> None:
    links = [f"Harbour district news page {n}" for n in range(clean.HTML_RECOVER_RUN_MAX + 1)]
    assert _recover(_page("".join(f"<div>{line}</div>" for line in links))) == KEPT


@pytest.mark.parametrize(
    "between",
    [
        f"<div class='author-bio'><p>{BIO}</p></div>",  # a widget by its class
        f"<aside><p>{BIO}</p></aside>",  # a widget by its tag
        f"<p><a href='/ferries'>{BIO}</a></p>",  # link text: a teaser
        f"<p>{TEASER}</p>",  # a truncated excerpt
        f"<div class='note'>{PROMO}</div>",  # repeated elsewhere on the page
        "<p>By Jonas Berg | March 3, 2019</p>",  # a byline in a short run
    ],
)
def test_what_trafilatura_dropped_rightly_stays_out(between: str) -> None:
    assert _recover(_page(between)) == KEPT


def test_a_region_of_many_dropped_lines_is_not_recovered() -> None:
    # hundreds of distinct prose lines between two kept paragraphs are another region (a feed, a
    # thread), and testing each against every widget would cost lines x elements
    region = "".join(
        f"<p>Reader {n} wrote that the harbour bridge should have been repaired years ago, and that the council knew it.</p>"
        for n in range(clean.RECOVER_MAX_CANDIDATES + 1)
    )
    page = f"<html><body><p>{KEPT[0]}</p>{region}<p>{KEPT[1]}</p><p>{KEPT[2]}</p></body></html>"
    assert _recover(page) == KEPT


def test_nothing_put_back_outside_the_kept_span() -> None:
    # the bio below the last kept paragraph and the promo above the first are outside the article
    page = f"<html><body><p>{PROMO}</p>" + "".join(f"<p>{p}</p>" for p in KEPT) + f"<p>{BIO}</p></body></html>"
    assert _recover(page) == KEPT


def test_text_kept_in_another_shape_is_not_put_back_twice() -> None:
    # trafilatura joined two blocks into one paragraph: the second block is not "dropped"
    joined = [KEPT[0] + " " + DROPPED, KEPT[1], KEPT[2]]
    assert _recover(_page(f"<div class='note'>{DROPPED}</div>"), joined) == joined


def test_recovery_only_when_trafilatura_kept_little_of_the_prose() -> None:
    root = clean.parse_html(_page(f"<div class='note'>{DROPPED}</div>"))
    dump = clean.tree_visible_text(root)
    model = clean.load_unit_model()
    body, _ = clean._html_body(list(KEPT), [], root, dump, frozenset(), model, clean._prose_line_words(dump))
    assert DROPPED in body  # trafilatura's three paragraphs are < 0.8 of the prose lines here
    body, _ = clean._html_body(KEPT + [DROPPED], [], root, dump, frozenset(), model, clean._prose_line_words(dump))
    assert body == KEPT + [DROPPED]


# --- on real pages ---------------------------------------------------------------------------

REAL_PAGES = 40  # the first WCXB pages by id: several where trafilatura dropped list prose
PAGE_CHANGE = 0.005  # a page counts as better or worse when its F1 moves by more (a stray word is ~0.001)


@pytest.fixture(scope="module")
def wcxb_pages(bench_common):
    return bench_common, bench_common.load_wcxb(REAL_PAGES)


def test_recovery_raises_wcxb_f1_on_real_pages(wcxb_pages, monkeypatch) -> None:
    common, pages = wcxb_pages
    docs = [Document(id=p.id, path=f"{p.id}.html", raw_text=p.html, raw_format="html") for p in pages]
    model = clean.load_unit_model()
    with_recovery = [common.bag_f1(p.body, d.clean_text) for p, d in zip(pages, clean.clean_documents(docs, model))]
    monkeypatch.setattr(clean, "HTML_RECOVER_SHARE", 0.0)
    without = [common.bag_f1(p.body, d.clean_text) for p, d in zip(pages, clean.clean_documents(docs, model))]
    changed = [(a, b) for a, b in zip(with_recovery, without) if abs(a - b) > PAGE_CHANGE]
    assert len(changed) >= 3
    assert sum(a > b for a, b in changed) > 2 * sum(a < b for a, b in changed)
    assert sum(with_recovery) / len(pages) > sum(without) / len(pages) + 0.005


# --- when the plain-text path may replace trafilatura's body ----------------------------------

COMMENTS = [
    f"Reader {n} wrote that the harbour bridge has been falling apart for years and that the council "
    f"should have acted long before the engineers' report, instead of waiting for comment number {n}."
    for n in range(12)
]


def _added_page(container: str) -> tuple[object, list[str]]:
    """A short article followed by many long lines in elements of class ``container``."""
    added = "".join(f"<div class='{container}'><p>{c}</p></div>" for c in COMMENTS)
    root = clean.parse_html(f"<html><body><article>{''.join(f'<p>{k}</p>' for k in KEPT)}</article>{added}</body></html>")
    return root, KEPT + COMMENTS


def test_plain_text_body_refused_when_it_adds_a_comment_thread() -> None:
    root, plain_body = _added_page("comment-content")
    assert clean._adds_chrome_only(KEPT, plain_body, root)
    dump = clean.tree_visible_text(root)
    body, _ = clean._html_body(list(KEPT), [], root, dump, frozenset(), clean.load_unit_model(), clean._prose_line_words(dump))
    assert body == KEPT  # the fallback ran (trafilatura's words < 0.3 of the prose) and was refused


@pytest.mark.parametrize("container", ["entry-content", "elementor-widget-theme-post-content"])
def test_plain_text_body_kept_when_it_adds_article_text(container: str) -> None:
    root, plain_body = _added_page(container)
    assert not clean._adds_chrome_only(KEPT, plain_body, root)


def test_long_comment_thread_is_sampled_not_read_whole(monkeypatch) -> None:
    many = [f"{c} Reply {n} of a very long thread." for n, c in enumerate(COMMENTS * 100)]
    root = clean.parse_html(
        f"<html><body><article>{''.join(f'<p>{k}</p>' for k in KEPT)}</article>"
        f"<ol>{''.join(f'<li class=comment><p>{c}</p></li>' for c in many)}</ol></body></html>"
    )
    looked_up: list[int] = []
    in_widgets = clean._in_widgets
    monkeypatch.setattr(clean, "_in_widgets", lambda root, lines, *rest: looked_up.append(len(lines)) or in_widgets(root, lines, *rest))
    assert len(many) > 3 * clean.FALLBACK_CHROME_MAX_LINES
    assert clean._adds_chrome_only(KEPT, KEPT + many, root)
    assert 0 < looked_up[0] <= clean.FALLBACK_CHROME_MAX_LINES


# --- an article cut into sibling chunks -----------------------------------------------------

SECOND_CHUNK = [
    "Engineers will inspect the remaining supports over the winter, and the council expects their "
    "report to say whether the bridge can reopen to lorries once the two damaged supports are replaced.",
    "Until then the harbour authority will pay for extra signs on the ring road, so that drivers from "
    "the ferry terminal find the detour before they reach the closed approach to the bridge.",
]
TEASER_ITEM = "Read more: the ferry operator cuts two evening crossings and adds a morning service for commuters next week"


def _chunked_page(first: list[str], second: list[str], elsewhere: str = "") -> str:
    """An article body cut into two ``<div class='body-chunk'>`` (each in its own grid cell, an ad
    between them), the second ending in a teaser list; ``elsewhere`` goes after the article."""

    def chunk(paragraphs: list[str], tail: str = "") -> str:
        return "<div class='grid-cell'><div class='body-chunk'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + tail + "</div></div>"

    return (
        "<html><body><article class='story'>"
        + chunk(first)
        + "<div class='ad-slot'>Advertisement</div>"
        + chunk(second, f"<ul><li>{TEASER_ITEM}</li></ul>")
        + f"</article>{elsewhere}</body></html>"
    )


def test_prose_of_the_articles_other_chunk_put_back_after_the_last_kept_line() -> None:
    # trafilatura kept the first chunk only; the second's paragraphs lie below the last kept line
    assert _recover(_chunked_page(KEPT, SECOND_CHUNK)) == KEPT + SECOND_CHUNK


def test_chunk_above_the_kept_one_goes_before_the_first_paragraph() -> None:
    assert _recover(_chunked_page(SECOND_CHUNK, KEPT)) == SECOND_CHUNK + KEPT


def test_chunk_list_items_and_same_class_elsewhere_stay_out() -> None:
    # the same class under a differently shaped parent is another component (a bio box), and a
    # chunk's list items are its teasers, not its paragraphs
    elsewhere = f"<div class='author-box'><div class='body-chunk'><p>{BIO}</p></div></div>"
    body = _recover(_chunked_page(KEPT, SECOND_CHUNK, elsewhere))
    assert BIO not in body and TEASER_ITEM not in body
    assert body == KEPT + SECOND_CHUNK


def test_many_elements_of_one_shape_are_cards_not_chunks() -> None:
    cards = [[f"Card {n}: {SECOND_CHUNK[0]}"] for n in range(clean.RECOVER_MAX_CHUNKS)]
    page = _chunked_page(KEPT, SECOND_CHUNK).replace(
        "</article>", "".join(f"<div class='grid-cell'><div class='body-chunk'><p>{c[0]}</p></div></div>" for c in cards) + "</article>"
    )
    assert _recover(page) == KEPT


# Two AEB pages (check half) whose body a template cuts into chunks: trafilatura kept ~500 of ~1,400 words.
CHUNKED_AEB_PAGES = (
    "2f42ef1d3ea0c96e56355d3db93d0e06b47e760b74f6f4261278b8cd1c246dd6",
    "d48aeb9cf2f2ff15769a57513249b4a6a669159f3e50b335e741d4206a824e88",
)


def test_chunked_real_articles_come_back_whole(bench_common, monkeypatch) -> None:
    pages = [p for p in bench_common.load_aeb() if p.id in CHUNKED_AEB_PAGES]
    docs = [Document(id=p.id, path=f"{p.id}.html", raw_text=p.html, raw_format="html") for p in pages]
    model = clean.load_unit_model()
    with_chunks = [bench_common.shingle_pr(p.body, d.clean_text) for p, d in zip(pages, clean.clean_documents(docs, model))]
    monkeypatch.setattr(clean, "RECOVER_MAX_CHUNKS", 0)
    without = [bench_common.shingle_pr(p.body, d.clean_text) for p, d in zip(pages, clean.clean_documents(docs, model))]
    assert len(pages) == 2
    for (precision, recall), (precision_before, recall_before) in zip(with_chunks, without):
        assert recall_before < 0.6 and recall > 0.95
        assert precision >= precision_before - 0.02


# --- leaked lines in trafilatura's kept paragraphs: teaser labels, closing pushes, repeated headline ---

HEADLINE = "Harbour bridge to close to lorries next spring"


def _tail(paragraphs: list[str], markup: str | None = None) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    headings = clean.page_headings(clean.parse_html(markup)) if markup else []
    return clean._drop_leaked_lines(list(paragraphs), removed, headings), removed


def test_teaser_lines_go_wherever_they_are_but_prose_led_by_the_same_words_stays() -> None:
    teasers = ["Related: Ferry timetables change next week", "SEE MORE: Council budget vote delayed again", "You may also like..."]
    prose = [
        "Also on Tuesday, the council approved a new cycle lane along the harbour front.",
        "Related research by the engineers found the same corrosion in the ferry terminal's ramps.",
    ]
    body, removed = _tail([KEPT[0], teasers[0], KEPT[1], teasers[1], *prose, KEPT[2], teasers[2]])
    assert body == [KEPT[0], KEPT[1], *prose, KEPT[2]]
    assert removed == teasers


def test_a_body_of_teaser_lines_only_is_left_alone() -> None:
    lines = ["Related: Ferry timetables change next week", "Read more: Council budget vote delayed again"]
    assert _tail(lines)[0] == lines


def test_closing_pushes_go_from_the_end_only() -> None:
    push = "Have a tip? Jonas Berg may be reached at the newsroom. Follow him on Twitter."
    listen = "Listen live to the council meeting on Monday evening - or listen back here."
    mid = "Hauliers can sign up for the council's detour alerts, the transport office said."
    body, removed = _tail([KEPT[0], mid, KEPT[1], push, listen])
    assert body == [KEPT[0], mid, KEPT[1]]
    assert removed == [push, listen]


def test_the_pages_headline_repeated_as_the_first_line_goes() -> None:
    page = f"<html><body><h1>{HEADLINE}</h1><p>{KEPT[0]}</p><p>{KEPT[1]}</p></body></html>"
    assert _tail([HEADLINE.upper() + ".", KEPT[0], KEPT[1]], page)[0] == KEPT[:2]
    # another first line, or no page to compare with, stays
    assert _tail(["Bridge works", KEPT[0]], page)[0] == ["Bridge works", KEPT[0]]
    assert _tail([HEADLINE, KEPT[0]])[0] == [HEADLINE, KEPT[0]]


def test_real_article_bodies_keep_their_lines(bench_common) -> None:
    # AEB's reference bodies: what a clean body looks like; the rules take almost nothing from it
    # (one "Don't Miss" line of 4,363 when written)
    bodies = [[ln for ln in p.body.split("\n") if ln.strip()] for p in bench_common.load_aeb()]
    words = sum(len(ln.split()) for body in bodies for ln in body)
    kept = sum(len(ln.split()) for body in bodies for ln in _tail(body)[0])
    assert words > 100_000 and kept >= 0.999 * words


# AEB pages (both halves) where trafilatura kept a teaser line, a closing push or the headline.
LEAKY_AEB_PAGES = (
    "3c5bf8db4272925bf1dd5713fc325e179fd0d1cc6fb8c77aa2d917cfd2518a32",
    "4a44ab3e4c41d56ce9b79eb07acb06aed1bc52aba68a950f06e7de7ef848400a",
    "624fcd903d56fc7055fa7097b330629450c095ad6937318deb027be7803bbf35",
    "70cb2d5bca75ab5a8f6bb378a38a52f882f6bda508de93b12502e74936d86ff2",
    "776a1c046798b474e410f6edf3225d6a27fecd0de6aac22aef7b7f64fe87caaf",
    "ac3c035520461017a7c5b248d8e39ef063cad4c0c7d7b7ecd68aff8f15099485",
)


def _aeb_scores(bench_common, page_ids: tuple[str, ...]):
    """The AEB pages named, and a function cleaning them and scoring each (precision, recall) on
    the body as the bench reads it (a split-off dateline is body text)."""
    pages = [p for p in bench_common.load_aeb() if p.id in page_ids]
    model = clean.load_unit_model()

    def scores() -> list[tuple[float, float]]:
        cleaned = clean.clean_documents([Document(id=p.id, path=f"{p.id}.html", raw_text=p.html, raw_format="html") for p in pages], model)
        return [bench_common.shingle_pr(p.body, f"{d.dateline or ''} {d.clean_text}") for p, d in zip(pages, cleaned)]

    return pages, scores


def test_leaked_lines_leave_real_pages_without_losing_body(bench_common, monkeypatch) -> None:
    pages, scores = _aeb_scores(bench_common, LEAKY_AEB_PAGES)

    after = scores()
    monkeypatch.setattr(clean, "_is_teaser", lambda paragraph: False)
    monkeypatch.setattr(clean, "_is_push", lambda paragraph: False)
    monkeypatch.setattr(clean, "_repeats_headline", lambda paragraph, headings: False)
    before = scores()
    assert len(pages) == len(LEAKY_AEB_PAGES)
    for (precision, recall), (precision_before, recall_before) in zip(after, before):
        assert precision > precision_before
        assert recall >= recall_before - 0.01


# --- trafilatura's fast mode first, its full mode where fast mode kept little -----------------


@pytest.mark.parametrize(
    ("prose_words", "modes"),
    [(30, ["fast"]), (10_000, ["fast", "full"]), (None, ["full"])],  # the article holds ~70 words
)
def test_full_mode_runs_only_where_fast_mode_kept_little(prose_words, modes, monkeypatch) -> None:
    ran: list[str] = []
    run = clean._trafilatura_run
    monkeypatch.setattr(clean, "_trafilatura_run", lambda tree, fast: ran.append("fast" if fast else "full") or run(tree, fast))
    tree = clean.load_page_tree(_page(f"<p>{DROPPED}</p>"))
    text = clean._trafilatura_text(tree, prose_words)
    assert ran == modes
    assert KEPT[0] in text
