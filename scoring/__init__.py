"""Score runs, the Celery tasks that fill them, and the pure scoring engine."""
