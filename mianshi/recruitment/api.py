"""REST endpoints of public recruitment (mounted at /api/recruitment; thin: scope check →
selector → answer). A post outside the caller's units answers 404, as everywhere."""

from typing import Any

from ninja import Router

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.compliance.services import audit_read
from mianshi.recruitment import selectors_results as sel
from mianshi.recruitment.schemas import PostOut, ResultOut
from mianshi.recruitment.selectors import post_get

router = Router(tags=["recruitment"])
JOBS_READ, READ = "jobs:read", "candidates:read"


@router.get("/posts/{int:post_id}", response=PostOut)
def get_post(request: ApiRequest, post_id: int) -> Any:
    require_scope(request, JOBS_READ)
    return post_get(user=request.user, pk=post_id)


@router.get("/posts/{int:post_id}/results", response=list[ResultOut])
def list_results(request: ApiRequest, post_id: int) -> Any:
    require_scope(request, READ)
    post = sel.post_for_results(user=request.user, pk=post_id)
    rows = sel.result_rows(post=post)
    ids = [row.application_id for row in rows]
    audit_read(actor=request.user, action="recruitment.results.view", obj=post, ids=ids)
    return rows
