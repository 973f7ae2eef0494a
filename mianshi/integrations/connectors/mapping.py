"""Mapping templates: versioned JSON that turns one of our records into an EHR's payload.

Every customer's EHR wants other field names, nesting, codes and formats, so a connector is
configured, not coded: a person edits the template in the UI, and this engine validates it
(every problem with the target field it concerns, translated, never an exception) and
applies it (pure and deterministic: same template and record, same payload, key order
following the template). A template:

    {"version": 1, "kind": "assessment",
     "maps": {"status": {"hired": "H", "*": "OTHER"}},
     "fields": {
        "d.results.0.score": {"path": "$.scores.final", "transform": "round2"},
        "status": {"path": "$.stage", "transform": "map:status"},
        "vendor": {"const": "mianshi"},
        "details": {"each": "$.dimensions[*]", "fields": {
            "name": {"path": "$.code"}, "application": {"path": "$root.application_id"}}}}}

Target keys are dotted paths; a numeric part is a list index. A `path` is JSONPath
(jsonpath-ng's extended syntax) from `$`, the record, or inside `each` the item (`$root`
still reads the whole record); one with a wildcard, slice, filter or `..` gives a list.
A value that is absent takes `default` (used as written) or is null, or is an error when
`"required": true`. `transform` is one name or a list applied in order: see transforms.py.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from mianshi.integrations.connectors.mapping_compile import (
    Compiled,
    Each,
    MappingProblem,
    PathSpec,
    Target,
    compile_template,
)
from mianshi.integrations.connectors.transforms import (
    MAP_PREFIX,
    TRANSFORMS,
    TransformError,
    map_value,
)

__all__ = [
    "KINDS",
    "MappingError",
    "MappingProblem",
    "mapping_apply",
    "mapping_compile",
    "mapping_load",
    "mapping_validate",
]

KINDS = ("assessment", "candidate", "application", "employee", "post_hire", "hire")
MAX_TEMPLATE_BYTES = 64 * 1024


class MappingError(ValueError):
    """A template that does not validate, or a record a valid template cannot map."""

    def __init__(self, problems: list[MappingProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def mapping_load(template: object) -> tuple[dict[str, Any] | None, list[MappingProblem]]:
    """The template as a dict from JSON text, bytes or a mapping, or the problem."""
    if isinstance(template, bytes | bytearray):
        try:
            template = template.decode("utf-8")
        except UnicodeDecodeError:
            return None, [MappingProblem("", _("The template is not UTF-8 text."))]
    if isinstance(template, str):
        if len(template.encode("utf-8")) > MAX_TEMPLATE_BYTES:
            return None, [MappingProblem("", _("The template is larger than 64 KB."))]
        try:
            template = json.loads(template)
        except (ValueError, RecursionError) as exc:
            where = getattr(exc, "lineno", None), getattr(exc, "colno", None)
            msg = _("The template is not valid JSON (line %(line)s, column %(col)s).")
            return None, [MappingProblem("", msg % {"line": where[0], "col": where[1]})]
    if not isinstance(template, Mapping):
        return None, [MappingProblem("", _("The template must be a JSON object."))]
    return dict(template), []


def mapping_compile(template: object, *, kind: str = "") -> Compiled:
    """The checked, ready-to-apply form of `template`; MappingError listing every problem.
    With `kind`, the template must be of that kind."""
    loaded, problems = mapping_load(template)
    if loaded is None:
        raise MappingError(problems)
    compiled, problems = compile_template(loaded, kinds=KINDS)
    if compiled is not None and kind and compiled.kind != kind:
        msg = _("This template maps “%(found)s” records, not “%(wanted)s”.")
        problems = [MappingProblem("kind", msg % {"found": compiled.kind, "wanted": kind})]
    if compiled is None or problems:
        raise MappingError(problems)
    return compiled


def mapping_validate(template: object, *, kind: str = "") -> list[MappingProblem]:
    """Every problem of `template` (JSON text or a dict), each with its field; [] when valid."""
    try:
        mapping_compile(template, kind=kind)
    except MappingError as exc:
        return exc.problems
    return []


def mapping_apply(template: object | Compiled, record: Mapping[str, Any]) -> dict[str, Any]:
    """The payload `template` makes of `record`. MappingError when the template is invalid
    or a value of the record cannot be converted (each problem names its field)."""
    compiled = template if isinstance(template, Compiled) else mapping_compile(template)
    problems: list[MappingProblem] = []
    out = _apply_fields(compiled, compiled.targets, record, record, "", problems)
    if problems:
        raise MappingError(problems)
    return out


def _apply_fields(
    compiled: Compiled,
    targets: list[Target],
    item: Any,
    root: Mapping[str, Any],
    prefix: str,
    problems: list[MappingProblem],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for target in targets:
        where = prefix + target.name
        try:
            value = _value(compiled, target, item, root, where, problems)
        except TransformError as exc:
            problems.append(MappingProblem(where, str(exc)))
            continue
        _put(out, target.parts, value)
    return out


def _value(
    compiled: Compiled,
    target: Target,
    item: Any,
    root: Mapping[str, Any],
    where: str,
    problems: list[MappingProblem],
) -> Any:
    spec = target.spec
    if isinstance(spec, Each):
        items = [m.value for m in spec.expr.find(root if spec.from_root else item)]
        return [
            _apply_fields(compiled, spec.fields, sub, root, f"{where}[{i}].", problems)
            for i, sub in enumerate(items)
        ]
    if isinstance(spec, PathSpec):
        return _path_value(compiled, spec, item, root, where)
    return copy.deepcopy(spec.value)


def _path_value(compiled: Compiled, spec: PathSpec, item: Any, root: Any, where: str) -> Any:
    found = [m.value for m in spec.expr.find(root if spec.from_root else item)]
    if spec.multi:
        return [_converted(compiled, spec, v) for v in found if v is not None]
    if not found or found[0] is None:
        if spec.has_default:
            return copy.deepcopy(spec.default)
        if spec.required:
            raise TransformError(_("the record has no value here"))
        return None
    return _converted(compiled, spec, found[0])


def _converted(compiled: Compiled, spec: PathSpec, value: Any) -> Any:
    for name in spec.transforms:
        if value is None:
            break
        if name.startswith(MAP_PREFIX):
            table = name[len(MAP_PREFIX) :]
            value = map_value(compiled.maps[table], value, table)
        else:
            value = TRANSFORMS[name](value)
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _put(out: dict[str, Any], parts: tuple[str | int, ...], value: Any) -> None:
    """Set `value` at `parts` (a str is a key, an int a list index), creating the way."""
    node: Any = out
    for part, following in itertools.pairwise(parts):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            node.extend([None] * (part + 1 - len(node)))
            node[part] = node[part] if node[part] is not None else empty
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    last = parts[-1]
    if isinstance(last, int):
        node.extend([None] * (last + 1 - len(node)))
    node[last] = value
