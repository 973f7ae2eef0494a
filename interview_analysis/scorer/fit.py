"""Fitting and measuring the general scorer: the few weights, the level cuts, the calibration.

The model is deliberately small — a non-negative ridge regression of the expert's 0–10 on the
0–1 features of signals.py (every feature is oriented so more is better, so non-negative
weights make the score monotone in each), two cuts on that score for the rubric levels, and
a logistic (Platt) map from the score's distance to the nearest cut to the probability that
the level is right, fitted on leave-one-question-out (LOQO) predictions only. With 8
questions and 73 answers anything bigger would learn the questions.

`python -m interview_analysis.scorer.fit [EVAL_DIR]` refits and prints the constants that
model.py stores, with the LOQO figures they give.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

RIDGE = 2.0
BINS = 5
# Plans (situational questions) and past episodes (behavioural and the rest) earn their
# scores from different features (a plan needs the rubric's steps, an episode its facts and
# own actions), so each kind has its own weights and offset; the level cuts are shared,
# because the expert's 0–10 means the same for both.
KINDS = ("behavioural", "situational")
MAX_LEVEL = "_max_level"
# Where the expert's 0–10 changes level (level 1: 0–3, 2: 4–6, 3: 7–10 in the labels).
SCALE_CUTS = (3.5, 6.5)
HELD_BAND = 0.5  # points under a cut that a rule-held score is squeezed into
# The calibration's slope is held toward 0 (the base rate): with ~70 answers a free slope
# learned noise (ECE 0.13 at 0.1, 0.08 at 1.0 on LOQO predictions).
PLATT_RIDGE = 1.0


@dataclass(frozen=True)
class Params:
    """Everything the model needs: weights per feature, bias, level cuts, calibration."""

    weights: dict[str, float]
    bias: float
    cuts: tuple[float, ...]
    platt: tuple[float, float] = (0.0, 0.0)


def kind_of(question_type: str) -> str:
    """The weight set for a question type."""
    return "situational" if question_type == "situational" else "behavioural"


def expand(values: dict[str, float], kind: str, max_level: int = 3) -> dict[str, float]:
    """A feature row under its kind's names ("situational:keywords"), with the kind's offset
    and the highest level the answer's rules allow (MAX_LEVEL, not a feature)."""
    named = {f"{kind}:{f}": v for f, v in values.items()}
    return named | {f"{kind}:offset": 1.0, MAX_LEVEL: float(max_level)}


def held(score: float, cuts: Sequence[float], max_level: float) -> float:
    """The score held below the cut of the first level a rule does not allow: scores from
    HELD_BAND under that cut up to 10 are squeezed into the band, so held answers keep their
    order among themselves (a clamp would tie them all)."""
    at = int(max_level)
    if not 0 < at <= len(cuts):
        return score
    top = cuts[at - 1] - 0.1
    low = top - HELD_BAND
    return score if score <= low else low + HELD_BAND * (score - low) / (10.0 - low)


def scored(row: dict[str, float], params: Params) -> float:
    """A feature row's 0–10 score with its rules applied."""
    return held(predict(row, params), params.cuts, row.get(MAX_LEVEL, 99))


def expanded(features: Sequence[str]) -> list[str]:
    """Every kind's name for every feature, and each kind's offset."""
    return [f"{k}:{f}" for k in KINDS for f in (*features, "offset")]


def weights_for(params: Params, kind: str) -> dict[str, float]:
    """One kind's weights under the plain feature names (for evidence and missing parts)."""
    prefix = kind + ":"
    return {
        f.removeprefix(prefix): w
        for f, w in params.weights.items()
        if f.startswith(prefix) and f != prefix + "offset"
    }


def nonneg_ridge(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE) -> tuple[np.ndarray, float]:
    """min ‖Xw + b − y‖² + ridge‖w‖², w ≥ 0, by projected coordinate descent (few features)."""
    k = x.shape[1]
    w, b = np.zeros(k), float(y.mean())
    for _ in range(500):
        b = float((y - x @ w).mean())
        for j in range(k):
            r = y - b - x @ w + x[:, j] * w[j]
            w[j] = max(0.0, float(x[:, j] @ r) / (float(x[:, j] @ x[:, j]) + ridge))
    return w, float((y - x @ w).mean())


def best_cuts(
    pred: Sequence[float], levels: Sequence[int], highest: Sequence[float] = ()
) -> tuple[float, float]:
    """The two score cuts that put the most answers in their expert level, each answer held
    at the highest level its rules allow (ties: the first found)."""
    grid = np.arange(0.5, 10.0, 0.1)
    best, best_hits = (3.5, 6.5), -1
    p, lv = np.asarray(pred), np.asarray(levels)
    top = np.asarray(highest) if len(highest) else np.full(len(p), 99.0)
    for lo in grid:
        for hi in grid[grid > lo + 0.5]:
            got = np.minimum(1 + (p >= lo).astype(int) + (p >= hi).astype(int), top)
            hits = int((got == lv).sum())
            if hits > best_hits:
                best, best_hits = (round(float(lo), 2), round(float(hi), 2)), hits
    return best


def fit(
    rows: Sequence[dict[str, float]],
    scores: Sequence[float],
    levels: Sequence[int],
    features: Sequence[str],
    ridge: float = RIDGE,
) -> Params:
    """Weights and cuts from labelled feature rows."""
    x = np.array([[r.get(f, 0.0) for f in features] for r in rows])
    w, b = nonneg_ridge(x, np.asarray(scores, dtype=float), ridge)
    weights = {f: round(float(v), 3) for f, v in zip(features, w, strict=True)}
    pred = [predict(r, Params(weights, b, ())) for r in rows]
    highest = [r.get(MAX_LEVEL, 99.0) for r in rows]
    return Params(weights, round(b, 3), best_cuts(pred, levels, highest))


def predict(row: dict[str, float], params: Params) -> float:
    """The 0–10 score of one feature row."""
    raw = params.bias + sum(w * row.get(f, 0.0) for f, w in params.weights.items())
    return min(10.0, max(0.0, raw))


def on_scale(score: float, cuts: Sequence[float]) -> float:
    """The model's score on the expert's 0–10 scale: each level's band of model scores is
    mapped linearly onto that level's band of expert scores (SCALE_CUTS), so a top-level
    answer reads 6.5–10 as a rater's would; the order and the level are unchanged."""
    src = [0.0, *cuts, 10.0]
    dst = [0.0, *SCALE_CUTS, 10.0]
    if len(src) != len(dst):
        return score
    return float(np.interp(score, src, dst))


def level_of(score: float, cuts: Sequence[float]) -> int:
    """The rubric level (1–3) a score falls in."""
    return 1 + sum(1 for c in cuts if score >= c)


def margin(score: float, cuts: Sequence[float]) -> float:
    """Distance in points from the score to the nearest level cut."""
    return min((abs(score - c) for c in cuts), default=10.0)


def platt(margins: Sequence[float], hits: Sequence[bool]) -> tuple[float, float]:
    """Logistic fit P(hit) = σ(a·margin + b) by Newton's method, lightly regularised."""
    m, h = np.asarray(margins, dtype=float), np.asarray(hits, dtype=float)
    a, b = 0.0, 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a * m + b)))
        g = np.array([((p - h) * m).sum() + PLATT_RIDGE * a, (p - h).sum()])
        s = p * (1 - p)
        hess = np.array(
            [[(s * m * m).sum() + PLATT_RIDGE, (s * m).sum()], [(s * m).sum(), s.sum() + 1e-6]]
        )
        a, b = np.array([a, b]) - np.linalg.solve(hess, g)
    return round(float(a), 3), round(float(b), 3)


def calibrated(score: float, params: Params) -> float:
    """P(level right) for a score."""
    a, b = params.platt
    return 1 / (1 + math.exp(-(a * margin(score, params.cuts) + b)))


def reliability(conf: Sequence[float], hits: Sequence[bool], bins: int = BINS) -> dict[str, Any]:
    """Expected calibration error and the reliability table (equal-width bins of confidence)."""
    c, h = np.asarray(conf, dtype=float), np.asarray(hits, dtype=float)
    table, ece = [], 0.0
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        mask = (c >= lo) & ((c < hi) if i < bins - 1 else (c <= hi))
        if not mask.any():
            continue
        gap = abs(float(c[mask].mean()) - float(h[mask].mean()))
        ece += float(mask.mean()) * gap
        table.append(
            {
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": int(mask.sum()),
                "confidence": round(float(c[mask].mean()), 3),
                "accuracy": round(float(h[mask].mean()), 3),
            }
        )
    return {"ece": round(ece, 4), "table": table}


def loqo(
    items: Sequence[tuple[str, dict[str, float], float, int]],
    features: Sequence[str],
    ridge: float = RIDGE,
) -> list[tuple[int, float, int, float]]:
    """Leave-one-question-out over (question_id, row, score, level): for each item its
    (index, predicted score, predicted level, calibrated confidence), every fold fitted
    without that question — calibration included (nested LOQO inside the training fold)."""
    out: list[tuple[int, float, int, float]] = []
    for qid in sorted({i[0] for i in items}):
        train = [i for i in items if i[0] != qid]
        params = fit_all(train, features, ridge)
        for n, (q, row, _, _) in enumerate(items):
            if q == qid:
                s = scored(row, params)
                out.append((n, s, level_of(s, params.cuts), calibrated(s, params)))
    return sorted(out)


def fit_all(
    items: Sequence[tuple[str, dict[str, float], float, int]],
    features: Sequence[str],
    ridge: float = RIDGE,
) -> Params:
    """Weights, cuts and a Platt calibration fitted on the inner LOQO predictions of `items`."""
    params = fit(
        [i[1] for i in items], [i[2] for i in items], [i[3] for i in items], features, ridge
    )
    margins, hits = [], []
    for qid in sorted({i[0] for i in items}):
        train = [i for i in items if i[0] != qid]
        inner = fit(
            [i[1] for i in train], [i[2] for i in train], [i[3] for i in train], features, ridge
        )
        for q, row, _, level in items:
            if q == qid:
                s = scored(row, inner)
                margins.append(margin(s, inner.cuts))
                hits.append(level_of(s, inner.cuts) == level)
    return Params(params.weights, params.bias, params.cuts, platt(margins, hits))


def main(argv: list[str]) -> int:
    """Refit on an eval folder and print the constants and their LOQO figures."""
    from interview_analysis.scorer.evaluate import feature_items, load_eval_dir
    from interview_analysis.scorer.signals import FEATURES

    default = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval"
    questions, answers = load_eval_dir(Path(argv[0]) if argv else default)
    items = feature_items(questions, answers)
    params = fit_all(items, expanded(FEATURES))
    sys.stdout.write(
        json.dumps(
            {
                "weights": params.weights,
                "bias": params.bias,
                "cuts": params.cuts,
                "platt": params.platt,
            },
            indent=1,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
