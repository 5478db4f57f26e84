"""Bad configuration stops the process with one clear line, not a traceback."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "DATABASE_URL must be"),
        ({"DATABASE_URL": "postgres://a@h:port/db"}, "DATABASE_URL is malformed"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL must be a redis://"),
        ({"DEBUG": "sometimes"}, "DEBUG must be a boolean"),
        (
            {"DJANGO_SETTINGS_MODULE": "windfall.settings.production", "DJANGO_SECRET_KEY": ""},
            "DJANGO_SECRET_KEY is required",
        ),
        (
            {
                "DJANGO_SETTINGS_MODULE": "windfall.settings.production",
                "DJANGO_SECRET_KEY": "short",
            },
            "at least 50 characters",
        ),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}, "database error"),
    ],
)
def test_bad_configuration_is_one_line(env, expected):
    result = _manage("migrate", "--check", **env)
    assert result.returncode == 78
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("windfall: configuration error:")
    assert expected in lines[0]


def test_production_settings_pass_deploy_check(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="windfall.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="windfall.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("entry_point", ["windfall.wsgi", "windfall.asgi", "windfall.celery"])
def test_deployed_entry_points_default_to_production_settings(entry_point, tmp_path):
    """A bare ``gunicorn windfall.wsgi`` (or a worker) never runs with debug settings,
    even though importing the project package loads the Celery app first."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    code = (
        f"import {entry_point}\n"
        "from django.conf import settings\n"
        "print(settings.SETTINGS_MODULE, settings.DEBUG)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["windfall.settings.production", "False"]


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_blas_runs_one_thread_per_process_unless_the_operator_says_otherwise(given, expected):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = "import windfall, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected
