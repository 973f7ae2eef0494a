"""REST endpoints of this app (thin: parse, call a service or selector, answer)."""

from ninja import Router

router = Router()
