"""The workbench page (F-70): what a reviewer sees of one interview, who may see it, the
failed-run display, HR's re-run, and the query budget whatever the interview's size."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from mianshi.accounts.roles import Role
from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
from mianshi.compliance.models import AuditEvent
from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.reviews.models import InterviewScore
from mianshi.reviews.tests.factories import analysed_interview
from mianshi.reviews.tests.wb_support import (
    answer_at,
    assigned_interviewer,
    crowded,
    events,
    fail_answer,
    rerun_done,
)

pytestmark = pytest.mark.django_db
# 18 reads, plus the page's audit event (lock the chain head, insert, move the head: 3),
# plus the same headroom as before.
QUERY_BUDGET = 23


def page(client: Any, session: Any, status: int = 200) -> str:
    response = client.get(f"/reviews/interviews/{session.pk}/")
    assert response.status_code == status
    return str(response.content.decode())


def test_one_screen_has_player_transcript_scores_evidence_and_consents(world, login):
    session = analysed_interview(world, scores={"communication": 8.0})
    first = answer_at(session, 1)
    recording = Recording.objects.get(answer=first)
    html = page(login(world.hr), session)
    assert f'src="/interviews/recordings/{recording.pk}/"' in html
    segments = re.findall(r'data-transcript-segment data-answer="(\d+)" data-part="1" '
                          r'data-start="([\d.]+)" data-end="([\d.]+)"', html)  # fmt: skip
    assert (str(first.pk), "3.2", "7.5") in segments and len(segments) == 6
    assert "客户一开始很犹豫，我先倾听了他的顾虑。" in html
    dim = html[html.index('data-dimension="communication"') :]
    dim = dim[: dim.index("</div>")]
    assert 'data-dimension-score="8.0"' in dim
    assert re.search(rf'data-evidence data-answer="{first.pk}" data-part="1" data-seek="7.5"', dim)
    assert 'data-ai-score="6.6"' in html  # (8 × 30 + 6 × 40 + 6 × 30) / 100 … as combined
    assert 'data-consent="biometric" data-granted="1"' in html
    assert "data-report-pdf" in html and f"/reviews/interviews/{session.pk}/report.pdf" in html
    assert f'action="/reviews/interviews/{session.pk}/rating/" data-rating-form' in html
    assert "data-decision-form" in html


def test_marks_and_signals_seek_into_the_answer(world, login):
    session = analysed_interview(world)
    events(
        session,
        ("mark", 1, 5_000),
        ("tab_hidden", 1, 9_500),
        ("paste", 2, 1_000),
        ("offline", None, None),
    )
    html = page(login(world.hr), session)
    first = answer_at(session, 1).pk
    assert re.search(rf'data-mark data-seek="5" data-answer="{first}" data-part="1"', html)
    assert re.search(
        r'data-signal="tab_hidden" data-source="browser">\s*<button[^>]*data-seek="9.5"', html
    )
    assert 'data-signal="paste"' in html and 'data-event="offline"' in html


def test_anomaly_flags_are_sentences(world, login):
    session = analysed_interview(world)
    InterviewScore.objects.filter(session=session).update(
        anomalies=[{"code": "dimension_outlier", "dimension": "communication", "name": "沟通能力"}],
        needs_review=True,
    )
    with translation.override("en"):
        html = page(login(world.hr), session)
    assert re.search(
        r'data-anomaly="dimension_outlier">沟通能力 is far from the other dimensions.<', html
    )
    assert "data-needs-review" in html


def test_low_confidence_is_labelled_a_suggestion_for_human_review(world, login):
    session = analysed_interview(world, confidence=0.3)
    html = page(login(world.hr), session)
    assert "data-dimension-review" in html
    assert html.count("AI suggestion — needs human review") >= 3


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "无法读取录像。"), ("en", "The recording could not be read.")],
)
def test_failed_run_shows_reason_and_re_record_for_hr(world, login, language, text):
    session = analysed_interview(world)
    fail_answer(session, 2, language=language)
    html = page(login(world.hr), session)
    answer = answer_at(session, 2)
    row = html[html.index(f'<li data-answer="{answer.pk}">') :]
    row = row[: row.index("</li>")]
    assert 'data-run-status="failed"' in row
    assert re.search(rf"data-run-error>{re.escape(text)}</p>", row)
    assert f'action="/interviews/applications/{session.application_id}/reinvite/"' in row
    assert "data-rerecord" in row and "data-rerun" in row
    assert "data-history-run" in row  # the earlier done run stays listed


def test_re_record_from_the_workbench_comes_back_to_it(world, login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    session = analysed_interview(world)
    fail_answer(session, 2)
    url = f"/interviews/applications/{session.application_id}/reinvite/"
    client = login(world.hr)
    back = client.post(url, {"next": f"/reviews/interviews/{session.pk}/"})
    assert back.status_code == 302 and back["Location"] == f"/reviews/interviews/{session.pk}/"
    away = client.post(url, {"next": "https://evil.example/"})
    assert away["Location"] == f"/interviews/jobs/{world.job.pk}/board/"  # no open redirect


def test_a_manager_sees_the_failure_but_no_actions(world, login):
    session = analysed_interview(world)
    fail_answer(session, 2)
    html = page(login(world.manager), session)
    assert "无法读取录像。" in html
    assert "data-rerecord" not in html and "data-rerun" not in html
    assert "data-decision-form" not in html


# --- scoping ---------------------------------------------------------------------------


def test_other_branch_and_unassigned_interviewer_get_404(world, login, make_user, org):
    session = analysed_interview(world)
    outsider = make_user("hr_sz", Role.HR, org.sz)
    page(login(outsider), session, 404)
    page(login(world.interviewer), session, 404)
    assigned_interviewer(world, session)
    html = page(login(world.interviewer), session)
    assert "data-rating-form" in html and "data-decision-form" not in html


def test_auditor_sees_no_interview(world, login, make_user, org):
    session = analysed_interview(world)
    auditor = make_user("auditor", Role.AUDITOR, org.hq)
    client = login(auditor)
    page(client, session, 404)
    assert client.get("/reviews/").status_code == 403
    assert client.post(f"/reviews/answers/{answer_at(session, 1).pk}/rerun/").status_code == 404


def test_unknown_and_absurd_ids_are_404(world, login):
    client = login(world.hr)
    for path in ("/reviews/interviews/999999/", "/reviews/interviews/99999999999999999999999/",
                 "/reviews/interviews/99999999999999999999999/analysis/"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert client.post("/reviews/answers/99999999999999999999999/rerun/").status_code == 404


def test_login_required(world, client):
    session = analysed_interview(world)
    response = client.get(f"/reviews/interviews/{session.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- re-run ----------------------------------------------------------------------------


def test_hr_rerun_queues_a_new_run_and_old_results_stay(world, login):
    session = analysed_interview(world)
    answer = answer_at(session, 1)
    old = AnalysisRun.objects.get(answer=answer)
    client = login(world.hr)
    response = client.post(f"/reviews/answers/{answer.pk}/rerun/", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/reviews/interviews/{session.pk}/#analysis")
    new = AnalysisRun.objects.get(answer=answer, is_current=True)
    assert new.pk != old.pk and new.status == RunStatus.QUEUED and new.reason == "re-run by HR"
    old.refresh_from_db()
    assert not old.is_current and AnalysisResult.objects.filter(run=old).exists()
    assert AuditEvent.objects.filter(action="analysis.enqueue", object_id=str(new.pk)).exists()
    html = response.content.decode()
    assert 'data-run-status="queued"' in html and 'hx-trigger="every 4s"' in html
    assert "(from an earlier analysis)" in html  # the old transcript, labelled
    again = client.post(f"/reviews/answers/{answer.pk}/rerun/", follow=True)
    assert "already queued or running" in again.content.decode()
    assert AnalysisRun.objects.filter(answer=answer).count() == 2


def test_rerun_needs_candidates_manage(world, login):
    session = analysed_interview(world)
    answer = answer_at(session, 1)
    assert login(world.manager).post(f"/reviews/answers/{answer.pk}/rerun/").status_code == 403
    assert AnalysisRun.objects.filter(answer=answer).count() == 1


def test_rerun_refuses_an_answer_without_recording(world, login):
    session = analysed_interview(world)
    answer = answer_at(session, 2)
    Recording.objects.filter(answer=answer).update(status=RecordingStatus.FAILED)
    response = login(world.hr).post(f"/reviews/answers/{answer.pk}/rerun/", follow=True)
    assert "This answer has no recording to analyse." in response.content.decode()
    assert AnalysisRun.objects.filter(answer=answer).count() == 1


def test_history_lists_earlier_runs_collapsed(world, login):
    session = analysed_interview(world)
    rerun_done(session, 1, 9.0)
    html = page(login(world.hr), session)
    answer = answer_at(session, 1)
    row = html[html.index(f'<li data-answer="{answer.pk}">') :]
    assert re.search(r'<details class="wb-history"><summary>1 earlier run</summary>', row)


def test_analysis_panel_polls_while_pending_and_says_when_done(world, login):
    session = analysed_interview(world)
    client = login(world.hr)
    client.post(f"/reviews/answers/{answer_at(session, 1).pk}/rerun/")
    pending = client.get(f"/reviews/interviews/{session.pk}/analysis/").content.decode()
    assert 'data-pending="1"' in pending and "hx-get" in pending
    AnalysisRun.objects.filter(status=RunStatus.QUEUED).update(status=RunStatus.FAILED, error="x")
    done = client.get(f"/reviews/interviews/{session.pk}/analysis/?was_pending=1").content.decode()
    assert 'data-pending="0"' in done and "hx-get" not in done and "data-analysis-finished" in done


# --- recordings in parts ---------------------------------------------------------------


def test_interrupted_answer_lists_its_parts_and_the_transcript_follows_the_analysed_one(
    world, login
):
    session = analysed_interview(world)
    answer = answer_at(session, 1)
    first = Recording.objects.get(answer=answer)
    Recording.objects.filter(pk=first.pk).update(duration_ms=3000)
    second = Recording.objects.create(
        session=session, answer=answer, attempt=1, segment=1, content_type="video/webm",
        status=RecordingStatus.VERIFIED, expires_at=first.expires_at, duration_ms=12000,
    )  # fmt: skip
    events(session, ("mark", 1, 5_000))
    html = page(login(world.hr), session)
    assert f'data-part="2" data-src="/interviews/recordings/{second.pk}/"' in html
    assert f'data-transcript data-answer="{answer.pk}" data-part="2"' in html
    # A mark 5 s into the answer lies 2 s into the second part (the first lasted 3 s).
    assert re.search(rf'data-mark data-seek="2" data-answer="{answer.pk}" data-part="2"', html)


# --- query budget ----------------------------------------------------------------------


def test_query_count_is_bounded_for_a_small_and_a_large_interview(
    world, login, make_user, django_assert_max_num_queries
):
    small = analysed_interview(world)
    large = crowded(world, make_user)
    client = login(world.hr)
    for session in (small, large):
        with django_assert_max_num_queries(QUERY_BUDGET):
            html = page(client, session)
    assert html.count("data-transcript-segment") >= 8 * 3
    assert "data-other-applications" in html and html.count("data-history-run") >= 4
    assert "无法读取录像。" in html


def test_queries_do_not_grow_with_the_interview(world, login, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = analysed_interview(world)
    large = crowded(world, make_user)
    client = login(world.hr)
    counts = []
    for session in (small, large):
        client.get(f"/reviews/interviews/{session.pk}/")  # warm the per-user caches alike
        with CaptureQueriesContext(connection) as ctx:
            page(client, session)
        counts.append(len(ctx.captured_queries))
    # The large one has a draft rating, others' ratings and an earlier application: a few
    # fixed queries more, never one per answer, run or event.
    assert counts[1] - counts[0] <= 4, counts


def test_candidate_page_and_live_board_link_to_the_workbench(world, login):
    session = analysed_interview(world)
    client = login(world.hr)
    link = f'href="/reviews/interviews/{session.pk}/" data-review-link'
    detail = client.get(f"/candidates/{session.application.candidate_id}/").content.decode()
    board = client.get(f"/interviews/jobs/{world.job.pk}/board/").content.decode()
    assert link in detail and link in board
