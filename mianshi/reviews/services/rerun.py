"""HR re-runs the analysis of one answer from the workbench (after a model change or a
failed run). The earlier runs and their results stay for the audit trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.analysis.models import AnalysisRun
from mianshi.analysis.services import analysis_enqueue
from mianshi.common.errors import Conflict
from mianshi.interviews.models import Answer, Recording, RecordingStatus
from mianshi.jobs.models import RECORDED_TYPES
from mianshi.organisations.scoping import require_cap
from mianshi.reviews.selectors.workbench_answers import PENDING, RERUN_REASON


@transaction.atomic
def analysis_rerun(*, actor: Actor, answer: Answer) -> AnalysisRun:
    """Queue a fresh analysis of `answer` (CANDIDATES_MANAGE); refused while one is queued
    or running, and for answers without a verified recording."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, answer.session.org_unit_id)
    rows = Answer.objects.select_for_update(no_key=True, of=("self",)).select_related("session")
    locked = rows.get(pk=answer.pk)
    recorded = Recording.objects.filter(
        answer=locked, is_current=True, status=RecordingStatus.VERIFIED
    ).exists()
    if locked.answer_type not in RECORDED_TYPES or not recorded:
        raise ValidationError(_("This answer has no recording to analyse."), code="no_recording")
    busy = AnalysisRun.objects.filter(answer=locked, is_current=True, status__in=PENDING)
    if busy.exists():
        raise Conflict(_("An analysis of this answer is already queued or running."))
    return analysis_enqueue(answer=locked, actor=actor, reason=RERUN_REASON)
