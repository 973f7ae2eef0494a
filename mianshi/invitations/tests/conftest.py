"""Fixtures of the invitations tests: a real SMTP server, eager Celery, a small world.

Mail is received by aiosmtpd on a free loopback port through Django's real SMTP backend;
tasks run in-process through Celery's eager mode (the real task and service code).
"""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from config.celery import app as celery_app
from mianshi.accounts.models import User
from mianshi.accounts.roles import Role
from mianshi.candidates.models import Application
from mianshi.candidates.tests.factories import make_application, make_candidate, phone
from mianshi.jobs.models import Job
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_question, make_template

KEY = "k1:" + base64.b64encode(b"1" * 32).decode()


@pytest.fixture(autouse=True)
def _keys_media_english(settings: Any, tmp_path: Path) -> Iterator[None]:
    from django.utils import translation

    settings.ENCRYPTION_KEYS = [KEY]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_URL = "https://jobs.example.cn"
    settings.CHANNELS = ["email"]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class Mailbox:
    """What the SMTP server received; `refuse` makes it answer RCPT with that reply."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: str = ""
    rcpt_calls: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpt_calls += 1
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def bodies(self, index: int = -1) -> tuple[str, str]:
        """(text, html) of a received message, decoded."""
        msg = self.messages[index]
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        return (
            text.get_content() if text else "",  # type: ignore[union-attr]
            html.get_content() if html else "",  # type: ignore[union-attr]
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on loopback, with Django's SMTP backend pointed at it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "招聘 <hr@jobs.example.cn>"
    try:
        yield box
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


@pytest.fixture
def eager() -> Iterator[None]:
    """Run Celery tasks in-process (the real task code, no broker); `.get()` re-raises errors.

    Propagation stays off: with it on, an eager task's retry surfaces as an exception
    instead of running the next attempt."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@dataclass
class World:
    """Two branches with HR each, a job per branch with a 2-question template."""

    hr_sh: User
    hr_sz: User
    viewer_sh: User
    job_sh: Job
    job_sz: Job
    app_sh: Application
    app_sz: Application

    def application(self, name: str = "李四", email: str = "li.si@example.com") -> Application:
        candidate = make_candidate(
            self.hr_sh, self.job_sh.org_unit, name=name, email=email, phone=phone()
        )
        return make_application(self.hr_sh, candidate, self.job_sh)


def job_with_template(unit: Any, title: str, hr: User) -> Job:
    from mianshi.candidates.tests.factories import make_job

    job = make_job(unit, title)
    questions = [
        make_question(unit, hr, text="请做一个简短的自我介绍。"),
        make_question(unit, hr, text="请讲述一次你说服客户的经历。"),
    ]
    template = make_template(unit, questions, hr, name=f"{title}一面")
    return job_update(
        actor=hr,
        job=job,
        data={
            "interview_template": template,
            "invitation_hours": 72,
            "invitation_instructions": "请在安静的环境中完成面试。",
            "required_materials": "身份证复印件，学历证书",
        },
    )


@pytest.fixture
def world(org: Any, make_user: Any) -> World:
    hr_sh = make_user("hr_sh", Role.HR, org.sh, email="hr.sh@example.com")
    hr_sz = make_user("hr_sz", Role.HR, org.sz)
    job_sh = job_with_template(org.sh_sales, "销售代表", hr_sh)
    job_sz = job_with_template(org.sz_sales, "销售经理", hr_sz)
    cand_sh = make_candidate(hr_sh, org.sh, name="张三", email="zhang.san@example.com")
    cand_sz = make_candidate(hr_sz, org.sz, name="王五", email="wang.wu@example.com")
    return World(
        hr_sh=hr_sh,
        hr_sz=hr_sz,
        viewer_sh=make_user("mgr_sh", Role.DEPT_MANAGER, org.sh),
        job_sh=job_sh,
        job_sz=job_sz,
        app_sh=make_application(hr_sh, cand_sh, job_sh),
        app_sz=make_application(hr_sz, cand_sz, job_sz),
    )
