"""Failing actions: retried with backoff and visible; refusals fail with their reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mianshi.candidates.pipeline import Stage
from mianshi.common.errors import Conflict
from mianshi.integrations.automation.models import ActionKind, ActionRun, RunStatus
from mianshi.integrations.automation.services import (
    notice_create,
    rule_create,
    run_execute,
    run_retry,
    runs_sweep,
)
from mianshi.integrations.automation.tests.flow import Move
from mianshi.invitations.models import Invitation

pytestmark = pytest.mark.django_db
S = Stage


def notify_rule(world: Any, to_stage: str = S.SCREENING) -> Any:
    notice = notice_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"name": "n", "subject": "{job_title}", "body": "{candidate_name}：请等待通知。"},
    )
    data = {"to_stage": to_stage, "action": ActionKind.NOTIFY, "notice_id": notice.pk}
    return rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)


def make_due(run: ActionRun) -> None:
    ActionRun.objects.filter(pk=run.pk).update(due_at=timezone.now() - timedelta(seconds=1))


def test_mail_server_down_is_retried_with_backoff_and_shown(
    world: Any, smtp: Any, eager: Any, move: Move, login: Any
) -> None:
    notify_rule(world)
    smtp.refuse = "451 4.3.0 Try again later"
    move(world.hr_sh, world.app_sh, S.SCREENING)
    run = ActionRun.objects.get()
    assert (run.status, run.attempts) == (RunStatus.PENDING, 1)
    assert "451" in run.error and run.due_at > timezone.now()
    assert smtp.messages == []
    # Visible to HR: the runs of the job on its page and in the API.
    page = login(world.hr_sh).get(f"/integrations/transition-actions/jobs/{world.job_sh.pk}/")
    assert page.status_code == 200 and f'data-run="{run.pk}"' in page.content.decode()
    smtp.refuse = ""
    assert run_execute(run_id=run.pk) == "taken"  # not due yet: the backoff holds
    make_due(run)
    assert runs_sweep() == {"given_up": 0, "given_back": 0, "done": 1}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (RunStatus.DONE, 2, "")
    assert len(smtp.messages) == 1


def test_a_permanent_refusal_fails_with_its_reason_and_can_be_retried(
    world: Any, smtp: Any, eager: Any, move: Move, django_capture_on_commit_callbacks: Any
) -> None:
    notify_rule(world)
    smtp.refuse = "550 5.1.1 Mailbox unavailable"
    move(world.hr_sh, world.app_sh, S.SCREENING)
    run = ActionRun.objects.get()
    assert (run.status, run.attempts) == (RunStatus.FAILED, 1) and "550" in run.error
    smtp.refuse = ""
    with django_capture_on_commit_callbacks(execute=True):
        run_retry(actor=world.hr_sh, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and len(smtp.messages) == 1
    with pytest.raises(Conflict):
        run_retry(actor=world.hr_sh, run=run)


def test_an_invitation_that_cannot_be_made_fails_with_nothing_half_written(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    from mianshi.jobs.services import job_update

    data = {"to_stage": S.INVITED, "from_stage": S.SCREENING, "action": ActionKind.INVITE}
    rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)
    job_update(actor=world.hr_sh, job=world.job_sh, data={"interview_template": None})
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    run = ActionRun.objects.get()
    assert run.status == RunStatus.FAILED and run.error
    assert not Invitation.objects.exists() and smtp.messages == []


def test_a_stale_claim_of_a_dead_worker_is_given_back_and_done_once(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    notify_rule(world)
    smtp.refuse = "451 later"
    move(world.hr_sh, world.app_sh, S.SCREENING)
    run = ActionRun.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    ActionRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, claimed_at=long_ago)
    smtp.refuse = ""
    assert runs_sweep() == {"given_up": 0, "given_back": 1, "done": 1}
    assert runs_sweep() == {"given_up": 0, "given_back": 0}
    assert len(smtp.messages) == 1


def test_the_application_moved_on_before_the_action_ran(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    notify_rule(world)
    smtp.refuse = "451 later"
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.REJECTED)
    smtp.refuse = ""
    run = ActionRun.objects.get()
    make_due(run)
    assert run_execute(run_id=run.pk) == "skipped"
    run.refresh_from_db()
    assert run.status == RunStatus.SKIPPED and smtp.messages == []
