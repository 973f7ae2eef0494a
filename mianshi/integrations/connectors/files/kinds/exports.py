"""The records an export reads: candidates and applications the user may see, as flat dicts.

Both start from the candidates app's visible querysets (a user of another branch exports
nothing of it) and read identifiers through `identifiers_for`, the one rule that shows
them in full only to HR managing the candidate's unit and masked to everyone else — in an
export exactly as on the page; likewise an application's score is read through
`blind.shown_score`, empty for one the user is assigned to rate. Rows are read in chunks
(`iterator`), so 100,000 rows never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from mianshi.accounts.actor import Actor
from mianshi.candidates import blind
from mianshi.candidates import selectors as csel
from mianshi.candidates.models import Candidate
from mianshi.candidates.pipeline import label
from mianshi.integrations.connectors.files.kinds.base import ExportSource
from mianshi.organisations.models import OrgUnit

CHUNK = 1000
CANDIDATE_FIELDS = (
    "pk", "org_unit_id", "name", "id_number_enc", "phone_enc", "email_enc", "gender",
    "birth_date", "source", "created_at",
)  # fmt: skip
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
    qs = csel.visible_candidates(actor).order_by("pk")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    return ExportSource(CANDIDATE_COLUMNS, qs.count(), _candidates(actor, qs))


def _candidates(actor: Actor, qs: QuerySet[Candidate]) -> Iterator[dict[str, Any]]:
    """Chunks by primary key, each with one query for its tags: a related object or a
    prefetch per row costs more than decrypting the row's identifiers."""
    codes = dict(OrgUnit.objects.values_list("pk", "code"))
    last = 0
    while chunk := list(qs.filter(pk__gt=last).only(*CANDIDATE_FIELDS)[:CHUNK]):
        last = chunk[-1].pk
        tags = _tags([c.pk for c in chunk])
        for c in chunk:
            yield _candidate(actor, c, codes.get(c.org_unit_id, ""), tags.get(c.pk, []))


def _tags(ids: list[int]) -> dict[int, list[str]]:
    through = Candidate.tags.through.objects.filter(candidate_id__in=ids)
    found: dict[int, list[str]] = {}
    for candidate_id, name in through.values_list("candidate_id", "tag__name").order_by(
        "tag__name"
    ):
        found.setdefault(candidate_id, []).append(name)
    return found


def _candidate(actor: Actor, c: Candidate, unit: str, tags: list[str]) -> dict[str, Any]:
    return {
        "id": c.pk, "name": c.name, **csel.identifiers_for(user=actor, candidate=c),
        "gender": c.gender, "birth_date": _iso(c.birth_date), "source": c.source,
        "org_unit": unit, "tags": ", ".join(tags), "created_at": _iso(c.created_at),
    }  # fmt: skip


def application_export(actor: Actor, unit_ids: frozenset[int] | None) -> ExportSource:
    """Visible applications (of the units `unit_ids` when given), oldest first."""
    qs = csel.visible_applications(actor).select_related("candidate", "job", "org_unit")
    # Only the user's own assignments: a small query per chunk, for the blind-score rule.
    qs = qs.prefetch_related(blind.rater_assignments(actor)).order_by("pk")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    return ExportSource(APPLICATION_COLUMNS, qs.count(), _applications(actor, qs))


def _applications(actor: Actor, qs: Any) -> Iterator[dict[str, Any]]:
    for a in qs.iterator(chunk_size=CHUNK):
        ident = csel.identifiers_for(user=actor, candidate=a.candidate)
        score = blind.shown_score(user=actor, application=a)
        yield {
            "id": a.pk, "candidate_id": a.candidate_id, "candidate_name": a.candidate.name,
            "candidate_id_number": ident["id_number"], "candidate_phone": ident["phone"],
            "candidate_email": ident["email"], "job_id": a.job_id, "job_title": a.job.title,
            "org_unit": a.org_unit.code, "stage": a.stage, "stage_label": str(label(a.stage)),
            "overall_score": None if score is None else str(score),
            "applied_at": _iso(a.created_at),
        }  # fmt: skip
