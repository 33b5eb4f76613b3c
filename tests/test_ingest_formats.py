"""Every input format, built on the fly from seed text: good documents load, bad parts are named errors."""

import gzip
import html
import io
import json
import zipfile

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest import IngestLimits, JsonlFields, ingest

from conftest import SEEDS

AP = (SEEDS / "001_167d99fbde11abbb.txt").read_text()
GUARDIAN = (SEEDS / "003_4d35a865ec83e0f2.txt").read_text()
REUTERS = (SEEDS / "002_efb0de2a40b22ee1.txt").read_text()


def as_html(text: str, title: str = "A page") -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><article>{paragraphs}</article></body></html>"


def errors_by_place(result) -> dict[str, str]:
    return {e.where: e.problem for e in result.errors}


# --- WARC ------------------------------------------------------------------------------------


def write_warc(path, records, gzipped: bool) -> None:
    """records: (uri, status line, content type, payload bytes); a request record precedes each."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        for uri, status, content_type, payload in records:
            writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers))


def test_warc_html_responses_become_documents_and_other_records_are_summed_up_in_one_error(tmp_path):
    page = as_html(AP + "\nUn café à Pékin.", "Xi, Putin").encode("iso-8859-1", errors="replace")
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    records = [
        ("https://news.example/ap", "200 OK", "text/html; charset=ISO-8859-1", page),
        ("https://news.example/logo.png", "200 OK", "image/png", png),
        ("https://news.example/old", "301 Moved Permanently", "text/html", b"<a href='/ap'>moved</a>"),
        ("https://news.example/icon.png", "200 OK", "image/png", png),
    ]
    for name, gzipped in (("crawl.warc", False), ("crawl.warc.gz", True)):
        path = tmp_path / name
        write_warc(path, records, gzipped)
        result = ingest([path])
        (doc,) = result.documents
        assert doc.path == f"{path}#https://news.example/ap"
        assert doc.raw_format == "html" and "Un café à Pékin." in doc.raw_text
        assert doc.given["url"] == "https://news.example/ap" and doc.given["crawled"].startswith("20") and "published" not in doc.given
        (error,) = result.errors  # a crawl's many images and redirects make one error, not one each
        assert error.where == str(path)
        assert error.problem.startswith("3 records skipped as not pages: 2 not HTML (image/png), e.g. https://news.example/logo.png")
        assert "1 HTTP status 301, e.g. https://news.example/old" in error.problem


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path):
    path = tmp_path / "cut.warc.gz"
    write_warc(path, [("https://a.example/1", "200 OK", "text/html", as_html(AP).encode()),
                      ("https://a.example/2", "200 OK", "text/html", as_html(GUARDIAN).encode())], gzipped=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 700])
    result = ingest([path])
    assert [d.path for d in result.documents] == [f"{path}#https://a.example/1"]
    assert "truncated" in errors_by_place(result)[f"{path}#https://a.example/2"]
    (tmp_path / "junk.warc").write_bytes(b"hello world, no WARC here\n" * 10)
    assert "not a WARC file" in errors_by_place(ingest([tmp_path / "junk.warc"]))[str(tmp_path / "junk.warc")]


# --- RSS / Atom ------------------------------------------------------------------------------


def rss(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'


def test_feed_entries_with_content_linked_local_pages_and_a_broken_entry(tmp_path):
    feed = tmp_path / "feeds" / "wire.rss"
    (tmp_path / "feeds" / "pages").mkdir(parents=True)
    (tmp_path / "feeds" / "pages" / "guardian.html").write_text(as_html(GUARDIAN))
    (tmp_path / "secret.html").write_text(as_html(REUTERS))
    feed.write_text(rss(
        f"<item><guid>ap-1</guid><title>Xi, Putin talk</title><link>https://news.example/ap</link>"
        f"<author>desk@news.example (AP)</author><pubDate>Wed, 04 Feb 2026 23:30:00 -0500</pubDate>"
        f"<description>{html.escape(as_html(AP))}</description></item>"
        f"<item><guid>g-1</guid><title>Local copy</title><link>pages/guardian.html</link></item>"
        f"<item><guid>broken-1</guid><title>Title only</title></item>"
        f"<item><guid>escape-1</guid><title>Outside</title><link>../secret.html</link></item>"
    ))
    result = ingest([feed])
    docs = {d.path: d for d in result.documents}
    ap, local = docs[f"{feed}#ap-1"], docs[f"{feed}#g-1"]
    assert ap.given == {"url": "https://news.example/ap", "title": "Xi, Putin talk",
                        "published": "Wed, 04 Feb 2026 23:30:00 -0500", "author": "desk@news.example (AP)"}
    assert ap.raw_format == "html" and "growing economic cooperation with China" in ap.raw_text
    assert local.raw_text == as_html(GUARDIAN) and local.given["title"] == "Local copy"
    assert "url" not in local.given  # a relative link is no web address
    problems = errors_by_place(result)
    assert set(problems) == {f"{feed}#broken-1", f"{feed}#escape-1"}  # a link out of the feed's folder is not followed
    assert "no content" in problems[f"{feed}#broken-1"]


def test_atom_feed_and_xml_that_is_no_feed(tmp_path):
    atom = tmp_path / "news.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>'
        '<entry><id>urn:1</id><title>Reuters</title><updated>2025-01-21T10:00:00Z</updated>'
        f'<content type="html">{html.escape(as_html(REUTERS))}</content></entry></feed>'
    )
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>')
    result = ingest([tmp_path])
    (doc,) = result.documents
    assert doc.path == f"{atom}#urn:1" and doc.given["published"] == "2025-01-21T10:00:00Z"
    assert "not an RSS/Atom feed" in errors_by_place(result)[str(tmp_path / "sitemap.xml")]


# --- gzip and zip ----------------------------------------------------------------------------


def test_gzip_members_are_read_by_their_inner_suffix_and_corrupt_gzip_is_named(tmp_path):
    (tmp_path / "ap.txt.gz").write_bytes(gzip.compress(AP.encode()))
    records = [json.dumps({"id": "r1", "text": REUTERS}), json.dumps({"id": "r2", "text": GUARDIAN})]
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress("\n".join(records).encode()))
    (tmp_path / "corrupt.txt.gz").write_bytes(gzip.compress(GUARDIAN.encode())[:200])
    (tmp_path / "notgzip.html.gz").write_bytes(b"<html>plain bytes</html>")
    (tmp_path / "scan.pdf.gz").write_bytes(gzip.compress(b"%PDF-1.4"))
    result = ingest([tmp_path])
    assert sorted(d.path.rsplit("/", 1)[1] for d in result.documents) == ["ap.txt.gz", "batch.jsonl.gz#r1", "batch.jsonl.gz#r2"]
    assert next(d for d in result.documents if d.path.endswith("ap.txt.gz")).raw_text == AP
    problems = errors_by_place(result)
    assert "corrupt gzip" in problems[str(tmp_path / "corrupt.txt.gz")]
    assert "corrupt gzip" in problems[str(tmp_path / "notgzip.html.gz")]
    assert "unsupported" in problems[str(tmp_path / "scan.pdf.gz")]


def write_zip(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_zip_members_load_in_name_order_and_a_zip_bomb_member_is_refused(tmp_path):
    bomb = tmp_path / "bundle.zip"
    write_zip(bomb, {
        "z/reuters.html": as_html(REUTERS).encode(),
        "a/ap.txt": AP.encode(),
        "zeros.txt": bytes(IngestLimits().file_bytes + 1024),  # ~20 kB compressed
        "inner.zip": b"PK\x05\x06" + bytes(18),
        "notes.pdf": b"%PDF-1.4",
        "__MACOSX/._ap.txt": b"\x00\x05",
    })
    assert bomb.stat().st_size < 100_000
    result = ingest([bomb])
    assert [d.path for d in result.documents] == [f"{bomb}!a/ap.txt", f"{bomb}!z/reuters.html"]
    assert [d.raw_format for d in result.documents] == ["text", "html"]
    problems = errors_by_place(result)
    assert set(problems) == {f"{bomb}!zeros.txt", f"{bomb}!inner.zip", f"{bomb}!notes.pdf"}
    assert "too large" in problems[f"{bomb}!zeros.txt"]
    assert "archive inside an archive" in problems[f"{bomb}!inner.zip"]


def test_archive_limits_stop_reading_and_say_so(tmp_path):
    members = {f"{i}.txt": text.encode() for i, text in enumerate((AP, REUTERS, GUARDIAN))}
    write_zip(tmp_path / "three.zip", members)
    by_budget = ingest([tmp_path / "three.zip"], limits=IngestLimits(archive_bytes=len(members["0.txt"]) + len(members["1.txt"]) + 10))
    assert [d.path.rsplit("!", 1)[1] for d in by_budget.documents] == ["0.txt", "1.txt"]
    assert "stopped at 2.txt" in errors_by_place(by_budget)[str(tmp_path / "three.zip")]
    by_count = ingest([tmp_path / "three.zip"], limits=IngestLimits(members=1))
    assert len(by_count.documents) == 1 and "over the limit of 1" in by_count.errors[0].problem
    (tmp_path / "fake.zip").write_bytes(b"PK\x03\x04 not really")
    assert "not a readable zip" in errors_by_place(ingest([tmp_path / "fake.zip"]))[str(tmp_path / "fake.zip")]


# --- JSONL fields and the whole folder --------------------------------------------------------


def test_configurable_jsonl_fields(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"uid": "x9", "story": AP, "text": "a teaser, not the story"}) + "\n")
    (doc,) = ingest([path], jsonl_fields=JsonlFields(text=("story",), id=("uid",))).documents
    assert doc.path == f"{path}#x9" and doc.raw_text == AP
    (default,) = ingest([path]).documents
    assert default.raw_text == "a teaser, not the story"


def test_one_folder_of_every_format_loads_the_good_and_names_the_bad(tmp_path):
    (tmp_path / "deep" / "deeper").mkdir(parents=True)
    (tmp_path / "deep" / "deeper" / "ap.txt").write_text(AP)
    write_warc(tmp_path / "deep" / "c.warc.gz", [("https://b.example/g", "200 OK", "text/html", as_html(GUARDIAN).encode())], True)
    write_zip(tmp_path / "r.zip", {"reuters.txt": REUTERS.encode(), "bad.txt": b"\x00\x01binary"})
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    result = ingest([tmp_path])
    assert len(result.documents) == 3
    assert {e.where for e in result.errors} == {f"{tmp_path}/r.zip!bad.txt", f"{tmp_path}/broken.jsonl.gz"}


def test_run_command_takes_jsonl_field_names(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import Store

    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"uid": "x9", "story": REUTERS, "text": "a teaser, not the story"}) + "\n")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(app, ["run", str(dump), "--db", str(db), "--text-field", "story", "--id-field", "uid"])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        (doc,) = store.documents()
    assert doc.path == f"{dump}#x9" and doc.raw_text == REUTERS


def test_mangled_archives_never_escape_as_exceptions(tmp_path):
    """Seeded byte mutations of each container: every outcome is documents or named errors."""
    import random

    write_warc(tmp_path / "a.warc", [("https://a.example/1", "200 OK", "text/html", as_html(AP).encode())], False)
    write_zip(tmp_path / "a.zip", {"a.txt": AP.encode(), "b.html": as_html(GUARDIAN).encode()})
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(AP.encode()))
    rng = random.Random(1)
    for name in ("a.warc", "a.zip", "a.txt.gz"):
        original = (tmp_path / name).read_bytes()
        mutant = tmp_path / "mutants" / name
        mutant.parent.mkdir(exist_ok=True)
        for _ in range(150):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            mutant.write_bytes(bytes(data[: rng.randrange(len(data) // 2, len(data) + 1)]))
            result = ingest([mutant])
            assert all(e.where.startswith(str(mutant)) for e in result.errors)


def test_a_jsonl_dump_is_read_a_line_at_a_time_with_each_line_capped_like_a_file(tmp_path):
    """A dump bigger than the per-file cap is read whole; one oversized record is skipped by name."""
    lines = [line for line in AP.split("\n") if line.strip()]
    paragraphs = [" ".join(lines[start : start + 6]) for start in range(0, 36, 6)]
    records = [json.dumps({"id": f"r{n}", "text": p}) for n, p in enumerate(paragraphs)]
    records.insert(3, json.dumps({"id": "huge", "text": "x " * 3000}))
    data = ("\n".join(records) + "\n").encode()
    limits = IngestLimits(file_bytes=2000)
    assert len(data) > 3 * limits.file_bytes
    (tmp_path / "dump.jsonl").write_bytes(data)
    with gzip.open(tmp_path / "dump.jsonl.gz", "wb") as handle:
        handle.write(data)
    for name in ("dump.jsonl", "dump.jsonl.gz"):
        result = ingest([tmp_path / name], limits=limits)
        assert [d.path.rsplit("#", 1)[1] for d in result.documents] == [f"r{n}" for n in range(len(paragraphs))]
        (error,) = result.errors
        assert error.where == f"{tmp_path / name}#4" and "line over 2000 bytes" in error.problem
    cut = (tmp_path / "dump.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(cut[: len(cut) // 2])
    result = ingest([tmp_path / "cut.jsonl.gz"], limits=IngestLimits(file_bytes=10_000))
    assert result.documents and "corrupt compressed data after line" in result.errors[-1].problem
