"""Local development: embedded defaults (SQLite, in-process tasks), debug on."""

from windfall.env import env_bool, env_str
from windfall.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
