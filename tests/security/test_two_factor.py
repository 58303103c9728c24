"""Whoever has an authenticator app gives a code before any write and before any edit page,
whatever TWO_FACTOR_ENFORCED says (issue 23, defect 4); enforcement decides only who must have
one. Changing the password, setting up and removing an app ask for the code too, and a role
that must have an app sets up its first one only through a one-time link (defect 5)."""

import io
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplan.models import MeasureStatus
from helsefellesskap.enrolment import enrolment_token_valid, make_enrolment_token
from helsefellesskap.twofactor import READING_PAGES
from tests.factories import (
    PASSWORD,
    current_totp,
    log_in_with_two_factor,
    make_bob,
    make_editor_world,
    make_revision_year,
    make_sara,
    make_totp_device,
    make_user,
)

VERIFY = reverse("two_factor:verify")


@pytest.fixture(params=[True, False], ids=["enforced", "not-enforced"])
def enforced(request, settings):
    settings.TWO_FACTOR_ENFORCED = request.param
    return request.param


@pytest.fixture
def world(db):
    world = make_editor_world()
    world.sara = make_sara()
    return world


def _password_only(client, user):
    """Logged in with the password, the user's app set up but no code given."""
    make_totp_device(user)
    client.force_login(user)


def _status_url(world):
    return reverse("actionplan:status_update", args=[world.measure_a.pk, 2024])


def _assert_sent_to_verify(response, next_url):
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    assert next_url.replace("/", "%2F") in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("actionplan:measure_edit", args=[w.measure_a.pk]),
        lambda w: reverse("actionplan:report_year", args=[w.committee_a.slug, 2024]),
        lambda w: reverse("actionplan:committee_plan_edit", args=[w.committee_a.slug]),
        lambda w: reverse("actionplan:status_update", args=[w.measure_a.pk, 2024]),
        lambda w: reverse("password_change"),
    ],
    ids=["measure-edit", "report-year", "plan-edit", "status-form", "password-change"],
)
def test_an_edit_page_asks_for_the_code(client, world, enforced, url):
    _password_only(client, world.alice)
    target = url(world)

    _assert_sent_to_verify(client.get(target), target)


def test_a_write_without_the_code_changes_nothing(client, world, enforced):
    _password_only(client, world.alice)

    response = client.post(_status_url(world), {"status": "done", "note": "", "version": 0})

    _assert_sent_to_verify(response, _status_url(world))
    assert not MeasureStatus.objects.filter(measure=world.measure_a).exists()


def test_an_htmx_write_without_the_code_is_sent_to_the_code_page(client, world, enforced):
    _password_only(client, world.alice)

    response = client.post(
        _status_url(world),
        {"status": "done", "note": "", "version": 0},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Redirect"].startswith(f"{VERIFY}?next=")
    assert not MeasureStatus.objects.exists()


def test_the_secretariat_neither_appoints_nor_locks_on_the_password(client, world, enforced):
    revision = make_revision_year(world.plan, 2024, by=world.sara)
    _password_only(client, world.sara)
    bob = make_bob()

    appoint = client.post(
        reverse("actionplan:committee_editors", args=[world.committee_b.slug]), {"user": bob.pk}
    )
    lock = client.post(reverse("actionplan:revision_lock", args=[2024]))

    _assert_sent_to_verify(appoint, "/plan/committees/utval-b/editors/")
    _assert_sent_to_verify(lock, "/plan/revision/2024/lock/")
    assert not world.committee_b.editors.filter(pk=bob.pk).exists()
    revision.refresh_from_db()
    assert not revision.is_locked


def test_a_write_to_a_reading_page_url_is_guarded_by_its_method(client, world, enforced):
    _password_only(client, world.alice)
    url = reverse("actionplan:measure", args=[world.measure_a.pk])

    _assert_sent_to_verify(client.post(url, {}), url)


def test_reading_pages_stay_open_before_the_code(client, world):
    _password_only(client, world.alice)

    assert client.get(reverse("actionplan:measure", args=[world.measure_a.pk])).status_code == 200
    assert client.get(reverse("actionplan:table")).status_code == 200


def test_after_the_code_the_edit_pages_and_writes_work(client, world, enforced):
    log_in_with_two_factor(client, world.alice)

    page = client.get(reverse("actionplan:measure_edit", args=[world.measure_a.pk]))
    response = client.post(_status_url(world), {"status": "done", "note": "", "version": 0})

    assert page.status_code == 200
    assert response.status_code in (200, 302)
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"


def test_without_an_app_an_editor_edits_on_the_password_when_not_enforced(client, world, settings):
    settings.TWO_FACTOR_ENFORCED = False
    client.force_login(world.alice)

    client.post(_status_url(world), {"status": "done", "note": "", "version": 0})

    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"


def test_enforced_the_secretariat_without_an_app_is_sent_to_set_one_up(client, world, settings):
    settings.TWO_FACTOR_ENFORCED = True
    client.force_login(world.sara)

    response = client.post(reverse("actionplan:revision_lock", args=[2024]))

    assert response["Location"].startswith(reverse("two_factor:setup"))


@pytest.mark.parametrize(
    "request_", [("get", "/accounts/login/"), ("post", "/i18n/setlang/"), ("get", VERIFY)]
)
def test_log_in_language_and_the_code_page_stay_open(client, world, enforced, request_):
    _password_only(client, world.alice)
    method, url = request_

    response = getattr(client, method)(url, {"language": "nb", "next": "/"})

    assert not response.get("Location", "").startswith(VERIFY)
    assert response.status_code in (200, 302)


def test_log_out_stays_open(client, world, enforced):
    _password_only(client, world.alice)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def _view_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _view_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_reading_page_is_a_real_url():
    assert READING_PAGES - set(_view_names()) == set()


# --- Password change, setting up and removing an app (issue 23, defect 5)


def test_the_password_is_not_changed_without_the_code(client, world, enforced):
    _password_only(client, world.alice)
    new = "ny-og-lang-passordfrase-42"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    _assert_sent_to_verify(response, reverse("password_change"))
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_after_the_code_the_password_changes(client, world, enforced):
    log_in_with_two_factor(client, world.alice)
    new = "ny-og-lang-passordfrase-42"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response["Location"] == reverse("password_change_done")
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)


def test_no_other_app_is_set_up_without_the_code(client, world, enforced):
    _password_only(client, world.alice)

    response = client.get(reverse("two_factor:setup"))

    _assert_sent_to_verify(response, reverse("two_factor:setup"))
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1


@pytest.mark.parametrize("url", ["two_factor:disable", "two_factor:recovery_codes"])
def test_the_app_is_not_removed_nor_recovery_codes_made_without_the_code(
    client, world, enforced, url
):
    _password_only(client, world.alice)

    response = client.post(reverse(url))

    _assert_sent_to_verify(response, reverse("two_factor:overview"))
    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()
    assert not StaticToken.objects.exists()


def _enrol(client, user, link):
    """Open the set-up page with the link and confirm with the app's code."""
    client.get(reverse("two_factor:setup"), {"link": link})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    token = current_totp(device) if device else "123456"
    return client.post(reverse("two_factor:setup"), {"token": token, "link": link})


def test_the_password_alone_does_not_enrol_the_secretariats_first_app(client, world, enforced):
    client.force_login(world.sara)

    page = client.get(reverse("two_factor:setup"))
    response = client.post(reverse("two_factor:setup"), {"token": "123456"})

    assert page.status_code == 200
    assert "set-up link" in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode()
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=world.sara).exists()


def test_an_editor_without_a_role_that_needs_it_sets_up_on_the_password(client, world, enforced):
    client.force_login(world.alice)

    _enrol(client, world.alice, "")

    assert TOTPDevice.objects.filter(user=world.alice, confirmed=True).exists()


def test_the_enrolment_link_works_once(client, world, enforced):
    link = make_enrolment_token(world.sara)
    client.force_login(world.sara)

    _enrol(client, world.sara, link)

    assert TOTPDevice.objects.filter(user=world.sara, confirmed=True).count() == 1
    assert client.get(reverse("actionplan:revision_board")).status_code == 200
    assert not enrolment_token_valid(world.sara, link)
    # Another session of the same account cannot use it again either.
    other = Client()
    other.force_login(world.sara)
    assert other.get(reverse("two_factor:setup"), {"link": link}).status_code == 302


def test_an_expired_link_is_refused(client, world, settings, monkeypatch):
    link = make_enrolment_token(world.sara)
    later = time.time() + settings.ENROLMENT_LINK_MAX_AGE + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    client.force_login(world.sara)

    response = _enrol(client, world.sara, link)

    assert response.status_code == 403
    assert "does not work" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.sara, confirmed=True).exists()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda link, world: link[:-2] + ("AA" if not link.endswith("AA") else "BB"),
        lambda link, world: link.replace(f"{world.sara.pk}:", f"{world.alice.pk}:", 1),
        lambda link, world: make_enrolment_token(world.alice),
        lambda link, world: "",
    ],
    ids=["tampered", "other-user-id", "other-users-link", "none"],
)
def test_a_tampered_or_foreign_link_is_refused(client, world, spoil):
    link = spoil(make_enrolment_token(world.sara), world)
    client.force_login(world.sara)

    assert _enrol(client, world.sara, link).status_code == 403
    assert not TOTPDevice.objects.filter(user=world.sara, confirmed=True).exists()


def test_a_password_change_voids_outstanding_links(world):
    link = make_enrolment_token(world.sara)

    world.sara.set_password("heilt-nytt-passord-2026")
    world.sara.save()

    assert not enrolment_token_valid(world.sara, link)


def test_the_command_prints_a_working_link(client, world, settings):
    settings.PORTAL_URL = "https://portal.example"
    out, err = io.StringIO(), io.StringIO()

    call_command("enrolment_link", "sara", stdout=out, stderr=err)

    url = out.getvalue().strip()
    assert url.startswith("https://portal.example/accounts/two-factor/set-up/?link=")
    assert "72 hours" in err.getvalue()
    link = parse_qs(urlsplit(url).query)["link"][0]
    client.force_login(world.sara)
    _enrol(client, world.sara, link)
    assert TOTPDevice.objects.filter(user=world.sara, confirmed=True).exists()


@pytest.mark.parametrize("username", ["nobody", "alice"])
def test_the_command_refuses_unknown_users_and_users_with_an_app(world, username):
    make_totp_device(world.alice)

    with pytest.raises(CommandError):
        call_command("enrolment_link", username, stdout=io.StringIO())


def test_staff_make_a_link_in_the_admin_after_their_own_code(client, world, settings):
    settings.PORTAL_URL = "https://portal.example"
    staff = make_user("stina", is_staff=True, is_superuser=True)
    log_in_with_two_factor(client, staff)

    response = client.post(
        "/admin/auth/user/",
        {"action": "make_enrolment_links", "_selected_action": [world.sara.pk, staff.pk]},
        follow=True,
    )

    shown = [str(m) for m in response.context["messages"]]
    link_message = next(m for m in shown if "sara" in m)
    link = parse_qs(urlsplit(link_message.rsplit(" ", 1)[-1]).query)["link"][0]
    assert enrolment_token_valid(world.sara, link)
    assert any("stina already has an authenticator app" in m for m in shown)


def test_staff_make_no_link_on_the_password_alone(client, world):
    staff = make_user("stina", is_staff=True, is_superuser=True)
    _password_only(client, staff)

    response = client.post(
        "/admin/auth/user/",
        {"action": "make_enrolment_links", "_selected_action": [world.sara.pk]},
    )

    _assert_sent_to_verify(response, "/admin/auth/user/")


def test_after_the_code_a_refused_write_returns_to_the_page_of_its_form(client, world):
    _password_only(client, world.alice)
    page = reverse("actionplan:report_year", args=[world.committee_a.slug, 2024])

    from_page = client.post(
        _status_url(world), {}, headers={"referer": f"http://testserver{page}?x=1"}
    )
    from_elsewhere = client.post(
        _status_url(world), {}, headers={"referer": "https://evil.example/phish"}
    )

    assert from_page["Location"] == f"{VERIFY}?{urlencode({'next': page + '?x=1'})}"
    assert from_elsewhere["Location"] == f"{VERIFY}?{urlencode({'next': _status_url(world)})}"
