"""The candidate's public pages: link problems (404/410/completed) and the status page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from mianshi.invitations.models import Invitation
from mianshi.invitations.public_views import link_problem
from mianshi.invitations.selectors import invitation_by_token
from mianshi.invitations.services import (
    invitation_create,
    invitation_mark_completed,
    invitation_mark_started,
    invitation_revoke,
)

pytestmark = pytest.mark.django_db


def _problem(token: str) -> Any:
    request = RequestFactory().get(f"/i/{token}/")
    return link_problem(request, invitation_by_token(token))


def test_usable_link_has_no_problem(world: Any) -> None:
    _, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    assert _problem(token) is None


def test_unknown_link_is_404_with_advice(world: Any) -> None:
    response = _problem("x" * 43)
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not valid" in page and "copied the whole link" in page
    assert '<span class="brand">面试 Mianshi</span>' in page  # no employer to name
    assert "{#" not in page  # template comments stay on one line, or they show
    status = Client().get("/i/" + "y" * 43 + "/status/")
    assert status.status_code == 404 and "This link is not valid" in status.content.decode()


def test_expired_link_is_410_naming_whom_to_contact(world: Any) -> None:
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = _problem(token)
    page = response.content.decode()
    assert response.status_code == 410 and "has expired" in page
    assert "recruitment team of 上海分公司 · 销售部" in page and "销售代表" in page
    assert '<span class="brand">上海分公司 · 销售部</span>' in page
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    assert Client().get(f"/i/{token}/status/").status_code == 410


def test_revoked_link_is_410(world: Any) -> None:
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    response = _problem(token)
    assert response.status_code == 410 and "was withdrawn" in response.content.decode()


def test_superseded_link_is_410_pointing_to_the_newer_mail(world: Any) -> None:
    _, old_token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    _, new_token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    response = _problem(old_token)
    page = response.content.decode()
    assert response.status_code == 410 and "A newer invitation was sent to you" in page
    assert _problem(new_token) is None


def test_completed_link_is_a_friendly_page_linking_the_status(world: Any) -> None:
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_mark_completed(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = _problem(token)
    page = response.content.decode()
    assert response.status_code == 200 and "You have completed this interview" in page
    assert f'href="/i/{token}/status/"' in page


def _answers(invitation: Invitation, statuses: list[str], state: str) -> None:
    from mianshi.interviews.models import Answer, InterviewSession

    session = InterviewSession.objects.create(
        invitation=invitation,
        application=invitation.application,
        org_unit=invitation.org_unit,
        state=state,
    )
    for item, status in zip(invitation.template_version.items.all(), statuses, strict=True):
        Answer.objects.create(
            session=session,
            template_question=item,
            position=item.position,
            answer_type="video",
            status=status,
        )


def test_status_page_before_start_shows_deadline_and_start_button(world: Any) -> None:
    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    page = Client().get(f"/i/{token}/status/").content.decode()
    deadline = timezone.localtime(invitation.expires_at, timezone=_shanghai())
    assert 'data-status="start"' in page and 'data-progress="0/2"' in page
    assert deadline.strftime("%Y-%m-%d %H:%M") in page and "UTC+8" in page
    assert f'href="/i/{token}/"' in page and "销售代表" in page


def _shanghai() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_status_page_follows_progress_to_completion(world: Any) -> None:
    from mianshi.interviews.models import Answer, InterviewSession

    invitation, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    invitation_mark_started(invitation=invitation)
    _answers(invitation, ["complete", "recording"], "answering")
    page = Client().get(f"/i/{token}/status/").content.decode()
    assert 'data-status="continue"' in page and 'data-progress="1/2"' in page
    answers = Answer.objects.filter(session__invitation=invitation)
    sessions = InterviewSession.objects.filter(invitation=invitation)
    answers.filter(position=2).update(status="uploading")
    sessions.update(state="uploading")
    invitation_mark_completed(invitation=invitation)
    page = Client().get(f"/i/{token}/status/").content.decode()
    assert 'data-status="uploading"' in page and 'data-progress="2/2"' in page
    answers.update(status="complete")
    sessions.update(state="done")
    page = Client().get(f"/i/{token}/status/").content.decode()
    assert 'data-status="review"' in page and "We have received your answers" in page


def test_status_page_is_chinese_by_default(world: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    _, token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    with translation.override("zh-hans"):
        page = Client().get(f"/i/{token}/status/").content.decode()
    assert "您的面试状态" in page and "北京时间" in page and "开始面试" in page


def test_link_from_the_mail_opens_the_interview_and_is_tracked(
    world: Any, smtp: Any, eager: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import re

    with django_capture_on_commit_callbacks(execute=True):
        login(world.hr_sh).post(
            f"/invitations/applications/{world.app_sh.pk}/invite/",
            {"expires_hours": 24, "channels": ["email"]},
        )
    link = re.search(r"https://jobs\.example\.cn(/i/[\w-]+/)", smtp.bodies()[0]).group(1)  # type: ignore[union-attr]
    invitation = Invitation.objects.get()
    assert invitation.status == "sent" and invitation.first_opened_at is None
    candidate = Client()
    assert candidate.get(link).status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "opened" and invitation.first_opened_at is not None
    assert invitation.open_count == 1
    assert candidate.get(link + "status/").status_code == 200
    invitation_revoke(actor=world.hr_sh, invitation=invitation)
    gone = candidate.get(link)
    assert gone.status_code == 410 and "was withdrawn" in gone.content.decode()
