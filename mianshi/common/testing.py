"""Test helpers shared by every app's tests (imported by the root conftest)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2id, with small costs so tests that log in many users stay quick."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
