"""The one consent rule: the latest decision of each kind decides, a kind never decided is a no.

A candidate may withdraw a consent later (or give it again); every reader — the candidate
flow, the analysis queue, the workbench, the PDF — must agree on which decision counts, so
the rule lives here once. "Latest" is by (time, id): two decisions stored in the same
instant are ordered by the order they were written.
"""

from __future__ import annotations

from collections.abc import Iterable

from mianshi.interviews.models import Consent, InterviewSession


def _latest(consents: Iterable[Consent]) -> dict[str, Consent]:
    latest: dict[str, Consent] = {}
    for consent in sorted(consents, key=lambda c: (c.at, c.pk)):
        latest[consent.kind] = consent
    return latest


def consents_latest(session: InterviewSession) -> dict[str, Consent]:
    """Kind → its latest decision; reads `session.consents` (a prefetch of it costs no query)."""
    return _latest(session.consents.all())


def consent_given(session_id: int, kind: str) -> bool:
    """Whether the latest decision of `kind` in the session is a yes (one query)."""
    decision = _latest(Consent.objects.filter(session_id=session_id, kind=kind)).get(kind)
    return bool(decision and decision.granted)
