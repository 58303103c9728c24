"""Two-factor log-in: required for the secretariat, offered to editors; a user who has only given
the password reaches no edit page."""

import logging

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helsefellesskap.enrolment import make_enrolment_token
from tests.factories import (
    current_totp,
    log_in_with_two_factor,
    make_totp_device,
    make_user,
)

pytestmark = pytest.mark.urls("tests.helsefellesskap.urls_with_edit_page")


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get("/edit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/edit/")


def test_secretariat_with_only_a_password_is_sent_to_set_up(client, secretariat):
    client.force_login(secretariat)

    response = client.get("/edit/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/set-up/?next=%2Fedit%2F"


def test_editor_without_an_app_may_edit_with_the_password(client, alice):
    client.force_login(alice)

    assert client.get("/edit/").status_code == 200


def test_editor_with_an_app_must_give_a_code_first(client, alice):
    make_totp_device(alice)
    client.force_login(alice)

    response = client.get("/edit/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fedit%2F"


def test_correct_code_opens_edit_pages_for_the_session(client, alice):
    device = make_totp_device(alice)
    client.force_login(alice)

    response = client.post(
        "/accounts/two-factor/verify/", {"token": current_totp(device), "next": "/edit/"}
    )

    assert response["Location"] == "/edit/"
    assert client.get("/edit/").status_code == 200


def test_wrong_code_keeps_edit_pages_closed(client, alice, caplog):
    make_totp_device(alice)
    client.force_login(alice)

    response = client.post("/accounts/two-factor/verify/", {"token": "000000", "next": "/edit/"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/edit/").status_code == 302
    assert any(r.getMessage() == "two_factor_failed" for r in caplog.records)


def test_repeated_wrong_codes_are_throttled(client, alice):
    device = make_totp_device(alice)
    client.force_login(alice)
    # django-otp holds a device off for 2^(failures-1) s: six failures give 32 s, so the right
    # code below still falls in the hold-off on a slow, loaded machine (three gave only 4 s).
    for _ in range(6):
        client.post("/accounts/two-factor/verify/", {"token": "000000"})

    # Even the right code is refused while the device is throttled.
    client.post("/accounts/two-factor/verify/", {"token": current_totp(device)})

    assert client.get("/edit/").status_code == 302


def test_next_outside_the_portal_is_ignored(client, alice):
    device = make_totp_device(alice)
    client.force_login(alice)

    response = client.post(
        "/accounts/two-factor/verify/",
        {"token": current_totp(device), "next": "https://evil.example/phish"},
    )

    assert response["Location"] == "/"


def test_secretariat_sets_up_an_app_and_gets_recovery_codes(client, secretariat, caplog):
    caplog.set_level(logging.INFO)
    client.force_login(secretariat)
    link = make_enrolment_token(secretariat)

    page = client.get("/accounts/two-factor/set-up/", {"next": "/edit/", "link": link})
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    response = client.post(
        "/accounts/two-factor/set-up/",
        {"token": current_totp(device), "next": "/edit/", "link": link},
    )

    device.refresh_from_db()
    assert device.confirmed
    codes = list(
        StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    )
    assert len(codes) == 10
    content = response.content.decode()
    assert all(code in content for code in codes)
    assert client.get("/edit/").status_code == 200
    assert any(r.getMessage() == "two_factor_enabled" for r in caplog.records)


def test_setup_with_a_wrong_code_changes_nothing(client, secretariat):
    client.force_login(secretariat)
    link = make_enrolment_token(secretariat)
    client.get("/accounts/two-factor/set-up/", {"link": link})

    response = client.post("/accounts/two-factor/set-up/", {"token": "123456", "link": link})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()
    assert client.get("/edit/").status_code == 302


def test_a_recovery_code_works_once(client, secretariat):
    log_in_with_two_factor(client, secretariat)
    codes = client.post("/accounts/two-factor/recovery-codes/").context["codes"]
    client.logout()

    client.force_login(secretariat)
    client.post("/accounts/two-factor/verify/", {"token": codes[0].upper()})
    assert client.get("/edit/").status_code == 200
    client.logout()

    client.force_login(secretariat)
    client.post("/accounts/two-factor/verify/", {"token": codes[0]})
    assert client.get("/edit/").status_code == 302


def test_htmx_request_is_sent_to_the_code_page_as_a_whole_page(client, alice):
    make_totp_device(alice)
    client.force_login(alice)

    response = client.get("/edit/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == "/accounts/two-factor/verify/?next=%2Fedit%2F"


def test_admin_needs_the_second_factor_too(client, db):
    staff = make_user("stina", is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/set-up/")


def test_editor_may_turn_two_factor_off_but_the_secretariat_may_not(client, alice, secretariat):
    log_in_with_two_factor(client, alice)
    assert client.post("/accounts/two-factor/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()

    log_in_with_two_factor(client, secretariat)
    assert client.post("/accounts/two-factor/disable/").status_code == 403
    assert TOTPDevice.objects.filter(user=secretariat).exists()


def test_guard_fails_closed_where_the_otp_middleware_has_not_run(secretariat, alice):
    from django.test import RequestFactory

    from tests.helsefellesskap.urls_with_edit_page import edit_page

    make_totp_device(alice)
    for user, place in ((secretariat, "set-up"), (alice, "verify")):
        request = RequestFactory().get("/edit/")
        request.user = user

        response = edit_page(request)

        assert response.status_code == 302
        assert response["Location"].startswith(f"/accounts/two-factor/{place}/")
