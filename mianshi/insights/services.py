"""Writes from the home pages: an auditor's "verify the chain now".

The verification itself is compliance's (`audit_chain_check`); recording its result in the
trail is what lets the auditor's home say when the chain was last verified and with which
anchor, and lets the next auditor see who verified it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from mianshi.accounts.actor import Actor
from mianshi.compliance.services import ChainReport, audit_chain_check, audit_record
from mianshi.insights.selectors_trail import VERIFIED
from mianshi.organisations.selectors import audits_root


def trail_verify(*, actor: Actor) -> ChainReport:
    """Walk the whole chain and record the result (auditors of the whole organisation only:
    the chain spans every unit). Walks every event: seconds at a few million events."""
    if not audits_root(actor):
        raise PermissionDenied
    report = audit_chain_check()
    detail = {"intact": report.intact, "count": report.count, "anchor": report.anchor[:80]}
    if not report.intact:
        detail |= {"problem": report.problem, "broken_id": report.broken_id}
    audit_record(actor=actor, action=VERIFIED, object_type="audit_chain", detail=detail)
    return report
