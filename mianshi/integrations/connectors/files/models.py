"""A file import as a background job: the sealed upload, its settings, status and report.

Importing 100,000 rows took minutes, far longer than a web request may run, so the upload is
stored sealed and one ImportJob row carries it through check → write in a worker; the page
and the API poll the row. The template is a snapshot: a stored template changed while the
job waits does not change what this file is imported with. The report holds row numbers,
field names and translated messages, never a cell's value.

Registered in the connectors app through `connectors/models.py` (one import line), its
migration lives in connectors/migrations.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


ACTIVE = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
CLAIMED = (ImportStatus.CHECKING, ImportStatus.WRITING)


class ImportJob(models.Model):
    """One uploaded file imported all or nothing by a worker; the upload is deleted once the
    job has ended (done, refused or failed), never before."""

    kind = models.CharField(_("records"), max_length=20)
    fmt = models.CharField(_("format"), max_length=8)
    template = models.JSONField(_("template"), null=True, blank=True)
    options = models.JSONField(_("read options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("imported by"),
    )  # fmt: skip
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("organisation unit"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # The sealed upload in default_storage ("" once deleted) and the token its blocks are
    # sealed under (the job's id is not known yet when the file is stored).
    file_name = models.CharField(max_length=200, blank=True)
    file_token = models.CharField(max_length=32, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows checked"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    claims = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # Declared for the type checker: the model lives outside the app's models module.
    objects: models.Manager[ImportJob] = models.Manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "claimed_at"], name="connectors_import_due")]
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")

    def __str__(self) -> str:
        return f"import {self.pk} {self.kind} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE
