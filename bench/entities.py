"""Entities and the extract stage's speed: spaCy's small model beside storyline's fast NER.

For each NER engine (``spacy``: en_core_web_sm without parser/tagger; ``fast``: nlp.FastNER,
capitalisation + titles + gazetteers + the document's own evidence):

- seeds: for each of the eight people the v0 issue names, whether every PERSON mention that
  contains the surname resolves to one corpus entity, and the share of those mentions that
  land in the person's majority entity;
- PolNeAR dev gold (``bench/gold/polnear_dev_entities.jsonl``, our own annotation of every
  named mention of a person in three dev texts, with the fullest name the document gives):
  mention recall (a PERSON mention overlaps the gold span) and canonicalisation accuracy (that
  mention's in-document canonical name has the gold name's key);
- speed of the whole extract stage (NER + find_mentions + find_quotes, as pipeline's extract
  stage runs it) on PolNeAR dev texts, in one process and in two (``--processes``), in
  documents per second and scaled to 600-word articles.

    .venv/bin/python bench/entities.py
    .venv/bin/python bench/entities.py --engines fast --limit 40
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

from storyline.clean import clean_document
from storyline.entities import find_mentions, name_key, resolve_entities
from storyline.model import Document
from storyline.nlp import load_fast_nlp, load_nlp
from storyline.quotes import find_quotes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "quotes" / "polnear" / "dev" / "text"
GOLD = ROOT / "bench" / "gold" / "polnear_dev_entities.jsonl"
SEED_PEOPLE = ("Putin", "Xi", "Ushakov", "Lavrov", "Shoigu", "Wang Yi", "Trump", "Blinken")
TYPICAL_WORDS = 600
LOADERS = {"spacy": load_nlp, "fast": load_fast_nlp}


def seed_scores(nlp) -> tuple[int, float, list[str]]:
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = clean_document(Document(id=path.name[:3], path=str(path), raw_text=path.read_text(encoding="utf-8")))
        parsed = nlp(doc.clean_text)
        doc.mentions = find_mentions(doc.clean_text, parsed)
        doc.quotes = find_quotes(doc.clean_text, doc.mentions, parsed)
        docs.append(doc)
    resolve_entities(docs)
    one, right, total, split = 0, 0, 0, []
    for surname in SEED_PEOPLE:
        pattern = re.compile(rf"\b{surname}\b")
        ids = Counter(m.entity_id for d in docs for m in d.mentions if m.kind == "PERSON" and pattern.search(m.text))
        one += len(ids) == 1
        total += sum(ids.values())
        right += ids.most_common(1)[0][1] if ids else 0
        if len(ids) != 1:
            split.append(f"{surname}:{len(ids)}")
    return one, right / total if total else 0.0, split


def gold_scores(nlp) -> tuple[int, int, int, list[str]]:
    gold = defaultdict(list)
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold[row["document"]].append(row)
    found = correct = total = 0
    errors = []
    for name, rows in sorted(gold.items()):
        text = (POLNEAR_DEV / f"{name}.txt").read_text(encoding="utf-8")
        mentions = [m for m in find_mentions(text, nlp(text)) if m.kind == "PERSON"]
        for row in rows:
            total += 1
            hits = [m for m in mentions if m.start < row["end"] and row["start"] < m.end]
            if not hits:
                errors.append(f"missed {row['mention']!r}@{row['start']}")
                continue
            found += 1
            if any(name_key(m.canonical) == name_key(row["canonical"]) for m in hits):
                correct += 1
            else:
                errors.append(f"{row['mention']!r}@{row['start']} → {hits[0].canonical!r} (gold {row['canonical']!r})")
    return total, found, correct, errors


_WORKER_NLP = {}


def _extract(args: tuple[str, str]) -> int:
    engine, text = args
    if engine not in _WORKER_NLP:
        _WORKER_NLP[engine] = LOADERS[engine]()
    nlp = _WORKER_NLP[engine]
    parsed = nlp(text)
    mentions = find_mentions(text, parsed)
    return len(find_quotes(text, mentions, parsed))


def ner_speed(nlp, texts: list[str]) -> float:
    """Documents per second through the NER alone, in one process."""
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return len(texts) / (time.perf_counter() - started)


def extract_speed(engine: str, nlp, texts: list[str], processes: int) -> float:
    """Documents per second through NER + mentions + quotes (model loading not counted)."""
    if processes == 1:
        started = time.perf_counter()
        for parsed, text in zip(nlp.pipe(texts, batch_size=32), texts):
            find_quotes(text, find_mentions(text, parsed), parsed)
        return len(texts) / (time.perf_counter() - started)
    with Pool(processes) as pool:
        pool.map(_extract, [(engine, "Warm up.")] * processes * 2)  # load the model in every worker
        started = time.perf_counter()
        pool.map(_extract, [(engine, t) for t in texts], chunksize=4)
        return len(texts) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="spacy,fast")
    parser.add_argument("--limit", type=int, default=None, help="PolNeAR dev texts for the speed run")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--errors", action="store_true", help="print the gold errors")
    args = parser.parse_args(argv)

    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_DEV.glob("*.txt"))[: args.limit]]
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"speed on {len(texts)} PolNeAR dev texts, {words:.0f} words on average; "
          f"'per 600 words' scales docs/s by words/{TYPICAL_WORDS}")
    print("docs/s: NER alone in one process; the whole extract stage (NER + mentions + quotes) in one and in "
          f"{args.processes} processes; '600w' scales the last to 600-word articles; 'x first' is the stage's "
          "speed over the first engine's in this run (the anchor)")
    header = f"{'engine':<8}{'seed people one entity':>24}{'seed mentions':>15}{'gold found':>12}{'gold canon':>12}" \
             f"{'NER 1p':>9}{'stage 1p':>10}{'stage ' + str(args.processes) + 'p':>10}{'600w ' + str(args.processes) + 'p':>10}" \
             f"{'x first':>9}"
    rows = []
    anchor = None
    for engine in args.engines.split(","):
        nlp = LOADERS[engine]()
        one, seed_share, split = seed_scores(nlp)
        total, found, correct, errors = gold_scores(nlp)
        ner = ner_speed(nlp, texts)
        single = extract_speed(engine, nlp, texts, 1)
        multi = extract_speed(engine, nlp, texts, args.processes) if args.processes > 1 else single
        anchor = anchor or multi
        rows.append(f"{engine:<8}{f'{one}/{len(SEED_PEOPLE)}':>24}{seed_share:>15.3f}{found / total:>12.3f}{correct / total:>12.3f}"
                    f"{ner:>9.1f}{single:>10.1f}{multi:>10.1f}{multi * words / TYPICAL_WORDS:>10.1f}{multi / anchor:>9.1f}")
        if split:
            rows.append(f"  split seed people: {', '.join(split)}")
        if args.errors:
            rows.extend(f"  {e}" for e in errors)
    print(header)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
