"""The transition-action endpoints (F-23, F-30), mounted at /api/integrations/transition-actions.

Thin: scope check → selector → service. Rules, notices and runs outside the caller's units
answer 404 exactly as on the pages; refused input answers 422 with the field, nothing saved.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.integrations.automation import selectors as sel
from mianshi.integrations.automation import services as svc
from mianshi.integrations.automation.schemas import (
    EffectiveQuery,
    NoticeIn,
    NoticeOut,
    NoticePatch,
    RuleIn,
    RuleOut,
    RulePatch,
    RuleQuery,
    RunOut,
    RunQuery,
)

router = Router(tags=["transition actions"])
READ, WRITE = "integrations:read", "integrations:write"


def _rule_data(payload: RuleIn | RulePatch, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude={"org_unit_id", "job_id"}, exclude_unset=partial)
    if not partial and data.get("channels") is None:
        data.pop("channels", None)  # not given: the service's default
    if "from_stage" in data:
        data["from_stage"] = data["from_stage"] or ""
    return data


@router.get("/rules", response=list[RuleOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_rules(request: ApiRequest, filters: Query[RuleQuery]) -> Any:
    require_scope(request, READ)
    qs = sel.rule_list(user=request.user)
    if filters.job_id is not None:
        qs = qs.filter(job_id=filters.job_id)
    if filters.org_unit_id is not None:
        qs = qs.filter(org_unit_id=filters.org_unit_id, job__isnull=True)
    return qs


@router.post("/rules", response={201: RuleOut})
def create_rule(request: ApiRequest, payload: RuleIn) -> Any:
    require_scope(request, WRITE)
    if (payload.job_id is None) == (payload.org_unit_id is None):
        raise ValidationError({"job_id": _("Give either a job or an organisation unit.")})
    where: dict[str, Any] = (
        {"job": sel.job_for_rules(user=request.user, pk=payload.job_id)}
        if payload.job_id is not None
        else {"org_unit": sel.unit_for_rules(user=request.user, pk=payload.org_unit_id or 0)}
    )
    data = _rule_data(payload, partial=False)
    return Status(201, svc.rule_create(actor=request.user, data=data, **where))


@router.get("/rules/{int:rule_id}", response=RuleOut)
def get_rule(request: ApiRequest, rule_id: int) -> Any:
    require_scope(request, READ)
    return sel.rule_get(user=request.user, pk=rule_id)


@router.patch("/rules/{int:rule_id}", response=RuleOut)
def update_rule(request: ApiRequest, rule_id: int, payload: RulePatch) -> Any:
    require_scope(request, WRITE)
    rule = sel.rule_get(user=request.user, pk=rule_id)
    return svc.rule_update(actor=request.user, rule=rule, data=_rule_data(payload, partial=True))


@router.delete("/rules/{int:rule_id}", response={204: None})
def delete_rule(request: ApiRequest, rule_id: int) -> Any:
    require_scope(request, WRITE)
    svc.rule_delete(actor=request.user, rule=sel.rule_get(user=request.user, pk=rule_id))
    return Status(204, None)


@router.get("/effective", response=list[RuleOut])
def effective_rules(request: ApiRequest, filters: Query[EffectiveQuery]) -> Any:
    """The rules that would act when an application of the job moves from → to."""
    require_scope(request, READ)
    job = sel.job_for_rules(user=request.user, pk=filters.job_id)
    frm = filters.from_stage or ""
    return sel.effective_rules(job, to_stage=filters.to_stage, from_stage=frm)


@router.get("/notices", response=list[NoticeOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_notices(request: ApiRequest) -> Any:
    require_scope(request, READ)
    return sel.notice_list(user=request.user)


@router.post("/notices", response={201: NoticeOut})
def create_notice(request: ApiRequest, payload: NoticeIn) -> Any:
    require_scope(request, WRITE)
    unit = sel.unit_for_rules(user=request.user, pk=payload.org_unit_id)
    data = payload.model_dump(exclude={"org_unit_id"})
    return Status(201, svc.notice_create(actor=request.user, org_unit=unit, data=data))


@router.patch("/notices/{int:notice_id}", response=NoticeOut)
def update_notice(request: ApiRequest, notice_id: int, payload: NoticePatch) -> Any:
    require_scope(request, WRITE)
    notice = sel.notice_get(user=request.user, pk=notice_id)
    data = payload.model_dump(exclude_unset=True)
    return svc.notice_update(actor=request.user, notice=notice, data=data)


@router.delete("/notices/{int:notice_id}", response={204: None})
def delete_notice(request: ApiRequest, notice_id: int) -> Any:
    require_scope(request, WRITE)
    svc.notice_delete(actor=request.user, notice=sel.notice_get(user=request.user, pk=notice_id))
    return Status(204, None)


@router.get("/runs", response=list[RunOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_runs(request: ApiRequest, filters: Query[RunQuery]) -> Any:
    require_scope(request, READ)
    return sel.run_list(user=request.user, **filters.model_dump())


@router.post("/runs/{int:run_id}/retry", response=RunOut)
def retry_run(request: ApiRequest, run_id: int) -> Any:
    require_scope(request, WRITE)
    return svc.run_retry(actor=request.user, run=sel.run_get(user=request.user, pk=run_id))
