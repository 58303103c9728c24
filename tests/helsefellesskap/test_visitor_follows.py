"""A visitor's own follows, by the signed link of every digest: no log-in (issue 19, item 4)."""

import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from helsefellesskap import follows
from helsefellesskap.digests import digests_send
from helsefellesskap.models import Follow, Subscriber
from tests.factories import make_goal, make_guideline, make_measure, make_plan, make_status
from tests.helsefellesskap.test_follows import LAST_WEEK, NOW, YESTERDAY, at

PORTAL = "http://127.0.0.1:8000"


def visitor(email, *things, frequency="weekly", language="nb"):
    """A visitor who confirmed the address and follows the things."""
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=timezone.now(), frequency=frequency, language=language
    )
    for obj in things:
        follows.follow_start(subscriber=subscriber, kind=follows.kind_of(obj).key, object_id=obj.pk)
    return subscriber


def manage_url(subscriber) -> str:
    return reverse("follows:manage", args=[follows.manage_token(subscriber)])


def linked_visitor(text) -> tuple[str, Subscriber]:
    """The path of the manage link in a mail or page, and whose link it is. Read, not made
    again: a link made a second later has another timestamp."""
    token = re.search(r"/follow/manage/([^/\s\"]+)/", text).group(1)
    return reverse("follows:manage", args=[token]), follows.subscriber_from_manage_token(token)


def running(subscriber) -> set[tuple[str, int]]:
    return set(subscriber.follows.filter(stopped_at__isnull=True).values_list("kind", "object_id"))


@pytest.fixture
def measure_a(committee_a):
    return make_measure(make_goal(make_plan(), committee_a), "Felles rutine for utskriving")


@pytest.fixture
def guideline():
    return make_guideline("Kommunalt følgjepersonell")


# --- The link in the digest.


def test_a_visitors_digest_links_to_their_own_follows_page(client, committee_a, measure_a):
    nurse = visitor("nurse@example.no", committee_a)
    at(make_status(measure_a, 2026, "done"), LAST_WEEK)
    assert digests_send(now=NOW) == 1
    [message] = mail.outbox
    path, linked = linked_visitor(message.body)
    assert linked == nurse
    assert PORTAL + path in message.body
    [(html, _mimetype)] = message.alternatives
    assert f'href="{PORTAL}{path}"' in html
    assert reverse("follows:mine") not in message.body
    # The link opens the visitor's page without logging in.
    page = client.get(path)
    assert page.status_code == 200
    assert "nurse@example.no" in page.content.decode()
    assert "Utval A" in page.content.decode()
    assert "no-store" in page["Cache-Control"]  # the page shows the address


def test_a_signed_in_subscriber_keeps_the_link_to_their_profile(alice, committee_a, measure_a):
    subscriber = follows.subscriber_for_user(alice, language="nn")
    follows.follow_start(subscriber=subscriber, kind="committee", object_id=committee_a.pk)
    at(make_status(measure_a, 2026, "done"), LAST_WEEK)
    digests_send(now=NOW)
    [message] = mail.outbox
    assert PORTAL + reverse("follows:mine") in message.body
    assert "/follow/manage/" not in message.body
    with pytest.raises(ValueError, match="signed in"):
        follows.manage_token(subscriber)


def test_the_confirmed_page_links_to_the_visitors_follows(client, committee_a):
    client.post(
        reverse("follows:subscribe", args=["committee", committee_a.pk]),
        {"email": "nurse@example.no", "frequency": "daily", "language": "nn"},
    )
    confirm = re.search(rf"{re.escape(PORTAL)}(/follow/confirm/\S+)", mail.outbox[0].body)
    html = client.post(confirm.group(1)).content.decode()
    assert linked_visitor(html)[1] == Subscriber.objects.get()


# --- What the page changes.


def test_the_page_lists_what_the_visitor_follows_and_no_one_elses(
    client, committee_a, committee_b, guideline
):
    nurse = visitor("nurse@example.no", committee_a, guideline)
    visitor("other@example.no", committee_b)
    html = client.get(manage_url(nurse)).content.decode()
    assert "Utval A" in html
    assert "Kommunalt følgjepersonell" in html
    assert "Utval B" not in html
    assert "other@example.no" not in html


def test_a_visitor_changes_how_often_and_the_language_and_it_is_kept(client, committee_a):
    nurse = visitor("nurse@example.no", committee_a)
    Subscriber.objects.filter(pk=nurse.pk).update(unsubscribed_at=timezone.now())
    url = manage_url(nurse)
    response = client.post(url, {"frequency": "daily", "language": "en"})
    assert response.status_code == 302
    assert response["Location"] == url
    nurse.refresh_from_db()
    assert (nurse.frequency, nurse.language) == ("daily", "en")
    assert nurse.receives_digests  # saving asks for the digests again
    assert "Your digest settings are saved." in client.get(url).content.decode()


def test_a_bad_choice_is_refused_with_the_error_summary(client, committee_a):
    nurse = visitor("nurse@example.no", committee_a)
    response = client.post(manage_url(nurse), {"frequency": "hourly", "language": "xx"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    nurse.refresh_from_db()
    assert (nurse.frequency, nurse.language) == ("weekly", "nb")


def test_a_visitor_stops_following_one_thing(client, committee_a, guideline):
    nurse = visitor("nurse@example.no", committee_a, guideline)
    token = follows.manage_token(nurse)
    response = client.post(
        reverse("follows:manage_unfollow", args=[token, "committee", committee_a.pk]),
        follow=True,
    )
    assert "You no longer follow Utval A." in response.content.decode()
    assert running(nurse) == {("guideline", guideline.pk)}
    assert Follow.objects.filter(subscriber=nurse, kind="committee").exists()  # kept, stopped
    assert nurse.receives_digests
    assert "Utval A" not in client.get(manage_url(nurse)).content.decode()


def test_a_visitor_stops_everything_and_gets_no_more_digests(client, committee_a, measure_a):
    nurse = visitor("nurse@example.no", committee_a, frequency="daily")
    response = client.post(
        reverse("follows:manage_stop_everything", args=[follows.manage_token(nurse)])
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert running(nurse) == set()
    assert nurse.unsubscribed_at is not None  # so the address is deleted in due time
    at(make_status(measure_a, 2026, "done"), YESTERDAY)
    assert digests_send(now=NOW) == 0
    # The link still opens the page, to follow nothing and see that.
    assert "You follow nothing now" in client.get(response["Location"]).content.decode()


def test_the_page_costs_few_queries_however_much_is_followed(
    client, committee_a, committee_b, guideline, django_assert_max_num_queries
):
    few = visitor("few@example.no", committee_a)
    many = visitor("many@example.no", committee_a, committee_b, guideline)
    for subscriber in (few, many):
        with django_assert_max_num_queries(8):
            assert client.get(manage_url(subscriber)).status_code == 200


# --- Links that do not work.


def test_a_tampered_token_is_refused_and_changes_nothing(client, committee_a):
    nurse = visitor("nurse@example.no", committee_a)
    token = follows.manage_token(nurse)
    _pk, stamp, signature = token.split(":")
    forged = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        f"{nurse.pk + 1}:{stamp}:{signature}",
        follows.unsubscribe_token(nurse),  # another purpose's link
        signing.TimestampSigner(salt="something else").sign(str(nurse.pk)),
    ]
    for bad in forged:
        response = client.get(reverse("follows:manage", args=[bad]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert (
            client.post(
                reverse("follows:manage", args=[bad]), {"frequency": "daily", "language": "en"}
            ).status_code
            == 404
        )
        unfollow = reverse("follows:manage_unfollow", args=[bad, "committee", committee_a.pk])
        assert client.post(unfollow).status_code == 404
        everything = reverse("follows:manage_stop_everything", args=[bad])
        assert client.post(everything).status_code == 404
    nurse.refresh_from_db()
    assert (nurse.frequency, nurse.language, nurse.unsubscribed_at) == ("weekly", "nb", None)
    assert running(nurse) == {("committee", committee_a.pk)}


def test_an_expired_link_is_refused_and_offers_a_new_one(client, committee_a, monkeypatch):
    nurse = visitor("nurse@example.no", committee_a)
    monkeypatch.setattr(follows, "MANAGE_MAX_AGE", -1)
    response = client.get(manage_url(nurse))
    assert response.status_code == 404
    assert reverse("follows:manage_link") in response.content.decode()


def test_one_visitors_link_cannot_change_another_visitor(client, committee_a, committee_b):
    nurse = visitor("nurse@example.no", committee_a)
    other = visitor("other@example.no", committee_b)
    token = follows.manage_token(nurse)
    unfollow = reverse("follows:manage_unfollow", args=[token, "committee", committee_b.pk])
    assert client.post(unfollow).status_code == 404
    client.post(reverse("follows:manage", args=[token]), {"frequency": "daily", "language": "en"})
    client.post(reverse("follows:manage_stop_everything", args=[token]))
    other.refresh_from_db()
    assert (other.frequency, other.language, other.unsubscribed_at) == ("weekly", "nb", None)
    assert running(other) == {("committee", committee_b.pk)}
    nurse.refresh_from_db()
    assert nurse.frequency == "daily"


def test_a_link_never_opens_a_signed_in_persons_or_an_unconfirmed_follows(
    client, alice, committee_a
):
    subscriber = follows.subscriber_for_user(alice, language="nn")
    follows.follow_start(subscriber=subscriber, kind="committee", object_id=committee_a.pk)
    unconfirmed = Subscriber.objects.create(email="unconfirmed@example.no")
    # Signed as the page's links are, but for a row that is no visitor's confirmed address.
    signer = signing.TimestampSigner(salt="helsefellesskap.follows.manage")
    for row in (subscriber, unconfirmed):
        assert (
            client.get(reverse("follows:manage", args=[signer.sign(str(row.pk))])).status_code
            == 404
        )


@pytest.mark.parametrize(
    "garbage",
    ["x", ":", "::", "1", "1:2:3", "-1:abc:def", "9" * 40 + ":a:b", "%00", "ø:å:æ", "a" * 2000],
)
def test_garbage_in_the_link_is_a_404_never_a_500(client, committee_a, garbage):
    visitor("nurse@example.no", committee_a)
    for url in (
        reverse("follows:manage", args=[garbage]),
        reverse("follows:manage_unfollow", args=[garbage, "committee", committee_a.pk]),
        reverse("follows:manage_stop_everything", args=[garbage]),
    ):
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"frequency": "daily", "language": "nn"}).status_code == 404


def test_unfollowing_an_unknown_kind_or_thing_is_a_404(client, committee_a):
    nurse = visitor("nurse@example.no", committee_a)
    token = follows.manage_token(nurse)
    for kind, pk in (("nothing", 1), ("committee", 999999), ("guideline", committee_a.pk)):
        url = reverse("follows:manage_unfollow", args=[token, kind, pk])
        assert client.post(url).status_code == 404
    assert running(nurse) == {("committee", committee_a.pk)}


# --- Asking for a new link by e-mail.


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a link by the form; the worker's send (enqueued on commit) runs too."""

    def post(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("follows:manage_link"), {"email": email})

    return post


def test_a_visitor_asks_for_a_new_link_and_it_opens_their_page(client, committee_a, ask):
    nurse = visitor("nurse@example.no", committee_a, language="nb")
    response = ask("Nurse@Example.no")
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["nurse@example.no"]
    path, linked = linked_visitor(message.body)
    assert linked == nurse
    assert "lenke" in message.subject.lower()  # bokmål, the visitor's language
    assert "Utval A" in client.get(path).content.decode()


def test_the_answer_is_the_same_for_an_address_that_follows_nothing(client, committee_a, ask):
    visitor("nurse@example.no", committee_a)
    known = ask("nurse@example.no").content.decode()
    unknown = ask("stranger@example.no").content.decode()
    assert len(mail.outbox) == 1
    strip = lambda html: re.sub(r"\S+@example\.no|csrfmiddlewaretoken\S*", "", html)  # noqa: E731
    assert strip(known) == strip(unknown)


def test_asking_for_a_link_is_rate_limited(client, committee_a, ask):
    visitor("nurse@example.no", committee_a)
    for _ in range(3):
        assert ask("nurse@example.no").status_code == 200
    response = ask("nurse@example.no")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_a_bad_address_is_refused_with_the_error_summary(client, ask):
    response = ask("not an address")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert mail.outbox == []


def test_the_follow_form_offers_a_new_link(client, committee_a):
    html = client.get(reverse("follows:subscribe", args=["committee", committee_a.pk]))
    assert reverse("follows:manage_link") in html.content.decode()


@pytest.mark.nynorsk
def test_the_page_is_in_nynorsk_by_default(client, committee_a):
    nurse = visitor("nurse@example.no", committee_a)
    html = client.get(manage_url(nurse)).content.decode()
    assert 'lang="nn"' in html
    assert "Det du følgjer" in html
