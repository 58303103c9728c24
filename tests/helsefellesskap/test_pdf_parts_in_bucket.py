"""The laid-out PDF parts kept in the object storage (STORAGE_BACKEND=s3), against moto's S3
server: shared by worker hosts that share nothing else, never taken half-written, bounded, and
never the reason a render fails."""

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from helsefellesskap import pdf_parts

pytestmark = pytest.mark.s3

PREFIX = "pdf-parts/"


def _html(body: str) -> str:
    return f'<html lang="nn"><head><title>Del</title></head><body>{body}</body></html>'


def _long_html(label: str) -> str:
    """A part of about 250 KiB: long enough to be cut off in the middle of its upload."""
    return _html("".join(f"<p>{label} {n}: tiltak og status.</p>" for n in range(400)))


def _text(part) -> str:
    return PdfReader(io.BytesIO(part.content)).pages[0].extract_text()


def part_names(s3) -> set[str]:
    listing = s3.list_objects_v2(Bucket=s3.bucket, Prefix=PREFIX)
    return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def part_bucket(settings, s3_storage, tmp_path):
    """The parts go to the test's bucket, as STORAGE_BACKEND=s3 configures them (the s3_storage
    fixture); the local folder is watched to show that nothing is kept on this host."""
    assert settings.PDF_PART_STORAGE == "pdf_parts"
    settings.PDF_PART_CACHE_DIR = tmp_path / "local-parts"
    settings.PDF_RENDER_WORKERS = 1
    return s3_storage


def _fresh_host_cache(settings) -> pdf_parts.BucketPartCache:
    """Another host's cache: a storage object and client of its own, nothing in common with
    this process's but the bucket."""
    return pdf_parts.BucketPartCache(S3Storage(**settings.STORAGES["pdf_parts"]["OPTIONS"]))


SECOND_HOST = """
import json, sys, django
django.setup()
from helsefellesskap import pdf_parts
htmls = json.load(open(sys.argv[1]))
parts = pdf_parts.render_parts(htmls)
print(json.dumps([[part.reused, len(part.content)] for part in parts]))
"""


def _render_on_another_host(tmp_path, moto_server, bucket: str, htmls: list[str]) -> list:
    """render_parts in a process of its own, configured from the environment as a worker host
    with STORAGE_BACKEND=s3 is, with its own (empty) local folders."""
    source = tmp_path / "htmls.json"
    source.write_text(json.dumps(htmls))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings",
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": moto_server.url,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing-key",
        "S3_SECRET_ACCESS_KEY": "testing-secret",
        "MEDIA_ROOT": str(tmp_path / "host-2-media"),
        "PDF_PART_CACHE_DIR": str(tmp_path / "host-2-parts"),
        "PDF_RENDER_WORKERS": "1",
    }
    result = subprocess.run(  # noqa: S603 - our interpreter and a fixed snippet
        [sys.executable, "-c", SECOND_HOST, str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "host-2-parts").exists()
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_second_worker_host_reuses_the_parts_the_first_laid_out(
    part_bucket, settings, tmp_path, moto_server
):
    first = pdf_parts.render_parts([_html("<p>Utval A</p>"), _html("<p>Utval B</p>")])
    assert [part.reused for part in first] == [False, False]
    assert len(part_names(part_bucket)) == 2
    assert not settings.PDF_PART_CACHE_DIR.exists()  # nothing kept on this host

    on_host_2 = _render_on_another_host(
        tmp_path,
        moto_server,
        part_bucket.bucket,
        [_html("<p>Utval A</p>"), _html("<p>Utval B</p>"), _html("<p>Utval C</p>")],
    )

    assert [reused for reused, _ in on_host_2] == [True, True, False]
    assert [size for _, size in on_host_2[:2]] == [len(part.content) for part in first]
    # And back: what host 2 laid out, a third cache with no state of its own reuses.
    third = pdf_parts.render_parts([_html("<p>Utval C</p>")], cache=_fresh_host_cache(settings))
    assert [part.reused for part in third] == [True]
    assert _text(third[0]).strip() == "Utval C"
    assert len(part_names(part_bucket)) == 3


def test_a_part_is_one_object_named_by_its_content_and_carrying_its_checksum(part_bucket):
    (part,) = pdf_parts.render_parts([_html("<p>Ein del</p>")])

    key = f"{PREFIX}{pdf_parts.part_key(_html('<p>Ein del</p>'))}.pdf"
    assert part_names(part_bucket) == {key}
    stored = part_bucket.get_object(Bucket=part_bucket.bucket, Key=key)
    assert stored["Body"].read() == part.content
    assert stored["Metadata"]["sha256"] == hashlib.sha256(part.content).hexdigest()


@pytest.fixture
def part_bucket_outage(part_bucket, s3_outage):
    """The bucket (the parts' too) reached through a forwarder the test can cut and restore."""
    return s3_outage


def test_an_upload_cut_off_midway_leaves_no_part_and_the_render_goes_on(
    part_bucket, part_bucket_outage
):
    html = _long_html("Avbroten")
    # The endpoint goes away once 32 KiB of the part have reached it.
    part_bucket_outage.cut_after = part_bucket_outage.sent_upstream + 32 * 1024
    before = part_bucket_outage.sent_upstream

    started = time.monotonic()
    (part,) = pdf_parts.render_parts([html])
    took = time.monotonic() - started

    reached = part_bucket_outage.sent_upstream - before
    assert 32 * 1024 < reached < len(part.content)  # the upload had begun and was cut short
    assert "Avbroten 0" in _text(part)  # the render has its part all the same
    assert part_names(part_bucket) == set()  # and no part of it is in the bucket
    assert took < 60

    part_bucket_outage.restore()
    (again,) = pdf_parts.render_parts([html])
    assert not again.reused  # nothing was kept to reuse: laid out and stored now
    (third,) = pdf_parts.render_parts([html])
    assert third.reused
    assert third.content == again.content


@pytest.fixture
def part_cache_warnings():
    """The warnings pdf_parts logs, caught on its own logger: the suite's ~2 000 earlier tests
    in one process may leave the root logger's level or handlers changed (a run without xdist
    lost this test's record that way), which caplog's root handler depends on."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger(pdf_parts.__name__)
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.disabled = False
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)
    logger.disabled = disabled


def test_a_render_while_the_bucket_is_unreachable_lays_out_every_part_and_asks_once(
    part_bucket, part_bucket_outage, part_cache_warnings
):
    part_bucket_outage.cut()

    parts = pdf_parts.render_parts([_html(f"<p>Del {n}</p>") for n in range(3)])

    assert [_text(part).strip() for part in parts] == ["Del 0", "Del 1", "Del 2"]
    assert not any(part.reused for part in parts)
    # The first failure turns the cache off for the rest of the render.
    failures = [r for r in part_cache_warnings if r.getMessage() == "pdf_part_cache_unavailable"]
    assert len(failures) == 1


def test_an_object_that_is_not_a_whole_part_is_never_used(part_bucket):
    html = _html("<p>Heil</p>")
    key = f"{PREFIX}{pdf_parts.part_key(html)}.pdf"
    # Half of some part, under the right name: what a store without atomic writes could leave.
    (whole,) = pdf_parts.render_parts([html])
    part_bucket.put_object(
        Bucket=part_bucket.bucket,
        Key=key,
        Body=whole.content[: len(whole.content) // 2],
        Metadata={"sha256": hashlib.sha256(whole.content).hexdigest()},
    )

    (part,) = pdf_parts.render_parts([html])

    assert not part.reused
    assert _text(part).strip() == "Heil"
    stored = part_bucket.get_object(Bucket=part_bucket.bucket, Key=key)["Body"].read()
    assert stored == part.content  # the half part is replaced by a whole one


def test_parts_unused_for_a_month_are_pruned_from_the_bucket(part_bucket, monkeypatch):
    pdf_parts.render_parts([_html("<p>Gammal</p>")])
    (old,) = part_names(part_bucket)
    in_a_month = time.time() + 31 * 86400
    monkeypatch.setattr(pdf_parts.time, "time", lambda: in_a_month)

    pdf_parts.render_parts([_html("<p>Ny</p>")])

    (left,) = part_names(part_bucket)
    assert left != old


def test_the_bucket_keeps_at_most_the_limit_of_parts_dropping_the_least_recently_used(
    part_bucket, settings
):
    settings.PDF_PART_CACHE_MAX_ENTRIES = 2
    names = []
    for n in range(3):
        pdf_parts.render_parts([_html(f"<p>Del {n}</p>")])
        names.append(f"{PREFIX}{pdf_parts.part_key(_html(f'<p>Del {n}</p>'))}.pdf")
        time.sleep(1.1)  # S3 keeps times to the second

    assert part_names(part_bucket) == set(names[1:])


def test_a_reused_part_has_its_use_recorded_once_a_day(part_bucket, monkeypatch):
    html = _html("<p>Brukt</p>")
    pdf_parts.render_parts([html])
    key = f"{PREFIX}{pdf_parts.part_key(html)}.pdf"
    written = part_bucket.head_object(Bucket=part_bucket.bucket, Key=key)["LastModified"]
    time.sleep(1.1)

    pdf_parts.render_parts([html])  # reused the same day: no write
    assert part_bucket.head_object(Bucket=part_bucket.bucket, Key=key)["LastModified"] == written

    tomorrow = time.time() + 2 * 86400
    monkeypatch.setattr(pdf_parts.time, "time", lambda: tomorrow)
    (part,) = pdf_parts.render_parts([html])
    assert part.reused
    touched = part_bucket.head_object(Bucket=part_bucket.bucket, Key=key)
    assert touched["LastModified"] > written
    assert touched["Metadata"]["sha256"] == hashlib.sha256(part.content).hexdigest()
