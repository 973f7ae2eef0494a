"""The webhooks endpoints of the integrations API (Standard Webhooks 1.0 senders, F-90).

Mounted at /api/integrations/webhooks; scopes integrations:read / integrations:write, and
Cap.INTEGRATIONS_MANAGE on the endpoint's unit: another branch's endpoint answers 404.
"""

from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.accounts.roles import Cap
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.integrations.webhooks import selectors as sel
from mianshi.integrations.webhooks import services as svc
from mianshi.integrations.webhooks.schemas import (
    DeliveryOut,
    EndpointCreatedOut,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
    RotateIn,
    SecretOut,
    TestOut,
)
from mianshi.organisations.models import OrgUnit
from mianshi.organisations.selectors import orgunit_resolve

router = Router(tags=["webhooks"])
READ, WRITE = "integrations:read", "integrations:write"


def _unit(request: ApiRequest, pk: int) -> OrgUnit:
    return orgunit_resolve(
        user=request.user, pk=pk, cap=Cap.INTEGRATIONS_MANAGE, field="org_unit_id"
    )


@router.post("", response={201: EndpointCreatedOut})
def create_endpoint(request: ApiRequest, payload: EndpointIn) -> Any:
    require_scope(request, WRITE)
    data = payload.model_dump(exclude={"org_unit_id"})
    unit = _unit(request, payload.org_unit_id)
    endpoint, secret = svc.webhook_create(actor=request.user, org_unit=unit, **data)
    shown = EndpointOut.model_validate(endpoint).model_dump()
    return Status(201, {**shown, "secret": secret})  # this once; the row keeps it sealed


@router.get("", response=list[EndpointOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_endpoints(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return sel.endpoint_list(user=request.user)


@router.get("/{int:endpoint_id}", response=EndpointOut)
def get_endpoint(request: ApiRequest, endpoint_id: int) -> Any:
    require_scope(request, READ)
    return sel.endpoint_get(user=request.user, pk=endpoint_id)


@router.patch("/{int:endpoint_id}", response=EndpointOut)
def patch_endpoint(request: ApiRequest, endpoint_id: int, payload: EndpointPatch) -> Any:
    require_scope(request, WRITE)
    endpoint = sel.endpoint_get(user=request.user, pk=endpoint_id)
    data = payload.model_dump(exclude_unset=True, exclude={"enabled"})
    if "org_unit_id" in data:
        data["org_unit"] = _unit(request, data.pop("org_unit_id"))
    if data:
        svc.webhook_update(actor=request.user, endpoint=endpoint, data=data)
    if payload.enabled is not None and payload.enabled != endpoint.enabled:
        toggle = svc.webhook_enable if payload.enabled else svc.webhook_disable
        toggle(actor=request.user, endpoint=endpoint)
    return endpoint


@router.delete("/{int:endpoint_id}", response={204: None})
def delete_endpoint(request: ApiRequest, endpoint_id: int) -> Any:
    require_scope(request, WRITE)
    endpoint = sel.endpoint_get(user=request.user, pk=endpoint_id)
    svc.webhook_delete(actor=request.user, endpoint=endpoint)
    return Status(204, None)


@router.post("/{int:endpoint_id}/rotate-secret", response=SecretOut)
def rotate_secret(request: ApiRequest, endpoint_id: int, payload: RotateIn | None = None) -> Any:
    require_scope(request, WRITE)
    endpoint = sel.endpoint_get(user=request.user, pk=endpoint_id)
    hours = payload.overlap_hours if payload else None
    secret = svc.webhook_rotate_secret(actor=request.user, endpoint=endpoint, overlap_hours=hours)
    return SecretOut(
        id=endpoint.pk, secret=secret, previous_secret_expires_at=endpoint.previous_until
    )


@router.post("/{int:endpoint_id}/test", response={202: TestOut})
def send_test(request: ApiRequest, endpoint_id: int) -> Any:
    require_scope(request, WRITE)
    endpoint = sel.endpoint_get(user=request.user, pk=endpoint_id)
    return Status(202, {"message_id": svc.webhook_test(actor=request.user, endpoint=endpoint)})


@router.get("/{int:endpoint_id}/deliveries", response=list[DeliveryOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_deliveries(request: ApiRequest, endpoint_id: int) -> Any:
    require_scope(request, READ)
    endpoint = sel.endpoint_get(user=request.user, pk=endpoint_id)
    return sel.delivery_list(endpoint=endpoint)


@router.post("/deliveries/{int:delivery_id}/replay", response={202: DeliveryOut})
def replay_delivery(request: ApiRequest, delivery_id: int) -> Any:
    require_scope(request, WRITE)
    delivery = sel.delivery_get(user=request.user, pk=delivery_id)
    return Status(202, svc.delivery_replay(actor=request.user, delivery=delivery))
