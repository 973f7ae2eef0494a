"""HR UI for candidates and applications (thin: parse, call a service or selector, render)."""

from mianshi.candidates.views.actions import (
    application_assign,
    application_create,
    application_transition,
    note_add,
    tag_add,
    tag_remove,
)
from mianshi.candidates.views.identity import (
    candidate_create,
    candidate_delete,
    candidate_edit,
    candidate_erase,
    resume_delete,
    resume_download,
    resume_upload,
)
from mianshi.candidates.views.listing import bulk, candidate_list
from mianshi.candidates.views.profile import candidate_detail, candidate_reveal

__all__ = [
    "application_assign",
    "application_create",
    "application_transition",
    "bulk",
    "candidate_create",
    "candidate_delete",
    "candidate_detail",
    "candidate_edit",
    "candidate_erase",
    "candidate_list",
    "candidate_reveal",
    "note_add",
    "resume_delete",
    "resume_download",
    "resume_upload",
    "tag_add",
    "tag_remove",
]
