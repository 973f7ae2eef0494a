"""三员分立 (F-02, F-03) as a matrix: 7 roles × every account, key, grant, candidate,
recording and audit action, through the UI (real views) and the API (Bearer key).

Each actor holds its one role at headquarters. The table below is the whole expectation:
✓ the action is allowed (a 2xx/3xx answer AND its effect), · it is refused (a refusal
answer AND no effect; for reads, none of the candidate's data in the answer). Every role
gets one world, built once, with a separate target per action so no cell disturbs another.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import ALL_SCOPES, ApiClient
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.accounts.roles import Role
from mianshi.accounts.services import apikey_create
from mianshi.candidates.models import ApplicationAssignment, Candidate
from mianshi.candidates.services import candidate_resume_upload
from mianshi.candidates.tests.factories import make_candidate
from mianshi.common.tests.support import interview_settings  # noqa: F401 (autouse fixture)
from mianshi.interviews.models import Recording, RecordingStatus
from mianshi.interviews.services.storage import recording_name, seal_file
from mianshi.interviews.tests.board_world import (
    BoardWorld,
    Started,
    job_with_questions,
    recording_row,
)

pytestmark = pytest.mark.django_db

ROLES = [
    Role.HR_ADMIN,
    Role.HR,
    Role.DEPT_MANAGER,
    Role.INTERVIEWER,
    Role.AUDITOR,
    Role.SECURITY_ADMIN,
    Role.SYSTEM_ADMIN,
]
# fmt: off
MATRIX = """
action                 hr_admin  hr  dept_manager  interviewer  auditor  security_admin system_admin
account.create_user       ✓      ·       ·             ·           ·           ·              ·
account.set_password      ✓      ·       ·             ·           ·           ·              ·
account.disable_totp      ✓      ·       ·             ·           ·           ·              ·
account.deactivate        ✓      ·       ·             ·           ·           ·              ·
key.mint_own              ✓      ✓       ✓             ✓           ✓           ✓              ✓
key.mint_for_other        ·      ·       ·             ·           ·           ·              ·
key.revoke_other          ✓      ·       ·             ·           ·           ·              ·
grant.give                ✓      ·       ·             ·           ·           ·              ·
grant.remove              ✓      ·       ·             ·           ·           ·              ·
candidate.list            ✓      ✓       ✓             ✓           ·           ·              ·
candidate.detail          ✓      ✓       ✓             ✓           ·           ·              ·
candidate.edit            ✓      ✓       ·             ·           ·           ·              ·
candidate.delete          ✓      ✓       ·             ·           ·           ·              ·
candidate.resume          ✓      ✓       ✓             ✓           ·           ·              ·
candidate.workbench       ✓      ✓       ✓             ✓           ·           ·              ·
candidate.export          ✓      ✓       ✓             ✓           ·           ·              ·
recording.play            ✓      ✓       ✓             ✓           ·           ·              ·
recording.download        ✓      ✓       ✓             ✓           ·           ·              ·
audit.read_trail          ·      ·       ·             ·           ✓           ✓              ·
"""
# fmt: on
# candidate.export is the job's ranking (CSV / API): the cell says whether it answers; which
# rows an interviewer sees is the ranking's own rule (reviews tests).
# Verifying the chain is an operator's command (manage.py audit_verify), no UI or API.


def expected() -> dict[tuple[str, Role], bool]:
    rows = [line.split() for line in MATRIX.strip().splitlines()]
    header = [Role(name) for name in rows[0][1:]]
    return {(row[0], role): mark == "✓" for row in rows[1:] for role, mark in zip(header, row[1:])}


EXPECTED = expected()
NEW_PASSWORD = "Blue-Lantern-42"
NAME = "矩阵甲"  # the candidate whose data no refused role may see
MEDIA = bytes(range(256)) * 8
PDF = b"%PDF-1.4\n% resume\n%%EOF\n"


@dataclass
class World:
    """One actor and, per action, its own target."""

    actor: User
    org: Any
    targets: dict[str, User]
    other_key: ApiKey
    read: Started
    edit: Candidate
    delete: Candidate
    recording: Recording

    @property
    def candidate(self) -> Candidate:
        return self.read.application.candidate


@dataclass
class Outcome:
    status: int
    effect: bool


Action = Callable[[World, Any], Outcome]


def sealed_recording(started: Started, tmp_path: Path) -> Recording:
    """A verified recording, sealed in storage as verification leaves it."""
    recording = recording_row(started, 3, offset=len(MEDIA), length=len(MEDIA))
    plain = tmp_path / f"{recording.pk}.webm"
    plain.write_bytes(MEDIA)
    name = recording_name(recording.session_id, recording.answer_id, recording.pk)
    stored, sha, _size = seal_file(recording.pk, plain, name)
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.VERIFIED, storage_path=stored, sha256=sha, duration_ms=8_000
    )
    recording.refresh_from_db()
    return recording


def build(role: Role, org: Any, make_user: Any, tmp_path: Path) -> World:
    actor = make_user(f"actor-{role}", role, org.hq)
    owner = make_user("owner-hr", Role.HR, org.sh)
    bw = BoardWorld(owner, owner, owner, owner, actor, job_with_questions(owner, org.sh_sales))
    read = bw.invite(NAME)
    bw.recording_video(read)
    ApplicationAssignment.objects.create(application=read.application, interviewer=actor)
    candidate_resume_upload(
        actor=owner, candidate=read.application.candidate, upload=BytesIO(PDF), filename="cv.pdf"
    )
    targets = {
        name: make_user(f"t-{name}", Role.HR, org.sh_sales)
        for name in ("pw", "totp", "off", "key", "grant", "ungrant")
    }
    User.objects.filter(pk=targets["totp"].pk).update(totp_enabled=True, totp_secret="JBSWY3DP")
    other_key, _raw = apikey_create(actor=None, user=targets["key"], scopes=["org:read"])
    return World(
        actor=actor,
        org=org,
        targets=targets,
        other_key=other_key,
        read=read,
        edit=make_candidate(owner, org.sh_sales, name="矩阵乙"),
        delete=make_candidate(owner, org.sh_sales, name="矩阵丙"),
        recording=sealed_recording(read, tmp_path),
    )


# --- effects: what each action changes, read from the database -------------------------


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def shows(response: Any, text: str = NAME) -> Outcome:
    """A read: allowed when it answers with the candidate's data (as HTML or JSON)."""
    content = body(response)
    escaped = json.dumps(text)[1:-1].encode()
    return Outcome(response.status_code, text.encode() in content or escaped in content)


def changed(response: Any, effect: Callable[[], bool]) -> Outcome:
    return Outcome(response.status_code, effect())


# --- the UI -------------------------------------------------------------------------------


def ui_create_user(w: World, c: Client) -> Outcome:
    form = {
        "username": "new-ui",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "role": "interviewer",
        "org_unit": w.org.sh.pk,
    }
    response = c.post("/accounts/users/new/", form)
    return changed(response, lambda: User.objects.filter(username="new-ui").exists())


def ui_set_password(w: World, c: Client) -> Outcome:
    target = w.targets["pw"]
    pair = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    response = c.post(f"/accounts/users/{target.pk}/password/", pair)
    return changed(response, lambda: fresh(target).check_password(NEW_PASSWORD))


def ui_disable_totp(w: World, c: Client) -> Outcome:
    target = w.targets["totp"]
    response = c.post(f"/accounts/users/{target.pk}/totp-reset/")
    return changed(response, lambda: not fresh(target).totp_enabled)


def ui_deactivate(w: World, c: Client) -> Outcome:
    target = w.targets["off"]
    response = c.post(f"/accounts/users/{target.pk}/deactivate/")
    return changed(response, lambda: not fresh(target).is_active)


def ui_mint_own(w: World, c: Client) -> Outcome:
    response = c.post("/accounts/api-keys/", {"name": "own", "scopes": ["org:read"]})
    return changed(response, lambda: w.actor.api_keys.filter(name="own").exists())


def ui_mint_for_other(w: World, c: Client) -> Outcome:
    target = w.targets["key"]
    response = c.post(f"/accounts/users/{target.pk}/api-keys/", {"scopes": ["org:read"]})
    return changed(response, lambda: target.api_keys.count() > 1)


def ui_revoke_other(w: World, c: Client) -> Outcome:
    response = c.post(f"/accounts/api-keys/{w.other_key.pk}/revoke/")
    return changed(response, lambda: ApiKey.objects.get(pk=w.other_key.pk).revoked_at is not None)


def ui_grant_give(w: World, c: Client) -> Outcome:
    target = w.targets["grant"]
    form = {"role": "interviewer", "org_unit": w.org.sh_tech.pk}
    response = c.post(f"/accounts/users/{target.pk}/grants/", form)
    return changed(response, lambda: target.grants.count() == 2)


def ui_grant_remove(w: World, c: Client) -> Outcome:
    target = w.targets["ungrant"]
    response = c.post(f"/accounts/grants/{target.grants.get().pk}/revoke/")
    return changed(response, lambda: not RoleGrant.objects.filter(user=target).exists())


def ui_candidate_edit(w: World, c: Client) -> Outcome:
    form = {"org_unit": w.org.sh_sales.pk, "name": "改名", "source": "other", "email": "e@x.cn"}
    response = c.post(f"/candidates/{w.edit.pk}/edit/", form)
    return changed(response, lambda: Candidate.objects.get(pk=w.edit.pk).name == "改名")


def ui_candidate_delete(w: World, c: Client) -> Outcome:
    response = c.post(f"/candidates/{w.delete.pk}/delete/")
    return changed(response, lambda: not Candidate.objects.filter(pk=w.delete.pk).exists())


def ui_resume(w: World, c: Client) -> Outcome:
    response = c.get(f"/candidates/{w.candidate.pk}/resume/")
    return Outcome(response.status_code, body(response) == PDF)


def ui_play(w: World, c: Client) -> Outcome:
    response = c.get(f"/interviews/recordings/{w.recording.pk}/")
    return Outcome(response.status_code, body(response) == MEDIA)


def ui_download(w: World, c: Client) -> Outcome:
    response = c.get(f"/interviews/recordings/{w.recording.pk}/", {"download": "1"})
    return Outcome(response.status_code, body(response) == MEDIA)


def ui_export(w: World, c: Client) -> Outcome:
    response = c.get(f"/reviews/jobs/{w.read.application.job_id}/ranking.csv")
    return Outcome(response.status_code, response.status_code == 200)


UI: dict[str, Action] = {
    "account.create_user": ui_create_user,
    "account.set_password": ui_set_password,
    "account.disable_totp": ui_disable_totp,
    "account.deactivate": ui_deactivate,
    "key.mint_own": ui_mint_own,
    "key.mint_for_other": ui_mint_for_other,
    "key.revoke_other": ui_revoke_other,
    "grant.give": ui_grant_give,
    "grant.remove": ui_grant_remove,
    "candidate.list": lambda w, c: shows(c.get("/candidates/")),
    "candidate.detail": lambda w, c: shows(c.get(f"/candidates/{w.candidate.pk}/")),
    "candidate.edit": ui_candidate_edit,
    "candidate.delete": ui_candidate_delete,
    "candidate.resume": ui_resume,
    "candidate.workbench": lambda w, c: shows(c.get(f"/reviews/interviews/{w.read.session.pk}/")),
    "candidate.export": ui_export,
    "recording.play": ui_play,
    "recording.download": ui_download,
    "audit.read_trail": lambda w, c: shows(c.get("/audit/"), "apikey.create"),
}


# --- the API ------------------------------------------------------------------------------


def api_create_user(w: World, a: ApiClient) -> Outcome:
    data = {
        "username": "new-api",
        "password": NEW_PASSWORD,
        "role": "interviewer",
        "org_unit_id": w.org.sh.pk,
    }
    response = a.post("/accounts/users", data)
    return changed(response, lambda: User.objects.filter(username="new-api").exists())


def api_set_password(w: World, a: ApiClient) -> Outcome:
    target = w.targets["pw"]
    response = a.post(f"/accounts/users/{target.pk}/password", {"password": NEW_PASSWORD})
    return changed(response, lambda: fresh(target).check_password(NEW_PASSWORD))


def api_deactivate(w: World, a: ApiClient) -> Outcome:
    target = w.targets["off"]
    response = a.delete(f"/accounts/users/{target.pk}")
    return changed(response, lambda: not fresh(target).is_active)


def api_mint_own(w: World, a: ApiClient) -> Outcome:
    data = {"name": "own", "scopes": ["org:read"]}
    response = a.post(f"/accounts/users/{w.actor.pk}/api-keys", data)
    return changed(response, lambda: w.actor.api_keys.filter(name="own").exists())


def api_mint_for_other(w: World, a: ApiClient) -> Outcome:
    target = w.targets["key"]
    response = a.post(f"/accounts/users/{target.pk}/api-keys", {"scopes": ["org:read"]})
    return changed(response, lambda: target.api_keys.count() > 1)


def api_revoke_other(w: World, a: ApiClient) -> Outcome:
    response = a.delete(f"/accounts/api-keys/{w.other_key.pk}")
    return changed(response, lambda: ApiKey.objects.get(pk=w.other_key.pk).revoked_at is not None)


def api_grant_give(w: World, a: ApiClient) -> Outcome:
    target = w.targets["grant"]
    data = {"role": "interviewer", "org_unit_id": w.org.sh_tech.pk}
    response = a.post(f"/accounts/users/{target.pk}/grants", data)
    return changed(response, lambda: target.grants.count() == 2)


def api_grant_remove(w: World, a: ApiClient) -> Outcome:
    target = w.targets["ungrant"]
    response = a.delete(f"/accounts/grants/{target.grants.get().pk}")
    return changed(response, lambda: not RoleGrant.objects.filter(user=target).exists())


def api_candidate_edit(w: World, a: ApiClient) -> Outcome:
    response = a.patch(f"/candidates/{w.edit.pk}", {"name": "改名"})
    return changed(response, lambda: Candidate.objects.get(pk=w.edit.pk).name == "改名")


def api_candidate_delete(w: World, a: ApiClient) -> Outcome:
    response = a.delete(f"/candidates/{w.delete.pk}")
    return changed(response, lambda: not Candidate.objects.filter(pk=w.delete.pk).exists())


def api_resume(w: World, a: ApiClient) -> Outcome:
    response = a.get(f"/candidates/{w.candidate.pk}/resume")
    return Outcome(response.status_code, body(response) == PDF)


def api_download(w: World, a: ApiClient) -> Outcome:
    response = a.get(f"/interviews/recordings/{w.recording.pk}/media")
    return Outcome(response.status_code, body(response) == MEDIA)


def api_export(w: World, a: ApiClient) -> Outcome:
    response = a.get(f"/reviews/jobs/{w.read.application.job_id}/ranking")
    return Outcome(response.status_code, response.status_code == 200)


API: dict[str, Action] = {
    "account.create_user": api_create_user,
    "account.set_password": api_set_password,
    "account.deactivate": api_deactivate,
    "key.mint_own": api_mint_own,
    "key.mint_for_other": api_mint_for_other,
    "key.revoke_other": api_revoke_other,
    "grant.give": api_grant_give,
    "grant.remove": api_grant_remove,
    "candidate.list": lambda w, a: shows(a.get("/candidates/")),
    "candidate.detail": lambda w, a: shows(a.get(f"/candidates/{w.candidate.pk}")),
    "candidate.edit": api_candidate_edit,
    "candidate.delete": api_candidate_delete,
    "candidate.resume": api_resume,
    "candidate.workbench": lambda w, a: shows(a.get(f"/reviews/interviews/{w.read.session.pk}")),
    "candidate.export": api_export,
    "recording.download": api_download,
    "audit.read_trail": lambda w, a: shows(a.get("/audit/events"), "apikey.create"),
}


def verdict(action: str, allowed: bool, outcome: Outcome) -> str:
    """'' when the cell holds, else what went wrong."""
    if allowed and (outcome.status >= 400 or not outcome.effect):
        return f"{action}: expected allowed, got {outcome.status} effect={outcome.effect}"
    refused = outcome.status in (403, 404, 422) or (outcome.status == 200 and "." in action)
    if not allowed and (outcome.effect or not refused):
        return f"{action}: expected refused, got {outcome.status} effect={outcome.effect}"
    return ""


def run(role: Role, world: World, actions: dict[str, Action], client: Any) -> list[str]:
    wrong = []
    for action, do in actions.items():
        problem = verdict(action, EXPECTED[(action, role)], do(world, client))
        if problem:
            wrong.append(problem)
    return wrong


@pytest.fixture
def world_for(org: Any, make_user: Any, tmp_path: Path) -> Iterator[Callable[[Role], World]]:
    yield lambda role: build(role, org, make_user, tmp_path)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_through_the_ui(role: Role, world_for: Any) -> None:
    world = world_for(role)
    client = Client()
    client.force_login(world.actor)
    wrong = run(role, world, UI, client)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_through_the_api(role: Role, world_for: Any) -> None:
    world = world_for(role)
    _key, raw = apikey_create(
        actor=None,
        user=world.actor,
        scopes=ALL_SCOPES,
    )
    wrong = run(role, world, API, ApiClient(raw))
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_role_and_action() -> None:
    assert {role for _action, role in EXPECTED} == set(ROLES)
    assert set(UI) | set(API) == {action for action, _role in EXPECTED}
