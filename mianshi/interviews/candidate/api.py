"""Placeholder: the candidate JSON API (owned by the candidate-flow work)."""

from ninja import NinjaAPI

candidate_api = NinjaAPI(urls_namespace="candidate_api", docs_url=None)
