"""Invitation reads. HR reads start from the candidates' scoped querysets; the candidate's
side finds its invitation by the link's token only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.invitations.models import CLOSED_STATUSES, Delivery, Invitation, InvitationStatus
from mianshi.invitations.tokens import hash_token
from mianshi.organisations.scoping import scope

# A filter value beside the stored statuses: open links whose time ran out.
EXPIRED = "expired"


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation behind a link, whatever its state (callers decide what it may open)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related(
            "application__job", "application__candidate", "org_unit", "template_version"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def visible_invitations(user: Actor) -> QuerySet[Invitation]:
    """Invitations of applications `user` may see (same rules as the candidates app)."""
    from mianshi.candidates.selectors import visible_applications

    base = scope(Invitation.objects.all(), user, Cap.CANDIDATES_VIEW)
    return base.filter(application__in=visible_applications(user).values("pk"))


def manageable_invitations(user: Actor) -> QuerySet[Invitation]:
    """Invitations `user` may revoke, resend or renew (CANDIDATES_MANAGE on the unit)."""
    return scope(Invitation.objects.all(), user, Cap.CANDIDATES_MANAGE)


@dataclass(frozen=True)
class InvitationFilters:
    """The list's query parameters, already parsed."""

    job: int | None = None
    status: str = ""
    application: int | None = None
    kind: str = ""


def _status_filter(qs: QuerySet[Invitation], status: str) -> QuerySet[Invitation]:
    now = timezone.now()
    if status == EXPIRED:
        return qs.exclude(status__in=CLOSED_STATUSES).filter(expires_at__lte=now)
    if status in CLOSED_STATUSES:
        return qs.filter(status=status)
    if status in InvitationStatus.values:
        return qs.filter(status=status, expires_at__gt=now)
    return qs


def invitation_list(*, user: Actor, filters: InvitationFilters) -> QuerySet[Invitation]:
    """Visible invitations matching the filters, newest first, with their deliveries."""
    qs = visible_invitations(user)
    if filters.job:
        qs = qs.filter(application__job_id=filters.job)
    if filters.application:
        qs = qs.filter(application_id=filters.application)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = _status_filter(qs, filters.status)
    return qs.select_related("application__candidate", "application__job").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at", "id"))
    )


def invitation_get(*, user: Actor, pk: int) -> Invitation:
    """One visible invitation or 404."""
    return get_object_or_404(invitation_list(user=user, filters=InvitationFilters()), pk=pk)


def invitation_for_write(*, user: Actor, pk: int) -> Invitation:
    """An invitation `user` may act on: 404 when invisible, 403 when only visible."""
    from django.core.exceptions import PermissionDenied

    invitation = invitation_get(user=user, pk=pk)
    if not manageable_invitations(user).filter(pk=pk).exists():
        raise PermissionDenied
    return invitation


def latest_invitations(*, application_ids: Collection[int]) -> dict[int, Invitation]:
    """Each application's newest invitation by application id, with its deliveries (callers
    have checked the applications' scope). Two queries however many applications: the
    candidate page shows a panel per application."""
    newest = (
        Invitation.objects.filter(application_id=OuterRef("application_id"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    rows = Invitation.objects.filter(
        application_id__in=list(application_ids), pk=Subquery(newest)
    ).prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("id")))
    return {invitation.application_id: invitation for invitation in rows}


def display_status(invitation: Invitation) -> tuple[str, str]:
    """(code, label) as HR should read it: an open link past its time shows as expired."""
    from django.utils.translation import gettext as _

    if invitation.status not in CLOSED_STATUSES and invitation.is_expired:
        return EXPIRED, _("Expired")
    return invitation.status, str(invitation.get_status_display())


@dataclass(frozen=True)
class Progress:
    """The candidate's progress through one invitation (status page, F-33)."""

    total: int
    done: int
    state: str  # interviews.SessionState value, or "" before the first visit
    uploading: bool


def progress(invitation: Invitation) -> Progress:
    """How many questions are answered, read from the interview session when there is one."""
    from mianshi.interviews.models import AnswerStatus, InterviewSession, SessionState

    total = len(invitation.positions) or invitation.template_version.items.count()
    session = InterviewSession.objects.filter(invitation=invitation).first()
    if session is None:
        return Progress(total=total, done=0, state="", uploading=False)
    answers = session.answers.exclude(status=AnswerStatus.SKIPPED)
    received = [AnswerStatus.UPLOADING, AnswerStatus.VERIFYING, AnswerStatus.COMPLETE]
    done = answers.filter(status__in=received).count()
    pending = answers.filter(status__in=[AnswerStatus.UPLOADING, AnswerStatus.VERIFYING]).exists()
    return Progress(
        total=answers.count() or total,
        done=done,
        state=session.state,
        uploading=session.state == SessionState.UPLOADING or pending,
    )


def job_choices(*, user: Actor) -> QuerySet[Any]:
    """Jobs offered in the list's filter (those the user sees)."""
    from mianshi.candidates.selectors import jobs_visible

    return jobs_visible(user=user)


def open_invitations(application_ids: list[int]) -> QuerySet[Invitation]:
    """Invitations of these applications that still open the interview."""
    now = timezone.now()
    return Invitation.objects.filter(application_id__in=application_ids).filter(
        ~Q(status__in=CLOSED_STATUSES) & Q(expires_at__gt=now)
    )
