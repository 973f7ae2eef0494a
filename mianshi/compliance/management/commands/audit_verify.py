"""`manage.py audit_verify`: walk the hash chain to its stored head; print the anchor.

Exit 1 naming the first altered event, when the newest events were removed (the chain ends
before the stored head), or when a stored anchor (`--anchor <hash>:<count>`, printed by an
earlier run and kept outside the database) does not match: a rewrite before that point.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mianshi.compliance.services import ChainReport, audit_chain_check

_ANCHOR = re.compile(r"^([0-9a-f]{64}):([1-9][0-9]*)$")
_PROBLEMS = {
    "event": "Audit chain BROKEN at event id {id}: this event or one before it was altered "
    "or removed.",
    "head": "Audit chain BROKEN: it ends before its stored head ({count} events): the newest "
    "events were removed.",
    "anchor": "Audit chain does not match the anchor: the events up to it were rewritten "
    "(or the anchor is not from this trail).",
}


def _anchor(value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    match = _ANCHOR.match(value.strip().lower())
    if match is None:
        raise CommandError("--anchor must be <sha256 hex>:<count>, as printed by audit_verify.")
    return match.group(1), int(match.group(2))


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (exit code 1 if not intact) and print its anchor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor", help="a stored <head hash>:<count> to check against")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_check(anchor=_anchor(options["anchor"]))
        if options["json"]:
            self.stdout.write(json.dumps(self._json(report)))
        if not report.intact:
            message = _PROBLEMS[report.problem].format(id=report.broken_id, count=report.count)
            raise CommandError(message, returncode=1)
        if not options["json"]:
            self.stdout.write(
                f"Audit chain intact: {report.count} events verified.\n"
                f"Head: {report.head}\nAnchor (store it elsewhere): {report.anchor}"
            )

    @staticmethod
    def _json(report: ChainReport) -> dict[str, Any]:
        body: dict[str, Any] = {"intact": report.intact, "count": report.count}
        body |= {"head": report.head, "anchor": report.anchor}
        if not report.intact:
            body |= {"problem": report.problem, "broken_id": report.broken_id}
        return body
