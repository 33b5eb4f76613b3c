"""Sentence embeddings: the installed all-MiniLM-L6-v2 ONNX model on real seed sentences."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from storyline import embeddings
from storyline.errors import ModelNotInstalledError

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def encoder() -> embeddings.SentenceEncoder:
    return embeddings.load_encoder()


def seed_sentence(prefix: str, phrase: str) -> str:
    """The sentence of a seed file holding ``phrase``."""
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    sentences = re.split(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"])", " ".join(path.read_text(encoding="utf-8").split()))
    return next(s for s in sentences if phrase in s)


def test_rewritten_sentence_is_closer_to_its_source_than_other_sentences_of_the_story(encoder):
    source = seed_sentence("001", "Wednesday marked the beginning of spring")
    rewrite = seed_sentence("000", "Wednesday was the first day of spring")
    unrelated = seed_sentence("001", "Sergey Shoigu also visited Beijing")
    other_story = seed_sentence("000", "Ushakov said Xi invited Putin")
    v = encoder.encode([source, rewrite, unrelated, other_story])
    assert v.shape == (4, embeddings.DIMENSION) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    cos = v @ v.T
    assert cos[0, 1] > 0.5
    # closer than sentences on the same leaders from the same two stories
    assert cos[0, 1] > max(cos[0, 2], cos[0, 3]) + 0.1
    assert cos[1, 0] > max(cos[1, 2], cos[1, 3])


def test_vectors_do_not_depend_on_the_batch(encoder):
    sentences = [
        seed_sentence("001", "European leaders have pressed China"),
        seed_sentence("002", "Putin"),
        "Short one.",
        seed_sentence("000", "Wednesday was the first day of spring"),
    ]
    # sentences of one piece count share a batch: find_reuse embeds a whole corpus in one call
    sentences += [sentences[0].replace("China", country) for country in ("India", "Japan", "Spain")] * 30
    assert len({len(encoder.tokenizer.encode(s).ids) for s in sentences[-4:]}) == 1
    together = encoder.encode(sentences)
    alone = np.vstack([encoder.encode([s]) for s in sentences[:7]])
    assert np.array_equal(together[:7], alone)
    assert encoder.encode([]).shape == (0, embeddings.DIMENSION)


def test_long_and_hostile_text_is_truncated_not_fatal(encoder):
    hostile = "<script>alert(1)</script> " + "word " * 5000 + "\u202e\x00 emoji \U0001f600"
    v = encoder.encode([hostile, ""])
    assert np.isfinite(v).all() and v.shape == (2, embeddings.DIMENSION)


def test_missing_model_package_is_named_and_fallback_is_none(monkeypatch):
    with pytest.raises(ModelNotInstalledError, match="no-such-model-package"):
        embeddings.installed_file("no-such-model-package", "model.onnx")
    monkeypatch.setattr(embeddings, "MODEL_PACKAGE", "no-such-model-package")
    with pytest.raises(ModelNotInstalledError, match="pip install no-such-model-package"):
        embeddings.load_encoder()
    assert embeddings.try_load_encoder() is None
