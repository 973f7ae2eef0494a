"""Give units saved with an empty path (Django admin, before L2) their materialised path.

An empty path is a prefix of every path, so a grant on such a unit covered the whole
organisation. Parents are filled before their children (a unit made in admin under another).
"""

from typing import Any

from django.db import migrations


def fill_paths(apps: Any, schema_editor: Any) -> None:
    OrgUnit = apps.get_model("organisations", "OrgUnit")
    progress = True
    while progress:
        progress = False
        for unit in OrgUnit.objects.filter(path="").select_related("parent"):
            if unit.parent_id is None or unit.parent.path:
                unit.path = f"{unit.parent.path if unit.parent_id else '/'}{unit.pk}/"
                unit.save(update_fields=["path"])
                progress = True


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_org_tree")]

    operations = [migrations.RunPython(fill_paths, migrations.RunPython.noop)]
