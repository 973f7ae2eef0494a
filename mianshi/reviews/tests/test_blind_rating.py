"""Independent rating holds outside the workbench (F-71, review M3): a rater assigned to an
interview who has neither submitted nor declined sees no human or final score of it on the
ranking page, in its CSV / Excel exports, in the ranking and score APIs or in the PDF, and
cannot read colleagues' scores from the ranking's order either."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mianshi.accounts.roles import Role
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.selectors.ranking import job_ranking
from mianshi.reviews.services.ratings import rating_decline, rating_save
from mianshi.reviews.tests.factories import CODES, ReviewWorld, analysed_interview

pytestmark = pytest.mark.django_db

# 甲: the AI says 9, the manager rated 1 → final 5.0 (the mean). 乙: AI 6, unrated → final 6.0.
# By final score 乙 leads; a rater who has not rated 甲 must see the AI order (甲 first).
RATED, UNRATED = "甲", "乙"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def blind(world: ReviewWorld, make_user: Any) -> Any:
    """The world with 甲 rated by the manager, and a second manager who has not rated yet."""
    rated = analysed_interview(world, RATED, scores={c: 9.0 for c in CODES})
    analysed_interview(world, UNRATED, scores={c: 6.0 for c in CODES})
    rating_save(
        actor=world.manager, session=rated, scores={c: 1 for c in CODES},
        reasons={c: "回答没有具体事例" for c in CODES}, submit=True,
    )  # fmt: skip
    world.rater = make_user("mgr_blind", Role.DEPT_MANAGER, world.org.sh)  # type: ignore[attr-defined]
    world.rated = rated  # type: ignore[attr-defined]
    return world


def _row_html(html: str, session: InterviewSession) -> str:
    match = re.search(rf'<tr data-ranking-row="{session.pk}">(.*?)</tr>', html, re.S)
    assert match, html
    return match.group(1)


def _page(user: Any, world: Any) -> str:
    response = _client(user).get(reverse("reviews:ranking", args=[world.job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_ranking_page_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind):
    row = _row_html(_page(blind.rater, blind), blind.rated)
    assert "9.0" in row  # the AI score stays
    assert "5.0" not in row and "1.0" not in row, row  # no final, no human (per dimension too)
    assert "after your rating" in row
    shown = _row_html(_page(blind.manager, blind), blind.rated)
    assert "5.0" in shown and "1.0" in shown


def test_ranking_order_for_a_rater_who_has_not_rated_follows_the_ai_score(blind):
    names = [r.candidate for r in job_ranking(user=blind.rater, job=blind.job).rows]
    assert names == [RATED, UNRATED]
    assert [r.rank for r in job_ranking(user=blind.rater, job=blind.job).rows] == [1, 2]
    done = [r.candidate for r in job_ranking(user=blind.manager, job=blind.job).rows]
    assert done == [UNRATED, RATED]


def test_declining_or_submitting_reveals_the_scores_and_the_final_order(blind):
    rating_decline(actor=blind.rater, session=blind.rated, reason="回避：亲属关系")
    rows = job_ranking(user=blind.rater, job=blind.job).rows
    assert [r.candidate for r in rows] == [UNRATED, RATED]
    assert (rows[1].human_total, rows[1].final_total) == (1.0, 5.0)


def test_hr_who_may_rate_follows_the_same_rule(blind):
    rows = {r.candidate: r for r in job_ranking(user=blind.hr, job=blind.job).rows}
    assert rows[RATED].final_total is None and rows[RATED].human_hidden


def _export(user: Any, world: Any, fmt: str) -> Any:
    response = _client(user).get(reverse("reviews:ranking_export", args=[world.job.pk, fmt]))
    assert response.status_code == 200
    return response


def test_csv_export_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind):
    body = b"".join(_export(blind.rater, blind, "csv").streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(body[1:])))
    row = dict(zip(header, next(r for r in rows if r[1] == RATED), strict=True))
    assert row["AI score"] == "9.0" and row["Raters"] == "1"
    assert row["Human score"] == "" and row["Final score"] == ""
    assert all(v == "" for k, v in row.items() if k.endswith("(human)"))
    assert [r[1] for r in rows] == [RATED, UNRATED]


def test_xlsx_export_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind):
    response = _export(blind.rater, blind, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = dict(zip(header, next(r for r in rows if r[1] == RATED), strict=True))
    assert row["AI score"] == 9.0 and row["Human score"] is None and row["Final score"] is None
    assert all(v is None for k, v in row.items() if str(k).endswith("(human)"))


def test_ranking_api_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind, api_for):
    body = api_for(blind.rater).get(f"/reviews/jobs/{blind.job.pk}/ranking").json()
    assert [i["candidate"] for i in body["items"]] == [RATED, UNRATED]
    item = body["items"][0]
    assert item["ai_total"] == 9.0 and item["human_hidden"] is True
    assert item["human_total"] is None and item["final_total"] is None
    assert all(d["human"] is None for d in item["dimensions"])
    seen = api_for(blind.manager).get(f"/reviews/jobs/{blind.job.pk}/ranking").json()
    assert seen["items"][1]["final_total"] == 5.0 and seen["items"][1]["human_hidden"] is False


def test_score_api_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind, api_for):
    url = f"/reviews/interviews/{blind.rated.pk}/score"
    body = api_for(blind.rater).get(url).json()
    assert body["ai_total"] == 9.0 and body["raters"] == 1 and body["human_hidden"] is True
    assert body["human_total"] is None and body["final_total"] is None
    assert body["human_dimensions"] == []
    seen = api_for(blind.manager).get(url).json()
    assert (seen["human_total"], seen["final_total"]) == (1.0, 5.0)


def _pdf_text(user: Any, session: InterviewSession, tmp_path: Path) -> str:
    response = _client(user).get(reverse("reviews:report", args=[session.pk]))
    assert response.status_code == 200
    path = tmp_path / f"{user.pk}.pdf"
    path.write_bytes(response.getvalue())  # streamed or not, the whole body
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def test_pdf_hides_human_and_final_scores_from_a_rater_who_has_not_rated(blind, tmp_path):
    text = _pdf_text(blind.rater, blind.rated, tmp_path)
    assert "9.0" in text
    assert "5.0" not in text and "1.0" not in text, text
    shown = _pdf_text(blind.manager, blind.rated, tmp_path)
    assert "5.0" in shown and "1.0" in shown


def _queries(user: Any, world: Any) -> int:
    client = _client(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reviews:ranking", args=[world.job.pk])).status_code == 200
    return len(captured)


def test_the_blind_ranking_costs_the_same_queries_at_any_size(blind):
    small = _queries(blind.rater, blind)
    for n in range(4):
        session = analysed_interview(blind, f"候选人{n}", scores={c: 7.0 for c in CODES})
        rating_save(
            actor=blind.manager, session=session, scores={c: 7 for c in CODES}, reasons={},
            submit=True,
        )  # fmt: skip
    assert job_ranking(user=blind.rater, job=blind.job).total == 6
    # The rule is one more CASE in the ranking's own query: no query per row, none per reader.
    assert _queries(blind.rater, blind) == small == _queries(blind.manager, blind) <= 20


def test_the_workbench_hides_the_ai_human_disagreement_from_a_rater_who_has_not_rated(
    blind, api_for
):
    flag = 'data-anomaly="ai_human_disagreement"'
    url = reverse("reviews:workbench", args=[blind.rated.pk])
    assert flag not in _client(blind.rater).get(url).content.decode()
    assert flag in _client(blind.manager).get(url).content.decode()
    api = f"/reviews/interviews/{blind.rated.pk}"
    codes = [a["code"] for a in api_for(blind.rater).get(api).json()["anomalies"]]
    assert "ai_human_disagreement" not in codes
    seen = [a["code"] for a in api_for(blind.manager).get(api).json()["anomalies"]]
    assert "ai_human_disagreement" in seen


def _queue_row(user: Any, session: InterviewSession) -> str:
    html = _client(user).get(reverse("reviews:queue")).content.decode()
    match = re.search(rf'<tr[^>]*data-session="{session.pk}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, html
    return match.group(1)


def test_the_queue_follows_the_same_rule(blind):
    hidden = _queue_row(blind.rater, blind.rated)
    assert "after your rating" in hidden and "5.0" not in hidden
    flags = re.compile(r'data-anomalies="(\d+)"')
    shown = _queue_row(blind.manager, blind.rated)
    shown_flags = flags.search(shown)
    assert "5.0" in shown and shown_flags
    hidden_count = int(m.group(1)) if (m := flags.search(hidden)) else 0
    assert hidden_count < int(shown_flags.group(1))  # no AI–human comparison
