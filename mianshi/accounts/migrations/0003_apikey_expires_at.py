"""API keys expire (review L7); keys made before get the default lifetime from their creation."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models


def date_existing_keys(apps, schema_editor):
    ApiKey = apps.get_model("accounts", "ApiKey")
    lifetime = dt.timedelta(days=settings.API_KEY_DAYS)
    for key in ApiKey.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiKey.objects.filter(pk=key.pk).update(expires_at=key.created_at + lifetime)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_totp_second_factor"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires"),
        ),
        migrations.RunPython(date_existing_keys, migrations.RunPython.noop),
    ]
