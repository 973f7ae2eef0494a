"""Writes of the public-recruitment procedure, one module per step (plans, screening, exams,
panels, results, publication); each service owns its transaction and records the step in
the audit trail."""
