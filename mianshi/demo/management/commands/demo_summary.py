"""`manage.py demo_summary`: the short summary `make demo` prints last (read-only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mianshi.demo.summary import summary_lines


class Command(BaseCommand):
    help = "Print the demo's URL, logins, candidate links and workbench links."

    def handle(self, *args: Any, **options: Any) -> None:
        lines = summary_lines(base_url=settings.PUBLIC_URL, data_dir=str(settings.DATA_DIR))
        self.stdout.write("\n".join(lines))
