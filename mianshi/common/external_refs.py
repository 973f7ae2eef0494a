"""External references: the id each outside system (an EHR) gives one of our objects.

An EHR that creates a candidate, an application or (soon) an employee through the API or a
connector keeps its own id for it; `external_refs` {"sap_sf": "12345", …} lets it find the
record again and refuses a second record for the same id (409), so a retried import never
duplicates people. Generic over content types, so every app's objects share one table and
one rule. These helpers write inside the caller's service transaction; the service writes
the audit event ("external_refs" among its changed fields), as common cannot reach the audit
trail (ARCHITECTURE rule 5b). Scoping stays with the caller: lookups return ids that the
caller intersects with its scoped queryset, so another branch finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from pydantic import Field

from mianshi.common.errors import Conflict
from mianshi.common.models import ExternalRef

SOURCE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
EXTERNAL_ID_PATTERN = r"^[^\x00-\x1f\x7f]{1,128}$"
MAX_SOURCES = 20

# The API's types: a bad slug or id is a 422 before any service runs.
Source = Annotated[str, Field(pattern=SOURCE_PATTERN, description="source system, e.g. sap_sf")]
ExternalId = Annotated[str, Field(pattern=EXTERNAL_ID_PATTERN, description="its id there")]
RefsIn = Annotated[dict[Source, ExternalId], Field(max_length=MAX_SOURCES)]
RefsPatch = Annotated[dict[Source, ExternalId | None], Field(max_length=MAX_SOURCES)]


class ExternalRefTaken(Conflict):
    """Another object of the same kind already carries this id from this source."""

    code = "external_ref_taken"


def _check(source: str, external_id: str | None) -> None:
    bad_id = external_id is not None and not re.fullmatch(EXTERNAL_ID_PATTERN, external_id)
    if not re.fullmatch(SOURCE_PATTERN, source) or bad_id:
        message = _("A source is a lower-case slug (e.g. sap_sf); an id has 1 to 128 characters.")
        raise ValidationError({"external_refs": message})


def external_refs_of(obj: models.Model) -> dict[str, str]:
    """{source: id} of one object (reads a prefetched `external_refs` relation if any)."""
    relation = getattr(obj, "external_refs", None)
    rows = relation.all() if relation is not None else _refs_of(obj)
    return {ref.source: ref.external_id for ref in rows}


def _refs_of(obj: models.Model) -> models.QuerySet[ExternalRef]:
    ct = ContentType.objects.get_for_model(obj)
    return ExternalRef.objects.filter(content_type=ct, object_id=obj.pk)


def external_refs_set(*, obj: models.Model, refs: Mapping[str, str | None]) -> list[str]:
    """Set (or with None clear) one id per source on a saved `obj`; the sources changed.
    An id another object of its kind holds is refused (ExternalRefTaken) before any write of
    the call is kept."""
    for source, external_id in refs.items():
        _check(source, external_id)
    current = {ref.source: ref for ref in _refs_of(obj)}
    wanted = {
        s: i for s, i in refs.items() if (current[s].external_id if s in current else None) != i
    }
    with transaction.atomic():
        for source, external_id in sorted(wanted.items()):
            try:
                with transaction.atomic():
                    _write(obj, current.get(source), source, external_id)
            except IntegrityError as exc:  # a concurrent request took the id first
                raise _taken(source, external_id or "") from exc
    return sorted(wanted)


def _write(
    obj: models.Model, ref: ExternalRef | None, source: str, external_id: str | None
) -> None:
    if external_id is None:
        if ref is not None:
            ref.delete()
        return
    ct = ContentType.objects.get_for_model(obj)
    same = ExternalRef.objects.filter(content_type=ct, source=source, external_id=external_id)
    if same.exclude(object_id=obj.pk).exists():
        raise _taken(source, external_id)
    if ref is None:
        ExternalRef.objects.create(
            content_type=ct, object_id=obj.pk, source=source, external_id=external_id
        )
    else:
        ExternalRef.objects.filter(pk=ref.pk).update(external_id=external_id)


def _taken(source: str, external_id: str) -> ExternalRefTaken:
    return ExternalRefTaken(
        _("The id %(id)s of %(source)s already belongs to another record; nothing was saved.")
        % {"id": external_id, "source": source}
    )


def external_ref_parse(value: str) -> tuple[str, str]:
    """("sap_sf", "12345") of a "sap_sf:12345" filter; ValidationError when malformed."""
    source, sep, external_id = value.partition(":")
    if not sep:
        raise ValidationError(
            {"external_ref": _("Write the filter as source:id, e.g. sap_sf:12345.")}
        )
    _check(source, external_id)
    return source, external_id


def external_ref_ids(model: type[models.Model], value: str) -> models.QuerySet[Any]:
    """Ids of `model` objects carrying the "source:id" reference, as a subquery to
    intersect with the caller's scoped queryset."""
    source, external_id = external_ref_parse(value)
    ct = ContentType.objects.get_for_model(model)
    refs = ExternalRef.objects.filter(content_type=ct, source=source, external_id=external_id)
    return refs.values("object_id")
