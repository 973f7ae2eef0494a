"""The connectors endpoints of the integrations API."""

from ninja import Router

router = Router()
