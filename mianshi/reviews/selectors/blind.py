"""Independent judgement first (F-71): the one rule saying when human scores stay hidden.

A rater who may rate an interview and has neither submitted nor declined sees no human or
final score of it (with no rating in, there is nothing to hide). The workbench, its API,
the score API, the ranking page, its API and exports, and the PDF all ask this module: the
Python form for one interview, the SQL form for the ranking, which must also order such a
row by its AI score (its place among the final scores would tell the colleagues' verdict).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Value, When

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.interviews.models import InterviewSession
from mianshi.organisations.scoping import units_for
from mianshi.reviews.models import RATING_DONE, InterviewScore, Rating
from mianshi.reviews.selectors.scores import RATING_ROLES, can_rate

# An anomaly flag that says how the raters' scores compare with the AI's is a human score
# by another name.
HUMAN_FLAGS = frozenset({"ai_human_disagreement"})


def hides_human(*, may_rate: bool, own_status: str, raters: int) -> bool:
    """The rule: a possible rater who has not submitted or declined, once someone rated."""
    return may_rate and own_status not in RATING_DONE and raters > 0


def own_status(user: Actor, session: InterviewSession) -> tuple[str, str]:
    """(status, comment) of the user's own rating ("" when none), as workbench_session
    annotated them; read once more only for a session loaded another way."""
    if hasattr(session, "my_rating_status"):
        return session.my_rating_status or "", getattr(session, "my_rating_comment", "") or ""
    own = Rating.objects.filter(session=session, rater_id=user.pk).values_list("status", "comment")
    return next(iter(own), ("", ""))


def score_hidden(*, user: Actor, session: InterviewSession, score: InterviewScore | None) -> bool:
    """Whether `user` may not see the human and final scores of `session` yet."""
    if score is None or not score.raters:
        return False  # nothing to hide: skips the two queries below
    status = own_status(user, session)[0]
    may_rate = can_rate(user=user, session=session)
    return hides_human(may_rate=may_rate, own_status=status, raters=score.raters)


def visible_flags(flags: list[Any], *, hidden: bool) -> list[Any]:
    """The anomaly flags a reader may see (no AI/human comparison while scores are hidden)."""
    if not hidden:
        return list(flags)
    return [f for f in flags if not (isinstance(f, dict) and f.get("code") in HUMAN_FLAGS)]


def hidden_expression(user: Actor) -> Case | Value:
    """The rule as SQL over InterviewScore rows (the application is already visible)."""
    units = units_for(user, Cap.CANDIDATES_VIEW, roles=RATING_ROLES)
    if not units:
        return Value(False)
    done = Rating.objects.filter(
        session=OuterRef("session_id"), rater_id=user.pk, status__in=RATING_DONE
    )
    rule = Q(session__org_unit_id__in=units, raters__gt=0) & ~Exists(done)
    return Case(When(rule, then=Value(True)), default=Value(False), output_field=BooleanField())


def rank_score() -> Case:
    """What a ranking row is ordered by: the final score, or the AI score while hidden."""
    return Case(When(human_hidden=True, then=F("ai_total")), default=F("final_total"))
