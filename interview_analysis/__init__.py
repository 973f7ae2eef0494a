"""The offline interview analysis engine: pure Python, no Django (see ARCHITECTURE.md rule 6)."""
