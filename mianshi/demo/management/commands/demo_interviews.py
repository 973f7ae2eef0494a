"""`manage.py demo_interviews`: two demo candidates record their interviews on the running
server; the worker analyses them (run by `make demo` once the server answers)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mianshi.analysis.models import AnalysisRun, RunStatus
from mianshi.common.errors import DomainError
from mianshi.demo import interviews as demo
from mianshi.demo.candidate import DemoClientError, wait_for_server


class Command(BaseCommand):
    help = "Record the demo interviews through the running server; its worker analyses them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server", default="", help="base URL (default: PUBLIC_URL)")
        parser.add_argument(
            "--wait", type=float, default=0, help="seconds to wait for the analysis (0: none)"
        )
        parser.add_argument(
            "--server-timeout", type=float, default=120, help="seconds to wait for the server"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = options["server"] or settings.PUBLIC_URL
        started = time.monotonic()
        interviews = demo.prepare()
        try:
            wait_for_server(server, options["server_timeout"])
        except DemoClientError as exc:
            raise CommandError(str(exc)) from exc
        for interview in interviews:
            self._record(interview, server)
        if options["wait"] > 0:
            self._wait(interviews, options["wait"], started)

    def _record(self, interview: demo.DemoInterview, server: str) -> None:
        progress = interview.progress()
        if progress != "new":
            what = "already recorded" if progress == "done" else "left half-recorded earlier"
            url = demo.workbench_url(interview)
            self.stdout.write(f"Demo interview {interview.name}: {what}; {url}")
            return
        began = time.monotonic()
        try:
            answers = demo.recordings(interview)
            made = time.monotonic()
            demo.record(interview, server, answers)
        except (DemoClientError, OSError) as exc:
            raise CommandError(f"demo interview {interview.name}: {exc}") from exc
        files = sum(len(a.files) for a in answers)
        self.stdout.write(
            f"Demo interview {interview.name}: {len(answers)} answers ({files} recordings, media "
            f"{made - began:.1f} s) uploaded in {time.monotonic() - made:.1f} s — being analysed "
            f"by the worker; open {demo.workbench_url(interview)}"
        )

    def _wait(self, interviews: list[demo.DemoInterview], timeout: float, started: float) -> None:
        expected = demo.answer_count(interviews)
        runs = demo.wait_analysed(interviews, expected=expected, timeout=timeout)
        done = [r for r in runs if r.status == RunStatus.DONE]
        for run in sorted(runs, key=lambda r: (r.answer.session_id, r.answer.position)):
            self.stdout.write("  " + _describe(run))
        self.stdout.write(
            f"Demo interviews: {len(done)}/{expected} answers analysed "
            f"{time.monotonic() - started:.0f} s after the start of this command."
        )
        if len(done) == expected:
            self._rate(interviews[0])
            self._hire(interviews[0])

    def _rate(self, interview: demo.DemoInterview) -> None:
        """面试官 赵磊 rates the first interview (once the ratings app is there)."""
        try:
            rated = demo.rate(interview)
        except (PermissionDenied, ValidationError) as exc:
            self.stdout.write(f"Demo rating by int_sh_1 not saved: {exc}")
            return
        if rated:
            self.stdout.write(f"Demo interview {interview.name}: rated by int_sh_1.")

    def _hire(self, interview: demo.DemoInterview) -> None:
        """The analysed and rated first candidate is offered the job and hired."""
        try:
            employee = demo.hire(interview)
        except (PermissionDenied, ValidationError, DomainError) as exc:
            self.stdout.write(f"Demo hire of {interview.name} not made: {exc}")
            return
        if employee is None:
            self.stdout.write(f"Demo hire of {interview.name}: the interview is not AI scored yet.")
            return
        self.stdout.write(
            f"Demo hire: {interview.name} is employee {employee.employee_number}; "
            f"{demo.employee_url(employee)}"
        )


def _describe(run: AnalysisRun) -> str:
    answer = run.answer
    who = answer.session.application.candidate.name
    if run.status != RunStatus.DONE:
        return f"{who} Q{answer.position}: {run.status} {run.error}".rstrip()
    took = (run.finished_at - run.queued_at).total_seconds() if run.finished_at else 0.0
    engine = run.timings.get("total", 0.0)
    segments = int(run.timings.get("segments", 1))
    return (
        f"{who} Q{answer.position}: done, {segments} recording(s), engine {engine:.1f} s, "
        f"{took:.1f} s from queued to stored"
    )
