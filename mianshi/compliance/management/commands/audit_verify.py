"""`manage.py audit_verify`: walk the hash chain; exit 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_verify


class Command(BaseCommand):
    help = "Verify that the audit trail's hash chain is intact (exit code 1 if not)."

    def handle(self, *args: Any, **options: Any) -> None:
        intact, broken_id = audit_verify()
        if not intact:
            raise CommandError(
                f"Audit chain BROKEN at event id {broken_id}: "
                "this event or one before it was altered or removed.",
                returncode=1,
            )
        count = AuditEvent.objects.count()
        self.stdout.write(f"Audit chain intact: {count} events verified.")
