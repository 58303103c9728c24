"""The pages every render job shares: its state (polled by htmx), its download, a retry.

Each app keeps its own thin views that find the job and check who may see it; these helpers do
the rest, so the annual report and the minutes behave the same way.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .render_jobs import JobState


def job_page(request, *, template: str, partial: str, context: dict):
    """A job's page; htmx polls the same URL and gets only the state partial."""
    return render(request, partial if request.htmx else template, context)


def job_download(job):
    """The finished file; only a job that is done has one to offer."""
    if not job.is_done:
        raise Http404(_("This document has no file yet."))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The document's file is missing.")) from missing
    return FileResponse(
        handle, as_attachment=True, filename=job.filename(), content_type="application/pdf"
    )


def redirect_to_job(request, job, *, created: bool = True, already_message: str = ""):
    """After asking for (or retrying) a job: to its page, saying why if it is not new or failed."""
    if not created:
        messages.info(request, already_message or _("This document is already being made."))
    elif job.state == JobState.FAILED:
        messages.error(request, job.error)
    return redirect(job)
