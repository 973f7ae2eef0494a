"""/api/invitations: list, create (single and bulk), detail, revoke, resend, re-invite.

Every endpoint starts from the scoped selectors: an invitation or application outside the
caller's units answers 404, as in the UI. The raw link appears only in the answers of
create, bulk create, resend and re-invite.
"""

from typing import Any

from ninja import Query, Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.candidates import selectors as candidate_sel
from mianshi.compliance.pagination import AuditedPagination
from mianshi.compliance.services import audit_read
from mianshi.invitations import selectors as sel
from mianshi.invitations import services as svc
from mianshi.invitations.models import Invitation
from mianshi.invitations.schemas import (
    BulkInvitationIn,
    BulkInvitationOut,
    InvitationCreatedOut,
    InvitationIn,
    InvitationOut,
    InvitationQuery,
    ReinviteIn,
    ResendIn,
)

router = Router(tags=["invitations"])
READ, WRITE = "candidates:read", "candidates:write"


def _fresh(ids: list[int]) -> dict[int, Invitation]:
    """Re-read written invitations (scope was checked before writing) with their deliveries."""
    qs = Invitation.objects.select_related("application__candidate", "application__job")
    return {i.pk: i for i in qs.prefetch_related("deliveries").filter(pk__in=ids)}


def _reload(invitation: Invitation) -> Invitation:
    return _fresh([invitation.pk])[invitation.pk]


def _created(invitation: Invitation, token: str) -> dict[str, Any]:
    return {"invitation": _reload(invitation), "link": svc.invitation_link(invitation, token)}


@router.get("/", response=list[InvitationOut])
@paginate(AuditedPagination, page_size=50, audit_action="invitation.list")
def list_invitations(request: ApiRequest, filters: Query[InvitationQuery]) -> Any:
    require_scope(request, READ)
    parsed = sel.InvitationFilters(
        job=filters.job,
        application=filters.application,
        status=filters.status or "",
        kind=filters.kind or "",
    )
    return sel.invitation_list(user=request.user, filters=parsed)


@router.post("/", response={201: InvitationCreatedOut})
def create_invitation(request: ApiRequest, payload: InvitationIn) -> Any:
    require_scope(request, WRITE)
    application = candidate_sel.application_for_write(user=request.user, pk=payload.application_id)
    invitation, token = svc.invitation_create_send(
        actor=request.user,
        application=application,
        expires_hours=payload.expires_hours,
        instructions=payload.instructions,
        channels=payload.channels,
    )
    return Status(201, _created(invitation, token))


@router.post("/bulk", response={201: BulkInvitationOut})
def bulk_create(request: ApiRequest, payload: BulkInvitationIn) -> Any:
    require_scope(request, WRITE)
    created = svc.invitation_bulk_create_send(
        actor=request.user,
        applications=payload.application_ids,
        expires_hours=payload.expires_hours,
        instructions=payload.instructions,
        channels=payload.channels,
    )
    fresh = _fresh([invitation.pk for invitation, _token in created])
    items = [
        {"invitation": fresh[inv.pk], "link": svc.invitation_link(inv, token)}
        for inv, token in created
    ]
    return Status(201, {"count": len(items), "invitations": items})


@router.post("/reinvite", response={201: InvitationCreatedOut})
def reinvite(request: ApiRequest, payload: ReinviteIn) -> Any:
    require_scope(request, WRITE)
    application = candidate_sel.application_for_write(user=request.user, pk=payload.application_id)
    invitation = svc.invitation_reinvite(
        actor=request.user,
        application=application,
        positions=payload.positions,
        reason=payload.reason,
        channels=payload.channels,
    )
    return Status(201, _created(invitation, svc.invitation_token(invitation)))


@router.get("/{int:invitation_id}", response=InvitationOut)
def get_invitation(request: ApiRequest, invitation_id: int) -> Any:
    require_scope(request, READ)
    invitation = sel.invitation_get(user=request.user, pk=invitation_id)
    detail = {"page": "api"}
    audit_read(actor=request.user, action="invitation.view", obj=invitation, detail=detail)
    return invitation


@router.post("/{int:invitation_id}/revoke", response=InvitationOut)
def revoke(request: ApiRequest, invitation_id: int) -> Any:
    require_scope(request, WRITE)
    invitation = sel.invitation_for_write(user=request.user, pk=invitation_id)
    svc.invitation_revoke(actor=request.user, invitation=invitation)
    return _reload(invitation)


@router.post("/{int:invitation_id}/resend", response=InvitationCreatedOut)
def resend(request: ApiRequest, invitation_id: int, payload: ResendIn) -> Any:
    require_scope(request, WRITE)
    invitation = sel.invitation_for_write(user=request.user, pk=invitation_id)
    token = svc.invitation_resend(
        actor=request.user, invitation=invitation, channels=payload.channels
    )
    return _created(invitation, token)
