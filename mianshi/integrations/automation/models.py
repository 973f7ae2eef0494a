"""automation: the models (see the package docstring)."""
