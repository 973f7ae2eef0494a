"""Importing applications of existing candidates to open jobs from a file.

A row names the candidate by our id or by ID number (a file from another system knows the
person, not our ids) and the job by id; both must be visible to / managed by the importer,
exactly as for application_create, which writes each row (audit and the
application.created event included). The same candidate and job twice in the file, or an
open application already on record for them, is reported before anything is written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mianshi.candidates import selectors as csel
from mianshi.candidates import services as csvc
from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.pipeline import CLOSED_STAGES
from mianshi.candidates.validators import looks_like_id_number
from mianshi.common.crypto import blind_index
from mianshi.integrations.connectors.files.kinds.base import (
    BatchProblem,
    ImportContext,
    Problems,
    text,
)
from mianshi.integrations.connectors.files.kinds.jobs import JobLookup, _is_id

TARGETS = {"candidate_id": False, "candidate_id_number": False, "job_id": True, "reason": False}
MAX_REASON = 500


class ApplicationImporter:
    """Checks and writes application rows for one import run."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.jobs = JobLookup(ctx.actor)
        self.seen: dict[tuple[int, int], int] = {}

    def clean(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, Problems]:
        problems: Problems = []
        candidate = self._candidate(args, problems)
        job = self.jobs.get(text(args.get("job_id")), problems, required=True)
        reason = text(args.get("reason"))
        if len(reason) > MAX_REASON:
            problems.append(("reason", _("The reason has at most 500 characters.")))
        if problems:
            return None, problems
        return {"candidate": candidate, "job": job, "reason": reason}, []

    def _candidate(self, args: dict[str, Any], problems: Problems) -> Candidate | None:
        visible = csel.visible_candidates(self.ctx.actor)
        key, number = text(args.get("candidate_id")), text(args.get("candidate_id_number"))
        found = None
        if _is_id(key):
            found = visible.filter(pk=int(key)).first()
        elif number and looks_like_id_number(number):
            found = visible.filter(id_number_bidx=blind_index(number, kind="id_number")).first()
        if found is None:
            field = "candidate_id" if key or not number else "candidate_id_number"
            problems.append((field, _("Unknown candidate, or not one you may see.")))
        return found

    def duplicates(self, row: int, cleaned: dict[str, Any]) -> Problems:
        pair = (cleaned["candidate"].pk, cleaned["job"].pk)
        first = self.seen.setdefault(pair, row)
        if first == row:
            return []
        message = _("The same candidate and job are on row %(row)s of this file.")
        return [("job_id", message % {"row": first})]

    def check_batch(self, batch: list[tuple[int, dict[str, Any]]]) -> list[BatchProblem]:
        rows = {(c["candidate"].pk, c["job"].pk): row for row, c in batch}
        open_ones = (
            Application.objects.filter(
                candidate_id__in={c for c, _j in rows}, job_id__in={j for _c, j in rows}
            )
            .exclude(stage__in=sorted(CLOSED_STAGES))
            .values_list("candidate_id", "job_id")
        )
        message = _("This candidate already has an open application for this job.")
        return [BatchProblem(rows[p], [("job_id", message)]) for p in set(open_ones) if p in rows]

    def write(self, cleaned: dict[str, Any]) -> int:
        csvc.application_create(actor=self.ctx.actor, **cleaned)
        return 1
