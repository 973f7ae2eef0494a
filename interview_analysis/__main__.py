"""`python -m interview_analysis <command>`: a stable CLI other tools call.

Commands: models (install | check), analyse, score, eval. Each lives in its own
`cli_<command>.py` with `main(argv) -> int`, imported only when used so that `score`
never loads the speech models.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "models": "interview_analysis.cli_models",
    "analyse": "interview_analysis.cli_analyse",
    "score": "interview_analysis.cli_score",
    "eval": "interview_analysis.cli_eval",
}
USAGE = "usage: python -m interview_analysis {models,analyse,score,eval} ...\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        sys.stderr.write(USAGE)
        return 2
    module = importlib.import_module(COMMANDS[args[0]])
    return int(module.main(args))


if __name__ == "__main__":
    raise SystemExit(main())
