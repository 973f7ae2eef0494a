"""The records an export reads: candidates and applications the user may see, as flat dicts.

Both start from the candidates app's visible querysets (a user of another branch exports
nothing of it) and read identifiers through `identifiers_for`, the one rule that shows
them in full only to HR managing the candidate's unit and masked to everyone else — in an
export exactly as on the page. Rows are read in chunks (`iterator`), so 100,000 rows never
sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mianshi.accounts.actor import Actor
from mianshi.candidates import selectors as csel
from mianshi.candidates.models import Candidate
from mianshi.candidates.pipeline import label
from mianshi.integrations.connectors.files.kinds.base import ExportSource

CHUNK = 1000
CANDIDATE_COLUMNS = [
    "id", "name", "id_number", "phone", "email", "gender", "birth_date", "source",
    "org_unit", "tags", "created_at",
]  # fmt: skip
APPLICATION_COLUMNS = [
    "id", "candidate_id", "candidate_name", "candidate_id_number", "candidate_phone",
    "candidate_email", "job_id", "job_title", "org_unit", "stage", "stage_label",
    "overall_score", "applied_at",
]  # fmt: skip


def _iso(value: Any) -> str | None:
    # None, not "": a template's transform skips a missing value but fails on "".
    return value.isoformat() if value is not None else None


def candidate_export(actor: Actor, unit_ids: frozenset[int] | None) -> ExportSource:
    """Visible candidates (of the units `unit_ids` when given), oldest first."""
    qs = csel.visible_candidates(actor).select_related("org_unit").order_by("pk")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    rows = qs.prefetch_related("tags").iterator(chunk_size=CHUNK)
    return ExportSource(CANDIDATE_COLUMNS, qs.count(), (_candidate(actor, c) for c in rows))


def _candidate(actor: Actor, c: Candidate) -> dict[str, Any]:
    return {
        "id": c.pk, "name": c.name, **csel.identifiers_for(user=actor, candidate=c),
        "gender": c.gender, "birth_date": _iso(c.birth_date), "source": c.source,
        "org_unit": c.org_unit.code, "tags": ", ".join(t.name for t in c.tags.all()),
        "created_at": _iso(c.created_at),
    }  # fmt: skip


def application_export(actor: Actor, unit_ids: frozenset[int] | None) -> ExportSource:
    """Visible applications (of the units `unit_ids` when given), oldest first."""
    qs = csel.visible_applications(actor).select_related("candidate", "job", "org_unit")
    qs = qs.order_by("pk")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    return ExportSource(APPLICATION_COLUMNS, qs.count(), _applications(actor, qs))


def _applications(actor: Actor, qs: Any) -> Iterator[dict[str, Any]]:
    for a in qs.iterator(chunk_size=CHUNK):
        ident = csel.identifiers_for(user=actor, candidate=a.candidate)
        yield {
            "id": a.pk, "candidate_id": a.candidate_id, "candidate_name": a.candidate.name,
            "candidate_id_number": ident["id_number"], "candidate_phone": ident["phone"],
            "candidate_email": ident["email"], "job_id": a.job_id, "job_title": a.job.title,
            "org_unit": a.org_unit.code, "stage": a.stage, "stage_label": str(label(a.stage)),
            "overall_score": None if a.overall_score is None else str(a.overall_score),
            "applied_at": _iso(a.created_at),
        }  # fmt: skip
