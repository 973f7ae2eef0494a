"""Django admin registrations: org units are shown, never edited here (L2).

A unit's materialised path is computed by `orgunit_create` / `orgunit_update`, which also
rewrite a moved subtree and write the audit trail; an admin save would do neither.
"""

from django.contrib import admin

from mianshi.common.admin import ReadOnlyAdmin
from mianshi.organisations.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active", "path")
