"""Auditor UI and API: scoped, filterable trail; audit_verify command (F-100)."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from mianshi.accounts.roles import Role
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(org: Any) -> dict[str, AuditEvent]:
    return {
        "sh": audit_record(
            actor="sys",
            action="job.create",
            object_type="jobs.job",
            object_id=1,
            org_unit_id=org.sh_sales.pk,
        ),
        "sz": audit_record(
            actor="sys",
            action="job.create",
            object_type="jobs.job",
            object_id=2,
            org_unit_id=org.sz_sales.pk,
        ),
        "none": audit_record(actor="sys", action="system.boot", object_type="system"),
    }


def test_branch_auditor_sees_only_own_subtree(
    org: Any, events: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    auditor = make_user("sh-aud", Role.AUDITOR, org.sh)
    ids = {e["id"] for e in api_for(auditor).get("/audit/events", page=1).json()["items"]}
    assert events["sh"].pk in ids
    assert events["sz"].pk not in ids and events["none"].pk not in ids
    assert ids == set(
        AuditEvent.objects.filter(
            org_unit_id__in=[org.sh.pk, org.sh_sales.pk, org.sh_tech.pk]
        ).values_list("id", flat=True)
    )
    body = login(auditor).get("/audit/").content.decode()
    assert 'data-action="system.boot"' not in body and 'data-action="job.create"' in body


def test_root_auditor_sees_everything(org: Any, events: Any, make_user: Any, api_for: Any) -> None:
    auditor = make_user("hq-aud", Role.AUDITOR, org.hq)
    body = api_for(auditor).get("/audit/events").json()
    # Every event, but not the record of this very read, written after the page.
    assert body["count"] == AuditEvent.objects.count() - 1
    assert AuditEvent.objects.order_by("id").last().action == "audit.list"  # type: ignore[union-attr]


def test_other_branch_event_detail_is_404(
    org: Any, events: Any, make_user: Any, api_for: Any
) -> None:
    api = api_for(make_user("sh-aud", Role.AUDITOR, org.sh))
    assert api.get(f"/audit/events/{events['sz'].pk}").status_code == 404
    assert api.get(f"/audit/events/{events['none'].pk}").status_code == 404
    assert api.get(f"/audit/events/{events['sh'].pk}").json()["action"] == "job.create"


def test_non_auditor_is_refused(
    org: Any, events: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    admin = make_user("hq-admin", Role.HR_ADMIN, org.hq)
    assert login(admin).get("/audit/").status_code == 403
    assert api_for(admin).get("/audit/events").json()["count"] == 0


def test_filters(org: Any, events: Any, make_user: Any, api_for: Any, login: Any) -> None:
    auditor = make_user("hq-aud", Role.AUDITOR, org.hq)
    api = api_for(auditor)
    by_action = api.get("/audit/events", action="job.").json()
    assert {e["id"] for e in by_action["items"]} == {events["sh"].pk, events["sz"].pk}
    by_type = api.get("/audit/events", object_type="system").json()
    assert [e["id"] for e in by_type["items"]] == [events["none"].pk]
    by_actor = api.get("/audit/events", actor="sys").json()
    assert by_actor["count"] == 3
    today = timezone.localdate()
    future = api.get("/audit/events", date_from=str(today + timedelta(days=1))).json()
    assert future["count"] == 0
    current = api.get("/audit/events", date_from=str(today), date_to=str(today)).json()
    assert current["count"] == AuditEvent.objects.count() - 1  # its own read comes after
    page = login(auditor).get("/audit/", {"action": "system"}).content.decode()
    assert 'data-action="system.boot"' in page and 'data-action="job.create"' not in page


def test_ui_paginates(org: Any, make_user: Any, login: Any) -> None:
    for n in range(60):
        audit_record(actor="sys", action="bulk.event", object_type="x", object_id=n)
    client = login(make_user("hq-aud", Role.AUDITOR, org.hq))
    first = client.get("/audit/", {"action": "bulk."}).content.decode()
    second = client.get("/audit/", {"action": "bulk.", "page": 2}).content.decode()
    assert first.count('data-action="bulk.event"') == 50
    assert second.count('data-action="bulk.event"') == 10


def test_bad_date_filter_is_shown_not_500(
    org: Any, make_user: Any, login: Any, api_for: Any
) -> None:
    auditor = make_user("hq-aud", Role.AUDITOR, org.hq)
    response = login(auditor).get("/audit/", {"date_from": "not-a-date"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert api_for(auditor).get("/audit/events", date_from="nope").status_code == 422


def test_audit_verify_command_intact_and_tampered(org: Any, events: Any) -> None:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
    AuditEvent.objects.filter(pk=events["sz"].pk).update(org_unit_id=None)
    with pytest.raises(CommandError) as err:
        call_command("audit_verify", stdout=StringIO())
    assert err.value.returncode == 1
    assert f"id {events['sz'].pk}" in str(err.value)


def test_audit_verify_detects_a_deleted_row(org: Any, events: Any) -> None:
    # delete() on the model is refused; a raw queryset delete is what an attacker would do.
    AuditEvent.objects.filter(pk=events["sh"].pk)._raw_delete(AuditEvent.objects.db)
    with pytest.raises(CommandError) as err:
        call_command("audit_verify", stdout=StringIO())
    assert f"id {events['sz'].pk}" in str(err.value)


def test_actions_and_objects_show_by_their_labels(org: Any, make_user: Any, login: Any) -> None:
    auditor = make_user("hq-aud", Role.AUDITOR, org.hq)
    audit_record(actor=auditor, action="login.success", obj=auditor, changed_fields=["is_active"])
    client = login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/audit/").content.decode()
    assert '<td data-action="login.success">Signed in</td>' in body
    assert ">user #" in body and ">active</span>" in body  # the model's and field's names
    assert '<option value="login.success" label="Signed in">' in body  # the filter's list
