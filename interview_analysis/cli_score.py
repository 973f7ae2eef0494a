"""`python -m interview_analysis score --questions Q.json --answers A.jsonl`.

One JSON line per answer {"id", "level", "score", "confidence", "evidence": [...], …,
"needs_review", "review_reasons", "explanations"} (labels in the input are ignored); `eval`
lives in cli_eval.py. Add `--llm` to use the LLM-assisted scorer configured by
MIANSHI_LLM_URL/_MODEL/_API_KEY.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from interview_analysis.errors import AnalysisError
from interview_analysis.ports import TextScorer
from interview_analysis.scoring import load_answers, load_questions, score_all
from interview_analysis.types import Language, TextScore


def main(argv: list[str]) -> int:
    """Entry point; argv[0] is the command name."""
    if argv and argv[0] == "eval":  # an older caller routing eval here
        from interview_analysis import cli_eval

        return cli_eval.main(argv)
    parser = argparse.ArgumentParser(prog="python -m interview_analysis score")
    parser.add_argument("--questions", required=True, help="questions.json")
    parser.add_argument("--answers", required=True, help="answers as JSON lines")
    parser.add_argument("--llm", action="store_true", help="blend in the configured LLM")
    args = parser.parse_args(argv[1:])
    try:
        questions = load_questions(args.questions)
        answers = load_answers(args.answers, questions)
        scorer = make_scorer(args.llm)
        results = score_all(scorer, questions, answers)
    except AnalysisError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    for answer, score in results:
        sys.stdout.write(
            json.dumps(score_line(answer.id, score, answer.transcript.language), ensure_ascii=False)
            + "\n"
        )
    return 0


def score_line(answer_id: str, score: TextScore, language: Language = "zh") -> dict[str, Any]:
    """The stable one-line JSON for a scored answer (extra fields after the contract's)."""
    from interview_analysis.scorer.evidence import line

    flags = [f.removeprefix("score:") for f in score.review_flags]
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
        "needs_review": "needs_review" in flags,
        "review_reasons": [f for f in flags if f != "needs_review"],
        "explanations": [line(e, language) for e in score.evidence],
    }


def make_scorer(use_llm: bool) -> TextScorer:
    """The general offline scorer, or the LLM-assisted one falling back to it."""
    from interview_analysis.scorer.model import GeneralScorer

    if not use_llm:
        return GeneralScorer()
    from interview_analysis.backends.llm import LlmRubricScorer, llm_from_env

    llm = llm_from_env()
    if llm is None:
        raise AnalysisError("--llm given but MIANSHI_LLM_URL / MIANSHI_LLM_MODEL are not set")
    return LlmRubricScorer(llm, GeneralScorer())
