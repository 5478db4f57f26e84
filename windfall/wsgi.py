"""WSGI entry point (gunicorn ``windfall.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

from windfall.startup import run_checked

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.production")

application = run_checked(get_wsgi_application)
