"""The secret shown once (common/once.py, _secret_once.html): it is in the answer to the POST
that made it and nowhere else: not on a reload, not in the session, not to another session,
not in a cache."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import translation

from conftest import MakeUser
from mianshi.common.once import secret_once_render

pytestmark = [pytest.mark.django_db, pytest.mark.urls("mianshi.common.tests.once_urls")]
URL = "/secret/"


def shown(page: bytes) -> str:
    found = re.search(r'id="new-secret" value="([^"]*)"', page.decode())
    assert found is not None, "the secret field is missing"
    return found.group(1)


@pytest.fixture
def client(make_user: MakeUser) -> Client:
    signed_in = Client()
    signed_in.force_login(make_user("li"))
    return signed_in


def test_the_secret_is_shown_in_the_answer_that_made_it(client: Client) -> None:
    answer = client.post(URL)
    assert answer.status_code == 200
    assert len(shown(answer.content)) >= 32
    assert b"Copy it now: it is shown only once." in answer.content


def test_a_reload_shows_nothing(client: Client) -> None:
    secret = shown(client.post(URL).content)
    again = client.get(URL)
    assert again.status_code == 200 and shown(again.content) == ""
    assert secret.encode() not in again.content


def test_a_second_secret_does_not_bring_back_the_first(client: Client) -> None:
    first = shown(client.post(URL).content)
    second = client.post(URL).content
    assert shown(second) != first and first.encode() not in second


def test_no_session_keeps_it_and_another_session_cannot_see_it(
    client: Client, make_user: MakeUser
) -> None:
    secret = shown(client.post(URL).content)
    stored = list(Session.objects.all())
    assert stored, "the signed-in client has a session row"
    for row in stored:
        assert secret not in row.session_data and secret not in str(row.get_decoded())
    other = Client()
    other.force_login(make_user("wang"))
    for page in (other.get(URL), Client().get(URL)):
        assert secret.encode() not in page.content


def test_no_browser_or_proxy_may_keep_the_page(client: Client) -> None:
    answer = client.post(URL)
    cache = {part.strip() for part in answer["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "max-age=0"} <= cache
    assert "Expires" in answer


def test_the_secret_is_escaped_and_a_refused_form_keeps_its_status() -> None:
    request = RequestFactory().post(URL)
    context = {"field_id": "new-secret", "warning": "!"}
    answer = secret_once_render(request, "_secret_once.html", context, secret='a"><b', status=400)
    assert answer.status_code == 400
    assert 'value="a&quot;&gt;&lt;b"' in answer.content.decode()


def test_the_field_and_copy_button_speak_chinese(client: Client) -> None:
    with translation.override("zh-hans"):
        page = client.post(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "复制密钥" in page and "已复制" in page and ">密钥</label>" in page
