"""The whole path: an approved offer → the outbox event → the trigger → a Sync → the fake
SuccessFactors holds the report with the workbench's scores; and the ugly paths."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from mianshi.accounts.models import User
from mianshi.common.external_refs import external_refs_of
from mianshi.compliance.models import AuditEvent
from mianshi.integrations.connectors.models import Connector, Sync, SyncStatus
from mianshi.integrations.connectors.services.requests import sync_retry
from mianshi.integrations.connectors.services.syncs import sync_send, syncs_sweep
from mianshi.integrations.connectors.tests.conftest import make_connector
from mianshi.integrations.connectors.tests.fake_successfactors import FakeSF, new_private_key
from mianshi.reviews.models import InterviewScore, Offer
from mianshi.reviews.services.scores import final_score
from mianshi.reviews.tests.factories import ReviewWorld
from mianshi.reviews.tests.offer_world import EMAIL, approved, offered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _hire(world: ReviewWorld, sf: FakeSF) -> Offer:
    offer = offered(world)
    sf.add_candidate(501, EMAIL, 9001)
    return approved(world, offer)


def _run_due(sync: Sync) -> str:
    """What the retry's countdown does, now: the row is due, the sender runs."""
    Sync.objects.filter(pk=sync.pk).update(next_attempt_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sync_send(sync_id=sync.pk)


def test_an_approved_offer_lands_in_successfactors_with_the_workbench_scores(
    connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    offer = _hire(world, sf)
    sync = Sync.objects.get(connector=connector)
    assert (sync.status, sync.kind, sync.object_id) == (
        SyncStatus.SUCCEEDED,
        "assessment",
        offer.application_id,
    )
    assert sync.external_id == "9001" and sync.attempts == 1 and sync.template_version == 1
    report = sf.report(offer.application_id)
    assert report is not None and report["status"] == "COMPLETED"
    assert report["reportUrl"].endswith(f"/interviews/{world.sessions[0].pk}/report.pdf")
    score = InterviewScore.objects.get(application_id=offer.application_id)
    details = {d["scoreComponent"]: d["scoreValue"] for d in report["assessmentReportDetail"]}
    assert details.pop("overall") == str(round(score.final_total or 0, 2))
    # Per dimension the final score by the job's policy, as the report and the baseline.
    ai = {d["code"]: d.get("score") for d in score.ai_dimensions or []}
    finals = {
        d["name"]: final_score(score.policy, ai.get(d["code"]), d["score"])
        for d in score.human_dimensions
    }
    assert details == {name: str(round(value or 0, 2)) for name, value in finals.items()}
    assert sync.payload["candidate"]["value"] == EMAIL  # exactly what was sent, kept sealed
    assert EMAIL not in Sync.objects.values_list("payload_enc", flat=True).get(pk=sync.pk)
    assert external_refs_of(offer.application) == {"successfactors": "9001"}


def test_an_event_handled_twice_syncs_once(
    connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    from mianshi.events.models import Event
    from mianshi.integrations.connectors.consumers import trigger

    _hire(world, sf)
    event = Event.objects.get(type="offer.approved")
    with TestCase.captureOnCommitCallbacks(execute=True):
        trigger([event])
    assert Sync.objects.filter(connector=connector).count() == 1
    assert sf.upserts[("JobApplicationAssessmentReport", str(event.data["application_id"]))] == 1


def test_wrong_credentials_need_attention_and_nothing_is_half_written(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    wrong = {"client_id": "api-key-1", "private_key": new_private_key()}
    make_connector(admin, org.sh, sf, credentials=wrong)
    _hire(world, sf)
    sync = Sync.objects.get()
    assert sync.status == SyncStatus.NEEDS_ATTENTION and sync.error_code == "credentials"
    assert "401" in sync.last_error and sync.external_id == "" and sync.succeeded_at is None
    assert sf.upserts == {} and sf.entities == {}


def test_429_with_retry_after_is_retried_later_and_arrives_once(
    connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    sf.throttle(every=3, retry_after="30")  # the third OData call of the push: its upsert
    _hire(world, sf)
    sync = Sync.objects.get()
    assert sync.status == SyncStatus.PENDING and sync.error_code == "rate_limited"
    wait = (sync.next_attempt_at - timezone.now()).total_seconds()
    assert 28 < wait <= 30.3
    assert sync_send(sync_id=sync.pk) == "taken"  # not before the Retry-After
    sf.throttle(every=0)
    assert _run_due(sync) == "succeeded"
    sync.refresh_from_db()
    assert sync.attempts == 2 and sync.external_id == "9001"
    assert sum(sf.upserts.values()) == 2  # the order and the report, each once
    assert set(sf.upserts.values()) == {1}


def test_a_disabled_connector_makes_no_syncs(
    connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    Connector.objects.filter(pk=connector.pk).update(enabled=False)
    _hire(world, sf)
    assert not Sync.objects.exists()


def test_a_connector_of_another_branch_does_not_see_the_event(
    admin: User, org: Any, make_user: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    from mianshi.accounts.roles import Role

    sz_admin = make_user("sz_admin", Role.HR_ADMIN, org.sz)
    make_connector(sz_admin, org.sz, sf)
    _hire(world, sf)
    assert not Sync.objects.exists() and sf.upserts == {}


def test_a_broken_record_needs_attention_then_a_retry_after_the_fix_sends_it(
    connector: Connector, world: ReviewWorld, sf: FakeSF, admin: User
) -> None:
    offer = offered(world)  # SuccessFactors does not know the candidate yet
    approved(world, offer)
    sync = Sync.objects.get()
    assert sync.status == SyncStatus.NEEDS_ATTENTION and sync.error_code == "candidate_not_found"
    sf.add_candidate(501, EMAIL, 9001)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sync_retry(actor=admin, sync=sync)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCEEDED and sync.external_id == "9001"
    assert AuditEvent.objects.filter(action="connector.sync_retry").count() == 1


def test_the_sweep_gives_back_a_dead_workers_claim(
    connector: Connector, world: ReviewWorld, sf: FakeSF
) -> None:
    sf.throttle(every=1)
    _hire(world, sf)
    sync = Sync.objects.get()
    old = timezone.now() - timedelta(hours=1)
    Sync.objects.filter(pk=sync.pk).update(status=SyncStatus.RUNNING, claimed_at=old)
    sf.throttle(every=0)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert syncs_sweep() == 1
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCEEDED


def test_a_stage_trigger_fires_only_on_entering_that_stage(
    admin: User, org: Any, world: ReviewWorld, sf: FakeSF
) -> None:
    from mianshi.events.services import event_emit

    stage_trigger = [
        {
            "event": "application.stage_changed",
            "kind": "assessment",
            "to_stage": "pending_onboarding",
        }
    ]
    connector = make_connector(admin, org.sh, sf, triggers=stage_trigger)
    app = offered(world).application
    sf.add_candidate(501, EMAIL, 9001)
    base = {
        "application_id": app.pk,
        "candidate_id": app.candidate_id,
        "job_id": app.job_id,
        "transition_id": 1,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        event_emit(
            type="application.stage_changed",
            data={**base, "from_stage": "ai_scored", "to_stage": "second_round"},
            org_unit_id=app.org_unit_id,
        )
    assert not Sync.objects.filter(connector=connector).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        event_emit(
            type="application.stage_changed",
            data={**base, "from_stage": "offer_approval", "to_stage": "pending_onboarding"},
            org_unit_id=app.org_unit_id,
        )
    sync = Sync.objects.get(connector=connector)
    assert sync.status == SyncStatus.SUCCEEDED and sync.object_id == app.pk
