"""REST endpoints of the audit trail (thin: parse, call a selector, answer)."""

from typing import Any

from ninja import Query, Router
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.compliance import selectors
from mianshi.compliance.pagination import AuditedPagination
from mianshi.compliance.schemas import EventFilter, EventOut
from mianshi.compliance.services import audit_read

router = Router(tags=["audit"])


@router.get("/events", response=list[EventOut])
@paginate(AuditedPagination, page_size=50, audit_action="audit.list")
def event_list(request: ApiRequest, filters: Query[EventFilter]) -> Any:
    require_scope(request, "audit:read")
    return selectors.event_list(user=request.user, **filters.model_dump())


@router.get("/events/{event_id}", response=EventOut)
def event_detail(request: ApiRequest, event_id: int) -> Any:
    require_scope(request, "audit:read")
    event = selectors.event_get(user=request.user, pk=event_id)
    audit_read(actor=request.user, action="audit.view", obj=event)
    return event
