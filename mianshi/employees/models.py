"""The employee archive (F-92, F-93)."""
