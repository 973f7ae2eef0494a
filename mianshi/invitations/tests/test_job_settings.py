"""The job's invitation settings (F-30): validity, instructions, materials in form, API, service."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mianshi.jobs.models import Job
from mianshi.jobs.services import job_update

pytestmark = pytest.mark.django_db


def test_job_form_saves_invitation_settings(world: Any, org: Any, login: Any) -> None:
    client = login(world.hr_sh)
    response = client.post(
        "/jobs/new/",
        {
            "org_unit": org.sh.pk,
            "title": "客服专员",
            "status": "open",
            "headcount": 2,
            "min_years": 0,
            "invitation_hours": 96,
            "invitation_instructions": "请使用电脑完成。",
            "required_materials": "身份证复印件；普通话证书",
        },
    )
    assert response.status_code == 302
    job = Job.objects.get(title="客服专员")
    assert (job.invitation_hours, job.invitation_instructions) == (96, "请使用电脑完成。")
    assert job.required_materials == "身份证复印件；普通话证书"
    form = client.get(f"/jobs/{job.pk}/edit/").content.decode()
    assert 'name="invitation_hours"' in form and 'value="96"' in form
    bad = client.post(f"/jobs/{job.pk}/edit/", {"title": "客服专员", "invitation_hours": 0})
    assert bad.status_code == 200
    job.refresh_from_db()
    assert job.invitation_hours == 96
    # A client that does not know the field keeps the current value (or the default).
    basics = {"status": "open", "headcount": 1, "min_years": 0}
    kept = client.post(f"/jobs/{job.pk}/edit/", {"title": "客服专员", **basics})
    assert kept.status_code == 302
    job.refresh_from_db()
    assert job.invitation_hours == 96 and job.invitation_instructions == ""
    client.post("/jobs/new/", {"org_unit": org.sh.pk, "title": "收银员", **basics})
    assert Job.objects.get(title="收银员").invitation_hours == 48


def test_job_api_reads_and_writes_invitation_settings(world: Any, org: Any, api_for: Any) -> None:
    api = api_for(world.hr_sh)
    created = api.post(
        "/jobs/jobs",
        {
            "org_unit_id": org.sh.pk,
            "title": "店长",
            "invitation_hours": 24,
            "required_materials": "学历证书",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["invitation_hours"] == 24 and body["required_materials"] == "学历证书"
    assert body["invitation_instructions"] == ""
    pk = body["id"]
    patched = api.patch(f"/jobs/jobs/{pk}", {"invitation_instructions": "带好简历"})
    assert patched.json()["invitation_instructions"] == "带好简历"
    assert patched.json()["invitation_hours"] == 24
    for bad in (0, 1441, -1):
        assert api.patch(f"/jobs/jobs/{pk}", {"invitation_hours": bad}).status_code == 422
    assert api.patch(f"/jobs/jobs/{pk}", {"required_materials": "x" * 501}).status_code == 422
    assert Job.objects.get(pk=pk).invitation_hours == 24


def test_job_service_bounds_the_validity(world: Any) -> None:
    with pytest.raises(ValidationError):
        job_update(actor=world.hr_sh, job=world.job_sh, data={"invitation_hours": 24 * 60 + 1})
    world.job_sh.refresh_from_db()
    assert world.job_sh.invitation_hours == 72
