from storyline import briefing
from storyline.model import Citation, Corpus, DateInference, Document, Event, Story

HOSTILE = 'Officials said <script>alert(1)</script> and <img src=x onerror=alert(2)> [bold]loud[/bold] **x**'


def hostile_corpus():
    doc = Document(id="d1", path="pile/evil.html", raw_text=HOSTILE, clean_text=HOSTILE, title="<b>Title</b>")
    event = Event("ev_1", DateInference("2024-01-02", certain=False, evidence=["weekday"], alternatives=["2024-01-09"]),
                  doc.title, ["d1"], 1, summary=[Citation(HOSTILE, ["d1"], 1)])
    return Corpus(documents=[doc], events=[event], stories=[Story("st_1", "<i>story</i>", ["ev_1"])])


def test_markdown_escapes_html_and_markup_from_articles():
    markdown = briefing.render_markdown(hostile_corpus())
    assert "<script>" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;" in markdown and "onerror" in markdown  # shown as text, not dropped


def test_text_timeline_marks_uncertain_dates_and_lists_alternatives():
    text = briefing.render_text(hostile_corpus())
    assert "2024-01-02 (uncertain)" in text and "2024-01-09" in text
    assert "[evil.html; 1 independent]" in text


def test_candidate_sentences_merge_copies_and_cite_both_documents():
    sentence = "The two leaders agreed on Tuesday to expand trade in energy and technology over the next decade."
    a = Document(id="a", path="a.txt", raw_text="", clean_text=sentence + " Another sentence that is long enough to count here.")
    b = Document(id="b", path="b.txt", raw_text="", clean_text="Reportedly, " + sentence)
    found = briefing.candidate_sentences([a, b], {"a": "a", "b": "a"})
    (shared,) = [c for c in found if "two leaders" in c.text]
    assert shared.document_ids == ["a", "b"] and shared.text == sentence


def two_outlet_corpus():
    a = Document(id="a", path="pile/ap.txt", raw_text="", outlet="AP",
                 clean_text="Floods killed 30 people in Bavaria on Sunday. Officials said 5,000 homes were damaged <b>badly</b>.")
    b = Document(id="b", path="pile/dw.txt", raw_text="", outlet="DW",
                 clean_text="Floods killed 32 people in Bavaria on Sunday, rescuers said.")
    for doc, day in ((a, "2024-06-02"), (b, "2024-06-03")):
        doc.event_date = DateInference(day, certain=True)
    event = Event("ev_1", DateInference("2024-06-02", certain=True), "Floods", ["a", "b"], 2)
    return Corpus(documents=[a, b], events=[event], stories=[Story("st_1", "Floods", ["ev_1"])])


def test_discrepancies_name_conflicting_figures_days_and_single_source_claims():
    corpus = two_outlet_corpus()
    briefing.summarize(corpus)
    found = corpus.events[0].discrepancies
    assert any("event day differs" in d and "2024-06-02 (ap.txt)" in d and "2024-06-03 (dw.txt)" in d for d in found)
    assert "figures for 'people' differ: 30 (ap.txt); 32 (dw.txt)" in found
    assert "only ap.txt gives 5,000 homes" in found
    markdown = briefing.render_markdown(corpus)
    assert "Sources disagree" in markdown and "<b>" not in markdown
    assert "! figures for 'people' differ" in briefing.render_text(corpus)


def test_one_source_has_no_discrepancies_with_itself():
    corpus = two_outlet_corpus()
    corpus.events[0].document_ids = ["a"]
    briefing.summarize(corpus)
    assert corpus.events[0].discrepancies == []


def test_figures_skip_years_and_times_and_keep_scales():
    assert briefing.figures("In 2024 elections at 10 am, $5 million in aid and 12 percent growth") == {
        "aid": {"$5 million"}, "growth": {"12 percent"}}
