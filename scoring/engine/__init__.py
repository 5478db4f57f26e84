"""The pure scoring engine: Python + numpy only (no Django, no I/O)."""
