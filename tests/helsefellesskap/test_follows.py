"""Following a committee, a guideline or a series, and the daily or weekly digest (issue 19)."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helsefellesskap import follows
from helsefellesskap.digests import digest_window, digests_send
from helsefellesskap.models import Follow, SentDigest, Subscriber
from tests.factories import (
    make_goal,
    make_guideline,
    make_measure,
    make_meeting,
    make_plan,
    make_series,
    make_status,
)

# A Wednesday; the week before it ran from Monday 30 November to Sunday 6 December.
NOW = timezone.make_aware(datetime.datetime(2026, 12, 9, 6, 30))
YESTERDAY = timezone.make_aware(datetime.datetime(2026, 12, 8, 14, 0))
LAST_WEEK = timezone.make_aware(datetime.datetime(2026, 12, 2, 10, 0))


def at(obj, when, field="updated_at"):
    type(obj).objects.filter(pk=obj.pk).update(**{field: when})


def follow(user, obj, *, frequency="daily", language="nn"):
    subscriber = follows.subscriber_for_user(user, language=language)
    Subscriber.objects.filter(pk=subscriber.pk).update(frequency=frequency, language=language)
    follows.follow_start(subscriber=subscriber, kind=follows.kind_of(obj).key, object_id=obj.pk)
    return subscriber


@pytest.fixture
def measure_a(committee_a):
    return make_measure(make_goal(make_plan(), committee_a), "Felles rutine for utskriving")


@pytest.fixture
def measure_b(committee_b):
    return make_measure(make_goal(make_plan(), committee_b), "Tiltak i utval B")


# --- Windows.


def test_a_daily_window_is_yesterday():
    start, end = digest_window("daily", NOW)
    assert timezone.localtime(start) == timezone.make_aware(datetime.datetime(2026, 12, 8))
    assert timezone.localtime(end) == timezone.make_aware(datetime.datetime(2026, 12, 9))


def test_a_weekly_window_is_last_week_monday_to_sunday():
    start, end = digest_window("weekly", NOW)
    assert timezone.localtime(start) == timezone.make_aware(datetime.datetime(2026, 11, 30))
    assert timezone.localtime(end) == timezone.make_aware(datetime.datetime(2026, 12, 7))


def test_a_window_starts_where_the_last_digest_ended():
    after = timezone.make_aware(datetime.datetime(2026, 12, 4))
    start, _ = digest_window("weekly", NOW, after=after)
    assert start == after


# --- Digests.


def test_it_sends_a_committees_status_change_of_the_window(alice, measure_a, committee_a):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done", note="Rutinen er i bruk"), YESTERDAY)
    assert digests_send(now=NOW) == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Utval A" in message.body
    assert "Felles rutine for utskriving" in message.body
    assert "Rutinen er i bruk" in message.body
    # nynorsk, the subscriber's language, whatever the test's
    assert "Endringar" in message.subject or "endra" in message.subject.lower()


def test_a_change_just_outside_the_window_is_not_sent(alice, measure_a, committee_a):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done"), timezone.make_aware(datetime.datetime(2026, 12, 9)))
    assert digests_send(now=NOW) == 0
    at(make_status(measure_a, 2025, "done"), timezone.make_aware(datetime.datetime(2026, 12, 7)))
    assert digests_send(now=NOW) == 0
    assert mail.outbox == []


def test_a_weekly_digest_holds_the_whole_week(alice, measure_a, committee_a):
    follow(alice, committee_a, frequency="weekly")
    at(make_status(measure_a, 2026, "done"), LAST_WEEK)
    at(make_status(measure_a, 2025, "in_progress"), YESTERDAY)  # this week: the next digest
    assert digests_send(now=NOW) == 1
    body = mail.outbox[0].body
    assert "2026:" in body
    assert "2025:" not in body


def test_nothing_changed_nothing_sent(alice, committee_a, measure_a):
    follow(alice, committee_a)
    assert digests_send(now=NOW) == 0
    assert mail.outbox == []
    assert not SentDigest.objects.exists()


def test_changes_of_what_is_not_followed_are_left_out(
    alice, committee_a, committee_b, measure_a, measure_b
):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done"), YESTERDAY)
    at(make_status(measure_b, 2026, "done"), YESTERDAY)
    digests_send(now=NOW)
    assert "Tiltak i utval B" not in mail.outbox[0].body


def test_a_meeting_that_is_not_public_is_never_told(sara):
    series = make_series("Samarbeidsmøte kommune og HMR")
    follow(sara, series)
    public = make_meeting("Opent møte", series=series, date=datetime.date(2026, 12, 8))
    hidden = make_meeting("Internt møte", series=series, is_public=False)
    for meeting in (public, hidden):
        at(meeting, YESTERDAY, "created_at")
    digests_send(now=NOW)
    body = mail.outbox[0].body
    assert "Opent møte" in body
    # Sara may read the internal meeting on the web, but a digest is the public's view.
    assert "Internt møte" not in body


def test_new_minutes_of_a_followed_series_are_told(charlie):
    series = make_series("Samarbeidsmøte")
    meeting = make_meeting("Møte i desember", series=series)
    at(meeting, LAST_WEEK, "created_at")
    follow(charlie, series)
    meeting.minutes = "Vi vart samde om rutinen."
    meeting.save()
    meeting.history.filter(minutes__gt="").update(history_date=YESTERDAY)
    digests_send(now=NOW)
    assert "Møte i desember" in mail.outbox[0].body


def test_a_new_guideline_version_comes_with_its_change_note_in_bokmal(bob):
    guideline = make_guideline("Langtidsmekanisk ventilasjon", body="Tekst")
    follow(bob, guideline, language="nb")
    version = guideline.publish_version(
        title=guideline.title,
        summary="",
        body="Ny tekst",
        change_note="Nytt kapittel om barn",
        by=bob,
    )
    at(version, YESTERDAY, "published_at")
    digests_send(now=NOW)
    [message] = mail.outbox
    assert "Nytt kapittel om barn" in message.body
    assert "versjon 2" in message.body  # bokmål, as Bob chose
    assert "Stopp" in message.body or "stopp" in message.body


# --- Idempotent.


def test_running_twice_sends_one_digest(alice, committee_a, measure_a):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done"), YESTERDAY)
    assert digests_send(now=NOW) == 1
    assert digests_send(now=NOW) == 0
    assert len(mail.outbox) == 1
    assert SentDigest.objects.count() == 1


def test_a_second_digest_for_the_same_window_is_refused_by_the_database(alice, committee_a):
    subscriber = follow(alice, committee_a)
    start, end = digest_window("daily", NOW)
    SentDigest.objects.create(subscriber=subscriber, window_start=start, window_end=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentDigest.objects.create(subscriber=subscriber, window_start=start, window_end=end)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_insert_waits_and_is_refused_on_postgresql(alice, committee_a):
    """Two workers: the second's insert waits for the first's transaction, then fails."""
    import threading

    from django.db import connection

    subscriber = follow(alice, committee_a)
    start, end = digest_window("daily", NOW)
    first_inserted, outcome = threading.Event(), {}

    def second_worker():
        first_inserted.wait()
        try:
            with transaction.atomic():
                SentDigest.objects.create(subscriber=subscriber, window_start=start, window_end=end)
            outcome["second"] = "inserted"
        except IntegrityError:
            outcome["second"] = "refused"
        finally:
            connection.close()

    worker = threading.Thread(target=second_worker)
    worker.start()
    with transaction.atomic():
        SentDigest.objects.create(subscriber=subscriber, window_start=start, window_end=end)
        first_inserted.set()
        worker.join(0.5)  # it is blocked on the unique index while this transaction is open
        assert worker.is_alive()
    worker.join()
    assert outcome == {"second": "refused"}
    assert SentDigest.objects.count() == 1


# --- The e-mail's headers and one-click unsubscribe.


def _unsubscribe_url(message) -> str:
    return re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)


def test_every_digest_carries_one_click_unsubscribe(alice, committee_a, measure_a, client):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done"), YESTERDAY)
    digests_send(now=NOW)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = _unsubscribe_url(message)
    assert url in message.body
    # The mail client posts, without a session or CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(
        url.removeprefix("http://127.0.0.1:8000"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert "alice@example.org" in response.content.decode()
    assert Subscriber.objects.get(user=alice).unsubscribed_at is not None
    at(make_status(measure_a, 2025, "done"), YESTERDAY)
    assert digests_send(now=NOW + datetime.timedelta(days=1)) == 0


def test_the_unsubscribe_page_shows_a_button_and_changes_nothing(alice, committee_a, client):
    subscriber = follow(alice, committee_a)
    url = reverse("follows:unsubscribe", args=[follows.unsubscribe_token(subscriber)])
    response = client.get(url)
    assert "<button" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_a_forged_or_expired_unsubscribe_link_is_refused(alice, committee_a, client, settings):
    subscriber = follow(alice, committee_a)
    forged = follows.unsubscribe_token(subscriber)[:-2] + "xx"
    assert client.post(reverse("follows:unsubscribe", args=[forged])).status_code == 404
    other = signing.TimestampSigner(salt="something else").sign(str(subscriber.pk))
    assert client.post(reverse("follows:unsubscribe", args=[other])).status_code == 404
    old = signing.TimestampSigner(salt="helsefellesskap.follows.unsubscribe")
    token = old.sign(str(subscriber.pk))
    # An expired link: its timestamp more than a year back.
    follows_max = follows.UNSUBSCRIBE_MAX_AGE
    follows.UNSUBSCRIBE_MAX_AGE = -1
    try:
        assert client.post(reverse("follows:unsubscribe", args=[token])).status_code == 404
    finally:
        follows.UNSUBSCRIBE_MAX_AGE = follows_max
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


# --- The button and the management page.


def test_the_follow_button_follows_and_shows_the_state(alice_client, alice, committee_a, measure_a):
    page = reverse("actionplan:committee", args=[committee_a.slug])
    assert "Follow" in alice_client.get(page).content.decode()
    response = alice_client.post(
        reverse("follows:follow", args=["committee", committee_a.pk]), {"next": page}, follow=True
    )
    html = response.content.decode()
    assert "You follow this" in html
    assert "Stop following" in html
    alice_client.post(reverse("follows:unfollow", args=["committee", committee_a.pk]))
    follow_row = Follow.objects.get()
    assert follow_row.stopped_at is not None  # kept, not deleted
    assert "You follow this" not in alice_client.get(page).content.decode()


def test_a_visitor_sees_a_link_to_follow_by_e_mail(client, committee_a, measure_a):
    html = client.get(reverse("actionplan:committee", args=[committee_a.slug])).content.decode()
    assert reverse("follows:subscribe", args=["committee", committee_a.pk]) in html


def test_the_management_page_lists_what_i_follow_and_saves_the_frequency(
    charlie_client, charlie, committee_a
):
    guideline = make_guideline("Kommunalt følgjepersonell")
    follow(charlie, committee_a)
    follow(charlie, guideline)
    html = charlie_client.get(reverse("follows:mine")).content.decode()
    assert "Utval A" in html
    assert "Kommunalt følgjepersonell" in html
    response = charlie_client.post(
        reverse("follows:mine"), {"frequency": "weekly", "language": "en"}
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(user=charlie)
    assert (subscriber.frequency, subscriber.language) == ("weekly", "en")


def test_a_bad_frequency_is_refused_and_changes_nothing(charlie_client, charlie, committee_a):
    follow(charlie, committee_a)
    response = charlie_client.post(
        reverse("follows:mine"), {"frequency": "hourly", "language": "nn"}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert Subscriber.objects.get(user=charlie).frequency == "daily"


def test_one_cannot_follow_what_does_not_exist(alice_client):
    url = reverse("follows:follow", args=["committee", 999999])
    assert alice_client.post(url).status_code == 404
    assert alice_client.post(reverse("follows:follow", args=["nothing", 1])).status_code == 404
    assert not Follow.objects.exists()


# --- A visitor, by confirmed e-mail.


def _subscribe(client, committee, email="nurse@example.no", language="nb"):
    return client.post(
        reverse("follows:subscribe", args=["committee", committee.pk]),
        {"email": email, "frequency": "weekly", "language": language},
    )


def test_a_visitor_follows_after_confirming_the_address(client, committee_a, measure_a):
    response = _subscribe(client, committee_a)
    assert "nurse@example.no" in response.content.decode()
    assert not Subscriber.objects.exists()  # nothing stored before the confirmation
    [confirmation] = mail.outbox
    assert confirmation.to == ["nurse@example.no"]
    assert "Bekreft" in confirmation.subject  # bokmål, as chosen
    url = re.search(r"http://127.0.0.1:8000(/follow/confirm/\S+)", confirmation.body).group(1)
    assert "<button" in client.get(url).content.decode()
    assert not Subscriber.objects.exists()  # opening the link (a mail scanner) does not follow
    client.post(url)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "nurse@example.no"
    assert subscriber.receives_digests
    assert (subscriber.frequency, subscriber.language) == ("weekly", "nb")
    at(make_status(measure_a, 2026, "done"), LAST_WEEK)
    mail.outbox.clear()
    assert digests_send(now=NOW) == 1
    assert mail.outbox[0].to == ["nurse@example.no"]


def test_a_forged_confirmation_link_is_refused(client, committee_a):
    token = follows.confirmation_token(
        email="x@example.no",
        kind="committee",
        object_id=committee_a.pk,
        frequency="daily",
        language="nn",
    )
    response = client.post(reverse("follows:confirm", args=[token[:-3] + "abc"]))
    assert response.status_code == 404
    assert not Subscriber.objects.exists()


def test_the_visitor_form_is_rate_limited(client, committee_a):
    for _ in range(3):
        assert _subscribe(client, committee_a).status_code == 200
    response = _subscribe(client, committee_a)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert len(mail.outbox) == 3


def test_a_bad_address_is_refused_with_the_error_summary(client, committee_a):
    response = _subscribe(client, committee_a, email="not an address")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert mail.outbox == []


def test_a_visitors_address_is_deleted_a_month_after_the_digests_stopped(committee_a):
    from helsefellesskap.privacy import STOPPED_VISITOR_DAYS, prune_personal_records

    stopped = NOW - datetime.timedelta(days=STOPPED_VISITOR_DAYS + 1)
    Subscriber.objects.create(
        email="gone@example.no", confirmed_at=stopped, unsubscribed_at=stopped
    )
    Subscriber.objects.create(email="recent@example.no", confirmed_at=NOW, unsubscribed_at=NOW)
    prune_personal_records(now=NOW)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["recent@example.no"]


def test_min_profil_says_what_one_follows_and_links_to_the_choices(alice, committee_a):
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("people:profile")).content.decode()
    assert "You follow nothing yet" in page

    follow(alice, committee_a, frequency="weekly")
    page = client.get(reverse("people:profile")).content.decode()
    assert "You follow 1 thing; digest: weekly." in page
    assert f'href="{reverse("follows:mine")}"' in page


# --- The HTML alternative.


def _html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def _links_and_text(html: str) -> tuple[set[str], str]:
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.text, self.tags = set(), [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.links.update(value for name, value in attrs if name == "href")

        def handle_data(self, data):
            self.text.append(data)

    reader = Reader()
    reader.feed(html)
    assert "script" not in reader.tags
    assert "img" not in reader.tags
    return reader.links, " ".join(" ".join(reader.text).split())


def test_a_digest_comes_as_text_and_as_the_same_content_in_html(alice, measure_a, committee_a):
    follow(alice, committee_a)
    at(make_status(measure_a, 2026, "done", note="Rutinen er i bruk"), YESTERDAY)
    digests_send(now=NOW)
    [message] = mail.outbox
    html = _html_of(message)
    assert '<html lang="nn">' in html
    assert f"<title>{message.subject}</title>" in html
    links, text = _links_and_text(html)
    # Every address the text gives is a link in the HTML, and what the text says is there too.
    assert set(re.findall(r"https?://\S+", message.body)) == links
    for words in ("Utval A", "Felles rutine for utskriving", "Rutinen er i bruk"):
        assert words in message.body
        assert words in text
    assert message.subject in text  # the heading
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_html_digest_is_in_the_subscribers_language(bob):
    guideline = make_guideline("Langtidsmekanisk ventilasjon", body="Tekst")
    follow(bob, guideline, language="nb")
    version = guideline.publish_version(
        title=guideline.title, summary="", body="Ny tekst", change_note="Nytt kapittel", by=bob
    )
    at(version, YESTERDAY, "published_at")
    digests_send(now=NOW)
    html = _html_of(mail.outbox[0])
    assert '<html lang="nb">' in html
    _links, text = _links_and_text(html)
    assert "Nytt kapittel" in text
    assert "versjon 2" in text
    assert "Stopp" in text or "stopp" in text


def test_a_stored_script_is_escaped_in_the_html_digest(alice, committee_a):
    measure = make_measure(make_goal(make_plan(), committee_a), '<script>alert("x")</script>')
    follow(alice, committee_a)
    at(make_status(measure, 2026, "done", note="<img src=x onerror=alert(1)>"), YESTERDAY)
    digests_send(now=NOW)
    html = _html_of(mail.outbox[0])
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
