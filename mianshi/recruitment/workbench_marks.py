"""An examiner's rating in the review workbench as their interview mark (issue 15, F-107).

An examiner who is a user of the product may rate the candidate's recorded interview on the
workbench's competency form instead of the panel-scoring sheet. Reviews sits below this app
and never imports it: the `rating.submitted` event brings the rating here (consumers.py),
and reviews.rating_guards lets this app refuse the rating up front to an examiner whom a
回避 conflict keeps from the candidate — the form then says why, before any mark is due.

The conversion: the rating's weighted total lies on the form's scale, 1 to 10 (the check
constraint rating_score_1_10 of reviews.RatingScore); the mark lies on the post's scale,
0 to `Parameters.max_score` (100 by default). The mapping is linear, the lowest rating to 0
and the highest to the maximum, rounded half up (四舍五入) to two places by
arithmetic.half_up: mark = (total − 1) × max / 9, so 7.33 → 70.33 and 8.35 → 81.67 of 100.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.candidates.models import Application
from mianshi.compliance.services import audit_record
from mianshi.interviews.models import InterviewSession
from mianshi.recruitment.arithmetic import half_up, to_decimal
from mianshi.recruitment.models import ConflictKind, ConflictStatus, Examiner, Lot, Panel
from mianshi.recruitment.services.marks import judges, mark_from_rating, pair_conflict
from mianshi.reviews.models import Rating, RatingStatus

logger = logging.getLogger(__name__)

RATING_MIN, RATING_MAX = Decimal(1), Decimal(10)
REFUSED = "recruitment.mark.rating_refused"


def mark_from_total(total: Decimal | str, max_score: Decimal) -> Decimal:
    """A rating's weighted total (1–10) on the post's mark scale (0–max_score), half up."""
    # Linear, 1 → 0 and 10 → max_score; one rounding, at the end (as arithmetic.py does).
    share = (to_decimal(total) - RATING_MIN) / (RATING_MAX - RATING_MIN)
    return half_up(share * max_score)


def judging(user_id: int, application_id: int) -> tuple[Panel, list[Examiner]] | None:
    """The candidate's panel and the user's examiner entries judging them on it (seated, or
    drawn as their substitute); None when the candidate has no place in a panel's order."""
    lot = Lot.objects.filter(application_id=application_id).select_related("panel__post").first()
    if lot is None:
        return None
    application = Application(pk=application_id)
    mine = Examiner.objects.filter(user_id=user_id)
    return lot.panel, [e for e in mine if judges(lot.panel, e, application)]


def rating_refusal(actor: Actor, session: InterviewSession) -> str | None:
    """reviews.rating_guards: why the actor may not rate this interview — they examine the
    candidate and a 回避 conflict of the pair is open or upheld — or None."""
    found = judging(actor.pk, session.application_id)
    if found is None:
        return None
    panel, examiners = found
    application = Application.objects.get(pk=session.application_id)
    for examiner in examiners:
        conflict = pair_conflict(panel, examiner, application)
        if conflict is None:
            continue
        if conflict[1] == ConflictStatus.AVOIDED:
            return _("You stand aside for this candidate (回避 upheld): you may not rate this "
                     "interview. Choose not to rate it instead.")  # fmt: skip
        return _(
            "You may not rate this candidate while your 回避 conflict (%(kind)s) is unresolved: "
            "ask for it to be resolved, or choose not to rate this interview."
        ) % {"kind": ConflictKind(conflict[0]).label}
    return None


def _code(exc: ValidationError) -> str:
    errors = (
        [e for v in exc.error_dict.values() for e in v]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return next((str(e.code) for e in errors if e.code), "invalid")


def rating_marked(*, rating_id: int) -> None:
    """Record a submitted rating as the mark of each of the rater's examiner entries that
    judge the candidate. A rater not on the panel, or a candidate outside every panel, is
    none of this app's business: nothing happens. A refusal of the marks service (a conflict
    that arose after the rating, a mark already entered on the sheet) records nothing but
    an audit entry saying why: retrying would meet the same refusal, and HR settles it on
    the sheet, where the entry names the rating."""
    rating = Rating.objects.select_related("session", "rater").filter(pk=rating_id).first()
    if rating is None or rating.status != RatingStatus.SUBMITTED or rating.total is None:
        return
    found = judging(rating.rater_id, rating.session.application_id)
    if found is None:
        return
    panel, examiners = found
    application = Application.objects.get(pk=rating.session.application_id)
    # The total is stored rounded to two places: its shortest repr is that decimal exactly.
    total = repr(rating.total)
    score = mark_from_total(total, panel.post.parameters.max_score)
    for examiner in examiners:
        _mark_one(rating, panel, examiner, application, score, total)


def _mark_one(rating: Rating, panel: Panel, examiner: Examiner, application: Application,
              score: Decimal, total: str) -> None:  # fmt: skip
    rater: User = rating.rater
    try:
        mark_from_rating(rater=rater, panel=panel, examiner=examiner, application=application,
                         score=score, rating_id=rating.pk)  # fmt: skip
    except ValidationError as exc:
        # Ids and a code only: the refusal's words name the examiner (rule 7).
        detail = {"rating": rating.pk, "examiner": examiner.pk, "application": application.pk,
                  "total": total, "score": str(score), "refusal": _code(exc)}  # fmt: skip
        audit_record(actor=rater, action=REFUSED, obj=panel, org_unit_id=panel.post.unit_id,
                     detail=detail)  # fmt: skip
        logger.info("rating %s not taken as a mark: %s", rating.pk, detail["refusal"])
