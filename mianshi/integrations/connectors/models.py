"""connectors: the models (see the package docstring)."""
