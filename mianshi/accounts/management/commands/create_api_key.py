"""`manage.py create_api_key --user NAME --scopes org:read,jobs:read` prints a new raw key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mianshi.accounts.api_auth import API_SCOPES
from mianshi.accounts.models import User
from mianshi.accounts.services import apikey_create


def split_scopes(values: list[str]) -> list[str]:
    """Accept "a,b c" as well as "a b,c": commas and spaces both separate scopes."""
    return [part for value in values for part in value.replace(",", " ").split() if part]


class Command(BaseCommand):
    help = "Create an API key for a user and print only the raw key (it is shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username of the key's owner")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help=f"comma- or space-separated, from: {', '.join(API_SCOPES)}",
        )
        parser.add_argument("--name", default="", help="a label, e.g. the integration's name")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        if not user.is_active:
            raise CommandError(f"User {options['user']!r} is deactivated.")
        scopes = split_scopes(options["scopes"])
        unknown = sorted(set(scopes) - set(API_SCOPES))
        if unknown or not scopes:
            raise CommandError(
                f"Unknown scopes: {', '.join(unknown) or '-'}. Known: {', '.join(API_SCOPES)}"
            )
        try:
            _, raw = apikey_create(actor=None, user=user, scopes=scopes, name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(raw)
