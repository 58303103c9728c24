"""Files rendered in the background: a database row plus a FileField, filled in by a worker.

Any document the portal renders asynchronously (the annual report, meeting minutes) is a concrete
subclass of `RenderJob` that names its renderer by a key and implements `filename()` and
`same_document()`, plus a one-line Celery task that calls `run_render_job(task, Model, pk)`. The
app that owns the document registers the renderer under that key in its `AppConfig.ready()`
(`register_renderer`), so a model never imports the code that lays out its PDF.
`request_render()` and `retry_render()` are the double-request guard every job shares;
`render_views` has the pages.
The row is created first and the page polls it; the worker claims it, renders, and records the
outcome. A half-written file is never offered: the row only points at a file once all of its
bytes are stored, in the same update that marks it done.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from helsefellesskap.uploads import STORAGE_UNAVAILABLE, log_storage_failure, storage_errors

logger = logging.getLogger(__name__)

# Celery kills a render after HARD seconds; SOFT gives the task time to record a clean failure.
RENDER_SOFT_TIME_LIMIT = int(getattr(settings, "RENDER_SOFT_TIME_LIMIT", 600))
RENDER_HARD_TIME_LIMIT = int(getattr(settings, "RENDER_HARD_TIME_LIMIT", 660))
# A job still "queued" this long after it was asked for lost its message (broker flushed/down).
RENDER_QUEUED_STUCK_AFTER = int(getattr(settings, "RENDER_QUEUED_STUCK_AFTER", 3600))
RENDER_MAX_RETRIES = 3
# A render killed at the hard limit is redelivered (acks_late); stop after this many attempts so
# a document too big to finish does not loop forever.
RENDER_MAX_ATTEMPTS = RENDER_MAX_RETRIES + 2

# What every render task is declared with: the row is claimed again if a worker dies mid-render.
RENDER_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": RENDER_SOFT_TIME_LIMIT,
    "time_limit": RENDER_HARD_TIME_LIMIT,
}

# Failures worth trying again on their own: the database or the file store blinked.
TRANSIENT_ERRORS = (DatabaseError, ConnectionError, TimeoutError)


#: The renderers by key: a function that takes the job and returns its RenderedFile.
_renderers: dict[str, "Callable[[RenderJob], RenderedFile]"] = {}


def register_renderer(key: str, render: "Callable[[RenderJob], RenderedFile]") -> None:
    """Make `render` the renderer of the jobs whose `renderer` is `key` (from AppConfig.ready)."""
    _renderers[key] = render


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


IN_FLIGHT = (JobState.QUEUED, JobState.RENDERING)


@dataclass(frozen=True)
class RenderedFile:
    """What a job's `render()` returns."""

    content: bytes
    pages: int | None = None


class RenderJobQuerySet(models.QuerySet):
    def in_flight(self):
        """Jobs a worker has yet to finish (queued or rendering), stuck ones included."""
        return self.filter(state__in=IN_FLIGHT)

    def stuck(self, now=None):
        """In-flight jobs that no worker will finish any more (see RenderJob.is_stuck)."""
        now = now or timezone.now()
        return self.filter(
            Q(state=JobState.RENDERING, started_at__lt=now - _rendering_grace())
            | Q(state=JobState.QUEUED, requested_at__lt=now - _queued_grace())
        )


def _rendering_grace() -> timedelta:
    # The hard limit plus a margin: a worker past it has been killed, or died.
    return timedelta(seconds=RENDER_HARD_TIME_LIMIT + 60)


def _queued_grace() -> timedelta:
    return timedelta(seconds=RENDER_QUEUED_STUCK_AFTER)


class RenderJob(models.Model):
    """A file rendered by a worker: who asked, when, how long it took, and the file."""

    state = models.CharField(
        _("state"), max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("reason for failure"), blank=True)
    # Worker attempts since the job was last asked for (a person's retry starts over).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), upload_to="renders/%Y/", blank=True)

    objects = RenderJobQuerySet.as_manager()

    # Subclasses name the Celery task that renders them, as an import path, and their renderer
    # by the key its app registered it under.
    task_name = ""
    renderer = ""

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]

    # --- What a concrete job provides.
    def render(self) -> RenderedFile:
        """Produce the file's bytes with the registered renderer. Runs in the worker."""
        return _renderers[self.renderer](self)

    def filename(self) -> str:
        """The file's download name."""
        raise NotImplementedError

    def same_document(self) -> models.QuerySet:
        """Every job of the same document as this one: the double-request guard's scope."""
        raise NotImplementedError

    # --- State as people see it.
    def is_stuck(self, now=None) -> bool:
        """In flight, but no worker will finish it: rendering past the hard time limit (the
        worker was killed or died), or queued so long that its message must be lost."""
        now = now or timezone.now()
        if self.state == JobState.RENDERING and self.started_at:
            return self.started_at < now - _rendering_grace()
        if self.state == JobState.QUEUED:
            return self.requested_at < now - _queued_grace()
        return False

    @property
    def shown_state(self) -> str:
        """The state to show: a stuck job shows as failed (and may be retried)."""
        return JobState.FAILED if self.is_stuck() else self.state

    @property
    def shown_error(self) -> str:
        if self.is_stuck():
            return str(_("The renderer stopped without finishing. Try again."))
        return self.error

    @property
    def in_flight(self) -> bool:
        return self.shown_state in IN_FLIGHT

    @property
    def can_retry(self) -> bool:
        return self.shown_state == JobState.FAILED

    @property
    def is_done(self) -> bool:
        return self.state == JobState.DONE and bool(self.file)

    # --- Transitions. Each is one conditional UPDATE, so two workers cannot both win.
    def claim(self) -> bool:
        """Mark this job rendering if it is still to do; False if it is done or failed.

        A job already "rendering" may be claimed again: that is a retry of the same task, or
        the message redelivered after its worker died (acks_late).
        """
        now = timezone.now()
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, state__in=IN_FLIGHT, attempts__lt=RENDER_MAX_ATTEMPTS)
            .update(
                state=JobState.RENDERING,
                started_at=now,
                attempts=models.F("attempts") + 1,
                error="",
            )
        )
        if claimed:
            self.refresh_from_db()
        return bool(claimed)

    def finish(self, rendered: RenderedFile) -> None:
        """Store the file, then point the row at it and mark it done in one update."""
        stored_name = self.file.storage.save(
            self.file.field.generate_filename(self, self.filename()), ContentFile(rendered.content)
        )
        now = timezone.now()
        fields = {
            "state": JobState.DONE,
            "file": stored_name,
            "finished_at": now,
            "duration": now - (self.started_at or now),
            "pages": rendered.pages,
            "size": len(rendered.content),
            "error": "",
        }
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def fail(self, reason: str) -> None:
        """Mark this job failed with a reason people can read; it may be retried."""
        now = timezone.now()
        fields = {
            "state": JobState.FAILED,
            "finished_at": now,
            "duration": (now - self.started_at) if self.started_at else None,
            "error": reason,
        }
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def requeue(self, note: str = "", *, fresh: bool = False) -> None:
        """Put a job back in the queue: after a transient error (counting on from its attempts),
        or afresh when a person asks again (its attempts start over)."""
        fields = {
            "state": JobState.QUEUED,
            "requested_at": timezone.now(),
            "started_at": None,
            "finished_at": None,
            "duration": None,
            "error": note,
            **({"attempts": 0} if fresh else {}),
        }
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def enqueue(self) -> None:
        """Send this job to the worker once the current transaction commits.

        If the broker cannot be reached the job is marked failed with that reason, so the
        person sees why and can retry later; nothing raises into the request.
        """
        transaction.on_commit(self._send)

    def _send(self) -> None:
        try:
            # Without a broker configured, apply_async runs the task in-process (eager).
            import_string(self.task_name).apply_async(args=[self.pk], retry=False)
        except Exception:
            # kombu raises OperationalError, redis ConnectionError, or OSError; all mean the
            # same to the person waiting: the queue is down.
            logger.exception("Could not enqueue %s %s", type(self).__name__, self.pk)
            self.fail(str(_("The task queue could not be reached. Try again in a few minutes.")))


def request_render(*, scope: models.QuerySet, create):
    """Ask for a document; returns (job, created).

    `scope` holds the jobs of the same document, `create()` makes the new row. If one is already
    queued or rendering it is returned and nothing new is rendered; a stuck one is failed and
    replaced. A partial unique constraint on the model settles a race between two requests.
    """
    with transaction.atomic():
        running = scope.in_flight().select_for_update().first()
        if running is not None and running.is_stuck():
            running.fail(str(_("The renderer stopped without finishing.")))
            running = None
        if running is not None:
            return running, False
        try:
            with transaction.atomic():
                job = create()
        except IntegrityError:
            # Another request created it between our read and our insert.
            return scope.in_flight().get(), False
        job.enqueue()
    job.refresh_from_db()  # the enqueue may have marked it failed (queue unreachable)
    return job, True


def retry_render(job):
    """Queue a failed (or stuck) job again; returns the job now in flight for its document."""
    model = type(job)
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=job.pk)
        if not job.can_retry:
            return job
        running = job.same_document().in_flight().exclude(pk=job.pk).first()
        if running is not None and not running.is_stuck():
            return running
        if running is not None:
            running.fail(str(_("The renderer stopped without finishing.")))
        job.requeue(fresh=True)
        job.enqueue()
    job.refresh_from_db()
    return job


def run_render_job(task, model, pk) -> None:
    """The body of every render task: claim the row, render, store; record any failure.

    Transient failures are retried with exponential backoff; anything else (and running out of
    retries or time) marks the job failed with a readable reason.
    """
    from celery.exceptions import SoftTimeLimitExceeded

    job = model.objects.filter(pk=pk).first()
    if job is None:
        return
    if not job.claim():
        if job.state in IN_FLIGHT:  # still in flight, but it has used up its attempts
            job.fail(str(_("Rendering was stopped %(n)s times; giving up.")) % {"n": job.attempts})
        return  # already done or failed: running twice changes nothing
    started = time.monotonic()
    try:
        rendered = job.render()
        try:
            job.finish(rendered)
        except storage_errors():
            # The file store (the object storage's endpoint) could not take the file: the row
            # points at nothing, and the person reads why instead of the client's error.
            log_storage_failure(f"{model.__name__} {pk}")
            job.fail(str(STORAGE_UNAVAILABLE))
            return
    except SoftTimeLimitExceeded:
        job.fail(str(_("Rendering took longer than the time limit.")))
    except TRANSIENT_ERRORS as exc:
        if task.request.retries < RENDER_MAX_RETRIES:
            job.requeue(note=str(_("A temporary error occurred; trying again.")))
            raise task.retry(exc=exc, countdown=2 ** (task.request.retries + 1)) from exc
        logger.exception("Render of %s %s failed after retries", model.__name__, pk)
        job.fail(str(_("A temporary error repeated; try again later. (%s)")) % exc)
    except Exception as exc:
        logger.exception("Render of %s %s failed", model.__name__, pk)
        job.fail(str(_("The document could not be rendered: %s")) % exc)
    else:
        logger.info(
            "Rendered %s %s in %.1f s (%s pages)",
            model.__name__,
            pk,
            time.monotonic() - started,
            job.pages,
        )
