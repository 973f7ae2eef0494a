"""The 400/403/404/500 pages: the right status, translated, in the right frame (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from mianshi.common.error_views import server_error

URLS = "mianshi.common.tests.error_urls"
PAGES = {
    400: ("/bad/", "Bad request"),
    403: ("/denied/", "Access denied"),
    404: ("/no-such-page/", "Page not found"),
    500: ("/boom/", "Something went wrong"),
}


@pytest.fixture
def production(settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = URLS


def _get(path: str, language: str) -> Any:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path)


def _translated(msgid: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_page_has_its_status_and_translated_text(
    production: None, status: int, language: str
) -> None:
    path, heading = PAGES[status]
    response = _get(path, language)
    assert response.status_code == status
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert _translated(heading, language) in body
    assert f'data-status="{status}"' in body
    assert 'class="topbar"' in body  # the product's frame, not Django's bare page
    if language == "en":
        assert heading in body
    assert "Not Found" not in body and "Forbidden" not in body


@pytest.mark.django_db
def test_a_staff_page_offers_the_way_home(production: None) -> None:
    body = _get("/no-such-page/", "en").content.decode()
    assert "Back to the home page" in body
    assert 'class="candidate"' not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status"), [("/i/no/such/page/", 404), ("/i/denied/", 403),
                                              ("/i/boom/", 500)])  # fmt: skip
def test_a_candidate_error_under_i_uses_the_candidate_frame(
    production: None, path: str, status: int
) -> None:
    response = _get(path, "en")
    assert response.status_code == status
    body = response.content.decode()
    assert '<body class="candidate">' in body
    assert "Back to the home page" not in body
    assert "contact the company that invited you" in body


def _untouchable() -> Any:
    raise AssertionError("the 500 page read request.user")


@pytest.mark.django_db
def test_the_500_page_touches_neither_the_database_nor_the_user(
    production: None, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/jobs/")
    request.user = SimpleLazyObject(_untouchable)  # type: ignore[assignment]
    request.session = SimpleLazyObject(_untouchable)  # type: ignore[assignment]
    with translation.override("en"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/no-such-endpoint", "/i/api/no/such/endpoint"])
def test_an_api_client_gets_json_not_a_page(production: None, path: str) -> None:
    response = _get(path, "en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.django_db
def test_a_refused_form_explains_itself_in_the_products_frame(production: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "The form has expired" in body and 'class="topbar"' in body
    assert "CSRF verification failed" not in body
