"""Importing candidates (optionally each with an application to a job) from a file.

The rules are the candidates app's own: its validators for the ID number and phone, the
model's field checks for the rest, and to write a batch insert with candidate_create's
rules and its candidate.created event per row (candidate_rows.py). Duplicates are reported
before anything is written: an ID number or phone repeated inside the file, and an ID number
already on record anywhere (one person, one record: F-24). An ID number on record outside
the importer's scope is refused with the service's own neutral message and audited as a
clash, exactly as when it is typed into the form. A phone already on record is a warning:
the service links such a candidate as a possible duplicate, it does not refuse it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from mianshi.candidates import selectors as csel
from mianshi.candidates import services as csvc
from mianshi.candidates.models import Candidate, Source, Tag
from mianshi.candidates.services import candidates as cands
from mianshi.candidates.validators import validate_id_number, validate_phone
from mianshi.common.crypto import blind_index, normalise_email
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors.files.kinds.base import (
    BatchProblem,
    ImportContext,
    Problems,
    RowRefused,
    field_problems,
    text,
    text_list,
    units_by_key,
)
from mianshi.integrations.connectors.files.kinds.candidate_rows import candidates_insert, id_runs
from mianshi.integrations.connectors.files.kinds.jobs import JobLookup

MODEL_FIELDS = ("name", "gender", "birth_date", "source")
INDEXED = ("id_number", "phone")
TARGETS = {
    "name": True, "id_number": False, "phone": False, "email": False, "gender": False,
    "birth_date": False, "source": False, "tags": False, "org_unit": False, "job_id": False,
}  # fmt: skip
_email = EmailValidator()


class CandidateImporter:
    """Checks and writes candidate rows for one import run (see the module docstring)."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.units = units_by_key(csel.units_for_candidates(user=ctx.actor))
        self.jobs = JobLookup(ctx.actor)
        self.seen: dict[str, dict[str, int]] = {"id_number": {}, "phone": {}}
        self.tags: dict[str, Tag] = {}
        self.created_ids: list[int] = []

    def clean(self, args: dict[str, Any]) -> tuple[dict[str, Any] | None, Problems]:
        problems: Problems = []
        data: dict[str, Any] = {k: text(args.get(k)) for k in ("name", "gender", "source")}
        data["source"] = data["source"] or Source.IMPORT
        data["birth_date"] = _date(args.get("birth_date"), problems)
        data["tags"] = text_list(args.get("tags"))
        data.update(_identifiers(args, problems))
        problems += _model_problems(data)
        data["org_unit"] = self._unit(text(args.get("org_unit")), problems)
        data["job"] = self.jobs.get(text(args.get("job_id")), problems)
        if any(len(t) > 40 for t in data["tags"]):
            problems.append(("tags", _("A tag has at most 40 characters.")))
        return (None, problems) if problems else (data, [])

    def _unit(self, key: str, problems: Problems) -> Any:
        unit = self.units.get(key) if key else self.ctx.unit
        if unit is None:
            problems.append(("org_unit", _("Unknown organisation unit, or not one you manage.")))
        return unit

    def duplicates(self, row: int, cleaned: dict[str, Any]) -> Problems:
        problems: Problems = []
        for kind, message in (
            ("id_number", _("The same ID number is on row %(row)s of this file.")),
            ("phone", _("The same phone number is on row %(row)s of this file.")),
        ):
            key = cleaned[f"{kind}_bidx"]
            if not key:
                continue
            first = self.seen[kind].setdefault(key[:16], row)
            if first != row:
                problems.append((kind, message % {"row": first}))
        return problems

    def check_batch(self, batch: list[tuple[int, dict[str, Any]]]) -> list[BatchProblem]:
        return self._id_clashes(batch) + self._phone_matches(batch)

    def _id_clashes(self, batch: list[tuple[int, dict[str, Any]]]) -> list[BatchProblem]:
        keys = {c["id_number_bidx"]: (row, c) for row, c in batch if c["id_number_bidx"]}
        found = Candidate.objects.filter(id_number_bidx__in=keys)
        existing = {c.id_number_bidx: c for c in found.only("pk", "org_unit_id", "id_number_bidx")}
        visible = set(
            csel.visible_candidates(self.ctx.actor)
            .filter(pk__in=[c.pk for c in existing.values()])
            .values_list("pk", flat=True)
        )
        out = []
        for key, candidate in existing.items():
            row, cleaned = keys[key]
            out.append(BatchProblem(row, [("id_number", self._clash(candidate, cleaned, visible))]))
        return out

    def _clash(self, existing: Candidate, cleaned: dict[str, Any], visible: set[int]) -> str:
        if existing.pk in visible:
            return _("A candidate with this ID number already exists (#%(id)s).") % {
                "id": existing.pk
            }
        # The candidates app's one home for this refusal: same words, same audit event.
        clash = cands.IdClash(existing.pk, existing.org_unit_id, cleaned["org_unit"].pk)
        cands._clash_record(self.ctx.actor, clash)
        return str(cands.ID_NUMBER_UNAVAILABLE)

    def _phone_matches(self, batch: list[tuple[int, dict[str, Any]]]) -> list[BatchProblem]:
        keys = {c["phone_bidx"]: row for row, c in batch if c["phone_bidx"]}
        known = Candidate.objects.filter(phone_bidx__in=keys).values_list("phone_bidx", flat=True)
        message = _("A candidate with this phone number exists: linked as a possible duplicate.")
        return [BatchProblem(keys[k], [("phone", message)], "warning") for k in set(known)]

    def write(self, cleaned: dict[str, Any]) -> int:
        return self.write_many([(0, cleaned)])

    def write_many(self, batch: list[tuple[int, dict[str, Any]]]) -> int:
        """The batch inserted at once (candidate_rows.py), then each row's application."""
        inserted = candidates_insert(self.ctx.actor, [c for _row, c in batch], self.tags)
        self.created_ids.extend(c.pk for c in inserted)
        for (row, cleaned), candidate in zip(batch, inserted, strict=True):
            if cleaned["job"] is None:
                continue
            try:
                csvc.application_create(
                    actor=self.ctx.actor, candidate=candidate, job=cleaned["job"]
                )
            except (ValidationError, DomainError, PermissionDenied) as exc:
                raise RowRefused(row, exc) from exc
        return len(inserted)

    def audit_detail(self) -> dict[str, Any]:
        """The candidates created, as id runs (the import's one audit event names them)."""
        return {"candidate_id_runs": id_runs(self.created_ids)}


def _identifiers(args: dict[str, Any], problems: Problems) -> dict[str, str]:
    """Normalised identifiers and their blind indexes (for the duplicate checks)."""
    out: dict[str, str] = {}
    checks = {"id_number": validate_id_number, "phone": validate_phone, "email": _checked_email}
    for name, check in checks.items():
        value = text(args.get(name))
        try:
            out[name] = check(value) if value else ""
        except ValidationError as exc:
            problems.extend(field_problems(exc, name))
            out[name] = ""
        if name in INDEXED:  # the keys of the duplicate checks
            out[f"{name}_bidx"] = blind_index(out[name], kind=name) if out[name] else ""
    if not text(args.get("phone")) and not text(args.get("email")):
        problems.append(("phone", _("Enter a phone number or an e-mail address.")))
    return out


def _checked_email(value: str) -> str:
    email = normalise_email(value)
    _email(email)
    return email


def _date(value: Any, problems: Problems) -> dt.date | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        problems.append(("birth_date", _("Enter a date as YYYY-MM-DD.")))
        return None


def _model_problems(data: dict[str, Any]) -> Problems:
    """The Candidate model's own checks of the plain fields (length, choices), field by
    field: building a model instance per row costs more than the checks themselves."""
    problems: Problems = []
    for name in MODEL_FIELDS:
        try:
            field: Any = Candidate._meta.get_field(name)
            field.clean(data[name], None)
        except ValidationError as exc:
            problems.extend(field_problems(exc, name))
    return problems
