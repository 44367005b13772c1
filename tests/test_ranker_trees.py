"""The ranker's own evaluator of LightGBM text models (index/ranker.py ``Forest``).

Serving must score exactly as LightGBM would without importing it: the shipped model is
checked against ``lightgbm.Booster.predict`` (when lightgbm is installed), a hand-written model
against hand-computed scores, and models the evaluator cannot score are refused.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.features import PASSAGE_FEATURES
from index.ranker import RANKER_FILE, Forest, Ranker

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = RANKER_FILE.read_text(encoding="utf-8")

HAND_MODEL = """tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=lambdarank
feature_names=a b c
feature_infos=[-1:1] [-2:5] [-1:1]
tree_sizes=1 1 1

Tree=0
num_leaves=2
num_cat=0
split_feature=0
threshold=0.5
decision_type=10
left_child=-1
right_child=-2
leaf_value=1 2
is_linear=0
shrinkage=1

Tree=1
num_leaves=3
num_cat=0
split_feature=1 2
threshold=-1 0.5
decision_type=0 4
left_child=-1 -2
right_child=1 -3
leaf_value=10 20 40
is_linear=0
shrinkage=1

Tree=2
num_leaves=1
num_cat=0
split_feature=
threshold=
decision_type=
left_child=
right_child=
leaf_value=100
is_linear=0
shrinkage=1

end of trees

feature_importances:
a=1
b=1
c=1
"""


def _numbers(text: str, key: str) -> list[float]:
    return [float(v) for line in re.findall(rf"^{key}=(.*)$", text, re.M) for v in line.split()]


def _reference_rows(text: str, rng: np.random.Generator) -> np.ndarray:
    """~2,000 rows around each feature's training range (``feature_infos``), holding every
    split threshold exactly and just above, exact zeros, and NaNs in every column."""
    infos = re.search(r"^feature_infos=(.*)$", text, re.M).group(1).split()
    columns = []
    for info in infos:
        low, high = (0.0, 1.0) if info == "none" else map(float, info.strip("[]").split(":"))
        margin = 0.1 * (high - low or 1.0)
        columns.append(rng.uniform(low - margin, high + margin, 2000))
    rows = np.column_stack(columns)
    splits = zip(_numbers(text, "split_feature"), _numbers(text, "threshold"), strict=True)
    for i, (feature, threshold) in enumerate(splits):
        rows[i % 1000, int(feature)] = threshold
        rows[1000 + i % 1000, int(feature)] = np.nextafter(threshold, np.inf)
    rows[rng.random(rows.shape) < 0.1] = 0.0
    rows[rng.random(rows.shape) < 0.1] = np.nan
    assert np.isnan(rows).any(axis=0).all()
    return rows


def test_shipped_model_scores_as_lightgbm():
    lightgbm = pytest.importorskip("lightgbm", reason="lightgbm (training only) not installed")
    rows = _reference_rows(SHIPPED, np.random.default_rng(7))
    expected = lightgbm.Booster(model_str=SHIPPED).predict(rows, num_threads=1)
    ranker = Ranker.load()
    assert ranker is not None
    np.testing.assert_allclose(ranker.score(rows), expected, rtol=0, atol=1e-9)
    assert np.ptp(expected) > 0.5  # the rows reach many different leaves


def test_zero_as_missing_splits_score_as_lightgbm():
    # The shipped model has only None and NaN missing types; a model trained with
    # zero_as_missing has Zero ones (decision_type 4 and 6).
    lightgbm = pytest.importorskip("lightgbm", reason="lightgbm (training only) not installed")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 4))
    x[rng.random(x.shape) < 0.3] = 0.0
    x[rng.random(x.shape) < 0.1] = np.nan
    y = (np.nan_to_num(x[:, 0]) + (x[:, 1] == 0) + rng.random(600) > 1.2).astype(int)
    params = {"objective": "lambdarank", "zero_as_missing": True, "num_leaves": 5,
              "min_data_in_leaf": 5, "verbose": -1, "num_threads": 1, "seed": 1}  # fmt: skip
    booster = lightgbm.train(params, lightgbm.Dataset(x, y, group=[20] * 30), num_boost_round=20)
    text = booster.model_to_string()
    assert {4, 6} <= set(map(int, _numbers(text, "decision_type")))
    rows = _reference_rows(text, rng)
    rows[:50, 1] = 1e-40  # LightGBM reads a value this small as zero
    np.testing.assert_allclose(
        Forest.parse(text).predict(rows), booster.predict(rows, num_threads=1), rtol=0, atol=1e-9
    )


def test_hand_written_model_scores():
    forest = Forest.parse(HAND_MODEL)
    nan, inf = np.nan, np.inf
    rows = np.array([
        [nan, nan, nan],  # a NaN: default left (1); b NaN read as 0 > -1; c NaN: default right
        [0.5, -1.0, 0.3],  # thresholds themselves go left: 1 + 10
        [0.6, 0.0, 0.3],  # 2; b = 0 compared as a number (type None); c <= 0.5: 20
        [0.6, 5.0, 0.0],  # c zero takes the default side (type Zero, right): 40
        [0.6, 2.0, 1e-40],  # so does a value LightGBM reads as zero: 40
        [-inf, inf, -0.2],  # infinities compare: 1, right, 20
    ])  # fmt: skip
    # The single-leaf tree adds 100 to every row.
    assert forest.predict(rows).tolist() == [141.0, 111.0, 122.0, 142.0, 142.0, 121.0]
    assert forest.features == ("a", "b", "c")
    with pytest.raises(ValueError, match="3 features"):
        forest.predict(rows[:, :2])


def test_shipped_model_version_is_its_text_hash():
    ranker = Ranker.load()
    assert ranker is not None
    assert ranker.version == hashlib.sha256(SHIPPED.encode()).hexdigest()[:12]
    assert ranker.score(np.zeros((0, len(PASSAGE_FEATURES)))).shape == (0,)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("feature_names=fused ", "feature_names=fusion ", "features"),
        ("decision_type=2 ", "decision_type=3 ", "categorical"),
        ("num_cat=0", "num_cat=1", "categorical"),
        ("is_linear=0", "is_linear=1", "linear"),
        ("objective=lambdarank", "objective=binary sigmoid:1", "objective"),
        ("num_class=1", "num_class=3", "per iteration"),
        ("left_child=1 ", "left_child=2 ", "do not form a tree"),
        ("end of trees", "", "end of trees"),
    ],
)
def test_models_it_cannot_score_are_refused(tmp_path, caplog, old, new, reason):
    assert old in SHIPPED
    path = tmp_path / "ranker.txt"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.ranker"):
        assert Ranker.load(path) is None
    assert reason in caplog.text
    with pytest.raises(ValueError, match=reason):
        Ranker.from_text(path.read_text(encoding="utf-8"))


def test_serving_does_not_import_lightgbm():
    code = (
        "import sys, index.engine\n"
        "from index.ranker import Ranker\n"
        "assert Ranker.load() is not None\n"
        "print(sorted(m for m in ('lightgbm', 'sklearn') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
