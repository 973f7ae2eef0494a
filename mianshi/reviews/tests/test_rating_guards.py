"""Refusals a higher app registers for the rating form (rating_guards): every path to a
saved rating — the service, the workbench form, the API — meets the guard's reason;
declining is never guarded; a guard that breaks fails the save rather than letting it by."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mianshi.accounts.actor import Actor
from mianshi.interviews.models import InterviewSession
from mianshi.reviews import rating_guards
from mianshi.reviews.models import Rating, RatingStatus
from mianshi.reviews.services.ratings import rating_decline, rating_save
from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview

pytestmark = pytest.mark.django_db

SIX = {"communication": 6, "customer_focus": 6, "problem_solving": 6}
REASON = "You examine this candidate on a panel: rate on the sheet."


@pytest.fixture
def session(world: ReviewWorld) -> InterviewSession:
    return analysed_interview(world)


def refuse_hr(actor: Actor, session: InterviewSession) -> str | None:
    """A guard of the tests' own: refuses the world's HR user, says nothing of anyone else."""
    return REASON if actor.get_username() == "hr_review" else None


def broken(actor: Actor, session: InterviewSession) -> str | None:
    raise RuntimeError("a guard's bug")


@pytest.fixture
def guarded() -> Iterator[None]:
    rating_guards.register(refuse_hr)
    yield
    rating_guards.unregister(refuse_hr)


def test_public_recruitment_registers_its_guard_by_name_only() -> None:
    """reviews may not import recruitment (the layers contract): the guard is found by name."""
    names = [f"{g.__module__}.{g.__qualname__}" for g in rating_guards.registered()]
    assert "mianshi.recruitment.workbench_marks.rating_refusal" in names


def test_registering_twice_keeps_one_and_unregistering_is_harmless() -> None:
    before = rating_guards.registered()
    rating_guards.register(refuse_hr)
    rating_guards.register(refuse_hr)
    assert rating_guards.registered() == (*before, refuse_hr)
    rating_guards.unregister(refuse_hr)
    rating_guards.unregister(refuse_hr)
    assert rating_guards.registered() == before


@pytest.mark.usefixtures("guarded")
def test_the_service_refuses_with_the_guards_reason_and_saves_nothing(
    world: ReviewWorld, session: InterviewSession
) -> None:
    for submit in (False, True):
        with pytest.raises(ValidationError) as exc:
            rating_save(actor=world.hr, session=session, scores=SIX, reasons={}, submit=submit)
        assert exc.value.messages == [REASON] and exc.value.code == "guarded"
    assert not Rating.objects.exists()
    assert rating_save(actor=world.manager, session=session, scores=SIX, reasons={},
                       submit=True).status == RatingStatus.SUBMITTED  # fmt: skip


@pytest.mark.usefixtures("guarded")
def test_declining_is_never_guarded(world: ReviewWorld, session: InterviewSession) -> None:
    rating = rating_decline(actor=world.hr, session=session, reason="本人与候选人是同学")
    assert rating.status == RatingStatus.DECLINED


@pytest.mark.usefixtures("guarded")
def test_the_form_shows_the_reason(
    world: ReviewWorld, session: InterviewSession, client: Any
) -> None:
    client.force_login(world.hr)
    data = {f"score_{c}": str(v) for c, v in SIX.items()} | {"action": "submit"}
    response = client.post(reverse("reviews:rating", args=[session.pk]), data)
    assert response.status_code == 400
    assert REASON in response.content.decode().replace("&#x27;", "'")
    assert not Rating.objects.exists()


@pytest.mark.usefixtures("guarded")
def test_the_api_answers_the_reason(
    world: ReviewWorld, session: InterviewSession, api_for: Any
) -> None:
    response = api_for(world.hr).put(
        f"/reviews/interviews/{session.pk}/rating", {"scores": SIX, "submit": True}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == REASON
    assert not Rating.objects.exists()


def test_a_broken_guard_fails_the_save(world: ReviewWorld, session: InterviewSession) -> None:
    rating_guards.register(broken)
    try:
        with pytest.raises(RuntimeError):
            rating_save(actor=world.hr, session=session, scores=SIX, reasons={}, submit=True)
    finally:
        rating_guards.unregister(broken)
    assert not Rating.objects.exists()
