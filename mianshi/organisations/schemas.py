"""API schemas of the org tree."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from mianshi.common.pagination import DbId
from mianshi.organisations.models import UnitKind
from mianshi.organisations.selectors import TreeNode


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: UnitKind
    parent_id: int | None
    path: str
    depth: int
    is_active: bool


class UnitIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(min_length=1, max_length=60)
    kind: UnitKind
    parent_id: DbId | None = None


class UnitPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    code: str | None = Field(default=None, min_length=1, max_length=60)
    kind: UnitKind | None = None
    parent_id: DbId | None = None


class UnitFilter(Schema):
    kind: UnitKind | None = None
    is_active: bool | None = None
    q: str = ""


class TreeNodeOut(Schema):
    id: int
    name: str
    code: str
    kind: UnitKind
    is_active: bool
    can_manage: bool
    children: list[TreeNodeOut] = []


TreeNodeOut.model_rebuild()


def tree_out(nodes: list[TreeNode]) -> list[TreeNodeOut]:
    """Selector nodes → API nodes."""
    return [
        TreeNodeOut(
            id=n.unit.pk,
            name=n.unit.name,
            code=n.unit.code,
            kind=UnitKind(n.unit.kind),
            is_active=n.unit.is_active,
            can_manage=n.can_manage,
            children=tree_out(n.children),
        )
        for n in nodes
    ]
