"""`manage.py rotate_encryption_keys`: re-seal everything sealed with an older key.

It prints, per registered kind (`mianshi.common.sealed`), how many items it re-sealed and
how many remain under another key id, and exits non-zero while any remain: the old key may
only be removed after a run that reports nothing remaining.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mianshi.candidates.services.rotation import encryption_rotate_all


class Command(BaseCommand):
    help = (
        "Re-seal every value and stored file sealed with ENCRYPTION_KEYS (identifiers, "
        "résumés, recordings, upload chunks, answer files, invitation tokens, ...) under the "
        "first key. Idempotent and resumable. Remove an old key only after a run that "
        "ends without error (nothing remaining)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after BLIND_INDEX_KEY changed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = encryption_rotate_all(batch_size=options["batch_size"], reindex=options["reindex"])
        for kind in run.kinds:
            self.stdout.write(f"{kind.name}: re-sealed {kind.resealed}, remaining {kind.remaining}")
        left = sum(kind.remaining for kind in run.kinds)
        if left:
            raise CommandError(
                f"{left} sealed item(s) remain under a key other than {run.key_id!r} "
                "(see the log); keep the old keys and run the command again."
            )
        self.stdout.write(f"Everything is sealed under key {run.key_id}.")
