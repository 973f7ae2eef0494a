"""Examiners (考官), the panels drawn from them, candidate order by lot, 回避, and marks.

A draw's seed is written to the trail before the draw, so anyone can re-run it
(draw.py); the panel is disclosed to its examiners only on the interview day. A conflict
(avoidance.py) blocks the examiner from that candidate until a supervisor resolves it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mianshi.common.crypto import decrypt_str
from mianshi.recruitment.avoidance import ConflictKind, Relation

ID_CONTEXT = "examiner.id_number"


class Examiner(models.Model):
    """A member of the examiner pool (考官库), optionally a user of the product."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="examiner_entries",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=80)
    id_number_enc = models.TextField(blank=True, editable=False)
    region = models.CharField(_("region"), max_length=6, blank=True)  # GB/T 2260 prefix
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    school = models.CharField(_("school"), max_length=120, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("examiner")
        verbose_name_plural = _("examiners")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return decrypt_str(self.id_number_enc, context=ID_CONTEXT) if self.id_number_enc else ""


class Panel(models.Model):
    """A panel (考官组) drawn for a post's interview in one room, from a recorded seed."""

    post = models.ForeignKey("recruitment.Post", on_delete=models.CASCADE, related_name="panels")
    room = models.CharField(_("room"), max_length=40)
    interview_on = models.DateField(_("interview day"))
    seed = models.CharField(max_length=64)
    size = models.PositiveSmallIntegerField(_("size"))
    # The draw's filters, kept so a redraw for a 回避 draws from the same eligible pool.
    expertise = models.CharField(_("expertise"), max_length=60, blank=True)
    exclude_region = models.CharField(_("excluded region"), max_length=6, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("examiner panel")
        verbose_name_plural = _("examiner panels")
        constraints = [
            models.UniqueConstraint(fields=["post", "room"], name="recruitment_panel_room")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.room} {self.interview_on}"


class Seat(models.Model):
    """An examiner's seat on a panel; `replaced` when a conflict or absence moved them off."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="seats")
    replaced = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            models.UniqueConstraint(fields=["panel", "examiner"], name="recruitment_seat_once")
        ]

    def __str__(self) -> str:
        return f"{self.panel_id}: {self.examiner_id}"


class Lot(models.Model):
    """A candidate's place in the panel's interview order, drawn by lot (抽签)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="lots")
    application = models.OneToOneField(
        "candidates.Application", on_delete=models.CASCADE, related_name="lot"
    )
    position = models.PositiveIntegerField(_("order"))

    class Meta:
        verbose_name = _("interview order")
        verbose_name_plural = _("interview orders")
        ordering = ["panel", "position"]

    def __str__(self) -> str:
        return f"{self.panel_id} #{self.position}: {self.application_id}"


class Declaration(models.Model):
    """A relationship declared by an examiner or a candidate (回避申报)."""

    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="declarations")
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="+"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared relationship")
        verbose_name_plural = _("declared relationships")

    def __str__(self) -> str:
        return f"{self.examiner_id} ~ {self.application_id}: {self.relation}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open: blocks the assignment")
    CLEARED = "cleared", _("Cleared: no conflict")
    AVOIDED = "avoided", _("Upheld: the examiner stands aside")


class Conflict(models.Model):
    """A likely or declared conflict between an examiner and a candidate; while open, the
    examiner may not judge that candidate. Resolved by a supervisor with a reason."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="conflicts")
    examiner = models.ForeignKey(Examiner, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    reason = models.TextField(_("reason"))
    declared = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avoidance conflict")
        verbose_name_plural = _("avoidance conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "examiner", "application", "kind"],
                name="recruitment_conflict_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.examiner_id} ~ {self.application_id}: {self.kind} ({self.status})"


class Substitute(models.Model):
    """An examiner drawn to judge one candidate in place of one who stood aside (an upheld
    conflict); a Seat is panel-wide, this covers the one candidate only."""

    conflict = models.OneToOneField(Conflict, on_delete=models.CASCADE, related_name="substitute")
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="substitutes")
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="+"
    )
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="+")
    replaces = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("substitute examiner")
        verbose_name_plural = _("substitute examiners")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "application", "examiner"], name="recruitment_substitute_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.examiner_id} for {self.replaces_id} → {self.application_id}"


class Mark(models.Model):
    """One examiner's interview mark for one candidate (the panel-scoring sheet)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="marks")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "candidates.Application", on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("mark"), max_digits=6, decimal_places=2)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview mark")
        verbose_name_plural = _("interview marks")
        constraints = [
            models.UniqueConstraint(
                fields=["examiner", "application"], name="recruitment_mark_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.examiner_id} → {self.application_id}: {self.score}"
