"""Reads of the written exam's pages: the qualified applicants with their scores, and the
interview shortlist with the ties at its cutoff. The post is already scoped by the caller
(selectors.post_get); each read is a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mianshi.candidates.models import Application
from mianshi.recruitment.models import Post, ShortlistEntry, ShortlistStatus, WrittenScore
from mianshi.recruitment.services.exams import qualified


@dataclass(frozen=True)
class WrittenLine:
    """A qualified applicant and their written result (None before one is entered)."""

    application_id: int
    ticket: str
    name: str
    written: WrittenScore | None


@dataclass(frozen=True)
class ShortlistLine:
    """A place on the shortlist; `tied_at_cutoff` when it shares the last rank beyond the
    quota (最后一名成绩并列的一并进入面试)."""

    entry: ShortlistEntry
    ticket: str
    name: str
    score: Decimal | None
    tied_at_cutoff: bool


def _ticket(app: Application) -> str:
    facts = getattr(app, "facts", None)
    return facts.ticket if facts else ""


def written_lines(*, post: Post) -> list[WrittenLine]:
    """The post's qualified applicants by ticket, each with their written result."""
    # The verdict as a subquery: one statement, not a list of every qualified id sent back.
    apps = Application.objects.filter(pk__in=qualified(post)).select_related(
        "candidate", "facts", "written"
    )
    lines = [WrittenLine(a.pk, _ticket(a), a.candidate.name, getattr(a, "written", None))
             for a in apps]  # fmt: skip
    return sorted(lines, key=lambda line: (line.ticket, line.application_id))


def template_rows(*, post: Post) -> list[tuple[str, str]]:
    """(ticket, name) of the qualified applicants: the score sheet the exam centre fills."""
    return [(line.ticket, line.name) for line in written_lines(post=post)]


def shortlist_quota(post: Post) -> int:
    """Headcount × the plan's ratio: the shortlist's size before ties."""
    return post.job.headcount * post.parameters.shortlist_ratio


def shortlist_lines(*, post: Post) -> list[ShortlistLine]:
    """The shortlist in written-rank order, substitutes and withdrawals included."""
    entries = list(
        ShortlistEntry.objects.filter(post=post)
        .select_related("application__candidate", "application__facts", "application__written",
                        "replaces__application__candidate")
        .order_by("written_rank", "pk")
    )  # fmt: skip
    first = [e for e in entries if e.status != ShortlistStatus.SUBSTITUTE]
    last = max((e.written_rank for e in first), default=0)
    tied = len(first) > shortlist_quota(post) and sum(e.written_rank == last for e in first) > 1
    return [_line(e, tied and e.written_rank == last and e in first) for e in entries]


def _line(entry: ShortlistEntry, tied: bool) -> ShortlistLine:
    app = entry.application
    written = getattr(app, "written", None)
    return ShortlistLine(entry, _ticket(app), app.candidate.name,
                         written.score if written else None, tied)  # fmt: skip
