"""Hostile input as a suite: stored scripts in every free-text field, read back everywhere;
formula cells in the spreadsheets; line breaks and NUL in every one-line field; hostile uploads.

The free-text fields are not listed by hand: every CharField and TextField of every model of
the portal's apps (and users' names) gets the payload, so a new field is covered when it is
added. The pages are the rights matrix's (tests/security/test_rights_matrix.py), read by the
secretariat (who sees everything) and by an anonymous visitor.
"""

import csv
import importlib
import io
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from icalendar import Calendar

from helsefellesskap.forms import OneLineFieldsMixin
from tests.security.test_rights_matrix import MATRIX, _send
from tests.security.world import clients, fingerprint, objects_of, refresh
from tests.test_fuzz_every_url import _content_tables, _project_apps

SCRIPT = "<script>alert(1)</script>"
PAYLOAD = SCRIPT + '"><img src=x onerror=alert(1)>[klikk](javascript:alert(1))'
URL_PAYLOAD = "javascript:alert(1)"
# What must never reach a page unescaped.
RAW = re.compile(r"<script>alert|<img src=x onerror|href=[\"']?\s*javascript:", re.IGNORECASE)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# --- Every free-text field gets the payload.


def _free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if isinstance(field, models.SlugField | models.EmailField) or not field.editable:
            continue
        yield field


def _hostile_value(field, obj):
    if isinstance(field, models.URLField):
        return URL_PAYLOAD
    value = PAYLOAD
    if field.unique:
        value = f"{obj.pk} {value}"
    return value[: field.max_length] if field.max_length else value


def _portal_models():
    labels = _project_apps()
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in labels
        and not model._meta.proxy
        and not model.__name__.startswith("Historical")
    ]


def poison():
    """Put the payload in every free-text field of every row; returns the fields filled."""
    filled = []
    for model in _portal_models():
        fields = list(_free_text_fields(model))
        if not fields:
            continue
        filled.extend(f"{model._meta.label}.{f.name}" for f in fields)
        for obj in model.objects.all():
            for field in fields:
                setattr(obj, field.attname, _hostile_value(field, obj))
            obj.save()
    get_user_model().objects.update(first_name=PAYLOAD[:150], last_name=SCRIPT)
    return filled


@pytest.fixture(scope="class")
def poisoned(security_world, django_db_blocker):
    """The world with the payload everywhere, for one class of tests (then rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        security_world.filled = poison()
        # Guidelines publish their text as a version, which the pages read.
        for guideline in security_world.guideline_a, security_world.guideline_b:
            guideline.refresh_from_db()
            guideline.publish_current_text(by=None)
        yield security_world
        transaction.set_rollback(True)
    refresh(security_world)


PAGES = sorted(
    name
    for name, row in MATRIX.items()
    if "ok" in row.get.split() and name not in ("logout", "set_language")
)

# Data formats that hold typed text verbatim (the API, the open-data catalogue).
DATA_TYPES = ("application/json", "application/ld+json", "text/turtle")

# Pages of the matrix that answer with something else than an HTML page: files, feeds and
# redirects (read back in the tests below, or holding no typed text).
NOT_HTML_PAGES = {
    "actionplan:committee_docx",
    "actionplan:dashboard",  # the secretariat is sent on to the revision board
    "actionplan:plan_docx",
    "actionplan:report_download",
    "actionplan:table_csv",
    "actionplan:table_xlsx",
    "guidelines:attachment",
    "guidelines:pdf",
    "healthz",
    "meetings:attachment",
    "meetings:calendar_feed",
    "meetings:committee_feed",
    "meetings:meeting_feed",
    "meetings:minutes_export_download",
    "meetings:month_today",  # redirects to this month
    "meetings:series_feed",
    "two_factor:setup",  # redirects: the persona has an authenticator already
}


class TestStoredScripts:
    """The payload in every free-text field, read back on pages, feeds and PDFs."""

    def test_the_payload_reaches_the_fields_people_type_into(self, poisoned):
        for field in [
            "actionplan.Measure.text",
            "actionplan.Measure.notes",
            "actionplan.Goal.text",
            "actionplan.SubGoal.text",
            "meetings.Meeting.title",
            "meetings.Meeting.minutes",
            "meetings.AgendaItem.title",
            "meetings.ActionPoint.text",
            "meetings.MeetingSeries.name",
            "guidelines.Guideline.body",
            "guidelines.Guideline.summary",
        ]:
            assert field in poisoned.filled

    @pytest.mark.parametrize("name", PAGES)
    def test_every_page_shows_stored_scripts_as_text(self, name, poisoned, db):
        world = poisoned
        url, _ = MATRIX[name].request(world, "b")
        shown = []
        for persona in ("secretariat", "anonymous"):
            response = _send(clients(world)[persona], "GET", url, None)
            if response.status_code != 200 or response.streaming:
                continue
            content_type = response.get("Content-Type", "")
            if content_type.startswith(
                ("text/html", "application/atom+xml", "application/rss+xml")
            ):
                # A page, or a feed that a reader may show as HTML: the payload escaped.
                shown.append(persona)
                body = response.content.decode()
                leaked = RAW.search(body)
                assert leaked is None, (
                    f"{persona} {url}: {body[leaked.start() - 200 : leaked.end()]}"
                )
            elif content_type.startswith(DATA_TYPES):
                # JSON and RDF carry the text as data, verbatim; a browser must never sniff
                # them into a page.
                shown.append(persona)
                assert response.get("X-Content-Type-Options") == "nosniff", url
        # A page that fails to open would pass without showing anything: it must open.
        assert shown or name in NOT_HTML_PAGES, f"{url} did not open for the secretariat"

    def test_the_pages_that_show_typed_text_show_it_escaped(self, poisoned, db):
        client = clients(poisoned)["secretariat"]
        o = objects_of(poisoned, "b")
        for url in [
            o.committee.get_absolute_url(),
            o.measure.get_absolute_url(),
            o.meeting.get_absolute_url(),
            o.series.get_absolute_url(),
            o.guideline.get_absolute_url(),
            "/plan/table/",
            "/meetings/action-points/",
        ]:
            body = client.get(url).content.decode()
            assert ESCAPED in body, url

    def test_markdown_drops_the_script_and_the_javascript_link(self, poisoned, db):
        o = objects_of(poisoned, "b")
        o.guideline.refresh_from_db()
        html = o.guideline.body_html
        assert "klikk" in html
        assert "<script" not in html.lower()
        assert "javascript:" not in html.lower()

    # --- The Word document: the payload is a cell's text, never markup or a field.

    @pytest.mark.parametrize("name", ["actionplan:plan_docx", "actionplan:committee_docx"])
    def test_the_word_document_carries_the_payload_as_text(self, name, poisoned, db):
        import zipfile

        from docx import Document

        url, _ = MATRIX[name].request(poisoned, "b")
        data = clients(poisoned)["anonymous"].get(url).content
        cells = [
            cell.text
            for table in Document(io.BytesIO(data)).tables
            for row in table.rows
            for cell in row.cells
        ]
        assert any(SCRIPT in text for text in cells), url
        body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "<script>" not in body  # escaped in the XML, as text
        # No field but the page numbers: a typed "{ INCLUDEPICTURE … }" stays text.
        fields = re.findall(r"<w:instrText[^>]*>([^<]*)<", body) + re.findall(
            r'w:fldSimple w:instr="([^"]*)"', body
        )
        assert {field.split()[0] for field in fields if field.strip()} <= {"PAGE", "NUMPAGES"}

    # --- Feeds: the payload is a value, never a line of its own.

    @pytest.mark.parametrize(
        "name",
        [
            "meetings:calendar_feed",
            "meetings:series_feed",
            "meetings:committee_feed",
            "meetings:meeting_feed",
        ],
    )
    def test_feeds_carry_the_payload_as_text(self, name, poisoned, db):
        url, _ = MATRIX[name].request(poisoned, "b")
        response = clients(poisoned)["anonymous"].get(url)
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.content)
        summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert summaries
        assert all(summary.startswith(SCRIPT) for summary in summaries), summaries
        for line in response.content.decode().split("\r\n"):
            # Every physical line is a property, a folded continuation, or empty at the end.
            assert re.match(r"^([A-Z-]+[;:]| |$)", line), line


# --- Spreadsheets: a cell that starts with = + - @ is text, not a formula.

FORMULAS = {
    "text": '=HYPERLINK("https://evil.example","klikk")',
    "responsible": "+1+1",
    "measurement": "-2+3",
    "notes": "@SUM(A1:A2)",
}


@pytest.fixture
def formula_measure(security_world, db):
    from actionplan.models import Measure

    Measure.objects.filter(pk=security_world.measure_b.pk).update(**FORMULAS)
    return security_world


def test_csv_cells_that_start_a_formula_are_neutralised(formula_measure):
    response = clients(formula_measure)["anonymous"].get("/plan/table.csv")
    text = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    for value in FORMULAS.values():
        assert "'" + value in cells, value
        assert value not in cells


def test_xlsx_cells_that_start_a_formula_are_text(formula_measure):
    from openpyxl import load_workbook

    response = clients(formula_measure)["anonymous"].get("/plan/table.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    for value in FORMULAS.values():
        assert value in values  # kept as typed, as a string cell


# --- PDFs: the payload is printed as text, and the renderer fetches only our static files.


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _assert_only_static(fetched):
    assert all(url.startswith("file:///static/") for url in fetched), fetched


class TestStoredScriptsInPdfs:
    """The payload is printed as text; the renderer fetches only our static files."""

    def test_guideline_pdf_prints_the_title_as_text(self, poisoned, db, fetched):
        o = objects_of(poisoned, "b")
        response = clients(poisoned)["anonymous"].get(f"/guidelines/{o.guideline.slug}/pdf/")
        assert response["Content-Type"] == "application/pdf"
        text = _pdf_text(response.content).replace("\n", "")
        assert SCRIPT in text
        _assert_only_static(fetched)

    def test_minutes_pdf_prints_the_payload_as_text(self, poisoned, db, fetched):
        from meetings.minutes_pdf import render_minutes_pdf

        o = objects_of(poisoned, "b")
        text = _pdf_text(render_minutes_pdf(o.meeting).content).replace("\n", "")
        assert SCRIPT in text
        _assert_only_static(fetched)

    def test_annual_report_pdf_prints_the_payload_as_text(self, poisoned, db, fetched):
        from actionplan.report import render_report_pdf

        o = objects_of(poisoned, "b")
        rendered = render_report_pdf(plan=poisoned.plan, year=2024, committee=o.committee)
        assert SCRIPT in _pdf_text(rendered.content).replace("\n", "")
        _assert_only_static(fetched)


# --- One-line fields keep to one line; NUL is refused.


def _portal_form_classes():
    """Every Form and ModelForm class defined in the portal's apps."""
    base = Path(django_settings.BASE_DIR)
    found = []
    for label in sorted(_project_apps()):
        app_path = Path(apps.get_app_config(label).path)
        for path in sorted(app_path.glob("*forms.py")):
            module = importlib.import_module(".".join(path.relative_to(base).with_suffix("").parts))
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found.append(value)
    return found


def _one_line_fields(form_class):
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)
    ]


# Forms whose one-line fields need no mixin, and why.
WITHOUT_MIXIN = {
    # The code is joined without any whitespace (clean_token) and compared, never stored.
    "helsefellesskap.forms.TokenForm",
    # Passwords are hashed, never shown or sent on; changing them would lock the person out.
    "actionplan.people.forms.AcceptInvitationForm",
}


def test_every_form_with_one_line_fields_keeps_them_to_one_line():
    classes = _portal_form_classes()
    assert len(classes) > 10, classes
    uncovered = [
        f"{cls.__module__}.{cls.__name__} ({', '.join(_one_line_fields(cls))})"
        for cls in classes
        if _one_line_fields(cls)
        and not issubclass(cls, OneLineFieldsMixin)
        and f"{cls.__module__}.{cls.__name__}" not in WITHOUT_MIXIN
    ]
    assert not uncovered, f"add OneLineFieldsMixin (helsefellesskap/forms.py) to: {uncovered}"


# The one-line fields of each writing page, with the row of the rights matrix that posts to it.
ONE_LINE_POSTS = [
    ("meetings:meeting_edit", "title"),
    ("meetings:meeting_edit", "date_note"),
    ("meetings:meeting_edit", "place"),
    ("meetings:series_edit", "name"),
    ("meetings:series_edit", "led_by"),
    ("meetings:series_edit", "place"),
    ("meetings:action_point_edit", "topic"),
    ("meetings:action_point_edit", "responsible_organisation"),
    ("meetings:series_exception_create", "note"),
    ("meetings:attachment_add", "title"),
    ("guidelines:create", "title"),
    ("guidelines:edit", "source_title"),
    ("guidelines:publish", "title"),
    ("guidelines:attachments", "title"),
    ("actionplan:status_update", "reason"),
    ("people:invite", "first_name"),
    ("people:profile", "last_name"),
    # The agenda is a formset on the meeting's page: a new row's one-line fields.
    ("meetings:meeting_edit", "agenda-0-title"),
    ("meetings:meeting_edit", "agenda-0-presenter_text"),
]
# Refused (400, nothing saved) but not on the page: the reason shows only for a locked year.
FIELDS_NOT_SHOWN = {("actionplan:status_update", "reason")}
# A new agenda row beside the meeting's fields, for the agenda's fields above.
AGENDA_ROW = {
    "agenda-TOTAL_FORMS": 1,
    "agenda-INITIAL_FORMS": 0,
    "agenda-0-order": 1,
    "agenda-0-title": "Sak",
}


def _body_with(body, field, value):
    extra = AGENDA_ROW if field.startswith("agenda-") else {}
    return {**body, **extra, field: value}


def _stored_strings(tables):
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out.extend(v for row in cursor.fetchall() for v in row if isinstance(v, str))
    return out


@pytest.mark.parametrize(("name", "field"), ONE_LINE_POSTS)
@pytest.mark.parametrize("breaks", ["\r\n", "\n", "\r", "\u2028", "\x0b"])
def test_a_line_break_in_a_one_line_field_is_collapsed(name, field, breaks, security_world, db):
    url, body = MATRIX[name].request(security_world, "b")
    body = _body_with(body, field, f"Linje1{breaks}X-INJECTED:1")
    response = _send(clients(security_world)["secretariat"], "POST", url, body)
    assert response.status_code in (200, 302)
    stored = _stored_strings(_content_tables())
    assert "Linje1 X-INJECTED:1" in stored, response.content[:2000]
    assert not [s for s in stored if f"Linje1{breaks}" in s]


@pytest.mark.parametrize(("name", "field"), ONE_LINE_POSTS)
def test_nul_in_a_one_line_field_is_refused_and_nothing_is_saved(name, field, security_world, db):
    url, body = MATRIX[name].request(security_world, "b")
    body = _body_with(body, field, "Linje\x00")
    client = clients(security_world)["secretariat"]
    tables = _content_tables()
    before = fingerprint(tables)
    response = _send(client, "POST", url, body)
    assert response.status_code in (200, 302, 400)
    assert fingerprint(tables) == before
    if response.status_code != 302 and (name, field) not in FIELDS_NOT_SHOWN:
        # Every form reports its errors through the one error summary (includes/_form_errors).
        html = response.content.decode()
        summary = html[html.index("<ds-error-summary") : html.index("</ds-error-summary>")]
        assert "Null characters are not allowed." in summary


# --- Hostile uploads: refused with the exact message, or served inert.

HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
POLYGLOT = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"

MEETING_REFUSALS = [
    ("slides.pdf", HTML, "The file's content does not match its type (.pdf)."),
    ("slides.pdf", SVG, "The file's content does not match its type (.pdf)."),
    ("slides.svg", SVG, "Files of type .svg cannot be attached."),
    ("slides.html", HTML, "Files of type .html cannot be attached."),
]
GUIDELINE_REFUSALS = [
    ("skjema.pdf", HTML, "The file&#x27;s content is not a PDF file, though its name says so."),
    ("skjema.pdf", SVG, "The file&#x27;s content is not a PDF file, though its name says so."),
    ("skjema.svg", SVG, "Only PDF and Word files (.pdf, .docx, .doc) can be attached."),
    ("skjema.html", HTML, "Only PDF and Word files (.pdf, .docx, .doc) can be attached."),
]


@pytest.mark.parametrize(("filename", "content", "message"), MEETING_REFUSALS)
def test_meeting_upload_is_refused_with_its_reason(filename, content, message, security_world, db):
    from meetings.models import Attachment

    o = objects_of(security_world, "b")
    count = Attachment.objects.count()
    client = clients(security_world)["secretariat"]
    upload = SimpleUploadedFile(filename, content)
    response = client.post(
        f"/meetings/{o.meeting.pk}/attachments/", {"title": "X", "file": upload}, follow=True
    )
    assert Attachment.objects.count() == count
    assert message.replace("'", "&#x27;") in response.content.decode()


@pytest.mark.parametrize(("filename", "content", "message"), GUIDELINE_REFUSALS)
def test_guideline_upload_is_refused_with_its_reason(
    filename, content, message, security_world, db
):
    from guidelines.models import GuidelineAttachment

    o = objects_of(security_world, "b")
    count = GuidelineAttachment.objects.count()
    client = clients(security_world)["secretariat"]
    upload = SimpleUploadedFile(filename, content)
    response = client.post(f"/guidelines/{o.guideline.slug}/attachments/", {"file": upload})
    assert response.status_code == 400
    assert GuidelineAttachment.objects.count() == count
    assert message in response.content.decode()


def _post_file(client, url, filename, content, **fields):
    """A multipart POST with the file name exactly as given (the test client would strip the
    folders itself, as browsers do; an attacker's hand-made request does not)."""
    boundary = "hostile-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    "filename", ["../../x.pdf", "..\\..\\x.pdf", "/etc/x.pdf", "a/../../x.pdf"]
)
def test_traversal_names_are_stored_inside_media_and_served_inert(filename, security_world, db):
    from guidelines.models import GuidelineAttachment
    from meetings.models import Attachment

    o = objects_of(security_world, "b")
    client = clients(security_world)["secretariat"]
    media = Path(django_settings.MEDIA_ROOT).resolve()
    meeting_url = f"/meetings/{o.meeting.pk}/attachments/"
    assert _post_file(client, meeting_url, filename, POLYGLOT, title="X").status_code == 302
    guideline_url = f"/guidelines/{o.guideline.slug}/attachments/"
    assert _post_file(client, guideline_url, filename, POLYGLOT).status_code == 302
    meeting_file = Attachment.objects.latest("pk")
    guideline_file = GuidelineAttachment.objects.latest("pk")
    # Only the last part of the name is kept.
    assert guideline_file.original_name == "x.pdf"
    # Stored in the meeting's folder; a name already taken gets a random suffix.
    assert re.fullmatch(rf"meetings/{o.meeting.pk}/x(_\w+)?\.pdf", meeting_file.file.name)
    assert Path(meeting_file.file.path).resolve().is_relative_to(media)
    assert Path(guideline_file.file.path).resolve().is_relative_to(media)
    for url in (
        f"/meetings/attachments/{meeting_file.pk}/",
        f"/guidelines/{o.guideline.slug}/files/{guideline_file.pk}/",
    ):
        response = clients(security_world)["anonymous"].get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert re.search(r'filename="x(_\w+)?\.pdf"', response["Content-Disposition"])
        b"".join(response.streaming_content)


def test_a_pdf_polyglot_is_served_as_pdf_never_as_html(security_world, db):
    from meetings.models import Attachment

    o = objects_of(security_world, "b")
    client = clients(security_world)["secretariat"]
    client.post(
        f"/meetings/{o.meeting.pk}/attachments/",
        {"title": "X", "file": SimpleUploadedFile("poly.pdf", POLYGLOT)},
    )
    attachment = Attachment.objects.latest("pk")
    response = clients(security_world)["anonymous"].get(f"/meetings/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src" in response.get("Content-Security-Policy", "")
    b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("meetings:meeting_edit", "video_link"),
        ("meetings:series_edit", "video_link"),
        ("guidelines:edit", "source_url"),
    ],
)
def test_a_javascript_link_is_refused_in_url_fields(name, field, security_world, db):
    url, body = MATRIX[name].request(security_world, "b")
    client = clients(security_world)["secretariat"]
    tables = _content_tables()
    before = fingerprint(tables)
    response = _send(client, "POST", url, {**body, field: URL_PAYLOAD})
    assert fingerprint(tables) == before
    assert "Enter a valid URL." in response.content.decode()


# --- Links: only web and mail links become an href (what the forms' URL fields let through,
# whatever got into the database another way).


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://teams.example/møte", "https://teams.example/møte"),
        ("mailto:post@example.org", "mailto:post@example.org"),
        ("/meetings/", "/meetings/"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
        (None, ""),
    ],
)
def test_link_href_keeps_only_web_and_mail_links(url, href):
    from helsefellesskap.text import safe_link

    assert safe_link(url) == href
