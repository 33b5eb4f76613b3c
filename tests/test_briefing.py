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
