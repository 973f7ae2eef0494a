"""Review API: workbench."""

from ninja import Router

router = Router(tags=["reviews"])
