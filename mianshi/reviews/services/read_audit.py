"""Reads of review data recorded in the audit trail (F-100), where the page and the API share
the shape of what was read (the ranking's rows)."""

from __future__ import annotations

from typing import Any

from mianshi.compliance.services import audit_read
from mianshi.reviews.selectors.ranking import RankingPage


def job_ranking_audit(*, actor: Any, page: RankingPage) -> None:
    """A ranking page (UI or API) is one read of the interviews on it."""
    ids = [row.session_id for row in page.rows]
    detail = {"page": page.number}
    audit_read(actor=actor, action="job_ranking.view", obj=page.job, ids=ids, detail=detail)
