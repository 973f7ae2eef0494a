"""/api/jobs/jobs: job CRUD."""

from ninja import Router, Status
from ninja.pagination import paginate

from mianshi.accounts.actor import ApiRequest
from mianshi.accounts.api_auth import require_scope
from mianshi.common.pagination import BoundedPageNumberPagination
from mianshi.jobs import selectors, services
from mianshi.jobs.api.refs import resolve_ids, unit_ref
from mianshi.jobs.models import Job
from mianshi.jobs.schemas import JobIn, JobOut, JobPatch, JobUpdate

router = Router()


@router.get("", response=list[JobOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def job_list(request: ApiRequest, q: str = "", status: str = "", org_unit: int | None = None):  # type: ignore[no-untyped-def]
    require_scope(request, "jobs:read")
    return selectors.job_list_for(user=request.user, q=q, status=status, org_unit=org_unit)


@router.post("", response={201: JobOut})
def job_create(request: ApiRequest, payload: JobIn) -> Status[Job]:
    require_scope(request, "jobs:write")
    data = resolve_ids(request.user, payload.dict(exclude_unset=True, exclude={"org_unit_id"}))
    return Status(
        201,
        services.job_create(
            actor=request.user, org_unit=unit_ref(request.user, payload.org_unit_id), data=data
        ),
    )


@router.get("/{int:pk}", response=JobOut)
def job_detail(request: ApiRequest, pk: int) -> Job:
    require_scope(request, "jobs:read")
    return selectors.job_get_for(user=request.user, pk=pk)


@router.put("/{int:pk}", response=JobOut)
def job_replace(request: ApiRequest, pk: int, payload: JobUpdate) -> Job:
    return _update(request, pk, payload.dict())


@router.patch("/{int:pk}", response=JobOut)
def job_patch(request: ApiRequest, pk: int, payload: JobPatch) -> Job:
    return _update(request, pk, payload.dict(exclude_unset=True))


def _update(request: ApiRequest, pk: int, data: dict) -> Job:  # type: ignore[type-arg]
    require_scope(request, "jobs:write")
    job = selectors.job_get_for(user=request.user, pk=pk)
    return services.job_update(actor=request.user, job=job, data=resolve_ids(request.user, data))


@router.delete("/{int:pk}", response={204: None})
def job_delete(request: ApiRequest, pk: int) -> Status[None]:
    require_scope(request, "jobs:write")
    services.job_delete(actor=request.user, job=selectors.job_get_for(user=request.user, pk=pk))
    return Status(204, None)
