"""Ingest stage: files and folders in, Documents with content-derived ids out.

Reads `.txt`, `.html`/`.htm`, `.jsonl`, `.warc`/`.warc.gz`, RSS/Atom feeds (`.rss`,
`.atom`, `.xml`), and `.gz`/`.zip` archives of any of these, alone or in folders
(recursively, in sorted order so that runs are reproducible). A reader is chosen by file
suffix (``READERS``). A file, record, entry or member that cannot be read becomes an
InputError naming it and never stops the batch. Limits on file size, decompressed size and
member count keep a hostile archive (a zip bomb) from exhausting memory. Publication
metadata the user has (JSONL fields, WARC headers, feed entries, or a sidecar CSV/JSON
mapping file -> url, outlet, published, title) is kept in ``Document.given`` so later stages
can prefer it to anything inferred.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from charset_normalizer import from_bytes

from .errors import InputError
from .model import Document

# A news article is a few kB; 20 MB is far beyond any real page and protects memory.
# It bounds every single input: a file on disk, and an archive member or WARC record once decompressed.
MAX_FILE_BYTES = 20 * 1024 * 1024
# All members of one archive (or records of one WARC), decompressed: a news crawl's WARC file is
# ~1 GB compressed; 1 GB decompressed holds tens of thousands of pages, and a zip bomb stops there.
# It also bounds an archive's size on disk.
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
# Members (or WARC response records) per archive: tens of thousands of pages is a large crawl;
# a forged central directory claiming millions of entries is an attack.
MAX_MEMBERS = 100_000
# NUL bytes in the first block mean a binary file, not text in an odd encoding.
BINARY_SNIFF_BYTES = 8192
# Metadata keys storyline understands, with the field names users commonly give them.
GIVEN_FIELDS = {
    "url": ("url", "link", "href"),
    "outlet": ("outlet", "source", "site", "publisher", "domain"),
    "published": ("published", "date", "publish_date", "published_at", "pubdate", "timestamp"),
    "title": ("title", "headline"),
    "author": ("author", "byline", "authors"),
}
JSONL_TEXT_FIELDS = ("text", "content", "body", "article", "maintext")
JSONL_HTML_FIELDS = ("html", "raw_html")
JSONL_ID_FIELDS = ("id", "doc_id", "document_id")
WARC_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WARC_TEXT_TYPES = frozenset({"text/plain"})
# Markup at the very start of a page (after an XML declaration or one comment) means HTML.
HTML_START_RE = re.compile(
    r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--[^>]{0,500}-->\s*)?"
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|main|header|table|h[1-6])[\s/>]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IngestLimits:
    """Size and count limits; raise them for unusually large inputs."""

    file_bytes: int = MAX_FILE_BYTES
    archive_bytes: int = MAX_ARCHIVE_BYTES
    members: int = MAX_MEMBERS


@dataclass(frozen=True)
class JsonlFields:
    """Which JSONL fields hold the body text, the body HTML and the record id (first present wins)."""

    text: tuple[str, ...] = JSONL_TEXT_FIELDS
    html: tuple[str, ...] = JSONL_HTML_FIELDS
    id: tuple[str, ...] = JSONL_ID_FIELDS


@dataclass(frozen=True)
class ReadOptions:
    jsonl_fields: JsonlFields = JsonlFields()
    limits: IngestLimits = IngestLimits()


@dataclass(frozen=True)
class Source:
    """One input to read: a file on disk or a member of an archive, under the label its errors carry."""

    label: str
    name: str  # file or member name; its suffix picks the reader
    open: Callable[[], BinaryIO]
    folder: Path | None = None  # the folder of a file on disk, where a feed's linked pages are looked for


Reader = Callable[[Source, ReadOptions], Iterator["Document | InputError"]]


@dataclass
class IngestResult:
    """Documents read, and one error per input that could not be read."""

    documents: list[Document] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    # (path, path of the document with the same text) for inputs read once already: the same
    # text with no metadata telling two outlets apart is one document, reported, never dropped silently
    repeats: list[tuple[str, str]] = field(default_factory=list)


# --- ids, decoding, metadata -----------------------------------------------------------------


def normalise_text(text: str) -> str:
    """The form a document's id is computed from: NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def document_id(text: str, given: dict[str, str] | None = None) -> str:
    """Same text from the same place gets the same id; the same text given as two outlets' does not."""
    key = normalise_text(text)
    if given:
        key += "\x00" + "\x00".join(f"{k}={given[k]}" for k in ("url", "outlet") if given.get(k))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode text of unknown encoding; refuse binary files with a clear error.

    UTF-8 first (valid UTF-8 by accident is rare, mislabelled UTF-8 is common), then the
    charset the source declared, then charset-normalizer's guess.
    """
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(path, "binary file (NUL bytes), not text")
    for encoding in ("utf-8-sig", declared):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "unreadable: no text encoding fits its bytes")
    return str(best)


def sniff_format(text: str) -> str:
    """'html' when the text starts with markup, else 'text' (for inputs without a telling suffix)."""
    return "html" if HTML_START_RE.match(text[:2000]) else "text"


def read_capped(stream: BinaryIO, limit: int, label: str) -> bytes:
    """At most ``limit`` bytes; past that, stop reading (never decompress further) and say so."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(label, f"too large: over {limit} bytes (stopped reading there)")
    return data


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(str(path), f"too large ({size} bytes; limit {MAX_FILE_BYTES})")
    return path.read_bytes()


def read_source(source: Source, options: ReadOptions) -> bytes:
    with source.open() as stream:
        return read_capped(stream, options.limits.file_bytes, source.label)


def pick(record: dict, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the record has, as text (lists such as several authors joined)."""
    for name in names:
        value = record.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value if isinstance(value, str) else str(value)
    return None


def given_metadata(record: dict) -> dict[str, str]:
    """The metadata fields a record carries, under storyline's names."""
    given = {}
    for key, names in GIVEN_FIELDS.items():
        value = pick(record, names)
        if value is not None:
            given[key] = value
    return given


def make_document(path: str, raw_text: str, raw_format: str, given: dict[str, str]) -> Document:
    if not raw_text.strip():
        raise InputError(path, "empty: no text")
    return Document(id=document_id(raw_text, given), path=path, raw_text=raw_text, raw_format=raw_format, given=given)


def with_given(doc: Document, given: dict[str, str] | None, label: str | None = None) -> Document:
    """The document with extra metadata (its own fields win) and the id that metadata implies."""
    if not given and label is None:
        return doc
    merged = {**(given or {}), **doc.given}
    return replace(doc, given=merged, id=document_id(doc.raw_text, merged), path=label or doc.path)


# --- single-document and record readers -------------------------------------------------------


def read_text_file(source: Source, options: ReadOptions) -> Iterator[Document]:
    yield make_document(source.label, decode_bytes(read_source(source, options), source.label), "text", {})


def read_html_file(source: Source, options: ReadOptions) -> Iterator[Document]:
    yield make_document(source.label, decode_bytes(read_source(source, options), source.label), "html", {})


def jsonl_record_document(record: object, where: str, fields: JsonlFields) -> Document:
    """One JSONL record as a document, labelled by its id field when it has one."""
    if not isinstance(record, dict):
        raise InputError(where, "a JSON object was expected")
    body, raw_format = pick(record, fields.text), "text"
    if body is None:
        body, raw_format = pick(record, fields.html), "html"
    if body is None:
        raise InputError(where, f"no text field (looked for {', '.join(fields.text + fields.html)})")
    record_id = pick(record, fields.id)
    label = f"{where.rsplit('#', 1)[0]}#{record_id}" if record_id else where
    return make_document(label, body, raw_format, given_metadata(record))


def read_jsonl_file(source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """One document per line; a bad line is an error of its own, the other lines still count.

    A JSONL file is a container: it is read a line at a time (a dump of a million articles
    never sits in memory whole), each line capped like a file, the whole like an archive.
    """
    limits = options.limits
    budget = limits.archive_bytes
    number = 0
    try:
        with source.open() as stream:
            while line := stream.readline(limits.file_bytes + 1):
                number += 1
                where = f"{source.label}#{number}"
                budget -= len(line)
                if budget < 0:
                    yield InputError(source.label, f"over {limits.archive_bytes} bytes; stopped at line {number}")
                    return
                if len(line) > limits.file_bytes and not line.endswith(b"\n"):
                    yield InputError(where, f"too large: a line over {limits.file_bytes} bytes; skipped")
                    while (rest := stream.readline(limits.file_bytes + 1)) and not rest.endswith(b"\n"):
                        budget -= len(rest)
                    budget -= len(rest)
                    continue
                if line.strip():
                    yield from jsonl_line_document(line, where, options)
    except (OSError, EOFError, zlib.error) as exc:  # a .jsonl.gz that breaks off: keep the lines before
        yield InputError(source.label, f"corrupt compressed data after line {number} ({exc}); stopped reading there")


def jsonl_line_document(line: bytes, where: str, options: ReadOptions) -> Iterator[Document | InputError]:
    try:
        yield jsonl_record_document(json.loads(decode_bytes(line, where)), where, options.jsonl_fields)
    except json.JSONDecodeError as exc:
        yield InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except InputError as exc:
        yield exc


# --- WARC ------------------------------------------------------------------------------------


def warc_record_label(source: Source, record) -> str:
    headers = record.rec_headers
    return f"{source.label}#{headers.get_header('WARC-Target-URI') or headers.get_header('WARC-Record-ID')}"


def warc_content_type(record) -> tuple[str, str | None]:
    """(media type, declared charset) of a response or resource record's payload."""
    headers = record.http_headers if record.rec_type == "response" and record.http_headers else record.rec_headers
    value = headers.get_header("Content-Type") or ""
    media, _, params = value.partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]{1,40})", params, re.IGNORECASE)
    return media.strip().lower(), charset.group(1) if charset else None


def not_a_page(record) -> str | None:
    """Why a response/resource record holds no page (a redirect, an error, an image...), or None."""
    if record.rec_type == "response" and record.http_headers:
        status = record.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return f"HTTP status {status}"
    media, _ = warc_content_type(record)
    if media not in WARC_HTML_TYPES | WARC_TEXT_TYPES:
        return f"not HTML ({media or 'no content type'})"
    return None


def skipped_records_error(label: str, skipped: dict[str, list[str]]) -> InputError:
    """One error for all of a crawl's non-page records, by reason with an example URI each.

    A real crawl holds far more images, scripts and redirects than pages; one error per
    record would bury the errors that matter.
    """
    total = sum(len(uris) for uris in skipped.values())
    reasons = "; ".join(f"{len(uris)} {reason}, e.g. {uris[0]}" for reason, uris in sorted(skipped.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    return InputError(label, f"{total} records skipped as not pages: {reasons}")


def warc_record_document(record, label: str, limit: int) -> Document:
    """A page from a response/resource record that ``not_a_page`` let through."""
    media, charset = warc_content_type(record)
    data = read_capped(record.content_stream(), limit, label)
    if getattr(record.raw_stream, "limit", 0) > 0:  # warcio returns a cut-off record's bytes without complaint
        raise InputError(label, "truncated: the file ends inside this record")
    given = {"url": record.rec_headers.get_header("WARC-Target-URI"), "crawled": record.rec_headers.get_header("WARC-Date")}
    raw_format = "html" if media in WARC_HTML_TYPES else "text"
    return make_document(label, decode_bytes(data, label, charset), raw_format, {k: v for k, v in given.items() if v})


def read_warc_file(source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """One document per HTML response (or resource) record; other record kinds are not content."""
    skipped: dict[str, list[str]] = {}
    yield from read_warc_records(source, options, skipped)
    if skipped:
        yield skipped_records_error(source.label, skipped)


def read_warc_records(source: Source, options: ReadOptions, skipped: dict[str, list[str]]) -> Iterator[Document | InputError]:
    """The pages of a WARC file; records that are not pages go into ``skipped`` by reason."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limits = options.limits
    budget, count = limits.archive_bytes, 0
    try:
        with source.open() as stream:
            for record in ArchiveIterator(stream):
                if record.format != "warc":  # warcio also reads old ARC files, and mistakes junk for them
                    yield InputError(source.label, "not a WARC file (no WARC/1.x record header)")
                    return
                if record.rec_type not in ("response", "resource"):
                    continue
                count += 1
                if count > limits.members:
                    yield InputError(source.label, f"more than {limits.members} records; stopped reading there")
                    return
                label = warc_record_label(source, record)
                if reason := not_a_page(record):
                    skipped.setdefault(reason, []).append(label.partition("#")[2])
                    continue
                try:
                    doc = warc_record_document(record, label, limits.file_bytes)
                except InputError as exc:
                    yield exc
                    continue
                budget -= len(doc.raw_text)
                if budget < 0:
                    yield InputError(source.label, f"over {limits.archive_bytes} bytes of records; stopped at {doc.path}")
                    return
                yield doc
    except (ArchiveLoadFailed, EOFError, ValueError, zlib.error) as exc:
        yield InputError(source.label, f"not a readable WARC file ({exc}); stopped reading there")
    except Exception as exc:  # noqa: BLE001 - fuzzing showed warcio raising AttributeError etc. on mangled headers
        yield InputError(source.label, f"malformed WARC record ({type(exc).__name__}: {exc}); stopped reading there")


# --- RSS / Atom ------------------------------------------------------------------------------


def local_linked_file(link: str | None, folder: Path | None) -> Path | None:
    """The file a feed entry's relative (or file:) link names inside the feed's folder, if any."""
    if not link or folder is None:
        return None
    parsed = urlparse(link)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        return None
    root = folder.resolve()
    candidate = (root / unquote(parsed.path)).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def entry_given(entry) -> dict[str, str]:
    """An entry's link (when it is a web address), title, date and author."""
    link = entry.get("link") or ""
    given = {
        "url": link if urlparse(link).scheme in ("http", "https") else None,
        "title": entry.get("title"),
        "published": entry.get("published") or entry.get("updated"),
        "author": entry.get("author"),
    }
    return {k: v.strip() for k, v in given.items() if v and v.strip()}


def entry_content(entry) -> tuple[str, str] | None:
    """(body, raw format) of a feed entry: its fullest content, else its summary."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return best["value"], "text" if best.get("type") == "text/plain" else "html"
    summary = entry.get("summary") or ""
    return (summary, "html") if summary.strip() else None


def feed_entry_document(entry, label: str, source: Source, options: ReadOptions) -> Document:
    """The entry's linked local page when there is one, else its own content, with the entry's metadata."""
    linked = local_linked_file(entry.get("link"), source.folder)
    if linked is not None:
        reader = reader_for(linked.name)
        if reader not in (read_text_file, read_html_file):
            raise InputError(label, f"linked file {linked.name} is not a page (.html, .htm, .txt)")
        local = Source(str(linked), linked.name, lambda: linked.open("rb"), linked.parent)
        return with_given(next(reader(local, options)), entry_given(entry), label)
    content = entry_content(entry)
    if content is None:
        raise InputError(label, "feed entry has no content or summary and links no local file")
    return make_document(label, content[0], content[1], entry_given(entry))


def read_feed_file(source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """One document per RSS/Atom entry; a broken entry is an error of its own."""
    import feedparser

    parsed = feedparser.parse(read_source(source, options))
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise InputError(source.label, f"not an RSS/Atom feed{f' ({problem})' if problem else ''}")
    for number, entry in enumerate(parsed.entries, start=1):
        label = f"{source.label}#{entry.get('id') or entry.get('link') or number}"
        try:
            yield feed_entry_document(entry, label, source, options)
        except InputError as exc:
            yield exc


# --- archives --------------------------------------------------------------------------------


def member_source(label: str, name: str, data: bytes, folder: Path | None = None) -> Source:
    return Source(label, name, lambda: io.BytesIO(data), folder)


def read_gzip_file(source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """The one file inside a .gz, read by its own suffix (``notes.jsonl.gz`` as JSONL)."""
    inner_name = source.name[: -len(".gz")]
    reader = reader_for(inner_name)
    if reader is None or reader in ARCHIVE_READERS:
        raise InputError(source.label, f"a .gz of an unsupported file type {Path(inner_name).suffix or '(none)'!r}")
    if reader in STREAMED_READERS:  # decompressed as it is read, under the reader's own caps

        def open_stream() -> BinaryIO:
            return gzip.GzipFile(fileobj=source.open())

        yield from guarded(reader, Source(source.label, inner_name, open_stream, source.folder), options)
        return
    try:
        with source.open() as raw, gzip.GzipFile(fileobj=raw) as stream:
            data = read_capped(stream, options.limits.file_bytes, source.label)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(source.label, f"corrupt gzip data ({exc})") from None
    yield from guarded(reader, member_source(source.label, inner_name, data, source.folder), options)


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Files in the archive in name order, without folders and hidden or resource-fork files."""
    members = [i for i in archive.infolist() if not i.is_dir()]
    visible = [i for i in members if not any(part.startswith((".", "__MACOSX")) for part in i.filename.split("/"))]
    return sorted(visible, key=lambda i: i.filename)


def read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, limit: int) -> bytes:
    if info.file_size > limit:  # the declared size; the capped read below guards against a lying one
        raise InputError(label, f"too large: {info.file_size} bytes decompressed (limit {limit}); not read")
    try:
        with archive.open(info) as stream:
            return read_capped(stream, limit, label)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, ValueError, zlib.error) as exc:
        raise InputError(label, f"unreadable zip member ({exc})") from None


def read_zip_file(source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """Every supported member in name order, labelled ``archive!member``, within the limits."""
    limits = options.limits
    try:
        with source.open() as raw, zipfile.ZipFile(raw) as archive:
            members = zip_members(archive)
            if len(members) > limits.members:
                yield InputError(source.label, f"{len(members)} members, over the limit of {limits.members}; the rest not read")
            budget = limits.archive_bytes
            for info in members[: limits.members]:
                label = f"{source.label}!{info.filename}"
                reader = reader_for(info.filename)
                if reader is None or reader in ARCHIVE_READERS:
                    kind = "an archive inside an archive" if reader else f"unsupported file type {Path(info.filename).suffix or '(none)'!r}"
                    yield InputError(label, f"{kind}; not read")
                    continue
                try:
                    data = read_zip_member(archive, info, label, limits.file_bytes)
                except InputError as exc:
                    yield exc
                    continue
                budget -= len(data)
                if budget < 0:
                    yield InputError(source.label, f"over {limits.archive_bytes} bytes decompressed; stopped at {info.filename}")
                    return
                yield from guarded(reader, member_source(label, info.filename, data), options)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError) as exc:  # a mangled directory
        yield InputError(source.label, f"not a readable zip archive ({exc})")


# --- the registry and the batch ---------------------------------------------------------------


READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
    ".warc": read_warc_file,
    ".warc.gz": read_warc_file,
    ".rss": read_feed_file,
    ".atom": read_feed_file,
    ".xml": read_feed_file,
    ".gz": read_gzip_file,
    ".zip": read_zip_file,
}
# Readers that stream a container: bounded by the archive limits, never nested in another archive.
ARCHIVE_READERS = frozenset({read_warc_file, read_gzip_file, read_zip_file})
# Readers of many records that read a line or a record at a time: capped on disk like archives.
STREAMED_READERS = frozenset({read_jsonl_file})


def reader_for(name: str) -> Reader | None:
    """The reader for a file name by its longest known suffix (``.warc.gz`` before ``.gz``)."""
    lower = name.lower()
    suffix = max((s for s in READERS if lower.endswith(s)), key=len, default=None)
    return READERS[suffix] if suffix else None


def guarded(reader: Reader, source: Source, options: ReadOptions) -> Iterator[Document | InputError]:
    """The reader's documents and errors; an error that ends it early becomes one more error."""
    try:
        yield from reader(source, options)
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(source.label, f"cannot read: {exc.strerror or exc}")


def read_path(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Document | InputError]:
    """Documents and errors of one file on disk, by its suffix."""
    label = str(path)
    reader = reader_for(path.name)
    if reader is None:
        yield InputError(label, f"unsupported file type {path.suffix or '(none)'!r}")
        return
    limit = options.limits.archive_bytes if reader in ARCHIVE_READERS | STREAMED_READERS else options.limits.file_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield InputError(label, f"cannot read: {exc.strerror or exc}")
        return
    if size > limit:
        yield InputError(label, f"too large ({size} bytes; limit {limit})")
        return
    yield from guarded(reader, Source(label, path.name, lambda: path.open("rb"), path.parent), options)


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, the root it was found under), folders walked recursively in sorted order."""
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
                    yield path, root
        else:
            yield root, root.parent


def load_sidecar(path: Path) -> dict[str, dict[str, str]]:
    """File name -> metadata, from a CSV (a `file` column) or a JSON object/list."""
    text = decode_bytes(read_bytes(path), str(path))
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        rows = [dict(v, file=k) for k, v in data.items()] if isinstance(data, dict) else data
    else:
        rows = list(csv.DictReader(text.splitlines()))
    table = {}
    for row in rows:
        name = row.get("file") or row.get("path")
        if not name:
            raise InputError(str(path), "every sidecar row needs a 'file' (or 'path') column")
        table[name] = given_metadata(row)
    return table


def ingest(
    paths: list[Path],
    sidecar: Path | None = None,
    jsonl_fields: JsonlFields | None = None,
    limits: IngestLimits | None = None,
) -> IngestResult:
    """Read every file under ``paths``; collect the documents and the per-file errors."""
    options = ReadOptions(jsonl_fields or JsonlFields(), limits or IngestLimits())
    result = IngestResult()
    metadata = load_sidecar(sidecar) if sidecar else {}
    seen: dict[str, str] = {}
    for path, root in iter_files(paths):
        if sidecar and path.resolve() == sidecar.resolve():
            continue
        given = metadata.get(str(path.relative_to(root))) or metadata.get(path.name)
        for item in read_path(path, options):
            if isinstance(item, InputError):
                result.errors.append(item)
                continue
            doc = with_given(item, given)
            if doc.id in seen:
                result.repeats.append((doc.path, seen[doc.id]))
                continue
            seen[doc.id] = doc.path
            result.documents.append(doc)
    return result
