"""Seal TOTP secrets stored in clear (L7): a database dump must not yield every user's codes.

Uses the configured ENCRYPTION_KEYS, as the running code does; sealed values (v1:…) are
left alone, so the migration can run again.
"""

from typing import Any

from django.db import migrations, models

from mianshi.common import crypto


def _context(user_id: int) -> str:
    return f"accounts.totp_secret:{user_id}"  # as services.login.totp_secret_context


def seal_secrets(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    plain = User.objects.exclude(totp_secret="").exclude(totp_secret__startswith="v1:")
    for user_id, secret in plain.values_list("pk", "totp_secret"):
        sealed = crypto.encrypt_str(secret, context=_context(user_id))
        User.objects.filter(pk=user_id, totp_secret=secret).update(totp_secret=sealed)


def open_secrets(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    sealed = User.objects.filter(totp_secret__startswith="v1:")
    for user_id, token in sealed.values_list("pk", "totp_secret"):
        secret = crypto.decrypt_str(token, context=_context(user_id))
        User.objects.filter(pk=user_id).update(totp_secret=secret)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_apikey_expires_at")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="totp_secret",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(seal_secrets, open_secrets),
    ]
