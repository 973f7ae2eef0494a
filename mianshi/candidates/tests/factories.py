"""Test data builders: valid Chinese ID numbers, phones, jobs, candidates, applications."""

from __future__ import annotations

import itertools
from typing import Any

from mianshi.candidates.models import Application, Candidate
from mianshi.candidates.services import application_create, candidate_create
from mianshi.candidates.validators import _ID_CHECK, _ID_WEIGHTS
from mianshi.jobs.models import Job, JobStatus
from mianshi.organisations.models import OrgUnit

_serial = itertools.count(1)


def id_number(birth: str = "19900307", region: str = "110105") -> str:
    """A valid 18-character resident ID number with a fresh sequence part."""
    body = f"{region}{birth}{next(_serial) % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def phone() -> str:
    """A fresh mainland mobile number."""
    return f"139{next(_serial):08d}"


def make_job(unit: OrgUnit, title: str = "销售代表", status: str = JobStatus.OPEN) -> Job:
    return Job.objects.create(org_unit=unit, title=title, status=status)


def make_candidate(actor: Any, unit: OrgUnit, name: str = "张三", **fields: Any) -> Candidate:
    fields.setdefault("phone", phone())
    return candidate_create(actor=actor, org_unit=unit, name=name, **fields)


def make_application(actor: Any, candidate: Candidate, job: Job) -> Application:
    return application_create(actor=actor, candidate=candidate, job=job)
