"""体检, 考察, 递补 and the hire (聘用) with its quota (编制): the steps after the ranking.

Places are counted against the job's headcount with the post row locked, so two clerks
moving candidates at once cannot fill one place twice. A candidate who fails or withdraws
is replaced by the next ranked candidate (arithmetic.next_in_line); a tie nobody has
decided stops the replacement rather than skipping the tied candidates, and an exhausted
list leaves the place empty: both are said in the answer and recorded in the trail.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import Stage, allowed_targets
from mianshi.candidates.services import application_advance
from mianshi.compliance.services import audit_record
from mianshi.jobs.services import job_update
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment.arithmetic import next_in_line
from mianshi.recruitment.models import (
    Objection,
    Post,
    PostStatus,
    QuotaChange,
    Result,
    ResultStatus,
)

S = ResultStatus
# Holding a place of the headcount: on the way to the hire, or hired.
IN_PLACE = frozenset({S.MEDICAL, S.BACKGROUND, S.CLEARED, S.PUBLISHED, S.HIRED})
# Who can still leave (fail or withdraw); a hire is final.
LEAVING = frozenset({S.RANKED, S.MEDICAL, S.BACKGROUND, S.CLEARED, S.PUBLISHED, S.RESERVE})
STEPS = {"medical": (S.MEDICAL, S.BACKGROUND), "background": (S.BACKGROUND, S.CLEARED)}
# A public recruitment has no AI scoring, and exits are never a way to a hire.
_NOT_ON_THE_WAY = frozenset({Stage.AI_SCORED, Stage.REJECTED, Stage.TALENT_POOL})
MAX_TEXT = 2000


@dataclass(frozen=True)
class Picked:
    """Who entered the medical check; `tie_at` is a rank whose undecided tie stopped it."""

    entered: list[Result]
    tie_at: int | None = None


@dataclass(frozen=True)
class Substitution:
    """The outcome of a departure: who replaces the candidate (递补), or why nobody does."""

    replaced: Result
    substitute: Result | None
    message: str


def required_text(value: str, field: str) -> str:
    """`value` stripped; refused when empty or longer than MAX_TEXT."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("A reason is required.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    return text


def lock_post(post: Post) -> Post:
    """The post row locked for this transaction, with its job (the headcount)."""
    return (
        Post.objects.select_for_update(of=("self",)).select_related("job", "plan").get(pk=post.pk)
    )


def _ranking(post: Post) -> list[Result]:
    return list(Result.objects.filter(post=post, rank__isnull=False).order_by("rank", "pk"))


def _undecided(result: Result) -> bool:
    return result.tied and result.decision is None


def _pick(results: list[Result], places: int) -> Picked:
    """RANKED results in rank order up to `places`; an undecided tie that does not fit whole
    stops the walk, since taking anyone below it would pass over the tied candidates."""
    by_key = {r.pk: r for r in results}
    taken = {r.pk for r in results if r.status in IN_PLACE}
    out = {r.pk for r in results if r.status != S.RANKED} - taken
    entered: list[Result] = []
    while len(entered) < places:
        key = next_in_line([r.pk for r in results], taken=taken, out=out)
        if key is None:
            return Picked(entered)
        head = by_key[key]
        group = [head]
        if _undecided(head):
            group = [r for r in results if r.rank == head.rank and r.pk not in taken | out]
        if len(entered) + len(group) > places:
            return Picked(entered, tie_at=head.rank)
        entered += group
        taken |= {r.pk for r in group}
    return Picked(entered)


def _free_places(post: Post) -> int:
    held = Result.objects.filter(post=post, status__in=IN_PLACE).count()
    return max(0, post.job.headcount - held)


def _enter_medical(results: list[Result], reason: str = "") -> None:
    for result in results:
        result.status, result.status_reason = S.MEDICAL, reason
        result.save(update_fields=["status", "status_reason", "updated_at"])


@transaction.atomic
def results_advance(*, actor: Actor, post: Post) -> Picked:
    """Move the best-ranked candidates into the medical check (体检), up to the headcount."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, post.unit_id)
    post = lock_post(post)
    picked = _pick(_ranking(post), _free_places(post))
    _enter_medical(picked.entered)
    audit_record(
        actor=actor, action="recruitment.result.advance", obj=post, org_unit_id=post.unit_id,
        detail={"results": [r.pk for r in picked.entered], "tie_at": picked.tie_at},
    )  # fmt: skip
    return picked


@transaction.atomic
def result_pass(*, actor: Actor, result: Result, step: str) -> Result:
    """体检 passed (→ 考察) or 考察 passed (→ cleared for the publication list)."""
    if step not in STEPS:
        raise ValidationError({"step": _("Unknown step: %(step)s.") % {"step": step}})
    require_cap(actor, Cap.CANDIDATES_MANAGE, result.post.unit_id)
    locked = Result.objects.select_for_update().get(pk=result.pk)
    before, after = STEPS[step]
    if locked.status != before:
        raise ValidationError(
            _("This candidate is not at that step (now: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    locked.status = after
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="recruitment.result.pass", obj=locked,
        org_unit_id=result.post.unit_id, detail={"step": step, "to": str(after)},
    )  # fmt: skip
    result.status = after
    return locked


def substitute(*, actor: Actor, post: Post, replaced: Result) -> Substitution:
    """递补 after `replaced` left a place: the next RANKED candidate enters the medical
    check (inside the caller's transaction, the post locked)."""
    picked = _pick(_ranking(post), min(1, _free_places(post)))
    sub = picked.entered[0] if picked.entered else None
    if sub is not None:
        message = _("Rank %(rank)s enters the medical check in place of rank %(replaced)s.") % {
            "rank": sub.rank, "replaced": replaced.rank,
        }  # fmt: skip
        _enter_medical([sub], message)
    elif picked.tie_at is not None:
        message = _(
            "Candidates tied at rank %(rank)s need a recorded tie decision before one of them "
            "takes the place."
        ) % {"rank": picked.tie_at}
    else:
        message = _("No ranked candidate is left to take the place: it stays empty.")
    audit_record(
        actor=actor, action="recruitment.result.substitute", obj=sub or replaced,
        org_unit_id=post.unit_id,
        detail={"replaces": replaced.pk, "replaces_application": replaced.application_id,
                "substitute": sub.pk if sub else None, "tie_at": picked.tie_at},
    )  # fmt: skip
    return Substitution(replaced=replaced, substitute=sub, message=message)


def leave(*, actor: Actor, result: Result, status: ResultStatus, reason: str) -> Substitution:
    """`result` fails or withdraws (caller checked the permission, inside its transaction);
    a place it held goes to the next in line."""
    post = lock_post(result.post)
    locked = Result.objects.select_for_update().get(pk=result.pk)
    if locked.status not in LEAVING:
        raise ValidationError(
            _("This candidate cannot leave now (status: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    held = locked.status in IN_PLACE
    before = locked.status
    locked.status, locked.status_reason = status, reason
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(
        actor=actor, action=f"recruitment.result.{status}", obj=locked, org_unit_id=post.unit_id,
        detail={"from": str(before), "held_place": held},
    )  # fmt: skip
    result.status = status
    if not held:
        return Substitution(locked, None, _("The candidate held no place: nobody replaces them."))
    return substitute(actor=actor, post=post, replaced=locked)


@transaction.atomic
def result_fail(*, actor: Actor, result: Result, reason: str) -> Substitution:
    """The candidate did not pass (体检, 考察, an upheld objection): out, with 递补."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, result.post.unit_id)
    reason = required_text(reason, "reason")
    return leave(actor=actor, result=result, status=S.FAILED, reason=reason)


@transaction.atomic
def result_withdraw(*, actor: Actor, result: Result, reason: str = "") -> Substitution:
    """The candidate gives up (放弃): out, with 递补."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, result.post.unit_id)
    text = (reason or "").strip()[:MAX_TEXT]
    return leave(actor=actor, result=result, status=S.WITHDRAWN, reason=text)


def path_to_hired(stage: str) -> list[Stage]:
    """The shortest forward way from `stage` to hired in the pipeline table (never an exit,
    never AI scoring); [] when already hired. ValidationError when there is none."""
    if stage == Stage.HIRED:
        return []
    came_from: dict[Stage, Stage | None] = {Stage(stage): None}
    queue = deque([Stage(stage)])
    while queue:
        here = queue.popleft()
        for there in allowed_targets(here):
            if there in came_from or there in _NOT_ON_THE_WAY:
                continue
            came_from[there] = here
            if there == Stage.HIRED:
                return _walk_back(came_from, there)
            queue.append(there)
    raise ValidationError(_("This application cannot move to hired from its stage."))


def _walk_back(came_from: dict[Stage, Stage | None], last: Stage) -> list[Stage]:
    path: list[Stage] = []
    step: Stage | None = last
    while step is not None and came_from[step] is not None:
        path.append(step)
        step = came_from[step]
    return path[::-1]


def _hire_refusal(result: Result, today: date) -> str:
    publication = result.publication
    if result.status != S.PUBLISHED or publication is None:
        return _("Only a candidate on the publication list (公示) can be hired.")
    if today <= publication.ends_on:
        return _("The publication window runs until %(ends_on)s: hire after it ends.") % {
            "ends_on": publication.ends_on.isoformat()
        }
    open_objections = Objection.objects.filter(publication=publication, upheld__isnull=True)
    # An objection about this candidate, or about nobody in particular, stops the hire.
    if (
        open_objections.filter(application__isnull=True).exists()
        or open_objections.filter(application_id=result.application_id).exists()
    ):
        return _("An objection to the publication list is still open: resolve it first.")
    return ""


@transaction.atomic
def recruitment_hire(*, actor: Actor, result: Result, today: date | None = None) -> Result:
    """聘用 after a 公示 window that ended without an open objection; over the quota the
    candidate goes to the reserve pool (后备人才库) and nothing else changes."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, result.post.unit_id)
    day = today or timezone.localdate()
    post = lock_post(result.post)
    locked = (
        Result.objects.select_for_update(of=("self",))
        .select_related("publication")
        .get(pk=result.pk)
    )
    refusal = _hire_refusal(locked, day)
    if refusal:
        raise ValidationError(refusal)
    hires = Result.objects.filter(post=post, status=S.HIRED).count()
    if hires >= post.job.headcount:
        return _to_reserve(actor, post, locked, hires)
    _refuse_ahead_of_rank(post, locked, hires)
    application = Application.objects.get(pk=locked.application_id)
    reason = _("Public recruitment: the publication period ended without objection")
    for stage in path_to_hired(application.stage):
        application_advance(
            actor=actor, application=application, to_stage=stage, reason=reason, procedure=True
        )
    locked.status = S.HIRED
    locked.save(update_fields=["status", "updated_at"])
    if hires + 1 >= post.job.headcount:
        Post.objects.filter(pk=post.pk).update(status=PostStatus.FILLED)
    audit_record(
        actor=actor, action="recruitment.hire", obj=locked, org_unit_id=post.unit_id,
        detail={"application": locked.application_id, "hires": hires + 1,
                "headcount": post.job.headcount},
    )  # fmt: skip
    result.status = S.HIRED
    return locked


def _refuse_ahead_of_rank(post: Post, result: Result, hires: int) -> None:
    """Places go down the ranking: after a quota cut, more candidates may be on the 公示 list
    than places are left, and the order of the clicks must not decide who gets one."""
    ahead = Result.objects.filter(post=post, status=S.PUBLISHED, rank__lt=result.rank).count()
    if hires + ahead >= post.job.headcount:
        raise ValidationError(
            _("%(ahead)s better-ranked candidates on the publication list wait for the "
              "%(free)s places left: hire them first, or record their withdrawal.")
            % {"ahead": ahead, "free": post.job.headcount - hires}
        )  # fmt: skip


def _to_reserve(actor: Actor, post: Post, result: Result, hires: int) -> Result:
    result.status = S.RESERVE
    result.status_reason = _(
        "The post's %(headcount)s places are filled: kept in the reserve pool (后备人才库)."
    ) % {"headcount": post.job.headcount}
    result.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(
        actor=actor, action="recruitment.result.reserve", obj=result, org_unit_id=post.unit_id,
        detail={"hires": hires, "headcount": post.job.headcount},
    )  # fmt: skip
    return result


def _refill_status(post: Post, *, hires: int, headcount: int) -> None:
    """A filled post reopens when its quota grows; a cut down to the hires fills it."""
    if post.status == PostStatus.FILLED and headcount > hires:
        Post.objects.filter(pk=post.pk).update(status=PostStatus.PUBLISHED)
    elif hires and headcount == hires:
        Post.objects.filter(pk=post.pk).update(status=PostStatus.FILLED)


@transaction.atomic
def quota_change(*, actor: Actor, post: Post, new_headcount: int, reason: str) -> QuotaChange:
    """Change a post's headcount (编制) by a named approver, never below the hires made."""
    require_cap(actor, Cap.OFFERS_APPROVE, post.unit_id)
    reason = required_text(reason, "reason")
    post = lock_post(post)
    before = post.job.headcount
    hires = Result.objects.filter(post=post, status=S.HIRED).count()
    if isinstance(new_headcount, bool) or not isinstance(new_headcount, int):
        raise ValidationError({"new_headcount": _("The headcount is a whole number.")})
    if new_headcount < hires:
        raise ValidationError(
            {"new_headcount": _("%(hires)s candidates are already hired: the headcount cannot "
                                "go below that.") % {"hires": hires}}
        )  # fmt: skip
    if new_headcount == before:
        raise ValidationError(
            {"new_headcount": _("The headcount is already %(n)s.") % {"n": before}}
        )
    # The approver's capability is the gate; the job's own service keeps the one home of the
    # quota (its validation and its job.update event), acting as the system.
    job_update(actor=None, job=post.job, data={"headcount": new_headcount})
    change = QuotaChange.objects.create(
        post=post, before=before, after=new_headcount, reason=reason, changed_by=actor
    )
    _refill_status(post, hires=hires, headcount=new_headcount)
    audit_record(
        actor=actor, action="recruitment.quota.change", obj=post, org_unit_id=post.unit_id,
        detail={"before": before, "after": new_headcount, "hires": hires, "change": change.pk},
    )  # fmt: skip
    return change
