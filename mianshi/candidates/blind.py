"""Raters rate blind: the one home of who may not see an application's overall score.

The overall score mixes in other raters' scores, so an interviewer assigned to rate an
application does not see it — whatever else their roles let them see (a department manager
who also interviews sees every other score of the department). The profile, the candidate
list, the API and every export ask here, so the pages, the API and the files never
disagree. (The workbench shows it once the rater's own rating is in: a rule of the reviews
app above this one.)

The rule reads `application.assignments`: prefetch them (all, or only the reader's with
`rater_assignments`) for more than one application, then it costs no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Application, ApplicationAssignment


def rater_assignments(
    user: Actor,
) -> Prefetch[str, QuerySet[ApplicationAssignment], str]:
    """Only `user`'s own assignments, as `assignments`: all the rule needs, one small query
    per chunk however many interviewers each application has."""
    own = ApplicationAssignment.objects.filter(interviewer_id=user.pk)
    return Prefetch("assignments", queryset=own)


def score_hidden(*, user: Actor, application: Application) -> bool:
    """Whether `user` is assigned to rate `application`, so its score stays hidden."""
    return any(s.interviewer_id == user.pk for s in application.assignments.all())


def shown_score(*, user: Actor, application: Application) -> Decimal | None:
    """The overall score as `user` may see it: None when they rate the application."""
    if score_hidden(user=user, application=application):
        return None
    return application.overall_score


def scores_hide(*, user: Actor, applications: Iterable[Application]) -> None:
    """Mark (`score_hidden`) the applications `user` rates, for the templates."""
    for a in applications:
        a.score_hidden = score_hidden(user=user, application=a)
