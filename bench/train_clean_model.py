"""Train the unit classifier that storyline's clean stage uses on plain-text page dumps.

Each benchmark page's select-all dump (``_extraction_common.visible_text``) is cut into units
by ``storyline.clean`` exactly as at run time; a unit is labelled body when its words are in
the page's reference text (most of its word 4-grams for units of four words or more, the
whole word sequence for shorter ones). Gradient-boosted trees (scikit-learn, fixed seed) are
fitted on the ``tune`` half (CRC32 of the page id) of the chosen sets; the decision threshold
is the one that maximises mean bag-of-words F1 on that same half. The ``check`` halves stay
unseen: score them with ``bench/extraction.py --split check``.

The written file holds only learned numbers (tree arrays, the threshold); rerunning the
script on the same data writes the same file.

    .venv/bin/python bench/train_clean_model.py                     # tune halves of WCXB and AEB
    .venv/bin/python bench/train_clean_model.py --sets wcxb --out /tmp/wcxb_only.json
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

import _extraction_common as common
from storyline import clean
from storyline.model import Document
from storyline.pipeline import BATCH_SIZE

MODEL_PATH = Path(clean.__file__).with_name("clean_model.json")
N_TREES = 120
MAX_DEPTH = 3
LEARNING_RATE = 0.1
SEED = 0
# A unit of four or more words is body when at least this share of its 4-grams is in the reference.
LABEL_MIN_SHINGLE_SHARE = 0.5
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(13)]  # 0.20 .. 0.80


def label(unit: str, truth_shingles: set[str], truth_joined: str) -> int:
    tokens = [t.lower() for t in common.TOKEN_RE.findall(unit)]
    if not tokens:
        return 0
    if len(tokens) >= common.NGRAM:
        grams = [" ".join(tokens[i : i + common.NGRAM]) for i in range(len(tokens) - common.NGRAM + 1)]
        return int(sum(g in truth_shingles for g in grams) / len(grams) >= LABEL_MIN_SHINGLE_SHARE)
    return int(f" {' '.join(tokens)} " in truth_joined)


def page_rows(pages: list[common.Page]) -> list[tuple[common.Page, list[str], list[list[float]], list[int]]]:
    """Units, feature rows and labels of each page; corpus chrome from batches as storyline run forms them."""
    out = []
    for start in range(0, len(pages), BATCH_SIZE):
        batch = pages[start : start + BATCH_SIZE]
        dumps = [common.visible_text(p.html) for p in batch]
        chrome = clean.find_chrome_lines([Document(id=str(i), path=str(i), raw_text=d) for i, d in enumerate(dumps)])
        for page, dump in zip(batch, dumps):
            texts, rows = clean.plain_unit_rows(dump, chrome)
            truth_tokens = [t.lower() for t in common.TOKEN_RE.findall(page.body)]
            shingles = {" ".join(truth_tokens[i : i + common.NGRAM]) for i in range(len(truth_tokens) - common.NGRAM + 1)}
            joined = f" {' '.join(truth_tokens)} "
            out.append((page, texts, rows, [label(t, shingles, joined) for t in texts]))
    return out


def export(model: GradientBoostingClassifier, x: np.ndarray, threshold: float) -> dict:
    trees = []
    for estimator in model.estimators_[:, 0]:
        tree = estimator.tree_
        trees.append(
            {
                "depth": int(tree.max_depth),
                "feature": [int(f) for f in tree.feature],
                "threshold": [float(t) for t in tree.threshold],
                "left": [int(c) for c in tree.children_left],
                "right": [int(c) for c in tree.children_right],
                "value": [float(v) for v in tree.value[:, 0, 0]],
            }
        )
    return {
        "about": "storyline clean stage unit classifier; written by bench/train_clean_model.py",
        "features": list(clean.UNIT_FEATURES),
        "init": float(model._raw_predict_init(x[:1])[0, 0]),
        "learning_rate": LEARNING_RATE,
        "threshold": threshold,
        "trees": trees,
    }


def best_threshold(data, probabilities: list[np.ndarray]) -> float:
    """The threshold with the best mean bag-of-words F1 of the kept units over the training pages."""
    def mean_f1(threshold: float) -> float:
        scores = [
            common.bag_f1(page.body, "\n".join(t for t, p in zip(texts, probs) if p >= threshold))
            for (page, texts, _, _), probs in zip(data, probabilities)
        ]
        return sum(scores) / len(scores)

    results = {t: mean_f1(t) for t in THRESHOLDS}
    for t, f in results.items():
        print(f"  threshold {t:.2f}: mean bag F1 {f:.4f}")
    return max(THRESHOLDS, key=lambda t: (results[t], -abs(t - 0.5)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="wcxb,aeb", help="comma-separated: wcxb, aeb")
    parser.add_argument("--split", default="tune", choices=("tune", "check", "all"))
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    loaders = {"wcxb": common.load_wcxb, "aeb": common.load_aeb}
    pages = [p for name in args.sets.split(",") for p in loaders[name](None, args.split)]
    data = page_rows(pages)
    x = np.asarray([row for _, _, rows, _ in data for row in rows], dtype=float)
    y = np.asarray([lab for _, _, _, labels in data for lab in labels])
    weights = np.asarray([1.0 + math.sqrt(len(re.findall(r"\w+", t))) for _, texts, _, _ in data for t in texts])
    print(f"{len(pages)} pages, {len(y)} units, {y.mean():.3f} body")
    model = GradientBoostingClassifier(
        n_estimators=N_TREES, max_depth=MAX_DEPTH, learning_rate=LEARNING_RATE, random_state=SEED
    ).fit(x, y, sample_weight=weights)
    probabilities, start = [], 0
    all_probs = model.predict_proba(x)[:, 1]
    for _, _, rows, _ in data:
        probabilities.append(all_probs[start : start + len(rows)])
        start += len(rows)
    threshold = best_threshold(data, probabilities)
    exported = export(model, x, threshold)
    check = clean.UnitModel(clean.UNIT_FEATURES, exported["init"], LEARNING_RATE, clean.load_unit_model_trees(exported), threshold)
    assert np.allclose(check.probabilities(x[:500].tolist()), all_probs[:500]), "exported trees disagree with scikit-learn"
    args.out.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
    ranked = sorted(zip(model.feature_importances_, clean.UNIT_FEATURES), reverse=True)[:10]
    print("threshold", threshold, "| top features:", ", ".join(f"{n} {v:.2f}" for v, n in ranked))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
