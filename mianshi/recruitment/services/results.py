"""Interview scores and synthesis (综合成绩): the trimmed mean of the panel's marks, the
weighted total and the ranking with the plan's tie-breaks, and a recorded tie decision.

The figures come from arithmetic.py so that every screen and export agrees; results are
refused while a shortlisted applicant has no marks or a 回避 conflict is open on the post's
panels, because either makes a published rank wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.compliance.services import audit_record
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import arithmetic
from mianshi.recruitment.models import (
    ApplicantFacts,
    Conflict,
    ConflictStatus,
    Lot,
    Mark,
    Post,
    Publication,
    Result,
    ResultStatus,
    Seat,
    ShortlistEntry,
    ShortlistStatus,
    WrittenScore,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.services.exams import checked_reason, require_manage

MAX_ORDER = 1000


def _trimmed(marks: list[Decimal], params: Parameters) -> Decimal | None:
    """The trimmed mean, or None while there are too few marks to drop from."""
    if len(marks) < params.drop_highest + params.drop_lowest + 1:
        return None
    return arithmetic.trimmed_mean(
        marks, drop_highest=params.drop_highest, drop_lowest=params.drop_lowest
    )


def interview_score(post: Post, application: Application) -> Decimal | None:
    """面试成绩: the panel's marks without the highest and lowest (per the plan), averaged and
    rounded half up; None while the applicant has too few marks."""
    marks = Mark.objects.filter(panel__post=post, application=application)
    return _trimmed(list(marks.values_list("score", flat=True)), post.parameters)


def _expected_marks(keys: list[int], params: Parameters) -> dict[int, int]:
    """How many marks each applicant should hold: the sitting seats of the panel they drew
    a lot on (a substitute replaces one who stood aside, one for one), else the plan's
    panel size. Two queries, whatever the number of applicants."""
    lots = dict(
        Lot.objects.filter(application_id__in=keys).values_list("application_id", "panel_id")
    )
    sitting = Seat.objects.filter(panel_id__in=set(lots.values()), replaced=False)
    seats = Counter(sitting.values_list("panel_id", flat=True))
    return {key: seats.get(lots.get(key, -1)) or params.panel_size for key in keys}


def _interview_scores(post: Post, keys: list[int], params: Parameters) -> dict[int, Decimal]:
    """The interview score of each applicant whose panel has marked them in full."""
    marks: dict[int, list[Decimal]] = defaultdict(list)
    rows = Mark.objects.filter(panel__post=post, application_id__in=keys)
    for key, score in rows.values_list("application_id", "score"):
        marks[key].append(score)
    expected = _expected_marks(keys, params)
    scores = {k: _trimmed(marks[k], params) for k in keys if len(marks[k]) >= expected[k]}
    return {key: score for key, score in scores.items() if score is not None}


def _tickets(keys: list[int]) -> str:
    tickets = dict(
        ApplicantFacts.objects.filter(application_id__in=keys).values_list(
            "application_id", "ticket"
        )
    )
    return ", ".join(tickets.get(k) or f"#{k}" for k in sorted(keys))


def _refuse_if_not_ready(post: Post, keys: list[int], interview: dict[int, Decimal]) -> None:
    if Conflict.objects.filter(panel__post=post, status=ConflictStatus.OPEN).exists():
        raise ValidationError(
            _("A 回避 conflict on this post's panels is still open: resolve it first.")
        )
    if missing := [k for k in keys if k not in interview]:
        message = _(
            "Not every examiner of their panel has marked these applicants yet: %(tickets)s."
        )
        raise ValidationError(message % {"tickets": _tickets(missing)})
    moved_on = Result.objects.filter(post=post).exclude(status=ResultStatus.RANKED)
    if moved_on.exists() or Publication.objects.filter(post=post).exists():
        raise ValidationError(
            _("The results of this post have moved on (体检, 考察, 公示): they cannot change.")
        )


def _totals(
    post: Post, keys: list[int], interview: dict[int, Decimal], params: Parameters
) -> list[Result]:
    written = {w.application_id: w for w in WrittenScore.objects.filter(application_id__in=keys)}
    if params.weight_extra > 0 and (
        lacking := [k for k in keys if k not in written or written[k].extra is None]
    ):
        message = _("These applicants have no additional-test (加试) score yet: %(tickets)s.")
        raise ValidationError(message % {"tickets": _tickets(lacking)})
    results = []
    for key in keys:
        score = written[key]
        assert score.score is not None  # only a present score reaches the shortlist
        extra = score.extra if params.weight_extra > 0 else None
        total = arithmetic.total(
            written=score.score, interview=interview[key], extra=extra, weights=params.weights
        )
        results.append(Result(application_id=key, post=post, written=score.score,
                              interview=interview[key], extra=extra, total=total))  # fmt: skip
    return results


def _ranked(results: list[Result], params: Parameters) -> None:
    """Rank (and mark ties) in place with the plan's tie-breaks and recorded decisions."""
    entries = [
        arithmetic.Entry(key=r.application_id, total=r.total or Decimal(0), written=r.written,
                         extra=r.extra, decision=r.decision)
        for r in results
    ]  # fmt: skip
    places = {p.key: p for p in arithmetic.rank(entries, tie_break=params.tie_break)}
    for result in results:
        place = places[result.application_id]
        result.rank, result.tied = place.rank, place.tied


def results_compute(*, actor: Actor, post: Post) -> list[Result]:
    """Result rows for every applicant on the shortlist (not withdrawn): written, interview,
    加试, total and rank; a tie decision already recorded is kept."""
    require_manage(actor, post)
    params = post.parameters
    on_list = ShortlistEntry.objects.filter(post=post).exclude(status=ShortlistStatus.WITHDRAWN)
    keys = sorted(on_list.values_list("application_id", flat=True))
    if not keys:
        raise ValidationError(_("The interview shortlist of this post is not made yet."))
    interview = _interview_scores(post, keys, params)
    _refuse_if_not_ready(post, keys, interview)
    with transaction.atomic():
        results = _totals(post, keys, interview, params)
        _store(post, results, params)
        tied = sum(1 for r in results if r.tied)
        audit_record(
            actor=actor, action="recruitment.results.compute", obj=post,
            org_unit_id=post.unit_id, detail={"count": len(results), "tied": tied},
        )  # fmt: skip
    return list(Result.objects.filter(post=post).order_by("rank", "application_id"))


def _store(post: Post, results: list[Result], params: Parameters) -> None:
    existing = {r.application_id: r for r in Result.objects.filter(post=post)}
    for result in results:
        if kept := existing.pop(result.application_id, None):
            result.pk, result.decision, result.status = kept.pk, kept.decision, kept.status
            result.status_reason = kept.status_reason
    _ranked(results, params)
    # Those no longer on the shortlist (withdrawn since) drop out of the ranking.
    Result.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    fields = ["written", "interview", "extra", "total", "rank", "tied", "updated_at"]
    now = timezone.now()
    for result in results:
        result.updated_at = now
    Result.objects.bulk_update([r for r in results if r.pk], fields)
    Result.objects.bulk_create([r for r in results if not r.pk])


def result_decide_tie(*, actor: Actor, result: Result, order: int, reason: str) -> Result:
    """Record a named approver's order for an applicant still tied after the tie-breaks
    (1 first), then rank the post again."""
    post = Post.objects.select_related("plan", "job").get(pk=result.post_id)
    require_cap(actor, Cap.OFFERS_APPROVE, post.unit_id)
    reason = checked_reason(reason)
    if not 1 <= order <= MAX_ORDER:
        raise ValidationError({"order": _("The order is a whole number from 1 to 1000.")})
    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=result.pk)
        if not result.tied and result.decision is None:
            raise ValidationError(_("This result is not tied: there is nothing to decide."))
        result.decision, result.decision_reason = order, reason
        result.decided_by, result.decided_at = actor, timezone.now()
        result.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        results = list(Result.objects.filter(post=post))
        _ranked(results, post.parameters)
        Result.objects.bulk_update(results, ["rank", "tied"])
        audit_record(
            actor=actor, action="recruitment.result.decide_tie", obj=result,
            org_unit_id=post.unit_id,
            detail={"application": result.application_id, "order": order},
        )  # fmt: skip
    result.refresh_from_db()
    return result
