"""A candidate owned by 上海 who applied to a 深圳 job (review M4): 深圳's HR manages the
application, never the person. The edit page masks the identifiers exactly as the detail
page does (one rule: can_see_identifiers), and neither the page nor the API lets 深圳 change
who the candidate is or re-home them into 深圳 (after which 深圳 could delete them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Candidate
from mianshi.candidates.selectors import mask
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate

pytestmark = pytest.mark.django_db
ID = id_number()
PHONE = "13812345678"


@pytest.fixture
def applied(world: Any, org: Any) -> Candidate:
    """Owned by 上海, applying to a 深圳 job."""
    candidate = make_candidate(
        world.hr_sh, org.sh, name="王芳", id_number=ID, phone=PHONE, email="wangfang@example.com"
    )
    make_application(None, candidate, world.job_sz_sales)
    return candidate


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unchanged(candidate: Candidate, org: Any) -> None:
    fresh = Candidate.objects.get(pk=candidate.pk)
    assert (fresh.org_unit_id, fresh.name, fresh.phone) == (org.sh.pk, "王芳", PHONE)
    assert fresh.id_number == ID


def test_edit_page_masks_identifiers_for_hr_where_the_candidate_only_applied(
    world: Any, applied: Candidate
) -> None:
    url = reverse("candidates:candidate_edit", args=[applied.pk])
    response = _client(world.hr_sz).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert ID not in html and PHONE not in html and "wangfang@example.com" not in html
    assert mask(ID, "id_number") in html and mask(PHONE, "phone") in html
    assert 'name="org_unit"' not in html and 'name="id_number"' not in html
    owner = _client(world.hr_sh).get(url).content.decode()
    assert ID in owner and PHONE in owner and 'name="org_unit"' in owner


def test_edit_page_post_from_hr_where_the_candidate_only_applied_changes_no_identity(
    world: Any, applied: Candidate, org: Any
) -> None:
    url = reverse("candidates:candidate_edit", args=[applied.pk])
    post = {
        "org_unit": org.sz.pk, "name": "李四", "id_number": "", "phone": "13900000000",
        "email": "", "source": "other", "tags": "深圳人才库",
    }  # fmt: skip
    response = _client(world.hr_sz).post(url, post)
    assert response.status_code == 302
    _unchanged(applied, org)
    assert [t.name for t in applied.tags.all()] == ["深圳人才库"]  # what 深圳 may still edit


def test_api_patch_from_hr_where_the_candidate_only_applied_cannot_rehome_or_reidentify(
    world: Any, applied: Candidate, org: Any, api_for: Any
) -> None:
    api = api_for(world.hr_sz)
    path = f"/candidates/{applied.pk}"
    assert api.patch(path, {"org_unit_id": org.sz.pk}).status_code == 403
    assert api.patch(path, {"phone": "13900000000"}).status_code == 403
    assert (
        api.put(path, {"org_unit_id": org.sz.pk, "name": "李四", "phone": PHONE}).status_code == 403
    )
    assert api.delete(path).status_code == 403
    _unchanged(applied, org)
    assert api.patch(path, {"tags": ["深圳人才库"]}).status_code == 200


def test_rehoming_needs_manage_on_the_owner_and_on_the_new_unit(
    world: Any, applied: Candidate, org: Any, api_for: Any, make_user: Any
) -> None:
    path = f"/candidates/{applied.pk}"
    refused = api_for(world.hr_sh).patch(path, {"org_unit_id": org.sz.pk})
    assert refused.status_code in (403, 404)
    _unchanged(applied, org)
    admin = make_user("hq_hr_admin", Role.HR_ADMIN, org.hq)
    moved = api_for(admin).patch(path, {"org_unit_id": org.sz.pk})
    assert moved.status_code == 200 and moved.json()["org_unit_id"] == org.sz.pk
