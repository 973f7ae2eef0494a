"""manage.py candidate_erase <id> --reason "…": erase a candidate with every interview and
stored object (F-105), for an operator answering a data subject's request from the shell.

It runs as the system (no user to check), so the audit event names the command; the HR UI
offers the same erasure to HR admins.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mianshi.candidates.models import Candidate
from mianshi.candidates.services.erasure import candidate_erase


class Command(BaseCommand):
    help = "Erase a candidate: rows, interviews, ratings, decisions and every stored object."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate_id", type=int)
        parser.add_argument("--reason", default="", help="why (e.g. the request's reference)")

    def handle(self, *args: Any, **options: Any) -> None:
        candidate = Candidate.objects.filter(pk=options["candidate_id"]).first()
        if candidate is None:
            raise CommandError(f"no candidate {options['candidate_id']}")
        try:
            plan = candidate_erase(actor=None, candidate=candidate, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        rows = ", ".join(f"{len(ids)} {label}" for label, ids in plan.ids.items())
        self.stdout.write(
            f"erased candidate {options['candidate_id']}: {len(plan.application_ids)} "
            f"applications, {rows}, {len(plan.objects)} objects"
        )
