"""Users, their scoped role grants and API keys (F-02, F-04)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.roles import Role


class User(AbstractUser):
    """A staff member; what they may see comes only from their RoleGrants."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Optional second factor (F-04): the base32 secret sealed with ENCRYPTION_KEYS (a
    # database dump must not yield every user's codes, L7); on once the user confirmed a
    # code; the last accepted time step stops a code from being replayed.
    totp_secret = models.CharField(max_length=255, blank=True, editable=False)
    totp_enabled = models.BooleanField(_("second factor enabled"), default=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        """Whether a lockout after repeated failed logins is in force now."""
        return self.locked_until is not None and self.locked_until > timezone.now()


class RoleGrant(models.Model):
    """A role held over one org unit and its whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("organisation unit"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"


class ApiKey(models.Model):
    """A bearer key for integrations; only its SHA-256 is stored, scopes limit it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=80, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A leaked key must not work for good (review L7); every key gets a lifetime.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        """Whether the key's lifetime is over."""
        return self.expires_at is not None and self.expires_at <= timezone.now()
