"""Benchmark: the offline rubric scorer on the eval dev set.

Prints JSON: milliseconds per answer (first call including jieba's dictionary load, then the
median over repeated passes), the dev-set figures with the shipped weights, and the
leave-one-question-out figures (weights refitted without the held-out question).
Not part of the test suite: `python bench/scorer.py [EVAL_DIR]` (default: the dev set in
interview_analysis/tests/data/eval).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interview_analysis.backends.rubric import BIAS, WEIGHTS, RubricScorer  # noqa: E402
from interview_analysis.scoring import (  # noqa: E402
    figures,
    leave_one_question_out,
    load_answers,
    load_questions,
    score_all,
)


def main() -> None:
    """Run and print the JSON report."""
    default = ROOT / "interview_analysis" / "tests" / "data" / "eval"
    eval_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    questions = load_questions(eval_dir / "questions.json")
    answers = load_answers(eval_dir / "answers-dev.jsonl", questions)
    scorer = RubricScorer()
    first = answers[0]
    t0 = time.perf_counter()
    scorer.score(questions[first.question_id], first.transcript)
    cold_ms = (time.perf_counter() - t0) * 1000
    per_pass = []
    for _ in range(5):
        t0 = time.perf_counter()
        score_all(scorer, questions, answers)
        per_pass.append((time.perf_counter() - t0) * 1000 / len(answers))
    chars = [len(a.transcript.text) for a in answers]
    report = {
        "answers": len(answers),
        "answer_chars": {"min": min(chars), "median": statistics.median(chars), "max": max(chars)},
        "ms_per_answer": round(statistics.median(per_pass), 2),
        "first_call_ms_incl_jieba_load": round(cold_ms, 1),
        "weights": WEIGHTS,
        "bias": BIAS,
        "dev": figures(score_all(scorer, questions, answers)),
        "leave_one_question_out": leave_one_question_out(questions, answers),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
