"""The web UI and JSON API on the seed articles plus one hostile page, through FastAPI's test client."""

import html
import re
import shutil

import pytest
from fastapi.testclient import TestClient

from storyline import export, pipeline
from storyline.store import Store
from storyline.web import views
from storyline.web.app import create_app

from conftest import SEEDS

AP = "001_167d99fbde11abbb.txt"
REWRITE = "000_4d0162f69c1c7a40.txt"
HOSTILE = "999_hostile.html"
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Harbour authority {SCRIPT_PAYLOAD} reopens the old ferry pier"
HOSTILE_PARAGRAPHS = [
    "The harbour authority of a small coastal town said on Monday that the old ferry pier would reopen to foot "
    "passengers next month after two years of repairs, the port director told reporters.",
    f'"We have rebuilt every pile {SCRIPT_PAYLOAD} and the deck is safer than it has ever been," the director said '
    f"at a briefing, adding that {IMG_PAYLOAD} the ferry timetable would be published within the week.",
    "Local traders welcomed the decision, saying the closure had cost them a large share of their summer trade.",
]


def hostile_page() -> str:
    """A web page whose text (entity-escaped in the HTML, so it survives cleaning) carries script payloads."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in HOSTILE_PARAGRAPHS)
    title = html.escape(HOSTILE_TITLE)
    return f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def build_store(folder) -> tuple:
    """A store of the five seeds and the hostile page, built by the real pipeline."""
    inputs = folder / "inputs"
    shutil.copytree(SEEDS, inputs)
    (inputs / HOSTILE).write_text(hostile_page(), encoding="utf-8")
    db = folder / "web.db"
    with Store(db) as store:
        pipeline.run([inputs], store, pipeline.Context.default())
    return db


@pytest.fixture(scope="session")
def web_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(web_store):
    return TestClient(create_app(web_store))


@pytest.fixture(scope="module")
def exported(web_store):
    with Store(web_store) as store:
        corpus = store.corpus()
    out = {}
    for record in export.records(corpus):
        out.setdefault(record["type"], {})[record.get("id") or len(out.get(record["type"], {}))] = record
    return out


def doc_id(exported, file_name):
    return next(i for i, r in exported["document"].items() if r["path"].endswith(file_name))


def event_of(exported, date):
    return next(r for r in exported["event"].values() if r["date"] == date)


def test_timeline_lists_events_by_date_with_counts_and_marks_uncertain_dates(client, exported):
    page = client.get("/")
    assert page.status_code == 200
    events = sorted((r for r in exported["event"].values() if r["date"]), key=lambda r: r["date"])
    positions = [page.text.index(f'/events/{e["id"]}"') for e in events]
    assert positions == sorted(positions)
    for date in ("2022-12-30", "2025-01-21", "2026-02-04"):
        assert date in page.text
    uncertain = [e for e in events if not e["date_certain"]]
    assert uncertain, "the seeds have an uncertain event date (2024-05-16)"
    assert page.text.count('class="date uncertain"') == len(uncertain)
    twenty_six = event_of(exported, "2026-02-04")
    assert "2 documents · 1 independent source" in page.text
    assert twenty_six["independent_sources"] == 1 and len(twenty_six["document_ids"]) == 2


def test_event_page_marks_the_rewrite_and_links_quotes_to_speakers(client, exported):
    event = event_of(exported, "2026-02-04")
    page = client.get(f"/events/{event['id']}").text
    rewrite, ap = doc_id(exported, REWRITE), doc_id(exported, AP)
    row = re.search(rf'<li class="document-row" id="doc-{rewrite}">(.*?)</li>', page, re.S).group(1)
    assert "rewrite of" in row and f'href="/documents/{ap}"' in row
    ap_row = re.search(rf'<li class="document-row" id="doc-{ap}">(.*?)</li>', page, re.S).group(1)
    assert "original" in ap_row
    putin = next(n for n in exported["entity"].values() if n["name"] == "Vladimir Putin")
    assert f'href="/entities/{putin["id"]}"' in page
    for citation in event["summary"]:
        for cited in citation["document_ids"]:
            assert f'href="/documents/{cited}"' in page


def test_api_records_have_the_export_shapes_and_values(client, exported):
    for doc in exported["document"].values():
        assert client.get(f"/api/documents/{doc['id']}").json()["document"] == doc
    for event in exported["event"].values():
        assert client.get(f"/api/events/{event['id']}").json()["event"] == event
    listed = client.get("/api/events", params={"limit": 200}).json()
    assert {e["id"] for e in listed["items"]} == set(exported["event"]) and listed["total"] == len(exported["event"])
    for entity in list(exported["entity"].values())[:10]:
        answer = client.get(f"/api/entities/{entity['id']}").json()
        assert answer["entity"] == entity
        assert all(q == exported["quote"][q["id"]] for q in answer["quotes"])


def test_document_page_shows_reuse_both_ways_with_aligned_passages(client, exported, web_store):
    rewrite, ap = doc_id(exported, REWRITE), doc_id(exported, AP)
    answer = client.get(f"/api/documents/{rewrite}").json()
    assert answer["document"]["copy_of"] == ap
    (link,) = [l for l in answer["links"] if l["document_id"] == ap]
    assert link["direction"] == "rewrite of" and link["passages"]
    assert client.get(f"/api/documents/{ap}").json()["document"]["original_of"] == [rewrite]
    (back,) = [l for l in client.get(f"/api/documents/{ap}").json()["links"] if l["document_id"] == rewrite]
    assert back["direction"] == "reused by"
    page = client.get(f"/documents/{rewrite}").text
    highlighted = "".join(re.findall(r'<span class="[^"]*\breused\b[^"]*">(.*?)</span>', page, re.S))
    first = link["passages"][0]["here"]
    assert first[:40].replace("'", "&#39;").replace('"', "&#34;") in highlighted.replace("&quot;", "&#34;")


def test_search_finds_documents_quotes_and_the_person(client, exported):
    answer = client.get("/api/search", params={"q": "Ushakov"}).json()
    assert [n["name"] for n in answer["entities"]] == ["Yuri Ushakov"]
    assert {d["id"] for d in answer["documents"]} == {
        i for i, r in exported["document"].items() if "Ushakov" in r["text"]
    }
    assert answer["quotes"] and all("Ushakov" in q["speaker"] for q in answer["quotes"])
    page = client.get("/search", params={"q": "Ushakov"}).text
    assert "<mark>Ushakov</mark>" in page
    outlet_only = client.get("/api/search", params={"q": "Putin", "outlet": "AP"}).json()["documents"]
    assert [d["outlet"] for d in outlet_only] == ["AP"]
    dated = client.get("/api/search", params={"q": "Putin", "since": "2025-01-01"}).json()["documents"]
    assert dated and all(d["published"] >= "2025-01-01" for d in dated)


def test_search_treats_query_syntax_as_words():
    assert views.fts_query('Ushakov" OR * NEAR(') == '"Ushakov" "OR" "NEAR"'
    assert views.fts_query("  ") == ""


def test_quotes_api_pages_through_a_speakers_quotes(client, exported):
    putin = next(n for n in exported["entity"].values() if n["name"] == "Vladimir Putin")
    everything = [q for q in exported["quote"].values() if q["speaker_entity_id"] == putin["id"]]
    first = client.get("/api/quotes", params={"speaker": putin["id"], "limit": 3}).json()["items"]
    rest = client.get("/api/quotes", params={"speaker": putin["id"], "offset": 3, "limit": 200}).json()["items"]
    assert len(first) == 3 and {q["id"] for q in first + rest} == {q["id"] for q in everything}
    assert client.get("/api/quotes", params={"speaker": putin["id"], "limit": 100000}).status_code == 422


def test_hostile_text_is_shown_as_text_and_scripts_are_forbidden(client, exported):
    hostile = doc_id(exported, HOSTILE)
    record = exported["document"][hostile]
    assert SCRIPT_PAYLOAD in record["text"] and IMG_PAYLOAD in record["text"] and SCRIPT_PAYLOAD in record["title"]
    pages = [f"/documents/{hostile}", "/search?q=ferry+pier", "/search?q=onerror"]
    event_id = exported["document"][hostile]["event_id"]
    pages += [f"/events/{event_id}", "/"] if event_id else ["/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script" not in response.text.lower() and "<img" not in response.text.lower(), url
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    page = client.get(f"/documents/{hostile}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert client.get(f"/api/documents/{hostile}").headers["content-security-policy"]


def test_unknown_ids_are_404_in_pages_and_api(client):
    assert client.get("/events/no-such-event").status_code == 404
    missing = client.get("/documents/<script>x")
    assert missing.status_code == 404 and "<script" not in missing.text
    assert client.get("/api/entities/nobody").json() == {"detail": "no such entity"}


def test_highlight_segments_cover_the_text_once_with_overlapping_classes():
    text = "Putin said he was grateful."
    pieces = views.segments(text, [(0, 5, "entity"), (0, 27, "quote"), (11, 27, "reused"), (30, 40, "reused")])
    assert "".join(p.text for p in pieces) == text
    assert [p.classes for p in pieces] == [("entity", "quote"), ("quote",), ("quote", "reused")]


def test_relation_tables_follow_a_rebuilt_corpus(web_store, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(web_store, db)
    with Store(db) as store:
        corpus = store.corpus()
        before = {t: store.count(t) for t in ("event_documents", "quote_documents", "story_events", "entity_fts", "quote_fts")}
        store.save_corpus(corpus, "again")
        store.save_documents(corpus.documents[:1], "again")
        after = {t: store.count(t) for t in before}
        assert store.search("document", '"Ushakov"', 0, 50) == store.search("document", '"Ushakov"', 0, 50)[:50]
        assert len(store.search("document", '"Putin"', 0, 50)) == len({d.id for d in corpus.documents if "Putin" in d.clean_text})
    assert after == before and before["event_documents"] == sum(len(e.document_ids) for e in corpus.events)


def test_timeline_pages_put_undated_events_last(tmp_path):
    from storyline.model import Corpus, DateInference, Event

    dates = ["2024-03-01", None, "2021-05-05", None, "2023-01-01"]
    events = [Event(f"ev_{i}", DateInference(d), f"event {i}", [], 1) for i, d in enumerate(dates)]
    with Store(tmp_path / "t.db") as store:
        store.save_corpus(Corpus(events=events), "fp")
        pages = [[e.id for e in store.events_by_date(offset, 2)] for offset in (0, 2, 4)]
    assert pages == [["ev_2", "ev_4"], ["ev_0", "ev_1"], ["ev_3"]]


def test_serve_refuses_a_missing_store(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such store" in " ".join(result.output.split())
    assert not (tmp_path / "none.db").exists()


def test_event_page_shows_the_coding_and_where_sources_disagree(client, exported):
    visit = event_of(exported, "2024-05-16")
    page = client.get(f"/events/{visit['id']}").text
    assert "What happened" in page and "CONSULT" in page and "(visit)" in page
    assert "Discrepancies across sources" in page
    api = client.get(f"/api/events/{visit['id']}").json()["event"]
    assert api["coding"]["event_type"] == "CONSULT" and api["coding"]["mode"] == "visit"


def test_search_filters_by_entity_mentions_and_speakers(client, exported):
    ushakov = next(n for n in exported["entity"].values() if n["name"] == "Yuri Ushakov")
    everything = client.get("/api/search", params={"q": "Putin"}).json()
    narrowed = client.get("/api/search", params={"q": "Putin", "entity": ushakov["id"]}).json()
    assert len(narrowed["documents"]) < len(everything["documents"])
    mentioning = {d["id"] for d in narrowed["documents"]}
    assert doc_id(exported, REWRITE) in mentioning  # 000 names Ushakov; 001 does not
    assert doc_id(exported, AP) not in mentioning
    assert narrowed["quotes"] and all(q["speaker_entity_id"] == ushakov["id"] for q in narrowed["quotes"])
    assert narrowed["entity"]["name"] == "Yuri Ushakov"
    page = client.get("/search", params={"q": "Putin", "entity": ushakov["id"]}).text
    assert "mentioning" in page and "Yuri Ushakov" in page
    assert client.get("/api/search", params={"q": "Putin", "entity": "no-such-id"}).json()["documents"] == []


def test_event_page_shows_a_rewrites_reused_passages_side_by_side(client, exported):
    event = event_of(exported, "2026-02-04")
    page = client.get(f"/events/{event['id']}").text
    rewrite = doc_id(exported, REWRITE)
    row = re.search(rf'<li class="document-row" id="doc-{rewrite}">(.*?)</li>', page, re.S).group(1)
    cells = re.findall(r"<tr><td><mark>(.*?)</mark></td><td><mark>(.*?)</mark></td></tr>", row, re.S)
    assert any("firm support" in here and "firm support" in there for here, there in cells)
    assert any("closest partners" in here and "closest partners" in there for here, there in cells)
