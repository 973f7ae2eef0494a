"""Review API: decisions."""

from ninja import Router

router = Router(tags=["reviews"])
