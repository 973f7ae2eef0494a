"""Competency models: weights that sum to 100, sub-items, sharing down the tree."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import CompetencyModel, Dimension
from mianshi.jobs.services import DimensionInput, competency_model_create, competency_model_update
from mianshi.jobs.tests.factories import make_model, make_template


def test_weights_not_summing_to_100_are_refused_with_the_sum(org):
    with pytest.raises(ValidationError) as exc:
        competency_model_create(
            actor=None,
            org_unit=org.sh,
            name="M",
            dimensions=[
                DimensionInput("沟通能力", 30),
                DimensionInput("问题解决", "40.5"),
            ],
        )
    assert "70.5" in str(exc.value) and "100" in str(exc.value)
    assert not CompetencyModel.objects.exists() and not Dimension.objects.exists()


@pytest.mark.parametrize(
    "dims, fragment",
    [
        ([], "at least one"),
        ([DimensionInput("A", None), DimensionInput("B", 100)], "needs a weight"),
        ([DimensionInput("A", 0), DimensionInput("B", 100)], "above 0"),
        ([DimensionInput("A", "abc")], "not a number"),
        ([DimensionInput("A", "33.333"), DimensionInput("B", "66.667")], "two decimals"),
        ([DimensionInput("A", 50, "x"), DimensionInput("B", 50, "x")], "used twice"),
        (
            [
                DimensionInput(
                    "A", 100, children=[DimensionInput("a1", 50), DimensionInput("a2", 40)]
                )
            ],
            "90",
        ),
        (
            [DimensionInput("A", 100, children=[DimensionInput("a1", 50), DimensionInput("a2")])],
            "or to none",
        ),
        (
            [
                DimensionInput(
                    "A", 100, children=[DimensionInput("a1", children=[DimensionInput("z")])]
                )
            ],
            "Sub-items cannot",
        ),
        ([DimensionInput("A", 100, "has space")], "not valid"),
    ],
)
def test_bad_dimensions_are_refused(org, dims, fragment):
    with pytest.raises(ValidationError) as exc:
        competency_model_create(actor=None, org_unit=org.sh, name="M", dimensions=dims)
    assert fragment in " ".join(exc.value.messages)
    assert not CompetencyModel.objects.exists()


def test_sub_items_and_codes_from_names(org):
    model = competency_model_create(
        actor=None,
        org_unit=org.sh,
        name="M",
        dimensions=[
            DimensionInput(
                "沟通能力", 60, children=[DimensionInput("倾听能力"), DimensionInput("语言逻辑性")]
            ),
            DimensionInput("学习能力", 40),
        ],
    )
    top = model.dimensions.get(code="沟通能力")
    assert [c.code for c in top.children.all()] == ["倾听能力", "语言逻辑性"]
    assert top.weight == Decimal("60") and top.children.get(code="倾听能力").weight is None


def test_failed_update_keeps_the_old_dimensions(org):
    model = make_model(org.sh)
    before = list(model.dimensions.values_list("code", "weight"))
    with pytest.raises(ValidationError):
        competency_model_update(
            actor=None, model=model, data={"name": "新名字"}, dimensions=[DimensionInput("X", 99)]
        )
    model.refresh_from_db()
    assert (
        model.name == "销售胜任力模型"
        and list(model.dimensions.values_list("code", "weight")) == before
    )


def test_update_keeps_ids_of_surviving_codes(org):
    model = make_model(org.sh)
    keep = model.dimensions.get(code="problem_solving").pk
    competency_model_update(
        actor=None,
        model=model,
        data={},
        dimensions=[
            DimensionInput("问题解决", 50, "problem_solving"),
            DimensionInput("学习能力", 50, "learning"),
        ],
    )
    assert model.dimensions.get(code="problem_solving").pk == keep
    assert set(model.dimensions.values_list("code", flat=True)) == {"problem_solving", "learning"}


def test_ui_editor_refuses_wrong_sum_and_saves_nothing(org, people, login):
    client = login(people.sh_hr)
    rows = {
        "dim-TOTAL_FORMS": 3,
        "dim-INITIAL_FORMS": 0,
        "dim-0-name": "沟通能力",
        "dim-0-code": "communication",
        "dim-0-weight": "30",
        "dim-1-name": "问题解决",
        "dim-1-weight": "40",
        "dim-2-name": "倾听能力",
        "dim-2-parent": "communication",
    }
    response = client.post("/jobs/models/new/", {"org_unit": org.sh.pk, "name": "M", **rows})
    assert response.status_code == 200 and "70" in response.content.decode()
    assert not CompetencyModel.objects.exists()

    rows["dim-1-weight"] = "70"
    response = client.post("/jobs/models/new/", {"org_unit": org.sh.pk, "name": "M", **rows})
    model = CompetencyModel.objects.get()
    assert (
        response.status_code == 302
        and model.dimensions.filter(code="倾听能力", parent__code="communication").exists()
    )

    page = client.get(f"/jobs/models/{model.pk}/edit/").content.decode()
    assert 'value="communication"' in page and "data-sum" in page


def test_api_crud_and_422(org, people, api_for):
    api = api_for(people.sh_hr)
    body = {
        "org_unit_id": org.sh.pk,
        "name": "M",
        "dimensions": [
            {
                "name": "沟通能力",
                "code": "c",
                "weight": 40,
                "children": [{"name": "倾听", "weight": 100}],
            },
            {"name": "问题解决", "weight": "60"},
        ],
    }
    created = api.post("/jobs/models", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["dimensions"][0]["children"][0]["name"] == "倾听"

    wrong = api.put(
        f"/jobs/models/{pk}", {"name": "M2", "dimensions": [{"name": "A", "weight": 10}]}
    )
    assert wrong.status_code == 422 and "10" in wrong.json()["detail"][0]["msg"]
    assert api.get(f"/jobs/models/{pk}").json()["name"] == "M"

    assert (
        api.patch(f"/jobs/models/{pk}", {"description": "省统一"}).json()["description"] == "省统一"
    )
    assert (
        api.post(
            "/jobs/models", {"org_unit_id": org.sh.pk, "name": "M", "dimensions": "x"}
        ).status_code
        == 422
    )
    assert (
        api.post("/jobs/models", {**body, "name": "M"}).status_code == 422
    )  # duplicate name in unit
    assert api.delete(f"/jobs/models/{pk}").status_code == 204
    actions = list(
        AuditEvent.objects.filter(object_type="jobs.competencymodel").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "competency_model.create",
        "competency_model.delete",
        "competency_model.update",
    ]


def test_hq_model_is_shared_read_only_with_branches(org, people, api_for, login):
    model = make_model(org.hq, name="全省统一模型")
    sh = api_for(people.sh_hr)
    assert sh.get(f"/jobs/models/{model.pk}").status_code == 200
    assert "全省统一模型" in login(people.sh_hr).get("/jobs/models/").content.decode()
    assert sh.patch(f"/jobs/models/{model.pk}", {"name": "改"}).status_code == 403
    assert sh.delete(f"/jobs/models/{model.pk}").status_code == 403
    assert login(people.sh_hr).get(f"/jobs/models/{model.pk}/edit/").status_code == 403
    assert (
        api_for(people.hq_admin).patch(f"/jobs/models/{model.pk}", {"name": "改"}).status_code
        == 200
    )


def test_model_used_by_a_template_cannot_be_deleted(org, people, api_for):
    model = make_model(org.sh)
    make_template(org.sh, [], competency_model=model)
    response = api_for(people.sh_hr).delete(f"/jobs/models/{model.pk}")
    assert response.status_code == 409 and CompetencyModel.objects.filter(pk=model.pk).exists()
