"""`manage.py rotate_encryption_keys`: re-encrypt candidate data with the newest key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mianshi.candidates.services import encryption_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every candidate identifier and résumé with the first key of "
        "ENCRYPTION_KEYS. Idempotent; run it after putting a new key first, then remove "
        "the old key from the setting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after BLIND_INDEX_KEY changed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = encryption_rotate(batch_size=options["batch_size"], reindex=options["reindex"])
        self.stdout.write(
            f"key {report.key_id}: {report.rows} candidate row(s), {report.files} résumé file(s) "
            "re-encrypted."
        )
