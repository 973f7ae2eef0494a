"""Eval data in and figures out: question/answer loaders, Spearman, level accuracy.

Formats are those of `interview_analysis/tests/data/eval/README.md`: questions.json (id →
lang, type, text, dimensions, rubric level → description, keywords) and answers as JSON lines (id,
question_id, text, optional level and score labels).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interview_analysis.errors import AnalysisError
from interview_analysis.ports import TextScorer
from interview_analysis.text import detect_language, transcript_from_text
from interview_analysis.types import Question, RubricLevel, TextScore, Transcript


@dataclass(frozen=True)
class Answer:
    """One answer to score; `level`/`score` are the expert's labels when present."""

    id: str
    question_id: str
    transcript: Transcript
    level: int | None = None
    score: float | None = None


def question_from_dict(qid: str, data: dict[str, Any]) -> Question:
    """A Question from one entry of questions.json."""
    text = str(data.get("text", ""))
    lang = data.get("lang") or data.get("language") or detect_language(text)
    if lang not in ("zh", "en"):
        raise AnalysisError(f"question {qid}: language must be zh or en, got {lang!r}")
    rubric = data.get("rubric") or {}
    levels = tuple(
        sorted(
            (RubricLevel(int(k), str(v)) for k, v in rubric.items()),
            key=lambda r: r.level,
        )
    )
    return Question(
        id=qid,
        text=text,
        type=str(data.get("type", "behavioural")),
        language=lang,
        dimensions={str(k): float(v) for k, v in (data.get("dimensions") or {}).items()},
        rubric=levels,
        keywords=tuple(str(k) for k in data.get("keywords") or ()),
    )


def load_questions(path: str | Path) -> dict[str, Question]:
    """questions.json → id → Question."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"cannot read questions from {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise AnalysisError(f"{path}: expected an object of question id → question")
    return {qid: question_from_dict(qid, q) for qid, q in raw.items()}


def load_answers(path: str | Path, questions: dict[str, Question]) -> list[Answer]:
    """answers.jsonl → Answers (transcript in the question's language, one segment)."""
    out: list[Answer] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnalysisError(f"cannot read answers from {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = questions[row["question_id"]]
        except (ValueError, KeyError) as exc:
            raise AnalysisError(f"{path}:{n}: bad answer line ({exc})") from exc
        out.append(
            Answer(
                id=str(row.get("id", n)),
                question_id=question.id,
                transcript=transcript_from_text(str(row.get("text", "")), question.language),
                level=int(row["level"]) if row.get("level") is not None else None,
                score=float(row["score"]) if row.get("score") is not None else None,
            )
        )
    return out


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties get the average of their positions."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson on average ranks); 0 when either side is constant."""
    if len(a) != len(b) or len(a) < 2:
        return 0.0
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return cov / (va * vb) ** 0.5 if va and vb else 0.0


def score_all(
    scorer: TextScorer, questions: dict[str, Question], answers: Iterable[Answer]
) -> list[tuple[Answer, TextScore]]:
    """Every answer scored against its question."""
    return [(a, scorer.score(questions[a.question_id], a.transcript)) for a in answers]


def figures(results: Sequence[tuple[Answer, TextScore]]) -> dict[str, Any]:
    """Spearman, level accuracy and n over labelled answers, plus a per-question breakdown."""
    out = _figures(results)
    by_q: dict[str, list[tuple[Answer, TextScore]]] = {}
    for a, s in results:
        by_q.setdefault(a.question_id, []).append((a, s))
    out["per_question"] = {q: _figures(rs) for q, rs in sorted(by_q.items())}
    return out


def _figures(results: Sequence[tuple[Answer, TextScore]]) -> dict[str, Any]:
    labelled = [(a, s) for a, s in results if a.score is not None and a.level is not None]
    gold = [float(a.score or 0) for a, _ in labelled]
    pred = [s.score for _, s in labelled]
    hits = sum(1 for a, s in labelled if a.level == s.level)
    return {
        "n": len(labelled),
        "spearman": round(spearman(pred, gold), 4),
        "level_accuracy": round(hits / len(labelled), 4) if labelled else 0.0,
    }


def fit_weights(
    rows: Sequence[dict[str, float]], targets: Sequence[float], ridge: float = 1.0
) -> tuple[dict[str, float], float]:
    """Ridge least squares of 0–10 targets on feature rows: (weights, bias)."""
    import numpy as np

    keys = sorted(rows[0])
    x = np.array([[r[k] for k in keys] + [1.0] for r in rows])
    penalty = ridge * np.eye(len(keys) + 1)
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    w = np.linalg.solve(x.T @ x + penalty, x.T @ np.asarray(targets, dtype=float))
    return {k: float(v) for k, v in zip(keys, w[:-1], strict=True)}, float(w[-1])


def leave_one_question_out(
    questions: dict[str, Question], answers: Sequence[Answer], ridge: float = 1.0
) -> dict[str, Any]:
    """Refit the global weights without each question in turn and score that question with
    them: how the scorer does on a question it has never seen."""
    from interview_analysis.backends.rubric import RubricScorer
    from interview_analysis.scorer.features import extract

    labelled = [a for a in answers if a.score is not None]
    rows = {a.id: extract(questions[a.question_id], a.transcript.text).values for a in labelled}
    results: list[tuple[Answer, TextScore]] = []
    folds: dict[str, dict[str, float]] = {}
    for qid in sorted({a.question_id for a in labelled}):
        train = [a for a in labelled if a.question_id != qid]
        weights, bias = fit_weights(
            [rows[a.id] for a in train], [a.score or 0 for a in train], ridge
        )
        folds[qid] = {**{k: round(v, 2) for k, v in weights.items()}, "bias": round(bias, 2)}
        scorer = RubricScorer(weights, bias)
        held_out = [a for a in labelled if a.question_id == qid]
        results.extend(score_all(scorer, questions, held_out))
    out = figures(results)
    out["weights_per_fold"] = folds
    return out
