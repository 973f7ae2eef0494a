"""Test support shared by the invitations and interviews tests (and the API fuzzers).

Fixtures here are registered where they are imported: a conftest, or a fixtures module
that test modules star-import. Everything is real: mail reaches an aiosmtpd server on
loopback through Django's SMTP backend, Celery tasks run their real code in-process.
"""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import signals
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app
from mianshi.accounts.models import User
from mianshi.candidates.tests.factories import make_job
from mianshi.jobs.models import Job, Question
from mianshi.jobs.services import job_update
from mianshi.jobs.tests.factories import make_template

KEY = "k1:" + base64.b64encode(b"1" * 32).decode()


@pytest.fixture(autouse=True)
def interview_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Valid keys, a private media folder, a public URL, e-mail only, English."""
    settings.ENCRYPTION_KEYS = [KEY]
    settings.BLIND_INDEX_KEY = "test-blind-index-key-0123456789"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_URL = "https://jobs.example.cn"
    settings.CHANNELS = ["email"]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def interview_job(unit: Any, hr: User, questions: list[Question], title: str, **data: Any) -> Job:
    """A job whose interview template ("<title>一面") asks `questions`, set up by `hr`
    through the jobs services; `data` adds other job settings."""
    template = make_template(unit, questions, hr, name=f"{title}一面")
    job = make_job(unit, title)
    return job_update(actor=hr, job=job, data={"interview_template": template, **data})


# --- real mail ---------------------------------------------------------------------------


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


# --- Celery in-process -------------------------------------------------------------------


@contextmanager
def celery_eager(*, propagate: bool) -> Iterator[None]:
    """Celery tasks run in-process (the real task code, no broker); with `propagate` a
    task's exception is raised where it was called."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = propagate
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run in-process, their errors propagate."""
    with celery_eager(propagate=True):
        yield


# --- schemathesis through the WSGI application ---------------------------------------------


@contextmanager
def kept_test_connection() -> Iterator[None]:
    """What Django's test client does per request: the WSGI handler would otherwise close
    the database connection after each answer, and with it the test's transaction. Enter
    it after any use of the test client (which reconnects the handlers afterwards)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz_settings(max_examples: int) -> Any:
    """Hypothesis settings of an API fuzzer: no deadline, no example database; one
    function-scoped key or token serves every example of an operation (intended)."""
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
        ],
    )
