"""The board page over HTTP: scoping, the polled partial, one-click re-invite, query count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mianshi.candidates.pipeline import Stage
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import QualityStatus
from mianshi.interviews.services import EventInput, session_events_record, session_heartbeat
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)
from mianshi.interviews.tests.board_world import assign, recording_row
from mianshi.invitations.models import Invitation, InvitationKind, InvitationStatus

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<tr data-application="(\d+)" data-state="(\w+)" data-invitation="(\d+)"')


def board_url(bw: Any, rows: bool = False) -> str:
    return f"/interviews/jobs/{bw.job.pk}/board/{'rows/' if rows else ''}"


def shown(page: str) -> dict[int, tuple[str, int]]:
    return {int(a): (state, int(inv)) for a, state, inv in ROW.findall(page)}


def test_page_polls_a_partial_that_is_only_the_board(bw, login):
    started = bw.invite("张三")
    bw.answering_choice(started)
    client = login(bw.hr_sh)
    page = client.get(board_url(bw))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="{board_url(bw, rows=True)}"' in html and 'hx-trigger="every 5s"' in html
    assert "<html" in html and "销售代表" in html
    partial = client.get(board_url(bw, rows=True), HTTP_HX_REQUEST="true")
    body = partial.content.decode().strip()
    assert partial.status_code == 200 and body.startswith('<div id="board"')
    assert "<html" not in body and "<body" not in body and "topbar" not in body
    assert "<table" in body and "张三" in body
    assert shown(body) == {started.application.pk: ("recording", started.invitation.pk)}
    assert 'data-position="2/3"' in body and "面对犹豫的客户你会先做什么？" in body


def test_summary_counts_and_state_filter(bw, login):
    a, b, c = bw.invite("甲"), bw.invite("乙"), bw.invite("丙")
    bw.guide(b)
    bw.guide(c)
    client = login(bw.hr_sh)
    html = client.get(board_url(bw, rows=True)).content.decode()
    counts = dict(re.findall(r'data-state="(\w+)"[^>]*><div class="n">(\d+)</div>', html))
    assert counts["all"] == "3" and counts["guide"] == "2" and counts["not_started"] == "1"
    filtered = client.get(board_url(bw, rows=True), {"state": "guide"}).content.decode()
    assert set(shown(filtered)) == {b.application.pk, c.application.pk}
    assert f'hx-get="{board_url(bw, rows=True)}?state=guide"' in filtered
    assert set(shown(client.get(board_url(bw), {"state": "bogus"}).content.decode())) == {
        a.application.pk,
        b.application.pk,
        c.application.pk,
    }


def test_row_shows_health_quality_signals_and_anomalies(bw, login):
    started = bw.invite("张三")
    session = bw.recording_video(started)
    session_heartbeat(session_id=session.pk, client_state={"pending_chunks": 4, "online": False})
    recording_row(started, offset=2 * 1024 * 1024, status="failed")
    events = [EventInput(kind="tab_hidden", position=1), EventInput(kind="paste", position=1)]
    session_events_record(session=session, events=events)
    answer = started.answer(3)
    answer.quality_status = QualityStatus.WARN
    answer.quality = {"fps": 24.6, "width": 1280, "height": 720, "audio_level_dbfs": -38.2}
    answer.save()
    html = login(bw.hr_sh).get(board_url(bw, rows=True)).content.decode()
    assert "4 chunks waiting" in html and "offline" in html and "2.0\xa0MB" in html
    assert "Q3: Usable with warnings · 25 fps · 1280×720 · -38 dB" in html
    assert "1 tab switch" in html and "1 paste" in html
    assert 'data-anomaly="verification_failed"' in html


def test_board_is_chinese_by_default(bw, login, settings):
    bw.invite("张三")
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        html = login(bw.hr_sh).get(board_url(bw)).content.decode()
    assert "张三" in html and 'lang="zh-hans"' in html


# --- scoping ----------------------------------------------------------------------------


def test_other_branch_and_other_department_see_nothing(bw, login):
    bw.invite("张三")
    for user in (bw.hr_sz, bw.manager_tech):
        client = login(user)
        assert client.get(board_url(bw)).status_code == 404
        assert client.get(board_url(bw, rows=True)).status_code == 404
        assert "张三" not in client.get("/interviews/").content.decode()
    assert Client().get(board_url(bw)).status_code == 302  # to the login page


def test_manager_sees_the_board_but_cannot_reinvite(bw, login):
    started = bw.invite("张三")
    client = login(bw.manager_sales)
    html = client.get(board_url(bw)).content.decode()
    assert set(shown(html)) == {started.application.pk} and "Re-invite" not in html
    response = client.post(f"/interviews/applications/{started.application.pk}/reinvite/")
    assert response.status_code == 403
    assert Invitation.objects.filter(application=started.application).count() == 1


def test_interviewer_sees_only_assigned_candidates(bw, login):
    mine, other = bw.invite("甲"), bw.invite("乙")
    assign(mine.application, bw.interviewer)
    html = login(bw.interviewer).get(board_url(bw)).content.decode()
    assert set(shown(html)) == {mine.application.pk} and "乙" not in html
    reinvite = f"/interviews/applications/{other.application.pk}/reinvite/"
    assert login(bw.interviewer).post(reinvite).status_code == 404


def test_other_branch_cannot_reinvite(bw, login):
    started = bw.invite()
    url = f"/interviews/applications/{started.application.pk}/reinvite/"
    assert login(bw.hr_sz).post(url).status_code == 404
    assert login(bw.hr_sh).get(url).status_code == 405
    assert Invitation.objects.filter(application=started.application).count() == 1


# --- one-click re-invite ----------------------------------------------------------------


def test_reinvite_click_sends_a_re_record_invitation_and_the_row_shows_it(
    bw, login, smtp, eager, django_capture_on_commit_callbacks
):
    started = bw.invite("张三", email="zhang.san@example.com")
    bw.recording_video(started)
    answer = started.answer(3)
    answer.quality_status, answer.quality = QualityStatus.FAIL, {"issues": [{"code": "silent"}]}
    answer.save()
    client = login(bw.hr_sh)
    page = client.get(board_url(bw)).content.decode()
    assert "hx-confirm=" in page and "Send 张三 a new invitation to re-record?" in page
    url = f"/interviews/applications/{started.application.pk}/reinvite/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    new = Invitation.objects.filter(application=started.application).first()
    assert new is not None and new.pk != started.invitation.pk
    assert new.kind == InvitationKind.RE_RECORD and new.positions == [3]
    assert new.replaces_id == started.invitation.pk
    started.invitation.refresh_from_db()
    assert started.invitation.status == InvitationStatus.SUPERSEDED
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board"')
    assert shown(body) == {started.application.pk: ("not_started", new.pk)}
    assert "A re-record invitation was sent to 张三." in body and "re-record" in body
    (mail,) = smtp.messages
    assert mail["To"] == "zhang.san@example.com"
    text = mail.get_body(("plain",)).get_content()
    assert re.search(r"https://jobs\.example\.cn/i/[A-Za-z0-9_-]{40,}/", text)
    new.refresh_from_db()
    assert new.status == InvitationStatus.SENT


def test_reinvite_without_htmx_redirects_to_the_board(bw, login):
    started = bw.invite()
    url = f"/interviews/applications/{started.application.pk}/reinvite/"
    response = login(bw.hr_sh).post(url)
    assert response.status_code == 302 and response["Location"] == board_url(bw)
    assert Invitation.objects.filter(application=started.application).count() == 2


def test_reinvite_refusal_is_shown_not_a_500(bw, login):
    started = bw.invite()
    started.application.__class__.objects.filter(pk=started.application.pk).update(
        stage=Stage.HIRED
    )
    response = login(bw.hr_sh).post(
        f"/interviews/applications/{started.application.pk}/reinvite/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert Invitation.objects.filter(application=started.application).count() == 1


# --- cheap enough to poll ---------------------------------------------------------------


def _populate(bw: Any, n: int) -> None:
    for i in range(n):
        started = bw.invite(f"候选人{i}")
        if i % 3 == 0:
            continue
        session = bw.recording_video(started) if i % 3 == 1 else bw.guide(started)
        session_heartbeat(session_id=session.pk, client_state={"pending_chunks": i})
        session_events_record(session=session, events=[EventInput(kind="tab_hidden")])
        if i % 3 == 1:
            recording_row(started, offset=1000 * i)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(bw, login):
    client = login(bw.hr_sh)
    _populate(bw, 5)
    few = _queries(client, board_url(bw, rows=True))
    _populate(bw, 45)
    many = _queries(client, board_url(bw, rows=True))
    assert len(shown(client.get(board_url(bw, rows=True)).content.decode())) == 50
    # Auth (2), scoping (about 12, cached per capability), job, rows, answers, uploads.
    assert many == few and many <= 20, (few, many)


# --- links ------------------------------------------------------------------------------


def test_board_is_linked_from_the_job_the_nav_and_the_index(bw, login):
    bw.invite()
    client = login(bw.hr_sh)
    job_page = client.get(f"/jobs/{bw.job.pk}/").content.decode()
    assert f'href="{board_url(bw)}"' in job_page
    assert 'href="/interviews/"' in job_page  # the navigation
    index = client.get("/interviews/").content.decode()
    assert f'href="{board_url(bw)}"' in index and "销售代表" in index


def test_auditor_and_system_admin_see_no_board(bw, login, make_user, org):
    """Three-role separation: neither role reads candidate data (F-03)."""
    from mianshi.accounts.models import RoleGrant
    from mianshi.accounts.roles import Role

    bw.invite("张三")
    auditor = make_user("audit", Role.AUDITOR, org.hq)
    RoleGrant.objects.create(user=auditor, role=Role.SYSTEM_ADMIN, org_unit=org.hq)
    client = login(auditor)
    assert client.get(board_url(bw)).status_code == 404
    assert "张三" not in client.get("/interviews/").content.decode()


def test_session_states_are_shown_with_their_labels(bw, login):
    bw.guide(bw.invite("张三"))
    html = login(bw.hr_sh).get(board_url(bw)).content.decode()
    assert "<strong>In the guided start</strong>" in html


def test_board_view_is_not_audited_as_a_change(bw, login):
    bw.invite()
    before = AuditEvent.objects.count()
    login(bw.hr_sh).get(board_url(bw, rows=True))
    # A read of personal data is recorded as a read (F-100), never as a change.
    read = AuditEvent.objects.get(pk__gt=AuditEvent.objects.order_by("id")[before - 1].pk)
    assert (read.action, read.changed_fields) == ("job_board.view", [])
