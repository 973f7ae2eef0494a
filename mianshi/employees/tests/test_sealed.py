"""Key rotation reaches the archive: inbound secrets and the frozen reports are re-sealed
under the new key and still read after the old key is removed (employees/sealed.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from mianshi.common import crypto
from mianshi.common.sealed import sealed_rotate
from mianshi.employees.models import Baseline, InboundSource
from mianshi.employees.services.baseline import baseline_report_download
from mianshi.employees.services.inbound import SECRET_CONTEXT, inbound_source_create
from mianshi.employees.tests.world import hire
from mianshi.reviews.tests.factories import ReviewWorld

NEW_KEY = "k9:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY="
KINDS = {"employees.inbound_secret", "employees.baseline_report"}


def test_rotation_reseals_secrets_and_reports(world: ReviewWorld, settings: Any) -> None:
    employee = hire(world)
    _source, secret = inbound_source_create(actor=world.hr, name="beisen", org_unit=world.org.sh)
    old_path = Baseline.objects.get().report_path
    settings.ENCRYPTION_KEYS = [NEW_KEY, settings.ENCRYPTION_KEYS[0]]
    run = sealed_rotate()
    assert {k.name: k.remaining for k in run.kinds if k.name in KINDS} == dict.fromkeys(KINDS, 0)
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key removed
    source = InboundSource.objects.get()
    assert crypto.key_id_of(source.secret_enc) == "k9"
    assert crypto.decrypt_str(source.secret_enc, context=SECRET_CONTEXT) == secret
    baseline = Baseline.objects.get()
    assert baseline.report_key_id == "k9" and not default_storage.exists(old_path)
    pdf, _name = baseline_report_download(actor=world.hr, employee=employee)
    assert pdf.startswith(b"%PDF")
