"""Interview templates: ordered questions, snapshots, versions locked by use."""

import pytest
from django.core.exceptions import ValidationError

from mianshi.jobs.models import InterviewTemplate, TemplateVersion
from mianshi.jobs.selectors import template_current_version
from mianshi.jobs.services import (
    DimensionInput,
    competency_model_update,
    question_update,
    template_create,
    template_update,
    template_version_lock,
)
from mianshi.jobs.tests.factories import make_model, make_question, make_template, question_input


def test_edit_of_an_unlocked_version_happens_in_place(org):
    a, b = make_question(org.sh), make_question(org.sh, text="第二题")
    template = make_template(org.sh, [a])
    version = template_update(actor=None, template=template, data={}, question_ids=[b.pk, a.pk])
    assert version.number == 1 and TemplateVersion.objects.count() == 1
    assert [i.question_id for i in version.items.all()] == [b.pk, a.pk]


def test_lock_then_edit_creates_a_new_version_and_keeps_the_old_snapshot(org):
    model = make_model(org.sh)
    a, b = make_question(org.sh), make_question(org.sh, text="第二题")
    template = make_template(org.sh, [a, b], competency_model=model)
    v1 = template_version_lock(version=template_current_version(template))
    assert v1.is_locked
    frozen = [i.snapshot for i in v1.items.all()]

    question_update(
        actor=None, question=a, data=question_input(text="改过的题目", answer_seconds=60)
    )
    competency_model_update(
        actor=None, model=model, data={}, dimensions=[DimensionInput("新维度", 100, "new")]
    )
    v1.refresh_from_db()
    assert [i.snapshot for i in v1.items.all()] == frozen and v1.model_snapshot["dimensions"][0][
        "code"
    ] == "communication"

    v2 = template_update(actor=None, template=template, data={}, question_ids=[a.pk])
    assert v2.number == 2 and not v2.is_locked
    assert [i.snapshot["text"] for i in v2.items.all()] == ["改过的题目"]
    assert v2.model_snapshot["dimensions"][0]["code"] == "new"
    assert template_current_version(template) == v2
    assert [i.snapshot for i in TemplateVersion.objects.get(pk=v1.pk).items.all()] == frozen

    v2_again = template_update(actor=None, template=template, data={}, question_ids=[a.pk, b.pk])
    assert v2_again.pk == v2.pk  # v2 is not in use yet: edited in place


def test_renaming_a_locked_template_makes_no_new_version(org):
    template = make_template(org.sh, [make_question(org.sh)])
    template_version_lock(version=template_current_version(template))
    version = template_update(actor=None, template=template, data={"name": "新名字"})
    assert version.number == 1 and InterviewTemplate.objects.get().name == "新名字"


def test_lock_is_idempotent(org):
    version = template_current_version(make_template(org.sh, []))
    first = template_version_lock(version=version).locked_at
    assert template_version_lock(version=version).locked_at == first


def test_deleted_bank_question_stays_in_the_snapshot(org):
    q = make_question(org.sh)
    template = make_template(org.sh, [q])
    q.delete()
    item = template_current_version(template).items.get()
    assert item.question_id is None and item.snapshot["text"].startswith("请讲述")


@pytest.mark.parametrize("problem", ["duplicate", "inactive", "sibling"])
def test_bad_question_lists_are_refused(org, people, problem):
    q = make_question(org.sh)
    ids = {
        "duplicate": [q.pk, q.pk],
        "inactive": [make_question(org.sh, is_active=False).pk],
        "sibling": [make_question(org.sz).pk],
    }[problem]
    with pytest.raises(ValidationError) as exc:
        template_create(actor=people.sh_hr, org_unit=org.sh, name="T", question_ids=ids)
    assert "questions" in exc.value.message_dict and not InterviewTemplate.objects.exists()


def test_api_versions(org, people, api_for):
    api = api_for(people.sh_hr)
    a, b = make_question(org.sh), make_question(org.hq, text="总部统一题")
    created = api.post(
        "/jobs/templates", {"org_unit_id": org.sh.pk, "name": "T", "question_ids": [a.pk, b.pk]}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [q["snapshot"]["text"] for q in created.json()["current_version"]["questions"]] == [
        a.text,
        "总部统一题",
    ]
    template_version_lock(version=template_current_version(InterviewTemplate.objects.get(pk=pk)))

    patched = api.patch(f"/jobs/templates/{pk}", {"question_ids": [b.pk]})
    assert patched.status_code == 200 and patched.json()["current_version"]["number"] == 2
    versions = api.get(f"/jobs/templates/{pk}/versions").json()
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["locked"] is True
    assert len(api.get(f"/jobs/templates/{pk}/versions/1").json()["questions"]) == 2
    assert api.get(f"/jobs/templates/{pk}/versions/9").status_code == 404
    assert api.patch(f"/jobs/templates/{pk}", {"question_ids": ["x"]}).status_code == 422
    assert api.delete(f"/jobs/templates/{pk}").status_code == 409  # version 1 is in use


def test_ui_editor_orders_questions_and_shows_history(org, people, login):
    client = login(people.sh_hr)
    a, b, c = (
        make_question(org.sh, text="甲"),
        make_question(org.sh, text="乙"),
        make_question(org.sh, text="丙"),
    )
    response = client.post(
        "/jobs/templates/new/",
        {"org_unit": org.sh.pk, "name": "T", "question": [b.pk, a.pk], "add_questions": [c.pk]},
    )
    template = InterviewTemplate.objects.get()
    assert response.status_code == 302
    assert [i.question_id for i in template_current_version(template).items.all()] == [
        b.pk,
        a.pk,
        c.pk,
    ]
    template_version_lock(version=template_current_version(template))
    client.post(f"/jobs/templates/{template.pk}/edit/", {"name": "T", "question": [c.pk, b.pk]})
    page = client.get(f"/jobs/templates/{template.pk}/").content.decode()
    assert template_current_version(template).number == 2 and "丙" in page
    old = client.get(f"/jobs/templates/{template.pk}/v1/").content.decode()
    assert "甲" in old
