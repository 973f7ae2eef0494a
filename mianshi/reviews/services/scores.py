"""The interview's combined scores (owned by the ratings/scores helper; placeholder)."""

from __future__ import annotations

from typing import Any


def session_scores_refresh(*, session_id: int) -> Any:
    """Recompute the session's InterviewScore (AI, human, final by policy, anomalies)."""
    return None
