"""Running transition actions: once per move, after commit, retried, never in a loop.

The outbox consumer calls `runs_plan` for each `application.stage_changed` event: one
`ActionRun` per effective rule, unique per (transition, rule), so a second delivery of the
event plans nothing new. Each run is executed by a task after the commit (`run_execute`):
claimed with a conditional UPDATE, done once, retried with backoff on a temporary failure,
failed with its reason on a refusal; the sweep picks up what a lost message or a dead
worker left (ARCHITECTURE rule 4).

An action may move the application itself (an invitation moves it to "invited"), which is
a new event: `caused_transition` records that, and a rule never acts on a move that
its own action caused, directly or through other rules (the loop guard).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import ApplicationTransition
from mianshi.common.claims import claim, claims_sweep
from mianshi.common.errors import Conflict, DomainError
from mianshi.common.mail import DeliveryError
from mianshi.compliance.services import audit_record
from mianshi.events.dispatcher import backoff
from mianshi.integrations.automation.models import ActionRun, RunStatus, TransitionRule
from mianshi.integrations.automation.selectors import CAP, effective_rules
from mianshi.integrations.automation.services.actions import (
    ACTIONS,
    IN_TRANSACTION,
    ActionFailed,
    Outcome,
    Skip,
)
from mianshi.organisations.scoping import require_cap

log = logging.getLogger(__name__)
R = RunStatus
UNFINISHED = (R.PENDING, R.RUNNING)
MAX_ATTEMPTS = 8
# Automatic moves in a row before the guard stops (a rule reacting to a rule's effect).
MAX_CHAIN = 3
STALE_CLAIM = timedelta(minutes=15)
ERROR_EXCERPT = 1000


class _Lost(Exception):
    """The claim was swept away while the action ran: the other run's outcome counts."""


def _chain(transition: ApplicationTransition) -> list[int]:
    """The rules whose actions led, one after another, to `transition` (nearest first)."""
    rules: list[int] = []
    current = transition.pk
    for _step in range(MAX_CHAIN):
        cause = ActionRun.objects.filter(caused_transition_id=current).first()
        if cause is None:
            break
        rules.append(cause.rule_id)
        current = cause.transition_id
    return rules


def _loop_reason(rule: TransitionRule, chain: list[int]) -> str:
    if rule.pk in chain:
        return _("Skipped: this move was caused by this rule's own action.")
    if len(chain) >= MAX_CHAIN:
        return _("Skipped: too many automatic steps in a row.")
    return ""


def _enqueue(run_id: int, countdown: float = 0) -> None:
    from mianshi.integrations.automation.tasks import run_action

    run_action.apply_async((run_id,), countdown=countdown)


def runs_plan(*, transition_id: int) -> list[ActionRun]:
    """Create the runs of one pipeline move (none twice) and queue them after commit."""
    transition = (
        ApplicationTransition.objects.select_related("application__job__org_unit")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:  # the application was deleted meanwhile
        return []
    application = transition.application
    rules = effective_rules(
        application.job, to_stage=transition.to_stage, from_stage=transition.from_stage
    )
    chain = _chain(transition) if rules else []
    return [run for rule in rules if (run := _plan_one(transition, rule, chain)) is not None]


def _plan_one(
    transition: ApplicationTransition, rule: TransitionRule, chain: list[int]
) -> ActionRun | None:
    reason = _loop_reason(rule, chain)
    run, created = ActionRun.objects.get_or_create(
        transition=transition,
        rule=rule,
        defaults={
            "application_id": transition.application_id,
            "org_unit_id": transition.application.org_unit_id,
            "action": rule.action,
            "status": R.SKIPPED if reason else R.PENDING,
            "error": reason,
            "due_at": timezone.now(),
        },
    )
    if not created:
        return None
    if not reason:
        # robust: a broker hiccup must not undo the plan; the sweep finds the run.
        transaction.on_commit(partial(_enqueue, run.pk), robust=True)
    return run


def _settle(run: ActionRun, claim_time: datetime, status: str, **fields: object) -> None:
    """Write the outcome if the claim is still ours, with its audit event."""
    mine = ActionRun.objects.filter(pk=run.pk, status=R.RUNNING, claimed_at=claim_time)
    if mine.update(status=status, **fields) != 1:
        raise _Lost
    if status != R.PENDING:
        _next(run)
        audit_record(
            actor=None,
            action=f"transition_action.{status}",
            obj=run,
            changed_fields=["status"],
            detail={"rule": run.rule_id, "transition": run.transition_id, "action": run.action},
        )


def _done(run: ActionRun, claimed_at: datetime, outcome: Outcome) -> None:
    _settle(
        run, claimed_at, R.DONE, result=outcome.result, caused_transition=outcome.caused,
        error="", done_at=timezone.now(),
    )  # fmt: skip


def _perform(run: ActionRun, claimed_at: datetime) -> None:
    action = ACTIONS[run.action]
    if run.action not in IN_TRANSACTION:
        outcome = action(run)
        with transaction.atomic():
            _done(run, claimed_at, outcome)
        return
    with transaction.atomic():
        _done(run, claimed_at, action(run))


def _message(exc: Exception) -> str:
    if isinstance(exc, DomainError | DeliveryError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


def _fail(run: ActionRun, claimed_at: datetime, exc: Exception, *, retry: bool) -> str:
    """Give the run back for a retry with backoff, or fail it, keeping the reason."""
    error = _message(exc)[:ERROR_EXCERPT]
    if not retry or run.attempts >= MAX_ATTEMPTS:
        with transaction.atomic():
            _settle(run, claimed_at, R.FAILED, error=error, done_at=timezone.now())
        return "failed"
    delay = backoff(run.attempts)
    due = timezone.now() + timedelta(seconds=delay)
    _settle(run, claimed_at, R.PENDING, error=error, due_at=due, claimed_at=None)
    transaction.on_commit(partial(_enqueue, run.pk, delay), robust=True)
    return "retry"


def _waits(run_id: int) -> bool:
    """Whether an earlier rule's action on the same move is unfinished: the actions of one
    move run in their rules' order (an invitation before the notice quoting its link)."""
    run = ActionRun.objects.select_related("rule").filter(pk=run_id).first()
    if run is None:
        return False
    order = run.rule.order
    earlier = Q(rule__order__lt=order) | Q(rule__order=order, rule_id__lt=run.rule_id)
    siblings = ActionRun.objects.filter(transition_id=run.transition_id, status__in=UNFINISHED)
    return siblings.filter(earlier).exists()


def _next(run: ActionRun) -> None:
    """Queue the move's later actions, which waited for this one, after the commit."""
    later = ActionRun.objects.filter(transition_id=run.transition_id, status=R.PENDING)
    for pk in later.exclude(pk=run.pk).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue, pk), robust=True)


def run_execute(*, run_id: int) -> str:
    """Claim one due run and do its action: done, skipped, retry, failed, waiting (an
    earlier action of the move is unfinished) or taken (not due, or someone else's)."""
    if _waits(run_id):
        return "waiting"
    now = timezone.now()
    expect = {"status": R.PENDING, "due_at__lte": now}
    to = {"status": R.RUNNING, "claimed_at": now}
    if not claim(ActionRun.objects, pk=run_id, expect=expect, to=to, count="attempts"):
        return "taken"
    run = ActionRun.objects.select_related(
        "rule__notice", "rule__interview_template", "transition",
        "application__candidate", "application__job", "application__org_unit",
    ).get(pk=run_id)  # fmt: skip
    return _attempt(run, now)


def _attempt(run: ActionRun, now: datetime) -> str:
    try:
        _perform(run, now)
    except _Lost:
        return "lost"
    except Skip as exc:
        with transaction.atomic():
            _settle(run, now, R.SKIPPED, error=str(exc), done_at=timezone.now())
        return "skipped"
    except (ActionFailed, DomainError, ValidationError, PermissionDenied) as exc:
        return _fail(run, now, exc, retry=False)
    except DeliveryError as exc:
        return _fail(run, now, exc, retry=exc.temporary)
    except Exception as exc:  # a crash or a locked database: retried, never lost
        log.exception("transition action run %s crashed", run.pk)
        return _fail(run, now, exc, retry=True)
    return "done"


@transaction.atomic
def run_retry(*, actor: Actor, run: ActionRun) -> ActionRun:
    """Try a failed run again now (HR fixed the cause: a template, an address)."""
    require_cap(actor, CAP, run.org_unit_id, _("You may not configure the jobs of this unit."))
    again = ActionRun.objects.filter(pk=run.pk, status=R.FAILED)
    if not again.update(status=R.PENDING, due_at=timezone.now(), claimed_at=None):
        raise Conflict(_("Only a failed action can be tried again."))
    audit_record(actor=actor, action="transition_action.retry", obj=run, changed_fields=["status"])
    transaction.on_commit(partial(_enqueue, run.pk), robust=True)
    run.refresh_from_db()
    return run


def runs_sweep(*, limit: int = 500) -> dict[str, int]:
    """Give back claims of dead workers, then run what is due (run periodically)."""
    now = timezone.now()
    stale = ActionRun.objects.filter(status=R.RUNNING, claimed_at__lt=now - STALE_CLAIM)
    given_up, given_back = claims_sweep(
        stale, count="attempts", limit=MAX_ATTEMPTS,
        give_up={"status": R.FAILED, "error": "worker lost, gave up", "done_at": now},
        give_back={"status": R.PENDING, "due_at": now, "claimed_at": None},
    )  # fmt: skip
    due = ActionRun.objects.filter(status=R.PENDING, due_at__lte=now).order_by("due_at", "id")
    outcomes: dict[str, int] = {"given_up": given_up, "given_back": given_back}
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        outcome = run_execute(run_id=pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
