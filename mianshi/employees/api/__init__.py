"""The employees API (/api/employees; employees:read / employees:write): one router
assembled from the feature modules."""

from ninja import Router

router = Router(tags=["employees"])


def _mount() -> None:
    from mianshi.employees.api import employees, inbound, posthire

    # inbound first: its path /inbound/{source} must not be read as an employee id.
    for module in (inbound, posthire, employees):
        router.add_router("", module.router)


_mount()
