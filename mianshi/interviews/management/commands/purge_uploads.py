"""manage.py purge_uploads: housekeeping of tus uploads (run it from cron, e.g. hourly)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from mianshi.interviews.services import uploads_maintain


class Command(BaseCommand):
    help = (
        "Fail expired unfinished uploads and delete their chunks, remove chunks of terminated "
        "uploads, re-queue verifications and quality checks whose message was lost."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = uploads_maintain()
        if options["verbosity"] > 0:
            self.stdout.write(json.dumps(result, sort_keys=True))
