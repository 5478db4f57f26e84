import pytest
from django.core.management import call_command

from accounts.management.commands.demo_setup import DEMO_PASSWORD


@pytest.mark.django_db
def test_sign_in_page_renders(client):
    response = client.get("/accounts/sign-in/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"csrfmiddlewaretoken" in response.content
    page = response.content.decode()
    assert '<a class="brand" href="/">Windfall</a>' in page  # not the host name
    assert "testserver" not in page


@pytest.mark.django_db
def test_pages_require_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.mark.django_db
def test_demo_account_signs_in(client, settings):
    settings.DEBUG = True
    call_command("demo_setup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.post(
        "/accounts/sign-in/", {"username": "demo", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == "demo"
    assert b"Demo team" in response.content


@pytest.mark.django_db
def test_demo_setup_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_setup")


@pytest.mark.django_db
def test_wrong_password_shows_form_error(client, analyst):
    response = client.post("/accounts/sign-in/", {"username": "ana", "password": "nope"})
    assert response.status_code == 200
    assert b"form-errors" in response.content


def test_sign_out_is_post_only(analyst_client):
    assert analyst_client.get("/accounts/sign-out/").status_code == 405
    response = analyst_client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert analyst_client.get("/").status_code == 302


def test_csrf_is_enforced(analyst):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(analyst)
    assert strict.post("/accounts/sign-out/").status_code == 403
