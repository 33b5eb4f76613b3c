"""`storyline extract`: one page in, the clean text `storyline run` would store, plus metadata."""

import json
import re

from typer.testing import CliRunner

from storyline import clean
from storyline.cli import app
from storyline.extract_page import render_text
from storyline.ingest import ingest
from storyline.model import Document

from conftest import SEEDS

runner = CliRunner()
AP = SEEDS / "001_167d99fbde11abbb.txt"
GUARDIAN = SEEDS / "003_4d35a865ec83e0f2.txt"
KEYS = {"text", "title", "author", "outlet", "published", "language", "dateline", "url", "date_stamp"}

HOSTILE = """<!doctype html><html><head><title>Talks [bold]resume[/bold]</title>
<script>document.write("INJECTED BY SCRIPT")</script></head><body><article>
<p>The delegations met for a second day, and a spokesman said the talks on the trade agreement would continue next week in the capital.</p>
<p>One delegate quoted the old joke &lt;script&gt;alert(1)&lt;/script&gt; about [red]markup[/red] and :red_heart: emoji codes, \x1b[2J in the minutes, as written.</p>
<p>Officials expect a joint statement on tariffs and shipping quotas before the end of the month, according to people familiar with the matter.</p>
</article></body></html>"""


def extract(*args, input=None):
    result = runner.invoke(app, ["extract", *map(str, args)], input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_matches_what_run_cleans_and_has_every_key():
    record = json.loads(extract(GUARDIAN, "--format", "json"))
    (stored,) = clean.clean_documents(ingest([GUARDIAN]).documents)
    assert set(record) >= KEYS
    assert record["text"] == stored.clean_text and record["title"] == stored.title
    assert record["language"] == "en"
    assert record["published"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["published"])


def test_text_output_has_metadata_lines_then_the_body_and_stdin_gives_the_same():
    from_file = extract(AP)
    head, body = from_file.split("\n\n", 1)
    assert "title: Xi, Putin Reinforce Ties in Video Call" in head.splitlines()
    assert "dateline: BEIJING (AP)" in head.splitlines()
    assert body.startswith("Russian President Vladimir Putin hailed")
    assert "| |" not in from_file  # the page's separator chrome is gone
    from_stdin = extract("-", input=AP.read_bytes())
    assert from_stdin == from_file


def test_hostile_html_prints_as_plain_text():
    text = extract("-", input=HOSTILE.encode())
    assert "INJECTED BY SCRIPT" not in text
    assert "title: Talks [bold]resume[/bold]" in text
    assert "<script>alert(1)</script>" in text and "[red]markup[/red]" in text and ":red_heart:" in text
    assert "\x1b" not in text
    record = json.loads(extract("-", "--format", "json", input=HOSTILE.encode()))
    assert record["title"] == "Talks [bold]resume[/bold]" and "<script>alert(1)</script>" in record["text"]


def test_text_rendering_drops_control_characters_even_if_cleaning_kept_them():
    doc = Document(id="x", path="x", raw_text="", clean_text="Body \x1b[31mred\x07 text\n\nNext\tpart", title="T\x1b]0;owned\x07")
    assert render_text(doc) == "title: T]0;owned\n\nBody [31mred text\n\nNext\tpart"


def test_missing_file_and_many_documents_are_clear_errors(tmp_path):
    missing = runner.invoke(app, ["extract", str(tmp_path / "nope.html")])
    assert missing.exit_code == 1 and "nope.html" in missing.output
    batch = tmp_path / "two.jsonl"
    batch.write_text('{"text": "one article body"}\n{"text": "another article body"}\n')
    many = runner.invoke(app, ["extract", str(batch)])
    assert many.exit_code == 1 and "holds 2 documents" in many.output


def test_a_file_without_a_known_suffix_is_sniffed(tmp_path):
    page = tmp_path / "saved-page"
    page.write_bytes(HOSTILE.encode())
    record = json.loads(extract(page, "--format", "json"))
    assert record["title"] == "Talks [bold]resume[/bold]" and "INJECTED" not in record["text"]
    assert record["text"].startswith("The delegations met for a second day")
