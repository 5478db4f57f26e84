"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from windfall.startup import run_checked

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.production")

application = run_checked(get_asgi_application)
