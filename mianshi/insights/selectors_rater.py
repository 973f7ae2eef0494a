"""What waits on an interviewer or a department manager: interviews to rate, each due a
fixed time after the candidate finished, and the offers that name them as approver.

An interviewer sees only the interviews of applications assigned to them (the candidates'
scoping rule, through the review queue's own selector); a manager those of their
departments. The assignment has no due date of its own: the home page holds the rating to
RATING_DUE after the interview finished, so raters see what to do first and what is late.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap, Role
from mianshi.insights.todo import SeeAll, TodoItem, TodoList, todo_list
from mianshi.interviews.models import InterviewSession
from mianshi.organisations.scoping import has_cap, units_for
from mianshi.reviews.models import Offer
from mianshi.reviews.selectors.offers import offers_to_approve
from mianshi.reviews.selectors.queue import QueueFilters, review_queue

RATING_DUE = timedelta(days=2)
RATER_ROLES = {Role.INTERVIEWER, Role.DEPT_MANAGER}


def is_rater(user: Actor) -> bool:
    """Whether the user rates as an interviewer or a department manager somewhere."""
    return bool(units_for(user, Cap.CANDIDATES_VIEW, roles=RATER_ROLES))


def interviews_to_rate(*, user: Actor) -> TodoList:
    """Recorded interviews the user may see and has not rated (nor stepped aside from),
    the earliest due first."""
    now = timezone.now()
    qs = (
        review_queue(user=user, filters=QueueFilters(mine=True))
        .select_related("application__candidate", "application__job")
        .order_by(F("finished_at").asc(nulls_last=True), "pk")
    )

    def item(session: InterviewSession) -> TodoItem:
        app = session.application
        due = session.finished_at + RATING_DUE if session.finished_at else None
        url = reverse("reviews:workbench", args=[session.pk]) + "#rating"  # the form itself
        late = due is not None and due < now
        return TodoItem(app.candidate.name, app.job.title, url, due, _("due"), late, app_id=app.pk)

    more = [SeeAll(_("All interviews waiting for my rating"), f"{reverse('reviews:queue')}?mine=1")]
    return todo_list(
        key="rate", title=_("Interviews to rate"), qs=qs, item=item, more=more,
        empty=_("Nothing to rate: every interview assigned to you is rated."),
    )  # fmt: skip


def offers_to_sign(*, user: Actor) -> TodoList | None:
    """The offers waiting for this approver (None: the user approves no offers)."""
    if not has_cap(user, Cap.OFFERS_APPROVE):
        return None

    def item(offer: Offer) -> TodoItem:
        app = offer.application
        url = reverse("reviews:offer_page", args=[app.pk])
        return TodoItem(
            app.candidate.name, app.job.title, url, offer.created_at, _("proposed"),
            app_id=app.pk,
        )  # fmt: skip

    more = [SeeAll(_("Offers to approve"), reverse("reviews:offers_to_approve"))]
    return todo_list(
        key="approve", title=_("Offers to approve"), qs=offers_to_approve(user=user),
        item=item, more=more, empty=_("No offer waits for your approval."),
    )  # fmt: skip


def rater_lists(*, user: Actor) -> list[TodoList]:
    """The interviewer's and manager's lists."""
    lists = [interviews_to_rate(user=user)]
    offers = offers_to_sign(user=user)
    return lists if offers is None else [*lists, offers]
