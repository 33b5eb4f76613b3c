"""Event coding on the PLOVER gold standard records: storyline beside trivial baselines.

    .venv/bin/python bench/coding.py [--limit N]

Each record is one sentence with its gold event type, mode, source and target actors. Storyline
finds names with its extract stage (spaCy + entities.find_mentions) and codes the sentence with
`coding.code_sentence`. Reported: event-type accuracy, CONSULT-mode accuracy, and actor
(source) and recipient (target) P/R/F1, micro over records. An actor matches a gold actor
when they share a word of three or more letters, case-insensitively (gold spans are loose:
"Senior Hungarian officials" is marked as "Hungarian").

Baselines in the same run: the majority type; a keyword baseline (the first type whose own
name's stem appears in the sentence, e.g. "threat" -> THREATEN, else the majority); for
actors, the first name found is the source and the second the target.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from storyline import coding, entities
from storyline.nlp import load_nlp

PLOVER = Path(__file__).resolve().parents[2] / "shared/data/events/plover/PLOVER_GSR_CAMEO.txt"
KEYWORD_STEMS = {
    "AGREE": "agree", "DEMAND": "demand", "REJECT": "reject", "THREATEN": "threat", "PROTEST": "protest",
    "COERCE": "coerc", "FIGHT": "fight", "DISAPPROVE": "disapprov", "ASSAULT": "assault", "RETREAT": "retreat",
    "SANCTION": "sanction", "SUPPORT": "support", "CONCEDE": "conced", "CONSULT": "consult", "AID": "aid",
    "INVESTIGATE": "investigat", "MOBILIZE": "mobiliz", "COOPERATE": "cooperat",
}


def load(limit: int | None) -> list[dict]:
    rows = [r for r in json.loads(PLOVER.read_text(encoding="utf-8")) if r.get("text") and r.get("event") != "DOCUMENT"]
    return rows[:limit] if limit else rows


def actor_texts(value) -> list[str]:
    return [a["actorText"] for a in value if isinstance(a, dict) and a.get("actorText")] if isinstance(value, list) else []


def words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", name)}


def match_counts(predicted: list[str], gold: list[str]) -> tuple[int, int, int]:
    """(true positives among predicted, predicted, gold), by shared words."""
    hit_pred = sum(any(words(p) & words(g) for g in gold) for p in predicted)
    hit_gold = sum(any(words(p) & words(g) for p in predicted) for g in gold)
    return hit_pred, len(predicted), hit_gold


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def keyword_type(text: str, majority: str) -> str:
    lowered = text.lower()
    hits = [(lowered.find(stem), kind) for kind, stem in KEYWORD_STEMS.items() if stem in lowered]
    return min(hits)[1] if hits else majority


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N records")
    args = parser.parse_args()
    rows = load(args.limit)
    nlp = load_nlp()
    majority = Counter(r["event"] for r in rows).most_common(1)[0][0]
    type_hits = Counter()
    mode_hits = mode_total = 0
    sums = {k: [0, 0, 0, 0] for k in ("ours source", "ours target", "base source", "base target")}
    confusion = Counter()
    for row, parsed in zip(rows, nlp.pipe(r["text"] for r in rows)):
        text, gold_type = row["text"], row["event"]
        mentions = [m for m in entities.find_mentions(text, parsed) if m.kind in coding.ACTOR_KINDS]
        coded = coding.code_sentence(text, mentions)
        ours = coded.event_type if coded else majority
        type_hits["storyline"] += ours == gold_type
        type_hits["majority"] += majority == gold_type
        type_hits["keyword"] += keyword_type(text, majority) == gold_type
        if ours != gold_type:
            confusion[(gold_type, ours)] += 1
        if gold_type == "CONSULT" and row.get("mode"):
            mode_total += 1
            mode_hits += bool(coded) and coded.mode == row["mode"]
        gold_src, gold_tar = actor_texts(row.get("source")), actor_texts(row.get("target"))
        names = [m.text for m in sorted(mentions, key=lambda m: m.start)]
        predictions = {
            "ours source": [*(coded.actors if coded else [])], "ours target": [*(coded.targets if coded else [])],
            "base source": names[:1], "base target": names[1:2],
        }
        surface = {m.canonical: m.text for m in mentions}
        for key, predicted in predictions.items():
            gold = gold_src if key.endswith("source") else gold_tar
            tp_pred, n_pred, tp_gold = match_counts([f"{p} {surface.get(p, '')}" for p in predicted], gold)
            for n, value in enumerate((tp_pred, n_pred, tp_gold, len(gold))):
                sums[key][n] += value
    n = len(rows)
    print(f"PLOVER gold records: {n}, {len(set(r['event'] for r in rows))} event types, majority {majority}")
    print(f"\n{'event type accuracy':<28}{'storyline':>10}{'keyword':>10}{'majority':>10}")
    print(f"{'':<28}{type_hits['storyline'] / n:10.3f}{type_hits['keyword'] / n:10.3f}{type_hits['majority'] / n:10.3f}")
    print(f"ratio storyline/keyword: {type_hits['storyline'] / max(type_hits['keyword'], 1):.2f}")
    print(f"CONSULT mode accuracy (gold mode given): {mode_hits}/{mode_total}")
    print(f"\n{'actors (relaxed word match)':<28}{'P':>7}{'R':>7}{'F1':>7}")
    for key, (tp_pred, n_pred, tp_gold, n_gold) in sums.items():
        label = key.replace("ours", "storyline").replace("base", "first/second name")
        print(f"{label:<28}" + "".join(f"{v:7.3f}" for v in prf(tp_pred, n_pred, tp_gold, n_gold)))
    print("\nmost frequent type confusions (gold -> storyline):")
    for (gold, ours), count in confusion.most_common(8):
        print(f"  {gold:>12} -> {ours:<12} {count}")


if __name__ == "__main__":
    main()
