"""The audit trail is append-only and hash-chained."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from mianshi.accounts.models import User
from mianshi.accounts.services import user_deactivate
from mianshi.compliance.models import AuditChainHead, AuditEvent
from mianshi.compliance.services import audit_record, audit_verify, event_hash

pytestmark = pytest.mark.django_db


def test_chain_verifies_and_detects_tampering() -> None:
    for n in range(3):
        audit_record(actor=None, action="test.event", object_type="x", object_id=n)
    assert audit_verify() == (True, None)
    middle = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=middle.pk).update(action="test.forged")
    assert audit_verify() == (False, middle.pk)


def test_events_refuse_update_and_delete() -> None:
    event = audit_record(actor=None, action="test.event", object_type="x")
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_personal_values_are_refused_in_detail() -> None:
    with pytest.raises(ValueError):
        audit_record(actor=None, action="t", object_type="x", detail={"note": "x" * 200})


def _trail(n: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="test.event", object_type="x", object_id=i)
        for i in range(n)
    ]


def _raw_delete(events: list[AuditEvent]) -> None:
    # delete() on the model is refused; a raw queryset delete is what an attacker would do.
    pks = [e.pk for e in events]
    AuditEvent.objects.filter(pk__in=pks)._raw_delete(AuditEvent.objects.db)


def test_truncating_the_newest_events_is_detected() -> None:
    events = _trail(5)
    _raw_delete(events[-2:])
    intact, _broken = audit_verify()
    assert not intact
    with pytest.raises(CommandError) as err:
        call_command("audit_verify", stdout=StringIO())
    assert err.value.returncode == 1 and "head" in str(err.value)


def test_verify_prints_the_head_hash_and_count_as_an_anchor() -> None:
    events = _trail(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert f"{events[-1].hash}:3" in out.getvalue()
    out = StringIO()
    call_command("audit_verify", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "intact": True, "count": 3, "head": events[-1].hash, "anchor": f"{events[-1].hash}:3",
    }  # fmt: skip


def test_a_stored_anchor_detects_a_rewrite_before_it() -> None:
    events = _trail(4)
    anchor = f"{events[1].hash}:2"  # stored elsewhere after the second event
    call_command("audit_verify", "--anchor", anchor, stdout=StringIO())
    # A database writer rewrites the first events and recomputes the whole chain and head:
    # the chain is consistent again, only the anchor held outside can tell.
    AuditEvent.objects.filter(pk=events[0].pk).update(action="test.forged")
    prev = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = prev
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=event_hash(event))
        prev = event_hash(event)
    AuditChainHead.objects.update(last_hash=prev)
    call_command("audit_verify", stdout=StringIO())  # intact without an anchor
    with pytest.raises(CommandError) as err:
        call_command("audit_verify", "--anchor", anchor, stdout=StringIO())
    assert err.value.returncode == 1 and "anchor" in str(err.value)


def test_a_malformed_anchor_is_a_clear_error() -> None:
    _trail(1)
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_verify", "--anchor", "nonsense", stdout=StringIO())
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_verify", "--anchor", "ab:99", stdout=StringIO())


def test_a_user_named_in_events_cannot_be_deleted_and_deactivation_keeps_the_chain(
    make_user: Any,
) -> None:
    user = make_user("leaver")
    audit_record(actor=user, action="test.event", object_type="x")
    with pytest.raises(ProtectedError):
        user.delete()
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=user.pk).delete()
    user_deactivate(actor=None, user=user)
    assert User.objects.get(pk=user.pk).is_active is False
    call_command("audit_verify", stdout=StringIO())
    assert audit_verify() == (True, None)
