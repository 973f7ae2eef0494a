"""Django admin registrations: read-only, and signed in through the site's own login (H4).

Users, grants and API keys change only through the services, which enforce who may manage
whom and write the audit trail; the admin shows them. Users are deactivated in the HR UI,
never deleted (a deletion would break the audit chain). The admin's login form is the
site's: lockout, the second factor and the audit apply there too. The admin is mounted only
with MIANSHI_ADMIN=1 (config/urls.py).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mianshi.accounts.forms import LockoutAuthenticationForm
from mianshi.accounts.models import ApiKey, RoleGrant, User
from mianshi.common.admin import ReadOnlyAdmin, ReadOnlyInline


class AdminLoginForm(LockoutAuthenticationForm):
    """The site's login (lockout, TOTP, audit) plus the admin's staff-only rule."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise self.get_invalid_login_error()


admin.site.login_form = AdminLoginForm
admin.site.login_template = "accounts/admin_login.html"


class RoleGrantInline(ReadOnlyInline):
    model = RoleGrant
    fk_name = "user"


@admin.register(User)
class MianshiUserAdmin(ReadOnlyAdmin, UserAdmin):  # type: ignore[misc]
    inlines = [RoleGrantInline]
    list_display = ("username", "display_name", "is_active", "is_staff", "locked_until")


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "revoked_at")
    exclude = ("key_hash",)
