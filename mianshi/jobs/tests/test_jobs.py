"""Jobs: CRUD through the UI and the API, validation, audit events."""

from mianshi.compliance.models import AuditEvent
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.selectors import job_get_for, job_list_for
from mianshi.jobs.tests.factories import make_job, make_model


def test_ui_create_edit_delete(org, people, login):
    client = login(people.sh_hr)
    response = client.post(
        "/jobs/new/",
        {
            "org_unit": org.sh_sales.pk,
            "title": "客户经理",
            "headcount": 2,
            "status": "open",
            "min_years": 3,
            "education": "bachelor",
        },
    )
    job = Job.objects.get(title="客户经理")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.org_unit, job.headcount, job.status) == (org.sh_sales, 2, JobStatus.OPEN)

    response = client.post(
        f"/jobs/{job.pk}/edit/",
        {"title": "高级客户经理", "headcount": 0, "status": "paused", "min_years": 3},
    )
    job.refresh_from_db()
    assert response.status_code == 302 and (job.title, job.headcount, job.status) == (
        "高级客户经理",
        0,
        "paused",
    )
    assert "高级客户经理" in client.get("/jobs/?status=paused").content.decode()
    assert "高级客户经理" not in client.get("/jobs/?status=open").content.decode()

    assert client.post(f"/jobs/{job.pk}/delete/").status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()


def test_ui_negative_headcount_is_shown_beside_the_field(org, people, login):
    response = login(people.sh_hr).post(
        "/jobs/new/",
        {"org_unit": org.sh.pk, "title": "X", "headcount": -1, "status": "open", "min_years": 0},
    )
    assert response.status_code == 200 and "headcount" in response.context["form"].errors
    assert not Job.objects.exists()


def test_api_crud(org, people, api_for):
    api = api_for(people.sh_hr)
    model = make_model(org.hq, name="统一模型")
    created = api.post(
        "/jobs/jobs",
        {
            "org_unit_id": org.sh.pk,
            "title": "柜员",
            "headcount": 5,
            "competency_model_id": model.pk,
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        created.json()["competency_model_id"] == model.pk
        and created.json()["org_unit_name"] == "上海分公司"
    )

    listed = api.get("/jobs/jobs", status="draft").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk

    patched = api.patch(f"/jobs/jobs/{pk}", {"status": "open", "competency_model_id": None})
    assert (
        patched.status_code == 200
        and patched.json()["status"] == "open"
        and patched.json()["competency_model_id"] is None
    )
    put = api.put(f"/jobs/jobs/{pk}", {"title": "综合柜员", "headcount": 4})
    assert (
        put.status_code == 200
        and put.json()["title"] == "综合柜员"
        and put.json()["status"] == "draft"
    )
    assert api.delete(f"/jobs/jobs/{pk}").status_code == 204
    assert api.get(f"/jobs/jobs/{pk}").status_code == 404


def test_api_malformed_payloads_answer_422(org, people, api_for):
    api = api_for(people.sh_hr)
    bad = [
        {"org_unit_id": org.sh.pk, "title": "A", "headcount": -1},
        {"org_unit_id": org.sh.pk, "title": "A", "headcount": "many"},
        {"org_unit_id": org.sh.pk},
        {"org_unit_id": org.sh.pk, "title": "", "headcount": 1},
        {"org_unit_id": org.sh.pk, "title": "A", "status": "flying"},
        {"org_unit_id": 99999, "title": "A"},
        {"org_unit_id": org.sh.pk, "title": "A", "competency_model_id": 99999},
    ]
    for payload in bad:
        assert api.post("/jobs/jobs", payload).status_code == 422, payload
    assert api.client.post(
        "/api/jobs/jobs", "{not json", content_type="application/json"
    ).status_code in (400, 422)
    assert not Job.objects.exists()


def test_api_scopes_and_caps(org, people, api_for):
    job = make_job(org_unit=org.sh)
    assert (
        api_for(people.sh_hr, scopes=["jobs:read"])
        .post("/jobs/jobs", {"org_unit_id": org.sh.pk, "title": "A"})
        .status_code
        == 403
    )
    manager = api_for(people.sh_manager)
    assert manager.get(f"/jobs/jobs/{job.pk}").status_code == 200
    assert manager.patch(f"/jobs/jobs/{job.pk}", {"title": "改"}).status_code == 403
    assert manager.delete(f"/jobs/jobs/{job.pk}").status_code == 403
    # Another branch's unit is answered as an unknown one (422), never a 403 confirming it.
    assert (
        api_for(people.sz_hr)
        .post("/jobs/jobs", {"org_unit_id": org.sh.pk, "title": "A"})
        .status_code
        == 422
    )
    assert Job.objects.get().title == job.title


def test_a_model_of_a_sibling_branch_cannot_be_linked(org, people, api_for):
    sz_model = make_model(org.sz, name="深圳模型")
    response = api_for(people.hq_admin).post(
        "/jobs/jobs", {"org_unit_id": org.sh.pk, "title": "A", "competency_model_id": sz_model.pk}
    )
    assert response.status_code == 422 and "competency_model" in response.content.decode()


def test_audit_event_per_write_with_field_names_only(org, people, api_for):
    api = api_for(people.sh_hr)
    pk = api.post(
        "/jobs/jobs", {"org_unit_id": org.sh.pk, "title": "保密岗位名称", "headcount": 1}
    ).json()["id"]
    api.patch(f"/jobs/jobs/{pk}", {"headcount": 2})
    api.patch(f"/jobs/jobs/{pk}", {"headcount": 2})  # no change → no event
    api.delete(f"/jobs/jobs/{pk}")
    events = list(AuditEvent.objects.filter(object_type="jobs.job").order_by("id"))
    assert [e.action for e in events] == ["job.create", "job.update", "job.delete"]
    assert events[1].changed_fields == ["headcount"] and events[0].actor_id == people.sh_hr.pk
    assert all("保密岗位名称" not in str(e.changed_fields) + str(e.detail) for e in events)


def test_public_selectors(org, people):
    mine, theirs = make_job(org_unit=org.sh_tech), make_job(org_unit=org.sz)
    assert list(job_list_for(user=people.sh_hr)) == [mine]
    assert job_get_for(user=people.hq_admin, pk=theirs.pk) == theirs
