"""What `make demo` prints last: where to go, how to log in, what to open.

Read-only: it reports what the demo deployment holds (the logins of data.USERS, one open
candidate link per job, the demo interviews' workbench pages and their analysis, the demo
hire's employee page once `demo_interviews` has made it), so it can be printed again at any
time (`manage.py demo_summary`) without changing anything.
"""

from __future__ import annotations

from django.urls import reverse

from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.candidates.pipeline import Stage
from mianshi.demo import data as D
from mianshi.demo.employees import NUMBER as HIRE_NUMBER
from mianshi.demo.recruitment import summary_lines as recruitment_lines
from mianshi.demo.recruitment_open import summary_lines as application_lines
from mianshi.employees.models import Employee
from mianshi.interviews.models import InterviewSession
from mianshi.invitations.models import Invitation, InvitationStatus
from mianshi.invitations.services import invitation_link, invitation_token

OPEN = [InvitationStatus.CREATED, InvitationStatus.SENT, InvitationStatus.OPENED]


def summary_lines(*, base_url: str, data_dir: str) -> list[str]:
    """The summary, line by line: URL, logins, candidate links, workbench links, logs."""
    return [
        f"Mianshi demo: {base_url.rstrip('/')}/",
        "",
        *_logins(),
        "",
        *_candidate_links(),
        "",
        *_workbench_links(base_url),
        *_hire(base_url),
        *recruitment_lines(base_url),
        *application_lines(base_url),
        "",
        f"Logs (server, worker, receiver, demo setup): {data_dir}/*.log",
        "Stop with Ctrl-C.",
    ]


def _logins() -> list[str]:
    lines = [f"Logins (password for all: {D.DEMO_PASSWORD}):"]
    for username, display, role, _unit, what in D.USERS:
        lines.append(f"  {username:<13} {role:<13} {display} ({what})")
    return lines


def _candidate_links() -> list[str]:
    """One open invitation per job: enough to try the candidate's side without a login."""
    lines = ["Candidate interview links (no login; open one on a phone or a laptop):"]
    seen: set[int] = set()
    invitations = (
        Invitation.objects.filter(status__in=OPEN, application__stage=Stage.INVITED)
        .select_related("application__candidate", "application__job")
        .order_by("application__job_id", "pk")
    )
    for invitation in invitations:
        job = invitation.application.job
        if job.pk in seen:
            continue
        seen.add(job.pk)
        link = invitation_link(invitation, invitation_token(invitation))
        lines.append(f"  {invitation.application.candidate.name}  {job.title}  {link}")
    if not seen:
        lines.append("  (none open)")
    return lines


def _workbench_links(base_url: str) -> list[str]:
    """The demo interviews, recorded through the server and analysed by the worker."""
    lines = ["Recorded demo interviews (workbench; log in as hr_sh or int_sh_1):"]
    names = [name for name, *_ in D.INTERVIEW_CANDIDATES]
    sessions = InterviewSession.objects.filter(
        application__job__title=D.INTERVIEW_JOB[0], application__candidate__name__in=names
    ).select_related("application__candidate")
    for session in sessions.order_by("pk"):
        path = reverse("reviews:workbench", args=[session.pk])
        state = _analysis_state(session)
        name = session.application.candidate.name
        lines.append(f"  {name}  {state}  {base_url.rstrip('/')}{path}")
    if len(lines) == 1:
        lines.append("  (not recorded yet: see demo-interviews.log)")
    return lines


def _analysis_state(session: InterviewSession) -> str:
    runs = list(AnalysisRun.objects.filter(answer__session=session, is_current=True))
    done = sum(r.status == RunStatus.DONE for r in runs)
    answers = session.answers.count()
    score = session.application.overall_score
    if answers and done == answers:
        return f"analysed, score {score}" if score is not None else "analysed"
    return f"{done}/{answers} answers analysed"


def _hire(base_url: str) -> list[str]:
    """The demo's employee: the analysed, rated candidate the demo offered and hired."""
    employee = Employee.objects.filter(employee_number=HIRE_NUMBER).first()
    if employee is None:
        return []
    path = reverse("employees:employee_detail", args=[employee.pk])
    return [f"Demo hire (employee archive; log in as hr_sh): {base_url.rstrip('/')}{path}"]
