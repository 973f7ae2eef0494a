"""The jobs that are already posts are marked public-recruitment (jobs 0005), so the
generic stage move refuses their hires as it does for new posts."""

from typing import Any

from django.db import migrations


def flag(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("recruitment", "Post")
    Job = apps.get_model("jobs", "Job")
    Job.objects.filter(pk__in=Post.objects.values("job_id")).update(public_recruitment=True)


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0005_verbose_names"),
        ("jobs", "0005_job_public_recruitment"),
    ]

    operations = [migrations.RunPython(flag, migrations.RunPython.noop)]
