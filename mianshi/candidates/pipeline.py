"""The application pipeline (F-23) as data: the stages and the moves allowed between them.

Keeping the table here (not spread over views) means the UI, the API, bulk actions and
later automations all obey the same rules, and a reviewer can read the whole machine at once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    INVITED = "invited", _("Invited")
    INTERVIEWING = "interviewing", _("Interviewing")
    INTERVIEW_DONE = "interview_done", _("Interview done")
    AI_SCORED = "ai_scored", _("AI scored")
    SECOND_ROUND = "second_round", _("Second round")
    OFFER_APPROVAL = "offer_approval", _("Offer approval")
    PENDING_ONBOARDING = "pending_onboarding", _("Pending onboarding")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    TALENT_POOL = "talent_pool", _("Talent pool")


S = Stage
# Rejection and the talent pool are exits from every open stage; an offer can still be
# declined (pending_onboarding → rejected), but a hire is final.
_EXITS = frozenset({S.REJECTED, S.TALENT_POOL})

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    S.APPLIED: frozenset({S.SCREENING, S.INVITED}) | _EXITS,
    S.SCREENING: frozenset({S.INVITED}) | _EXITS,
    # A failed or expired recording sends the candidate back to "invited" for a re-take.
    S.INVITED: frozenset({S.INTERVIEWING}) | _EXITS,
    S.INTERVIEWING: frozenset({S.INTERVIEW_DONE, S.INVITED}) | _EXITS,
    # A recording that failed its quality checks is re-recorded: the re-record invitation
    # (invitations.services.invitation_reinvite) sends the application back to "invited".
    S.INTERVIEW_DONE: frozenset({S.AI_SCORED, S.SECOND_ROUND, S.INVITED}) | _EXITS,
    S.AI_SCORED: frozenset({S.SECOND_ROUND, S.OFFER_APPROVAL}) | _EXITS,
    S.SECOND_ROUND: frozenset({S.OFFER_APPROVAL}) | _EXITS,
    # Approval may send the candidate back for another round instead of deciding.
    S.OFFER_APPROVAL: frozenset({S.PENDING_ONBOARDING, S.SECOND_ROUND}) | _EXITS,
    S.PENDING_ONBOARDING: frozenset({S.HIRED}) | _EXITS,
    S.HIRED: frozenset(),
    S.REJECTED: frozenset({S.TALENT_POOL}),
    # A pooled candidate can be re-activated for the same job.
    S.TALENT_POOL: frozenset({S.SCREENING, S.INVITED}),
}

# Stages in which an application no longer competes for the job: a new application for
# the same job is then allowed.
CLOSED_STAGES = frozenset({S.HIRED, S.REJECTED, S.TALENT_POOL})


def allowed_targets(stage: str) -> list[Stage]:
    """The stages `stage` may move to, in pipeline order."""
    targets = TRANSITIONS.get(Stage(stage), frozenset())
    return [s for s in Stage if s in targets]


def can_move(from_stage: str, to_stage: str) -> bool:
    """Whether the table allows from_stage → to_stage."""
    return to_stage in TRANSITIONS.get(Stage(from_stage), frozenset())


def label(stage: str) -> str:
    """The translated label of a stage code."""
    return str(Stage(stage).label)
