"""The Windfall Django project: settings, URLs, the Celery app, WSGI/ASGI entry points."""

from windfall.celery import app as celery_app

__all__ = ("celery_app",)
