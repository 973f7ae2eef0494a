"""The written exam (笔试) and the interview shortlist (进入面试人选) with its 递补.

Scores come from the exam centre's sheet (all or nothing: a half-stored sheet would rank
candidates against missing scores) or one by one; only applicants who passed 资格审查 may
hold one. The shortlist is the post's headcount × the plan's ratio by written score, ties at
the cutoff all through; a withdrawal brings in the next in line by written rank. Audit
entries hold ids and counts, never names, ID numbers or scores of a person.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.common.crypto import blind_index
from mianshi.compliance.services import audit_record
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import arithmetic
from mianshi.recruitment.models import (
    QUALIFIED,
    Mark,
    Post,
    Screening,
    ShortlistEntry,
    ShortlistStatus,
    WrittenScore,
)
from mianshi.recruitment.parameters import Parameters
from mianshi.recruitment.scoresheet import MAX_DISCIPLINE, RowError, ScoreRow, parse_scores

MAX_REASON = 500
# A 违纪 note that voids the score makes the applicant count as absent for the shortlist.
VOIDING = ("取消成绩", "成绩无效")


@dataclass(frozen=True)
class ImportReport:
    """What a score sheet changed: rows read, scores created and replaced, absentees."""

    rows: int
    created: int
    updated: int
    absent: int


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal from the shortlist and its 递补 (None, with a note, when nobody is left)."""

    withdrawn: ShortlistEntry
    substitute: ShortlistEntry | None
    note: str


def require_manage(actor: Actor, post: Post) -> None:
    """HR steps of the procedure need CANDIDATES_MANAGE on the post's job's unit."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, post.unit_id)


def qualified(post: Post) -> QuerySet[Screening, int]:
    """The application ids of the post whose 资格审查 verdict (HR's override first) is a
    pass, as a subquery: `application_id__in=qualified(post)` stays one SQL statement."""
    rows = Screening.objects.filter(QUALIFIED, post=post, application__job_id=post.job_id)
    return rows.values_list("application_id", flat=True)


def qualified_ids(post: Post) -> set[int]:
    """Applications of the post whose 资格审查 verdict (HR's override first) is a pass."""
    return set(qualified(post))


def _post_of(application: Application) -> Post:
    post = Post.objects.select_related("plan", "job").filter(job_id=application.job_id).first()
    if post is None:
        raise ValidationError(_("This application is not for a public-recruitment post."))
    return post


def _refuse_after_shortlist(post: Post) -> None:
    if ShortlistEntry.objects.filter(post=post).exists():
        raise ValidationError(
            _("The interview shortlist is made from these scores: they can no longer change.")
        )


# --- the score sheet ---------------------------------------------------------------------


class Known(Mapping[str, int]):
    """A sheet's keys → application: a ticket number, or an ID number found through the
    candidates' blind index. Decrypting every applicant's ID number took 3 s for 20,000;
    hashing the sheet's own, one per row, takes milliseconds. Iterating lists the tickets
    only: the ID numbers are held as their blind indexes, never in clear."""

    def __init__(self, tickets: dict[str, int], id_indexes: dict[str, int]) -> None:
        self.tickets, self.id_indexes = tickets, id_indexes

    def __getitem__(self, key: str) -> int:
        if key in self.tickets:
            return self.tickets[key]
        index = blind_index(key, kind="id_number")  # normalises as the candidate's was
        if not index or index not in self.id_indexes:
            raise KeyError(key)
        return self.id_indexes[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tickets)

    def __len__(self) -> int:
        return len(self.tickets)


def _known(post: Post) -> tuple[Known, dict[int, str]]:
    """Tickets and ID numbers (by blind index) → application, and names, of the post's
    applicants: one query of plain values, nothing decrypted."""
    tickets: dict[str, int] = {}
    id_indexes: dict[str, int] = {}
    names: dict[int, str] = {}
    rows = Application.objects.filter(job_id=post.job_id).values_list(
        "pk", "facts__ticket", "candidate__id_number_bidx", "candidate__name"
    )
    for pk, ticket, id_index, name in rows:
        if ticket:
            tickets[ticket] = pk
        if id_index:
            id_indexes[id_index] = pk
        names[pk] = name
    return Known(tickets, id_indexes), names


def _row_error(error: RowError) -> ValidationError:
    if not error.line:
        return ValidationError(error.message, code="score_sheet")
    message = _("Line %(line)s, column %(column)s: %(message)s")
    params = {"line": error.line, "column": error.column, "message": error.message}
    return ValidationError(message, code="score_sheet", params=params)


def _unqualified(rows: list[ScoreRow], qualified: set[int]) -> list[RowError]:
    message = _("This applicant did not pass the qualification check (资格审查): no score.")
    return [RowError(r.line, _("Ticket number"), message) for r in rows if r.key not in qualified]


def written_import(*, actor: Actor, post: Post, data: bytes, filename: str) -> ImportReport:
    """Store every score of the exam centre's sheet, or none: a ValidationError lists each
    problem with its line and column (params line, column, message)."""
    require_manage(actor, post)
    known, names = _known(post)
    sheet = parse_scores(
        data, filename=filename, known=known, names=names, max_score=post.parameters.max_score
    )
    errors = sheet.errors or _unqualified(sheet.rows, qualified_ids(post))
    if errors:
        raise ValidationError([_row_error(e) for e in errors])
    with transaction.atomic():
        _refuse_after_shortlist(post)
        report = _upsert(actor, post, sheet.rows)
        audit_record(
            actor=actor, action="recruitment.written.import", obj=post,
            org_unit_id=post.job.org_unit_id,
            detail={"rows": report.rows, "created": report.created, "updated": report.updated,
                    "absent": report.absent, "format": filename.rsplit(".", 1)[-1][:8]},
        )  # fmt: skip
    return report


def _upsert(actor: Actor, post: Post, rows: list[ScoreRow]) -> ImportReport:
    """One INSERT … ON CONFLICT for the whole sheet: bulk_update resolved a CASE per row and
    field in Python, and replacing 17,600 scores took 16 s. The 加试 score is left as it is."""
    scored = WrittenScore.objects.filter(application__job_id=post.job_id)
    existing = set(scored.values_list("application_id", flat=True))
    now = timezone.now()
    scores = [
        WrittenScore(application_id=row.key, post=post, score=row.score, absent=row.absent,
                     discipline=row.discipline, entered_by=actor, entered_at=now)
        for row in rows
    ]  # fmt: skip
    fields = ["score", "absent", "discipline", "entered_by", "entered_at"]
    WrittenScore.objects.bulk_create(
        scores, update_conflicts=True, unique_fields=["application"], update_fields=fields
    )
    updated = sum(1 for row in rows if row.key in existing)
    absent = sum(1 for r in rows if r.absent)
    return ImportReport(rows=len(rows), created=len(rows) - updated, updated=updated, absent=absent)


# --- one score at a time -----------------------------------------------------------------


def checked_score(value: Decimal | str | int, *, max_score: Decimal, field: str) -> Decimal:
    """A score within 0..max_score with at most two decimals, else a ValidationError."""
    try:
        score = arithmetic.to_decimal(value)
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError({field: _("Not a number: %(value)s.") % {"value": value}}) from None
    if not 0 <= score <= max_score:
        message = _("The score %(score)s is outside the range 0 to %(max)s.")
        raise ValidationError({field: message % {"score": score, "max": max_score}})
    if score != score.quantize(Decimal("0.01")):
        message = _("The score %(score)s has more than two decimal places.")
        raise ValidationError({field: message % {"score": score}})
    return abs(score.quantize(Decimal("0.01")))


def _check_presence(score: Decimal | None, absent: bool, discipline: str) -> None:
    if absent and score is not None:
        raise ValidationError({"score": _("Marked absent, yet a score is given: keep one.")})
    if not absent and score is None:
        raise ValidationError({"score": _("No score, and not marked absent.")})
    if len(discipline) > MAX_DISCIPLINE:
        message = _("The misconduct note is longer than %(n)s characters.")
        raise ValidationError({"discipline": message % {"n": MAX_DISCIPLINE}})


def _require_qualified(post: Post, application: Application) -> None:
    if application.pk not in qualified_ids(post):
        raise ValidationError(
            _("This applicant did not pass the qualification check (资格审查): no score.")
        )


def written_enter(
    *,
    actor: Actor,
    application: Application,
    score: Decimal | str | None = None,
    absent: bool = False,
    discipline: str = "",
) -> WrittenScore:
    """Enter or correct one applicant's written score (or absence, or 违纪 note)."""
    post = _post_of(application)
    require_manage(actor, post)
    _require_qualified(post, application)
    discipline = (discipline or "").strip()
    max_score = post.parameters.max_score
    value = None if score is None else checked_score(score, max_score=max_score, field="score")
    _check_presence(value, absent, discipline)
    with transaction.atomic():
        _refuse_after_shortlist(post)
        row, created = WrittenScore.objects.update_or_create(
            application=application,
            defaults={"post": post, "score": value, "absent": absent,
                      "discipline": discipline, "entered_by": actor},
        )  # fmt: skip
        audit_record(
            actor=actor, action="recruitment.written.enter", obj=row,
            org_unit_id=post.job.org_unit_id,
            detail={"application": application.pk, "created": created, "absent": absent},
        )  # fmt: skip
    return row


def extra_enter(*, actor: Actor, application: Application, score: Decimal | str) -> WrittenScore:
    """Enter the 加试 (skills test) score, for a plan that weighs it, beside the written one."""
    post = _post_of(application)
    require_manage(actor, post)
    params = post.parameters
    if params.weight_extra <= 0:
        raise ValidationError(_("This plan does not weigh an additional test (加试)."))
    value = checked_score(score, max_score=params.max_score, field="extra")
    with transaction.atomic():
        row = WrittenScore.objects.select_for_update().filter(application=application).first()
        if row is None:
            raise ValidationError(_("Enter the written score before the additional test."))
        row.extra, row.entered_by = value, actor
        row.save(update_fields=["extra", "entered_by", "entered_at"])
        audit_record(
            actor=actor, action="recruitment.extra.enter", obj=row,
            org_unit_id=post.job.org_unit_id, detail={"application": application.pk},
        )  # fmt: skip
    return row


# --- the shortlist -----------------------------------------------------------------------


def _counted(score: Decimal | None, absent: bool, discipline: str) -> Decimal | None:
    """The score the shortlist counts: None for an absentee or a voided (取消成绩) score."""
    if absent or any(word in discipline for word in VOIDING):
        return None
    return score


def written_scores(post: Post) -> list[tuple[int, Decimal | None]]:
    """(application, counted score) of every qualified applicant holding a written result:
    one query of plain values, the qualified verdict joined in SQL (an id list of 17,600
    and model instances took 0.9 s)."""
    rows = WrittenScore.objects.filter(post=post, application_id__in=qualified(post))
    values = rows.order_by("application_id").values_list(
        "application_id", "score", "absent", "discipline"
    )
    return [(key, _counted(score, absent, note)) for key, score, absent, note in values]


def written_ranks(scores: list[tuple[int, Decimal | None]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of the present scores: a score's rank is one more
    than the number of scores above it."""
    present = sorted((s for _k, s in scores if s is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for place, score in enumerate(present, start=1):
        first.setdefault(score, place)
    return {k: first[s] for k, s in scores if s is not None}


def _passing_order(post: Post, params: Parameters) -> list[int]:
    """Who passed the written exam, best first (the order 递补 follows)."""
    scores = written_scores(post)
    passing = [(k, s) for k, s in scores if s is not None and s >= params.pass_line]
    return [k for k, _s in sorted(passing, key=lambda pair: (-pair[1], pair[0]))]


def _clear_for_remake(post: Post) -> None:
    if Mark.objects.filter(panel__post=post).exists():
        raise ValidationError(_("Interview marks exist: the shortlist can no longer be remade."))
    entries = ShortlistEntry.objects.filter(post=post)
    entries.update(replaces=None)  # substitutes name whom they replace (PROTECT)
    entries.delete()


def shortlist_make(*, actor: Actor, post: Post, remake: bool = False) -> list[ShortlistEntry]:
    """进入面试人选: headcount × ratio by written score above the pass line, ties at the
    cutoff all through. Made once; `remake` redoes it until the first interview mark."""
    require_manage(actor, post)
    params = post.parameters
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one maker at a time
        if ShortlistEntry.objects.filter(post=post).exists():
            if not remake:
                raise ValidationError(_("The interview shortlist of this post is already made."))
            _clear_for_remake(post)
        entries = _make_entries(post, params)
        audit_record(
            actor=actor, action="recruitment.shortlist.make", obj=post,
            org_unit_id=post.job.org_unit_id,
            detail={"count": len(entries), "headcount": post.job.headcount,
                    "ratio": params.shortlist_ratio, "remake": remake},
        )  # fmt: skip
    return entries


def _make_entries(post: Post, params: Parameters) -> list[ShortlistEntry]:
    scores = written_scores(post)
    if not scores:
        raise ValidationError(_("There are no written scores for this post yet."))
    keys = arithmetic.shortlist(
        scores, headcount=post.job.headcount, ratio=params.shortlist_ratio,
        pass_line=params.pass_line,
    )  # fmt: skip
    if not keys:
        raise ValidationError(_("Nobody reached the written pass line: no one can be shortlisted."))
    ranks = written_ranks(scores)
    rows = [ShortlistEntry(application_id=k, post=post, written_rank=ranks[k]) for k in keys]
    ShortlistEntry.objects.bulk_create(rows)
    return list(ShortlistEntry.objects.filter(post=post).order_by("written_rank", "pk"))


def checked_reason(reason: str) -> str:
    """The reason stripped; required, at most 500 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    return reason


def shortlist_withdraw(
    *, actor: Actor, entry: ShortlistEntry, reason: str, substitute: bool = True
) -> Withdrawal:
    """Take `entry` off the shortlist (放弃, 不合格) and bring in the next in line by written
    rank (递补) unless `substitute` is False (面试缺考不递补)."""
    post = Post.objects.select_related("plan", "job").get(pk=entry.post_id)
    require_manage(actor, post)
    reason = checked_reason(reason)
    with transaction.atomic():
        entry = ShortlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == ShortlistStatus.WITHDRAWN:
            raise ValidationError(_("This applicant has already left the shortlist."))
        entry.status, entry.reason = ShortlistStatus.WITHDRAWN, reason
        entry.save(update_fields=["status", "reason"])
        audit_record(
            actor=actor, action="recruitment.shortlist.withdraw", obj=entry,
            org_unit_id=post.job.org_unit_id, detail={"application": entry.application_id},
        )  # fmt: skip
        new = _substitute(actor, post, entry) if substitute else None
    note = "" if new or not substitute else _("Nobody is left to move up (递补).")
    return Withdrawal(withdrawn=entry, substitute=new, note=note)


def _substitute(actor: Actor, post: Post, entry: ShortlistEntry) -> ShortlistEntry | None:
    params = post.parameters
    entries: QuerySet[ShortlistEntry] = ShortlistEntry.objects.filter(post=post)
    taken = set(entries.values_list("application_id", flat=True))
    key = arithmetic.next_in_line(_passing_order(post, params), taken=taken, out=())
    if key is None:
        return None
    rank = written_ranks(written_scores(post))[key]
    new = ShortlistEntry.objects.create(
        application_id=key, post=post, written_rank=rank, status=ShortlistStatus.SUBSTITUTE,
        replaces=entry, reason=entry.reason,
    )  # fmt: skip
    audit_record(
        actor=actor, action="recruitment.shortlist.substitute", obj=new,
        org_unit_id=post.job.org_unit_id,
        detail={"application": key, "replaces": entry.pk, "written_rank": rank},
    )  # fmt: skip
    return new
