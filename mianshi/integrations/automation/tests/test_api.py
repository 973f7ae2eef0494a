"""The transition-action API: CRUD, refusals with nothing saved, scoping, runs."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import NoticeTemplate, TransitionRule
from mianshi.jobs.tests.factories import make_question, make_template

pytestmark = pytest.mark.django_db
BASE = "/integrations/transition-actions"
SCOPES = ["integrations:read", "integrations:write"]
S = Stage


def invite(**extra: Any) -> dict[str, Any]:
    return {"to_stage": S.INVITED, "from_stage": S.SCREENING, "action": "invite", **extra}


def test_hr_creates_reads_changes_and_deletes_a_rule(world: Any, api_for: Any) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    created = api.post(f"{BASE}/rules", invite(org_unit_id=world.org.sh.pk))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["action"], body["channels"], body["invitation_kind"]) == (
        "invite",
        ["email"],
        "first",
    )
    rule_id = body["id"]
    assert api.get(f"{BASE}/rules/{rule_id}").json()["to_stage"] == "invited"
    changed = api.patch(f"{BASE}/rules/{rule_id}", {"enabled": False, "from_stage": None})
    assert changed.status_code == 200
    assert (changed.json()["enabled"], changed.json()["from_stage"]) == (False, "")
    listed = api.get(f"{BASE}/rules", org_unit_id=world.org.sh.pk).json()
    assert [r["id"] for r in listed["items"]] == [rule_id]
    assert api.delete(f"{BASE}/rules/{rule_id}").status_code == 204
    assert not TransitionRule.objects.exists()


def test_effective_rules_show_the_job_override(world: Any, api_for: Any) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    api.post(f"{BASE}/rules", invite(org_unit_id=world.org.sh.pk))
    query = {"job_id": world.job_sh.pk, "to_stage": "invited", "from_stage": "screening"}
    (inherited,) = api.get(f"{BASE}/effective", **query).json()
    override = api.post(f"{BASE}/rules", invite(job_id=world.job_sh.pk, order=2)).json()
    (own,) = api.get(f"{BASE}/effective", **query).json()
    assert inherited["job_id"] is None and own["id"] == override["id"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_stage": "nowhere", "action": "invite"}, "to_stage"),
        ({"to_stage": "hired", "from_stage": "applied", "action": "notify"}, "from_stage"),
        ({"to_stage": "hired", "action": "invite"}, "to_stage"),
        ({"to_stage": "invited", "action": "invite", "channels": ["pigeon"]}, "channels"),
        ({"to_stage": "invited", "action": "invite", "invitation_kind": "re_record"}, "kind"),
        ({"to_stage": "invited", "action": "notify"}, "notice"),
        ({"to_stage": "invited", "action": "invite", "interview_template_id": 999999}, "templ"),
        ({"to_stage": "invited", "action": "connector", "connector_id": 999999}, "connector"),
        ({"to_stage": "invited", "action": "invite", "order": 5000}, "order"),
        ({"to_stage": "invited", "action": "invite", "color": "red"}, "color"),
    ],
)
def test_bad_rules_are_refused_with_422_and_nothing_is_saved(
    world: Any, api_for: Any, payload: dict[str, Any], field: str
) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    response = api.post(f"{BASE}/rules", {"org_unit_id": world.org.sh.pk, **payload})
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert not TransitionRule.objects.exists()


def test_a_template_of_another_branch_cannot_be_named(world: Any, api_for: Any) -> None:
    question = make_question(world.org.sz_sales, world.hr_sz)
    theirs = make_template(world.org.sz_sales, [question], world.hr_sz, name="深圳一面")
    api = api_for(world.hr_sh, scopes=SCOPES)
    payload = invite(job_id=world.job_sh.pk, interview_template_id=theirs.pk)
    response = api.post(f"{BASE}/rules", payload)
    assert response.status_code == 422
    assert "interview_template" in str(response.json()["detail"])
    assert not TransitionRule.objects.exists()


def test_a_rule_names_a_job_or_a_unit_of_the_callers_branch(world: Any, api_for: Any) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    assert api.post(f"{BASE}/rules", invite()).status_code == 422
    both = invite(job_id=world.job_sh.pk, org_unit_id=world.org.sh.pk)
    assert api.post(f"{BASE}/rules", both).status_code == 422
    assert api.post(f"{BASE}/rules", invite(job_id=world.job_sz.pk)).status_code == 422
    assert api.post(f"{BASE}/rules", invite(org_unit_id=world.org.sz.pk)).status_code == 422
    assert not TransitionRule.objects.exists()


def test_notice_placeholders_are_checked(world: Any, api_for: Any) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    bad = {"org_unit_id": world.org.sh.pk, "name": "n", "subject": "{name}", "body": "x"}
    response = api.post(f"{BASE}/notices", bad)
    assert response.status_code == 422 and "subject" in str(response.json()["detail"])
    braces = {**bad, "subject": "ok", "body": "{candidate_name"}
    assert api.post(f"{BASE}/notices", braces).status_code == 422
    assert not NoticeTemplate.objects.exists()
    good = {**bad, "subject": "{job_title}", "body": "{candidate_name}，截止 {deadline}"}
    assert api.post(f"{BASE}/notices", good).status_code == 201


def test_another_branch_sees_and_changes_nothing(world: Any, api_for: Any) -> None:
    mine = api_for(world.hr_sh, scopes=SCOPES)
    rule_id = mine.post(f"{BASE}/rules", invite(org_unit_id=world.org.sh.pk)).json()["id"]
    notice = {"org_unit_id": world.org.sh.pk, "name": "n", "subject": "s", "body": "b"}
    notice_id = mine.post(f"{BASE}/notices", notice).json()["id"]
    theirs = api_for(world.hr_sz, scopes=SCOPES)
    assert theirs.get(f"{BASE}/rules").json()["items"] == []
    assert theirs.get(f"{BASE}/notices").json()["items"] == []
    assert theirs.get(f"{BASE}/rules/{rule_id}").status_code == 404
    assert theirs.patch(f"{BASE}/rules/{rule_id}", {"enabled": False}).status_code == 404
    assert theirs.delete(f"{BASE}/rules/{rule_id}").status_code == 404
    assert theirs.patch(f"{BASE}/notices/{notice_id}", {"name": "x"}).status_code == 404
    query = {"job_id": world.job_sh.pk, "to_stage": "invited"}
    assert theirs.get(f"{BASE}/effective", **query).status_code == 422
    assert TransitionRule.objects.get().enabled


def test_keys_need_the_integrations_scopes(world: Any, api_for: Any) -> None:
    reader = api_for(world.hr_sh, scopes=["integrations:read"])
    assert reader.get(f"{BASE}/rules").status_code == 200
    refused = reader.post(f"{BASE}/rules", invite(org_unit_id=world.org.sh.pk))
    assert refused.status_code == 403
    assert api_for(world.hr_sh, scopes=["jobs:read"]).get(f"{BASE}/runs").status_code == 403


def test_runs_are_listed_per_application_and_failed_ones_retried(
    world: Any, api_for: Any, smtp: Any, eager: Any, move: Any
) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    notice = {"org_unit_id": world.org.sh.pk, "name": "n", "subject": "s", "body": "b"}
    notice_id = api.post(f"{BASE}/notices", notice).json()["id"]
    rule = {"org_unit_id": world.org.sh.pk, "to_stage": "screening", "action": "notify"}
    api.post(f"{BASE}/rules", {**rule, "notice_id": notice_id})
    smtp.refuse = "550 no such user"
    move(world.hr_sh, world.app_sh, S.SCREENING)
    (run,) = api.get(f"{BASE}/runs", application_id=world.app_sh.pk).json()["items"]
    assert (run["status"], run["attempts"]) == ("failed", 1) and "550" in run["error"]
    assert api.get(f"{BASE}/runs", application_id=world.app_sh.pk + 1).json()["items"] == []
    other = api_for(world.hr_sz, scopes=SCOPES)
    assert other.get(f"{BASE}/runs").json()["items"] == []
    assert other.post(f"{BASE}/runs/{run['id']}/retry", {}).status_code == 404
    smtp.refuse = ""
    retried = api.post(f"{BASE}/runs/{run['id']}/retry", {})
    assert retried.status_code == 200
    assert api.post(f"{BASE}/runs/{run['id']}/retry", {}).status_code == 409  # pending now


@pytest.mark.parametrize("text", ["{candidate_name:{x}}", "{job_title!r}", "{0}", "{}"])
def test_placeholders_are_plain_names(world: Any, api_for: Any, text: str) -> None:
    api = api_for(world.hr_sh, scopes=SCOPES)
    notice = {"org_unit_id": world.org.sh.pk, "name": "n", "subject": "s", "body": text}
    assert api.post(f"{BASE}/notices", notice).status_code == 422
    assert not NoticeTemplate.objects.exists()
