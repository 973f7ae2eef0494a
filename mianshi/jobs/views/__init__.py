"""HR pages of the jobs app (thin: parse, call a service or selector, render)."""
