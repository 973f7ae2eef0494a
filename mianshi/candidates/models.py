"""Candidates, their applications and the pipeline history (F-20, F-23, F-24).

Identifiers (ID number, phone, e-mail) and the résumé's file name are stored only as
AES-GCM tokens (`*_enc`) plus a keyed blind index (`*_bidx`) for exact-match search; the
plaintext is available on the instance through read-only properties.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mianshi.candidates.pipeline import CLOSED_STAGES, Stage
from mianshi.common.crypto import decrypt_str


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not stated")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Source(models.TextChoices):
    WEBSITE = "website", _("Careers site")
    REFERRAL = "referral", _("Referral")
    CAMPUS = "campus", _("Campus recruiting")
    AGENCY = "agency", _("Agency")
    JOB_BOARD = "job_board", _("Job board")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class Tag(models.Model):
    """A label such as 潜力候选人, shared by the whole deployment."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


# Associated data binding each token to its column: a token copied into another column
# (or another table) fails authentication instead of decrypting.
ENC_CONTEXT = {
    "id_number_enc": "candidate.id_number",
    "phone_enc": "candidate.phone",
    "email_enc": "candidate.email",
    "resume_name_enc": "candidate.resume_name",
}


class Candidate(models.Model):
    """One person in the archive, owned by an org unit; identifiers encrypted at rest."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("organisation unit"),
    )
    name = models.CharField(_("name"), max_length=80, db_index=True)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_enc = models.TextField(blank=True, editable=False)
    email_bidx = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.OTHER
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="candidates", verbose_name=_("tags")
    )
    # The EHRs' ids for this person (common.external_refs); deleted with the candidate.
    external_refs = GenericRelation("common.ExternalRef")
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="possible_duplicates",
        verbose_name=_("possible duplicate of"),
    )
    resume_path = models.CharField(max_length=255, blank=True, editable=False)
    resume_name_enc = models.TextField(blank=True, editable=False)
    resume_content_type = models.CharField(max_length=100, blank=True, editable=False)
    resume_size = models.PositiveIntegerField(default=0, editable=False)
    resume_key_id = models.CharField(max_length=16, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Filled by selectors (not columns): the detail view's data.
    detail: dict[str, Any]

    class Meta:
        ordering = ["-id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            # One person (ID number) once per deployment: further jobs are new applications.
            models.UniqueConstraint(
                fields=["id_number_bidx"],
                condition=~Q(id_number_bidx=""),
                name="candidate_unique_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["org_unit", "-id"], name="candidate_unit_recent"),
            # The list walks candidates newest first checking the owner unit: this narrow
            # index covers that walk without reading the wide rows (encrypted columns).
            models.Index(fields=["id", "org_unit"], name="candidate_id_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def _plain(self, field: str) -> str:
        return decrypt_str(getattr(self, field), context=ENC_CONTEXT[field])

    @property
    def id_number(self) -> str:
        return self._plain("id_number_enc")

    @property
    def phone(self) -> str:
        return self._plain("phone_enc")

    @property
    def email(self) -> str:
        return self._plain("email_enc")

    @property
    def resume_name(self) -> str:
        return self._plain("resume_name_enc")

    @property
    def has_resume(self) -> bool:
        return bool(self.resume_path)


class CandidateNote(models.Model):
    """A dated remark on a candidate by a staff member."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="notes", verbose_name=_("candidate")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.candidate_id} · {self.created_at:%Y-%m-%d}"


class Application(models.Model):
    """A candidate applying for one job; moves through the pipeline (see pipeline.py)."""

    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("candidate"),
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.PROTECT, related_name="applications", verbose_name=_("job")
    )
    # Copied from the job when created: scoping is one indexed column, no join.
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation unit"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLIED
    )
    overall_score = models.DecimalField(
        _("overall score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    external_refs = GenericRelation("common.ExternalRef")  # the EHRs' ids, deleted with it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set by selectors.candidate_detail: the stages this application may move to now.
    allowed: list[tuple[str, str]]
    # Set by selectors.candidate_rows: the translated stage, looked up once per page.
    stage_label: str
    # Set by blind.scores_hide (in the selectors): the reader rates it, so its score stays hidden.
    score_hidden: bool

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "job"],
                condition=~Q(stage__in=sorted(CLOSED_STAGES)),
                name="application_unique_active_per_job",
            ),
        ]
        # The candidate list asks "which candidates have a visible application (in this job,
        # at this stage)": each index ends with the columns that question reads, so it is
        # answered from the index alone (see bench/pages.py for the figures).
        indexes = [
            models.Index(fields=["org_unit", "stage", "candidate"], name="application_unit_stage"),
            models.Index(
                fields=["job", "stage", "org_unit", "candidate"], name="application_job_stage"
            ),
            models.Index(fields=["candidate", "stage"], name="application_candidate_stage"),
            models.Index(fields=["candidate", "org_unit"], name="application_candidate_unit"),
            # The pipeline board's newest cards of a stage: walked backwards on the id and
            # stopped after a column's worth, instead of sorting the whole stage (9 ms
            # against 2 ms for a job of 11,000 applications, bench/pages.py).
            models.Index(
                fields=["job", "stage", "id", "org_unit"], name="application_job_stage_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} → {self.job_id} ({self.stage})"


class ApplicationTransition(models.Model):
    """One recorded pipeline move: who moved the application, when, from where to where, why."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("application"),
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("pipeline transition")
        verbose_name_plural = _("pipeline transitions")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_stage or '-'} → {self.to_stage}"


class ApplicationAssignment(models.Model):
    """An interviewer assigned to an application: the only way interviewers see candidates."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("interviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interviewer assignment")
        verbose_name_plural = _("interviewer assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "interviewer"], name="assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.interviewer_id}"
