"""Generic SOAP/XML partners (金蝶 s-HR, 泛微 and other Web-Service EHRs)."""

from mianshi.integrations.connectors.adapters.soap.adapter import SoapAdapter
from mianshi.integrations.connectors.protocol import register_adapter

register_adapter(SoapAdapter())
