"""Fixtures of the candidates tests: valid keys, an isolated media folder, a small world."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.tests.factories import make_job
from mianshi.jobs.models import Job

KEY_1 = "k1:" + base64.b64encode(b"1" * 32).decode()
KEY_2 = "k2:" + base64.b64encode(b"2" * 32).decode()


@pytest.fixture(autouse=True)
def _keys_and_media(settings: Any, tmp_path: Path) -> None:
    # The committed demo key decodes to 29 bytes (see report); tests use valid keys.
    settings.ENCRYPTION_KEYS = [KEY_1]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class World:
    """Two branches with HR each, a department manager, an interviewer and open jobs."""

    hr_sh: User
    hr_sz: User
    manager_sh_sales: User
    interviewer_sh: User
    job_sh_sales: Job
    job_sh_tech: Job
    job_sz_sales: Job


@pytest.fixture
def world(org: Any, make_user: Any) -> World:
    return World(
        hr_sh=make_user("hr_sh", Role.HR, org.sh),
        hr_sz=make_user("hr_sz", Role.HR, org.sz),
        manager_sh_sales=make_user("mgr_sh_sales", Role.DEPT_MANAGER, org.sh_sales),
        interviewer_sh=make_user("iv_sh", Role.INTERVIEWER, org.sh),
        job_sh_sales=make_job(org.sh_sales, "销售代表"),
        job_sh_tech=make_job(org.sh_tech, "后端工程师"),
        job_sz_sales=make_job(org.sz_sales, "销售经理"),
    )
