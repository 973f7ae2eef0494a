"""The transition-action pages: configure, see what is inherited, refusals, scoping."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.accounts.roles import Role
from mianshi.candidates.pipeline import Stage
from mianshi.integrations.automation.models import ActionKind, NoticeTemplate, TransitionRule
from mianshi.integrations.automation.services import notice_create, rule_create

pytestmark = pytest.mark.django_db
BASE = "/integrations/transition-actions"
S = Stage


def default_rule(world: Any) -> TransitionRule:
    data = {"to_stage": S.INVITED, "from_stage": S.SCREENING, "action": ActionKind.INVITE}
    return rule_create(actor=world.hr_sh, org_unit=world.org.sh, data=data)


def form(**extra: Any) -> dict[str, Any]:
    data = {"to_stage": "invited", "from_stage": "screening", "action": "invite"}
    return {**data, "invitation_kind": "first", "channels": ["email"], "order": 0, **extra}


def test_the_job_page_shows_inherited_rules_and_saves_an_override(world: Any, login: Any) -> None:
    default_rule(world)
    client = login(world.hr_sh)
    page = client.get(f"{BASE}/jobs/{world.job_sh.pk}/").content.decode()
    assert 'data-stage-source="unit"' in page
    response = client.post(f"{BASE}/jobs/{world.job_sh.pk}/", form(enabled=""))
    assert response.status_code == 302
    override = TransitionRule.objects.get(job=world.job_sh)
    assert not override.enabled and override.org_unit == world.job_sh.org_unit
    page = client.get(f"{BASE}/jobs/{world.job_sh.pk}/").content.decode()
    assert 'data-stage-source="job"' in page and 'data-stage-source="unit"' not in page


def test_the_job_detail_page_links_to_its_transition_actions(world: Any, login: Any) -> None:
    page = login(world.hr_sh).get(f"/jobs/{world.job_sh.pk}/").content.decode()
    assert f"{BASE}/jobs/{world.job_sh.pk}/" in page


def test_a_bad_rule_shows_the_error_and_saves_nothing(world: Any, login: Any) -> None:
    client = login(world.hr_sh)
    response = client.post(f"{BASE}/jobs/{world.job_sh.pk}/", form(to_stage="hired"))
    assert response.status_code == 200
    assert response.context["form"].errors["to_stage"]
    response = client.post(f"{BASE}/", form(org_unit=world.org.sz.pk))
    assert response.status_code == 200 and response.context["form"].errors["org_unit"]
    assert not TransitionRule.objects.exists()


def test_hr_sets_a_unit_default_edits_and_deletes_it(world: Any, login: Any) -> None:
    client = login(world.hr_sh)
    assert client.post(f"{BASE}/", form(org_unit=world.org.sh.pk)).status_code == 302
    rule = TransitionRule.objects.get(job__isnull=True)
    assert f'data-rule="{rule.pk}"' in client.get(f"{BASE}/").content.decode()
    edited = client.post(f"{BASE}/rules/{rule.pk}/edit/", form(order=3, enabled="on"))
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert rule.order == 3
    assert client.post(f"{BASE}/rules/{rule.pk}/delete/").status_code == 302
    assert not TransitionRule.objects.exists()


def test_notices_are_checked_before_saving(world: Any, login: Any) -> None:
    client = login(world.hr_sh)
    bad = {"org_unit": world.org.sh.pk, "name": "n", "subject": "{nmae}", "body": "b"}
    response = client.post(f"{BASE}/notices/new/", bad)
    assert response.status_code == 200 and response.context["form"].errors["subject"]
    assert not NoticeTemplate.objects.exists()
    good = {**bad, "subject": "{job_title}"}
    assert client.post(f"{BASE}/notices/new/", good).status_code == 302
    notice = NoticeTemplate.objects.get()
    edited = client.post(f"{BASE}/notices/{notice.pk}/edit/", {**good, "name": "初筛通过"})
    assert edited.status_code == 302
    notice.refresh_from_db()
    assert notice.name == "初筛通过"


def test_another_branch_gets_404_everywhere(world: Any, login: Any) -> None:
    rule = default_rule(world)
    notice = notice_create(
        actor=world.hr_sh, org_unit=world.org.sh, data={"name": "n", "subject": "s", "body": "b"}
    )
    client = login(world.hr_sz)
    assert client.get(f"{BASE}/jobs/{world.job_sh.pk}/").status_code == 404
    assert client.get(f"{BASE}/rules/{rule.pk}/edit/").status_code == 404
    assert client.post(f"{BASE}/rules/{rule.pk}/delete/").status_code == 404
    assert client.get(f"{BASE}/notices/{notice.pk}/edit/").status_code == 404
    assert client.post(f"{BASE}/notices/{notice.pk}/delete/").status_code == 404
    page = client.get(f"{BASE}/").content.decode()
    assert f'data-rule="{rule.pk}"' not in page and "n</a>" not in page
    assert TransitionRule.objects.filter(pk=rule.pk).exists()


def test_people_who_do_not_manage_jobs_are_refused(world: Any, login: Any, make_user: Any) -> None:
    manager = make_user("mgr_sh", Role.DEPT_MANAGER, world.org.sh)
    assert login(manager).get(f"{BASE}/").status_code == 403
    assert login(manager).get(f"{BASE}/jobs/{world.job_sh.pk}/").status_code == 404


def test_an_applications_actions_are_listed_for_its_branch_only(
    world: Any, login: Any, smtp: Any, eager: Any, move: Any
) -> None:
    default_rule(world)
    move(world.hr_sh, world.app_sh, S.SCREENING)
    move(world.hr_sh, world.app_sh, S.INVITED)
    url = f"{BASE}/applications/{world.app_sh.pk}/"
    page = login(world.hr_sh).get(url)
    assert page.status_code == 200 and 'data-status="done"' in page.content.decode()
    assert login(world.hr_sz).get(url).status_code == 404


def test_the_pages_render_in_chinese(world: Any, login: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    default_rule(world)
    client = login(world.hr_sh)
    for url in (f"{BASE}/", f"{BASE}/jobs/{world.job_sh.pk}/", f"{BASE}/notices/new/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()
