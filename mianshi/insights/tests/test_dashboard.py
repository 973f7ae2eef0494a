"""The dashboard counts applications per stage within the user's scope only."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from mianshi.accounts.models import User
from mianshi.candidates.models import Application

pytestmark = pytest.mark.django_db


def stage_counts(username: str) -> dict[str, int]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get("/home/funnel/")
    if response.status_code == 403:  # no candidates to count: no funnel
        return {}
    html = response.content.decode()
    found = re.findall(r'data-stage="(\w+)" data-now="(\d+)"', html)
    return {stage: int(n) for stage, n in found}


def test_counts_follow_scope() -> None:
    call_command("load_demo", stdout=StringIO())
    admin, sh, sz = stage_counts("admin"), stage_counts("hr_sh"), stage_counts("hr_sz")
    assert sum(admin.values()) == Application.objects.count()
    assert sum(sh.values()) == Application.objects.filter(org_unit__code__startswith="sh").count()
    assert sum(sz.values()) == Application.objects.filter(org_unit__code__startswith="sz").count()
    assert sum(sh.values()) + sum(sz.values()) == sum(admin.values())
    assert stage_counts("auditor") == {} or sum(stage_counts("auditor").values()) == 0


def test_dashboard_is_chinese_by_default_and_english_on_request() -> None:
    call_command("load_demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="hr_sh"))
    assert "工作台" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in client.get("/").content.decode()


def test_english_browser_still_gets_chinese_until_switching(settings: object) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/")
    assert "登录" in response.content.decode()
    api = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/accounts/me")
    assert api.status_code == 401
