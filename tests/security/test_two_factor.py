"""Whoever has an authenticator app gives a code before any write and before any edit page,
whatever TWO_FACTOR_ENFORCED says (issue 23, defect 4); enforcement decides only who must have
one. Every response carries Permissions-Policy."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplan.models import MeasureStatus
from helsefellesskap.twofactor import READING_PAGES
from tests.factories import (
    log_in_with_two_factor,
    make_editor_world,
    make_revision_year,
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
    world.sara = make_user("sara", secretariat=True)
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
    bob = make_user("bob")

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


def test_every_response_carries_permissions_policy(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.raise_request_exception = False
    expected = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    responses = [
        client.get("/"),
        client.get("/no-such-page/"),
        client.get("/", headers={"host": "evil.example"}),
        client.post(reverse("login"), {}),
    ]

    for response in responses:
        assert response["Permissions-Policy"] == expected, response.status_code
