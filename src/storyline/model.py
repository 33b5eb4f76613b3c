"""The one data model that flows through every pipeline stage.

Plain dataclasses, no behaviour beyond small derived views: stages read some
fields and fill others (each stage module says which). Offsets are character
offsets into ``Document.clean_text`` unless a field says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A paragraph of the clean text, by offsets into ``Document.clean_text``."""

    start: int
    end: int


@dataclass
class Mention:
    """A name or role in a document that refers to an entity."""

    start: int
    end: int
    text: str
    kind: str  # PERSON | ORG | GPE | NORP | LOC | ...
    canonical: str  # canonical name chosen within the document ("Vladimir Putin")
    entity_id: str | None = None  # set when entities are resolved across the corpus


@dataclass
class Entity:
    """One real person, organisation or place, with every name it goes by."""

    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """One occurrence of a quote in one document."""

    start: int  # content span
    end: int
    text: str
    kind: str  # direct | indirect
    cue: str | None = None  # the cue verb ("said", "told")
    speaker: str | None = None  # canonical speaker name
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity_id: str | None = None  # set when entities are resolved across the corpus


@dataclass
class TemporalExpression:
    """A temporal expression with its TimeML-style value and the evidence for it."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None  # TimeML value: 2026-02-04, 2026-W06, 2026-02, PAST_REF, P3D ...
    evidence: str = ""  # how the value was resolved ("weekday before publication 2026-02-04")


@dataclass
class DateInference:
    """A date with the evidence for it, and the alternatives when it is not certain."""

    value: str | None  # ISO date (YYYY-MM-DD) or None
    certain: bool = False
    source: str = ""  # metadata | text | inferred | event
    evidence: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)


@dataclass
class Document:
    """An article from ingest to events; each stage fills its own fields."""

    id: str  # content hash of the normalised raw text
    path: str  # where it was read from (file, or file#line / file!member)
    raw_text: str
    raw_format: str = "text"  # text | html
    # metadata given by the user (JSONL fields, sidecar), kept apart from what is inferred
    given: dict[str, str] = field(default_factory=dict)
    # clean stage
    clean_text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    dateline: str | None = None  # "BEIJING (AP)"
    date_stamp: str | None = None  # a date/time stamp as printed in the page ("02/04 06:20")
    url: str | None = None
    language: str | None = None
    removed_lines: list[str] = field(default_factory=list)  # boilerplate taken out, for audit
    # extract stage
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    temporal_expressions: list[TemporalExpression] = field(default_factory=list)
    published: DateInference | None = None  # publication date, given or inferred
    event_date: DateInference | None = None  # date of the main event the document reports

    def paragraph_texts(self) -> list[str]:
        return [self.clean_text[p.start : p.end] for p in self.paragraphs]


@dataclass
class ReuseLink:
    """Text of ``source`` reused by ``target`` (the same id for a duplicate inside one document)."""

    source_document_id: str  # the original
    target_document_id: str  # the copy, rewrite or the document itself
    kind: str  # exact | near | copy | paraphrase | internal
    score: float
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # (src_start, src_end, tgt_start, tgt_end)
    evidence: list[str] = field(default_factory=list)  # why source is the original


@dataclass
class QuoteCluster:
    """The same quote across documents and outlets, with its corroboration."""

    id: str
    text: str  # the fullest wording
    speaker: str | None
    speaker_entity_id: str | None
    occurrences: list[tuple[str, int, int]] = field(default_factory=list)  # (document_id, start, end)
    independent_sources: int = 0
    event_id: str | None = None
    kind: str = "direct"  # direct | indirect (reported speech)

    @property
    def document_ids(self) -> list[str]:
        return sorted({doc_id for doc_id, _, _ in self.occurrences})


@dataclass
class Citation:
    """A summary sentence and the documents that carry it."""

    text: str
    document_ids: list[str]
    independent_sources: int = 1


@dataclass
class EventCoding:
    """Who did what to whom, in the spirit of PLOVER, with the sentence it was read from."""

    event_type: str  # CONSULT | AGREE | SUPPORT | DEMAND | ACCUSE | THREATEN | ASSAULT | ...
    mode: str | None = None  # e.g. CONSULT: phone | visit | multilateral
    actors: list[str] = field(default_factory=list)  # canonical names (PLOVER source)
    targets: list[str] = field(default_factory=list)  # canonical names (PLOVER target)
    evidence: str = ""  # the sentence the coding was read from
    document_id: str | None = None  # the document that sentence is in


@dataclass
class Event:
    """A real-world event: the documents that report it, when it happened, what was said."""

    id: str
    date: DateInference
    title: str
    document_ids: list[str]
    independent_sources: int
    summary: list[Citation] = field(default_factory=list)
    quote_ids: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)  # entity ids, most prominent first
    coding: EventCoding | None = None  # what happened, who to whom (coding.py)
    discrepancies: list[str] = field(default_factory=list)  # where the sources disagree (briefing.py)


@dataclass
class Story:
    """Events threaded into a dated timeline."""

    id: str
    title: str
    event_ids: list[str]  # in date order
    summary: list[Citation] = field(default_factory=list)


@dataclass
class Corpus:
    """Everything the corpus-level stages produce, alongside the documents."""

    documents: list[Document] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    reuse: list[ReuseLink] = field(default_factory=list)
    quotes: list[QuoteCluster] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
