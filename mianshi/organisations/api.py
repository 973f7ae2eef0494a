"""REST endpoints of the org tree (thin: parse, call a service or selector, answer)."""

from typing import Any

from ninja import Query, Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.accounts.roles import Cap
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.organisations import selectors, services
from mianshi.organisations.schemas import (
    TreeNodeOut,
    UnitFilter,
    UnitIn,
    UnitOut,
    UnitPatch,
    tree_out,
)

router = Router(tags=["organisation"])


@router.get("/units", response=list[UnitOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def unit_list(request: ApiRequest, filters: Query[UnitFilter]) -> Any:
    require_scope(request, "org:read")
    return selectors.orgunit_list(
        user=request.user, kind=filters.kind or "", is_active=filters.is_active, q=filters.q
    )


@router.get("/tree", response=list[TreeNodeOut])
def unit_tree(request: ApiRequest) -> Any:
    require_scope(request, "org:read")
    return tree_out(selectors.orgunit_tree(user=request.user))


@router.post("/units", response={201: UnitOut})
def unit_create(request: ApiRequest, payload: UnitIn) -> Any:
    require_scope(request, "org:write")
    parent = selectors.orgunit_pick(user=request.user, pk=payload.parent_id, field="parent_id")
    unit = services.orgunit_create(
        actor=request.user, name=payload.name, code=payload.code, kind=payload.kind, parent=parent
    )
    return Status(201, unit)


@router.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request: ApiRequest, unit_id: int) -> Any:
    require_scope(request, "org:read")
    return selectors.orgunit_get(user=request.user, pk=unit_id)


@router.put("/units/{unit_id}", response=UnitOut)
def unit_replace(request: ApiRequest, unit_id: int, payload: UnitIn) -> Any:
    require_scope(request, "org:write")
    unit = selectors.orgunit_get(user=request.user, pk=unit_id, cap=Cap.ORG_MANAGE)
    parent = selectors.orgunit_pick(user=request.user, pk=payload.parent_id, field="parent_id")
    return services.orgunit_update(
        actor=request.user,
        unit=unit,
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        parent=parent,
    )


@router.patch("/units/{unit_id}", response=UnitOut)
def unit_patch(request: ApiRequest, unit_id: int, payload: UnitPatch) -> Any:
    require_scope(request, "org:write")
    unit = selectors.orgunit_get(user=request.user, pk=unit_id, cap=Cap.ORG_MANAGE)
    given = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {k: v for k, v in given.items() if k != "parent_id" and v is not None}
    if "parent_id" in given:
        changes["parent"] = selectors.orgunit_pick(
            user=request.user, pk=given["parent_id"], field="parent_id"
        )
    return services.orgunit_update(actor=request.user, unit=unit, **changes)


@router.delete("/units/{unit_id}", response={204: None})
def unit_deactivate(request: ApiRequest, unit_id: int) -> Any:
    """Units are never erased (jobs and the audit trail refer to them): DELETE deactivates."""
    require_scope(request, "org:write")
    unit = selectors.orgunit_get(user=request.user, pk=unit_id, cap=Cap.ORG_MANAGE)
    services.orgunit_deactivate(actor=request.user, unit=unit)
    return Status(204, None)
