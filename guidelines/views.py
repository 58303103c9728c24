"""Guideline pages: the library, reading, versions, PDF, and the editors' pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helsefellesskap.exports import set_download_name
from helsefellesskap.pdf import html_to_pdf
from helsefellesskap.uploads import STORAGE_UNAVAILABLE, log_storage_failure, storage_errors

from . import services
from .attachments import CONTENT_TYPES
from .diff import text_diff
from .filters import GuidelineFilter
from .forms import (
    AttachmentForm,
    CompareForm,
    GuidelineCreateForm,
    GuidelineDetailsForm,
    PublishVersionForm,
)
from .models import Guideline, GuidelineAttachment, GuidelineVersion
from .rights import (
    can_create_guideline,
    can_edit_guideline,
    get_guideline,
    get_guideline_for_editor,
    guidelines_owned_by_editor,
    owns_every_guideline,
)
from .search import snippet_html

PAGE_SIZE = 20


# --- Reading --------------------------------------------------------------------------------


def _crumbs(guideline=None, *trail):
    """The trail below the front page: the library, the guideline, then this page's own."""
    library = (_("Shared guidelines"), reverse("guidelines:library"))
    if guideline is None:
        return [library, *trail]
    return [library, (guideline.title, guideline.get_absolute_url()), *trail]


def library(request):
    """All guidelines: search, filters by committee, priority group and status, pages."""
    queryset = Guideline.objects.for_library()
    guideline_filter = GuidelineFilter(request.GET or None, queryset=queryset)
    results = guideline_filter.qs if guideline_filter.is_bound else queryset
    query = guideline_filter.form.cleaned_data.get("q", "") if guideline_filter.is_valid() else ""
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    for guideline in page:
        guideline.snippet = snippet_html(guideline, query) if query else ""
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "guidelines/library.html",
        {
            "filter": guideline_filter,
            "page": page,
            "query": query,
            "page_params": params.urlencode(),
            "can_create": can_create_guideline(request.user),
            "breadcrumbs": [(_("Shared guidelines"), None)],
        },
    )


def detail(request, slug):
    """One guideline: the text with its table of contents, status, dates and attachments."""
    guideline = get_guideline(slug)
    return render(
        request,
        "guidelines/detail.html",
        {
            "guideline": guideline,
            "attachments": guideline.attachments.active(),
            "latest_version": guideline.versions.first(),
            "can_edit": can_edit_guideline(request.user, guideline),
            "breadcrumbs": _crumbs(None, (guideline.title, None)),
        },
    )


def pdf(request, slug):
    """The guideline as a PDF, rendered on request (one guideline renders in about a second)."""
    guideline = get_guideline(slug)
    if guideline.full_text_elsewhere:  # no empty PDF: the page names the source document
        return redirect(guideline)
    html = render_to_string(
        "guidelines/pdf.html",
        {
            "guideline": guideline,
            "latest_version": guideline.versions.first(),
            "page_url": request.build_absolute_uri(guideline.get_absolute_url()),
        },
        request=request,
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    filename = f"{guideline.slug}.pdf"
    set_download_name(response, filename)
    return response


def attachment(request, slug, pk):
    """Download an attachment (removed ones are gone for readers)."""
    item = get_object_or_404(GuidelineAttachment.objects.active(), pk=pk, guideline__slug=slug)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=CONTENT_TYPES[item.kind],
    )


def versions(request, slug):
    """The version history: every published version with date, who and change note."""
    guideline = get_guideline(slug)
    history = list(guideline.versions.select_related("published_by"))
    return render(
        request,
        "guidelines/versions.html",
        {
            "guideline": guideline,
            "versions": history,
            "compare_form": _compare_form(history),
            "breadcrumbs": _crumbs(guideline, (_("Version history"), None)),
        },
    )


def version(request, slug, number):
    """An earlier (or the current) version's text, readable as it was published."""
    guideline = get_guideline(slug)
    shown = get_object_or_404(
        GuidelineVersion.objects.select_related("published_by"), guideline=guideline, number=number
    )
    return render(
        request,
        "guidelines/version.html",
        {
            "guideline": guideline,
            "version": shown,
            "rendered": shown.rendered(),
            "is_current": shown.number == guideline.versions.first().number,
            "breadcrumbs": _crumbs(
                guideline,
                (_("Version history"), reverse("guidelines:versions", args=[guideline.slug])),
                (_("Version %(number)s") % {"number": shown.number}, None),
            ),
        },
    )


def _compare_form(history, data=None):
    numbers = [v.number for v in history]
    initial = {"b": numbers[0], "a": numbers[1]} if len(numbers) > 1 else {}
    return CompareForm(data, numbers=numbers, initial=initial)


def compare(request, slug):
    """The difference between two versions (?a=older&b=newer), line by line."""
    guideline = get_guideline(slug)
    history = list(guideline.versions.select_related("published_by"))
    if len(history) < 2:
        messages.info(request, _("This guideline has only one version so far."))
        return redirect("guidelines:versions", slug=slug)
    form = _compare_form(history, request.GET if "a" in request.GET else None)
    if form.is_bound and form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    else:
        a, b = history[1].number, history[0].number
    by_number = {v.number: v for v in history}
    old, new = by_number[min(a, b)], by_number[max(a, b)]
    return render(
        request,
        "guidelines/compare.html",
        {
            "guideline": guideline,
            "old": old,
            "new": new,
            "compare_form": form,
            "title_changed": old.title != new.title,
            "summary_hunks": text_diff(old.summary, new.summary),
            "body_hunks": text_diff(old.body, new.body),
            "breadcrumbs": _crumbs(
                guideline,
                (_("Version history"), reverse("guidelines:versions", args=[guideline.slug])),
                (_("Compare"), None),
            ),
        },
    )


# --- Managing (owning committee's editors and the secretariat) -----------------------------


@login_required
def review_due(request):
    """Guidelines past their review date, for the people who must review them."""
    if not can_create_guideline(request.user):
        raise PermissionDenied
    due = (
        guidelines_owned_by_editor(request.user, Guideline.objects.review_due())
        .select_related("committee")
        .order_by("next_review_on", "title")
    )
    no_source = (
        guidelines_owned_by_editor(request.user, Guideline.objects.source_missing())
        .select_related("committee")
        .order_by("title")
    )
    return render(
        request,
        "guidelines/review_due.html",
        {
            "guidelines": due,
            "no_source": no_source,
            "owns_every_guideline": owns_every_guideline(request.user),
            "breadcrumbs": _crumbs(None, (_("Due for review"), None)),
        },
    )


@login_required
def create(request):
    """A new guideline; its text becomes version 1."""
    if not can_create_guideline(request.user):
        raise PermissionDenied
    form = GuidelineCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        guideline = services.guideline_create(
            guideline=form.save(commit=False),
            priority_groups=form.cleaned_data["priority_groups"],
            change_note=form.cleaned_data["change_note"],
            by=request.user,
        )
        messages.success(request, _("The guideline was created."))
        return redirect(guideline)
    return render(
        request,
        "guidelines/form.html",
        {
            "form": form,
            "creating": True,
            "breadcrumbs": _crumbs(None, (_("New guideline"), None)),
        },
    )


@login_required
def edit(request, slug):
    """Change a guideline's owner, status, dates and source."""
    guideline = get_guideline_for_editor(request, slug)
    form = GuidelineDetailsForm(request.POST or None, instance=guideline, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.guideline_details_save(
            guideline=form.save(commit=False),
            priority_groups=form.cleaned_data["priority_groups"],
            by=request.user,
        )
        messages.success(request, _("The guideline's details were saved."))
        return redirect(guideline)
    return render(
        request,
        "guidelines/form.html",
        {
            "form": form,
            "guideline": guideline,
            "breadcrumbs": _crumbs(guideline, (_("Edit details"), None)),
        },
    )


@login_required
def publish(request, slug):
    """Publish changed text as the next numbered version, with a change note."""
    guideline = get_guideline_for_editor(request, slug)
    form = PublishVersionForm(request.POST or None, guideline=guideline)
    if request.method == "POST" and form.is_valid():
        published = guideline.publish_version(**form.cleaned_data, by=request.user)
        messages.success(
            request, _("Version %(number)s was published.") % {"number": published.number}
        )
        return redirect(guideline)
    return render(
        request,
        "guidelines/publish.html",
        {
            "form": form,
            "guideline": guideline,
            "breadcrumbs": _crumbs(guideline, (_("Publish a new version"), None)),
        },
    )


@login_required
def attachments(request, slug):
    """Upload an attachment (PDF or Word) and list the current ones for removal."""
    guideline = get_guideline_for_editor(request, slug)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                services.guideline_attachment_add(
                    guideline=guideline,
                    uploaded=uploaded,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                    by=request.user,
                )
            except storage_errors():
                log_storage_failure("guideline_attachment")
                messages.error(request, STORAGE_UNAVAILABLE)
                return _attachments_page(request, guideline, form, status=503)
            messages.success(request, _("The attachment was uploaded."))
            return redirect("guidelines:attachments", slug=slug)
        messages.error(request, _("The attachment was not uploaded. See the message below."))
    return _attachments_page(
        request, guideline, form, status=400 if form.is_bound and form.errors else 200
    )


def _attachments_page(request, guideline, form, *, status):
    return render(
        request,
        "guidelines/attachments.html",
        {
            "guideline": guideline,
            "form": form,
            "attachments": guideline.attachments.active(),
            "breadcrumbs": _crumbs(guideline, (_("Attachments"), None)),
            "max_size": settings.GUIDELINE_ATTACHMENT_MAX_BYTES,
        },
        status=status,
    )


@login_required
@require_POST
def remove_attachment(request, slug, pk):
    """Hide an attachment from readers (kept on record, never deleted)."""
    guideline = get_guideline_for_editor(request, slug)
    item = get_object_or_404(guideline.attachments.active(), pk=pk)
    item.remove(by=request.user)
    messages.success(request, _("«%(title)s» was removed.") % {"title": item.title})
    return redirect("guidelines:attachments", slug=slug)
