"""Test helpers shared by every app's tests (imported by the root conftest)."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings
from django.urls import clear_url_caches


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2id, with small costs so tests that log in many users stay quick."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def _reload_urls() -> None:
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@contextmanager
def admin_mounted() -> Iterator[None]:
    """The URL map as MIANSHI_ADMIN=1 builds it (config/urls.py reads the setting at import).
    The map is rebuilt again once the setting is restored: rebuilt inside the override, it
    kept the admin mounted for every later test of the process."""
    try:
        with override_settings(ADMIN_ENABLED=True):
            _reload_urls()
            yield
    finally:
        _reload_urls()
