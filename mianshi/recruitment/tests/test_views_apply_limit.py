"""The public 报名 form is rate-limited per client address: every POST counts (a refused form
too, so guessing ID numbers costs as much as applying); beyond settings.APPLY_LIMIT_PER_HOUR
an hour the page answers 429 with the message beside the form and nothing is saved, while
another address and a plain visit still get through."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from mianshi.candidates.models import Application, Candidate
from mianshi.common.models import RateWindow
from mianshi.recruitment.models import ApplicantFacts
from mianshi.recruitment.tests.test_views_apply import _form, _url, world
from mianshi.recruitment.tests.world import RecruitmentWorld

__all__ = ["world"]  # a fixture, used by name

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture
def client() -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _saved() -> tuple[int, int, int]:
    return Candidate.objects.count(), Application.objects.count(), ApplicantFacts.objects.count()


def test_beyond_the_limit_a_valid_application_is_refused_with_429_and_nothing_saved(
    world: RecruitmentWorld, client: Client
) -> None:
    for _ in range(
        settings.APPLY_LIMIT_PER_HOUR
    ):  # refused forms count: an ID number guessed per POST
        assert client.post(_url(world), _form(world, id_number="1" * 18)).status_code == 400
    response = client.post(_url(world), _form(world))
    html = response.content.decode()
    assert response.status_code == 429 and "Too many applications" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "data-apply-form" in html and "浙江大学" in html  # what was typed is kept
    assert _saved() == (0, 0, 0)
    assert client.get(_url(world)).status_code == 200  # reading the page is not limited


def test_another_address_still_applies(world: RecruitmentWorld, client: Client) -> None:
    for _ in range(settings.APPLY_LIMIT_PER_HOUR):
        client.post(_url(world), _form(world, consent=""))
    assert client.post(_url(world), _form(world)).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert other.post(_url(world), _form(world)).status_code == 302
    assert _saved() == (1, 1, 1)


def test_the_address_is_kept_only_as_a_hash(world: RecruitmentWorld, client: Client) -> None:
    client.post(_url(world), _form(world))
    row = RateWindow.objects.get()
    assert row.scope == "recruitment.apply" and row.count == 1
    assert ADDRESS not in repr(list(RateWindow.objects.values()))
