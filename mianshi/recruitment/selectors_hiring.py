"""Reads behind the HR pages after the interview: the ranking with the candidates' names,
the places of the headcount (编制) and their history, the objections to a 公示, and the
plan's synthesis rule in words.

Every getter is scoped like selectors_results.post_for_results (candidates in full on the
post's job's unit, never an interviewer): outside those units the answer is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.organisations.scoping import units_for
from mianshi.recruitment.models import (
    Objection,
    Post,
    Publication,
    QuotaChange,
    Result,
    ResultStatus,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.selectors_results import RESULT_ROLES
from mianshi.recruitment.services.hiring import IN_PLACE


@dataclass(frozen=True)
class Places:
    """The post's headcount, the places held on the way to the hire, and the hires."""

    headcount: int
    held: int
    hires: int

    @property
    def free(self) -> int:
        return max(0, self.headcount - self.held)


def _units(user: Actor) -> frozenset[int]:
    return units_for(user, Cap.CANDIDATES_VIEW, roles=RESULT_ROLES)


def result_get(*, user: Actor, pk: int) -> Result:
    """One result whose post `user` may read the results of, with its post, else 404."""
    rows = Result.objects.select_related("post__job", "post__plan")
    return get_object_or_404(rows.filter(post__job__org_unit__in=_units(user)), pk=pk)


def objection_get(*, user: Actor, pk: int) -> Objection:
    """One objection to a list `user` may read, with its publication and post, else 404."""
    rows = Objection.objects.select_related("publication__post__job")
    units = _units(user)
    return get_object_or_404(rows.filter(publication__post__job__org_unit__in=units), pk=pk)


def ranking(*, post: Post) -> list[Result]:
    """The post's results in rank order with candidate, facts (ticket) and the tie's
    decider: one query whatever their number."""
    rows = Result.objects.filter(post=post).select_related(
        "application__candidate", "application__facts", "decided_by"
    )
    return list(rows.order_by("rank", "application_id"))


def places(*, post: Post) -> Places:
    """How many of the post's places are held and hired (one query)."""
    statuses = list(Result.objects.filter(post=post).values_list("status", flat=True))
    held = sum(1 for s in statuses if s in IN_PLACE)
    hires = sum(1 for s in statuses if s == ResultStatus.HIRED)
    return Places(headcount=post.job.headcount, held=held, hires=hires)


def quota_history(*, post: Post) -> QuerySet[QuotaChange]:
    """The post's headcount changes, newest first, with who made them."""
    return QuotaChange.objects.filter(post=post).select_related("changed_by")


def latest_publication(*, post: Post) -> Publication | None:
    """The post's latest list (the one the page, PDF and spreadsheet show)."""
    return Publication.objects.filter(post=post).order_by("-published_at", "-pk").first()


def objections(*, post: Post) -> list[Objection]:
    """Every objection to the post's lists, open ones first, with the candidate's ticket."""
    rows = Objection.objects.filter(publication__post=post).select_related(
        "application__facts", "application__candidate", "resolved_by"
    )
    return sorted(rows, key=lambda o: (o.upheld is not None, -o.pk))


def _percent(weight: Decimal) -> str:
    return f"{(weight * 100).normalize():f}%"


def formula_in_words(params: Parameters) -> str:
    """ "Total = written × 60% + interview × 40%, rounded half up to two decimal places"."""
    terms = [
        _("written × %(weight)s") % {"weight": _percent(params.weight_written)},
        _("interview × %(weight)s") % {"weight": _percent(params.weight_interview)},
    ]
    if params.weight_extra > 0:
        terms.append(_("additional test × %(weight)s") % {"weight": _percent(params.weight_extra)})
    return _("Total = %(terms)s, rounded half up to two decimal places") % {
        "terms": " + ".join(terms)
    }


def tie_breaks_in_words(params: Parameters) -> str:
    """The plan's tie-breaks in their order, as one sentence."""
    names = {
        "written": _("the higher written score"),
        "extra": _("the higher additional-test score"),
        "decision": _("a recorded decision by a named approver"),
    }
    order = _(", then ").join(str(names[t]) for t in params.tie_break)
    return _("Equal totals are ordered by %(order)s.") % {"order": order}
