"""What the workbench page renders: the interview (selectors.workbench), the rating form and
the others' ratings (selectors.scores), and the decision panel (selectors.decisions)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.interviews.models import InterviewSession
from mianshi.reviews.models import OVERRIDE_GAP, RATING_DONE, RatingStatus
from mianshi.reviews.selectors.blind import hides_human, own_status, score_hidden, visible_flags
from mianshi.reviews.selectors.decisions import decision_options, decisions_for, feedback_draft
from mianshi.reviews.selectors.scores import (
    DimensionForm,
    can_rate,
    final_note,
    is_provisional,
    rating_form,
    ratings_visible,
)
from mianshi.reviews.selectors.workbench import Workbench, workbench_get
from mianshi.reviews.services.feedback import has_feedback, notifies, notify_default


def clock(seconds: float | None) -> str:
    """Seconds as m:ss, the way a player shows a position."""
    if seconds is None or seconds < 0:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


@dataclass
class RatingRow:
    """One dimension of the rating form with what the reviewer typed and its errors."""

    dim: DimensionForm
    value: str
    reason: str
    score_errors: list[str]
    reason_errors: list[str]
    suggested: list[dict[str, Any]] = field(default_factory=list)

    @property
    def departs(self) -> bool:
        """Whether the value departs from the AI by more than the allowed gap (reason due)."""
        try:
            return (
                self.dim.ai_score is not None
                and abs(int(self.value) - self.dim.ai_score) > OVERRIDE_GAP
            )
        except ValueError:
            return False


def _suggested(dim: DimensionForm) -> list[dict[str, Any]]:
    out = []
    for seg in dim.suggested:
        label = _("Question %(n)s %(start)s–%(end)s") % {
            "n": seg["position"], "start": clock(seg["start"]), "end": clock(seg["end"]),
        }  # fmt: skip
        out.append({**seg, "label": label})
    return out


def _rows(form: list[DimensionForm], post: Any, errors: dict[str, list[str]]) -> list[RatingRow]:
    rows = []
    for dim in form:
        value = "" if dim.own_score is None else str(dim.own_score)
        reason = dim.own_reason
        if post is not None:
            value = str(post.get(f"score_{dim.code}", ""))
            reason = str(post.get(f"reason_{dim.code}", ""))
        rows.append(
            RatingRow(
                dim, value, reason, errors.get(f"score_{dim.code}", []),
                errors.get(f"reason_{dim.code}", []), _suggested(dim),
            )
        )  # fmt: skip
    return rows


def _unplaced(errors: dict[str, list[str]], form: list[DimensionForm]) -> dict[str, list[str]]:
    """Errors no field shows (an unknown dimension sent by hand) join the form's own."""
    placed = {"comment", "form", "decline_reason"}
    placed |= {f"{k}_{d.code}" for d in form for k in ("score", "reason")}
    stray = [m for key, msgs in errors.items() if key not in placed for m in msgs]
    return {**errors, "form": errors.get("form", []) + stray} if stray else errors


def rating_panel(
    *,
    user: Actor,
    session: InterviewSession,
    post: Any = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The rating form, or once the user submitted or declined, their rating and the others'."""
    allowed = can_rate(user=user, session=session)
    status, comment = own_status(user, session)
    panel: dict[str, Any] = {"can_rate": allowed, "own": None, "others": [], "rows": []}
    panel.update(submitted=status == RatingStatus.SUBMITTED, errors=errors or {})
    panel.update(status=status, declined=status == RatingStatus.DECLINED)
    panel["done"] = status in RATING_DONE
    if panel["done"]:
        visible = ratings_visible(user=user, session=session)
        panel["own"] = next((r for r in visible if r.rater_id == user.pk), None)
        panel["others"] = [r for r in visible if r.rater_id != user.pk]
    elif allowed:
        # Before the user's own submission nobody else's rating is shown (ratings_visible's
        # rule), so the form alone is read: it carries the user's draft values.
        form = rating_form(user=user, session=session)
        panel["rows"] = _rows(form, post, panel["errors"])
        panel["errors"] = _unplaced(panel["errors"], form)
    panel["comment"] = str(post.get("comment", "")) if post is not None else comment
    panel["decline_reason"] = str(post.get("decline_reason", "")) if post is not None else ""
    return panel


def decision_panel(
    *, user: Actor, wb: Workbench, post: Any = None, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The decision form for those who may decide, and the decision history for everyone."""
    application = wb.application
    options = decision_options(user=user, application=application) if wb.can_manage else []
    kind = str(post.get("kind", "")) if post is not None else ""
    fields: dict[str, Any] = {}
    if post is not None and kind in dict(options):
        # After a refusal the form comes back with what the reviewer sent, not the draft.
        fields = _fields(application, wb.session, kind)
        fields["send"] = "send_feedback" in post
        for name in ("subject", "body"):
            sent = str(post.get(f"feedback_{name}", ""))
            fields[name] = sent if sent.strip() else fields[name]
    return {
        "options": options,
        "history": decisions_for(application=application),
        "errors": errors or {},
        "kind": kind,
        "reason": str(post.get("reason", "")) if post is not None else "",
        "fields": fields,
    }


def _fields(application: Any, session: InterviewSession, kind: str) -> dict[str, Any]:
    try:
        subject, body = feedback_draft(application=application, session=session, kind=kind)
    except ValidationError:
        subject, body = "", ""
    return {
        "kind": kind,
        "notifies": notifies(kind, application.job),
        "has_text": has_feedback(kind, application.job),
        "send": notify_default(kind),
        "subject": subject,
        "body": body,
    }


def feedback_fields(*, user: Actor, session: InterviewSession, kind: str) -> dict[str, Any]:
    """The feedback fields for `kind`, prefilled with the drafted message (none for an
    unknown kind or a user who may not take that decision)."""
    application = session.application
    options = dict(decision_options(user=user, application=application))
    if kind not in options:
        return {"fields": {}}
    return {"fields": _fields(application, session, kind)}


def _hides_human(wb: Workbench, *, may_rate: bool, own_status: str) -> bool:
    raters = wb.score.raters if wb.score else 0
    return hides_human(may_rate=may_rate, own_status=own_status, raters=raters)


def human_hidden(*, user: Actor, wb: Workbench) -> bool:
    """Whether human scores stay hidden from `user` (the API's reading of the page's rule)."""
    return score_hidden(user=user, session=wb.session, score=wb.score)


def workbench_analysis(*, user: Actor, session: InterviewSession) -> dict[str, Any]:
    """The analysis status panel's context."""
    return {"wb": workbench_get(user=user, session=session), "session": session}


def workbench_page(
    *,
    user: Actor,
    session: InterviewSession,
    rating_post: Any = None,
    rating_errors: dict[str, list[str]] | None = None,
    decision_post: Any = None,
    decision_errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Everything the workbench page shows of an interview loaded by workbench_session."""
    wb = workbench_get(user=user, session=session)
    rating = rating_panel(user=user, session=session, post=rating_post, errors=rating_errors)
    hide_human = _hides_human(wb, may_rate=rating["can_rate"], own_status=rating["status"])
    wb = replace(wb, anomalies=visible_flags(wb.anomalies, hidden=hide_human))
    return {
        "wb": wb,
        "session": session,
        "final_note": final_note(wb.score),
        "provisional": is_provisional(wb.score),
        "hide_human": hide_human,
        "rating": rating,
        "decision": decision_panel(user=user, wb=wb, post=decision_post, errors=decision_errors),
    }
