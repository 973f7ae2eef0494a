"""HR Open Standards (HR-JSON) assessment-result export."""

from mianshi.integrations.connectors.adapters.hrjson.adapter import HrJsonAdapter
from mianshi.integrations.connectors.adapters.hrjson.document import hrjson_assessment_result
from mianshi.integrations.connectors.protocol import register_adapter

register_adapter(HrJsonAdapter())

__all__ = ["HrJsonAdapter", "hrjson_assessment_result"]
