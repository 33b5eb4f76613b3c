"""HTML path of the clean stage: trafilatura's body trimmed of closing chrome (credits, promotion,
a comment thread) on a page of our own; the language guess counted once per distinct word."""

from __future__ import annotations

import pytest

from storyline import clean
from storyline.clean import clean_document, guess_language
from storyline.model import Document

BODY = [
    "The city council voted on Tuesday to close the old harbour bridge to lorries from next spring, "
    "after engineers found corrosion in two of its steel supports.",
    "Council leader Maria Lindqvist said the decision had not been taken lightly, and that the bridge "
    "would stay open to cars, cyclists and pedestrians while repairs were planned.",
    "Hauliers warned that the detour through the industrial estate would add twenty minutes to every "
    "trip, and asked the council to publish the engineers' report in full.",
    "Readers who signed up to the council's newsletter last year were told of the inspection in March, "
    "but the extent of the damage was only confirmed this month.",
    "A public meeting on the repair plans will be held at the town hall on the first Monday of next month.",
]
TAIL = [
    "Reporting by Jonas Berg; Editing by Anna Holm",
    "Subscribe to our daily newsletter and follow us on Twitter.",
]
THREAD = [
    "Peter Novak on March 3, 2019 at 4:47 pm said:",
    "Finally. That bridge has been a danger for years and everyone in town knew it.",
    "Sara K on March 4, 2019 at 9:02 am said:",
    "What about the buses? Nobody has said a word about the buses.",
]


def _page(paragraphs: list[str], after: list[str]) -> str:
    article = "".join(f"<p>{p}</p>" for p in paragraphs + after)
    return (
        "<!DOCTYPE html><html><head><title>Harbour bridge closed to lorries</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Harbour bridge closed to lorries</h1>{article}</article>"
        "<footer>Copyright 2019 Example Gazette</footer></body></html>"
    )


def _clean(markup: str) -> Document:
    return clean_document(Document(id="p", path="p.html", raw_text=markup, raw_format="html"))


@pytest.mark.parametrize("after", [TAIL, THREAD, THREAD + TAIL], ids=["credits-promo", "comments", "both"])
def test_closing_chrome_dropped_body_kept(after: list[str]) -> None:
    doc = _clean(_page(BODY, after))
    for paragraph in BODY:  # the one mentioning a newsletter mid-article included
        assert paragraph in doc.clean_text
    for line in after:
        assert line not in doc.clean_text
    assert any("said:" in line or "Editing by" in line for line in doc.removed_lines)


def test_body_without_closing_chrome_untouched() -> None:
    doc = _clean(_page(BODY, []))
    assert doc.clean_text == "\n\n".join(BODY)


def test_last_paragraph_kept_when_it_is_the_only_one() -> None:
    kept = clean._drop_leaked_lines(["Subscribe to our newsletter for daily updates."], [])
    assert kept == ["Subscribe to our newsletter for daily updates."]


def test_language_guess_counts_like_the_definition() -> None:
    """Counting each distinct word once gives the share of function-word tokens per language."""
    for text in [*(" ".join(BODY), "Der Rat hat die Brücke für den Verkehr gesperrt, und die Fahrer sind nicht froh.")]:
        tokens = [t.lower() for t in clean.WORD_RE.findall(text)]
        shares = {c: sum(t in w for t in tokens) / len(tokens) for c, w in clean.LANGUAGE_STOPWORDS.items()}
        best = max(shares, key=shares.__getitem__)
        assert guess_language(text) == (best if shares[best] >= clean.LANG_MIN_SHARE else None)
    assert guess_language(" ".join(BODY)) == "en"


def test_invisible_characters_dropped_from_the_text_taken_from_markup() -> None:
    """The markup is parsed as given; the text taken from it loses BOMs, zero-width and control characters."""
    marked = [BODY[0].replace("council", "coun\u200bcil").replace("bridge", "bri\x07dge"), *BODY[1:]]
    markup = "\ufeff" + _page(marked, []).replace("<title>", "<title>\u200b")
    doc = clean_document(Document(id="p", path="p.txt", raw_text=markup))  # sniffed as HTML despite the BOM
    assert doc.clean_text == "\n\n".join(BODY)
    assert doc.title == "Harbour bridge closed to lorries"


MENU = ["Home", "News", "Sport", "Weather", "Sign in", "Subscribe", "Contact us", "Privacy policy"]


def test_plain_text_fallback_only_when_trafilatura_fell_short_of_the_prose() -> None:
    dump = "\n".join(MENU[:4] + BODY + MENU[4:])
    prose_words = sum(len(p.split()) for p in BODY)
    model = clean.load_unit_model()
    body, removed = clean._fallback_body(12, dump, frozenset(), model)  # a fragment of the article
    assert body == BODY and "Privacy policy" in removed
    assert clean._fallback_body(int(prose_words * 0.6), dump, frozenset(), model) is None
    # a page of menus and teasers has no prose for the plain-text path to win with
    assert clean._fallback_body(5, "\n".join(MENU * 5), frozenset(), model) is None


@pytest.mark.parametrize(
    ("meta_title", "headings", "outlet", "expected"),
    [
        ("Bridge closed to lorries | Example Gazette", [], "Example Gazette", "Bridge closed to lorries"),
        ("Example Gazette - Bridge closed to lorries", [], "Example Gazette", "Bridge closed to lorries"),
        ("Bridge closed: what it means for you - Example Gazette", [], "Example Gazette", "Bridge closed: what it means for you"),
        ("Bridge closed to lorries | News", [], None, "Bridge closed to lorries"),
        ("Budget 2025 - the council's plans for next year's roads", [], None, "Budget 2025 - the council's plans for next year's roads"),
        ("Bridge closed | Example Gazette", ["Example Gazette", "Menu", "Harbour bridge closed to lorries"], "Example Gazette", "Harbour bridge closed to lorries"),
        ("Bridge closed", ["Harbour bridge closed to lorries – Example Gazette"], "Example Gazette", "Harbour bridge closed to lorries"),
        (None, ["News"], None, None),
    ],
)
def test_page_title_prefers_the_article_heading_without_the_site_name(meta_title, headings, outlet, expected) -> None:
    assert clean.page_title(meta_title, headings, outlet) == expected


def test_title_from_the_heading_of_a_page() -> None:
    markup = _page(BODY, []).replace("<title>Harbour bridge closed to lorries</title>", "<title>Lorry ban | Example Gazette</title>")
    markup = markup.replace("<h1>Harbour bridge closed to lorries</h1>", "<h1>Harbour bridge <em>closed</em><br>to lorries</h1>")
    doc = _clean(markup)
    assert doc.title == "Harbour bridge closed to lorries"
    assert doc.clean_text.endswith("\n\n".join(BODY))


def _page_with_metadata(paragraphs: list[str]) -> str:
    """A page carrying every kind of metadata trafilatura reads, categories, tags and licence included."""
    head = (
        "<title>Lorry ban | Example Gazette</title>"
        '<meta property="og:title" content="Harbour bridge closed to lorries">'
        '<meta property="og:site_name" content="Example Gazette">'
        '<meta name="author" content="Maria Lindqvist">'
        '<meta property="article:published_time" content="2019-03-05T09:30:00+01:00">'
        '<meta property="article:section" content="Local">'
        '<link rel="canonical" href="https://gazette.example/news/harbour-bridge">'
    )
    links = (
        '<p class="meta"><a href="/category/local/">Local</a> <a href="/tags/bridges/">Bridges</a></p>'
        '<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></footer>'
    )
    article = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!DOCTYPE html><html><head>{head}</head><body><article><h1>Harbour bridge closed to lorries</h1>{article}{links}</article></body></html>"


def test_page_metadata_is_trafilaturas_without_categories_tags_and_licence() -> None:
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    markup = _page_with_metadata(BODY)
    ours = clean._page_metadata(load_html(markup))
    theirs = extract_metadata(load_html(markup), date_config={"extensive_search": clean.HTML_DATE_EXTENSIVE, "original_date": True})
    assert theirs.categories and theirs.license  # the page has what the shortcut skips
    assert ours == {field: getattr(theirs, field) for field in ours}
    assert ours == {
        "title": "Harbour bridge closed to lorries",
        "author": "Maria Lindqvist",
        "url": "https://gazette.example/news/harbour-bridge",
        "sitename": "Example Gazette",
        "date": "2019-03-05",
    }


def test_page_metadata_kept_when_trafilatura_finds_no_body() -> None:
    """A page where trafilatura finds no text still has its title, author, outlet, url and date."""
    markup = _page_with_metadata([])
    doc = _clean(markup[: markup.index("<body>")] + '<body><div><img src="bridge.jpg" alt=""></div></body></html>')
    assert doc.clean_text == ""
    assert (doc.byline, doc.outlet, doc.url) == ("Maria Lindqvist", "Example Gazette", "https://gazette.example/news/harbour-bridge")
    assert doc.published is not None and doc.published.value == "2019-03-05"
    assert doc.title == "Harbour bridge closed to lorries"


def test_visible_text_keeps_the_text_after_scripts_and_comments() -> None:
    """Text that follows an invisible element in the same parent is shown, and so is in the dump."""
    markup = (
        "<html><head><title>T</title><style>p {}</style></head><body>"
        "<p>By<!-- byline --> Jamelle Bouie</p>"
        "<div><script>var x = 1;</script>Sign in<br>Welcome back</div>"
        "<table><tr><td>one</td><td>two</td></tr></table>"
        "<div>Last <noscript>no</noscript>line</div></body></html>"
    )
    assert clean.visible_text(markup) == "By Jamelle Bouie\nSign in\nWelcome back\none two\nLast line"


SEEDS = sorted((__import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("*.txt"))


def _seed_units() -> list[str]:
    return [u.text for path in SEEDS for u in clean.plain_unit_rows(path.read_text(encoding="utf-8"))[0].units]


def test_short_reads_of_a_units_words_give_the_full_counts_verdicts() -> None:
    """The widget test and fragment joining read a unit's words only up to what they compare with."""
    texts = _seed_units() + [" ".join(MENU), "Share Tweet Email", "and the", "x" * 3, "", "<div class='a'>x</div>"]
    assert len(texts) > 100
    for text in texts:
        words = clean._words(text)
        for cap in (1, 2, clean.JOIN_MIN_WORDS):
            assert clean._words_up_to(text, cap) == min(len(words), cap)
    widgets = [clean._is_widget(t) for t in texts]
    assert any(widgets) and not all(widgets)
    # the words-share rule judges units of up to WIDGET_MAX_WORDS words, and none past them
    labels = [w.title() for w in sorted(clean.WIDGET_WORDS)][: clean.WIDGET_MAX_WORDS + 1]
    assert clean._is_widget(" ".join(labels[: clean.WIDGET_MAX_WORDS]))
    assert not clean._is_widget(" ".join(labels))


def test_plain_page_verdicts_are_the_units_own() -> None:
    """The widget and core verdicts a plain-text page shares between its rules, features and keep rule."""
    for path in SEEDS:
        page, rows = clean.plain_unit_rows(path.read_text(encoding="utf-8"))
        texts = [u.text for u in page.units]
        assert page.widget == [clean._is_widget(t) for t in texts]
        assert page.core == [clean._is_core(t, page.outlet) for t in texts]
        assert any(page.core)
        recomputed = clean._page_verdicts(texts, page.outlet)
        assert rows == clean.unit_features(texts, frozenset(), page.outlet, page.rule_keep, recomputed)


def test_language_guess_with_a_dotted_capital_i_counts_like_the_definition() -> None:
    """Lower-casing "İ" gives two characters, one not a word character: such samples are tokenised word by word."""
    # one function word in six tokens (0.17) as written; in eleven (0.09) if "İ" split each name
    names = "the İstanbul İzmir İnegöl İpek İlker"
    tokens = [t.lower() for t in clean.WORD_RE.findall(names)]
    assert (len(tokens), len(clean.WORD_RE.findall(names.lower()))) == (6, 11)
    assert 1 / 11 < clean.LANG_MIN_SHARE <= 1 / 6
    assert guess_language(names) == "en"
    mixed = "İstanbul " + " ".join(BODY)
    tokens = [t.lower() for t in clean.WORD_RE.findall(mixed)]
    shares = {c: sum(t in w for t in tokens) / len(tokens) for c, w in clean.LANGUAGE_STOPWORDS.items()}
    assert guess_language(mixed) == "en" and shares["en"] >= clean.LANG_MIN_SHARE
