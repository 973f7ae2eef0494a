"""Showing one masked identifier in full on the candidate page (issue 14): a read of
personal data that must leave a trace of who read which field and why.

The page masks every identifier by default, even for HR who may read them: most visits
need the name and the pipeline, not the ID number, and a read that is not needed should
not happen. Revealing one is an explicit, audited act. The reason is a code from a fixed
list, never free text: the audit trail holds ids and codes, not personal data (rule 7).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.actor import Actor
from mianshi.candidates.models import Candidate
from mianshi.candidates.selectors import can_see_identifiers
from mianshi.compliance.services import audit_read

REVEALABLE = ("id_number", "phone", "email")


class RevealReason(TextChoices):
    """Why an identifier is read in full; recorded as the code."""

    CONTACT = "contact", _("Contact the candidate")
    VERIFY = "verify", _("Verify the candidate's identity")
    PAPERWORK = "paperwork", _("Offer and onboarding paperwork")


def candidate_identifier_reveal(
    *, actor: Actor, candidate: Candidate, field: str, reason: str
) -> str:
    """The identifier in full, after recording the read; 403 (and no record) for a user
    who may not read identifiers (the one rule: selectors.can_see_identifiers)."""
    if field not in REVEALABLE or reason not in RevealReason.values:
        raise ValueError(field)
    if not can_see_identifiers(user=actor, candidate=candidate):
        raise PermissionDenied
    value: str = getattr(candidate, field)
    audit_read(
        actor=actor,
        action="candidate.reveal",
        obj=candidate,
        detail={"field": field, "reason": reason},
    )
    return value
