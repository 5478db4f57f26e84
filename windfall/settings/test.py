"""Test settings: fast password hashing; services come from the environment."""

from windfall.env import env_bool, env_float, env_str
from windfall.settings.base import *  # noqa: F403

SECRET_KEY = env_str("DJANGO_SECRET_KEY", default="test-only-not-a-secret")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Each test process keeps its own cache (cleared before every test), so throttle and
# sign-in counters never leak between tests or between parallel test processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # tests also run the cache one

# Unit tests run tasks in-process; integration tests start a real worker and
# switch this off for their duration (see tests/workers.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", default=True)

# Test seam: seconds a worker pauses inside a run, so a test can kill it mid-run.
WINDFALL_TEST_SCORE_DELAY = env_float("WINDFALL_TEST_SCORE_DELAY", 0.0)
