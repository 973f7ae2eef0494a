"""Candidate writes (typed, keyword-only, each owning its transaction and audit event)."""

from mianshi.candidates.services.applications import (
    application_advance,
    application_assign,
    application_create,
    application_delete,
    application_unassign,
    application_update,
)
from mianshi.candidates.services.bulk import (
    BulkRefused,
    applications_bulk_action,
    applications_bulk_advance,
    applications_bulk_assign,
    applications_bulk_tag,
    applications_export,
)
from mianshi.candidates.services.candidates import (
    DuplicateCandidate,
    candidate_create,
    candidate_delete,
    candidate_note_add,
    candidate_tag_add,
    candidate_tag_remove,
    candidate_update,
)
from mianshi.candidates.services.resumes import (
    candidate_resume_download,
    candidate_resume_upload,
)
from mianshi.candidates.services.rotation import RotationReport, encryption_rotate

__all__ = [
    "BulkRefused",
    "DuplicateCandidate",
    "RotationReport",
    "application_advance",
    "application_assign",
    "application_create",
    "application_delete",
    "application_unassign",
    "application_update",
    "applications_bulk_action",
    "applications_bulk_advance",
    "applications_bulk_assign",
    "applications_bulk_tag",
    "applications_export",
    "candidate_create",
    "candidate_delete",
    "candidate_note_add",
    "candidate_resume_download",
    "candidate_resume_upload",
    "candidate_tag_add",
    "candidate_tag_remove",
    "candidate_update",
    "encryption_rotate",
]
