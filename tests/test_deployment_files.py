"""The compose file, Dockerfile and .env.example agree with the code (no Docker engine here)."""

import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_the_four_services():
    services = _compose()["services"]
    assert {"postgres", "redis", "web", "worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert int(services["postgres"]["image"].split(":")[1]) >= 15  # Django 6.1 needs PG 15+
    assert services["redis"]["image"].startswith("redis:")


def test_app_services_get_database_broker_and_secret():
    services = _compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["DJANGO_SETTINGS_MODULE"] == "windfall.settings.production"
        assert "DJANGO_SECRET_KEY" in env
        assert {"postgres", "redis"} <= set(services[name]["depends_on"])


def test_web_migrates_then_serves_with_gunicorn():
    web = _command_text(_compose()["services"]["web"])
    assert web.index("manage.py migrate") < web.index("gunicorn windfall.wsgi:application")


def test_worker_runs_celery_on_the_project_app():
    worker = _command_text(_compose()["services"]["worker"])
    assert worker.startswith("celery -A windfall worker")


def test_every_manage_command_in_compose_exists():
    known = set(get_commands())
    text = " ".join(_command_text(s) for s in _compose()["services"].values())
    used = set(re.findall(r"manage\.py (\w+)", text))
    assert used, "compose should run management commands"
    assert used <= known, f"unknown commands: {used - known}"


def test_dockerfile_installs_pinned_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.12" in dockerfile
    assert "-c constraints.txt" in dockerfile
    assert "gunicorn" in dockerfile
    assert "USER windfall" in dockerfile


def test_env_example_lists_every_variable_the_settings_read():
    read = set()
    for path in (ROOT / "windfall" / "settings").glob("*.py"):
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', path.read_text()))
    listed = set(re.findall(r"^(?:# )?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "settings should read variables through the env helpers"
    assert read <= listed, f"missing from .env.example: {sorted(read - listed)}"
