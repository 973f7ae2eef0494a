"""Signed inbound webhooks with post-hire data: no API key, the Standard Webhooks
signature with the source's secret authenticates (401 otherwise, nothing changed)."""

from typing import Any

from ninja import Router

from mianshi.employees.api.schemas import ReceivedOut
from mianshi.employees.services.inbound import inbound_receive

router = Router(tags=["employees"])


@router.post("/inbound/{source}", response=ReceivedOut, auth=None)
def receive(request: Any, source: str) -> Any:
    return inbound_receive(source_name=source, body=request.body, headers=request.headers)
