"""The idle-timeout stamp (M9) costs no session write on a page that changes nothing: signing
in stamps the session, and a request writes it again only when the stamp is a minute old.
A write per request would add an UPDATE (three statements in a transaction) to every page
and every htmx poll, which the query-count guards of the list, queue and board measure."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mianshi.common.middleware import SEEN, STARTED

pytestmark = pytest.mark.django_db

PAGE = "/accounts/security/"


def _session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return sum(
        1 for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    )


def _signed_in(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("wang"))
    return client


def test_signing_in_stamps_the_session(make_user: Any) -> None:
    before = time.time()
    session = _signed_in(make_user).session
    assert before <= session[SEEN] <= time.time() and session[STARTED] == session[SEEN]


def test_the_first_page_after_signing_in_writes_no_session(make_user: Any) -> None:
    client = _signed_in(make_user)
    assert _session_writes(client) == 0
    assert _session_writes(client) == 0


def test_the_stamp_is_written_again_once_a_minute_old(make_user: Any) -> None:
    client = _signed_in(make_user)
    session = client.session
    session[SEEN] = time.time() - 61
    session.save()
    assert _session_writes(client) == 1
    assert time.time() - client.session[SEEN] < 5
    assert _session_writes(client) == 0
