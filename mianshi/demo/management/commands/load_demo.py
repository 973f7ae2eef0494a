"""`manage.py load_demo`: the demo organisation, staff, jobs, question bank and candidates.

Everything is written through the services (so the audit trail and validation apply);
running it twice does nothing the second time.
"""

from collections import deque
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from mianshi.accounts.models import User
from mianshi.accounts.services import user_create
from mianshi.candidates.models import Application
from mianshi.candidates.pipeline import TRANSITIONS, Stage
from mianshi.candidates.services import (
    application_advance,
    application_assign,
    application_create,
    candidate_create,
)
from mianshi.demo import automation as demo_automation
from mianshi.demo import data as D
from mianshi.demo import integrations as demo_integrations
from mianshi.demo import recruitment as demo_recruitment
from mianshi.demo import recruitment_open as demo_recruitment_open
from mianshi.demo.interviews import demo_job
from mianshi.invitations.models import Invitation
from mianshi.invitations.services import invitation_create_send, invitation_link, invitation_token
from mianshi.jobs.models import Job
from mianshi.jobs.services import (
    DimensionInput,
    QuestionInput,
    RubricInput,
    competency_model_create,
    job_create,
    job_update,
    question_create,
    template_create,
)
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.services import orgunit_create

# Why HR moved a demo application, as a recruiter would write it (shown in its history).
REASONS = {
    "screening": "简历初筛",
    "invited": "通过初筛，邀请视频面试",
    "rejected": "与岗位要求不匹配",
    "talent_pool": "暂无合适岗位，存入人才库",
}


class Command(BaseCommand):
    help = "Load the demo organisation, users, jobs, question bank and 30 candidates."

    def handle(self, *args: Any, **options: Any) -> None:
        if OrgUnit.objects.filter(code="hq").exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.print_logins()
        self.print_links()
        self.print_integrations()

    def print_links(self) -> None:
        """The candidates' links of the open demo invitations: try the interview yourself."""
        self.stdout.write("\nCandidate interview links (no login; open one to record):")
        for invitation in Invitation.objects.filter(status__in=["sent", "created", "opened"]):
            link = invitation_link(invitation, invitation_token(invitation))
            who = invitation.application.candidate.name
            self.stdout.write(f"  {who:<6} {invitation.application.job.title:<8} {link}")

    def print_integrations(self) -> None:
        """Where the events, the syncs and what the stand-in EHR received can be seen."""
        base, data = settings.PUBLIC_URL, settings.DATA_DIR
        self.stdout.write("\nIntegrations (the demo hire's sync and events go to a stand-in EHR):")
        self.stdout.write(f"  event catalogue     {base}{reverse('events:catalogue')}")
        self.stdout.write(f"  integrations health {base}{reverse('integrations:health')}")
        self.stdout.write(f"  receiver log        {data}/{demo_integrations.LOG_FILE}")
        if not demo_integrations.loaded():
            # loopback is refused unless allow-listed, and the demo loads only once
            self.stdout.write(
                "  (no demo webhook: load a new data folder with MIANSHI_WEBHOOK_ALLOW=127.0.0.1)"
            )

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {D.DEMO_PASSWORD}):")
        for username, display, role, unit, what in D.USERS:
            self.stdout.write(f"  {username:<14} {display:<12} {role:<14} {unit:<9} {what}")


def load() -> None:
    units = _units()
    users = _users(units)
    models = {name: _model(name, dims, units["hq"]) for name, dims in D.MODELS.items()}
    questions = {q[0]: _question(q, units["hq"]) for q in D.QUESTIONS}
    jobs = {t[0]: _job(t, units, models) for t in D.JOBS}
    for name, job_title, keys in D.TEMPLATES:
        job = jobs[job_title]
        template = template_create(
            actor=None,
            org_unit=job.org_unit,
            name=name,
            job=job,
            competency_model=job.competency_model,
            question_ids=[questions[k].pk for k in keys],
        )
        job_update(actor=None, job=job, data={"interview_template": template})
    _candidates(jobs, users)
    # The English job of the demo interviews (and of the demo hire that follows them).
    demo_job()
    # After the candidates are placed, so their histories stay as the demo wrote them.
    demo_automation.load(unit=units["hq"])
    # Before the demo hire (demo_interviews makes it once 林晓东's interview is analysed and
    # rated), so its events and its HR-JSON sync go out to the stand-in EHR.
    demo_integrations.load(unit=units["hq"], owner=users["admin"])
    # A public-recruitment plan at 公示, every step through the recruitment services; then
    # one open for applications today (its public 报名 page) and 赵磊 in the examiner pool.
    demo_recruitment.load()
    demo_recruitment_open.load()


def _units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in D.UNITS:
        units[code] = orgunit_create(
            actor=None, name=name, code=code, kind=kind, parent=units[parent] if parent else None
        )
    return units


def _users(units: dict[str, OrgUnit]) -> dict[str, User]:
    users = {}
    for username, display, role, unit, _what in D.USERS:
        users[username] = user_create(
            actor=None,
            username=username,
            password=D.DEMO_PASSWORD,
            display_name=display,
            email=f"{username}@demo.mianshi.local",
            role=role,
            org_unit=units[unit],
        )
    # The demo admin may also open Django admin for raw configuration.
    User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    return users


def _model(name: str, dims: list[tuple[str, int, list[str]]], owner: OrgUnit) -> Any:
    inputs = [
        DimensionInput(dim, Decimal(weight), children=[DimensionInput(sub) for sub in subs])
        for dim, weight, subs in dims
    ]
    return competency_model_create(actor=None, org_unit=owner, name=name, dimensions=inputs)


def _question(row: tuple[Any, ...], owner: OrgUnit) -> Any:
    key, qtype, lang, text, prep, answer, retakes, dims, rubric = row
    answer_type, choices = D.ANSWER_TYPES.get(key, ("video", []))
    data = QuestionInput(
        type=qtype,
        text=text,
        answer_type=answer_type,
        choices=choices,
        language=lang,
        prep_seconds=prep,
        answer_seconds=answer,
        max_retakes=retakes,
        screen_share=qtype == "skills_demo",
        dimension_codes=dims,
        rubric=[RubricInput(level, desc, kws) for level, (desc, kws) in rubric.items()],
    )
    return question_create(actor=None, org_unit=owner, data=data)


def _job(row: tuple[Any, ...], units: dict[str, OrgUnit], models: dict[str, Any]) -> Job:
    title, unit, model, headcount, education, years, description = row
    data = {
        "title": title,
        "description": description,
        "education": education,
        "min_years": years,
        "headcount": headcount,
        "status": "open",
        "competency_model": models[model],
    }
    return job_create(actor=None, org_unit=units[unit], data=data)


def _candidates(jobs: dict[str, Job], users: dict[str, User]) -> None:
    for n, (job_title, stage) in enumerate(D.PIPELINE):
        job = jobs[job_title]
        hr = users["hr_sz"] if job.org_unit.code.startswith("sz") else users["hr_sh"]
        candidate = candidate_create(actor=hr, org_unit=job.org_unit, **_person(n))
        application = application_create(actor=hr, candidate=candidate, job=job)
        if stage == "invited":
            # A real invitation (mailed to the outbox) so the link and the board can be tried.
            invitation_create_send(actor=hr, application=application, expires_hours=24 * 30)
        _move(hr, application, stage)
        if job.org_unit.code.startswith("sh") and stage == "invited":
            interviewer = users["int_sh_1"] if job_title == "销售代表" else users["int_sh_2"]
            application_assign(actor=hr, application=application, interviewer=interviewer)
    _returning_candidate(jobs, users["hr_sh"])


def _person(n: int) -> dict[str, Any]:
    female = n % 2 == 1
    name = D.SURNAMES[n % len(D.SURNAMES)] + D.GIVEN[n % len(D.GIVEN)]
    region = "440305" if n % 3 == 0 else "310101"
    birth = f"{1988 + n % 12}{1 + n % 12:02d}{1 + n % 27:02d}"
    tags = ["潜力候选人"] if n % 5 == 0 else (["校招"] if n % 4 == 0 else ["社招"])
    return {
        "name": name,
        "id_number": D.id_number(region, birth, n, female),
        "phone": f"139{n:04d}{5678 + n:04d}",
        "email": f"candidate{n:02d}@example.com",
        "gender": "female" if female else "male",
        "tags": tags,
    }


def _returning_candidate(jobs: dict[str, Job], hr: User) -> None:
    """Someone rejected for one job who applies again: the history shows on the new one."""
    candidate = candidate_create(actor=hr, org_unit=jobs["软件工程师"].org_unit, **_person(30))
    earlier = application_create(actor=hr, candidate=candidate, job=jobs["软件工程师"])
    _move(hr, earlier, "rejected")
    again = application_create(actor=hr, candidate=candidate, job=jobs["销售代表"])
    _move(hr, again, "screening")


def _move(actor: User, application: Application, target: str) -> None:
    """Walk the shortest allowed path to `target`, one recorded transition per step."""
    for stage in _path(application.stage, target):
        application_advance(
            actor=actor, application=application, to_stage=stage, reason=REASONS.get(stage, "")
        )


def _path(start: str, target: str) -> list[str]:
    queue: deque[list[str]] = deque([[start]])
    seen = {start}
    while queue:
        path = queue.popleft()
        if path[-1] == target:
            return path[1:]
        for nxt in TRANSITIONS[Stage(path[-1])]:
            if nxt not in seen and nxt not in {"rejected", "talent_pool"} - {target}:
                seen.add(nxt)
                queue.append([*path, str(nxt)])
    raise ValueError(f"no path {start} → {target}")
