"""Transition actions end to end: real outbox, real dispatcher, real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.compliance.models import AuditEvent
from mianshi.events.dispatcher import event_dispatch
from mianshi.integrations.automation.consumers import transition_actions
from mianshi.integrations.automation.models import ActionKind, ActionRun, RunStatus
from mianshi.integrations.automation.services import rule_create, run_execute, runs_plan
from mianshi.integrations.automation.tests.flow import Move, stage_event
from mianshi.invitations.models import Invitation, InvitationKind
from mianshi.invitations.services import invitation_create

pytestmark = pytest.mark.django_db
S = Stage


def invite_rule(actor: Any, **where: Any) -> Any:
    """The default use: entering "invited" from "screening" → invite with the job's template."""
    data = {"to_stage": S.INVITED, "from_stage": S.SCREENING, "action": ActionKind.INVITE}
    return rule_create(actor=actor, data=data, **where)


def test_passing_screening_invites_automatically(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    rule = invite_rule(world.hr_sh, org_unit=world.org.sh)
    move(world.hr_sh, world.app_sh, S.SCREENING)
    assert not Invitation.objects.exists()
    transition = move(world.hr_sh, world.app_sh, S.INVITED)
    invitation = Invitation.objects.get(application=world.app_sh)
    assert invitation.kind == InvitationKind.FIRST
    assert smtp.recipients == [["zhang.san@example.com"]]
    run = ActionRun.objects.get()
    assert (run.rule, run.transition, run.status) == (rule, transition, RunStatus.DONE)
    assert run.result == {"invitation_id": invitation.pk} and run.attempts == 1
    assert AuditEvent.objects.filter(action="transition_action.done", object_id=run.pk).exists()


def test_each_action_runs_once_even_when_dispatch_runs_twice(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    invite_rule(world.hr_sh, org_unit=world.org.sh)
    move(world.hr_sh, world.app_sh, S.SCREENING)
    transition = move(world.hr_sh, world.app_sh, S.INVITED)
    event = stage_event(transition)
    assert event is not None
    assert event_dispatch(event_id=event.pk) == {}  # nothing left to claim
    transition_actions(event)  # the consumer itself, delivered a second time
    assert runs_plan(transition_id=transition.pk) == []
    run = ActionRun.objects.get()
    assert run_execute(run_id=run.pk) == "taken"
    assert Invitation.objects.count() == 1 and len(smtp.messages) == 1


def test_a_move_without_a_rule_does_nothing(world: Any, smtp: Any, eager: Any, move: Move) -> None:
    invite_rule(world.hr_sh, org_unit=world.org.sh)
    move(world.hr_sh, world.app_sh, S.INVITED)  # from "applied": the rule says from screening
    assert not ActionRun.objects.exists() and not Invitation.objects.exists()


def test_a_job_override_beats_the_org_default(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    from mianshi.integrations.automation.services import notice_create

    invite_rule(world.hr_sh, org_unit=world.org.sh)
    notice = notice_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={
            "name": "初筛通过",
            "subject": "{job_title}：初筛通过",
            "body": "{candidate_name}，您好",
        },
    )
    data = {"to_stage": S.INVITED, "action": ActionKind.NOTIFY, "notice_id": notice.pk}
    rule_create(actor=world.hr_sh, job=world.job_sh, data=data)
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    assert not Invitation.objects.exists()
    assert smtp.recipients == [["zhang.san@example.com"]]
    assert str(smtp.messages[0]["Subject"]) == "销售代表：初筛通过"
    assert smtp.bodies()[0].strip() == "张三，您好"
    assert ActionRun.objects.get().action == ActionKind.NOTIFY


def test_a_disabled_override_switches_the_stage_off_for_the_job(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    invite_rule(world.hr_sh, org_unit=world.org.sh)
    override = invite_rule(world.hr_sh, job=world.job_sh)
    from mianshi.integrations.automation.services import rule_update

    rule_update(actor=world.hr_sh, rule=override, data={"enabled": False})
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    assert not ActionRun.objects.exists() and not Invitation.objects.exists()
    assert smtp.messages == []


def test_the_nearest_unit_default_wins(world: Any, smtp: Any, eager: Any, move: Move) -> None:
    from mianshi.accounts.roles import Role

    admin = world.hr_sh.__class__.objects.create_user("hq_admin")
    admin.grants.create(role=Role.HR_ADMIN, org_unit=world.org.hq)
    invite_rule(admin, org_unit=world.org.hq)
    nearer = invite_rule(world.hr_sh, org_unit=world.org.sh_sales)
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    assert list(ActionRun.objects.values_list("rule", flat=True)) == [nearer.pk]
    assert Invitation.objects.count() == 1


def test_an_invitation_hr_sends_is_not_doubled_by_the_rule(
    world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    from mianshi.integrations.automation.tests.flow import ensure_event

    rule_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"to_stage": S.INVITED, "action": ActionKind.INVITE},
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mine, _token = invitation_create(actor=world.hr_sh, application=world.app_sh)
        ensure_event(world.app_sh.transitions.last())
    run = ActionRun.objects.get()
    assert run.status == RunStatus.SKIPPED and run.error
    assert list(Invitation.objects.all()) == [mine]


def test_an_action_never_reacts_to_its_own_move(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    rule = rule_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"to_stage": S.INVITED, "action": ActionKind.INVITE},
    )
    first = move(world.hr_sh, world.app_sh, S.INVITED)
    done = ActionRun.objects.get(transition=first)
    assert done.status == RunStatus.DONE
    move(world.hr_sh, world.app_sh, S.INTERVIEWING)
    again = move(world.hr_sh, world.app_sh, S.INVITED)
    # Had the rule's own action made this move, the rule must not act on it again.
    ActionRun.objects.filter(transition=again).delete()
    ActionRun.objects.filter(pk=done.pk).update(caused_transition=again)
    (skipped,) = runs_plan(transition_id=again.pk)
    assert (skipped.rule, skipped.status) == (rule, RunStatus.SKIPPED)
    assert Invitation.objects.count() == 1


def test_the_move_an_invitation_makes_runs_the_rules_of_the_next_stage(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    from zoneinfo import ZoneInfo

    from mianshi.integrations.automation.services import notice_create

    first = rule_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"to_stage": S.SCREENING, "action": ActionKind.INVITE},
    )
    text = {
        "name": "n",
        "subject": "{job_title}",
        "body": "请在 {deadline} 前完成：{interview_link}",
    }
    notice = notice_create(actor=world.hr_sh, org_unit=world.org.sh, data=text)
    data = {"to_stage": S.INVITED, "from_stage": S.SCREENING, "action": ActionKind.NOTIFY}
    second = rule_create(
        actor=world.hr_sh, org_unit=world.org.sh, data={**data, "notice_id": notice.pk}
    )
    move(world.hr_sh, world.app_sh, S.SCREENING)
    invited = ActionRun.objects.get(rule=first)
    assert invited.status == RunStatus.DONE and invited.caused_transition is not None
    assert invited.caused_transition.to_stage == S.INVITED
    noticed = ActionRun.objects.get(rule=second)
    assert noticed.transition == invited.caused_transition
    assert noticed.status == RunStatus.DONE
    invitation = Invitation.objects.get()
    deadline = invitation.expires_at.astimezone(ZoneInfo("Asia/Shanghai"))
    text_body = smtp.bodies(-1)[0]
    assert deadline.strftime("%Y-%m-%d %H:%M") in text_body and "/i/" in text_body
    assert len(smtp.messages) == 2


def test_a_rule_may_name_its_own_interview_template(
    world: Any, smtp: Any, eager: Any, move: Move
) -> None:
    from mianshi.jobs.tests.factories import make_question, make_template

    question = make_question(world.org.sh_sales, world.hr_sh, text="请介绍一个你负责的项目。")
    special = make_template(world.org.sh_sales, [question], world.hr_sh, name="校招一面")
    data = {"to_stage": S.INVITED, "action": ActionKind.INVITE}
    rule_create(
        actor=world.hr_sh, job=world.job_sh, data={**data, "interview_template_id": special.pk}
    )
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    invitation = Invitation.objects.get()
    assert invitation.template_version.template == special


def test_the_actions_of_one_move_run_in_their_rules_order(
    world: Any, smtp: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mianshi.candidates.services import application_advance
    from mianshi.integrations.automation.services import notice_create

    text = {"name": "n", "subject": "{job_title}", "body": "链接：{interview_link}"}
    notice = notice_create(actor=world.hr_sh, org_unit=world.org.sh, data=text)
    data = {"to_stage": S.INVITED, "action": ActionKind.NOTIFY, "notice_id": notice.pk, "order": 2}
    notify = rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)
    invite = rule_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"to_stage": S.INVITED, "action": ActionKind.INVITE, "order": 1},
    )
    moved = application_advance(actor=world.hr_sh, application=world.app_sh, to_stage=S.INVITED)
    runs = {run.rule_id: run for run in runs_plan(transition_id=moved.pk)}
    assert run_execute(run_id=runs[notify.pk].pk) == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        assert run_execute(run_id=runs[invite.pk].pk) == "done"
    assert ActionRun.objects.get(rule=notify).status == RunStatus.DONE
    assert Invitation.objects.count() == 1 and len(smtp.messages) == 2
    assert smtp.messages[-1]["Subject"] == "销售代表"  # the notice, after the invitation
    assert "https://jobs.example.cn/i/" in smtp.bodies(-1)[0]


def test_a_re_record_invitation_is_not_replaced_by_the_rule(
    world: Any, smtp: Any, eager: Any, move: Move, django_capture_on_commit_callbacks: Any
) -> None:
    from mianshi.invitations.services import invitation_reinvite

    rule_create(
        actor=world.hr_sh,
        org_unit=world.org.sh,
        data={"to_stage": S.INVITED, "action": ActionKind.INVITE},
    )
    move(world.hr_sh, world.app_sh, S.INVITED)  # the rule invites
    move(world.hr_sh, world.app_sh, S.INTERVIEWING)
    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_reinvite(actor=world.hr_sh, application=world.app_sh)
    assert again.kind == InvitationKind.RE_RECORD
    newest = Invitation.objects.order_by("-id").first()
    assert newest == again and Invitation.objects.count() == 2
    statuses = list(ActionRun.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [RunStatus.DONE, RunStatus.SKIPPED]
