"""Checking a mapping template and compiling it once (see mapping.py for the format).

Validation collects every problem instead of stopping at the first, each with the target
field it concerns, so the editor can show them all at once. Compiled JSONPath expressions
are cached: a file import applies the same template to 100,000 rows.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jsonpath_ng import jsonpath
from jsonpath_ng.ext import parse as jsonpath_parse

from mianshi.integrations.connectors.transforms import MAP_PREFIX, TRANSFORMS, transform_names

SUPPORTED_VERSIONS = (1,)
MAX_FIELDS = 500
MAX_DEPTH = 4
ROOT = "$root"
_SPEC_KEYS = {
    "const": {"const"},
    "path": {"path", "default", "transform", "required"},
    "each": {"each", "fields"},
}


@dataclass(frozen=True)
class MappingProblem:
    """One problem of a template or a record: the target field ("" = the whole) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class PathSpec:
    expr: Any
    multi: bool
    from_root: bool
    transforms: tuple[str, ...] = ()
    has_default: bool = False
    default: Any = None
    required: bool = False


@dataclass(frozen=True)
class Each:
    expr: Any
    from_root: bool
    fields: list[Target]


@dataclass(frozen=True)
class Target:
    name: str
    parts: tuple[str | int, ...]
    spec: Const | PathSpec | Each


@dataclass
class Compiled:
    """A valid template, ready to apply."""

    version: int
    kind: str
    targets: list[Target]
    maps: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Checker:
    maps: dict[str, dict[str, Any]]
    problems: list[MappingProblem] = field(default_factory=list)
    count: int = 0

    def fail(self, where: str, message: str) -> None:
        self.problems.append(MappingProblem(where, message))


def compile_template(
    template: Mapping[str, Any], *, kinds: tuple[str, ...]
) -> tuple[Compiled | None, list[MappingProblem]]:
    """The compiled template, or None and every problem found."""
    problems: list[MappingProblem] = []
    checker = _Checker(maps=_maps(template.get("maps", {}), problems), problems=problems)
    version, kind = template.get("version"), template.get("kind")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        checker.fail("version", _("The version must be 1."))
    if kind not in kinds:
        checker.fail("kind", _("The kind must be one of: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    for key in sorted(set(template) - {"version", "kind", "fields", "maps", "description"}):
        checker.fail(str(key), _("Unknown key."))
    targets = _fields(checker, template.get("fields"), "", depth=0)
    if checker.problems:
        return None, checker.problems
    return Compiled(int(str(version)), str(kind), targets, checker.maps), []


def _maps(raw: Any, problems: list[MappingProblem]) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, Mapping):
        problems.append(MappingProblem("maps", _("Value maps must be an object of objects.")))
        return {}
    maps: dict[str, dict[str, Any]] = {}
    for name, table in raw.items():
        if not isinstance(table, Mapping) or not all(isinstance(k, str) for k in table):
            problems.append(MappingProblem(f"maps.{name}", _("A value map must be an object.")))
            continue
        maps[str(name)] = dict(table)
    return maps


def _fields(checker: _Checker, raw: Any, prefix: str, *, depth: int) -> list[Target]:
    where = prefix.rstrip(".") or "fields"
    if not isinstance(raw, Mapping) or not raw:
        checker.fail(where, _("“fields” must be an object with at least one target field."))
        return []
    if depth > MAX_DEPTH:
        checker.fail(where, _("Lists are nested too deeply."))
        return []
    targets: list[Target] = []
    for name, spec in raw.items():
        checker.count += 1
        if checker.count > MAX_FIELDS:
            checker.fail(where, _("A template may have at most %(n)d fields.") % {"n": MAX_FIELDS})
            break
        target = _target(checker, str(name), spec, prefix, depth)
        if target is not None:
            targets.append(target)
    _check_overlaps(checker, targets, prefix)
    return targets


def _target(checker: _Checker, name: str, spec: Any, prefix: str, depth: int) -> Target | None:
    where = prefix + name
    parts = _target_parts(name)
    if parts is None:
        checker.fail(where, _("A target must be names joined by dots, not starting with a number."))
        return None
    compiled = _spec(checker, spec, where, depth)
    return Target(name, parts, compiled) if compiled is not None else None


def _target_parts(name: str) -> tuple[str | int, ...] | None:
    raw = name.split(".")
    if not name or any(not p.strip() for p in raw) or raw[0].isdigit():
        return None
    return tuple(int(p) if p.isdigit() else p for p in raw)


def _spec(checker: _Checker, spec: Any, where: str, depth: int) -> Const | PathSpec | Each | None:
    kinds = [k for k in _SPEC_KEYS if isinstance(spec, Mapping) and k in spec]
    if len(kinds) != 1:
        checker.fail(where, _("Give exactly one of “const”, “path” or “each”."))
        return None
    assert isinstance(spec, Mapping)
    extra = sorted(set(spec) - _SPEC_KEYS[kinds[0]])
    if extra:
        checker.fail(where, _("Unknown keys: %(keys)s.") % {"keys": ", ".join(map(str, extra))})
    if kinds[0] == "const":
        return Const(spec["const"])
    if kinds[0] == "each":
        expr = _expr(checker, spec["each"], where)
        fields = _fields(checker, spec.get("fields"), where + "[].", depth=depth + 1)
        return Each(expr[0], expr[2], fields) if expr else None
    return _path_spec(checker, spec, where)


def _path_spec(checker: _Checker, spec: Mapping[str, Any], where: str) -> PathSpec | None:
    expr = _expr(checker, spec["path"], where)
    names = _transforms(checker, spec.get("transform", []), where)
    required = spec.get("required", False)
    if not isinstance(required, bool):
        checker.fail(where, _("“required” must be true or false."))
    if expr is None or names is None:
        return None
    has_default = "default" in spec
    return PathSpec(expr[0], expr[1], expr[2], names, has_default, spec.get("default"), required)


def _transforms(checker: _Checker, raw: Any, where: str) -> tuple[str, ...] | None:
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        checker.fail(where, _("“transform” must be a name or a list of names."))
        return None
    ok = True
    for name in names:
        if name.startswith(MAP_PREFIX) and name[len(MAP_PREFIX) :] in checker.maps:
            continue
        if name.startswith(MAP_PREFIX):
            msg = _("No value map named “%(name)s” in “maps”.")
        elif name not in TRANSFORMS:
            msg = _("Unknown transform “%(name)s” (known: %(known)s, map:<name>).")
        else:
            continue
        known = ", ".join(transform_names())
        checker.fail(where, msg % {"name": name[len(MAP_PREFIX) :] or name, "known": known})
        ok = False
    return tuple(names) if ok else None


def _expr(checker: _Checker, raw: Any, where: str) -> tuple[Any, bool, bool] | None:
    """(compiled JSONPath, gives a list, reads the root record) or None with a problem."""
    text = raw.strip() if isinstance(raw, str) else ""
    from_root = text == ROOT or text.startswith(ROOT + ".") or text.startswith(ROOT + "[")
    if from_root:
        text = "$" + text[len(ROOT) :]
    if not text.startswith("$"):
        checker.fail(where, _("A path is JSONPath starting with “$”, e.g. $.scores.final."))
        return None
    try:
        expr = _parse(text)
    except Exception as exc:  # jsonpath-ng raises bare Exception subclasses of its own
        msg = _("“%(path)s” is not valid JSONPath: %(why)s")
        checker.fail(where, msg % {"path": raw, "why": str(exc)[:120]})
        return None
    return expr, _is_multi(expr), from_root


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Any:
    return jsonpath_parse(text)


def _is_multi(expr: Any) -> bool:
    """Whether the path can match many values (the payload then holds a list)."""
    if isinstance(expr, jsonpath.Child):
        return _is_multi(expr.left) or _is_multi(expr.right)
    if isinstance(expr, jsonpath.Fields):
        return len(expr.fields) != 1 or expr.fields[0] == "*"
    if isinstance(expr, jsonpath.Index):
        return len(getattr(expr, "indices", (0,))) != 1
    return not isinstance(expr, jsonpath.Root | jsonpath.This)


def _check_overlaps(checker: _Checker, targets: list[Target], prefix: str) -> None:
    """Two targets where one is inside the other ("a" and "a.b") cannot both be written."""
    seen: dict[tuple[str | int, ...], str] = {t.parts: t.name for t in targets}
    for target in targets:
        for cut in range(1, len(target.parts)):
            other = seen.get(target.parts[:cut])
            if other is not None:
                msg = _("“%(other)s” is a value, so nothing can be set inside it.")
                checker.fail(prefix + target.name, msg % {"other": other})
    _check_list_vs_key(checker, targets, prefix)


def _check_list_vs_key(checker: _Checker, targets: list[Target], prefix: str) -> None:
    shapes: dict[tuple[str | int, ...], type] = {}
    for target in targets:
        for cut in range(1, len(target.parts)):
            shape = int if isinstance(target.parts[cut], int) else str
            known = shapes.setdefault(target.parts[:cut], shape)
            if known is not shape:
                msg = _("One target uses this as a list, another as an object.")
                checker.fail(prefix + target.name, msg)
                break
