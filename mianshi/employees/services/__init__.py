"""Writes of the employee archive: hires, changes, baselines, post-hire data."""
