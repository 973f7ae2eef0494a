"""A row lock that reads related rows names what it locks.

`select_for_update()` with `select_related(...)` locks every joined row, FOR UPDATE: an
organisation unit or a session locked that way makes every insert that refers to it (a key
share: a candidate in that unit, the browser's events) wait for the transaction, and can close
a deadlock with one. So the code says which rows it means to hold with `of=` ("self" alone for
reading the others); the source is read here, so a new lock cannot forget it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _chain(node: ast.expr) -> Iterator[ast.Call]:
    """The calls of a method chain `a.b(...).c(...).d(...)`, outermost first."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            yield node
            node = node.func
        else:
            node = node.value


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def unnamed_locks(source: str) -> list[int]:
    """Lines of chains that lock with select_for_update and join with select_related, and do
    not name `of`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        calls = list(_chain(node))
        if not any(_name(c) == "select_related" for c in calls):
            continue
        locks = [c for c in calls if _name(c) == "select_for_update"]
        if any(all(k.arg != "of" for k in lock.keywords) for lock in locks):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_check_finds_an_unnamed_lock_and_accepts_a_named_one() -> None:
    bad = "x = A.objects.select_for_update().select_related('unit').get(pk=1)"
    good = "x = A.objects.select_for_update(of=('self',)).select_related('unit').get(pk=1)"
    alone = "x = A.objects.select_for_update().get(pk=1)"
    assert unnamed_locks(bad) == [1]
    assert unnamed_locks(good) == unnamed_locks(alone) == []


def test_every_lock_that_joins_names_the_rows_it_holds() -> None:
    found = {}
    for path in sorted((ROOT / "mianshi").rglob("*.py")):
        if "tests" in path.parts:
            continue
        lines = unnamed_locks(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}
