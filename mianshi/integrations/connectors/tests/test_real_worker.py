"""With a REAL Celery worker: the approved offer's event is dispatched, the trigger makes
the sync and the sender pushes it to the fake SuccessFactors — all in the worker process,
through the broker, as in production."""

from __future__ import annotations

from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.common.tests.real_worker import RealWorkers
from mianshi.integrations.connectors.models import Sync, SyncStatus
from mianshi.integrations.connectors.tests.conftest import make_connector
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, approved, offered


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_hire_to_successfactors(
    real_workers: RealWorkers,
    admin: User,
    org: Any,
    sf: FakeSF,
    world: ReviewWorld,
) -> None:
    make_connector(admin, org.sh, sf)
    offer = offered(world)
    sf.add_candidate(501, EMAIL, 9001)
    real_workers.start()
    approved(world, offer)
    sync = real_workers.wait_until(
        lambda: Sync.objects.filter(status=SyncStatus.SUCCEEDED).first(),
        what="the worker to push the assessment",
        timeout=120,
    )
    assert sync.external_id == "9001" and sync.object_id == offer.application_id
    report = sf.report(offer.application_id)
    assert report is not None and report["status"] == "COMPLETED"
