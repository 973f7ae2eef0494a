"""Duplicates and history across applications (F-24)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Candidate
from mianshi.candidates.services import DuplicateCandidate, application_update, candidate_create
from mianshi.candidates.services import candidates as candidate_services
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate, phone
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.selectors import event_visible

pytestmark = pytest.mark.django_db


def test_same_id_number_refused_nothing_saved(world: Any, org: Any) -> None:
    ident = id_number()
    first = make_candidate(world.hr_sh, org.sh, id_number=ident)
    with pytest.raises(DuplicateCandidate) as info:
        make_candidate(
            world.hr_sh, org.sh, name="张三丰", id_number=f"{ident[:6]} {ident[6:14]} {ident[14:]}"
        )
    assert f"#{first.pk}" in info.value.message
    assert info.value.existing_id == first.pk
    assert Candidate.objects.count() == 1


def test_same_id_in_another_branch_refused_without_leaking(world: Any, org: Any) -> None:
    ident = id_number()
    first = make_candidate(world.hr_sh, org.sh, id_number=ident)
    with pytest.raises(DuplicateCandidate) as info:
        make_candidate(world.hr_sz, org.sz, name="李四", id_number=ident)
    assert f"#{first.pk}" not in info.value.message and info.value.existing_id is None
    assert Candidate.objects.count() == 1


def test_an_id_number_owned_elsewhere_is_refused_without_naming_where_and_the_clash_audited(
    world: Any, org: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    ident = id_number()
    first = make_candidate(world.hr_sh, org.sh, name="赵六", id_number=ident)
    with pytest.raises(DuplicateCandidate) as info:
        make_candidate(world.hr_sz, org.sz, name="李四", id_number=ident)
    assert (
        info.value.message == str(candidate_services.ID_NUMBER_UNAVAILABLE)
        and info.value.existing_id is None
    )
    assert info.value.code != "duplicate_candidate"
    person = {"name": "李四", "id_number": ident, "phone": phone()}
    client = login(world.hr_sz)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = {**person, "org_unit": org.sz.pk, "source": "other"}
    page = client.post("/candidates/new/", form).content.decode()
    api = api_for(world.hr_sz).post("/candidates/", {**person, "org_unit_id": org.sz.pk})
    for answer in (page, str(api.json())):
        assert "exists" not in answer and "another organisation unit" not in answer
        assert f"#{first.pk}" not in answer and "赵六" not in answer
    assert "cannot be used" in page and api.status_code == 409
    assert Candidate.objects.count() == 1  # the unique blind index still refuses it
    clashes = AuditEvent.objects.filter(action="candidate.id_number_clash")
    assert clashes.count() == 3 and {e.actor for e in clashes} == {world.hr_sz}
    event = clashes.first()
    assert event is not None and event.object_id == str(first.pk)
    assert event.detail == {"owner_unit": org.sh.pk, "entered_unit": org.sz.pk}
    assert event.org_unit_id == org.hq.pk  # the closest unit covering both
    auditor_hq = make_user("auditor_hq", Role.AUDITOR, org.hq)
    auditor_sz = make_user("auditor_sz", Role.AUDITOR, org.sz)
    assert event_visible(user=auditor_hq).filter(pk=event.pk).exists()
    assert not event_visible(user=auditor_sz).filter(pk=event.pk).exists()


def test_ui_refusal_points_to_existing_candidate(world: Any, org: Any, login: Any) -> None:
    ident = id_number()
    first = make_candidate(world.hr_sh, org.sh, id_number=ident)
    response = login(world.hr_sh).post(
        "/candidates/new/",
        {
            "org_unit": org.sh.pk,
            "name": "王五",
            "id_number": ident,
            "phone": phone(),
            "source": "other",
        },
    )
    assert response.status_code == 200
    assert f"#{first.pk}" in response.content.decode()
    assert f'href="/candidates/{first.pk}/"' in response.content.decode()
    assert Candidate.objects.count() == 1
    assert not AuditEvent.objects.filter(action="candidate.id_number_clash").exists()


def test_same_phone_is_linked_and_earlier_scores_visible(
    world: Any, org: Any, login: Any, api_for: Any
) -> None:
    hr = world.hr_sh
    number = phone()
    old = make_candidate(hr, org.sh, name="张三", phone=number, id_number=id_number())
    earlier = make_application(hr, old, world.job_sh_sales)
    application_update(actor=hr, application=earlier, overall_score=Decimal("7.50"))
    new = candidate_create(actor=hr, org_unit=org.sh, name="张三", phone="+86 " + number)
    assert new.duplicate_of == old
    page = login(hr).get(f"/candidates/{new.pk}/").content.decode()
    assert "7.50" in page and world.job_sh_sales.title in page
    data = api_for(hr).get(f"/candidates/{new.pk}").json()
    assert data["duplicate_of_id"] == old.pk
    assert data["duplicates"][0]["applications"][0]["overall_score"] == "7.50"
    # The older record sees the newer one too.
    assert api_for(hr).get(f"/candidates/{old.pk}").json()["duplicates"][0]["id"] == new.pk
