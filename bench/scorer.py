"""Benchmark: the general offline scorer on every labelled eval answer.

Prints JSON: milliseconds per answer (first call including jieba's dictionary and the
embedding model's load, then the median over repeated passes), the in-sample figures with the
shipped constants, and the leave-one-question-out figures (weights, cuts and calibration
refitted without the held-out question) with ECE and the reliability table; the old
`rubric-v1` scorer's figures beside them for comparison.
Not part of the test suite: `python bench/scorer.py [EVAL_DIR]` (default: all eval files in
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

from interview_analysis.backends.rubric import RubricScorer  # noqa: E402
from interview_analysis.scorer.evaluate import load_eval_dir, loqo_report  # noqa: E402
from interview_analysis.scorer.model import PARAMS, GeneralScorer  # noqa: E402
from interview_analysis.scoring import figures, leave_one_question_out, score_all  # noqa: E402


def main() -> None:
    """Run and print the JSON report."""
    default = ROOT / "interview_analysis" / "tests" / "data" / "eval"
    questions, answers = load_eval_dir(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
    scorer = GeneralScorer()
    first = answers[0]
    t0 = time.perf_counter()
    scorer.score(questions[first.question_id], first.transcript)
    cold_ms = (time.perf_counter() - t0) * 1000
    per_pass = []
    for _ in range(2):
        t0 = time.perf_counter()
        results = score_all(scorer, questions, answers)
        per_pass.append((time.perf_counter() - t0) * 1000 / len(answers))
    chars = [len(a.transcript.text) for a in answers]
    old = figures(score_all(RubricScorer(), questions, answers))
    report = {
        "answers": len(answers),
        "questions": len(questions),
        "answer_chars": {"min": min(chars), "median": statistics.median(chars), "max": max(chars)},
        "ms_per_answer": round(statistics.median(per_pass), 2),
        "first_call_ms_incl_model_load": round(cold_ms, 1),
        "params": {
            "weights": PARAMS.weights,
            "bias": PARAMS.bias,
            "cuts": PARAMS.cuts,
            "platt": PARAMS.platt,
        },
        "in_sample": figures(results),
        "leave_one_question_out": loqo_report(questions, answers),
        "rubric_v1": {
            "shipped_weights": {k: old[k] for k in ("n", "spearman", "level_accuracy")},
            "loqo_refit": {
                k: v
                for k, v in leave_one_question_out(questions, answers).items()
                if k in ("n", "spearman", "level_accuracy")
            },
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
