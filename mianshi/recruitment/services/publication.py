"""The publication list (公示) and its objections (异议).

The window is counted in working days on the calendar HR maintains (CalendarDay rows: the
holiday notice's days off and 调休 working weekends), because a 公示 that ends a day early
must be published again. An objection is recorded by HR and decided by a named approver;
upheld against a candidate, it takes them off the list and the next in line moves up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.compliance.services import audit_record
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment.models import (
    Objection,
    Post,
    PostStatus,
    Publication,
    Result,
    ResultStatus,
)
from mianshi.recruitment.selectors import work_calendar
from mianshi.recruitment.services.hiring import (
    LEAVING,
    Substitution,
    leave,
    lock_post,
    required_text,
)


def publication_window(post: Post, starts_on: date) -> date:
    """The last day of a 公示 beginning on `starts_on`: Parameters.publication_days working
    days on the configured calendar."""
    days = post.parameters.publication_days
    return work_calendar().period_end(starts_on, days)


@transaction.atomic
def publication_open(*, actor: Actor, post: Post, starts_on: date) -> Publication:
    """Publish the candidates cleared by 体检 and 考察 on a new list from `starts_on`."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, post.unit_id)
    post = lock_post(post)
    cleared = list(Result.objects.filter(post=post, status=ResultStatus.CLEARED))
    if not cleared:
        raise ValidationError(_("Nobody has passed the background review (考察) yet."))
    publication = Publication.objects.create(
        post=post, starts_on=starts_on, ends_on=publication_window(post, starts_on),
        published_by=actor,
    )  # fmt: skip
    Result.objects.filter(pk__in=[r.pk for r in cleared]).update(
        status=ResultStatus.PUBLISHED, publication=publication, updated_at=timezone.now()
    )
    Post.objects.filter(pk=post.pk).update(status=PostStatus.PUBLISHED)
    audit_record(
        actor=actor, action="recruitment.publication.open", obj=publication,
        org_unit_id=post.unit_id,
        detail={"post": post.pk, "results": [r.pk for r in cleared],
                "starts_on": starts_on.isoformat(), "ends_on": publication.ends_on.isoformat()},
    )  # fmt: skip
    return publication


@transaction.atomic
def objection_raise(
    *, actor: Actor, publication: Publication, text: str, application: Application | None = None
) -> Objection:
    """Record an objection to the list, about one candidate on it or about the list."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, publication.post.unit_id)
    text = required_text(text, "text")
    if (
        application is not None
        and not Result.objects.filter(publication=publication, application=application).exists()
    ):
        raise ValidationError({"application": _("This candidate is not on this list.")})
    objection = Objection.objects.create(
        publication=publication, application=application, text=text
    )
    audit_record(
        actor=actor, action="recruitment.objection.raise", obj=objection,
        org_unit_id=publication.post.unit_id,
        detail={"publication": publication.pk,
                "application": application.pk if application else None},
    )  # fmt: skip
    return objection


@dataclass(frozen=True)
class Resolution:
    """A decided objection and, when it took a candidate off the list, the 递补 that followed."""

    objection: Objection
    substitution: Substitution | None = None


@transaction.atomic
def objection_resolve(
    *, actor: Actor, objection: Objection, upheld: bool, reason: str
) -> Resolution:
    """A named approver decides an objection; upheld against a candidate, their result
    fails with the reason and the next in line moves up."""
    require_cap(actor, Cap.OFFERS_APPROVE, objection.publication.post.unit_id)
    reason = required_text(reason, "reason")
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.upheld is not None:
        raise ValidationError(_("This objection has already been decided."))
    locked.upheld, locked.resolution = upheld, reason
    locked.resolved_by, locked.resolved_at = actor, timezone.now()
    locked.save(update_fields=["upheld", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor, action="recruitment.objection.resolve", obj=locked,
        org_unit_id=objection.publication.post.unit_id,
        detail={"upheld": upheld, "application": locked.application_id},
    )  # fmt: skip
    objection.upheld = upheld
    return Resolution(locked, _take_off(actor, locked, reason) if upheld else None)


def _take_off(actor: Actor, objection: Objection, reason: str) -> Substitution | None:
    if objection.application_id is None:  # about the list as a whole: nobody leaves it
        return None
    result = Result.objects.filter(application_id=objection.application_id).first()
    if result is None or result.status not in LEAVING:
        return None
    text = _("Objection upheld: %(reason)s") % {"reason": reason}
    return leave(actor=actor, result=result, status=ResultStatus.FAILED, reason=text)
