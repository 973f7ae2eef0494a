"""Every object type is invisible to HR of another branch: absent from lists, 404 elsewhere."""

from typing import Any

import pytest

from mianshi.jobs.models import CompetencyModel, InterviewTemplate, Job, Question
from mianshi.jobs.tests.factories import make_job, make_model, make_question, make_template

# kind → (UI prefix, API prefix, a valid API PATCH body, a valid UI edit form)
KINDS: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {
    "job": (
        "/jobs/",
        "/jobs/jobs/",
        {"title": "改"},
        {"title": "改", "headcount": 1, "status": "open", "min_years": 0},
    ),
    "model": (
        "/jobs/models/",
        "/jobs/models/",
        {"name": "改"},
        {
            "name": "改",
            "dim-TOTAL_FORMS": 1,
            "dim-INITIAL_FORMS": 0,
            "dim-0-name": "A",
            "dim-0-weight": 100,
        },
    ),
    "question": (
        "/jobs/questions/",
        "/jobs/questions/",
        {"text": "改"},
        {
            "type": "behavioural",
            "language": "zh-hans",
            "text": "改",
            "prep_seconds": 1,
            "answer_seconds": 60,
            "max_retakes": 0,
            "rubric-TOTAL_FORMS": 1,
            "rubric-INITIAL_FORMS": 0,
            "rubric-0-level": 1,
            "rubric-0-description": "x",
        },
    ),
    "template": ("/jobs/templates/", "/jobs/templates/", {"name": "改"}, {"name": "改"}),
}
SECRET = "上海机密"


def make(kind: str, org: Any) -> Any:
    if kind == "job":
        return make_job(org_unit=org.sh_sales, title=SECRET)
    if kind == "model":
        return make_model(org.sh_sales, name=SECRET)
    if kind == "question":
        return make_question(org.sh_sales, text=SECRET)
    return make_template(org.sh_sales, [], name=SECRET)


def unchanged(kind: str, obj: Any) -> bool:
    model: Any = {
        "job": Job,
        "model": CompetencyModel,
        "question": Question,
        "template": InterviewTemplate,
    }[kind]
    fresh = model.objects.filter(pk=obj.pk).first()
    return fresh is not None and SECRET in str(
        getattr(fresh, "title", None) or getattr(fresh, "name", None) or fresh.text
    )


@pytest.mark.parametrize("kind", KINDS)
def test_other_branch_gets_404_in_the_ui(kind, org, people, login):
    obj = make(kind, org)
    ui, _, _, form = KINDS[kind]
    client = login(people.sz_hr)
    assert SECRET not in client.get(ui).content.decode()
    assert client.get(f"{ui}{obj.pk}/").status_code == 404
    assert client.get(f"{ui}{obj.pk}/edit/").status_code == 404
    assert client.post(f"{ui}{obj.pk}/edit/", form).status_code == 404
    assert client.post(f"{ui}{obj.pk}/delete/").status_code == 404
    assert unchanged(kind, obj)
    # The owner's HR does see it, so the 404 above is about scope, not a broken URL.
    own = login(people.sh_hr)
    assert SECRET in own.get(ui).content.decode() and own.get(f"{ui}{obj.pk}/").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_other_branch_gets_404_in_the_api(kind, org, people, api_for):
    obj = make(kind, org)
    _, path, body, _ = KINDS[kind]
    api = api_for(people.sz_hr)
    assert SECRET not in api.get(path.rstrip("/")).content.decode()
    assert api.get(f"{path}{obj.pk}").status_code == 404
    assert api.patch(f"{path}{obj.pk}", body).status_code == 404
    assert api.delete(f"{path}{obj.pk}").status_code == 404
    assert unchanged(kind, obj)
    assert api_for(people.sh_hr).get(f"{path}{obj.pk}").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_viewer_without_manage_cap_gets_403(kind, org, people, api_for, login):
    obj = make(kind, org)
    ui, path, body, form = KINDS[kind]
    assert api_for(people.sh_manager).get(f"{path}{obj.pk}").status_code == 200
    assert api_for(people.sh_manager).patch(f"{path}{obj.pk}", body).status_code == 403
    assert api_for(people.sh_manager).delete(f"{path}{obj.pk}").status_code == 403
    assert login(people.sh_manager).post(f"{ui}{obj.pk}/edit/", form).status_code == 403
    assert login(people.sh_manager).post(f"{ui}{obj.pk}/delete/").status_code == 403
    assert unchanged(kind, obj)


def test_exports_respect_scope(org, people, api_for, login):
    make_question(org.sh, text=SECRET)
    make_model(org.sh, name=SECRET)
    for kind in ("questions", "models"):
        for fmt in ("json", "csv"):
            assert SECRET not in login(people.sz_hr).get(
                f"/jobs/{kind}/export/?format={fmt}"
            ).content.decode("utf-8-sig")
            assert SECRET not in api_for(people.sz_hr).get(
                f"/jobs/{kind}/export", format=fmt
            ).content.decode("utf-8-sig")
            assert SECRET in api_for(people.sh_hr).get(
                f"/jobs/{kind}/export", format=fmt
            ).content.decode("utf-8-sig")
