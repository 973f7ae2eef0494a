"""Django admin registrations."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mianshi.accounts.models import ApiKey, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0


@admin.register(User)
class MianshiUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "display_name", "is_active", "is_staff", "locked_until")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "last_used_at")
