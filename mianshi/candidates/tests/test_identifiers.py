"""One identifier rule (candidates/selectors.py): the detail page, the edit page, the API and
the CSV export show the same identifiers to the same user — in full only with manage on the
candidate's unit (on the detail page after an audited reveal: it masks by default) — and the
PDF report never carries them in full."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.models import Application
from mianshi.candidates.selectors import (
    can_see_identifiers,
    identifiers_for,
    identifiers_in_document,
    mask,
)
from mianshi.candidates.services import application_assign, applications_export
from mianshi.candidates.tests.factories import make_application, make_candidate

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "13912345678", "zhao@example.com"


@pytest.fixture
def app(world: Any, org: Any) -> Application:
    candidate = make_candidate(world.hr_sh, org.sh, name="赵六", phone=PHONE, email=EMAIL)
    application = make_application(world.hr_sh, candidate, world.job_sh_sales)
    application_assign(actor=world.hr_sh, application=application, interviewer=world.interviewer_sh)
    return application


def _surfaces(user: Any, app: Application, login: Any, api_for: Any) -> list[str]:
    """The phone as the API, the export and the detail page show it to `user`."""
    api = api_for(user).get(f"/candidates/{app.candidate_id}").json()["phone"]
    row = dict(zip(*applications_export(actor=user, application_ids=[app.pk]), strict=True))
    client = login(user)
    # The page masks by default; who may read in full does so through the audited reveal.
    revealed = client.post(
        f"/candidates/{app.candidate_id}/reveal/", {"field": "phone", "reason": "contact"}
    )
    assert revealed.status_code in (200, 403)
    page = (revealed if revealed.status_code == 200 else client.get(
        f"/candidates/{app.candidate_id}/"
    )).content.decode()  # fmt: skip
    shown = PHONE if PHONE in page else mask(PHONE, "phone") if mask(PHONE, "phone") in page else ""
    return [api, row["phone"], shown]


def test_the_manager_reads_identifiers_in_full_everywhere(
    world: Any, app: Application, login: Any, api_for: Any
) -> None:
    assert can_see_identifiers(user=world.hr_sh, candidate=app.candidate)
    assert identifiers_for(user=world.hr_sh, candidate=app.candidate)["email"] == EMAIL
    assert _surfaces(world.hr_sh, app, login, api_for) == [PHONE] * 3


def test_a_viewer_who_does_not_manage_reads_them_masked_everywhere(
    world: Any, app: Application, login: Any, api_for: Any
) -> None:
    viewer = world.interviewer_sh
    assert not can_see_identifiers(user=viewer, candidate=app.candidate)
    assert identifiers_for(user=viewer, candidate=app.candidate)["email"] == "z***@example.com"
    assert _surfaces(viewer, app, login, api_for) == ["139****5678"] * 3


def test_the_pdf_report_masks_even_for_the_manager(world: Any, app: Application) -> None:
    shown = identifiers_in_document(candidate=app.candidate)
    assert (shown["phone"], shown["email"]) == ("139****5678", "z***@example.com")


def test_the_edit_page_shows_the_identity_masked_to_hr_who_cannot_manage_it(
    world: Any, org: Any, login: Any
) -> None:
    # HR of Shanghai manages the candidate's unit; HR of Shenzhen never sees the candidate.
    candidate = make_candidate(world.hr_sh, org.sh, name="钱七", phone=PHONE)
    page = login(world.hr_sh).get(f"/candidates/{candidate.pk}/edit/").content.decode()
    assert PHONE in page
    assert login(world.hr_sz).get(f"/candidates/{candidate.pk}/edit/").status_code == 404
