"""The demo's transition actions: passing screening invites by itself (F-30).

`load()` gives the whole demo organisation (the root unit, 总部) one default rule:
entering "invited" from "screening" → invite with the job's interview template by e-mail,
and a notice to candidates who are rejected after screening. Call it at the end of
load_demo, after the demo candidates have been placed, so their history stays as it is.
Idempotent: a second call adds nothing.
"""

from __future__ import annotations

from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import ActionKind, NoticeTemplate, TransitionRule
from mianshi.integrations.automation.services import notice_create, rule_create
from mianshi.organisations.models import OrgUnit

NOTICE_NAME = "初筛未通过通知"
NOTICE_SUBJECT = "{job_title}：感谢您的关注"
NOTICE_BODY = (
    "{candidate_name}，您好：\n\n"
    "感谢您应聘{org_name}的“{job_title}”岗位。经过认真评估，您的背景与本岗位当前的要求"
    "暂不匹配，我们已将您的简历保存在人才库中，有合适的机会会再与您联系。\n\n"
    "祝您求职顺利！"
)


def load(*, unit: OrgUnit | None = None) -> list[TransitionRule]:
    """The default rules of `unit` (the root unit when not given); the rules it has."""
    root = unit or OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return []
    if not TransitionRule.objects.filter(org_unit=root, job__isnull=True).exists():
        _rules(root)
    return list(TransitionRule.objects.filter(org_unit=root, job__isnull=True))


def _rules(root: OrgUnit) -> None:
    invite = {"to_stage": Stage.INVITED, "from_stage": Stage.SCREENING}
    rule_create(actor=None, org_unit=root, data={**invite, "action": ActionKind.INVITE})
    notice = NoticeTemplate.objects.filter(org_unit=root, name=NOTICE_NAME).first()
    if notice is None:
        text = {"name": NOTICE_NAME, "subject": NOTICE_SUBJECT, "body": NOTICE_BODY}
        notice = notice_create(actor=None, org_unit=root, data=text)
    reject = {"to_stage": Stage.REJECTED, "from_stage": Stage.SCREENING, "notice_id": notice.pk}
    rule_create(actor=None, org_unit=root, data={**reject, "action": ActionKind.NOTIFY})
