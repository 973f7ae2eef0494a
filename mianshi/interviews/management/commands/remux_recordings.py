"""manage.py remux_recordings: make recordings stored by an earlier version seekable (once,
after upgrading; running it again does nothing)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mianshi.interviews.services.remux_stored import recordings_remux_stored


class Command(BaseCommand):
    help = (
        "Replace each verified recording stored before verification remuxed it by its seekable "
        "copy (duration and seek index; the same packets), keeping the original where the copy "
        "fails a check. Prints the counts as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many")

    def handle(self, *args: Any, **options: Any) -> None:
        result = recordings_remux_stored(limit=options["limit"])
        if options["verbosity"] > 0:
            self.stdout.write(json.dumps(result, sort_keys=True))
