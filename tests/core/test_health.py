import pytest


def test_healthz_is_up_without_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database(client, settings):
    settings.REDIS_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_stays_ready_without_the_broker(client, settings):
    """Edits still save without Redis (their scores wait for the sweep), so a load
    balancer must keep the web tier: the broker is reported, not decisive."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "unreachable"},
    }


def test_probes_refuse_post(client):
    assert client.post("/healthz").status_code == 405
