"""Briefing stage: extractive, cited summaries of events and stories, and their rendering.

Every summary sentence is a sentence of a source document, never generated text. A
sentence that several documents carry (verbatim or nearly) is shown once and cites them
all, with the number of independent sources among them.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from . import provenance
from .model import Citation, Corpus, Document, Event, EventCoding, QuoteCluster, Story
from .text import split_sentences

# Sentences shorter than this many words are headings or fragments, not summary material.
MIN_SENTENCE_WORDS = 8
# Sentences this similar (rapidfuzz token_set_ratio, 0-100) say the same thing: one
# citation with both sources. 85 keeps light copy edits together and paraphrases apart.
SAME_SENTENCE_RATIO = 85
# Only sentences sharing at least this share of the shorter one's distinct content words are
# compared (two that reach SAME_SENTENCE_RATIO share nearly all of them): the check that keeps
# summarising a large event from comparing every sentence with every other.
TWIN_MIN_SHARED_WORDS = 0.5
WORD = re.compile(r"\w+")
# Summary length per event, in sentences.
SUMMARY_SENTENCES = 3
# Maximal marginal relevance: weight of relevance against novelty when picking sentences.
MMR_RELEVANCE = 0.7
# Extra weight for sentences in a document's first paragraphs (news leads carry the event).
LEAD_BONUS = 0.15
LEAD_SENTENCES = 3
# What a timeline shows per event: the strongest quotes and the date's leading evidence.
KEY_QUOTES = 3
DATE_EVIDENCE_LINES = 4


@dataclass
class CandidateSentence:
    text: str
    document_ids: list[str]
    position: int  # index of the sentence in the first document that carries it


def candidate_sentences(docs: list[Document], originals: dict[str, str]) -> list[CandidateSentence]:
    """Sentences of the event's documents, originals first, near-identical ones merged."""
    ordered = sorted(docs, key=lambda d: (originals.get(d.id, d.id) != d.id, d.id))
    found: list[CandidateSentence] = []
    holding: dict[str, list[int]] = {}  # word -> indexes of found sentences with it
    sizes: list[int] = []  # distinct content words of each found sentence
    for doc in ordered:
        for position, (start, end) in enumerate(split_sentences(doc.clean_text)):
            text = doc.clean_text[start:end]
            if len(text.split()) < MIN_SENTENCE_WORDS:
                continue
            words = set(WORD.findall(text.lower())) - provenance.STOP_WORDS
            shared = Counter(i for w in words for i in holding.get(w, ()))
            # Sentences that say the same thing share most words: only those are compared.
            twin = next((found[i] for i in sorted(shared) if shared[i] >= TWIN_MIN_SHARED_WORDS * min(len(words), sizes[i])
                         and fuzz.token_set_ratio(found[i].text, text) >= SAME_SENTENCE_RATIO), None)
            if twin is None:
                for w in words:
                    holding.setdefault(w, []).append(len(found))
                found.append(CandidateSentence(text, [doc.id], position))
                sizes.append(len(words))
            elif doc.id not in twin.document_ids:
                twin.document_ids.append(doc.id)
    return found


def pick_sentences(candidates: list[CandidateSentence], count: int) -> list[CandidateSentence]:
    """Central, well-supported, non-redundant sentences (MMR over TF-IDF)."""
    if len(candidates) <= count:
        return candidates
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([c.text for c in candidates])
    centroid = np.asarray(vectors.mean(axis=0))
    relevance = (vectors @ centroid.T).ravel()
    relevance = relevance / (relevance.max() or 1.0)
    relevance += np.array([LEAD_BONUS if c.position < LEAD_SENTENCES else 0.0 for c in candidates])
    relevance += np.array([0.1 * (len(c.document_ids) - 1) for c in candidates])
    similarity = (vectors @ vectors.T).toarray()
    chosen: list[int] = []
    while len(chosen) < count:
        novelty = similarity[:, chosen].max(axis=1) if chosen else np.zeros(len(candidates))
        score = MMR_RELEVANCE * relevance - (1 - MMR_RELEVANCE) * novelty
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return [candidates[i] for i in sorted(chosen, key=lambda i: (candidates[i].document_ids[0], candidates[i].position))]


def summarize_event(
    event: Event, docs: dict[str, Document], components: provenance.DisjointSets, originals: dict[str, str]
) -> list[Citation]:
    """``components``: the corpus's reuse components (`provenance.reuse_components`)."""
    outlets = {i: docs[i].outlet for i in event.document_ids}
    picked = pick_sentences(candidate_sentences([docs[i] for i in event.document_ids], originals), SUMMARY_SENTENCES)
    return [Citation(c.text, sorted(c.document_ids), provenance.count_sources(c.document_ids, components, outlets)) for c in picked]


# A figure: a number (with its scale word) and the noun it counts ("25,000 tons", "$5 million
# in aid", "30 people"). Bounded repetitions only: article text is hostile.
FIGURE = re.compile(
    r"(?<![\w.,])(\$?\d{1,3}(?:,\d{3}){0,4}(?:\.\d{1,3})?|\$?\d{1,12}(?:\.\d{1,3})?)"
    r"(?:\s(million|billion|thousand|trillion))?\s?(%|percent|per cent)?\s(?:[a-z-]{1,20}\s){0,1}?([a-z]{3,20})\b"
)
# Words after a number that are not what it counts (dates, times, ordinals, units of time).
NOT_COUNTED = frozenset(
    "am pm gmt utc bst est edt years year days day hours hour minutes minute weeks week months month "
    "january february march april may june july august september october november december "
    "and the for percent".split()
)
# At most this many discrepancies per event: the strongest kinds first (dates, then figures).
MAX_DISCREPANCIES = 6


def figures(text: str) -> dict[str, set[str]]:
    """What each counted noun is given as: {"people": {"30"}, "tons": {"25,000"}}."""
    found: dict[str, set[str]] = {}
    for match in FIGURE.finditer(text):
        number, scale, percent, noun = match.groups()
        if noun in NOT_COUNTED or (not scale and not percent and re.fullmatch(r"(?:19|20)\d\d", number)):
            continue
        value = " ".join(x for x in (number, scale, "percent" if percent else None) if x)
        found.setdefault(noun, set()).add(value)
    return found


def find_discrepancies(event: Event, docs: dict[str, Document], originals: dict[str, str], short: dict[str, str]) -> list[str]:
    """Where independent reports of one event disagree: the event day they give, and the
    figures they give for the same thing; and figures only one source has."""
    sources: dict[str, list[str]] = {}
    for doc_id in event.document_ids:  # a copy and its original are one source
        sources.setdefault(originals.get(doc_id, doc_id), []).append(doc_id)
    if len(sources) < 2:
        return []
    out = []
    days = {root: {docs[d].event_date.value for d in members if docs[d].event_date and docs[d].event_date.certain} for root, members in sources.items()}
    given = sorted({day for v in days.values() for day in v})
    if len(given) > 1:
        out.append("event day differs: " + "; ".join(f"{day} ({', '.join(short[r] for r in sources if day in days[r])})" for day in given))
    counted: dict[str, dict[str, set[str]]] = {}
    for root, members in sources.items():
        for doc_id in members:
            for noun, values in figures(docs[doc_id].clean_text).items():
                counted.setdefault(noun, {}).setdefault(root, set()).update(values)
    for noun, by_source in sorted(counted.items()):
        values = sorted({v for vs in by_source.values() for v in vs})
        if len(by_source) > 1 and len(values) > 1 and not set.intersection(*by_source.values()):
            out.append(f"figures for {noun!r} differ: " + "; ".join(f"{', '.join(sorted(vs))} ({short[r]})" for r, vs in sorted(by_source.items())))
    for noun, by_source in sorted(counted.items()):
        if len(by_source) == 1:
            (root, values), = by_source.items()
            out.append(f"only {short[root]} gives {', '.join(sorted(values))} {noun}")
    return out[:MAX_DISCREPANCIES]


def summarize(corpus: Corpus, previous: list[Event] = ()) -> None:
    """Fill every event's summary and discrepancies, and every story's (one cited lead sentence per event).

    An event found in ``previous`` with the same documents keeps its summary and
    discrepancies (what an incremental run reuses: summarising is the costly part).
    """
    docs = {d.id: d for d in corpus.documents}
    originals = provenance.source_of(corpus.documents, corpus.reuse)
    components = provenance.reuse_components(corpus.reuse)
    short = short_names(corpus)
    done = {(e.id, tuple(e.document_ids)): e for e in previous}
    for event in corpus.events:
        if (same := done.get((event.id, tuple(event.document_ids)))) is not None:
            event.summary, event.discrepancies = same.summary, same.discrepancies
            continue
        event.summary = summarize_event(event, docs, components, originals)
        event.discrepancies = find_discrepancies(event, docs, originals, short)
    events = {e.id: e for e in corpus.events}
    for story in corpus.stories:
        story.summary = [events[i].summary[0] for i in story.event_ids if events[i].summary]


# Rendering. Article text is hostile: every renderer escapes it for its medium.


def date_label(event: Event) -> str:
    if event.date.value is None:
        return "date unknown"
    return event.date.value if event.date.certain else f"{event.date.value} (uncertain)"


def timeline_data(corpus: Corpus) -> list[dict]:
    events = {e.id: e for e in corpus.events}
    docs = {d.id: d for d in corpus.documents}
    quotes = {q.id: q for q in corpus.quotes}
    out = []
    for story in corpus.stories:
        out.append(
            {
                "story": {"id": story.id, "title": story.title},
                "events": [
                    {
                        **{k: v for k, v in asdict(events[i]).items() if k not in ("quote_ids",)},
                        "documents": [
                            {"id": d, "path": docs[d].path, "title": docs[d].title, "outlet": docs[d].outlet}
                            for d in events[i].document_ids
                        ],
                        "quotes": [
                            {"speaker": quotes[q].speaker, "text": quotes[q].text, "document_ids": quotes[q].document_ids}
                            for q in events[i].quote_ids
                        ],
                    }
                    for i in story.event_ids
                ],
            }
        )
    return out


def coding_line(code: EventCoding) -> str:
    """CONSULT (phone): Vladimir Putin -> Xi Jinping"""
    kind = f"{code.event_type} ({code.mode})" if code.mode else code.event_type
    sides = ", ".join(code.actors) or "?"
    if code.targets and code.targets != code.actors:
        sides += " -> " + ", ".join(code.targets)
    return f"{kind}: {sides}"


def quote_line(quote: QuoteCluster) -> str:
    """Direct quotes in quote marks; reported speech as "Speaker said that ..."."""
    speaker = quote.speaker or "unattributed"
    if quote.kind == "direct":
        return f"“{quote.text}” — {speaker}"
    return f"{speaker} (reported): {quote.text}"


def decisive_evidence(event: Event) -> list[str]:
    """The last steps of the date's reasoning: the constraints that narrowed it down, and the verdict."""
    return event.date.evidence[-DATE_EVIDENCE_LINES:]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def cite(citation: Citation, short: dict[str, str]) -> str:
    refs = ", ".join(short[d] for d in citation.document_ids)
    return f"[{refs}; {citation.independent_sources} independent]"


def short_names(corpus: Corpus) -> dict[str, str]:
    """Readable document labels for citations: the file name when unique, else the id."""
    names = {}
    for doc in corpus.documents:
        base = re.split(r"[\\/]", doc.path)[-1]
        names[doc.id] = base
    if len(set(names.values())) < len(names):
        return {d.id: d.id for d in corpus.documents}
    return names


def stories_with_events(corpus: Corpus) -> Iterator[tuple[Story, list[Event]]]:
    """Each story with its events in timeline order: the walk every renderer makes."""
    events = {e.id: e for e in corpus.events}
    for story in corpus.stories:
        yield story, [events[i] for i in story.event_ids]


def sources_phrase(event: Event) -> str:
    return f"{plural(len(event.document_ids), 'document')}, {plural(event.independent_sources, 'independent source')}"


def render_text(corpus: Corpus) -> str:
    """Plain text; the CLI prints it without markup interpretation."""
    short = short_names(corpus)
    quotes = {q.id: q for q in corpus.quotes}
    lines = []
    for story, events in stories_with_events(corpus):
        lines.append(f"Story: {story.title}  ({len(story.event_ids)} events)")
        for event in events:
            lines.append("")
            lines.append(f"{date_label(event)}  {event.title}")
            lines.append(f"    {sources_phrase(event)}")
            lines.extend(f"    date evidence: {line}" for line in decisive_evidence(event))
            if event.date.alternatives:
                lines.append(f"    other possible dates: {', '.join(event.date.alternatives[:5])}")
            if event.coding:
                lines.append(f"    what: {coding_line(event.coding)}")
            for citation in event.summary:
                lines.append(f"    - {citation.text} {cite(citation, short)}")
            lines.extend(f"    ! {line}" for line in event.discrepancies)
            for q in event.quote_ids[:KEY_QUOTES]:
                lines.append(f"    > {quote_line(quotes[q])} [{', '.join(short[d] for d in quotes[q].document_ids)}]")
        lines.append("")
    return "\n".join(lines)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|>~])")


def md(text: str) -> str:
    """Markdown-safe: HTML escaped, markup characters backslashed."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def render_markdown(corpus: Corpus) -> str:
    short = short_names(corpus)
    quotes = {q.id: q for q in corpus.quotes}
    out = []
    for story, events in stories_with_events(corpus):
        out.append(f"# {md(story.title)}\n")
        for event in events:
            out.append(f"## {md(date_label(event))}: {md(event.title)}\n")
            out.append(f"*{sources_phrase(event)}.* Date evidence: {md('; '.join(decisive_evidence(event)) or 'none')}\n")
            if event.coding:
                out.append(f"What: {md(coding_line(event.coding))}\n")
            out.extend(f"- {md(c.text)} {md(cite(c, short))}" for c in event.summary)
            if event.discrepancies:
                out.append("")
                out.extend(f"- Sources disagree: {md(line)}" for line in event.discrepancies)
            out.extend(f"> {md(quote_line(quotes[q]))}" for q in event.quote_ids[:KEY_QUOTES])
            out.append("")
    return "\n".join(out)


def render_json(corpus: Corpus) -> str:
    return json.dumps(timeline_data(corpus), ensure_ascii=False, indent=2)
