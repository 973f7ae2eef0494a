"""The Django admin shows interview rows read-only and without the candidate's content."""

from __future__ import annotations

import pytest

from mianshi.common.testing import admin_mounted
from mianshi.interviews.tests.board_world import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db
MODELS = ["interviewsession", "answer", "recording", "chunk", "consent", "sessionevent"]


@pytest.fixture
def admin_client(make_user, login):
    with admin_mounted():
        yield login(make_user("root", is_staff=True, is_superuser=True))


def test_every_interview_model_is_listed_and_read_only(bw, admin_client):
    started = bw.invite()
    bw.answering_choice(started)
    for model in MODELS:
        assert admin_client.get(f"/admin/interviews/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/interviews/{model}/add/").status_code == 403, model
    answer = started.answer(1)
    page = admin_client.get(f"/admin/interviews/answer/{answer.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "我会先倾听" not in html and 'name="status"' not in html
    delete = admin_client.post(f"/admin/interviews/answer/{answer.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403 and answer.__class__.objects.filter(pk=answer.pk).exists()
