import pytest

from accounts.services import curator_grant
from tests.factories import UserFactory


@pytest.mark.django_db
def test_staff_who_is_not_a_curator_cannot_enter_admin(client):
    staff = UserFactory(username="staffer", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_analyst_cannot_enter_admin(analyst_client):
    assert analyst_client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_curator_enters_admin(client):
    curator = UserFactory(username="cura")
    curator_grant(user=curator)
    client.force_login(curator)
    assert client.get("/admin/").status_code == 200
