"""`python -m interview_analysis score|eval --questions Q.json --answers A.jsonl`.

score: one JSON line per answer {"id", "level", "score", "confidence", "evidence": [...]}
(labels in the input are ignored). eval: one JSON object with spearman, level_accuracy, n,
a per-question breakdown and the leave-one-question-out figures.
Add `--llm` to use the LLM-assisted scorer configured by MIANSHI_LLM_URL/_MODEL/_API_KEY.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from interview_analysis.errors import AnalysisError
from interview_analysis.ports import TextScorer
from interview_analysis.scoring import (
    figures,
    leave_one_question_out,
    load_answers,
    load_questions,
    score_all,
)
from interview_analysis.types import TextScore


def main(argv: list[str]) -> int:
    """Entry point; argv[0] is the command name (score or eval)."""
    command = argv[0] if argv else "score"
    parser = argparse.ArgumentParser(prog=f"python -m interview_analysis {command}")
    parser.add_argument("--questions", required=True, help="questions.json")
    parser.add_argument("--answers", required=True, help="answers as JSON lines")
    parser.add_argument("--llm", action="store_true", help="blend in the configured LLM")
    args = parser.parse_args(argv[1:])
    try:
        questions = load_questions(args.questions)
        answers = load_answers(args.answers, questions)
        scorer = _scorer(args.llm)
        results = score_all(scorer, questions, answers)
    except AnalysisError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    if command == "eval":
        out = figures(results)
        out["scorer"] = scorer.name
        if not args.llm:
            out["leave_one_question_out"] = {
                k: v for k, v in leave_one_question_out(questions, answers).items()
            }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    for answer, score in results:
        sys.stdout.write(json.dumps(score_line(answer.id, score), ensure_ascii=False) + "\n")
    return 0


def score_line(answer_id: str, score: TextScore) -> dict[str, Any]:
    """The stable one-line JSON for a scored answer (extra fields after the contract's)."""
    return {
        "id": answer_id,
        "level": score.level,
        "score": score.score,
        "confidence": score.confidence,
        "evidence": [asdict(e) for e in score.evidence],
        "dimensions": {d.name: d.score for d in score.dimensions},
        "found": list(score.found),
        "missing": list(score.missing),
        "suggestions": list(score.suggestions),
        "scorer": score.scorer,
    }


def _scorer(use_llm: bool) -> TextScorer:
    from interview_analysis.backends.rubric import RubricScorer

    if not use_llm:
        return RubricScorer()
    from interview_analysis.backends.llm import LlmRubricScorer, llm_from_env

    llm = llm_from_env()
    if llm is None:
        raise AnalysisError("--llm given but MIANSHI_LLM_URL / MIANSHI_LLM_MODEL are not set")
    return LlmRubricScorer(llm, RubricScorer())
