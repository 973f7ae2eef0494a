"""Mianshi wired into the HR stack (F-90, F-91): signed webhooks, EHR connectors configured
by mapping templates, and the actions a pipeline transition triggers. Each is its own Django
app below this package; all of them hear about changes only through the event outbox."""
