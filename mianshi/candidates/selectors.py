"""Candidate reads (placeholder until the candidates app lands)."""

from typing import Any


def application_stage_counts(*, user: Any) -> list[tuple[str, str, int]]:
    """(stage, label, count) per pipeline stage over the applications `user` may see."""
    return []
