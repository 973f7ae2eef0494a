"""webhooks: the models (see the package docstring)."""
