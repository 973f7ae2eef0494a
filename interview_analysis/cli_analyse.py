"""`python -m interview_analysis analyse FILE --question QUESTION.json [--out report.json]`.

QUESTION.json is one question in the format of an entry of the dev set's questions.json
(interview_analysis/tests/data/eval: lang, type, text, dimensions, rubric, keywords) with
an optional "id"; a whole questions.json holding exactly one question is accepted too. The report is
`types.to_dict(AnswerReport)` as JSON (UTF-8, Chinese unescaped).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interview_analysis.errors import AnalysisError
from interview_analysis.types import Question, to_dict


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m interview_analysis analyse",
        description="Analyse one recorded answer: transcript, features, quality, score.",
    )
    parser.add_argument("file", type=Path, help="the recording (WebM, MP4, WAV, …)")
    parser.add_argument("--question", type=Path, required=True, help="question JSON")
    parser.add_argument("--out", type=Path, default=None, help="write the report here")
    return parser


def load_question(path: Path) -> Question:
    """The question from a single-question JSON (or a questions.json with one entry)."""
    from interview_analysis.scoring import question_from_dict

    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"cannot read question file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise AnalysisError(f"{path}: expected a JSON object")
    if "text" not in data and len(data) == 1:
        qid, entry = next(iter(data.items()))
        data = {"id": qid, **entry} if isinstance(entry, dict) else data
    if "text" not in data:
        raise AnalysisError(f"{path}: a question needs at least 'text' and 'lang'")
    return question_from_dict(str(data.get("id") or path.stem), data)


def main(argv: list[str]) -> int:
    """Print (or write) the JSON report; exit 1 with a clear message on unusable input."""
    args = _parser().parse_args(argv[1:])
    from interview_analysis.pipeline import analyse

    try:
        report = analyse(args.file, load_question(args.question))
    except AnalysisError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    text = json.dumps(to_dict(report), ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
