"""Leave-one-question-out evaluation of the general scorer: ρ and level accuracy per language
and overall, and the calibration (ECE, reliability table) of its confidence on predictions for
questions the model never saw. Features are extracted once; only the small model is refitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from interview_analysis.errors import AnalysisError
from interview_analysis.scorer import fit, model, signals
from interview_analysis.scoring import Answer, load_answers, load_questions, spearman
from interview_analysis.types import Question

# Leaving one out must leave at least two to fit the calibration on (nested LOQO).
MIN_QUESTIONS = 3
Item = tuple[str, dict[str, float], float, int]


def load_eval_dir(folder: Path) -> tuple[dict[str, Question], list[Answer]]:
    """Every questions*.json and answers-*.jsonl of an eval folder, merged."""
    questions: dict[str, Question] = {}
    for path in sorted(folder.glob("questions*.json")):
        questions.update(load_questions(path))
    answers = [
        a for p in sorted(folder.glob("answers-*.jsonl")) for a in load_answers(p, questions)
    ]
    if not answers:
        raise AnalysisError(f"{folder}: no answers-*.jsonl")
    return questions, answers


def labelled(answers: Sequence[Answer]) -> list[Answer]:
    """Answers with both expert labels."""
    return [a for a in answers if a.score is not None and a.level is not None]


def extract_all(questions: dict[str, Question], answers: Sequence[Answer]) -> list[signals.Signals]:
    """The features of every answer (the slow part: embeddings)."""
    return [signals.extract(questions[a.question_id], a.transcript.text) for a in answers]


def feature_items(questions: dict[str, Question], answers: Sequence[Answer]) -> list[Item]:
    """(question id, features, expert score, expert level) per labelled answer."""
    done = labelled(answers)
    sigs = extract_all(questions, done)
    return [
        (a.question_id, fit.expand(s.values, s.kind, s.max_level), a.score or 0.0, a.level or 0)
        for a, s in zip(done, sigs, strict=True)
    ]


def loqo_report(questions: dict[str, Question], answers: Sequence[Answer]) -> dict[str, Any]:
    """The LOQO figures: overall, per language, per question, and calibration."""
    done = labelled(answers)
    if len({a.question_id for a in done}) < MIN_QUESTIONS:
        return {"n": len(done), "error": f"needs labelled answers to {MIN_QUESTIONS}+ questions"}
    sigs = extract_all(questions, done)
    items = [
        (a.question_id, fit.expand(s.values, s.kind, s.max_level), a.score or 0.0, a.level or 0)
        for a, s in zip(done, sigs, strict=True)
    ]
    rows: list[dict[str, Any]] = []
    for qid in sorted({a.question_id for a in done}):
        params = fit.fit_all([i for i in items if i[0] != qid], fit.expanded(signals.FEATURES))
        for a, sig in zip(done, sigs, strict=True):
            if a.question_id != qid:
                continue
            raw = model.final_score(sig, params)
            level = fit.level_of(raw, params.cuts)
            conf = model.confidence(sig, a.transcript, raw, params)
            # ρ of the score the product reports (each fold's cuts put on the rater's scale,
            # one decimal), not of the model's raw scale: what a user correlates.
            score = model.reported(raw, params)
            rows.append({"answer": a, "score": score, "level": level, "confidence": conf.value})
    out = _figures(rows)
    for lang in ("zh", "en"):
        out[lang] = _figures(
            [r for r in rows if questions[r["answer"].question_id].language == lang]
        )
    out["per_question"] = {
        q: _figures([r for r in rows if r["answer"].question_id == q])
        for q in sorted({a.question_id for a in done})
    }
    hits = [r["level"] == r["answer"].level for r in rows]
    out["calibration"] = fit.reliability([r["confidence"] for r in rows], hits)
    out["interval_95"] = question_bootstrap(rows)
    return out


BOOTSTRAP_DRAWS = 2000


def question_bootstrap(rows: Sequence[dict[str, Any]], seed: int = 13) -> dict[str, Any]:
    """95 % intervals of ρ and level accuracy when the questions themselves are drawn again
    (with replacement): a new question is the unit the scorer must generalise to, and with
    eight of them the figures above are far from exact."""
    by_q: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_q.setdefault(r["answer"].question_id, []).append(r)
    groups, rng = list(by_q.values()), np.random.default_rng(seed)
    rhos, accs = [], []
    for _ in range(BOOTSTRAP_DRAWS):
        drawn = [r for i in rng.integers(0, len(groups), len(groups)) for r in groups[i]]
        figures = _figures(drawn)
        rhos.append(figures["spearman"])
        accs.append(figures["level_accuracy"])
    return {
        "spearman": [round(float(q), 3) for q in np.percentile(rhos, [2.5, 97.5])],
        "level_accuracy": [round(float(q), 3) for q in np.percentile(accs, [2.5, 97.5])],
        "draws": BOOTSTRAP_DRAWS,
        "unit": "question",
    }


def _figures(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    gold = [float(r["answer"].score) for r in rows]
    hits = sum(1 for r in rows if r["level"] == r["answer"].level)
    return {
        "n": len(rows),
        "spearman": round(spearman([r["score"] for r in rows], gold), 4),
        "level_accuracy": round(hits / len(rows), 4) if rows else 0.0,
    }
