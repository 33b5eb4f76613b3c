"""Event coding on the PLOVER gold standard records: storyline beside trivial baselines.

    .venv/bin/python bench/coding.py [--limit N] [--split tune|check|all]

The records are split deterministically into a tune half and a check half by the CRC32 of
their id; rules are tuned on "tune" only, and every half is reported.

Each record is one sentence with its gold event type, mode, source and target actors. Storyline
finds names with its extract stage (spaCy + entities.find_mentions) and codes the sentence with
`coding.code_sentence` (a sentence with no trigger still gets its actors from
`coding.actor_names`, as the baselines get theirs). The event path is scored too: each record
as a one-report event coded by `coding.code_event` (lead vote, CONSULT mode, the sides of
mutual events filled from the report's people), as the pipeline codes events. Reported: event-type accuracy, CONSULT-mode accuracy, and actor
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
import zlib
from collections import Counter
from pathlib import Path

from storyline import coding, entities
from storyline.model import Document
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


def half(row: dict) -> str:
    """The record's half: CRC32 of its id, so the split never depends on the file's order."""
    return "tune" if zlib.crc32(row["id"].encode("utf-8")) % 2 == 0 else "check"


def score(rows: list[dict], parsed_rows: list, majority: str) -> dict:
    """Type, mode and actor scores of storyline and the baselines over ``rows``."""
    type_hits = Counter()
    mode_hits = mode_total = 0
    sums = {k: [0, 0, 0, 0] for k in ("ours source", "ours target", "event source", "event target", "base source", "base target")}
    confusion = Counter()
    for row, parsed in zip(rows, parsed_rows):
        text, gold_type = row["text"], row["event"]
        mentions = [m for m in entities.find_mentions(text, parsed) if m.kind in coding.ACTOR_KINDS]
        coded = coding.code_sentence(text, mentions)
        ours = coded.event_type if coded else majority
        type_hits["storyline"] += ours == gold_type
        report_event = coding.code_event([Document(id=row["id"], path="", raw_text=text, clean_text=text, mentions=mentions)])
        type_hits["event"] += (report_event.event_type if report_event else majority) == gold_type
        type_hits["majority"] += majority == gold_type
        type_hits["keyword"] += keyword_type(text, majority) == gold_type
        if ours != gold_type:
            confusion[(gold_type, ours)] += 1
        if gold_type == "CONSULT" and row.get("mode"):
            mode_total += 1
            mode_hits += bool(coded) and coded.mode == row["mode"]
        gold_src, gold_tar = actor_texts(row.get("source")), actor_texts(row.get("target"))
        names = [m.text for m in sorted(mentions, key=lambda m: m.start)]
        actors, targets = (coded.actors, coded.targets) if coded else coding.actor_names(text, mentions, None)
        predictions = {
            "ours source": actors, "ours target": targets,
            "event source": report_event.actors if report_event else actors,
            "event target": report_event.targets if report_event else targets,
            "base source": names[:1], "base target": names[1:2],
        }
        surface = {}
        for m in mentions:
            surface.setdefault(m.canonical, m.text)
        for key, predicted in predictions.items():
            gold = gold_src if key.endswith("source") else gold_tar
            tp_pred, n_pred, tp_gold = match_counts([f"{p} {surface.get(p, '')}" for p in predicted], gold)
            for n, value in enumerate((tp_pred, n_pred, tp_gold, len(gold))):
                sums[key][n] += value
    return {"n": len(rows), "types": type_hits, "mode": (mode_hits, mode_total), "actors": sums, "confusion": confusion}


def report(name: str, result: dict) -> None:
    n, type_hits = result["n"], result["types"]
    print(f"\n== {name}: {n} records")
    print(f"{'event type accuracy':<28}{'storyline':>10}{'as event':>10}{'keyword':>10}{'majority':>10}")
    print(f"{'':<28}" + "".join(f"{type_hits[k] / n:10.3f}" for k in ("storyline", "event", "keyword", "majority")))
    print(f"ratio storyline/keyword: {type_hits['storyline'] / max(type_hits['keyword'], 1):.2f}")
    print("CONSULT mode accuracy (gold mode given): {}/{}".format(*result["mode"]))
    print(f"{'actors (relaxed word match)':<28}{'P':>7}{'R':>7}{'F1':>7}")
    for key, (tp_pred, n_pred, tp_gold, n_gold) in result["actors"].items():
        label = key.replace("ours", "storyline").replace("event", "storyline as event").replace("base", "first/second name")
        print(f"{label:<28}" + "".join(f"{v:7.3f}" for v in prf(tp_pred, n_pred, tp_gold, n_gold)))
    print("most frequent type confusions (gold -> storyline):")
    for (gold, ours), count in result["confusion"].most_common(8):
        print(f"  {gold:>12} -> {ours:<12} {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--split", choices=("tune", "check", "all"), help="report one half only (default: tune, check and all)")
    args = parser.parse_args()
    rows = load(args.limit)
    nlp = load_nlp()
    parsed = list(nlp.pipe(r["text"] for r in rows))
    majority = Counter(r["event"] for r in rows).most_common(1)[0][0]
    print(f"PLOVER gold records: {len(rows)}, {len(set(r['event'] for r in rows))} event types, majority {majority}")
    for name in (args.split,) if args.split else ("tune", "check", "all"):
        chosen = [n for n, row in enumerate(rows) if name == "all" or half(row) == name]
        if chosen:
            report(name, score([rows[n] for n in chosen], [parsed[n] for n in chosen], majority))


if __name__ == "__main__":
    main()
