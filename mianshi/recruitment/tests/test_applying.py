"""报名 through the service (issue 15): an application creates the candidate (identifiers
encrypted), the application, the facts and one audit event with the consent's version and
hash; the rules read the facts a candidate entered; every refusal leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import candidate_create
from mianshi.compliance.models import AuditEvent
from mianshi.recruitment.models import ApplicantFacts, Plan, PlanStatus, Post, Screening
from mianshi.recruitment.services.applying import (
    NOTICE_VERSION,
    Applicant,
    application_submit,
    apply_notice_sha256,
    apply_number,
)
from mianshi.recruitment.services.screening import screening_run
from mianshi.recruitment.tests.world import RecruitmentWorld, id_number, recruitment_world

pytestmark = pytest.mark.django_db

OPEN_DAY = dt.date(2026, 11, 3)
FACTS = {"education": "bachelor", "degree": "bachelor", "major": "计算机科学与技术",
         "school": "浙江大学", "graduation_year": 2018, "certificates": ["软件设计师"],
         "experience_years": "3.5", "employer": "某公司", "declared_household": "330106",
         "political_status": ""}  # fmt: skip

GOOD = id_number("330106", "19960315", 11)
BAD_CHECKSUM = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
FUTURE_BIRTH = id_number("330106", "20300101", 1)


@pytest.fixture
def world(org: Any, make_user: Any) -> RecruitmentWorld:
    world = recruitment_world(org, make_user)
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.ANNOUNCED)
    world.plan.refresh_from_db()
    return world


def _submit(world: RecruitmentWorld, *, number: str | None = None, post: Post | None = None,
            facts: dict[str, Any] | None = None, **kwargs: Any) -> Application:  # fmt: skip
    applicant = Applicant("李明", number or id_number("330106", "19960315", 11), "13900001111")
    arguments: dict[str, Any] = {
        "plan": world.plan, "post_id": (post or world.post).pk, "applicant": applicant,
        "facts": FACTS if facts is None else facts, "consent": True, "language": "zh-hans",
        "today": OPEN_DAY,
    } | kwargs  # fmt: skip
    return application_submit(**arguments)


def _counts() -> tuple[int, ...]:
    return (Candidate.objects.count(), Application.objects.count(),
            ApplicantFacts.objects.count(),
            AuditEvent.objects.filter(action="recruitment.apply").count())  # fmt: skip


def test_an_application_creates_the_candidate_application_facts_and_audit(
    world: RecruitmentWorld,
) -> None:
    application = _submit(world)
    candidate = application.candidate
    assert candidate.name == "李明" and candidate.id_number == id_number("330106", "19960315", 11)
    assert "330106" not in candidate.id_number_enc  # stored encrypted
    assert candidate.birth_date == dt.date(1996, 3, 15) and candidate.source == "website"
    assert application.job_id == world.job.pk and application.stage == "applied"
    facts = ApplicantFacts.objects.get(application=application)
    assert facts.major == "计算机科学与技术" and facts.certificates == ["软件设计师"]
    assert str(facts.experience_years) == "3.5" and facts.ticket == ""
    event = AuditEvent.objects.get(action="recruitment.apply")
    assert event.actor_label == "candidate" and event.object_id == str(application.pk)
    assert event.detail["consent_version"] == NOTICE_VERSION
    assert event.detail["consent_sha256"] == apply_notice_sha256("zh-hans")
    assert "李明" not in str(event.detail) and "13900001111" not in str(event.detail)


def test_the_rules_read_the_facts_the_candidate_entered(world: RecruitmentWorld) -> None:
    good = _submit(world)
    weak = _submit(world, number=id_number("330106", "19960315", 12),
                   facts=FACTS | {"education": "college", "major": "汉语言文学"})  # fmt: skip
    screening_run(actor=world.hr, post=world.post, today=OPEN_DAY)
    assert Screening.objects.get(application=good).passed is True
    assert Screening.objects.get(application=weak).passed is False


def test_the_second_application_of_an_id_number_to_the_plan_changes_nothing(
    world: RecruitmentWorld,
) -> None:
    _submit(world)
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        _submit(world, facts=FACTS | {"major": "软件工程"})
    assert "id_number" in refused.value.message_dict
    assert _counts() == before
    assert ApplicantFacts.objects.get().major == "计算机科学与技术"


def test_a_person_on_file_applies_under_their_record_identity_unchanged(
    world: RecruitmentWorld,
) -> None:
    number = id_number("330106", "19900101", 21)
    known = candidate_create(actor=world.hr, org_unit=world.org.sh, name="李 明",
                             id_number=number, phone="13911112222")  # fmt: skip
    application = _submit(world, number=number)  # typed 李明
    assert application.candidate_id == known.pk
    known.refresh_from_db()
    assert known.name == "李 明" and known.phone == "13911112222"
    assert Candidate.objects.count() == 1


def test_an_id_number_on_file_typed_with_another_name_is_refused(world: RecruitmentWorld) -> None:
    number = id_number("330106", "19900101", 21)
    candidate_create(actor=world.hr, org_unit=world.org.sh, name="王芳", id_number=number,
                     phone="13911112222")  # fmt: skip
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        _submit(world, number=number)  # typed 李明
    assert "name" in refused.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"facts": FACTS | {"declared_household": "33x"}}, "declared_household"),
        ({"facts": FACTS | {"graduation_year": 1800}}, "graduation_year"),
        ({"facts": FACTS | {"education": "phd-ish"}}, "education"),
        ({"post_id": 999_999}, "post"),
        ({"applicant": Applicant("李明", BAD_CHECKSUM, "13900001111")}, "id_number"),
        ({"applicant": Applicant("李明", FUTURE_BIRTH, "13900001111")}, "id_number"),
        ({"applicant": Applicant("李明", id_number("330106", "19960315", 11), "12")}, "phone"),
        (
            {"applicant": Applicant("  ", id_number("330106", "19960315", 11), "13900001111")},
            "name",
        ),
    ],
)
def test_a_refused_application_names_the_field_and_saves_nothing(
    world: RecruitmentWorld, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _submit(world, **change)
    assert field in refused.value.message_dict
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("day", [dt.date(2026, 11, 1), dt.date(2026, 11, 7)])
def test_outside_the_window_nothing_is_accepted(world: RecruitmentWorld, day: dt.date) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="not open"):
        _submit(world, today=day)
    assert _counts() == (0, 0, 0, 0)


def test_a_draft_plan_takes_no_application(world: RecruitmentWorld) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.DRAFT)
    world.plan.refresh_from_db()
    with pytest.raises(ValidationError):
        _submit(world)


def test_a_post_of_another_plan_is_refused(world: RecruitmentWorld, org: Any) -> None:
    other = Plan.objects.create(org_unit=org.sh, title="另一计划", year=2026)
    world.post.plan = other
    world.post.save(update_fields=["plan"])
    with pytest.raises(ValidationError) as refused:
        _submit(world)
    assert "post" in refused.value.message_dict


def test_the_application_number_joins_post_code_and_id() -> None:
    assert apply_number(post_code="2026001", application_id=42) == "2026001-000042"


def test_a_simultaneous_first_application_of_the_same_id_is_refused_in_words(
    world: RecruitmentWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup missed a candidate created a moment ago: the unique blind index refuses
    the second one, and the applicant reads the plan's rule, never the other record's name."""
    _submit(world)
    before = _counts()
    real = Candidate.objects.select_for_update
    monkeypatch.setattr(Candidate.objects, "select_for_update",
                        lambda: real().filter(pk__in=[]))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        _submit(world)
    assert "id_number" in refused.value.message_dict
    assert "李明" not in str(refused.value) and _counts() == before
