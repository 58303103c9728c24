"""Headers every response carries, and the CSRF check on writes."""

from django.test import Client
from django.urls import reverse

from actionplan.models import MeasureStatus
from tests.factories import make_editor_world

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def test_every_response_carries_permissions_policy(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.raise_request_exception = False

    responses = {
        "page": client.get("/"),
        "not found": client.get("/no-such-page/"),
        "foreign host": client.get("/", headers={"host": "evil.example"}),
        "form error": client.post(reverse("login"), {}),
        "feed": client.get(reverse("meetings:calendar_feed")),
    }

    for what, response in responses.items():
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, what


def test_a_write_without_the_csrf_token_is_refused_and_changes_nothing(db):
    world = make_editor_world()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)

    response = client.post(
        reverse("actionplan:status_update", args=[world.measure_a.pk, 2024]),
        {"status": "done", "note": "", "version": 0},
    )

    assert response.status_code == 403
    assert not MeasureStatus.objects.exists()
