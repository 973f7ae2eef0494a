"""Candidate writes: identity with encrypted identifiers, duplicates (F-24), notes, tags."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mianshi.accounts.actor import Actor, SystemActor
from mianshi.accounts.models import User
from mianshi.accounts.roles import Cap
from mianshi.candidates.models import ENC_CONTEXT, Candidate, CandidateNote, Source, Tag
from mianshi.candidates.selectors import has_interview_records
from mianshi.candidates.validators import validate_id_number, validate_phone
from mianshi.common.crypto import blind_index, encrypt_str, normalise_email
from mianshi.common.errors import Conflict
from mianshi.common.external_refs import external_refs_set
from mianshi.compliance.services import audit_record
from mianshi.events.services import event_emit
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import require_cap

IDENTIFIERS = ("id_number", "phone", "email")
PLAIN_FIELDS = ("name", "gender", "birth_date", "source", "org_unit")
EDITABLE = frozenset(PLAIN_FIELDS + IDENTIFIERS + ("tags", "resume", "external_refs"))
P = ParamSpec("P")
R = TypeVar("R")


# Outside the user's scope the refusal says only this (review L7): an ID number that the
# unique blind index refuses exists somewhere, which no wording can hide without accepting
# the duplicate, but it names no unit, person or record; the clash is audited instead.
ID_NUMBER_UNAVAILABLE = gettext_lazy(
    "This ID number cannot be used. Contact an HR admin, who can look into it."
)


@dataclass(frozen=True)
class IdClash:
    """A refused ID number owned outside the actor's scope: ids for the audit event only."""

    existing_id: int
    owner_unit_id: int
    entered_unit_id: int


class DuplicateCandidate(Conflict):
    """The ID number already belongs to a candidate: apply that person to the job instead.

    Trade-off (review L7): within the user's scope the refusal names the candidate (and the
    UI links to them), so HR adds an application instead of a second record. Outside it, the
    refusal still happens (one person, one record: F-24), so HR of 深圳 can learn that an ID
    number is known *somewhere*; the message says no more than that it cannot be used, a
    different `code` hides even the word "duplicate", and every such refusal is audited
    (`candidate.id_number_clash`, ids only, at the closest unit covering both) so probing
    is visible to the auditors above both units.
    """

    code = "duplicate_candidate"

    def __init__(self, existing: Candidate, *, visible: bool, entered_unit_id: int) -> None:
        if visible:
            message = _(
                "A candidate with this ID number already exists: %(name)s (#%(id)s). "
                "Add a new application to that candidate instead."
            ) % {"name": existing.name, "id": existing.pk}
        else:
            message = str(ID_NUMBER_UNAVAILABLE)
        super().__init__(message, code=None if visible else "id_number_unavailable")
        self.existing_id = existing.pk if visible else None
        self.clash = (
            None if visible else IdClash(existing.pk, existing.org_unit_id, entered_unit_id)
        )


def require_manage(actor: SystemActor, unit_id: int) -> None:
    """Refuse (403) unless `actor` holds CANDIDATES_MANAGE on the unit; None is the system."""
    message = _("You may not manage candidates of this organisation unit.")
    require_cap(actor, Cap.CANDIDATES_MANAGE, unit_id, message)


def require_candidate_manage(actor: SystemActor, candidate: Candidate) -> None:
    """Refuse (403) unless `actor` manages the candidate's unit or one of its applications'."""
    from mianshi.candidates.selectors import manageable_candidates

    if actor is not None and not manageable_candidates(actor).filter(pk=candidate.pk).exists():
        raise PermissionDenied(_("You may not manage this candidate."))


def require_identity_manage(actor: SystemActor, candidate: Candidate) -> None:
    """Refuse (403) unless `actor` manages the candidate's OWNER unit: who the person is and
    where they belong is the owner's (review M4). HR of a unit where the candidate only
    applied manages the application, tags and résumé, never the identity; the same rule
    decides who reads the identifiers in full (selectors.can_see_identifiers)."""
    from mianshi.candidates.selectors import can_see_identifiers

    if actor is not None and not can_see_identifiers(user=actor, candidate=candidate):
        raise PermissionDenied(
            _("Only HR of the unit that owns this candidate may change who they are.")
        )


def _normalise(values: Mapping[str, str]) -> dict[str, str]:
    """Validated, normalised identifiers; ValidationError naming every bad field."""
    checks = {"id_number": validate_id_number, "phone": validate_phone}
    cleaned, errors = {}, {}
    for field, raw in values.items():
        value = (raw or "").strip()
        try:
            cleaned[field] = checks[field](value) if value and field in checks else value
        except ValidationError as exc:
            errors[field] = exc.messages
    if "email" in cleaned:
        cleaned["email"] = normalise_email(cleaned["email"])
    if errors:
        raise ValidationError(errors)
    return cleaned


def _set_identifiers(candidate: Candidate, values: Mapping[str, str]) -> None:
    for field, value in values.items():
        enc = f"{field}_enc"
        setattr(candidate, enc, encrypt_str(value, context=ENC_CONTEXT[enc]))
        setattr(candidate, f"{field}_bidx", blind_index(value, kind=field))


def _refuse_duplicate_id(actor: SystemActor, candidate: Candidate) -> None:
    if not candidate.id_number_bidx:
        return
    existing = Candidate.objects.filter(id_number_bidx=candidate.id_number_bidx)
    found = existing.exclude(pk=candidate.pk).first()
    if found is not None:
        from mianshi.candidates.selectors import visible_candidates

        visible = actor is None or visible_candidates(actor).filter(pk=found.pk).exists()
        raise DuplicateCandidate(found, visible=visible, entered_unit_id=candidate.org_unit_id)


def _common_unit(first_id: int, second_id: int) -> int | None:
    """The closest unit covering both ("/1/4/" and "/1/7/" → 1; None: no shared root)."""
    paths = dict(OrgUnit.objects.filter(pk__in=[first_id, second_id]).values_list("pk", "path"))
    parts = [paths[pk].strip("/").split("/") for pk in (first_id, second_id)]
    pairs = itertools.takewhile(lambda pair: pair[0] == pair[1], zip(*parts, strict=False))
    shared = [first for first, _second in pairs]
    return int(shared[-1]) if shared else None


def _clash_record(actor: SystemActor, clash: IdClash) -> None:
    """Audit a refused out-of-scope ID number, after the refused write rolled back."""
    audit_record(
        actor=actor, action="candidate.id_number_clash", object_type="candidates.candidate",
        object_id=clash.existing_id,
        org_unit_id=_common_unit(clash.owner_unit_id, clash.entered_unit_id),
        detail={"owner_unit": clash.owner_unit_id, "entered_unit": clash.entered_unit_id},
    )  # fmt: skip


def records_id_clash(service: Callable[P, R]) -> Callable[P, R]:
    """Wrap a service so an out-of-scope ID clash is audited once its transaction is undone
    (inside it, the event would roll back with the refused write)."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except DuplicateCandidate as exc:
            actor = kwargs.get("actor")  # the services wrapped take it by keyword
            if exc.clash is not None:
                _clash_record(actor if isinstance(actor, User) else None, exc.clash)
            raise

    return run


def _link_phone_duplicate(candidate: Candidate) -> None:
    """Same phone, different or no ID: keep both, link to the earliest as a possible duplicate."""
    earlier = None
    if candidate.phone_bidx:
        same = Candidate.objects.filter(phone_bidx=candidate.phone_bidx).exclude(pk=candidate.pk)
        earlier = same.order_by("pk").first()
    if earlier is not None and candidate.pk and earlier.pk > candidate.pk:
        earlier = None  # the older record is the anchor; never point a record at a newer one
    candidate.duplicate_of = (earlier.duplicate_of or earlier) if earlier else None


def _check_contact(candidate: Candidate) -> None:
    if not candidate.phone_bidx and not candidate.email_bidx:
        raise ValidationError({"phone": _("Enter a phone number or an e-mail address.")})


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip() for n in names if n and n.strip()})
    for name in clean:
        if len(name) > 40:
            raise ValidationError({"tags": _("A tag has at most 40 characters.")})
    return [Tag.objects.get_or_create(name=name)[0] for name in clean]


def _save(actor: SystemActor, candidate: Candidate) -> None:
    """Validate, refuse a duplicate ID and save (the unique constraint closes the race)."""
    _check_contact(candidate)
    _refuse_duplicate_id(actor, candidate)
    _link_phone_duplicate(candidate)
    candidate.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        _refuse_duplicate_id(actor, candidate)
        raise


@records_id_clash
@transaction.atomic
def candidate_create(
    *,
    actor: SystemActor,
    org_unit: OrgUnit,
    name: str,
    id_number: str = "",
    phone: str = "",
    email: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    source: str = Source.OTHER,
    tags: Iterable[str] = (),
    resume: UploadedFile | None = None,
    external_refs: Mapping[str, str | None] | None = None,
) -> Candidate:
    """Create a candidate (optionally with a résumé); a known ID number is refused
    (DuplicateCandidate), a known phone linked as a possible duplicate. All or nothing."""
    require_manage(actor, org_unit.pk)
    candidate = Candidate(
        org_unit=org_unit,
        name=(name or "").strip(),
        gender=gender or "",
        birth_date=birth_date,
        source=source,
        created_by=actor if actor else None,
    )
    _set_identifiers(
        candidate, _normalise({"id_number": id_number, "phone": phone, "email": email})
    )
    _save(actor, candidate)
    candidate.tags.set(_tags(tags))
    refs = ["external_refs"] if external_refs_set(obj=candidate, refs=external_refs or {}) else []
    fields = ["name", "org_unit", "gender", "birth_date", "source", "tags", *IDENTIFIERS, *refs]
    audit_record(
        actor=actor,
        action="candidate.create",
        obj=candidate,
        changed_fields=fields,
        detail={"possible_duplicate_of": candidate.duplicate_of_id},
    )
    _emit(candidate, "candidate.created")
    _attach_resume(actor, candidate, resume)
    return candidate


def _emit(candidate: Candidate, type: str, changed: Iterable[str] = ()) -> None:
    """The candidate's event: its id and the names of changed fields, never their values."""
    data = {"candidate_id": candidate.pk, "changed_fields": list(changed)}
    event_emit(type=type, data=data, org_unit_id=candidate.org_unit_id)


def _attach_resume(actor: SystemActor, candidate: Candidate, resume: UploadedFile | None) -> None:
    if resume is not None:
        from mianshi.candidates.services.resumes import candidate_resume_upload

        candidate_resume_upload(
            actor=actor,
            candidate=candidate,
            upload=resume,
            filename=resume.name or "",
            size=resume.size,
        )


def _changed_identifiers(candidate: Candidate, data: Mapping[str, Any]) -> dict[str, str]:
    wanted = _normalise({k: data[k] for k in IDENTIFIERS if k in data})
    return {k: v for k, v in wanted.items() if v != getattr(candidate, k)}


@records_id_clash
@transaction.atomic
def candidate_update(*, actor: Actor, candidate: Candidate, data: Mapping[str, Any]) -> Candidate:
    """Change any of EDITABLE; identifiers are re-encrypted and re-indexed when they change."""
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    require_candidate_manage(actor, candidate)
    if "org_unit" in data:
        require_manage(actor, data["org_unit"].pk)
    ids = _changed_identifiers(candidate, data)
    plain = {k: data[k] for k in PLAIN_FIELDS if k in data}
    plain_changed = [k for k, v in plain.items() if getattr(candidate, k) != v]
    if ids or plain_changed:
        require_identity_manage(actor, candidate)
    for key, value in plain.items():
        setattr(candidate, key, value.strip() if key == "name" else value)
    _set_identifiers(candidate, ids)
    _save(actor, candidate)
    changed = [*plain_changed, *ids]
    if "tags" in data:
        before = set(candidate.tags.values_list("name", flat=True))
        new_tags = _tags(data["tags"])
        candidate.tags.set(new_tags)
        changed += ["tags"] if before != {t.name for t in new_tags} else []
    changed += _refs_update(actor, candidate, data.get("external_refs"))
    audit_record(actor=actor, action="candidate.update", obj=candidate, changed_fields=changed)
    if changed:
        _emit(candidate, "candidate.updated", changed)
    _attach_resume(actor, candidate, data.get("resume"))
    return candidate


def _refs_update(
    actor: SystemActor, candidate: Candidate, refs: Mapping[str, str | None] | None
) -> list[str]:
    """Who the person is in an EHR is identity: only the owner unit's HR changes it."""
    if refs:
        require_identity_manage(actor, candidate)
    return ["external_refs"] if refs and external_refs_set(obj=candidate, refs=refs) else []


def _refuse_interviewed(candidate: Candidate) -> None:
    """Interviews, ratings and decisions are records to keep (F-101), and their media lies
    in storage the cascade never reaches (review M5): only the erasure path removes them."""
    if has_interview_records(candidate=candidate):
        raise Conflict(
            _(
                "This candidate has interviews on record (recordings, ratings or decisions), "
                "so they cannot simply be deleted. An HR admin can erase the candidate, "
                "which also deletes the recordings and files."
            )
        )


@transaction.atomic
def candidate_delete(*, actor: Actor, candidate: Candidate) -> None:
    """Delete a candidate entered by mistake, with its applications, history, notes and
    résumé file; one with interviews on record is refused (they are erased instead)."""
    from mianshi.candidates.services.resumes import delete_stored_file

    require_manage(actor, candidate.org_unit_id)
    _refuse_interviewed(candidate)
    audit_record(
        actor=actor,
        action="candidate.delete",
        obj=candidate,
        detail={"applications": candidate.applications.count()},
    )
    _emit(candidate, "candidate.erased")  # a receiver's copy must go too
    path = candidate.resume_path
    candidate.delete()
    if path:
        transaction.on_commit(lambda: delete_stored_file(path))


@transaction.atomic
def candidate_note_add(*, actor: Actor, candidate: Candidate, body: str) -> CandidateNote:
    """Add a note (by anyone who may manage the candidate)."""
    require_candidate_manage(actor, candidate)
    note = CandidateNote(candidate=candidate, author=actor if actor else None, body=body.strip())
    if not note.body:
        raise ValidationError({"body": _("The note is empty.")})
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        action="candidate.note_add",
        obj=candidate,
        changed_fields=["notes"],
        detail={"note": note.pk},
    )
    return note


@transaction.atomic
def candidate_tag_add(*, actor: Actor, candidate: Candidate, name: str) -> Tag:
    """Attach a tag (created on first use)."""
    require_candidate_manage(actor, candidate)
    tags = _tags([name])
    if not tags:
        raise ValidationError({"name": _("Enter a tag.")})
    candidate.tags.add(tags[0])
    audit_record(
        actor=actor,
        action="candidate.tag_add",
        obj=candidate,
        changed_fields=["tags"],
        detail={"tag": tags[0].pk},
    )
    _emit(candidate, "candidate.updated", ["tags"])
    return tags[0]


@transaction.atomic
def candidate_tag_remove(*, actor: Actor, candidate: Candidate, name: str) -> None:
    """Detach a tag; removing one the candidate lacks is a no-op."""
    require_candidate_manage(actor, candidate)
    tag = Tag.objects.filter(name=name.strip()).first()
    if tag is not None and candidate.tags.filter(pk=tag.pk).exists():
        candidate.tags.remove(tag)
        audit_record(
            actor=actor,
            action="candidate.tag_remove",
            obj=candidate,
            changed_fields=["tags"],
            detail={"tag": tag.pk},
        )
        _emit(candidate, "candidate.updated", ["tags"])
