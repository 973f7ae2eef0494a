"""SAP SuccessFactors: OData v2 with OAuth 2.0 SAML bearer (see adapter.py and client.py)."""

from mianshi.integrations.connectors.adapters.successfactors.adapter import ADAPTER

__all__ = ["ADAPTER"]
