"""Command line: thin commands over the pipeline, the store and the renderers."""

from __future__ import annotations

import sys
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import briefing, export, pipeline
from .errors import StorylineError
from .knowledge import load_knowledge
from .store import DEFAULT_DB, Store

app = typer.Typer(
    help="Turn piles of scraped news articles into deduplicated, dated, source-attributed events and timelines.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)  # article text is never markup
err = Console(stderr=True, highlight=False, markup=False, emoji=False)

DbOption = Annotated[Path, typer.Option("--db", help="SQLite store file.")]


class TimelineFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class NerEngine(str, Enum):
    spacy = "spacy"
    fast = "fast"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    plover = "plover"


def fail(exc: StorylineError) -> None:
    err.print(f"error: {exc}", markup=False)
    raise typer.Exit(1)


@app.command()
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt, .html, .htm, .jsonl, .warc[.gz], .rss/.atom/.xml feeds, .gz, .zip), read recursively."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    metadata: Annotated[
        Path | None, typer.Option("--metadata", help="Sidecar CSV/JSON: file -> url, outlet, published, title, author.")
    ] = None,
    knowledge: Annotated[
        list[Path] | None, typer.Option("--knowledge", help="Extra knowledge folder(s), same CSV format as the built-in one.")
    ] = None,
    text_field: Annotated[
        list[str] | None, typer.Option("--text-field", help="JSONL field(s) holding the article text, first present wins.")
    ] = None,
    id_field: Annotated[list[str] | None, typer.Option("--id-field", help="JSONL field(s) holding the record id.")] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Recompute corpus results from all documents, and redo documents that other stages or another --ner made.")
    ] = False,
    ner: Annotated[
        NerEngine, typer.Option("--ner", help="Named entities from spaCy's small English model, or storyline's ~20x faster rule and gazetteer NER.")
    ] = NerEngine.fast,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes for the per-document stages (each loads the model once).")] = 1,
) -> None:
    """Ingest and process articles into the store. Incremental: known documents are skipped."""
    from .ingest import JsonlFields

    defaults = JsonlFields()
    fields = JsonlFields(text=tuple(text_field or defaults.text), id=tuple(id_field or defaults.id))
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"error: no such file or folder: {', '.join(map(str, missing))}", markup=False)
        raise typer.Exit(2)
    try:
        ctx = pipeline.Context.default(knowledge, ner.value)
        with Store(db) as store, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=not err.is_terminal,
        ) as progress:
            docs_task = progress.add_task("documents", total=None)
            corpus_task = progress.add_task("corpus", total=len(pipeline.CORPUS_STAGES), visible=False)

            def on_batch(done: int, total: int) -> None:
                progress.update(docs_task, completed=done, total=total)

            def on_stage(name: str) -> None:
                progress.update(corpus_task, visible=True, description=f"corpus: {name}", advance=1)

            report = pipeline.run(paths, store, ctx, metadata, on_batch, on_stage, fields, rebuild, workers)
    except StorylineError as exc:
        fail(exc)
    for problem in report.errors:
        err.print(f"skipped: {problem}", markup=False)
    for path, first in report.repeats:
        err.print(f"same text as {first}, read once: {path}", markup=False)
    err.print(
        f"{report.read} documents read, {report.added} added, {report.already_stored} already stored, "
        + (f"{report.reprocessed} reprocessed, " if report.reprocessed else "")
        + f"{len(report.errors)} problems; corpus {report.corpus} ({db})",
        markup=False,
    )


@app.command()
def timeline(
    db: DbOption = Path(DEFAULT_DB),
    format: Annotated[TimelineFormat, typer.Option("--format", help="Output format.")] = TimelineFormat.text,
) -> None:
    """Print the stories' dated timelines with cited event summaries."""
    corpus = open_corpus(db)
    render = {"text": briefing.render_text, "markdown": briefing.render_markdown, "json": briefing.render_json}
    out.print(render[format.value](corpus), markup=False)


@app.command("export")
def export_command(
    format: Annotated[
        ExportFormat,
        typer.Option("--format", help="jsonl: one object per line; csv, parquet: one file per record type; plover: coded events as a PLOVER-style JSON array."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    out_path: Annotated[Path | None, typer.Option("--out", help="File (jsonl, plover) or folder (csv, parquet); files default to stdout.")] = None,
    knowledge: Annotated[
        list[Path] | None, typer.Option("--knowledge", help="Extra knowledge folder(s) for actors' countries (plover).")
    ] = None,
) -> None:
    """Export documents, events, quotes, entities, reuse links and stories."""
    corpus = open_corpus(db)
    if format in (ExportFormat.csv, ExportFormat.parquet):
        write_tables = export.write_csv if format is ExportFormat.csv else export.write_parquet
        for path in write_tables(corpus, out_path or Path("storyline-export")):
            err.print(f"wrote {path}", markup=False)
        return
    if format is ExportFormat.plover:
        try:
            write = partial(export.write_plover, corpus, load_knowledge(knowledge or ()))
        except StorylineError as exc:
            fail(exc)
    else:
        write = partial(export.write_jsonl, corpus)
    if out_path:
        with out_path.open("w", encoding="utf-8") as handle:
            count = write(handle)
        err.print(f"wrote {count} records to {out_path}", markup=False)
    else:
        write(sys.stdout)


class DedupFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("dedup")
def dedup_command(
    paths: Annotated[list[Path], typer.Argument(help="A JSONL file or a folder of articles (.txt, .html, .htm, .jsonl).")],
    format: Annotated[DedupFormat, typer.Option("--format", help="text: clusters and pairs; json: one pair per line.")] = DedupFormat.text,
) -> None:
    """Find exact and near duplicates, copies and rewrites, with aligned spans; no store needed."""
    from . import dedup

    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"error: no such file or folder: {', '.join(map(str, missing))}", markup=False)
        raise typer.Exit(2)
    report = dedup.dedup(paths)
    for error in report.errors:
        err.print(f"error: {error}", markup=False)
    for line in dedup.json_lines(report) if format is DedupFormat.json else dedup.text_lines(report):
        out.print(line, markup=False)
    report.close()


@app.command("dates")
def dates_command(
    file: Annotated[Path, typer.Argument(help="A text file, read exactly as given (no cleaning).")],
    published: Annotated[
        str | None, typer.Option("--published", help="Publication day YYYY-MM-DD; inferred from the text when absent.")
    ] = None,
    format: Annotated[DedupFormat, typer.Option("--format", help="text, or json: one object per line.")] = DedupFormat.text,
) -> None:
    """Temporal expressions with TimeML values, offsets into the file's text."""
    import json
    from datetime import date

    from . import ingest, knowledge, timex

    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        err.print(f"error: --published {published!r} is not a YYYY-MM-DD day", markup=False)
        raise typer.Exit(2)
    try:
        text = ingest.decode_bytes(ingest.read_bytes(file), str(file))
        dated = timex.date_text(text, day, knowledge.load_knowledge(), str(file))
    except (OSError, StorylineError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1)
    ref = dated.reference
    typer.echo(
        f"reference day: {ref.value or 'unknown'} ({ref.source}, {'certain' if ref.certain else 'uncertain'})"
        + (f"; alternatives: {', '.join(ref.alternatives)}" if ref.alternatives else ""),
        err=True,
    )
    for t in dated.expressions:
        if format.value == "json":
            row = {"text": t.text, "start": t.start, "end": t.end, "type": t.type, "value": t.value, "evidence": t.evidence}
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
        else:
            out.print(f"{t.start}-{t.end}\t{t.type}\t{t.value or '?'}\t{t.text}\t{t.evidence}", markup=False)


class ExtractFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("extract")
def extract_command(
    page: Annotated[str, typer.Argument(help="One page, HTML or text (sniffed); - reads standard input.")],
    format: Annotated[ExtractFormat, typer.Option("--format", help="text: metadata lines then the text; json: one object.")] = ExtractFormat.text,
) -> None:
    """Clean one page: body text plus title, author, outlet, dateline, date and language."""
    from . import extract_page

    try:
        doc = extract_page.extract(page, sys.stdin.buffer)
    except StorylineError as exc:
        fail(exc)
    render = extract_page.render_json if format is ExtractFormat.json else extract_page.render_text
    out.print(render(doc), markup=False, emoji=False)


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Browse the store: timeline, events, documents, people, search, and a JSON API under /api/."""
    if not db.exists():
        err.print(f"error: {db}: no such store; run `storyline run PATH --db {db}` first", markup=False)
        raise typer.Exit(2)
    from .web.app import serve as serve_web

    err.print(f"serving {db} on http://{host}:{port}/ (JSON API under /api/)", markup=False)
    serve_web(db, host, port)


@app.command("quotes")
def quotes_command(
    file: Annotated[Path, typer.Argument(help="A text file, read exactly as given (no cleaning).")],
    format: Annotated[DedupFormat, typer.Option("--format", help="text, or json: one object per line.")] = DedupFormat.text,
) -> None:
    """Direct and reported speech with cue and speaker, offsets into the file's text."""
    import json

    from . import ingest, nlp, quotes

    try:
        text = ingest.decode_bytes(ingest.read_bytes(file), str(file))
        found = quotes.quotes_in_text(text, nlp.load_nlp())
    except (OSError, StorylineError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1)
    for q in found:
        if format.value == "json":
            out.print(json.dumps(quotes.quote_record(q), ensure_ascii=False), markup=False, emoji=False)
        else:
            out.print(f"{q.start}-{q.end}\t{q.kind}\t{q.speaker or '?'}\t{q.cue or ''}\t{q.text}", markup=False, emoji=False)


@app.command("cluster")
def cluster_command(
    file: Annotated[Path, typer.Argument(help="JSONL: id, text, optional title, date, source per line.")],
) -> None:
    """Group articles into events and stories without a store: one JSON object per line."""
    import json

    from . import events

    if not file.exists():
        err.print(f"error: no such file: {file}", markup=False)
        raise typer.Exit(2)
    rows, errors = events.cluster_file([file], pipeline.Context.default())
    for error in errors:
        err.print(f"error: {error}", markup=False)
    for row in rows:
        out.print(json.dumps(row, ensure_ascii=False), markup=False)


def open_corpus(db: Path):
    if not db.exists():
        err.print(f"error: {db}: no such store; run `storyline run PATH --db {db}` first", markup=False)
        raise typer.Exit(2)
    try:
        with Store(db) as store:
            return store.corpus()
    except StorylineError as exc:
        fail(exc)
