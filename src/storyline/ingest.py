"""Ingest stage: files and folders in, Documents with content-derived ids out.

Reads `.txt`, `.html`/`.htm` and `.jsonl` files, alone or in folders (recursively,
in sorted order so that runs are reproducible). A file that cannot be read becomes an
InputError naming it and never stops the batch. Publication metadata the user has
(JSONL fields, or a sidecar CSV/JSON mapping file -> url, outlet, published, title)
is kept in ``Document.given`` so later stages can prefer it to anything inferred.
"""

from __future__ import annotations

import csv
import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
from .model import Document

# A news article is a few kB; 20 MB is far beyond any real page and protects memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
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


@dataclass
class IngestResult:
    """Documents read, and one error per input that could not be read."""

    documents: list[Document] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """The form a document's id is computed from: NFC, whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def document_id(text: str, given: dict[str, str] | None = None) -> str:
    """Same text from the same place gets the same id; the same text given as two outlets' does not."""
    key = normalise_text(text)
    if given:
        key += "\x00" + "\x00".join(f"{k}={given[k]}" for k in ("url", "outlet") if given.get(k))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes, path: str) -> str:
    """Decode text of unknown encoding; refuse binary files with a clear error."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(path, "binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "unreadable: no text encoding fits its bytes")
    return str(best)


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(str(path), f"too large ({size} bytes; limit {MAX_FILE_BYTES})")
    return path.read_bytes()


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


def read_text_file(path: Path, label: str) -> Iterator[Document]:
    yield make_document(label, decode_bytes(read_bytes(path), label), "text", {})


def read_html_file(path: Path, label: str) -> Iterator[Document]:
    yield make_document(label, decode_bytes(read_bytes(path), label), "html", {})


def read_jsonl_file(path: Path, label: str) -> Iterator[Document | InputError]:
    """One document per line; a bad line is an error of its own, the other lines still count."""
    text = decode_bytes(read_bytes(path), label)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield InputError(where, "a JSON object was expected")
            continue
        body, raw_format = pick(record, JSONL_TEXT_FIELDS), "text"
        if body is None:
            body, raw_format = pick(record, JSONL_HTML_FIELDS), "html"
        if body is None:
            yield InputError(where, f"no text field (looked for {', '.join(JSONL_TEXT_FIELDS + JSONL_HTML_FIELDS)})")
            continue
        record_id = pick(record, JSONL_ID_FIELDS)
        label_here = f"{label}#{record_id}" if record_id else where
        try:
            yield make_document(label_here, body, raw_format, given_metadata(record))
        except InputError as exc:
            yield exc


READERS: dict[str, Callable[[Path, str], Iterator]] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
}


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


def ingest(paths: list[Path], sidecar: Path | None = None) -> IngestResult:
    """Read every file under ``paths``; collect the documents and the per-file errors."""
    result = IngestResult()
    metadata = load_sidecar(sidecar) if sidecar else {}
    seen: set[str] = set()
    for path, root in iter_files(paths):
        if sidecar and path.resolve() == sidecar.resolve():
            continue
        label = str(path)
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            result.errors.append(InputError(label, f"unsupported file type {path.suffix or '(none)'!r}"))
            continue
        try:
            for item in reader(path, label):
                if isinstance(item, InputError):
                    result.errors.append(item)
                    continue
                given = metadata.get(str(path.relative_to(root))) or metadata.get(path.name)
                if given:
                    item.given = {**given, **item.given}
                    item.id = document_id(item.raw_text, item.given)
                if item.id not in seen:
                    seen.add(item.id)
                    result.documents.append(item)
        except InputError as exc:
            result.errors.append(exc)
        except OSError as exc:
            result.errors.append(InputError(label, f"cannot read: {exc.strerror or exc}"))
    return result
