"""Choosing and checking the mapping template of a file import or export.

The template engine (connectors/mapping.py) checks a template's own shape; a file import
also needs every target to be an argument the kind's service takes, and every required
argument to be filled, or each of 100,000 rows would fail the same way. Both problems are
reported before the file is read, with the engine's (field, message) problems.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from jsonpath_ng import jsonpath

from mianshi.accounts.actor import Actor
from mianshi.accounts.roles import Cap
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors.files.defaults import export_template, import_template
from mianshi.integrations.connectors.files.kinds import KINDS
from mianshi.integrations.connectors.mapping import MappingError, MappingProblem, mapping_compile
from mianshi.integrations.connectors.mapping_compile import Compiled, PathSpec
from mianshi.integrations.connectors.models import MappingTemplate
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.scoping import units_for


class TemplateRefused(DomainError):
    """The template cannot serve this import or export; `problems` lists why, per field."""

    status = 422
    code = "template_refused"

    def __init__(self, problems: list[MappingProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _compiled(kind: str, template: object) -> Compiled:
    try:
        return mapping_compile(template, kind=kind)
    except MappingError as exc:
        raise TemplateRefused(exc.problems) from exc


def import_compiled(kind: str, template: object | None) -> Compiled:
    """The import template (None: the built-in one), checked against the kind's arguments."""
    compiled = _compiled(kind, import_template(kind) if template is None else template)
    targets = KINDS[kind].targets
    names = {t.name for t in compiled.targets}
    known = ", ".join(targets)
    problems = [
        MappingProblem(name, _("Not a field of this record (known: %(known)s).") % {"known": known})
        for name in sorted(names - set(targets))
    ]
    problems += [
        MappingProblem(name, _("This field is required: map a column to it."))
        for name, required in targets.items()
        if required and name not in names
    ]
    if problems:
        raise TemplateRefused(problems)
    return compiled


def export_compiled(kind: str, template: object | None) -> Compiled:
    """The export template (None: the built-in one); its targets are the file's columns.
    An import layout (every target an argument of the kind, each read from one column) is
    turned around, so one template describes a customer's file both ways."""
    compiled = _compiled(kind, export_template(kind) if template is None else template)
    inverted = _inverted(compiled, set(KINDS[kind].targets))
    return _compiled(kind, inverted) if inverted is not None else compiled


def _column(spec: object) -> str | None:
    """The one column a `$.name` / `$['name']` path reads, else None."""
    expr = getattr(spec, "expr", None)
    if not isinstance(spec, PathSpec) or spec.from_root or not isinstance(expr, jsonpath.Child):
        return None
    left, right = expr.left, expr.right
    if not isinstance(left, jsonpath.Root) or not isinstance(right, jsonpath.Fields):
        return None
    return right.fields[0] if len(right.fields) == 1 and right.fields[0] != "*" else None


def _inverted(compiled: Compiled, arguments: set[str]) -> dict[str, Any] | None:
    columns = {t.name: _column(t.spec) for t in compiled.targets}
    if not columns or not set(columns) <= arguments or None in columns.values():
        return None
    fields: dict[str, Any] = {}
    maps: dict[str, dict[str, Any]] = {}
    for target in compiled.targets:
        spec: dict[str, Any] = {"path": f"$['{target.name}']"}
        for name in getattr(target.spec, "transforms", ()):
            table = (
                compiled.maps.get(name.removeprefix("map:")) if name.startswith("map:") else None
            )
            if table is not None and len(set(map(str, table.values()))) == len(table):
                maps[target.name] = {str(v): k for k, v in table.items() if k != "*"}
                spec["transform"] = f"map:{target.name}"
        fields[str(columns[target.name])] = spec
    return {"version": 1, "kind": compiled.kind, "fields": fields, "maps": maps}


def stored_templates(*, actor: Actor, kind: str, cap: Cap) -> QuerySet[MappingTemplate]:
    """Templates of `kind` a user may pick: those of connectors of a unit where they hold
    `cap`, or above it (a template an admin set up at headquarters serves every branch).
    A template holds field names and codes, never personal data."""
    paths = OrgUnit.objects.filter(pk__in=units_for(actor, cap)).values_list("path", flat=True)
    unit_ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    qs = MappingTemplate.objects.filter(kind=kind, connector__org_unit_id__in=unit_ids)
    return qs.select_related("connector").order_by("connector__name", "-version")


def stored_template(*, actor: Actor, kind: str, cap: Cap, pk: int) -> dict[str, Any]:
    """The body of template `pk` if the user may pick it for `kind`, else 404."""
    template = get_object_or_404(stored_templates(actor=actor, kind=kind, cap=cap), pk=pk)
    return dict(template.body)
