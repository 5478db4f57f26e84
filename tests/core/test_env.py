import pytest

from windfall.env import (
    ConfigError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)


def test_database_url_defaults_to_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", "sqlite:///tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_database_url_parses_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres:pw@127.0.0.1:5432/windfall")
    config = env_database("DATABASE_URL", "sqlite://")
    assert (config["ENGINE"], config["NAME"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "windfall",
        5432,
    )


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/x", "postgres://h", "postgres://a@h:notaport/w", "nonsense"],
)
def test_malformed_database_url_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        env_database("DATABASE_URL", "sqlite://")


def test_database_error_hides_password(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root:hunter2@localhost/x")
    with pytest.raises(ConfigError) as info:
        env_database("DATABASE_URL", "sqlite://")
    assert "hunter2" not in str(info.value)


def test_redis_url(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert env_redis_url("REDIS_URL") is None
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert env_redis_url("REDIS_URL") == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("REDIS_URL", "amqp://guest@localhost//")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        env_redis_url("REDIS_URL")


def test_bool_int_list_and_required(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ConfigError, match="FLAG must be a boolean"):
        env_bool("FLAG")
    monkeypatch.setenv("COUNT", "x")
    with pytest.raises(ConfigError, match="COUNT must be an integer"):
        env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "0")
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("COUNT", 1, minimum=1)
    monkeypatch.setenv("HOSTS", "a.org, b.org,,")
    assert env_list("HOSTS") == ["a.org", "b.org"]
    monkeypatch.delenv("NEEDED", raising=False)
    with pytest.raises(ConfigError, match="NEEDED is required"):
        env_str("NEEDED")
