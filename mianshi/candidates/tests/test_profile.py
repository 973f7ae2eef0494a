"""The candidate page (issue 14): identifiers masked by default and shown one at a time
through an audited POST, a header that says where the person stands, tabs that work
without JS, a styled upload, and destructive actions behind a confirmation step."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import application_advance, application_assign
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate
from mianshi.compliance.tests.support import only, recorded

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "13912345678", "zhao@example.com"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def zhao(world: Any, org: Any) -> Candidate:
    """A Shanghai candidate with every identifier and one application in sales."""
    candidate = make_candidate(
        world.hr_sh, org.sh, name="赵六", phone=PHONE, email=EMAIL, id_number=id_number()
    )
    make_application(world.hr_sh, candidate, world.job_sh_sales)
    return candidate


def _en(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client: Any, candidate: Candidate) -> str:
    response = client.get(f"/candidates/{candidate.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


def _reveal(client: Any, candidate: Candidate, field: str, reason: str = "contact") -> Any:
    return client.post(f"/candidates/{candidate.pk}/reveal/", {"field": field, "reason": reason})


# --- identifiers ---------------------------------------------------------------------------


def test_identifiers_are_masked_by_default_even_for_hr_who_may_read_them(
    world: Any, zhao: Candidate, login: Any
) -> None:
    with recorded() as events:
        page = _page(login(world.hr_sh), zhao)
    assert PHONE not in page and EMAIL not in page and zhao.id_number not in page
    assert "139****5678" in page and "z***@example.com" in page
    assert f"{zhao.id_number[:3]}{'*' * 11}{zhao.id_number[-4:]}" in page
    assert only(events, "candidate.view").detail == {"identifiers": "masked", "page": "detail"}
    # One Show button per identifier, each submitting the reason form.
    assert len(re.findall(r'form="reveal-form" name="field"', page)) == 3


def test_showing_an_identifier_writes_an_audit_row_with_the_field_and_reason(
    world: Any, zhao: Candidate, login: Any
) -> None:
    client = login(world.hr_sh)
    with recorded() as events:
        response = _reveal(client, zhao, "phone", reason="verify")
    assert response.status_code == 200
    page = response.content.decode()
    assert PHONE in page and EMAIL not in page  # only the field asked for
    assert re.search(r'data-field="phone" data-revealed', page)
    event = only(events, "candidate.reveal")
    assert (event.actor, event.object_type, event.object_id) == (
        world.hr_sh,
        "candidates.candidate",
        str(zhao.pk),
    )
    assert event.org_unit_id == zhao.org_unit_id
    assert event.detail == {"field": "phone", "reason": "verify"}
    assert PHONE not in json.dumps(model_to_dict(event), default=str)


def test_a_user_without_the_right_gets_403_and_no_read_is_recorded(
    world: Any, zhao: Candidate, login: Any
) -> None:
    manager = login(world.manager_sh_sales)  # sees the candidate, masked; may not read more
    page = _page(manager, zhao)
    assert "139****5678" in page and 'id="reveal-form"' not in page and "reveal" not in page
    with recorded() as events:
        assert _reveal(manager, zhao, "phone").status_code == 403
        assert _reveal(manager, zhao, "id_number").status_code == 403
    assert events == []


def test_a_reveal_outside_ones_scope_is_404_and_unrecorded(
    world: Any, zhao: Candidate, login: Any
) -> None:
    with recorded() as events:
        assert _reveal(login(world.hr_sz), zhao, "phone").status_code == 404
    assert events == []


@pytest.mark.parametrize(
    "data", [{"field": "name", "reason": "contact"}, {"field": "phone", "reason": "curious"}, {}]
)
def test_a_reveal_needs_a_known_field_and_reason(
    world: Any, zhao: Candidate, login: Any, data: dict[str, str]
) -> None:
    with recorded() as events:
        response = login(world.hr_sh).post(f"/candidates/{zhao.pk}/reveal/", data)
    assert response.status_code == 302 and events == []
    assert login(world.hr_sh).get(f"/candidates/{zhao.pk}/reveal/").status_code == 405


# --- layout --------------------------------------------------------------------------------


def test_the_header_shows_stages_best_score_and_tags(
    world: Any, org: Any, zhao: Candidate, login: Any
) -> None:
    sales = zhao.applications.get()
    tech = make_application(world.hr_sh, zhao, world.job_sh_tech)
    Application.objects.filter(pk=sales.pk).update(overall_score=Decimal("7.25"))
    Application.objects.filter(pk=tech.pk).update(overall_score=Decimal("8.50"))
    application_advance(actor=world.hr_sh, application=tech, to_stage="screening", reason="ok")
    client = login(world.hr_sh)
    client.post(f"/candidates/{zhao.pk}/tags/", {"name": "校招"})
    page = _page(_en(client), zhao)
    header = page[page.index('class="card profile-head"') : page.index("profile-identity")]
    assert (
        'data-best-score="8.50"' in header
        and "Best overall score" in header
        and "后端工程师" in header
    )
    assert re.findall(r'data-stage-badge="(\w+)"', header) == ["screening", "applied"]
    assert "校招" in header and "Remove tag 校招" in header


def test_the_tabs_are_anchored_sections_behind_a_nav(
    world: Any, zhao: Candidate, login: Any
) -> None:
    page = _page(_en(login(world.hr_sh)), zhao)
    nav = page[page.index('aria-label="Candidate sections"') :]
    tabs = ["applications", "interviews", "resume", "notes", "history"]
    assert re.findall(r'href="#tab-(\w+)"', nav)[:5] == tabs
    for tab in tabs:
        assert f'<section class="card tabpanel" id="tab-{tab}"' in page
    assert page.count("<h1") == 1
    # After a note the page opens on the notes tab.
    response = login(world.hr_sh).post(f"/candidates/{zhao.pk}/notes/", {"body": "电话沟通"})
    assert response["Location"].endswith("#tab-notes")


def test_history_merges_every_applications_moves_newest_first(
    world: Any, zhao: Candidate, login: Any
) -> None:
    sales = zhao.applications.get()
    tech = make_application(world.hr_sh, zhao, world.job_sh_tech)
    application_advance(actor=world.hr_sh, application=sales, to_stage="screening", reason="一")
    application_advance(actor=world.hr_sh, application=tech, to_stage="screening", reason="二")
    page = _page(login(world.hr_sh), zhao)
    history = page[page.index('id="tab-history"') :]
    rows = re.findall(r'data-history-row="(\d+)"', history)
    assert len(rows) == 4 and rows == sorted(rows, key=int, reverse=True)
    assert history.index("二") < history.index("一")


def test_the_upload_is_a_styled_translated_label_on_a_hidden_input(
    world: Any, zhao: Candidate, login: Any
) -> None:
    page = _page(_en(login(world.hr_sh)), zhao)
    form = page[page.index("data-file-upload") :]
    form = form[: form.index("</form>")]
    assert re.search(r'<input type="file" name="resume" id="id_resume" class="file-input"', form)
    assert re.search(
        r'<label for="id_resume" class="button secondary file-label">Choose file<', form
    )
    assert "No file chosen" in form and 'aria-live="polite"' in form
    # The CSS keeps the input focusable (not display:none), so the keyboard reaches it.
    css = (settings.BASE_DIR / "mianshi/candidates/static/candidates/profile.css").read_text()
    rule = re.search(r"\.file-upload \.file-input \{([^}]*)\}", css)
    assert rule and "display:none" not in rule.group(1) and "opacity:0" in rule.group(1)
    zh = _page(login(world.hr_sh), zhao)
    assert "Choose File" not in zh


def test_destructive_actions_sit_in_the_danger_zone_behind_a_confirmation(
    world: Any, zhao: Candidate, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.hr_sh)
    client.post(
        f"/candidates/{zhao.pk}/resume/upload/", {"resume": SimpleUploadedFile("cv.pdf", PDF)}
    )
    page = _page(_en(client), zhao)
    zone = page[page.index("data-danger-zone") :]
    assert "data-resume-delete" in zone and "data-delete>" in zone
    upload = page[page.index("data-file-upload") : page.index("data-danger-zone")]
    assert "delete" not in upload.lower()
    # A GET is only the question; nothing is deleted until the POST.
    confirm = client.get(f"/candidates/{zhao.pk}/resume/delete/")
    assert confirm.status_code == 200 and 'data-confirm="resume"' in confirm.content.decode()
    zhao.refresh_from_db()
    path = zhao.resume_path
    assert zhao.has_resume and default_storage.exists(path)
    with recorded() as events, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/candidates/{zhao.pk}/resume/delete/")
    assert response.status_code == 302 and response["Location"].endswith("#tab-resume")
    zhao.refresh_from_db()
    assert not zhao.has_resume and not default_storage.exists(path)
    assert only(events, "candidate.resume_delete").changed_fields == ["resume"]
    confirm = client.get(f"/candidates/{zhao.pk}/delete/")
    assert confirm.status_code == 200 and 'data-confirm="delete"' in confirm.content.decode()
    assert Candidate.objects.filter(pk=zhao.pk).exists()
    assert client.post(f"/candidates/{zhao.pk}/delete/").status_code == 302
    assert not Candidate.objects.filter(pk=zhao.pk).exists()


def test_viewers_see_no_danger_zone_and_cannot_reach_it(
    world: Any, zhao: Candidate, login: Any
) -> None:
    manager = login(world.manager_sh_sales)
    assert "data-danger-zone" not in _page(manager, zhao)
    assert manager.get(f"/candidates/{zhao.pk}/delete/").status_code == 403
    assert manager.post(f"/candidates/{zhao.pk}/resume/delete/").status_code == 403
    assert Candidate.objects.filter(pk=zhao.pk).exists()


def test_an_interviewer_sees_the_profile_of_an_assigned_candidate(
    world: Any, zhao: Candidate, login: Any
) -> None:
    application_assign(
        actor=world.hr_sh, application=zhao.applications.get(), interviewer=world.interviewer_sh
    )
    page = _page(login(world.interviewer_sh), zhao)
    assert "139****5678" in page and "reveal-form" not in page and "data-danger-zone" not in page


def test_a_delete_the_service_would_refuse_is_not_offered(
    world: Any, zhao: Candidate, login: Any, monkeypatch: Any
) -> None:
    from mianshi.candidates import selectors

    page = _page(login(world.hr_sh), zhao)
    assert "data-delete>" in page and "data-delete-refused" not in page
    monkeypatch.setattr(selectors, "has_interview_records", lambda **_: True)
    page = _page(login(world.hr_sh), zhao)
    assert "data-delete>" not in page and "data-delete-refused" in page


def test_the_candidate_form_uses_the_same_styled_upload(world: Any, login: Any) -> None:
    page = _en(login(world.hr_sh)).get("/candidates/new/").content.decode()
    assert re.search(r'<input type="file" name="resume" id="id_resume" class="file-input"', page)
    assert re.search(
        r'<label for="id_resume" class="button secondary file-label">Choose file<', page
    )


def test_an_assigned_interviewer_does_not_see_the_score_they_are_to_rate_blind(
    world: Any, zhao: Candidate, login: Any
) -> None:
    sales = zhao.applications.get()
    Application.objects.filter(pk=sales.pk).update(overall_score=Decimal("7.25"))
    application_assign(actor=world.hr_sh, application=sales, interviewer=world.interviewer_sh)
    rater = _page(login(world.interviewer_sh), zhao)
    assert "7.2" not in rater and "data-overall-score" not in rater
    assert 'data-best-score=""' in rater
    hr = _page(login(world.hr_sh), zhao)
    assert 'data-best-score="7.25"' in hr and "data-overall-score" in hr
