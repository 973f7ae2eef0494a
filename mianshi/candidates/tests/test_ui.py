"""The HR pages: list, create, edit, detail with history, notes, tags, delete."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate

pytestmark = pytest.mark.django_db


def test_create_edit_detail_delete(world: Any, org: Any, login: Any) -> None:
    client = login(world.hr_sh)
    assert client.get("/candidates/new/").status_code == 200
    ident = id_number()
    response = client.post(
        "/candidates/new/",
        {
            "org_unit": org.sh.pk,
            "name": "孙八",
            "id_number": ident,
            "phone": "13812345678",
            "email": "sun@example.com",
            "source": "referral",
            "tags": "校招，潜力候选人",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert set(candidate.tags.values_list("name", flat=True)) == {"校招", "潜力候选人"}
    response = client.post(
        f"/candidates/{candidate.pk}/edit/",
        {
            "org_unit": org.sh.pk,
            "name": "孙八八",
            "id_number": ident,
            "phone": "13912345678",
            "email": "",
            "source": "referral",
            "tags": "校招",
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == "孙八八" and candidate.phone == "13912345678" and candidate.email == ""
    client.post(f"/candidates/{candidate.pk}/applications/", {"job": world.job_sh_sales.pk})
    app = Application.objects.get()
    client.post(
        f"/candidates/applications/{app.pk}/transition/",
        {"to_stage": "screening", "reason": "学历符合"},
    )
    client.post(f"/candidates/applications/{app.pk}/transition/", {"to_stage": "hired"})
    client.post(f"/candidates/{candidate.pk}/notes/", {"body": "备注一条"})
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "学历符合" in page and "hr_sh" in page and "备注一条" in page and "139****5678" in page
    assert Application.objects.get().stage == "screening"
    assert (
        client.get("/candidates/", {"q": "孙八"})
        .content.decode()
        .count(f"/candidates/{candidate.pk}/")
        == 1
    )
    assert client.post(f"/candidates/{candidate.pk}/delete/").status_code == 302
    assert Candidate.objects.count() == 0 and Application.objects.count() == 0


def test_form_shows_field_errors(world: Any, org: Any, login: Any) -> None:
    response = login(world.hr_sh).post(
        "/candidates/new/",
        {
            "org_unit": org.sh.pk,
            "name": "周九",
            "id_number": "110105199003070018",
            "phone": "123",
            "source": "other",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"id_number", "phone"}
    assert Candidate.objects.count() == 0


def test_list_filters_and_pagination(world: Any, org: Any, login: Any) -> None:
    hr = world.hr_sh
    for i in range(55):
        make_candidate(hr, org.sh, name=f"批量{i:02d}")
    tagged = make_candidate(hr, org.sh, name="有标签", tags=["潜力候选人"])
    make_application(hr, tagged, world.job_sh_tech)
    client = login(hr)
    first = client.get("/candidates/")
    assert first.context["page"].total == 56 and len(first.context["page"].rows) == 50
    second = client.get("/candidates/", {"page": 2})
    assert len(second.context["page"].rows) == 6
    assert [
        c.name for c in client.get("/candidates/", {"tag": "潜力候选人"}).context["page"].rows
    ] == ["有标签"]
    assert [
        c.name
        for c in client.get("/candidates/", {"job": world.job_sh_tech.pk}).context["page"].rows
    ] == ["有标签"]
    assert [
        c.name for c in client.get("/candidates/", {"unit": org.sh_tech.pk}).context["page"].rows
    ] == ["有标签"]
    assert client.get("/candidates/", {"page": "999"}).context["page"].number == 2


def test_view_only_user_cannot_edit(world: Any, org: Any, login: Any) -> None:
    candidate = make_candidate(world.hr_sh, org.sh)
    make_application(world.hr_sh, candidate, world.job_sh_sales)
    client = login(world.manager_sh_sales)
    assert client.get(f"/candidates/{candidate.pk}/").status_code == 200
    assert client.get(f"/candidates/{candidate.pk}/edit/").status_code == 403
    assert client.get("/candidates/new/").status_code == 403
    assert "****" in client.get(f"/candidates/{candidate.pk}/").content.decode()
