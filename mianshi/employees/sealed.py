"""What the employee archive seals with ENCRYPTION_KEYS, registered for key rotation
(common.sealed): inbound sources' webhook secrets and the frozen interview reports."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet

from mianshi.common.crypto import current_key_id, reseal_bytes
from mianshi.common.sealed import SealedKind, in_batches, register, reseal_each, sealed_text_field
from mianshi.employees.models import Baseline, InboundSource
from mianshi.employees.services.baseline import report_context
from mianshi.employees.services.inbound import SECRET_CONTEXT

register(
    sealed_text_field(
        name="employees.inbound_secret",
        model=InboundSource,
        field="secret_enc",
        context=SECRET_CONTEXT,
    )
)


def _stale_reports() -> QuerySet[Baseline]:
    return Baseline.objects.exclude(report_path="").exclude(report_key_id=current_key_id())


def _reseal(baseline: Baseline) -> bool:
    with default_storage.open(baseline.report_path, "rb") as stored:
        blob = reseal_bytes(stored.read(), context=report_context(baseline.employee_id))
    old = baseline.report_path
    path = default_storage.save(f"baselines/{uuid.uuid4().hex}.enc", ContentFile(blob))
    done = Baseline.objects.filter(pk=baseline.pk, report_path=old).update(
        report_path=path, report_key_id=current_key_id()
    )
    default_storage.delete(old if done else path)
    return bool(done)


def _rotate(batch_size: int) -> int:
    rows = in_batches(_stale_reports(), batch_size)
    return reseal_each("employees.baseline_report", rows, _reseal)


register(
    SealedKind(
        name="employees.baseline_report",
        rotate=_rotate,
        remaining=lambda: _stale_reports().count(),
    )
)
