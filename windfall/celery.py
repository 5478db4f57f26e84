"""The Celery application; configured from Django settings (``CELERY_*``).

Importing the project package imports this module, so its default settings module is
also the default of every entry point that imports ``windfall`` first (WSGI, ASGI):
production, the safe one. ``manage.py`` and ``make worker``/``make beat`` name the
local settings themselves.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.production")

app = Celery("windfall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
