"""The audit trail is append-only and hash-chained."""

import pytest

from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record, audit_verify

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
