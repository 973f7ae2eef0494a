"""Candidates and applications write their events with the change: thin payloads (ids,
field names, stages), the unit of the candidate or application, and nothing on a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage
from mianshi.candidates.services import (
    BulkRefused,
    DuplicateCandidate,
    application_advance,
    applications_bulk_advance,
    candidate_delete,
    candidate_tag_add,
    candidate_update,
)
from mianshi.candidates.services.erasure import candidate_erase
from mianshi.candidates.tests.factories import id_number, make_application, make_candidate, make_job
from mianshi.common.errors import TransitionRefused
from mianshi.events.models import Event

pytestmark = pytest.mark.django_db
PERSONAL = ("张三", "139", "@example.com")


def events(type: str) -> list[Event]:
    return list(Event.objects.filter(type=type).order_by("id"))


def thin(event: Event) -> bool:
    """No name, phone or e-mail anywhere in the payload."""
    return not any(word in str(event.data) for word in PERSONAL)


@pytest.fixture
def hr(org: Any, make_user: Any) -> Any:
    return make_user("hr_events", Role.HR, org.sh)


def test_candidate_created_names_the_candidate_and_its_unit_only(org: Any, hr: Any) -> None:
    candidate = make_candidate(hr, org.sh_sales, email="zhang.san@example.com")
    (event,) = events("candidate.created")
    assert event.data == {"candidate_id": candidate.pk, "changed_fields": []}
    assert event.org_unit_id == org.sh_sales.pk and event.org_path == org.sh_sales.path
    assert thin(event)


def test_a_refused_duplicate_writes_no_event(org: Any, hr: Any) -> None:
    number = id_number()
    make_candidate(hr, org.sh, id_number=number)
    with pytest.raises(DuplicateCandidate):
        make_candidate(hr, org.sh, name="李四", id_number=number)
    assert len(events("candidate.created")) == 1


def test_candidate_updated_lists_the_changed_fields_not_their_values(org: Any, hr: Any) -> None:
    candidate = make_candidate(hr, org.sh)
    candidate_update(actor=hr, candidate=candidate, data={"name": "张三丰", "phone": "13900000001"})
    (event,) = events("candidate.updated")
    assert event.data["candidate_id"] == candidate.pk
    assert sorted(event.data["changed_fields"]) == ["name", "phone"]
    assert "13900000001" not in str(event.data) and "张三丰" not in str(event.data)
    candidate_update(actor=hr, candidate=candidate, data={"name": "张三丰"})  # no change
    candidate_tag_add(actor=hr, candidate=candidate, name="校招")
    assert [e.data["changed_fields"] for e in events("candidate.updated")][1:] == [["tags"]]


def test_a_refused_update_writes_no_event(org: Any, hr: Any) -> None:
    candidate = make_candidate(hr, org.sh)
    with pytest.raises(ValidationError):
        candidate_update(actor=hr, candidate=candidate, data={"phone": "12345"})
    assert events("candidate.updated") == []


def test_candidate_erased_on_erasure_and_on_delete(org: Any, hr: Any, make_user: Any) -> None:
    admin = make_user("hr_admin_events", Role.HR_ADMIN, org.sh)
    gone = make_candidate(hr, org.sh_tech)
    with pytest.raises(ValidationError):
        candidate_erase(actor=admin, candidate=gone, reason="")
    assert events("candidate.erased") == []
    gone_pk = gone.pk
    candidate_erase(actor=admin, candidate=gone, reason="个人信息删除请求 #42")
    mistake = make_candidate(hr, org.sh)
    mistake_pk = mistake.pk
    candidate_delete(actor=hr, candidate=mistake)
    erased = events("candidate.erased")
    assert [e.data["candidate_id"] for e in erased] == [gone_pk, mistake_pk]
    assert [e.org_unit_id for e in erased] == [org.sh_tech.pk, org.sh.pk]


def test_application_created_carries_ids_and_the_stage(org: Any, hr: Any) -> None:
    job = make_job(org.sh_sales)
    application = make_application(hr, make_candidate(hr, org.sh), job)
    (event,) = events("application.created")
    assert event.data == {
        "application_id": application.pk, "candidate_id": application.candidate_id,
        "job_id": job.pk, "stage": Stage.APPLIED,
    }  # fmt: skip
    assert event.org_unit_id == org.sh_sales.pk


def test_stage_changed_names_the_transition_the_stages_and_the_actor(org: Any, hr: Any) -> None:
    application = make_application(hr, make_candidate(hr, org.sh), make_job(org.sh_sales))
    transition = application_advance(actor=hr, application=application, to_stage=Stage.SCREENING)
    application_advance(actor=None, application=application, to_stage=Stage.INVITED)
    first, second = events("application.stage_changed")
    assert first.data == {
        "application_id": application.pk, "candidate_id": application.candidate_id,
        "job_id": application.job_id, "transition_id": transition.pk,
        "from_stage": Stage.APPLIED, "to_stage": Stage.SCREENING, "actor_id": hr.pk,
    }  # fmt: skip
    assert first.org_unit_id == org.sh_sales.pk
    assert (second.data["from_stage"], second.data["to_stage"]) == (Stage.SCREENING, Stage.INVITED)
    assert second.data["actor_id"] is None  # the system moved it


def test_a_refused_transition_writes_no_event(org: Any, hr: Any) -> None:
    application = make_application(hr, make_candidate(hr, org.sh), make_job(org.sh_sales))
    with pytest.raises(TransitionRefused):
        application_advance(actor=hr, application=application, to_stage=Stage.HIRED)
    assert events("application.stage_changed") == []


def test_a_refused_bulk_move_writes_no_event(org: Any, hr: Any) -> None:
    job = make_job(org.sh_sales)
    ok = make_application(hr, make_candidate(hr, org.sh), job)
    stuck = make_application(hr, make_candidate(hr, org.sh, name="李四"), job)
    application_advance(actor=hr, application=stuck, to_stage=Stage.REJECTED)
    before = len(events("application.stage_changed"))
    with pytest.raises(BulkRefused):
        applications_bulk_advance(
            actor=hr, application_ids=[ok.pk, stuck.pk], to_stage=Stage.SCREENING
        )
    assert len(events("application.stage_changed")) == before
    assert Application.objects.get(pk=ok.pk).stage == Stage.APPLIED
