"""Human ratings of an interview (F-71): a draft may be partial, a submitted rating is
final, and every departure from the AI's score by more than OVERRIDE_GAP needs a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.interviews.models import InterviewSession, SessionState
from mianshi.reviews import rating_guards
from mianshi.reviews.models import OVERRIDE_GAP, Rating, RatingScore, RatingStatus
from mianshi.reviews.selectors.scores import (
    RatingDimension,
    ai_dimension_scores,
    can_rate,
    rating_dimensions,
    weighted_mean,
)
from mianshi.reviews.services.scores import session_scores_refresh

MIN_REASON = 5
MAX_REASON = 500
MAX_COMMENT = 4000


@dataclass(frozen=True)
class CleanScore:
    """One validated dimension score, with the AI score the rater saw."""

    code: str
    score: int
    ai_score: float | None
    reason: str


def _parse_score(value: Any) -> int | None:
    """An integer 1–10, None when left empty; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError
    number = int(str(value).strip()) if isinstance(value, str) else int(value)
    if not 1 <= number <= 10:
        raise ValueError
    return number


def _check_one(
    dim: RatingDimension, raw: Any, reason: str, ai: float | None, errors: dict[str, str]
) -> CleanScore | None:
    try:
        score = _parse_score(raw)
    except (TypeError, ValueError):
        errors[f"score_{dim.code}"] = _("Give a whole number from 1 to 10.")
        return None
    if len(reason) > MAX_REASON:
        errors[f"reason_{dim.code}"] = _("The reason has at most 500 characters.")
    if score is None:
        return None
    if ai is not None and abs(score - ai) > OVERRIDE_GAP and len(reason) < MIN_REASON:
        errors[f"reason_{dim.code}"] = _(
            "Your score differs from the AI's (%(ai)s) by more than 2 points: "
            "say why in at least 5 characters."
        ) % {"ai": f"{ai:.1f}"}
    return CleanScore(dim.code, score, None if ai is None else round(ai, 2), reason)


def _clean(
    session: InterviewSession,
    dims: list[RatingDimension],
    scores: dict[str, Any],
    reasons: dict[str, Any],
    comment: str,
    submit: bool,
) -> list[CleanScore]:
    """Every error at once, keyed score_<code> / reason_<code> / comment; nothing saved."""
    known = {d.code for d in dims}
    errors = {f"score_{c}": _("Unknown dimension.") for c in scores if c not in known}
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _("The comment has at most 4000 characters.")
    ai = ai_dimension_scores(session)
    clean = []
    for dim in dims:
        reason = str(reasons.get(dim.code) or "").strip()
        item = _check_one(dim, scores.get(dim.code), reason, ai.get(dim.code), errors)
        if item is not None:
            clean.append(item)
        elif submit and f"score_{dim.code}" not in errors:
            errors[f"score_{dim.code}"] = _("Rate every dimension before submitting.")
    if errors:
        raise ValidationError(errors)
    return clean


def _locked_rating(actor: Actor, session: InterviewSession) -> Rating:
    rating = Rating.objects.select_for_update().filter(session=session, rater=actor).first()
    if rating is not None:
        return rating
    try:
        with transaction.atomic():  # two first saves at once: the loser re-reads the row
            return Rating.objects.create(session=session, rater=actor, org_unit=session.org_unit)
    except IntegrityError:
        return Rating.objects.select_for_update().get(session=session, rater=actor)


def _refuse_final(rating: Rating) -> None:
    if rating.status == RatingStatus.SUBMITTED:
        raise ValidationError(
            _("You have already submitted your rating of this interview; it cannot be changed."),
            code="submitted",
        )
    if rating.status == RatingStatus.DECLINED:
        raise ValidationError(_("You chose not to rate this interview."), code="declined")


@transaction.atomic
def rating_decline(*, actor: Actor, session: InterviewSession, reason: str) -> Rating:
    """The actor steps aside (a conflict of interest, or deciding without rating): a draft is
    dropped, nothing of theirs counts, and the others' ratings become visible to them. Final."""
    _refuse(actor, session)
    reason = (reason or "").strip()
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise ValidationError(
            {"decline_reason": _("Say why you do not rate, in 5 to 500 characters.")}
        )
    rating = _locked_rating(actor, session)
    _refuse_final(rating)
    rating.scores.all().delete()
    rating.status, rating.submitted_at = RatingStatus.DECLINED, timezone.now()
    rating.total, rating.comment = None, reason
    rating.save()
    audit_record(
        actor=actor, action="rating.decline", obj=rating, changed_fields=["status"],
        detail={"session": session.pk},
    )  # fmt: skip
    return rating


def _refuse(actor: Actor, session: InterviewSession) -> None:
    if not can_rate(user=actor, session=session):
        raise PermissionDenied(_("You may not rate this interview."))
    if session.state != SessionState.DONE:
        raise ValidationError(_("The interview is not finished yet; rate it once it is."))


def _write_scores(rating: Rating, clean: list[CleanScore]) -> None:
    rating.scores.exclude(code__in=[c.code for c in clean]).delete()
    for item in clean:
        RatingScore.objects.update_or_create(
            rating=rating, code=item.code,
            defaults={"score": item.score, "ai_score": item.ai_score,
                      "override_reason": item.reason},
        )  # fmt: skip


@transaction.atomic
def rating_save(
    *,
    actor: Actor,
    session: InterviewSession,
    scores: dict[str, Any],
    reasons: dict[str, Any],
    comment: str = "",
    submit: bool = False,
) -> Rating:
    """Save the actor's rating of the interview as a draft (may be partial) or submit it
    (every dimension rated; final). Refusals raise and save nothing; a higher app's guard
    (rating_guards: an examiner's 回避) refuses with its reason, for the whole form."""
    _refuse(actor, session)
    reason = rating_guards.refusal(actor, session)
    if reason:
        raise ValidationError(reason, code="guarded")
    rating = _locked_rating(actor, session)  # a refusal below rolls a new row back too
    _refuse_final(rating)
    comment = (comment or "").strip()
    dims = rating_dimensions(session)
    clean = _clean(session, dims, scores or {}, reasons or {}, comment, submit)
    _write_scores(rating, clean)
    weights = {d.code: d.weight for d in dims}
    rating.total = weighted_mean({c.code: float(c.score) for c in clean}, weights)
    rating.comment = comment
    if submit:
        rating.status, rating.submitted_at = RatingStatus.SUBMITTED, timezone.now()
    rating.save()
    _audit(actor, rating, clean)
    if submit:
        session_scores_refresh(session_id=session.pk)
        _submitted(rating, session)
    return rating


def _submitted(rating: Rating, session: InterviewSession) -> None:
    data = {"rating_id": rating.pk, "session_id": session.pk,
            "application_id": session.application_id, "rater_id": rating.rater_id,
            "total": rating.total}  # fmt: skip
    event_emit(type="rating.submitted", data=data, org_unit_id=session.org_unit_id)


def _audit(actor: Actor, rating: Rating, clean: list[CleanScore]) -> None:
    overrides = [
        c.code for c in clean if c.ai_score is not None and abs(c.score - c.ai_score) > OVERRIDE_GAP
    ]
    detail: dict[str, Any] = {"session": rating.session_id, "total": rating.total}
    detail["overrides"] = len(overrides)
    detail["overridden"] = ",".join(overrides)[:80]  # codes only: the audit holds no prose
    audit_record(
        actor=actor,
        action="rating.submit" if rating.status == RatingStatus.SUBMITTED else "rating.save",
        obj=rating,
        changed_fields=["scores", "comment", "status"],
        detail=detail,
    )
