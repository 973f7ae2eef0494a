"""`python -m interview_analysis models {install,check} [--dir DIR]`: the model folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from interview_analysis import models
from interview_analysis.errors import ModelMissingError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m interview_analysis models",
        description="Assemble (install) or verify (check) the offline speech models.",
    )
    parser.add_argument("action", choices=("install", "check"))
    parser.add_argument(
        "--dir", type=Path, default=None, help="model folder (default: $MIANSHI_MODEL_DIR)"
    )
    return parser


def main(argv: list[str]) -> int:
    """Run `models install` or `models check`; non-zero when the default model is unusable."""
    args = _parser().parse_args(argv[1:])
    if args.action == "install":
        try:
            path = models.install(args.dir)
        except ModelMissingError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 1
        sys.stdout.write(json.dumps({"installed": str(path), "sha256": models.BASE_SHA256}) + "\n")
        return 0
    report = models.check(args.dir)
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0 if report["ok"] else 1
