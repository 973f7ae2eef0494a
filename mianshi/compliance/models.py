"""The audit trail (F-100, first part)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded action: who, what, on which object, when, in which request.

    Holds ids and field names only, never personal values. Rows are append-only (save
    refuses updates, delete is refused) and each carries the SHA-256 of its content
    chained to the previous row, so tampering is detectable (see services.audit_verify).
    """

    at = models.DateTimeField(_("time"), db_index=True)
    # PROTECT: the actor's id is hashed into the chain, so a user named in events is
    # deactivated, never deleted (SET_NULL would rewrite those rows and break the chain).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    org_unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        # A polled read looks up the user's last read of the same action (services.audit_read).
        indexes = [models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class AuditChainHead(models.Model):
    """Single row holding the newest hash; locking it serialises chain appends."""

    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return self.last_hash[:12]
