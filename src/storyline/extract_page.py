"""`storyline extract`: one page in, clean body text and metadata out.

The page goes through exactly what `storyline run` does to a document: ingest's readers (or,
for standard input and files without a known suffix, ingest's decoding with the format
sniffed), then ``clean.clean_documents``. Rendering is kept apart: the text form strips
control characters so hostile text cannot drive the terminal.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import BinaryIO

from . import clean
from .errors import InputError
from .ingest import (
    MAX_FILE_BYTES,
    ReadOptions,
    decode_bytes,
    make_document,
    read_capped,
    read_path,
    reader_for,
    sniff_format,
)
from .model import Document

STDIN_LABEL = "<stdin>"
# The text form's metadata lines, in print order (the JSON object has them all, null when unknown).
META_FIELDS = ("title", "author", "outlet", "published", "dateline", "date_stamp", "url", "language")


def sniffed_document(data: bytes, label: str) -> Document:
    """A document from bytes of unknown kind: decoded like any file, HTML when it starts with markup."""
    text = decode_bytes(data, label)
    return make_document(label, text, sniff_format(text), {})


def read_page(path: Path) -> Document:
    """The one document a file holds, read by ingest's reader for its suffix."""
    if reader_for(path.name) is None:
        if not path.is_file():
            raise InputError(str(path), "no such file")
        with path.open("rb") as stream:
            return sniffed_document(read_capped(stream, MAX_FILE_BYTES, str(path)), str(path))
    items = list(read_path(path, ReadOptions()))
    errors = [i for i in items if isinstance(i, InputError)]
    docs = [i for i in items if not isinstance(i, InputError)]
    if len(docs) != 1:
        raise errors[0] if errors and not docs else InputError(str(path), f"holds {len(docs)} documents; extract takes one page")
    return docs[0]


def extract(page: str, stdin: BinaryIO) -> Document:
    """Read one page (``-`` for standard input) and clean it as `storyline run` would."""
    if page == "-":
        doc = sniffed_document(read_capped(stdin, MAX_FILE_BYTES, STDIN_LABEL), STDIN_LABEL)
    else:
        doc = read_page(Path(page))
    return clean.clean_documents([doc])[0]


def page_record(doc: Document) -> dict[str, str | None]:
    """The page as the JSON object `storyline extract --format json` prints."""
    return {
        "text": doc.clean_text,
        "title": doc.title,
        "author": doc.byline,
        "outlet": doc.outlet,
        "published": doc.published.value if doc.published else None,
        "dateline": doc.dateline,
        "date_stamp": doc.date_stamp,
        "url": doc.url,
        "language": doc.language,
    }


def render_json(doc: Document) -> str:
    return json.dumps(page_record(doc), ensure_ascii=False)


def printable(text: str) -> str:
    """Text without control characters (escape sequences, bells), newlines and tabs kept."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def render_text(doc: Document) -> str:
    """Known metadata as ``name: value`` lines, a blank line, then the clean text."""
    record = page_record(doc)
    lines = [f"{name}: {' '.join(str(record[name]).split())}" for name in META_FIELDS if record[name]]
    return printable("\n".join(lines) + "\n\n" + doc.clean_text)
