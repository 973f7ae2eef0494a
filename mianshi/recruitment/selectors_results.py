"""Reads of the synthesis: a post's ranked results, for the API and the pages alike.

Results are personal data (scores beside tickets): they are read by those who see the
post's candidates in full (HR and the department managers who approve), never by an
interviewer, whose view of candidates is their assignments only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import get_object_or_404

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap, Role, roles_with
from mianshi.organisations.scoping import units_for
from mianshi.recruitment.models import Post, Result

RESULT_ROLES = roles_with(Cap.CANDIDATES_VIEW) - {Role.INTERVIEWER}


@dataclass(frozen=True)
class ResultRow:
    """One candidate's line of the ranking."""

    application_id: int
    ticket: str
    written: Decimal | None
    interview: Decimal | None
    extra: Decimal | None
    total: Decimal | None
    rank: int | None
    tied: bool
    status: str


def post_for_results(*, user: Actor, pk: int) -> Post:
    """A post whose results `user` may read (candidates in full on its job's unit), else 404."""
    units = units_for(user, Cap.CANDIDATES_VIEW, roles=RESULT_ROLES)
    posts = Post.objects.select_related("job", "plan").filter(job__org_unit__in=units)
    return get_object_or_404(posts, pk=pk)


def result_rows(*, post: Post) -> list[ResultRow]:
    """The post's results in rank order (one query, whatever the number of candidates)."""
    rows = Result.objects.filter(post=post).select_related("application__facts")
    return [_row(r) for r in rows.order_by("rank", "application_id")]


def _row(result: Result) -> ResultRow:
    facts = getattr(result.application, "facts", None)
    return ResultRow(
        application_id=result.application_id, ticket=facts.ticket if facts else "",
        written=result.written, interview=result.interview, extra=result.extra,
        total=result.total, rank=result.rank, tied=result.tied, status=result.status,
    )  # fmt: skip
