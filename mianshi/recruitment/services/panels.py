"""The examiner pool (考官库), panels drawn by lot and the candidates' interview order (抽签).

Every draw writes its seed to the audit trail first ("recruitment.panel.seed": the seed,
the purpose and the hash of the pool it draws from), then draws, then records what it
drew; an auditor re-runs draw.py from those three facts. Seats are created in draw order,
so a panel's seats by pk are the panel as drawn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from mianshi.accounts.actor import Actor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.validators import validate_id_number
from mianshi.common.crypto import encrypt_str
from mianshi.compliance.services import audit_record
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import require_cap
from mianshi.recruitment import draw
from mianshi.recruitment.models import Examiner, Lot, Panel, Post, Seat, ShortlistEntry
from mianshi.recruitment.models import ShortlistStatus as Shortlist
from mianshi.recruitment.models.panels import ID_CONTEXT
from mianshi.recruitment.parameters import Parameters

EDITABLE = ("name", "id_number", "region", "expertise", "employer", "school",
            "graduation_year", "user")  # fmt: skip


def _text(value: object, field: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("At most %(limit)d characters.") % {"limit": limit}})
    return text


def _region(value: object) -> str:
    region = str(value or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        raise ValidationError({"region": _("A region is a six-digit code (GB/T 2260).")})
    return region


def _year(value: object) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit() or not 1950 <= int(str(value)) <= 2100:
        raise ValidationError({"graduation_year": _("Not a graduation year: %(value)s.")
                               % {"value": value}})  # fmt: skip
    return int(str(value))


def _id_number(value: object) -> str:
    number = str(value or "").strip()
    try:
        return validate_id_number(number) if number else ""
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error


def _expertise(values: Iterable[object]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    cleaned = [_text(v, "expertise", 60) for v in values]
    return sorted({v for v in cleaned if v})


def _apply(examiner: Examiner, data: dict[str, Any]) -> list[str]:
    """Set the validated fields given in `data`; the ID number sets the region unless given."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    if "name" in data:
        examiner.name = _text(data["name"], "name", 80, required=True)
    if "id_number" in data:
        number = _id_number(data["id_number"])
        examiner.id_number_enc = encrypt_str(number, context=ID_CONTEXT)
        examiner.region = number[:6] or examiner.region
    if "region" in data and (data["region"] or "id_number" not in data):
        examiner.region = _region(data["region"])
    if "expertise" in data:
        examiner.expertise = _expertise(data["expertise"])
    for field in ("employer", "school"):
        if field in data:
            setattr(examiner, field, _text(data[field], field, 120))
    if "graduation_year" in data:
        examiner.graduation_year = _year(data["graduation_year"])
    if "user" in data:
        examiner.user = data["user"] if isinstance(data["user"], User) else None
    return sorted(data)


@transaction.atomic
def examiner_create(*, actor: Actor, org_unit: OrgUnit, name: str, id_number: str = "",
                    region: str = "", expertise: Sequence[str] = (), employer: str = "",
                    school: str = "", graduation_year: int | None = None,
                    user: User | None = None) -> Examiner:  # fmt: skip
    """Add an examiner to the unit's pool; the ID number is stored encrypted and gives the
    region (its first six digits) unless a region is named."""
    require_cap(actor, Cap.JOBS_MANAGE, org_unit.pk)
    examiner = Examiner(org_unit=org_unit)
    data = {"name": name, "id_number": id_number, "region": region, "expertise": expertise,
            "employer": employer, "school": school, "graduation_year": graduation_year,
            "user": user}  # fmt: skip
    fields = _apply(examiner, data)
    examiner.save()
    audit_record(actor=actor, action="recruitment.examiner.create", obj=examiner,
                 changed_fields=fields)  # fmt: skip
    return examiner


@transaction.atomic
def examiner_update(*, actor: Actor, examiner: Examiner, data: dict[str, Any]) -> Examiner:
    """Change the fields named in `data` (EDITABLE); the trail names fields, never values."""
    require_cap(actor, Cap.JOBS_MANAGE, examiner.org_unit_id)
    locked = Examiner.objects.select_for_update().get(pk=examiner.pk)
    fields = _apply(locked, dict(data))
    locked.save()
    audit_record(actor=actor, action="recruitment.examiner.update", obj=locked,
                 changed_fields=fields)  # fmt: skip
    return locked


@transaction.atomic
def examiner_deactivate(*, actor: Actor, examiner: Examiner) -> Examiner:
    """Take an examiner out of future draws; panels already drawn keep their seats."""
    require_cap(actor, Cap.JOBS_MANAGE, examiner.org_unit_id)
    Examiner.objects.filter(pk=examiner.pk).update(active=False)
    examiner.active = False
    audit_record(actor=actor, action="recruitment.examiner.deactivate", obj=examiner,
                 changed_fields=["active"])  # fmt: skip
    return examiner


def draw_pool(post: Post) -> list[Examiner]:
    """The active examiners a post's panels draw from: the pools of the plan's unit, of the
    units above it and of the units below it."""
    unit = post.plan.org_unit
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    return list(
        Examiner.objects.filter(active=True)
        .filter(Q(org_unit__path__startswith=unit.path) | Q(org_unit_id__in=above))
        .order_by("pk")
    )


def as_drawn(examiners: Iterable[Examiner]) -> list[draw.Examiner]:
    """The pool as draw.py sees it; keys are examiner pks as text."""
    return [draw.Examiner(str(e.pk), e.region, frozenset(e.expertise)) for e in examiners]


def keys_hash(keys: Iterable[str]) -> str:
    """sha256 of the sorted keys joined by commas: what the trail keeps of a pool."""
    return hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()


def seed_record(*, actor: Actor, panel: Panel, purpose: str, keys: Sequence[str]) -> None:
    """Write the seed, the purpose and the pool's hash to the trail before drawing."""
    audit_record(
        actor=actor, action="recruitment.panel.seed", obj=panel,
        org_unit_id=panel.post.unit_id,
        detail={"seed": panel.seed, "purpose": purpose, "post": panel.post_id,
                "room": panel.room, "pool": len(keys), "pool_hash": keys_hash(keys),
                "expertise": panel.expertise, "exclude_region": panel.exclude_region},
    )  # fmt: skip


def drawing(run: Callable[[], list[str]]) -> list[str]:
    """Run a draw, its ValueError (pool too small, bad size) as a ValidationError."""
    try:
        return run()
    except ValueError as error:
        raise ValidationError(str(error)) from error


def _exclude_region(params: Parameters, local_region: str) -> str:
    if not params.other_regions:
        return ""
    if not local_region:
        raise ValidationError({"local_region": _(
            "This plan draws examiners from other regions only: name the post's region."
        )})  # fmt: skip
    return _region(local_region)


@transaction.atomic
def panel_draw(*, actor: Actor, post: Post, room: str, interview_on: dt.date,
               size: int | None = None, expertise: str = "", local_region: str = ""
               ) -> Panel:  # fmt: skip
    """Draw a panel of examiners by lot for one room of the post's interview."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, post.unit_id)
    params = post.parameters
    room = _text(room, "room", 40, required=True)
    if Panel.objects.filter(post=post, room=room).exists():
        raise ValidationError({"room": _("A panel is already drawn for this room.")})
    panel = Panel.objects.create(
        post=post, room=room, interview_on=interview_on, seed=draw.new_seed(),
        size=params.panel_size if size is None else size, drawn_by=actor,
        expertise=_text(expertise, "expertise", 60),
        exclude_region=_exclude_region(params, local_region),
    )  # fmt: skip
    pool = as_drawn(draw_pool(post))
    purpose = f"panel:{panel.pk}"
    seed_record(actor=actor, panel=panel, purpose=purpose, keys=[e.key for e in pool])
    keys = drawing(lambda: draw.draw_panel(
        panel.seed, pool, size=panel.size, purpose=purpose, expertise=panel.expertise,
        exclude_regions=[panel.exclude_region] if panel.exclude_region else [],
    ))  # fmt: skip
    Seat.objects.bulk_create([Seat(panel=panel, examiner_id=int(key)) for key in keys])
    audit_record(actor=actor, action="recruitment.panel.drawn", obj=panel,
                 org_unit_id=post.unit_id,
                 detail={"examiners": [int(key) for key in keys]})  # fmt: skip
    return panel


@transaction.atomic
def lots_draw(*, actor: Actor, panel: Panel) -> list[Lot]:
    """Draw the interview order of the post's shortlisted applicants not yet in a panel."""
    require_cap(actor, Cap.CANDIDATES_MANAGE, panel.post.unit_id)
    if Lot.objects.filter(panel=panel).exists():
        raise ValidationError(_("The interview order of this panel is already drawn."))
    entries = ShortlistEntry.objects.filter(post=panel.post, application__lot__isnull=True)
    keys = [str(pk) for pk in entries.exclude(status=Shortlist.WITHDRAWN)
            .values_list("application_id", flat=True)]  # fmt: skip
    if not keys:
        raise ValidationError(_("Nobody on the post's shortlist is waiting for an order."))
    purpose = f"order:{panel.pk}"
    seed_record(actor=actor, panel=panel, purpose=purpose, keys=keys)
    order = drawing(lambda: draw.draw_order(panel.seed, keys, purpose=purpose))
    lots = Lot.objects.bulk_create(
        [Lot(panel=panel, application_id=int(key), position=n) for n, key in enumerate(order, 1)]
    )
    audit_record(actor=actor, action="recruitment.panel.lots", obj=panel,
                 org_unit_id=panel.post.unit_id,
                 detail={"applications": [int(key) for key in order]})  # fmt: skip
    return lots
