"""The connectors endpoints of the integrations API (thin: scope check → selector → service).

Mounted at /api/integrations/connectors. Every endpoint starts from the scoped selectors,
so a connector or sync of another branch answers 404 exactly as in the UI.
"""

from typing import Any

from django.http import HttpRequest, RawPostDataException
from ninja import Query, Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedLimitOffsetPagination
from mianshi.compliance.services import audit_read
from mianshi.integrations.connectors import selectors as sel
from mianshi.integrations.connectors.moka_services import moka_webhook_receive
from mianshi.integrations.connectors.preview import preview_build
from mianshi.integrations.connectors.protocol import adapters_all
from mianshi.integrations.connectors.schemas import (
    AdapterOut,
    ConnectorIn,
    ConnectorOut,
    ConnectorPatch,
    MokaWebhookOut,
    PreviewIn,
    PreviewOut,
    SyncDetailOut,
    SyncIn,
    SyncOut,
    SyncQuery,
    TemplateIn,
    TemplateOut,
    TestOut,
)
from mianshi.integrations.connectors.services import connectors as svc
from mianshi.integrations.connectors.services.requests import connector_sync_now, sync_retry
from mianshi.integrations.connectors.validation import adapter_for

router = Router(tags=["connectors"])
READ, WRITE = "integrations:read", "integrations:write"


@router.get("/adapters", response=list[AdapterOut])
def list_adapters(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return [
        {
            "key": a.key, "label": str(a.label),
            "settings_fields": [vars(f) | {"label": str(f.label)} for f in a.settings_fields],
            "credential_fields": [vars(f) | {"label": str(f.label)} for f in a.credential_fields],
            "push_kinds": sorted(a.push_kinds), "pull_kinds": sorted(a.pull_kinds),
        }
        for a in adapters_all()
    ]  # fmt: skip


@router.get("/", response=list[ConnectorOut])
@paginate(BoundedLimitOffsetPagination)
def list_connectors(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return sel.connector_list(user=request.user)


@router.post("/", response={201: ConnectorOut})
def create_connector(request: ApiRequest, payload: ConnectorIn) -> Any:
    require_scope(request, WRITE)
    adapter_for(payload.adapter)
    unit = sel.unit_for_connectors(user=request.user, pk=payload.org_unit_id)
    data = payload.model_dump(exclude={"org_unit_id", "adapter"})
    connector = svc.connector_create(
        actor=request.user, org_unit_id=unit.pk, adapter=payload.adapter, data=data
    )
    return Status(201, connector)


@router.get("/{int:connector_id}", response=ConnectorOut)
def get_connector(request: ApiRequest, connector_id: int) -> Any:
    require_scope(request, READ)
    return sel.connector_get(user=request.user, pk=connector_id)


@router.patch("/{int:connector_id}", response=ConnectorOut)
def patch_connector(request: ApiRequest, connector_id: int, payload: ConnectorPatch) -> Any:
    require_scope(request, WRITE)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    data = payload.model_dump(exclude_unset=True)
    return svc.connector_update(actor=request.user, connector=connector, data=data)


@router.delete("/{int:connector_id}", response={204: None})
def delete_connector(request: ApiRequest, connector_id: int) -> Any:
    require_scope(request, WRITE)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    svc.connector_delete(actor=request.user, connector=connector)
    return Status(204, None)


@router.get("/{int:connector_id}/templates", response=list[TemplateOut])
def list_templates(request: ApiRequest, connector_id: int, kind: str = "") -> Any:
    require_scope(request, READ)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    return sel.template_versions(connector=connector, kind=kind)


@router.post("/{int:connector_id}/templates", response={201: TemplateOut})
def create_template(request: ApiRequest, connector_id: int, payload: TemplateIn) -> Any:
    require_scope(request, WRITE)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    template = svc.template_create(
        actor=request.user, connector=connector, kind=payload.kind, body=payload.body,
        note=payload.note,
    )  # fmt: skip
    return Status(201, template)


@router.post("/{int:connector_id}/preview", response=PreviewOut)
def preview(request: ApiRequest, connector_id: int, payload: PreviewIn) -> Any:
    require_scope(request, READ)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    return preview_build(
        user=request.user, connector=connector, kind=payload.kind, object_id=payload.object_id,
        body=payload.body,
    )  # fmt: skip


@router.post("/{int:connector_id}/test", response=TestOut)
def test_connection(request: ApiRequest, connector_id: int) -> Any:
    require_scope(request, WRITE)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    ok, message = svc.connector_test(actor=request.user, connector=connector)
    return {"ok": ok, "message": message}


@router.post("/{int:connector_id}/syncs", response={201: SyncOut})
def sync_now(request: ApiRequest, connector_id: int, payload: SyncIn) -> Any:
    require_scope(request, WRITE)
    connector = sel.connector_get(user=request.user, pk=connector_id)
    sync = connector_sync_now(
        actor=request.user, connector_id=connector.pk, kind=payload.kind,
        object_id=payload.object_id,
    )  # fmt: skip
    return Status(201, sync)


@router.get("/syncs", response=list[SyncOut])
@paginate(BoundedLimitOffsetPagination)
def list_syncs(request: ApiRequest, filters: Query[SyncQuery]) -> Any:
    require_scope(request, READ)
    return sel.sync_list(
        user=request.user, connector_id=filters.connector, status=filters.status or ""
    )


@router.get("/syncs/{int:sync_id}", response=SyncDetailOut)
def get_sync(request: ApiRequest, sync_id: int) -> Any:
    require_scope(request, READ)
    sync = sel.sync_get(user=request.user, pk=sync_id)
    audit_read(
        actor=request.user,
        action="connector.sync_view",
        obj=sync,
        org_unit_id=sync.connector.org_unit_id,
    )
    return sync


@router.post("/syncs/{int:sync_id}/retry", response=SyncOut)
def retry_sync(request: ApiRequest, sync_id: int) -> Any:
    require_scope(request, WRITE)
    return sync_retry(actor=request.user, sync=sel.sync_get(user=request.user, pk=sync_id))


@router.post("/{int:connector_id}/moka-webhook", response=MokaWebhookOut, auth=None)
def moka_webhook(request: HttpRequest, connector_id: int, sign: str = "") -> Any:
    """Moka's push (no API key: `sign`, Moka's HMAC of the body, authenticates; 401 else)."""
    return moka_webhook_receive(connector_id=connector_id, body=_raw_body(request), sign=sign)


def _raw_body(request: HttpRequest) -> bytes:
    """The bytes Moka signed; a form body was parsed on the way in (the input guard) and
    its bytes are gone: nothing, which no signature matches and no JSON reader takes."""
    try:
        return request.body
    except RawPostDataException:
        return b""
