"""回避 (F-102) and who may mark (F-107): declarations, detected conflicts, their resolution
by a named approver, and the interview marks the rules let through.

An examiner marks a candidate only while sitting on the panel (or drawn as that candidate's
substitute), with every conflict of the pair cleared. mark_enter also re-runs the pure
check for the pair, so a tie nobody has yet detected blocks the mark instead of slipping
through between a fact's change and the next conflicts_detect.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import Application
from mianshi.compliance.models import AuditEvent
from mianshi.compliance.services import audit_record
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import avoidance, draw
from mianshi.recruitment.idcard import region_name
from mianshi.recruitment.models import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Declaration,
    Examiner,
    Lot,
    Mark,
    Panel,
    Relation,
    Seat,
    Substitute,
)
from mianshi.recruitment.services.panels import as_drawn, draw_pool, drawing, seed_record

MAX_REASON = 500
MAX_CORRECTION_REASON = 80  # kept in the audit detail, which holds short texts only
CENT = Decimal("0.01")


def _reason(reason: str, limit: int = MAX_REASON) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give a reason.")})
    if len(text) > limit:
        raise ValidationError({"reason": _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def _examiner_person(examiner: Examiner) -> avoidance.Person:
    return avoidance.Person(
        key=f"e{examiner.pk}", name=examiner.name, id_number=examiner.id_number,
        employer=examiner.employer, school=examiner.school,
        graduation_year=examiner.graduation_year,
    )  # fmt: skip


def _candidate_person(application: Application) -> avoidance.Person:
    facts = getattr(application, "facts", None)  # None when no facts were entered
    return avoidance.Person(
        key=f"a{application.pk}", name=application.candidate.name,
        id_number=application.candidate.id_number,
        employer=facts.employer if facts else "", school=facts.school if facts else "",
        graduation_year=facts.graduation_year if facts else None,
    )  # fmt: skip


def _declared(examiner_ids: set[int], application_ids: set[int]) -> list[avoidance.Declared]:
    rows = Declaration.objects.filter(
        examiner_id__in=examiner_ids, application_id__in=application_ids
    ).values_list("examiner_id", "application_id", "relation")
    return [avoidance.Declared(f"e{e}", f"a{a}", Relation(r)) for e, a, r in rows]


def _found(panel: Panel) -> dict[tuple[int, int], list[avoidance.Conflict]]:
    """The pure check over the seated examiners × the panel's applicants, and over each
    substitute × the one candidate they judge, keyed by (examiner pk, application pk)."""
    seated = [s.examiner for s in Seat.objects.filter(panel=panel, replaced=False)
              .select_related("examiner")]  # fmt: skip
    subs = list(Substitute.objects.filter(panel=panel).select_related("examiner"))
    apps = [lot.application for lot in Lot.objects.filter(panel=panel)
            .select_related("application__candidate", "application__facts")]  # fmt: skip
    declared = _declared({e.pk for e in seated} | {s.examiner_id for s in subs},
                         {a.pk for a in apps})  # fmt: skip
    people = {a.pk: _candidate_person(a) for a in apps}
    found = avoidance.panel_conflicts(
        [_examiner_person(e) for e in seated], list(people.values()),
        declared=declared, place_name=region_name,
    )  # fmt: skip
    for sub in (s for s in subs if s.application_id in people):
        pair = avoidance.conflicts(_examiner_person(sub.examiner), people[sub.application_id],
                                   declared=declared, place_name=region_name)  # fmt: skip
        if pair:
            found[(f"e{sub.examiner_id}", f"a{sub.application_id}")] = pair
    return {(int(e[1:]), int(a[1:])): pair for (e, a), pair in found.items()}


def _detect(panel: Panel) -> int:
    """Record every new (examiner, application, kind) the check finds; pairs where the
    examiner already stands aside are left alone. Returns the number of new rows."""
    rows = Conflict.objects.filter(panel=panel)
    known = set(rows.values_list("examiner_id", "application_id", "kind"))
    aside = set(rows.filter(status=ConflictStatus.AVOIDED)
                .values_list("examiner_id", "application_id"))  # fmt: skip
    new: list[Conflict] = []
    for (examiner, application), found in sorted(_found(panel).items()):
        by_kind: dict[str, list[str]] = defaultdict(list)
        for item in found:
            by_kind[item.kind].append(item.reason)
        for kind, reasons in by_kind.items():
            if (examiner, application, kind) in known or (examiner, application) in aside:
                continue
            new.append(Conflict(panel=panel, examiner_id=examiner, application_id=application,
                                kind=kind, reason="; ".join(reasons),
                                declared=kind == ConflictKind.DECLARED))  # fmt: skip
    Conflict.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def conflicts_detect(*, actor: Actor, panel: Panel) -> int:
    """Run the 回避 check over the panel; each new finding is an open Conflict (idempotent)."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, panel.post.unit_id)
    if not Lot.objects.filter(panel=panel).exists():
        raise ValidationError(_("Draw the interview order first: the check needs the panel's "
                                "candidates."))  # fmt: skip
    created = _detect(panel)
    audit_record(actor=actor, action="recruitment.conflict.detect", obj=panel,
                 org_unit_id=panel.post.unit_id, detail={"created": created})  # fmt: skip
    return created


@transaction.atomic
def declaration_add(
    *, actor: Actor, examiner: Examiner, application: Application, relation: str
) -> Declaration:
    """Record a declared relation (回避申报); panels already holding the pair are re-checked
    at once, so the declaration blocks the mark from now on."""
    if examiner.user_id != actor.pk:
        require_cap(actor, Cap.CANDIDATES_MANAGE, application.org_unit_id)
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Unknown relation: %(relation)s.")
                               % {"relation": relation}})  # fmt: skip
    declaration = Declaration.objects.create(examiner=examiner, application=application,
                                             relation=relation, declared_by=actor)  # fmt: skip
    for panel in Panel.objects.filter(lots__application=application).select_related("post"):
        _detect(panel)
    audit_record(actor=actor, action="recruitment.declaration.add", obj=declaration,
                 org_unit_id=application.org_unit_id,
                 detail={"examiner": examiner.pk, "application": application.pk,
                         "relation": relation})  # fmt: skip
    return declaration


def _standing(panel: Panel, application_id: int) -> list[str]:
    """The panel as it stands for one candidate: seats in draw order, each substitute in
    the place of the examiner they replace."""
    keys = [str(pk) for pk in Seat.objects.filter(panel=panel, replaced=False)
            .order_by("pk").values_list("examiner_id", flat=True)]  # fmt: skip
    subs = Substitute.objects.filter(panel=panel, application_id=application_id).order_by("pk")
    for replaces, examiner in subs.values_list("replaces_id", "examiner_id"):
        keys = [str(examiner) if key == str(replaces) else key for key in keys]
    return keys


def _substitute(actor: Actor, conflict: Conflict) -> Substitute | None:
    """Draw, from the panel's seed, an examiner to judge this candidate instead."""
    panel = conflict.panel
    standing = _standing(panel, conflict.application_id)
    removed = str(conflict.examiner_id)
    if removed not in standing:
        return None
    aside = Conflict.objects.filter(panel=panel, application_id=conflict.application_id,
                                    status=ConflictStatus.AVOIDED)  # fmt: skip
    pool = as_drawn(draw_pool(panel.post))
    purpose = f"redraw:{conflict.pk}"
    seed_record(actor=actor, panel=panel, purpose=purpose, keys=[e.key for e in pool])
    redrawn = drawing(lambda: draw.redraw(
        panel.seed, pool, standing, remove=[removed], purpose=purpose,
        expertise=panel.expertise, exclude={str(pk) for pk in aside.values_list(
            "examiner_id", flat=True)},
        exclude_regions=[panel.exclude_region] if panel.exclude_region else [],
    ))  # fmt: skip
    chosen = redrawn[standing.index(removed)]
    return Substitute.objects.create(conflict=conflict, panel=panel, examiner_id=int(chosen),
                                     application_id=conflict.application_id,
                                     replaces_id=conflict.examiner_id)  # fmt: skip


@transaction.atomic
def conflict_resolve(*, actor: Actor, conflict: Conflict, upheld: bool, reason: str) -> Conflict:
    """A named approver clears a conflict (the examiner may judge) or upholds it: the
    examiner stands aside for that candidate and a substitute is drawn for them."""
    require_cap(actor, Cap.OFFERS_APPROVE, conflict.panel.post.unit_id)
    # Resolved with its panel, post and examiner held, as before `of` was named.
    held = ("self", "panel", "panel__post", "examiner")
    locked = (Conflict.objects.select_for_update(of=held)
              .select_related("panel__post", "examiner")
              .get(pk=conflict.pk))  # fmt: skip
    if locked.examiner.user_id == actor.pk:
        raise PermissionDenied(_("An examiner may not resolve their own conflict."))
    if locked.status != ConflictStatus.OPEN:
        raise ValidationError(_("This conflict is already resolved."))
    pair = Conflict.objects.filter(panel=locked.panel, examiner_id=locked.examiner_id,
                                   application_id=locked.application_id)  # fmt: skip
    status = ConflictStatus.AVOIDED if upheld else ConflictStatus.CLEARED
    # Upholding one reason sets the examiner aside for the candidate: the pair's other open
    # reasons are settled with it, so the candidate gets one substitute, not one per reason.
    closing = pair.filter(status=ConflictStatus.OPEN) if upheld else pair.filter(pk=locked.pk)
    closing.update(status=status, resolution=_reason(reason), resolved_by=actor,
                   resolved_at=timezone.now())  # fmt: skip
    locked.refresh_from_db()
    detail: dict[str, object] = {"upheld": upheld, "kind": locked.kind,
                                 "application": locked.application_id}  # fmt: skip
    if upheld:
        detail |= _stand_aside(actor, locked)
    audit_record(actor=actor, action="recruitment.conflict.resolve", obj=locked,
                 org_unit_id=locked.panel.post.unit_id, detail=detail)  # fmt: skip
    return locked


def _stand_aside(actor: Actor, conflict: Conflict) -> dict[str, object]:
    """Void a mark given before the conflict came to light, and draw the substitute."""
    mark = Mark.objects.filter(examiner_id=conflict.examiner_id,
                               application_id=conflict.application_id).first()  # fmt: skip
    voided = {"voided_mark": mark.pk, "voided_score": str(mark.score)} if mark else {}
    if mark:
        mark.delete()
    substitute = _substitute(actor, conflict)
    if substitute:
        _detect(conflict.panel)  # the substitute is checked against the candidate at once
    return voided | {"substitute": substitute.examiner_id if substitute else None}


def _may_enter(actor: Actor, panel: Panel, examiner: Examiner) -> None:
    """HR of the post's unit enters the sheet; an examiner enters their own marks, on the day."""
    if examiner.user_id is not None and examiner.user_id == actor.pk:
        if timezone.localdate() != panel.interview_on:
            raise ValidationError(_("Examiners enter their marks on the interview day."))
        return
    require_cap(actor, Cap.CANDIDATES_MANAGE, panel.post.unit_id)


def _score(score: Decimal, max_score: Decimal) -> Decimal:
    if isinstance(score, bool) or not isinstance(score, Decimal | int):
        raise ValidationError({"score": _("A mark is a decimal number, not %(value)s.")
                               % {"value": score}})  # fmt: skip
    value = Decimal(score)
    if not value.is_finite() or not 0 <= value <= max_score:
        raise ValidationError({"score": _("A mark lies between 0 and %(max)s, not %(value)s.")
                               % {"max": max_score, "value": score}})  # fmt: skip
    if value != value.quantize(CENT):
        raise ValidationError({"score": _("A mark has at most two decimals: %(value)s.")
                               % {"value": score}})  # fmt: skip
    return value.quantize(CENT)


def pair_conflict(
    panel: Panel, examiner: Examiner, application: Application
) -> tuple[str, str] | None:
    """The 回避 that keeps the examiner from judging this candidate, as (kind, status): an
    upheld conflict ("avoided"), else an open one or a tie the pure check finds that nobody
    has detected yet ("open"); None when every conflict of the pair is cleared."""
    rows = dict(Conflict.objects.filter(panel=panel, examiner=examiner, application=application)
                .values_list("kind", "status"))  # fmt: skip
    upheld = [k for k, s in rows.items() if s == ConflictStatus.AVOIDED]
    if upheld:
        return upheld[0], ConflictStatus.AVOIDED
    person = _candidate_person(Application.objects.select_related("candidate", "facts")
                               .get(pk=application.pk))  # fmt: skip
    fresh = avoidance.conflicts(_examiner_person(examiner), person,
                                declared=_declared({examiner.pk}, {application.pk}))  # fmt: skip
    blocking = [k for k, s in rows.items() if s == ConflictStatus.OPEN]
    blocking += [c.kind for c in fresh if c.kind not in rows]
    return (blocking[0], ConflictStatus.OPEN) if blocking else None


def judges(panel: Panel, examiner: Examiner, application: Application) -> bool:
    """Whether the examiner judges this candidate: seated on the panel, or their substitute."""
    if Seat.objects.filter(panel=panel, examiner=examiner, replaced=False).exists():
        return True
    return Substitute.objects.filter(
        panel=panel, examiner=examiner, application=application
    ).exists()


def _refuse_pair(panel: Panel, examiner: Examiner, application: Application) -> None:
    """Refuse unless the examiner judges this candidate on this panel with no conflict."""
    if not Lot.objects.filter(panel=panel, application=application).exists():
        raise ValidationError(_("This candidate is not in this panel's interview order."),
                              code="not_in_order")  # fmt: skip
    if not judges(panel, examiner, application):
        raise ValidationError(_("%(examiner)s does not judge this candidate on this panel.")
                              % {"examiner": examiner.name}, code="not_judging")  # fmt: skip
    conflict = pair_conflict(panel, examiner, application)
    if conflict and conflict[1] == ConflictStatus.AVOIDED:
        raise ValidationError(_("%(examiner)s stands aside for this candidate (conflict upheld).")
                              % {"examiner": examiner.name}, code="avoided")  # fmt: skip
    if conflict:
        raise ValidationError(
            _("%(examiner)s may not mark this candidate until the conflict (%(kind)s) is "
              "resolved.") % {"examiner": examiner.name,
                              "kind": ConflictKind(conflict[0]).label},
            code="conflict",
        )  # fmt: skip


@transaction.atomic
def mark_enter(*, actor: Actor, panel: Panel, examiner: Examiner, application: Application,
               score: Decimal) -> Mark:  # fmt: skip
    """Enter one examiner's mark for one candidate, once; the rules above decide who may."""
    _may_enter(actor, panel, examiner)
    value = _score(score, panel.post.parameters.max_score)
    _refuse_pair(panel, examiner, application)
    if Mark.objects.filter(examiner=examiner, application=application).exists():
        raise ValidationError(_("This mark is already entered; correct it with a reason."))
    try:
        with transaction.atomic():
            mark = Mark.objects.create(panel=panel, examiner=examiner, application=application,
                                       score=value)  # fmt: skip
    except IntegrityError as error:  # entered at the same moment by someone else
        raise ValidationError(
            _("This mark is already entered; correct it with a reason.")
        ) from error
    audit_record(actor=actor, action="recruitment.mark.enter", obj=mark,
                 org_unit_id=panel.post.unit_id, detail={"panel": panel.pk, "examiner": examiner.pk,
                         "application": application.pk, "score": str(value)})  # fmt: skip
    return mark


@transaction.atomic
def mark_correct(*, actor: Actor, mark: Mark, score: Decimal, reason: str) -> Mark:
    """Correct an entered mark, with the reason and both values in the trail."""
    panel = mark.panel
    _may_enter(actor, panel, mark.examiner)
    value = _score(score, panel.post.parameters.max_score)
    text = _reason(reason, MAX_CORRECTION_REASON)
    _refuse_pair(panel, mark.examiner, mark.application)
    locked = Mark.objects.select_for_update().get(pk=mark.pk)
    before = locked.score
    locked.score = value
    locked.save(update_fields=["score"])
    audit_record(actor=actor, action="recruitment.mark.correct", obj=locked,
                 org_unit_id=panel.post.unit_id, changed_fields=["score"],
                 detail={"before": str(before), "after": str(value), "reason": text})  # fmt: skip
    return locked


RATING_ENTERED = "recruitment.mark.rating"


def _rating_trail(mark: Mark, rating_id: int) -> list[AuditEvent]:
    """The trail's entries of `mark` written for workbench rating `rating_id`, oldest first
    (Mark has no column for its source: the trail, which holds every write, says it)."""
    rows = AuditEvent.objects.filter(
        object_type=Mark._meta.label_lower, object_id=str(mark.pk),
        action__in=[RATING_ENTERED, "recruitment.mark.correct"],
    ).order_by("pk")  # fmt: skip
    return [row for row in rows if row.detail.get("rating") == rating_id]


@transaction.atomic
def mark_from_rating(*, rater: User, panel: Panel, examiner: Examiner,
                     application: Application, score: Decimal, rating_id: int
                     ) -> Mark | None:  # fmt: skip
    """The examiner's submitted workbench rating as their mark: the range, seat and 回避 rules
    of mark_enter, without its interview-day rule (a recorded interview is rated when the
    examiner watches it) or HR's capability (the rater is the examiner). Idempotent per
    rating: the value it already gave changes nothing (None); a new value of the same
    rating corrects the mark, audited with the reason; a mark of any other source (the
    sheet, another rating) is refused (ValidationError code "marked")."""
    if examiner.user_id is None or examiner.user_id != rater.pk:
        raise PermissionDenied(_("Only the examiner's own rating becomes their mark."))
    value = _score(score, panel.post.parameters.max_score)
    _refuse_pair(panel, examiner, application)
    mark = (Mark.objects.select_for_update()
            .filter(examiner=examiner, application=application).first())  # fmt: skip
    if mark is None:
        mark = Mark.objects.create(panel=panel, examiner=examiner, application=application,
                                   score=value)  # fmt: skip
        audit_record(actor=rater, action=RATING_ENTERED, obj=mark, org_unit_id=panel.post.unit_id,
                     detail={"panel": panel.pk, "examiner": examiner.pk, "rating": rating_id,
                             "application": application.pk, "score": str(value)})  # fmt: skip
        return mark
    trail = _rating_trail(mark, rating_id)
    if not trail:
        raise ValidationError(_("This mark is already entered; correct it with a reason."),
                              code="marked")  # fmt: skip
    last = trail[-1].detail
    if Decimal(str(last.get("score") or last.get("after"))) == value:
        return None  # this rating's value is in already (a later correction on the sheet holds)
    before, mark.score = mark.score, value
    mark.save(update_fields=["score"])
    audit_record(actor=rater, action="recruitment.mark.correct", obj=mark,
                 org_unit_id=panel.post.unit_id, changed_fields=["score"],
                 detail={"before": str(before), "after": str(value), "rating": rating_id,
                         "reason": f"rating {rating_id} submitted again"})  # fmt: skip
    return mark
