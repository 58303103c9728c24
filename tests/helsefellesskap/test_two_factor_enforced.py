"""With two-factor log-in enforced (production's default), a user who has only given the
password reaches no edit page of the real portal, by GET or by a hand-made POST."""

import pytest
from django.urls import reverse

from actionplan.models import MeasureStatus
from tests.factories import (
    log_in_with_two_factor,
    make_totp_device,
)


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def world(world, sara):
    world.sara = sara
    return world


def test_secretariat_with_only_a_password_is_sent_to_set_up_from_the_revision_board(client, world):
    client.force_login(world.sara)

    response = client.get(reverse("actionplan:revision_board"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:setup"))


def test_password_only_status_post_saves_nothing(client, world):
    make_totp_device(world.alice)
    client.force_login(world.alice)
    url = reverse("actionplan:status_update", args=[world.measure_a.pk, 2024])

    response = client.post(url, {"status": "done", "note": "", "version": 0})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:verify"))
    assert not MeasureStatus.objects.filter(measure=world.measure_a, year=2024).exists()


def test_after_the_code_the_secretariat_reaches_the_board(client, world):
    log_in_with_two_factor(client, world.sara)

    assert client.get(reverse("actionplan:revision_board")).status_code == 200


def test_editor_without_an_app_still_edits_with_the_password(client, world):
    client.force_login(world.alice)

    response = client.get(reverse("actionplan:report_year", args=[world.committee_a.slug, 2024]))

    assert response.status_code == 200


def test_log_in_and_code_pages_stay_open(client, world):
    client.force_login(world.sara)

    assert client.get(reverse("two_factor:setup")).status_code == 200
