"""The shared claim helper (common/claims.py) on real delivery rows: one caller wins a row,
claims are counted, and the sweep gives up rows claimed too often and gives back the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mianshi.common.claims import claim, claims_sweep
from mianshi.invitations.models import Delivery, DeliveryStatus
from mianshi.invitations.services import invitation_create

pytestmark = pytest.mark.django_db

QUEUED, SENDING = {"status": DeliveryStatus.QUEUED}, {"status": DeliveryStatus.SENDING}


def _deliveries(world: Any, n: int) -> list[Delivery]:
    invitation, _token = invitation_create(actor=world.hr_sh, application=world.app_sh)
    return [Delivery.objects.create(invitation=invitation, channel="email") for _ in range(n)]


def test_only_the_first_claim_of_a_row_wins_and_it_is_counted(world: Any) -> None:
    [delivery] = _deliveries(world, 1)
    won = [
        claim(Delivery.objects, pk=delivery.pk, expect=QUEUED, to=SENDING, count="attempts")
        for _ in range(3)
    ]
    assert won == [True, False, False]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENDING, 1)


def test_a_row_that_changed_state_cannot_be_claimed(world: Any) -> None:
    [delivery] = _deliveries(world, 1)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT)
    assert not claim(Delivery.objects, pk=delivery.pk, expect=QUEUED, to=SENDING)


def test_the_sweep_gives_up_rows_claimed_too_often_and_gives_back_the_rest(world: Any) -> None:
    tired, fresh = _deliveries(world, 2)
    old = timezone.now() - dt.timedelta(hours=1)
    Delivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=old, attempts=1)
    Delivery.objects.filter(pk=tired.pk).update(attempts=3)
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING)
    failed = {"status": DeliveryStatus.FAILED}
    assert claims_sweep(stale, count="attempts", limit=3, give_up=failed, give_back=QUEUED) == (
        1,
        1,
    )
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {tired.pk: DeliveryStatus.FAILED, fresh.pk: DeliveryStatus.QUEUED}
