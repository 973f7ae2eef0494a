"""`python -m interview_analysis eval [--dir EVAL_DIR | --questions Q.json --answers A.jsonl]`.

Prints one JSON object: the shipped scorer's figures on the labelled answers at the top
level (in sample, so optimistic) and under "leave_one_question_out" the figures that matter —
Spearman ρ and level accuracy overall and per language, per question, and the calibration of
the confidence (ECE and the reliability table) on predictions for questions the model never
saw, with 95 % intervals of ρ and accuracy when the questions are drawn again (bootstrap).
Default: every eval file in interview_analysis/tests/data/eval (8 questions). Add `--llm`
for the LLM-assisted scorer (in-sample figures only: an LLM has no weights to refit).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interview_analysis.cli_score import make_scorer
from interview_analysis.errors import AnalysisError
from interview_analysis.scoring import Answer, figures, load_answers, load_questions, score_all
from interview_analysis.types import Question

DEFAULT_DIR = Path(__file__).resolve().parent / "tests" / "data" / "eval"


def main(argv: list[str]) -> int:
    """Entry point; argv[0] is the command name."""
    parser = argparse.ArgumentParser(prog="python -m interview_analysis eval")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of eval files")
    parser.add_argument("--questions", help="questions.json (with --answers, instead of --dir)")
    parser.add_argument("--answers", help="answers as JSON lines")
    parser.add_argument("--llm", action="store_true", help="blend in the configured LLM")
    args = parser.parse_args(argv[1:])
    try:
        questions, answers = _load(args)
        scorer = make_scorer(args.llm)
        # In-sample figures stay at the top level (the shape callers of `eval` already read).
        out: dict[str, Any] = figures(score_all(scorer, questions, answers))
        out["scorer"] = scorer.name
        if not args.llm:
            from interview_analysis.scorer.evaluate import loqo_report

            out["leave_one_question_out"] = loqo_report(questions, answers)
    except AnalysisError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


def _load(args: argparse.Namespace) -> tuple[dict[str, Question], list[Answer]]:
    if args.questions or args.answers:
        if not (args.questions and args.answers):
            raise AnalysisError("--questions and --answers go together")
        questions = load_questions(args.questions)
        return questions, load_answers(args.answers, questions)
    from interview_analysis.scorer.evaluate import load_eval_dir

    return load_eval_dir(args.dir)
