"""Fault: one of two web hosts dies (SIGKILL) while editors are saving statuses.

Two real gunicorn processes serve the portal from the test's PostgreSQL and Redis, behind the
scaled profile's own proxy (Caddy with deploy/Caddyfile, only the addresses changed). Editors
save statuses through the proxy, each on measures of their own, as fast as the portal answers.
Once a share of the saves is acknowledged one gunicorn, master and workers, is SIGKILLed.

An editor whose save got no answer (the proxy's 502, a dropped connection) sends the very same
form again, as a person does who presses "Save" once more: it carries the version the first try
was made on, so if the first try did land the second is refused as "someone saved since" (409)
instead of saving twice. At the end every change is in the history exactly once: every
acknowledged one, and every unacknowledged one that landed before its web died.

Which saves are in flight when the web dies is up to timing, so one is made certain: the webs
run the portal through tests/fault_wsgi.py, and one save (sent with `X-Fault-Hold`) is
committed and then held unanswered; the web holding it is the one killed.
"""

import re
import threading
import time
from collections import Counter

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionplan.models import MeasureStatus
from tests.artifacts import record_figures
from tests.factories import make_editor_world, make_measure, make_user
from tests.processes import free_port, portal_env, start_caddy, start_gunicorn

EDITORS = 8
CHANGES_PER_EDITOR = 24
YEARS = (2024, 2025)
# The first editor's save number HOLD_AT is the one held: about a third into the load.
HOLD_AT = 8
MAX_TRIES = 20
NOT_ANSWERED = (None, 502, 503, 504)  # the proxy's or the network's, not the portal's answer

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.caddy]
pytestmark.append(pytest.mark.django_db(transaction=True))


class Tally:
    """What the editors sent and what came back, gathered from their threads."""

    def __init__(self):
        self.changed = threading.Condition()
        self.sent = 0
        self.acknowledged = 0
        self.unanswered = 0  # tries that got no answer from the portal
        self.landed_unanswered = 0  # ... whose change was saved all the same (409 on sending again)
        self.absent_unanswered = 0  # ... whose change was not saved (sending again saved it)
        self.unexpected = []

    def add(self, **counts):
        with self.changed:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)
            self.changed.notify_all()


def _session_for(user, base_url, url) -> tuple[requests.Session, str]:
    """A browser session of this editor, and the CSRF token of the status form it shows."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    page = session.get(base_url + url, timeout=90)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session, token


def _editor(user, measure, base_url, tally, start, hold_at=None):
    try:
        _save_statuses(user, measure, base_url, tally, start, hold_at)
    except BaseException as error:
        start.abort()  # the test stops waiting for this editor
        tally.add(unexpected=[(user.username, repr(error))])
        raise
    finally:
        connection.close()


def _save_statuses(user, measure, base_url, tally, start, hold_at):
    urls = {year: reverse("actionplan:status_update", args=[measure.pk, year]) for year in YEARS}
    session, token = _session_for(user, base_url, urls[YEARS[0]])
    versions = dict.fromkeys(YEARS, 0)  # this editor alone writes these rows
    start.wait()
    for n in range(CHANGES_PER_EDITOR):
        year = YEARS[n % len(YEARS)]
        data = {
            "csrfmiddlewaretoken": token,
            "status": ("done", "in_progress", "not_done")[n % 3],
            "note": f"{user.username}-{n}",
            "version": versions[year],
            "reason": "",
        }
        unanswered = False
        for _ in range(MAX_TRIES):
            # Only the first try of that one save is held; sent again, it is answered.
            headers = {"X-Fault-Hold": "1"} if n == hold_at and not unanswered else {}
            try:
                response = session.post(
                    base_url + urls[year], data, headers=headers, allow_redirects=False, timeout=90
                )
                code = response.status_code
            except requests.RequestException:
                code = None
            tally.add(sent=1)
            if code == 302:
                tally.add(acknowledged=1, absent_unanswered=int(unanswered))
                break
            if code == 409 and unanswered:
                # The try that got no answer had saved it: sending it again saved nothing.
                tally.add(landed_unanswered=1)
                break
            if code in NOT_ANSWERED:
                tally.add(unanswered=1)
                unanswered = True
                continue
            tally.add(unexpected=[(data["note"], code, response.text[:300])])
            return
        else:
            tally.add(unexpected=[(data["note"], "gave up")])
            return
        versions[year] += 1


def test_a_web_killed_during_a_load_of_saves_loses_and_doubles_no_status_change(tmp_path):
    world = make_editor_world()
    editors = [make_user(f"redaktor{i}") for i in range(EDITORS)]
    world.committee_a.editors.add(*editors)
    measures = [make_measure(world.goal_a, f"Tiltak {i}", order=i) for i in range(EDITORS)]

    hold_file = tmp_path / "held-by"
    ports = [free_port(), free_port()]
    webs = [
        start_gunicorn(
            port,
            log_path=tmp_path / f"web-{n}.log",
            env=portal_env(FAULT_HOLD_FILE=str(hold_file), FAULT_WEB_NAME=str(n)),
            app="tests.fault_wsgi",
        )
        for n, port in enumerate(ports)
    ]
    proxy, proxy_port = start_caddy(ports, folder=tmp_path)
    base_url = f"http://127.0.0.1:{proxy_port}"
    tally, start = Tally(), threading.Barrier(EDITORS + 1)
    threads = [
        threading.Thread(
            target=_editor,
            args=(user, measure, base_url, tally, start, HOLD_AT if n == 0 else None),
        )
        for n, (user, measure) in enumerate(zip(editors, measures, strict=True))
    ]
    try:
        for thread in threads:
            thread.start()
        start.wait(timeout=300)
        started = time.monotonic()
        deadline = time.monotonic() + 300
        while not hold_file.exists():
            assert not tally.unexpected
            assert time.monotonic() < deadline, "no save was held"
            time.sleep(0.02)
        acknowledged_before_kill = tally.acknowledged
        killed = int(hold_file.read_text())
        webs[killed].kill()
        for thread in threads:
            thread.join(timeout=600)
        seconds = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads)
    finally:
        for process in [*webs, proxy]:
            process.stop()

    assert tally.unexpected == []
    intended = {f"{user.username}-{n}" for user in editors for n in range(CHANGES_PER_EDITOR)}
    assert tally.acknowledged + tally.landed_unanswered == len(intended)
    # Both webs took saves, the kill came mid-load, and at least the held save was committed
    # and never answered.
    posts = [web.log().count('"POST ') for web in webs]
    assert all(posts), posts
    assert 0 < acknowledged_before_kill < len(intended)

    history = MeasureStatus.history.filter(measure__in=measures)
    notes = Counter(history.values_list("note", flat=True))
    assert set(notes) == intended  # nothing lost, nothing that nobody sent
    assert set(notes.values()) == {1}  # nothing twice
    for measure in measures:
        for year in YEARS:
            versions = sorted(
                history.filter(measure=measure, year=year).values_list("version", flat=True)
            )
            assert versions == list(range(1, CHANGES_PER_EDITOR // len(YEARS) + 1))
    assert tally.landed_unanswered >= 1  # the held save, at least, was saved and not answered

    record_figures(
        "web_killed",
        {
            "fault": "one of two gunicorn processes (master and 2 workers) SIGKILLed mid-load",
            "path": "editors -> Caddy (deploy/Caddyfile) -> two gunicorn -> PostgreSQL, Redis",
            "editors (threads)": EDITORS,
            "changes made": len(intended),
            "requests sent": tally.sent,
            "acknowledged (302)": tally.acknowledged,
            "acknowledged before the kill": acknowledged_before_kill,
            "saves answered by each web (POSTs in its access log; the killed one first)": [
                posts[killed],
                posts[1 - killed],
            ],
            "tries without an answer (502 or dropped)": tally.unanswered,
            "unanswered but saved (sent again: 409)": tally.landed_unanswered,
            "unanswered and not saved (sent again: saved)": tally.absent_unanswered,
            "changes lost": len(intended - set(notes)),
            "changes doubled": sum(count - 1 for count in notes.values()),
            "seconds": round(seconds, 1),
        },
    )
