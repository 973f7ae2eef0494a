"""Django admin registrations."""

from django.contrib import admin

from mianshi.organisations.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active")
    readonly_fields = ("path",)
