"""REST endpoints of users, role grants and API keys (thin: parse, call one service or selector)."""

from typing import Any

from ninja import Query, Router, Status
from ninja.pagination import paginate

from mianshi.accounts import selectors, services
from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.accounts.schemas import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyOut,
    GrantIn,
    GrantOut,
    MeOut,
    PasswordIn,
    UserFilter,
    UserIn,
    UserOut,
    UserPatch,
    UserUpdate,
)
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.organisations.selectors import orgunit_pick

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: ApiRequest) -> Any:
    """The caller, their grants and this key's scopes (any valid key may ask)."""
    scopes = sorted(request.api_scopes)
    return {
        "user": request.user,
        "grants": selectors.my_grants(user=request.user),
        "scopes": scopes,
    }


@router.get("/users", response=list[UserOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def user_list(request: ApiRequest, filters: Query[UserFilter]) -> Any:
    require_scope(request, "org:read")
    return selectors.user_list(
        actor=request.user,
        q=filters.q,
        is_active=filters.is_active,
        unit_id=filters.unit_id,
        role=filters.role or "",
    )


@router.post("/users", response={201: UserOut})
def user_create(request: ApiRequest, payload: UserIn) -> Any:
    require_scope(request, "org:write")
    unit = orgunit_pick(user=request.user, pk=payload.org_unit_id, field="org_unit_id")
    data = payload.model_dump(exclude={"org_unit_id", "role"})
    user = services.user_create(actor=request.user, role=payload.role or "", org_unit=unit, **data)
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut)
def user_detail(request: ApiRequest, user_id: int) -> Any:
    require_scope(request, "org:read")
    return selectors.user_get(actor=request.user, pk=user_id)


@router.put("/users/{user_id}", response=UserOut)
def user_replace(request: ApiRequest, user_id: int, payload: UserUpdate) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return services.user_update(actor=request.user, user=target, **payload.model_dump())


@router.patch("/users/{user_id}", response=UserOut)
def user_patch(request: ApiRequest, user_id: int, payload: UserPatch) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return services.user_update(
        actor=request.user, user=target, **payload.model_dump(exclude_unset=True)
    )


@router.delete("/users/{user_id}", response={204: None})
def user_deactivate(request: ApiRequest, user_id: int) -> Any:
    """Accounts are never erased (the audit trail names them): DELETE deactivates."""
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    services.user_deactivate(actor=request.user, user=target)
    return Status(204, None)


@router.post("/users/{user_id}/activate", response=UserOut)
def user_activate(request: ApiRequest, user_id: int) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return services.user_activate(actor=request.user, user=target)


@router.post("/users/{user_id}/unlock", response=UserOut)
def user_unlock(request: ApiRequest, user_id: int) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return services.user_unlock(actor=request.user, user=target)


@router.post("/users/{user_id}/password", response={204: None})
def user_password(request: ApiRequest, user_id: int, payload: PasswordIn) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    services.user_set_password(actor=request.user, user=target, password=payload.password)
    return Status(204, None)


@router.get("/users/{user_id}/grants", response=list[GrantOut])
def grant_list(request: ApiRequest, user_id: int) -> Any:
    require_scope(request, "org:read")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return selectors.user_grants(actor=request.user, user=target)


@router.post("/users/{user_id}/grants", response={201: GrantOut})
def grant_create(request: ApiRequest, user_id: int, payload: GrantIn) -> Any:
    require_scope(request, "org:write")
    target = selectors.user_get(actor=request.user, pk=user_id)
    unit = orgunit_pick(user=request.user, pk=payload.org_unit_id, field="org_unit_id")
    assert unit is not None  # org_unit_id is required by the schema
    grant = services.grant_create(actor=request.user, user=target, role=payload.role, org_unit=unit)
    return Status(201, grant)


@router.delete("/grants/{grant_id}", response={204: None})
def grant_revoke(request: ApiRequest, grant_id: int) -> Any:
    require_scope(request, "org:write")
    grant = selectors.grant_get(actor=request.user, pk=grant_id)
    services.grant_revoke(actor=request.user, grant=grant)
    return Status(204, None)


@router.get("/users/{user_id}/api-keys", response=list[ApiKeyOut])
def apikey_list(request: ApiRequest, user_id: int) -> Any:
    require_scope(request, "org:read")
    target = selectors.user_get(actor=request.user, pk=user_id)
    return selectors.user_api_keys(actor=request.user, user=target)


@router.post("/users/{user_id}/api-keys", response={201: ApiKeyCreated})
def apikey_create(request: ApiRequest, user_id: int, payload: ApiKeyIn) -> Any:
    """The caller's own key, within this key's scopes (another user's id is refused)."""
    require_scope(request, "org:write")
    own = user_id == request.user.pk
    target = request.user if own else selectors.user_get(actor=request.user, pk=user_id)
    key, raw = services.apikey_create(
        actor=request.user,
        user=target,
        within_scopes=getattr(request, "api_scopes", frozenset()),
        **payload.model_dump(),
    )
    return Status(201, {**ApiKeyOut.from_orm(key).model_dump(), "key": raw})


@router.delete("/api-keys/{key_id}", response={204: None})
def apikey_revoke(request: ApiRequest, key_id: int) -> Any:
    require_scope(request, "org:write")
    key = selectors.apikey_get(actor=request.user, pk=key_id)
    services.apikey_revoke(actor=request.user, key=key)
    return Status(204, None)
