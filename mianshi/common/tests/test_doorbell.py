"""The doorbell wakes one run per burst, and never leaves committed work without a run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from mianshi.common.doorbell import STALE, bell_ring, bell_silence, ring_on_commit
from mianshi.common.models import Doorbell

woken: list[str] = []


def wake(name: str) -> None:
    woken.append(name)


@pytest.mark.django_db
def test_a_bell_wakes_once_until_a_run_silences_it() -> None:
    assert bell_ring("b") is True  # quiet (never rung): the caller wakes a run
    assert bell_ring("b") is False  # a run is woken already
    bell_silence("b")
    assert bell_ring("b") is True


@pytest.mark.django_db
def test_a_bell_rung_long_ago_wakes_again() -> None:
    """Its message may be lost (a broker restart): the next writer wakes a run anyway."""
    assert bell_ring("b") is True
    Doorbell.objects.filter(name="b").update(rung_at=timezone.now() - STALE - timedelta(1))
    assert bell_ring("b") is True


@pytest.mark.django_db(transaction=True)
def test_a_transaction_with_many_writes_rings_once_after_commit() -> None:
    woken.clear()
    with transaction.atomic():
        for _ in range(100):
            ring_on_commit("b", wake, "b")
        assert woken == []  # nothing before the commit
    assert woken == ["b"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_take_the_other_rows_wake_up_with_it() -> None:
    woken.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():
                ring_on_commit("b", wake, "b")  # registered in a savepoint…
                raise RuntimeError
        except RuntimeError:
            pass  # …that rolls back, and its registration with it
        ring_on_commit("b", wake, "b")  # this row's own registration stands
    assert woken == ["b"]


@pytest.mark.django_db(transaction=True)
def test_a_registration_inside_a_savepoint_is_covered_by_the_enclosing_one(
    django_assert_max_num_queries: Any,
) -> None:
    woken.clear()
    with transaction.atomic():
        ring_on_commit("b", wake, "b")
        with transaction.atomic():
            ring_on_commit("b", wake, "b")
            ring_on_commit("other", wake, "other")  # another bell is another wake-up
    assert woken == ["b", "other"]


@pytest.mark.django_db(transaction=True)
def test_a_rollback_wakes_nobody() -> None:
    woken.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        ring_on_commit("b", wake, "b")
        raise RuntimeError
    assert woken == []
    assert not Doorbell.objects.filter(name="b", rung_at__isnull=False).exists()
