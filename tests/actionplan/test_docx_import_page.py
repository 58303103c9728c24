"""The secretariat's upload page: preview before anything is saved, then apply; rights and
bad files refused with a message and no change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Measure, MeasureStatus, Plan
from actionplan.services import measure_status_set
from tests.actionplan.docx_builder import build_docx, plan_to_doc
from tests.actionplan.test_docx_import import _coloured, _snapshot

IMPORT = reverse("actionplan:plan_import")
APPLY = reverse("actionplan:plan_import_apply")


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.PLAN_IMPORT_DIR = tmp_path / "plan-imports"


@pytest.fixture
def real_plan(db):
    call_command("load_real_plan", verbosity=0)
    return Plan.objects.get()


def _upload(client, data, name="handlingsplan.docx"):
    return client.post(IMPORT, {"document": SimpleUploadedFile(name, data)})


def test_the_revision_board_links_to_the_import(sara_client, real_plan):
    assert IMPORT in sara_client.get(reverse("actionplan:revision_board")).content.decode()


def test_the_preview_shows_every_change_and_saves_nothing(sara_client, real_plan):
    before = _snapshot()
    response = _upload(sara_client, build_docx(_coloured(real_plan)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Statuses to set" in page
    assert "Carried out" in page
    assert "Being planned / in progress" in page
    assert len(response.context["changes"].statuses) > 300
    assert _snapshot() == before


def test_apply_saves_the_previewed_import_as_the_user(sara_client, sara, real_plan):
    response = _upload(sara_client, build_docx(_coloured(real_plan)), name="plan-2024.docx")
    token = response.context["token"]
    response = sara_client.post(APPLY, {"token": token})
    assert response.status_code == 302
    assert MeasureStatus.objects.exclude(status="").count() > 300
    record = MeasureStatus.history.exclude(status="").latest("history_date")
    assert (record.history_user, record.history_change_reason) == (sara, "from plan-2024.docx")
    # The kept file is gone: the same token cannot apply twice.
    assert sara_client.post(APPLY, {"token": token}).status_code == 400


def test_apply_retires_only_the_ticked_missing_items(sara_client, real_plan):
    committees = plan_to_doc(real_plan)
    dropped = committees[0].goals[0].measures.pop()
    response = _upload(sara_client, build_docx(committees))
    (line,) = response.context["changes"].missing_lines
    sara_client.post(APPLY, {"token": response.context["token"], "retire": [line.key, "goal:1"]})
    assert Measure.objects.get(text=dropped.text).retired
    assert Measure.objects.filter(retired=True).count() == 1


def test_a_forged_token_changes_nothing(sara_client, real_plan):
    before = _snapshot()
    response = sara_client.post(APPLY, {"token": "../../etc/passwd:forged"})
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert _snapshot() == before


def test_another_users_token_is_refused(sara_client, real_plan):
    from tests.factories import make_user

    token = _upload(sara_client, build_docx(_coloured(real_plan))).context["token"]
    other = Client()
    other.force_login(make_user("sigrid", secretariat=True))
    before = _snapshot()
    assert other.post(APPLY, {"token": token}).status_code == 400
    assert _snapshot() == before


def test_a_plan_changed_since_the_preview_is_shown_again(sara_client, sara, real_plan):
    token = _upload(sara_client, build_docx(_coloured(real_plan))).context["token"]
    measure = Measure.objects.for_plan_table(real_plan).first()
    measure_status_set(measure=measure, year=2024, status="done", by=sara, expected_version=0)
    before = _snapshot()
    response = sara_client.post(APPLY, {"token": token})
    assert response.status_code == 409
    assert "since the preview" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7", "This is not a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Word file (.doc)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "protected with a password",
        ),
        (b"PK\x03\x04broken", "damaged"),
    ],
    ids=["not-word", "doc", "encrypted", "corrupt"],
)
def test_bad_files_are_refused_with_a_message(sara_client, real_plan, data, message):
    before = _snapshot()
    response = _upload(sara_client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


def test_a_year_outside_the_plan_is_refused_on_the_page(sara_client, real_plan):
    response = _upload(sara_client, build_docx(plan_to_doc(real_plan), years=(2022, 2031)))
    assert response.status_code == 400
    assert "outside the plan" in response.content.decode()


def test_a_file_over_the_limit_is_refused(sara_client, real_plan, settings):
    settings.PLAN_DOCX_MAX_UPLOAD_BYTES = 2 * 2**20
    response = _upload(sara_client, b"PK\x03\x04" + b"\0" * (3 * 2**20))
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()


@pytest.mark.parametrize("who", ["charlie_client", "alice_client", "anonymous_client"])
def test_only_the_secretariat_may_import(request, who, real_plan, sara_client):
    client = request.getfixturevalue(who)
    token = _upload(sara_client, build_docx(_coloured(real_plan))).context["token"]
    before = _snapshot()
    upload = client.post(IMPORT, {"document": SimpleUploadedFile("x.docx", build_docx([]))})
    apply = client.post(APPLY, {"token": token})
    expected = 302 if who == "anonymous_client" else 403
    assert upload.status_code == expected
    assert apply.status_code == expected
    assert client.get(IMPORT).status_code == expected
    assert _snapshot() == before


def test_the_previews_queries_do_not_grow_with_the_rows(sara_client, real_plan):
    committees = _coloured(real_plan)
    counts = []
    for part in (committees[:1], committees):
        with CaptureQueriesContext(connection) as queries:
            assert _upload(sara_client, build_docx(part)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_upload_form_is_in_nynorsk_by_default(sara_client, real_plan, settings):
    settings.LANGUAGE_CODE = "nn"
    page = sara_client.get(IMPORT, headers={"accept-language": "nn"}).content.decode()
    assert "Plandokumentet" in page or "plandokumentet" in page
