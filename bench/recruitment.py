"""Benchmark: one public-recruitment post with 20,000 applicants on SQLite (issue 15).

    python bench/recruitment.py                       # 20,000 applicants, headcount 20
    python bench/recruitment.py --applicants 5000 --data-dir /tmp/x

Works in a fresh MIANSHI_DATA_DIR (default /tmp/mianshi-bench-recruitment, wiped first):
migrate, one HR admin, the official 2026 calendar, a plan with post 2026001 (本科 and above,
计算机类, 35 or younger on 2026-12-31) announced through the services; then the applicants
in bulk (candidates with really encrypted ID numbers and blind indexes, applications, facts
with tickets: about one in eight fails a rule). Timed through the real services:
screening_run (goal ≤ 5 s), written_import of a filled-in template_xlsx sheet of every
qualified applicant (reported; building the template and filling it in are timed apart)
and the same sheet imported again (every score replaced, as when the centre corrects it),
shortlist_make (goal ≤ 1 s), results_compute once the shortlist's marks are bulk-written
for a panel drawn by lot (goal ≤ 1 s), and the 公示 export as PDF and XLSX (goal ≤ 1 s
each; the PDF twice, as the first call of a process reads the fonts). Prints one JSON
object: seconds per step, the goals, the counts and the 1-minute load average. No
assertions: figures for the report.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

GOALS = {"screening": 5.0, "shortlist": 1.0, "results_compute": 1.0, "publication_pdf": 1.0,
         "publication_xlsx": 1.0}  # fmt: skip
RULES = {"education_min": "bachelor", "majors": ["计算机类"], "age_max": 35,
         "age_cutoff": "2026-12-31"}  # fmt: skip
REGIONS = ("310101", "310104", "310105", "310106", "310107", "310110", "310112", "310115")
MAJORS = ("计算机科学与技术", "软件工程", "网络工程", "信息安全", "数据科学与大数据技术")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡子涵梓轩"
# Compound surnames none of the applicants has, and no employer: no 回避 finding.
EXAMINERS = ("欧阳明", "司马青", "诸葛亮", "上官云", "东方白", "皇甫松", "令狐冲", "慕容复",
             "司徒雷")  # fmt: skip
BATCH = 2000


@contextlib.contextmanager
def timed(report: dict[str, Any], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    report[name] = round(time.perf_counter() - started, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--applicants", type=int, default=20_000)
    parser.add_argument("--headcount", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/mianshi-bench-recruitment"))
    args = parser.parse_args()
    shutil.rmtree(args.data_dir, ignore_errors=True)
    args.data_dir.mkdir(parents=True)
    os.environ["MIANSHI_DATA_DIR"] = str(args.data_dir)
    import django

    django.setup()
    print(json.dumps(run(args.applicants, args.headcount), ensure_ascii=False, indent=2))


def run(n: int, headcount: int) -> dict[str, Any]:
    from django.core.management import call_command

    seconds: dict[str, Any] = {}
    with timed(seconds, "migrate"):
        call_command("migrate", verbosity=0)
    world = _world(headcount)
    with timed(seconds, "seed_applicants"):
        _seed(world, n, random.Random(20261206))
    counts = _steps(world, seconds)
    return {"applicants": n, "headcount": headcount, "seconds": seconds, "goals_s": GOALS,
            "counts": counts, "database": "sqlite",
            "load_average_1m": round(os.getloadavg()[0], 2)}  # fmt: skip


def _world(headcount: int) -> SimpleNamespace:
    """Branch, HR admin, calendar, announced plan and post, through the services."""
    from mianshi.accounts.services import user_create
    from mianshi.jobs.services import job_create
    from mianshi.organisations.services import orgunit_create
    from mianshi.recruitment.services import plans

    hq = orgunit_create(actor=None, name="总部", code="hq", kind="hq", parent=None)
    sh = orgunit_create(actor=None, name="上海分公司", code="sh", kind="branch", parent=hq)
    hr = user_create(actor=None, username="bench_hr", password="Bench-Recruit-2026",
                     display_name="HR", email="hr@bench.local", role="hr_admin",
                     org_unit=hq)  # fmt: skip
    plans.calendar_load_official(actor=hr, year=2026)
    weights = {"weight_written": "0.6", "weight_interview": "0.4"}
    plan = plans.plan_create(actor=hr, org_unit=sh, title="基准测试公开招聘", year=2026,
                             parameters=weights)  # fmt: skip
    job = job_create(actor=hr, org_unit=sh, data={"title": "信息技术岗", "status": "open",
                                                  "headcount": headcount})  # fmt: skip
    post = plans.post_create(actor=hr, plan=plan, job=job, code="2026001", rules=RULES)
    plans.plan_announce(actor=hr, plan=plan, on=dt.date(2026, 10, 9))
    return SimpleNamespace(hr=hr, unit=sh, job=job, post=post)


def _person(i: int, rng: random.Random) -> dict[str, Any]:
    """One applicant: about 4% too old, 4% a non-computing major, 4% a junior college."""
    from mianshi.demo.data import id_number

    year = 1986 if i % 25 == 0 else 1991 + i % 10
    birth = dt.date(year, 1, 1) + dt.timedelta(days=i // 400)
    female = i % 2 == 1
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 3 else ""),
        "id_number": id_number(REGIONS[i % 8], birth.strftime("%Y%m%d"), i % 400, female),
        "gender": "female" if female else "male",
        "major": "汉语言文学" if i % 25 == 7 else MAJORS[i % 5],
        "education": "college" if i % 25 == 13 else ("master" if i % 4 == 0 else "bachelor"),
        "ticket": f"2026001{i:05d}",
    }


def _seed(world: SimpleNamespace, n: int, rng: random.Random) -> None:
    from django.db import transaction

    with transaction.atomic():
        for start in range(0, n, BATCH):
            people = [_person(i, rng) for i in range(start, min(n, start + BATCH))]
            _batch(world, people)


def _batch(world: SimpleNamespace, people: list[dict[str, Any]]) -> None:
    """Candidates, applications and facts of one batch, three bulk inserts."""
    from mianshi.candidates.models import ENC_CONTEXT, Application, Candidate
    from mianshi.common.crypto import blind_index, encrypt_str
    from mianshi.recruitment.models import ApplicantFacts

    candidates = Candidate.objects.bulk_create([
        Candidate(org_unit=world.unit, name=p["name"], gender=p["gender"],
                  id_number_enc=encrypt_str(p["id_number"], context=ENC_CONTEXT["id_number_enc"]),
                  id_number_bidx=blind_index(p["id_number"], kind="id_number"))
        for p in people
    ])  # fmt: skip
    apps = Application.objects.bulk_create([
        Application(candidate=c, job=world.job, org_unit=world.unit, created_by=world.hr)
        for c in candidates
    ])  # fmt: skip
    ApplicantFacts.objects.bulk_create([
        ApplicantFacts(application=a, education=p["education"], major=p["major"],
                       ticket=p["ticket"])
        for a, p in zip(apps, people, strict=True)
    ])  # fmt: skip


def _steps(world: SimpleNamespace, seconds: dict[str, Any]) -> dict[str, int]:
    from mianshi.recruitment.exports import publication_pdf, publication_xlsx
    from mianshi.recruitment.services import exams, results, screening

    hr, post = world.hr, world.post
    with timed(seconds, "screening"):
        summary = screening.screening_run(actor=hr, post=post, today=dt.date(2026, 11, 20))
    screening.post_opening_check(actor=hr, post=post)
    with timed(seconds, "written_template"):
        template = _template(post)
    with timed(seconds, "written_sheet_fill"):
        sheet = _filled(template, random.Random(7))
    with timed(seconds, "written_import"):
        imported = exams.written_import(actor=hr, post=post, data=sheet, filename="scores.xlsx")
    with timed(seconds, "written_reimport"):
        exams.written_import(actor=hr, post=post, data=sheet, filename="scores.xlsx")
    with timed(seconds, "shortlist"):
        shortlisted = exams.shortlist_make(actor=hr, post=post)
    with timed(seconds, "panel_lots_marks_seed"):
        marks = _panel_and_marks(hr, post, random.Random(11))
    with timed(seconds, "results_compute"):
        ranked = results.results_compute(actor=hr, post=post)
    _publish(hr, post)
    with timed(seconds, "publication_pdf_first"):  # the fonts are read once per process
        publication_pdf(actor=hr, post=post)
    with timed(seconds, "publication_pdf"):
        pdf = publication_pdf(actor=hr, post=post)
    with timed(seconds, "publication_xlsx"):
        xlsx = publication_xlsx(actor=hr, post=post)
    return {"screened": summary.total, "qualified": summary.qualified, "sheet_rows": imported.rows,
            "absent": imported.absent, "shortlisted": len(shortlisted), "marks": marks,
            "ranked": len(ranked), "pdf_bytes": len(pdf), "xlsx_bytes": len(xlsx)}  # fmt: skip


def _template(post: Any) -> bytes:
    """The product's score sheet (template_xlsx) listing every qualified applicant."""
    from mianshi.recruitment.models import ApplicantFacts
    from mianshi.recruitment.scoresheet import template_xlsx
    from mianshi.recruitment.services.exams import qualified

    facts = ApplicantFacts.objects.filter(application_id__in=qualified(post))
    rows = list(facts.values_list("ticket", "application__candidate__name").order_by("ticket"))
    return template_xlsx(rows=rows)


def _filled(template: bytes, rng: random.Random) -> bytes:
    """The sheet filled in as the exam centre would: one decimal, about 5% absent (缺考)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template))
    page = book.active
    assert page is not None
    for line in range(2, page.max_row + 1):
        if rng.random() < 0.05:
            page.cell(line, 4, "是")
        else:
            page.cell(line, 3, Decimal(rng.randint(350, 960)) / 10)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _panel_and_marks(hr: Any, post: Any, rng: random.Random) -> int:
    """Nine examiners, a panel of seven drawn by lot, the order drawn, the 回避 check run,
    then every seated examiner's mark for every shortlisted applicant, bulk-written."""
    from mianshi.recruitment.models import Lot, Mark, Seat
    from mianshi.recruitment.services import marks, panels

    for n, name in enumerate(EXAMINERS):
        panels.examiner_create(actor=hr, org_unit=post.plan.org_unit, name=name,
                               region=f"3201{n:02d}")  # fmt: skip
    panel = panels.panel_draw(actor=hr, post=post, room="A", interview_on=dt.date(2026, 12, 1))
    panels.lots_draw(actor=hr, panel=panel)
    marks.conflicts_detect(actor=hr, panel=panel)
    seats = list(Seat.objects.filter(panel=panel).values_list("examiner_id", flat=True))
    apps = list(Lot.objects.filter(panel=panel).values_list("application_id", flat=True))
    rows = [Mark(panel=panel, examiner_id=e, application_id=a,
                 score=Decimal(rng.randint(600, 950)) / 10)
            for a in apps for e in seats]  # fmt: skip
    Mark.objects.bulk_create(rows)
    return len(rows)


def _publish(hr: Any, post: Any) -> None:
    """体检 and 考察 passed for those entered, and the 公示 opened (not timed)."""
    from mianshi.recruitment.services import hiring, publication

    for result in hiring.results_advance(actor=hr, post=post).entered:
        hiring.result_pass(actor=hr, result=result, step="medical")
        hiring.result_pass(actor=hr, result=result, step="background")
    publication.publication_open(actor=hr, post=post, starts_on=dt.date(2026, 12, 7))


if __name__ == "__main__":
    main()
