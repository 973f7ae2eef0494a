"""Moka wired end to end against Moka's open platform on loopback: the binding from the
connector page (state kept in the session, checked on the way back), pulled
`ehrApplications` imported as candidates and applications once, and Moka's signed
webhooks (`?sign=`) importing the pushed record — replays change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application, Candidate
from mianshi.common.external_refs import external_refs_of
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.services import pulls
from mianshi.integrations.connectors.services.connectors import connector_create, template_create
from mianshi.integrations.connectors.tests.adapters import fake_moka as m
from mianshi.reviews.tests.factories import ReviewWorld

pytestmark = pytest.mark.django_db
TOKEN = "/api-platform/v1/auth/oauth2/getToken"
HOOK_KEY = "moka-hook-key"


def moka_record(i: int, **over: Any) -> dict[str, Any]:
    person = {"name": f"候选人{i}", "mobile": f"1380013{i:04d}", "email": f"c{i}@example.com"}
    return {"applicationId": 2000 + i, "candidateId": 900 + i, "candidate": person, **over}


@pytest.fixture
def moka(settings: Any) -> Iterator[m.FakeMoka]:
    settings.WEBHOOK_ALLOW = ["127.0.0.1"]  # the fake listens on loopback
    server = m.FakeMoka()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def connector(admin: User, org: Any, moka: m.FakeMoka, world: ReviewWorld) -> Connector:
    data = {
        "name": "Moka 上海",
        "settings": {
            "base_url": moka.url, "login_url": moka.url + "/oauth/login",
            "redirect_uri": m.REDIRECT_URI,
        },
        "credentials": {
            "client_id": m.CLIENT_ID, "client_secret": m.CLIENT_SECRET,
            "webhook_secret": HOOK_KEY,
        },
        "schedule_minutes": 60, "pull_kind": "application",
    }  # fmt: skip
    connector = connector_create(actor=admin, org_unit_id=org.sh.pk, adapter="moka", data=data)
    template = {
        "version": 1,
        "kind": "application",
        "fields": {
            "external_id": {"path": "$.applicationId", "transform": "str", "required": True},
            "candidate_external_id": {"path": "$.candidateId", "transform": "str"},
            "name": {"path": "$.candidate.name"},
            "phone": {"path": "$.candidate.mobile"},
            "email": {"path": "$.candidate.email"},
            "job_id": {"path": "$.jobId", "default": world.job.pk},
        },
    }
    template_create(actor=admin, connector=connector, kind="application", body=template)
    return connector


def start_binding(web: Client, connector: Connector) -> dict[str, str]:
    """HR presses "bind Moka", signs in to Moka and agrees: the query Moka sends back."""
    answer = web.post(reverse("integrations:connector_moka_bind", args=[connector.pk]))
    assert answer.status_code == 302
    back = requests.get(answer["Location"], allow_redirects=False, timeout=2)
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == m.REDIRECT_URI
    return dict(p.split("=", 1) for p in location.query.split("&"))


def callback(web: Client, query: dict[str, str]) -> Any:
    return web.get(reverse("integrations:connector_moka_callback"), query)


def bind(web: Client, connector: Connector) -> None:
    assert callback(web, start_binding(web, connector)).status_code == 302


def test_binding_from_the_connector_page(
    connector: Connector, admin: User, login: Any, moka: m.FakeMoka
) -> None:
    web = login(admin)
    detail = reverse("integrations:connector_detail", args=[connector.pk])
    assert 'data-moka-binding="unbound"' in web.get(detail).content.decode()
    answer = callback(web, start_binding(web, connector))
    assert answer.status_code == 302 and answer["Location"] == detail
    connector.refresh_from_db()
    state = connector.state["moka"]
    assert state["app_id"] == moka.app_id and state["access_token"] in moka.access
    assert state["access_token"] not in connector.state_enc
    assert 'data-moka-binding="bound"' in web.get(detail).content.decode()


@pytest.mark.parametrize("tamper", ["other-state", "", None])
def test_a_wrong_or_missing_state_is_refused_and_nothing_stored(
    connector: Connector, admin: User, login: Any, moka: m.FakeMoka, tamper: str | None
) -> None:
    web = login(admin)
    query = start_binding(web, connector)
    if tamper is None:
        query.pop("state")
    else:
        query["state"] = tamper
    assert callback(web, query).status_code == 400
    assert TOKEN not in moka.paths()
    connector.refresh_from_db()
    assert connector.state == {}


def test_a_callback_without_a_binding_started_here_is_refused(
    connector: Connector, admin: User, login: Any, moka: m.FakeMoka
) -> None:
    query = start_binding(login(admin), connector)
    assert callback(login(admin), query).status_code == 400  # another session
    connector.refresh_from_db()
    assert connector.state == {} and TOKEN not in moka.paths()


def test_an_admin_of_another_branch_cannot_bind(
    connector: Connector, org: Any, make_user: Any, login: Any
) -> None:
    stranger = make_user("sz_integrator", Role.HR_ADMIN, org.sz)
    answer = login(stranger).post(reverse("integrations:connector_moka_bind", args=[connector.pk]))
    assert answer.status_code == 404


def test_pulled_applications_are_imported_once_and_a_bad_record_is_reported(
    connector: Connector, admin: User, login: Any, monkeypatch: Any, world: ReviewWorld
) -> None:
    bad = moka_record(3, candidate={"name": "无联系方式"})  # no phone, no e-mail
    monkeypatch.setattr(m, "APPLICATIONS", [moka_record(1), moka_record(2), bad])
    bind(login(admin), connector)
    before = Candidate.objects.count()
    outcome = pulls.connector_pull(connector_id=connector.pk)
    assert outcome["records"] == 2 and "2003" in outcome["error"]
    app = Application.objects.get(job=world.job, candidate__name="候选人1")
    assert external_refs_of(app) == {"moka": "2001"}
    assert external_refs_of(app.candidate) == {"moka": "901"}
    assert Candidate.objects.count() == before + 2  # nothing of the refused record
    again = pulls.connector_pull(connector_id=connector.pk)
    assert again["records"] == 0 and Candidate.objects.count() == before + 2
    assert Application.objects.filter(job=world.job).exclude(candidate__name="").count() >= 2
    page = login(admin).get(reverse("integrations:health")).content.decode()
    assert f'data-connector="{connector.pk}" data-attention' in page


def hook(connector_id: int, body: bytes, sign: str | None) -> Any:
    url = f"/api/integrations/connectors/{connector_id}/moka-webhook"
    if sign is not None:
        url += f"?sign={sign}"
    return Client().post(url, data=body, content_type="application/json")


def test_a_signed_webhook_imports_the_record_and_a_replay_changes_nothing(
    connector: Connector, world: ReviewWorld
) -> None:
    body = json.dumps({"event": "application.created", "data": moka_record(7)}).encode()
    first = hook(connector.pk, body, m.moka_sign(HOOK_KEY, body))
    assert first.status_code == 200 and first.json() == {"imported": 1, "refused": []}
    count = Application.objects.count()
    replay = hook(connector.pk, body, m.moka_sign(HOOK_KEY, body))
    assert replay.status_code == 200 and replay.json()["imported"] == 0
    assert Application.objects.count() == count
    app = Application.objects.get(candidate__name="候选人7")
    assert external_refs_of(app) == {"moka": "2007"} and app.job_id == world.job.pk


@pytest.mark.parametrize("sign", [None, "", "00" * 32, "other-key"])
def test_a_webhook_without_a_valid_signature_is_401_and_changes_nothing(
    connector: Connector, sign: str | None
) -> None:
    body = json.dumps({"data": moka_record(8)}).encode()
    if sign == "other-key":
        sign = m.moka_sign("other-key", body)
    count = Application.objects.count()
    assert hook(connector.pk, body, sign).status_code == 401
    assert hook(connector.pk + 99, body, m.moka_sign(HOOK_KEY, body)).status_code == 401
    assert Application.objects.count() == count


def test_a_record_refused_after_its_candidate_was_made_leaves_nothing(
    connector: Connector, org: Any
) -> None:
    from mianshi.jobs.models import JobStatus
    from mianshi.jobs.tests.factories import make_job

    closed = make_job(org_unit=org.sh_sales, title="已关闭", status=JobStatus.CLOSED)
    body = json.dumps({"data": [moka_record(5, jobId=closed.pk)]}).encode()
    before = (Candidate.objects.count(), Application.objects.count())
    answer = hook(connector.pk, body, m.moka_sign(HOOK_KEY, body))
    assert answer.status_code == 200 and answer.json()["imported"] == 0
    assert answer.json()["refused"][0].startswith("2005:")
    assert (Candidate.objects.count(), Application.objects.count()) == before


def test_a_signed_webhook_with_a_bad_body_is_a_clear_4xx(connector: Connector) -> None:
    for body in (b"not json", json.dumps({"data": "x"}).encode()):
        answer = hook(connector.pk, body, m.moka_sign(HOOK_KEY, body))
        assert answer.status_code in (400, 422)
