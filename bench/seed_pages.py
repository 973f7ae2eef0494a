"""The data behind bench/pages.py: the demo deployment plus N candidates, bulk-written.

    MIANSHI_DATA_DIR=/tmp/x python bench/seed_pages.py --candidates 100000 --manifest m.json

Runs `migrate` and `load_demo`, analyses a few interviews per demo job through the real
services (reviews/tests/factories.py's path: consent, verified recordings, done analysis
runs, the score refresh), then bulk-creates N candidates (identifiers really encrypted,
blind indexes real) with 1–3 applications each over the demo jobs, their first pipeline
transition, tags, a few thousand finished interviews with answers, analysis results
and InterviewScore rows cloned from the real ones (same template version and questions),
and a month of audit trail and outbox history (seed_history.py).
Writes a JSON manifest (ids the page benchmark opens, seconds per phase) and prints it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import seed_history  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BATCH = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡子涵梓轩"
# Share of applications per stage: most never get far, a few thousand were interviewed.
STAGE_WEIGHTS = {
    "applied": 30,
    "screening": 18,
    "invited": 6,
    "interviewing": 1,
    "interview_done": 4,
    "ai_scored": 4,
    "second_round": 2,
    "offer_approval": 0.5,
    "pending_onboarding": 0.3,
    "hired": 0.7,
    "rejected": 28,
    "talent_pool": 5.5,
}
INTERVIEWED = {"interview_done", "ai_scored", "second_round", "offer_approval"}
JOB_WEIGHTS = {"销售代表": 45, "软件工程师": 25, "客服主管": 30}
EXTRA_TAGS = ["内推", "高潜", "待复核"]


@contextlib.contextmanager
def phase(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--scored", type=int, default=4000, help="finished, scored interviews")
    parser.add_argument("--analysed", type=int, default=4, help="real analysed ones per job")
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    manifest = seed(args.candidates, args.scored, args.analysed)
    args.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    print(json.dumps(manifest, ensure_ascii=False))


def seed(n: int, scored: int, analysed: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    timings: dict[str, float] = {}
    rng = random.Random(20260501)
    with phase(timings, "migrate"):
        call_command("migrate", verbosity=0)
    with phase(timings, "load_demo"):
        call_command("load_demo", stdout=io.StringIO())
    demo = _demo()
    with phase(timings, "analysed_interviews"):
        real = {job.title: _analysed(demo, job, analysed) for job in demo.jobs}
    with transaction.atomic():
        with phase(timings, "candidates"):
            first, last = _candidates(demo, n, rng)
        with phase(timings, "applications"):
            apps = _applications(demo, first, last, rng)
        with phase(timings, "tags"):
            _tags(first, last, rng)
        with phase(timings, "scored_interviews"):
            n_scored = _scored(demo, real, apps, scored, rng)
        with phase(timings, "history"):
            seed_history.history(rng)
    with phase(timings, "analyze"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return _manifest(demo, real, first, last, n_scored, timings)


def _demo() -> SimpleNamespace:
    from mianshi.accounts.models import User
    from mianshi.jobs.models import Job
    from mianshi.organisations.models import OrgUnit

    users = {u.username: u for u in User.objects.all()}
    units = {u.code: u for u in OrgUnit.objects.all()}
    # The video-interview jobs; the public-recruitment post of the demo has no interview
    # template (its interview is a panel's, bench/recruitment.py measures it).
    jobs = list(Job.objects.filter(post__isnull=True).select_related("org_unit").order_by("id"))
    return SimpleNamespace(users=users, units=units, jobs=jobs)


def _analysed(demo: SimpleNamespace, job: Any, count: int) -> list[Any]:
    """`count` interviews for `job` through the real services (the factory's path)."""
    from mianshi.reviews.models import InterviewScore
    from mianshi.reviews.tests.factories import ReviewWorld, analysed_interview

    branch = job.org_unit.parent
    hr = demo.users["hr_sz" if branch.code == "sz" else "hr_sh"]
    world = ReviewWorld(
        org=SimpleNamespace(sh=branch),
        hr=hr,
        interviewer=demo.users["int_sh_1"],
        manager=demo.users["mgr_sh_sales"],
        job=job,
    )
    sessions = []
    for i in range(count):
        name = SURNAMES[i] + GIVEN[i] + GIVEN[-i - 1]
        scores = {code: 4.0 + (i * 1.7 + k) % 6 for k, code in enumerate(_codes(job))}
        session = analysed_interview(world, name, scores=scores, confidence=0.4 + 0.15 * i)
        if not InterviewScore.objects.filter(session=session).exists():
            # The score refresh is still a placeholder: store what it would, so the ranking
            # and the queue have these interviews too.
            InterviewScore.objects.bulk_create([_score_row(session, job, random.Random(i))])
        sessions.append(session)
    return sessions


@functools.cache
def _codes(job: Any) -> list[str]:
    """The dimension codes the job's current template version scores (jobs are hashable)."""
    version = job.interview_template.versions.order_by("-number").first()
    codes: list[str] = []
    for question in version.items.all():
        for code in question.snapshot.get("dimension_codes") or []:
            if code not in codes:
                codes.append(code)
    return codes


def _id_number(i: int) -> str:
    from mianshi.demo.data import id_number

    birth = date(1980, 1, 1) + timedelta(days=i // 400)
    region = "440305" if i % 3 == 0 else "310101"
    return id_number(region, birth.strftime("%Y%m%d"), i % 400 + 50, i % 2 == 1)


def _person(i: int, rng: random.Random) -> tuple[str, str, str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else "")
    ident = _id_number(i) if i % 2 == 0 else ""
    return name, f"137{i:08d}", f"bench{i}@example.com", ident


def _candidates(demo: SimpleNamespace, n: int, rng: random.Random) -> tuple[int, int]:
    """N candidates, each owned by the unit of the job they apply to first."""
    from mianshi.candidates.models import ENC_CONTEXT, Candidate
    from mianshi.common.crypto import blind_index, encrypt_str

    titles = list(JOB_WEIGHTS)
    units = {job.title: job.org_unit_id for job in demo.jobs}
    batch: list[Any] = []
    first = None
    for i in range(n):
        name, phone, email, ident = _person(i, rng)
        title = rng.choices(titles, weights=list(JOB_WEIGHTS.values()))[0]
        batch.append(
            Candidate(
                org_unit_id=units[title],
                name=name,
                phone_enc=encrypt_str(phone, context=ENC_CONTEXT["phone_enc"]),
                phone_bidx=blind_index(phone, kind="phone"),
                email_enc=encrypt_str(email, context=ENC_CONTEXT["email_enc"]),
                email_bidx=blind_index(email, kind="email"),
                id_number_enc=encrypt_str(ident, context=ENC_CONTEXT["id_number_enc"]),
                id_number_bidx=blind_index(ident, kind="id_number") if ident else "",
                source=rng.choice(["website", "referral", "campus", "job_board"]),
                gender=rng.choice(["female", "male"]),
            )
        )
        if len(batch) == BATCH or i == n - 1:
            made = Candidate.objects.bulk_create(batch)
            first = first or made[0].pk
            batch = []
    last = Candidate.objects.order_by("-id").values_list("id", flat=True)[0]
    return first or last, last


def _applications(
    demo: SimpleNamespace, first: int, last: int, rng: random.Random
) -> list[tuple[int, int, int, str]]:
    """1–3 applications per candidate (own unit's job first), one transition each.

    Returns (application id, candidate id, job id, stage) of the interviewed ones."""
    from mianshi.candidates.models import Application, Candidate

    by_unit = {job.org_unit_id: job for job in demo.jobs}
    stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    owner = dict(Candidate.objects.filter(pk__gte=first).values_list("id", "org_unit_id"))
    batch: list[Application] = []
    interviewed: list[tuple[int, int, int, str]] = []
    for pk in range(first, last + 1):
        jobs = [by_unit[owner[pk]]]
        extra = rng.choices([0, 1, 2], weights=[70, 25, 5])[0]
        jobs += rng.sample([j for j in demo.jobs if j is not jobs[0]], extra)
        for job in jobs:
            batch.append(
                Application(
                    candidate_id=pk,
                    job_id=job.pk,
                    org_unit_id=job.org_unit_id,
                    stage=rng.choices(stages, weights=weights)[0],
                )
            )
        if len(batch) >= BATCH or pk == last:
            interviewed += _write_applications(demo, batch)
            batch = []
    return interviewed


def _write_applications(demo: SimpleNamespace, batch: list[Any]) -> list[tuple[int, int, int, str]]:
    from mianshi.candidates.models import Application, ApplicationTransition

    made = Application.objects.bulk_create(batch)
    hr = demo.users["hr_sh"]
    ApplicationTransition.objects.bulk_create(
        ApplicationTransition(application=a, from_stage="", to_stage=a.stage, actor=hr)
        for a in made
    )
    return [(a.pk, a.candidate_id, a.job_id, a.stage) for a in made if a.stage in INTERVIEWED]


def _tags(first: int, last: int, rng: random.Random) -> None:
    """About a third of the candidates carry one or two tags."""
    from mianshi.candidates.models import Candidate, Tag

    tags = list(Tag.objects.all()) + [Tag.objects.get_or_create(name=t)[0] for t in EXTRA_TAGS]
    through = Candidate.tags.through
    rows = []
    for pk in range(first, last + 1):
        if rng.random() < 0.33:
            for tag in rng.sample(tags, rng.choice([1, 1, 2])):
                rows.append(through(candidate_id=pk, tag_id=tag.pk))
    through.objects.bulk_create(rows, batch_size=BATCH)


def _scored(
    demo: SimpleNamespace,
    real: dict[str, list[Any]],
    interviewed: list[tuple[int, int, int, str]],
    count: int,
    rng: random.Random,
) -> int:
    """`count` finished interviews cloned from a real analysed one of the same job."""
    from mianshi.interviews.models import Answer

    model_of = {
        job.pk: (job, Answer.objects.filter(session=real[job.title][0]).order_by("position"))
        for job in demo.jobs
    }
    picked = rng.sample(interviewed, min(count, len(interviewed)))
    for start in range(0, len(picked), 1000):
        _clone_sessions(demo, real, model_of, picked[start : start + 1000], rng)
    return len(picked)


def _clone_sessions(
    demo: SimpleNamespace,
    real: dict[str, list[Any]],
    model_of: dict[int, Any],
    rows: list[tuple[int, int, int, str]],
    rng: random.Random,
) -> None:
    from django.utils import timezone

    from mianshi.interviews.models import InterviewSession, SessionState
    from mianshi.invitations.models import Invitation, InvitationStatus
    from mianshi.invitations.services.common import seal_token
    from mianshi.invitations.tokens import new_token
    from mianshi.reviews.models import InterviewScore

    now = timezone.now()
    invitations = []
    for app_id, _cand, job_id, _stage in rows:
        job = model_of[job_id][0]
        model = real[job.title][0].invitation
        token, token_hash = new_token()
        invitations.append(
            Invitation(
                application_id=app_id, org_unit_id=job.org_unit_id,
                template_version_id=model.template_version_id, kind=model.kind,
                status=InvitationStatus.COMPLETED, token_hash=token_hash,
                token_enc=seal_token(token), expires_at=now + timedelta(days=7),
                positions=model.positions, completed_at=now, started_at=now,
            )
        )  # fmt: skip
    invitations = Invitation.objects.bulk_create(invitations)
    sessions = InterviewSession.objects.bulk_create(
        InterviewSession(
            invitation=inv, application_id=inv.application_id, org_unit_id=inv.org_unit_id,
            state=SessionState.DONE, started_at=now, finished_at=now,
            current_position=len(inv.positions or []),
        )
        for inv in invitations
    )  # fmt: skip
    jobs = {row[0]: model_of[row[2]] for row in rows}
    _clone_answers(sessions, jobs, rng)
    InterviewScore.objects.bulk_create(
        _score_row(s, jobs[s.application_id][0], rng) for s in sessions
    )


def _clone_answers(sessions: list[Any], jobs: dict[int, Any], rng: random.Random) -> None:
    """Complete answers with a done analysis run and result, as the analysis app stores."""
    from django.utils import timezone

    from mianshi.analysis.models import AnalysisResult, AnalysisRun, RunStatus
    from mianshi.interviews.models import Answer, AnswerStatus, QualityStatus
    from mianshi.reviews.tests.factories import result_fields

    now = timezone.now()
    answers = []
    for session in sessions:
        for model in jobs[session.application_id][1]:
            answers.append(
                Answer(
                    session=session, template_question_id=model.template_question_id,
                    position=model.position, answer_type=model.answer_type,
                    status=AnswerStatus.COMPLETE, attempt=1, measured_ms=12000,
                    quality_status=QualityStatus.OK, finished_at=now,
                )
            )  # fmt: skip
    answers = Answer.objects.bulk_create(answers)
    runs = AnalysisRun.objects.bulk_create(
        AnalysisRun(
            answer=a, attempt=1, status=RunStatus.DONE, started_at=now, finished_at=now,
            pipeline_version="bench", model_name="bench",
        )
        for a in answers
    )  # fmt: skip
    results = []
    codes_of = _codes_by_question(answers)
    for run, answer in zip(runs, answers, strict=True):
        codes = codes_of.get(answer.template_question_id, [])
        scores = {c: round(rng.uniform(3, 9.5), 1) for c in codes}
        results.append(AnalysisResult(run=run, **result_fields(codes, scores, rng.uniform(0.3, 1))))
    AnalysisResult.objects.bulk_create(results, batch_size=1000)


def _codes_by_question(answers: list[Any]) -> dict[int, list[str]]:
    from mianshi.jobs.models import TemplateQuestion

    ids = {a.template_question_id for a in answers}
    return {
        q.pk: list(q.snapshot.get("dimension_codes") or [])
        for q in TemplateQuestion.objects.filter(pk__in=ids)
    }


def _score_row(session: Any, job: Any, rng: random.Random) -> Any:
    """An InterviewScore as the refresh stores it (AI only, average policy)."""
    from mianshi.reviews.models import InterviewScore

    codes = _codes(job)
    scores = [round(rng.uniform(3, 9.5), 1) for _ in codes]
    dims = [
        {"code": c, "name": c, "score": v, "weight": round(1 / len(codes), 3)}
        for c, v in zip(codes, scores, strict=True)
    ]
    total = round(sum(scores) / max(1, len(scores)), 2)
    return InterviewScore(
        session_id=session.pk, application_id=session.application_id, job_id=job.pk,
        org_unit_id=job.org_unit_id, policy=job.score_policy, ai_total=total,
        ai_dimensions=dims, ai_confidence=round(rng.uniform(0.3, 1), 2),
        answers_analysed=len(dims), final_total=total, needs_review=total < 5,
    )  # fmt: skip


def _manifest(
    demo: SimpleNamespace,
    real: dict[str, list[Any]],
    first: int,
    last: int,
    scored: int,
    timings: dict[str, float],
) -> dict[str, Any]:
    from mianshi.candidates.models import Application, Candidate
    from mianshi.compliance.models import AuditEvent
    from mianshi.events.models import Handling
    from mianshi.reviews.models import InterviewScore

    sh_job = next(j for j in demo.jobs if j.title == "销售代表")
    several = (
        Application.objects.filter(candidate_id__gte=first, job=sh_job)
        .values_list("candidate_id", flat=True)
        .order_by("-candidate_id")
    )
    return {
        "candidates": Candidate.objects.count(),
        "applications": Application.objects.count(),
        "interview_scores": InterviewScore.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "outbox_handlings": Handling.objects.count(),
        "scored_cloned": scored,
        "first_candidate": first,
        "last_candidate": last,
        "detail_candidate": several[len(several) // 2],
        "sh_job": sh_job.pk,
        "analysed_sessions": {t: [s.pk for s in ss] for t, ss in real.items()},
        "seconds": timings,
        "seconds_total": round(sum(timings.values()), 1),
    }


if __name__ == "__main__":
    main()
