"""A job's final-score policy and second-round template (F-71, F-72) through the UI and the
API: saved, shown, kept when left out, and never linked across branches."""

from typing import Any

from mianshi.jobs.models import Job, ScorePolicy
from mianshi.jobs.tests.factories import make_job, make_question, make_template


def templates(org: Any, people: Any) -> tuple[Any, Any]:
    """A second-round template of the Shanghai branch and one of Shenzhen's."""
    sh = make_template(org.sh, [make_question(org.sh, people.sh_hr)], people.sh_hr, name="二面")
    sz = make_template(org.sz, [make_question(org.sz, people.sz_hr)], people.sz_hr, name="深圳二面")
    return sh, sz


def test_ui_saves_and_shows_policy_and_second_round(org: Any, people: Any, login: Any) -> None:
    second, _sz = templates(org, people)
    client = login(people.sh_hr)
    form = {"org_unit": org.sh_sales.pk, "title": "客户经理", "headcount": 1, "status": "open",
            "min_years": 0, "score_policy": ScorePolicy.HUMAN_ONLY,
            "second_round_template": second.pk}  # fmt: skip
    assert client.post("/jobs/new/", form).status_code == 302
    job = Job.objects.get(title="客户经理")
    assert (job.score_policy, job.second_round_template) == (ScorePolicy.HUMAN_ONLY, second)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-score-policy="human_only"' in page and "Human ratings only" in page
    assert f'href="/jobs/templates/{second.pk}/"' in page and "二面" in page
    assert f'href="/reviews/jobs/{job.pk}/ranking/" data-ranking-link' in page
    edit = client.get(f"/jobs/{job.pk}/edit/").content.decode()
    assert 'name="score_policy"' in edit and 'name="second_round_template"' in edit


def test_ui_edit_without_the_policy_keeps_it(org: Any, people: Any, login: Any) -> None:
    job = make_job(org_unit=org.sh, score_policy=ScorePolicy.AI_SECOND_OPINION)
    response = login(people.sh_hr).post(
        f"/jobs/{job.pk}/edit/", {"title": "改名", "headcount": 1, "status": "open", "min_years": 0}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.score_policy, job.second_round_template) == (
        "改名", ScorePolicy.AI_SECOND_OPINION, None
    )  # fmt: skip
    page = login(people.sh_hr).get(f"/jobs/{job.pk}/").content.decode()
    assert "a notice without an interview link" in page


def test_ui_refuses_a_template_of_another_branch(org: Any, people: Any, login: Any) -> None:
    _sh, sz = templates(org, people)
    job = make_job(org_unit=org.sh)
    response = login(people.sh_hr).post(
        f"/jobs/{job.pk}/edit/",
        {"title": "X", "headcount": 1, "status": "open", "min_years": 0,
         "second_round_template": sz.pk, "score_policy": "coin_toss"},
    )  # fmt: skip
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"second_round_template", "score_policy"}
    job.refresh_from_db()
    assert job.second_round_template is None and job.score_policy == ScorePolicy.AVERAGE


def test_api_reads_and_writes_both(org: Any, people: Any, api_for: Any) -> None:
    second, _sz = templates(org, people)
    api = api_for(people.sh_hr)
    created = api.post(
        "/jobs/jobs",
        {"org_unit_id": org.sh.pk, "title": "柜员", "score_policy": "ai_second_opinion",
         "second_round_template_id": second.pk},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["score_policy"], body["second_round_template_id"]) == (
        "ai_second_opinion", second.pk
    )  # fmt: skip
    pk = body["id"]
    patched = api.patch(f"/jobs/jobs/{pk}", {"score_policy": "human_only"}).json()
    assert (patched["score_policy"], patched["second_round_template_id"]) == (
        "human_only", second.pk
    )  # fmt: skip
    replaced = api.put(f"/jobs/jobs/{pk}", {"title": "柜员"}).json()
    assert (replaced["score_policy"], replaced["second_round_template_id"]) == ("average", None)


def test_api_refuses_bad_policy_and_foreign_templates(org: Any, people: Any, api_for: Any) -> None:
    _sh, sz = templates(org, people)
    base = {"org_unit_id": org.sh.pk, "title": "A"}
    bad = [
        {**base, "score_policy": "coin_toss"},
        {**base, "score_policy": None, "second_round_template_id": 0},
        {**base, "second_round_template_id": 999999},
        {**base, "second_round_template_id": sz.pk},  # not visible to Shanghai HR
    ]
    for payload in bad:
        response = api_for(people.sh_hr).post("/jobs/jobs", payload)
        assert response.status_code == 422, payload
    # The HQ admin sees Shenzhen's template, but a Shanghai job may not invite to it.
    response = api_for(people.hq_admin).post(
        "/jobs/jobs", {**base, "second_round_template_id": sz.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["second_round_template"]
    assert not Job.objects.exists()
