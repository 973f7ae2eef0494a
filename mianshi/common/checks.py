"""Deploy checks (M9): `manage.py check --deploy` fails while a public demo key is in use.

The demo keys are published in the repository. A deployment that forgets one of the
MIANSHI_* key variables would encrypt every identifier and recording under a key anyone
holds, or sign sessions with one. Django's own W009 does not catch our demo SECRET_KEY (it
is long and lacks the `django-insecure-` prefix), so these are errors of our own. Deploy-
only: the demo and the tests run with the demo keys on purpose.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


def _demo_key_error(setting: str, check_id: str) -> Error:
    return Error(
        f"{setting} is the public demo key published with Mianshi.",
        hint=f"Set MIANSHI_{setting} to a secret of this deployment (see the README).",
        id=check_id,
    )


def _demo_material(entry: str) -> str:
    """The key bytes of an "id:base64" entry: the demo key under another id is still public."""
    return entry.partition(":")[2].strip()


@register(Tags.security, deploy=True)
def demo_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """One error per public demo key still configured."""
    errors = []
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        errors.append(_demo_key_error("SECRET_KEY", "mianshi.E001"))
    if _demo_material(settings.DEMO_ENCRYPTION_KEY) in map(
        _demo_material, settings.ENCRYPTION_KEYS
    ):
        errors.append(_demo_key_error("ENCRYPTION_KEYS", "mianshi.E002"))
    if settings.BLIND_INDEX_KEY == settings.DEMO_BLIND_INDEX_KEY:
        errors.append(_demo_key_error("BLIND_INDEX_KEY", "mianshi.E003"))
    return errors
