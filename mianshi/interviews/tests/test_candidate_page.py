"""The interview page view: what it hands the recorder, and the pages for links that may not
open it (those come from the invitations app's `link_problem`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from mianshi.interviews.models import Answer, InterviewSession
from mianshi.interviews.tests.candidate_fixtures import *  # noqa: F403
from mianshi.interviews.tests.candidate_fixtures import Interview
from mianshi.invitations.models import Invitation, InvitationStatus


def _bootstrap(html: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="interview-bootstrap" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, html[:500]
    return dict(json.loads(found.group(1)))


def test_page_hands_the_recorder_its_context(three: Interview, minimal_page: None) -> None:
    response = Client().get(f"/i/{three.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    token = three.token
    context = re.search(r"<p id=ctx>(.*?)</p>", html, re.S)
    assert context is not None
    parts = context.group(1).split("|")
    assert parts[:4] == [token, f"/i/api/{token}/", f"/i/{token}/tus/", f"/i/{token}/status/"]
    assert parts[4] == "销售代表" and parts[5]
    bootstrap = _bootstrap(html)
    api_state = three.api.state()
    for key in ("invitation", "session", "consent", "questions", "tus"):
        assert bootstrap[key] == api_state[key]
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


def test_first_visit_opens_the_session_once(three: Interview, minimal_page: None) -> None:
    client = Client()
    assert client.get(f"/i/{three.token}/").status_code == 200
    three.invitation.refresh_from_db()
    assert three.invitation.status == InvitationStatus.OPENED
    assert three.invitation.first_opened_at is not None
    client.get(f"/i/{three.token}/")
    assert InterviewSession.objects.count() == 1
    assert Answer.objects.filter(session__invitation=three.invitation).count() == 3
    session = three.session
    assert list(session.answers.values_list("answer_type", flat=True)) == [
        "video",
        "text",
        "choice",
    ]


def test_page_language_becomes_the_sessions(three: Interview, minimal_page: None) -> None:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    client.cookies["django_language"] = "en"
    client.get(f"/i/{three.token}/")
    session = three.session
    assert session.language == "en" and session.user_agent == "Mozilla/5.0 (iPhone)"
    client.cookies["django_language"] = "zh-hans"
    client.get(f"/i/{three.token}/")
    assert three.session.language == "zh-hans"


def test_the_real_recorder_template_renders(three: Interview) -> None:
    response = Client().get(f"/i/{three.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _bootstrap(html)["invitation"]["job_title"] == "销售代表"
    assert f'data-api-base="/i/api/{three.token}/"' in html


def test_links_that_may_not_open_the_interview(three: Interview, minimal_page: None) -> None:
    assert Client().get("/i/not-a-real-token/").status_code == 404
    Invitation.objects.filter(pk=three.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert Client().get(f"/i/{three.token}/").status_code == 410
    assert not InterviewSession.objects.exists()
    Invitation.objects.filter(pk=three.invitation.pk).update(
        status=InvitationStatus.COMPLETED, expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    completed = Client().get(f"/i/{three.token}/")
    assert completed.status_code == 200
    assert f"/i/{three.token}/status/" in completed.content.decode()
    assert "interview-bootstrap" not in completed.content.decode()
