"""The stages in order, and the runner that checks each one keeps its contract.

Document stages are functions over a batch of Documents (so a distributed engine can map
them over partitions unchanged); corpus stages see every document and fill the Corpus.
Each stage declares the fields it reads and the fields it sets. A document that makes a
document stage fail is set aside with a StageError naming the stage and the document;
the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from datetime import date
from pathlib import Path

from . import briefing, clean, dating, entities, events, provenance, quotes, timex
from .errors import StageError, StorylineError
from .ingest import JsonlFields, ingest
from .knowledge import Knowledge, load_knowledge
from .model import Corpus, Document, Event
from .nlp import load_fast_nlp, load_nlp
from .store import Store


# The named-entity engines the extract stage can use: spaCy's small English model, or
# storyline's rule and gazetteer NER (nlp.FastNER: about 20 times the stage's speed, as good
# on the seeds, the entity gold set and PolNeAR speakers; see bench/entities.py).
NER_ENGINES = ("spacy", "fast")


@dataclass
class Context:
    """What stages need besides documents: the language model and the knowledge files."""

    knowledge: Knowledge
    nlp_loader: Callable[[], object] = load_nlp
    ner: str = "spacy"  # which of NER_ENGINES nlp_loader loads; recorded with stored results
    _nlp: object | None = field(default=None, repr=False)
    _unit_model: clean.UnitModel | None = field(default=None, repr=False)

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = self.nlp_loader()
        return self._nlp

    @property
    def unit_model(self) -> clean.UnitModel | None:
        """The shipped plain-text unit model, read once per run (its JSON takes ~20 ms to load)."""
        if self._unit_model is None:
            self._unit_model = clean.load_unit_model()
        return self._unit_model

    @classmethod
    def default(cls, knowledge_dirs: list[Path] | None = None, ner: str = "fast") -> Context:
        if ner not in NER_ENGINES:
            raise ValueError(f"unknown NER engine {ner!r}; one of {', '.join(NER_ENGINES)}")
        knowledge = load_knowledge(knowledge_dirs or ())
        loader = partial(load_fast_nlp, knowledge) if ner == "fast" else load_nlp
        return cls(knowledge=knowledge, nlp_loader=loader, ner=ner)

    def __getstate__(self) -> dict:
        """Sent to worker processes without a loaded model: each worker loads its own."""
        return {**self.__dict__, "_nlp": None, "_unit_model": None}

    @property
    def version(self) -> str:
        """What made a document's or the corpus's results: the stages and the NER engine."""
        return f"{PIPELINE_VERSION}+ner.{self.ner}"


@dataclass(frozen=True)
class DocumentStage:
    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Callable[[list[Document], Context], list[Document]]


@dataclass(frozen=True)
class CorpusStage:
    """A stage over all documents. ``update``, when a stage has one, fills the corpus from the
    previous results and the ids of the documents added since (cheaper than ``run`` on a large
    store); stages without it run in full."""

    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Callable[[Corpus, Context], None]
    update: Callable[[Corpus, Corpus, set[str], Context], None] | None = None


def clean_stage(docs: list[Document], ctx: Context) -> list[Document]:
    return clean.clean_documents(docs, ctx.unit_model)


def extract_stage(docs: list[Document], ctx: Context) -> list[Document]:
    """Entity mentions and quotes, from one spaCy pass per document."""
    for doc, parsed in zip(docs, ctx.nlp.pipe(d.clean_text for d in docs)):
        doc.mentions = entities.find_mentions(doc.clean_text, parsed)
        doc.quotes = quotes.find_quotes(doc.clean_text, doc.mentions, parsed)
    return docs


def date_stage(docs: list[Document], ctx: Context) -> list[Document]:
    """Publication date (given, printed or inferred), then every temporal expression against it."""
    for doc in docs:
        doc.published, doc.event_date = dating.infer_dates(doc, ctx.knowledge)
        reference = date.fromisoformat(doc.published.value) if doc.published and doc.published.value else None
        doc.temporal_expressions = timex.find_temporal_expressions(doc.clean_text, reference, ctx.knowledge)
    return docs


def provenance_stage(corpus: Corpus, ctx: Context) -> None:
    corpus.reuse = provenance.find_reuse(corpus.documents)


def provenance_update(corpus: Corpus, previous: Corpus, new_ids: set[str], ctx: Context) -> None:
    corpus.reuse = provenance.update_reuse(previous.reuse, corpus.documents, new_ids)


def entity_stage(corpus: Corpus, ctx: Context) -> None:
    corpus.entities = entities.resolve_entities(corpus.documents)


def quote_stage(corpus: Corpus, ctx: Context) -> None:
    corpus.quotes = quotes.merge_quotes(corpus.documents, provenance.source_of(corpus.documents, corpus.reuse))


def event_stage(corpus: Corpus, ctx: Context) -> None:
    place_events(corpus, events.group_events(corpus.documents, corpus.reuse))


def event_update(corpus: Corpus, previous: Corpus, new_ids: set[str], ctx: Context) -> None:
    place_events(corpus, events.regroup_events(previous.events, corpus.documents, corpus.reuse))


def place_events(corpus: Corpus, found: list[Event]) -> None:
    """The events found, with their quotes, threaded into stories."""
    corpus.events = found
    events.assign_quotes(corpus.events, corpus.quotes)
    corpus.stories = events.thread_stories(corpus.events, corpus.entities)


def briefing_stage(corpus: Corpus, ctx: Context) -> None:
    briefing.summarize(corpus)


def briefing_update(corpus: Corpus, previous: Corpus, new_ids: set[str], ctx: Context) -> None:
    briefing.summarize(corpus, previous.events)


DOCUMENT_STAGES = (
    DocumentStage("clean", "1", ("raw_text", "raw_format", "given"),
                  ("clean_text", "paragraphs", "title", "outlet", "byline", "dateline", "date_stamp"), clean_stage),
    DocumentStage("extract", "2", ("clean_text",), ("mentions", "quotes"), extract_stage),
    DocumentStage("date", "2", ("clean_text", "title", "date_stamp", "given"),
                  ("published", "event_date", "temporal_expressions"), date_stage),
)
CORPUS_STAGES = (
    CorpusStage("provenance", "2", ("documents",), ("reuse",), provenance_stage, provenance_update),
    CorpusStage("entities", "1", ("documents",), ("entities",), entity_stage),
    CorpusStage("quotes", "2", ("documents", "reuse"), ("quotes",), quote_stage),
    CorpusStage("events", "2", ("documents", "reuse", "entities", "quotes"), ("events", "stories"), event_stage, event_update),
    CorpusStage("briefing", "1", ("documents", "events", "reuse"), ("events", "stories"), briefing_stage, briefing_update),
)
PIPELINE_VERSION = "+".join(f"{s.name}.v{s.version}" for s in DOCUMENT_STAGES + CORPUS_STAGES)


def run_stage_checked(stage: DocumentStage, docs: list[Document], ctx: Context) -> list[Document]:
    result = stage.run(docs, ctx)
    if not isinstance(result, list) or len(result) != len(docs) or not all(isinstance(d, Document) for d in result):
        raise StageError(stage.name, f"returned {type(result).__name__} instead of {len(docs)} Documents")
    return result


def process_documents(docs: list[Document], ctx: Context) -> tuple[list[Document], list[StageError]]:
    """Run every document stage; a document that fails one is reported and left out."""
    errors: list[StageError] = []
    for stage in DOCUMENT_STAGES:
        try:
            docs = run_stage_checked(stage, docs, ctx)
        except Exception as batch_exc:  # find the culprit(s): retry one by one
            if len(docs) == 1:
                errors.append(as_stage_error(stage, batch_exc, docs[0]))
                return [], errors
            kept = []
            for doc in docs:
                try:
                    kept.extend(run_stage_checked(stage, [doc], ctx))
                except Exception as exc:
                    errors.append(as_stage_error(stage, exc, doc))
            docs = kept
    return docs, errors


def processed_batches(batches: list[list[Document]], ctx: Context, workers: int = 1) -> Iterator[tuple[list[Document], list[StageError]]]:
    """``process_documents`` over each batch, in order; over ``workers`` processes when above one.

    Batches are independent (a batch's chrome lines are found within it), so the results are
    the same whatever the number of workers; each worker loads the language model once.
    """
    if workers <= 1 or len(batches) <= 1:
        yield from (process_documents(batch, ctx) for batch in batches)
        return
    with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(ctx,)) as pool:
        yield from pool.map(process_in_worker, batches)


# A worker process's own Context (each process of the pool has one; the parent never sets it).
_worker_context: Context | None = None


def start_worker(ctx: Context) -> None:
    global _worker_context
    _worker_context = ctx


def process_in_worker(batch: list[Document]) -> tuple[list[Document], list[StageError]]:
    assert _worker_context is not None, "process_in_worker runs in a pool started with start_worker"
    return process_documents(batch, _worker_context)


def as_stage_error(stage: DocumentStage, exc: Exception, doc: Document) -> StageError:
    if isinstance(exc, StageError):
        return exc
    return StageError(stage.name, f"{type(exc).__name__}: {exc}", doc.path)


def process_corpus(
    documents: list[Document],
    ctx: Context,
    on_stage: Callable[[str], None] | None = None,
    previous: Corpus | None = None,
    new_ids: set[str] | None = None,
) -> Corpus:
    """Run the corpus stages over every document; they are deterministic for a given set.

    Given the ``previous`` results and the ``new_ids`` added since, stages that can update
    do so instead of starting over (their results may then differ slightly from a rebuild's,
    as an incremental clustering does; `run --rebuild` recomputes everything).
    """
    corpus = Corpus(documents=sorted(documents, key=lambda d: d.id))
    for stage in CORPUS_STAGES:
        if on_stage:
            on_stage(stage.name)
        try:
            if previous is not None and new_ids is not None and stage.update is not None:
                stage.update(corpus, previous, new_ids, ctx)
            else:
                stage.run(corpus, ctx)
        except StageError:
            raise
        except Exception as exc:
            raise StageError(stage.name, f"{type(exc).__name__}: {exc}") from exc
    return corpus


# Documents go through the document stages this many at a time; each batch is saved in
# one transaction, so a killed run loses at most one batch of work and no records.
BATCH_SIZE = 32


@dataclass
class RunReport:
    """What one `run` did, for the CLI to tell the user."""

    read: int = 0
    added: int = 0
    already_stored: int = 0
    errors: list[StorylineError] = field(default_factory=list)
    repeats: list[tuple[str, str]] = field(default_factory=list)  # (path, path read before with the same text)
    corpus: str = "unchanged"  # unchanged | updated (from the added documents) | rebuilt
    reprocessed: int = 0  # stored documents run through the document stages again (rebuild)


def corpus_config(ctx: Context) -> str:
    """Changes when the stages, the NER engine or the knowledge change: then stored corpus results are stale."""
    key = "\n".join([ctx.version, str(ctx.knowledge.version)])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def run(
    paths: list[Path],
    store: Store,
    ctx: Context,
    sidecar: Path | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    jsonl_fields: JsonlFields | None = None,
    rebuild: bool = False,
    workers: int = 1,
) -> RunReport:
    """Ingest ``paths`` into ``store`` and bring every derived result up to date; incremental.

    Corpus results are updated from the added documents when the stored ones were made by the
    same stages and knowledge, rebuilt from all documents otherwise. ``rebuild`` also runs the
    document stages again on stored documents that other stages or another NER engine made.
    """
    ingested = ingest(paths, sidecar, jsonl_fields)
    stored = store.document_ids()
    new = [d for d in ingested.documents if d.id not in stored]
    report = RunReport(read=len(ingested.documents), already_stored=len(ingested.documents) - len(new))
    report.errors.extend(ingested.errors)
    report.repeats = ingested.repeats
    stale = store.documents_not_made_by(ctx.version) if rebuild else []
    report.reprocessed = len(stale)
    todo = stale + new
    batches = [todo[start : start + BATCH_SIZE] for start in range(0, len(todo), BATCH_SIZE)]
    finished = 0
    for batch, (done, failed) in zip(batches, processed_batches(batches, ctx, workers)):
        store.save_documents(done, ctx.version)
        report.added += sum(d.id not in stored for d in done)
        report.errors.extend(failed)
        finished += len(batch)
        if on_batch:
            on_batch(finished, len(todo))
    store.save_errors(report.errors)
    config = corpus_config(ctx)
    built_config, built = store.corpus_state()
    stored = store.document_ids()
    if rebuild or built_config != config or not built <= stored:
        store.save_corpus(process_corpus(store.documents(), ctx, on_stage), config)
        report.corpus = "rebuilt"
    elif stored != built:
        previous = store.corpus()
        corpus = process_corpus(previous.documents, ctx, on_stage, previous, stored - built)
        store.save_corpus(corpus, config)
        report.corpus = "updated"
    return report
