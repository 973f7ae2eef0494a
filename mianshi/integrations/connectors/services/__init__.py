"""The connectors' writes: configuration (connectors.py), starting syncs (requests.py),
sending them (syncs.py); one adapter call's context (context.py)."""
