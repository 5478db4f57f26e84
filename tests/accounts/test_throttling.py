"""Brute force is throttled: sign-in and admin login per account and per address, and
the expensive API endpoints per user (429 with Retry-After)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from accounts.services import curator_grant
from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # the factories' password
HANDLERS = ["axes.handlers.database.AxesDatabaseHandler", "axes.handlers.cache.AxesCacheHandler"]


@pytest.fixture(params=HANDLERS, ids=["database", "cache"])
def lockout_handler(request, settings):
    """Sign-in counters in the database (no Redis) or in the shared cache (Redis)."""
    from axes.handlers.proxy import AxesProxyHandler

    settings.AXES_HANDLER = request.param
    AxesProxyHandler.get_implementation(force=True)
    yield request.param
    settings.AXES_HANDLER = HANDLERS[0]
    AxesProxyHandler.get_implementation(force=True)


def sign_in(client, path: str, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


WINDOW = 3  # seconds: long enough for 21 sign-ins on a loaded machine, short for a test


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/sign-in/", "/admin/login/"])
def test_the_21st_wrong_password_is_refused_until_the_window_passes(
    client, settings, lockout_handler, path
):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=WINDOW)
    user = UserFactory(username="target")
    curator_grant(user=user)
    for _ in range(20):
        response = sign_in(client, path, "target", "wrong password")
        assert response.status_code == 200  # the form again, with its error
    refused = sign_in(client, path, "target", "wrong password")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert refused["Retry-After"] == str(WINDOW)
    # Locked: even the right password is refused while the window lasts.
    assert sign_in(client, path, "target", PASSWORD).status_code == 429
    time.sleep(WINDOW + 0.2)
    assert sign_in(client, path, "target", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_throttled(client, lockout_handler):
    UserFactory(username="someone")
    for n in range(20):
        assert sign_in(client, "/accounts/sign-in/", f"guess{n}", "x").status_code == 200
    assert sign_in(client, "/accounts/sign-in/", "guess20", "x").status_code == 429
    assert sign_in(client, "/accounts/sign-in/", "someone", PASSWORD).status_code == 429
    # Another address still signs in.
    assert sign_in(client, "/accounts/sign-in/", "someone", PASSWORD, "10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_a_correct_sign_in_resets_the_count(client):
    UserFactory(username="forgetful")
    for _ in range(15):
        sign_in(client, "/accounts/sign-in/", "forgetful", "wrong")
    assert sign_in(client, "/accounts/sign-in/", "forgetful", PASSWORD).status_code == 302
    client.logout()
    for _ in range(15):
        assert sign_in(client, "/accounts/sign-in/", "forgetful", "wrong").status_code == 200


MATRIX = {"matrix": [[0.2, 0.8], [0.6, 0.3]], "directions": ["up", "up"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/analysis/dominance/", "/api/v1/analysis/smaa/", "/api/v1/comparisons/"]
)
def test_expensive_endpoints_are_throttled_per_user(api_client, settings, url):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"analysis": "2/minute"},
    }
    codes = [api_client.post(url, MATRIX, format="json").status_code for _ in range(3)]
    assert codes[:2] != [429, 429]
    assert codes[2] == 429
    refused = api_client.post(url, MATRIX, format="json")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()
    other = APIClient()
    other.force_authenticate(UserFactory(username="someone-else"))
    assert other.post(url, MATRIX, format="json").status_code != 429
