"""What waits on an HR user: to screen, invitations running out, failed recordings, interviews
to review, offers to settle, and their jobs with the ranking one click away.

Every list starts from the apps' scoped querysets and keeps to the units where the user may
act (CANDIDATES_MANAGE): a to-do is something the user can do. Each list is read in a fixed
number of queries, ordered so the database sorts at most the matching index entries
(measured by bench/pages.py at 100,000 candidates); "to screen" is counted per job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import CLOSED_STAGES, Stage
from mianshi.candidates.selectors import manageable_applications
from mianshi.insights.todo import SHOWN, SeeAll, TodoItem, TodoList, todo_list
from mianshi.interviews.models import Answer, InterviewSession, QualityStatus
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.selectors import manageable_invitations
from mianshi.jobs.models import Job, JobStatus
from mianshi.jobs.selectors import job_list_for
from mianshi.organisations.scoping import units_for
from mianshi.reviews.models import Decision
from mianshi.reviews.selectors.workbench import sessions_for_review

EXPIRING = timedelta(hours=48)  # the "invitations expiring soon"
URGENT = timedelta(hours=24)  # less than a day left: shown as urgent
OPEN_LINKS = (
    InvitationStatus.CREATED,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.STARTED,
)
JOBS_SHOWN = 8
# The per-job pipeline board (issue 14, item 2) is another engineer's; its URL name goes here.
BOARD_URL = "insights:pipeline"


def _candidates_url(stage: str) -> str:
    return f"{reverse('candidates:candidate_list')}?stage={stage}"


def _application_line(app: Application) -> tuple[str, str]:
    return app.candidate.name, f"{app.job.title} · {app.get_stage_display()}"


def to_screen(*, user: Actor) -> TodoList:
    """New applications (applied, screening) per job, the job with the most first: HR
    screens a job's pile on its board, and at 60,000 waiting applications a list of the
    oldest five would sort them all on every visit. One grouped pass over the waiting
    applications' entries of the (job, stage, org_unit, …) index counts them instead."""
    stages = (Stage.APPLIED, Stage.SCREENING)
    rows = (
        manageable_applications(user)
        .filter(stage__in=stages)
        .order_by()
        .values_list("job_id", "stage")
        .annotate(n=Count("*"))
    )
    per_job: dict[int, dict[str, int]] = {}
    for job_id, stage, n in rows:
        per_job.setdefault(job_id, {})[stage] = n
    top = sorted(per_job, key=lambda pk: (-sum(per_job[pk].values()), pk))[:SHOWN]
    titles = dict(Job.objects.filter(pk__in=top).values_list("pk", "title")) if top else {}

    def item(job_id: int) -> TodoItem:
        waiting = per_job[job_id]
        detail = " · ".join(f"{s.label} {waiting[s]}" for s in stages if waiting.get(s))
        return TodoItem(titles.get(job_id, ""), detail, board_url(job_id))

    more = [SeeAll(str(s.label), _candidates_url(s)) for s in stages]
    total = sum(sum(waiting.values()) for waiting in per_job.values())
    return TodoList(
        key="screen", title=_("To screen"), count=total, items=[item(pk) for pk in top],
        more=more, empty=_("No new applications wait for screening."),
    )  # fmt: skip


def invitations_expiring(*, user: Actor) -> TodoList:
    """Links still unused or unfinished that run out within 48 hours, soonest first: only
    while the application still waits on that interview (not once it moved on)."""
    now = timezone.now()
    waiting = (Stage.INVITED, Stage.INTERVIEWING)
    qs = (
        manageable_invitations(user)
        .filter(status__in=OPEN_LINKS, expires_at__gt=now, expires_at__lte=now + EXPIRING)
        .filter(application__stage__in=waiting)
        .select_related("application__candidate", "application__job")
        .order_by("expires_at", "pk")
    )

    def item(inv: Invitation) -> TodoItem:
        url = f"{reverse('invitations:invitation_list')}?application={inv.application_id}"
        late = inv.expires_at <= now + URGENT
        title, detail = inv.application.candidate.name, inv.application.job.title
        detail = f"{detail} · {inv.get_status_display()}"
        return TodoItem(
            title, detail, url, inv.expires_at, _("expires"), late, app_id=inv.application_id
        )

    more = [SeeAll(_("All invitations"), reverse("invitations:invitation_list"))]
    return todo_list(
        key="expiring", title=_("Invitations expiring within 48 hours"), qs=qs, item=item,
        more=more, empty=_("No invitation runs out in the next 48 hours."),
    )  # fmt: skip


def _managed_sessions(user: Actor) -> QuerySet[InterviewSession]:
    units = units_for(user, Cap.CANDIDATES_MANAGE)
    return sessions_for_review(user).filter(org_unit__in=units)


def recordings_failed(*, user: Actor) -> TodoList:
    """Interviews whose recording failed verification or an answer its quality checks, not
    yet replaced by a re-record invitation nor closed."""
    # IN over the failed answers, not a per-session EXISTS: 3 ms against 15 ms at 4,000
    # interviews (bench/pages.py).
    failing = Answer.objects.filter(quality_status=QualityStatus.FAIL).values("session_id")
    replaced = Invitation.objects.filter(replaces=OuterRef("invitation_id"))
    qs = (
        _managed_sessions(user)
        .filter(Q(flagged=True) | Q(pk__in=failing))
        .exclude(Exists(replaced))
        .exclude(application__stage__in=CLOSED_STAGES)
        .select_related("application__candidate", "application__job")
        .order_by("-pk")
    )

    def item(session: InterviewSession) -> TodoItem:
        app = session.application
        url = reverse("interviews:board", args=[app.job_id])
        reason = session.flag_reason or _("An answer failed its quality checks")
        detail = f"{app.job.title} · {reason}"
        when = session.finished_at or session.last_data_at
        return TodoItem(app.candidate.name, detail, url, when, _("recorded"), app_id=app.pk)

    more = [SeeAll(_("Interviews board"), reverse("interviews:board_index"))]
    return todo_list(
        key="failed", title=_("Recordings failed"), qs=qs, item=item, more=more,
        empty=_("No failed recordings."),
    )  # fmt: skip


def interviews_to_review(*, user: Actor) -> TodoList:
    """Analysed interviews (the application at "AI scored") with no decision yet."""
    decided = Decision.objects.filter(session=OuterRef("pk"))
    # From the AI-scored applications' index entries to their interviews, not from every
    # interview to its application: 3 ms against 28 ms at 4,000 interviews (bench/pages.py).
    scored = manageable_applications(user).filter(stage=Stage.AI_SCORED).values("pk")
    qs = (
        _managed_sessions(user)
        .filter(application_id__in=scored)
        .exclude(Exists(decided))
        .select_related("application__candidate", "application__job")
        .order_by("pk")  # arrival order, walked on the primary key
    )

    def item(session: InterviewSession) -> TodoItem:
        app = session.application
        url = reverse("reviews:workbench", args=[session.pk])
        return TodoItem(
            app.candidate.name, app.job.title, url, session.finished_at, _("finished"),
            app_id=app.pk,
        )  # fmt: skip

    more = [SeeAll(_("Review queue"), reverse("reviews:queue"))]
    return todo_list(
        key="review", title=_("Interviews to review"), qs=qs, item=item, more=more,
        empty=_("No analysed interview waits for a decision."),
    )  # fmt: skip


def offers_pending(*, user: Actor) -> TodoList:
    """Applications at offer approval or pending onboarding, the oldest first."""
    stages = (Stage.OFFER_APPROVAL, Stage.PENDING_ONBOARDING)
    qs = (
        manageable_applications(user)
        .filter(stage__in=stages)
        .select_related("candidate", "job")
        .order_by("pk")  # the oldest application first, sorted within the index
    )

    def item(app: Application) -> TodoItem:
        title, detail = _application_line(app)
        url = reverse("reviews:offer_page", args=[app.pk])
        return TodoItem(title, detail, url, app.updated_at, _("since"), app_id=app.pk)

    more = [SeeAll(str(stage.label), _candidates_url(stage)) for stage in stages]
    return todo_list(
        key="offers", title=_("Decisions and offers pending"), qs=qs, item=item, more=more,
        empty=_("No offer waits for approval or onboarding."),
    )  # fmt: skip


def hr_lists(*, user: Actor) -> list[TodoList]:
    """The HR home page's lists, in the order a recruiter's day goes."""
    readers = (to_screen, invitations_expiring, recordings_failed, interviews_to_review)
    return [read(user=user) for read in (*readers, offers_pending)]


@dataclass(frozen=True)
class JobLinks:
    """An open job and where its board is (the job's page until the board has a URL)."""

    job: Job
    board_url: str


def board_url(job_id: int) -> str:
    """The job's pipeline board; the job's own page while BOARD_URL is not routed."""
    try:
        return reverse(BOARD_URL, args=[job_id])
    except NoReverseMatch:
        return reverse("jobs:job_detail", args=[job_id])


def my_jobs(*, user: Actor) -> tuple[list[JobLinks], int]:
    """The open jobs of the user's units (first few by title) and how many there are."""
    qs = job_list_for(user=user, status=JobStatus.OPEN).order_by("title", "pk")
    jobs = [JobLinks(job, board_url(job.pk)) for job in qs[:JOBS_SHOWN]]
    count = len(jobs) if len(jobs) < JOBS_SHOWN else qs.count()
    return jobs, count
