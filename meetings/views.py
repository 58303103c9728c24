"""Meetings: calendars and feeds for everyone, create and edit for organisers."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from actionplan.caching import PLAN_CONTENT
from actionplan.models import Committee
from helsefellesskap.content_versions import cached_fragment
from helsefellesskap.render_views import job_download, job_page, redirect_to_job
from helsefellesskap.uploads import STORAGE_UNAVAILABLE, log_storage_failure, storage_errors

from . import ical, services
from .caching import MEETINGS_CONTENT
from .filters import ActionPointFilter
from .forms import (
    ActionPointForm,
    AgendaItemFormSet,
    AttachmentForm,
    DraftAgendaForm,
    MeetingForm,
    MeetingSeriesForm,
    SeriesExceptionForm,
    agenda_formset_class,
)
from .models import (
    ActionPoint,
    AgendaItem,
    Attachment,
    Meeting,
    MeetingSeries,
)
from .prefill import draft_agenda
from .rights import (
    action_points_visible_to,
    can_export_minutes,
    can_organise_meeting,
    get_action_point_for_organiser,
    get_meeting_for_exporter,
    get_meeting_for_organiser,
    get_meeting_for_reader,
    get_minutes_export_for_user,
    get_series_for_organiser,
    meetings_visible_to,
    private_meeting_committee_ids,
    public_meetings,
    require_meeting_organiser,
)
from .schedule import entries_between, month_grid
from .tables import ActionPointTable

UPCOMING_DAYS = 120
PAGE_SIZE = 25


def _crumbs(*trail):
    """Breadcrumbs from the meetings' front page down to this page (its url None)."""
    return [(_("Meetings"), reverse("meetings:upcoming")), *trail]


def _paginate(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Calendars for everyone.


def upcoming(request):
    """What is on from today: meetings and the dates of the recurring series."""
    today = timezone.localdate()
    entries = entries_between(
        today, today + datetime.timedelta(days=UPCOMING_DAYS), user=request.user
    )
    return render(
        request,
        "meetings/upcoming.html",
        {
            "section": "upcoming",
            "page_obj": _paginate(request, entries),
            "days": UPCOMING_DAYS,
            "today": today,
            "can_organise": can_organise_meeting(request.user),
        },
    )


def month_today(request):
    today = timezone.localdate()
    return redirect("meetings:month", year=today.year, month=today.month)


def month(request, year, month):
    """A month as an accessible table, with links to the previous and next month."""
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    grid = month_grid(year, month, user=request.user)
    return render(
        request,
        "meetings/month.html",
        {"section": "month", "grid": grid, "today": timezone.localdate()},
    )


def meeting_list(request):
    """Every meeting record, newest first: the archive of agendas and minutes."""
    meetings = (
        meetings_visible_to(request.user)
        .for_list()
        .annotate(
            n_agenda_items=Count("agenda_items", distinct=True),
            n_action_points=Count("action_points", distinct=True),
        )
        .newest_first()
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {"page_obj": _paginate(request, meetings), "section": "all"},
    )


def meeting_detail(request, pk):
    meeting = get_meeting_for_reader(
        request,
        pk,
        Meeting.objects.with_agenda_and_action_points().prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(withdrawn=False)),
        ),
    )
    can_organise = can_organise_meeting(request.user, meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "can_organise": can_organise,
            "can_export_minutes": can_export_minutes(request.user, meeting),
            "breadcrumbs": _crumbs(
                (_("All meetings"), reverse("meetings:meeting_list")), (meeting.title, None)
            ),
            "attachment_form": AttachmentForm() if can_organise else None,
            "today": timezone.localdate(),
        },
    )


# --- Minutes as PDF, made by the worker like the annual report.


@login_required
@require_POST
def minutes_export_new(request, pk):
    """Ask for the meeting's minutes as PDF; returns at once to the export's page."""
    meeting = get_meeting_for_exporter(request, pk)
    export, created = services.minutes_export_request(meeting=meeting, by=request.user)
    return redirect_to_job(
        request,
        export,
        created=created,
        already_message=_("These minutes are already being made into a PDF; here they are."),
    )


@login_required
def minutes_export(request, pk):
    """One export. htmx polls this page for the state partial while the PDF is made."""
    export = get_minutes_export_for_user(request, pk)
    return job_page(
        request,
        template="meetings/minutes_export.html",
        partial="meetings/_minutes_export_state.html",
        context={
            "export": export,
            "meeting": export.meeting,
            "breadcrumbs": _crumbs(
                (export.meeting.title, export.meeting.get_absolute_url()),
                (_("Minutes as PDF"), None),
            ),
        },
    )


@login_required
def minutes_export_download(request, pk):
    return job_download(get_minutes_export_for_user(request, pk))


@login_required
@require_POST
def minutes_export_retry(request, pk):
    export = get_minutes_export_for_user(request, pk)
    return redirect_to_job(request, services.minutes_export_retry(export=export, by=request.user))


# --- Meetings: create and edit, with the agenda as a formset.


def _save_meeting(request, meeting, *, creating, draft=None, draft_form=None):
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    # A pre-filled draft agenda shows as unsaved forms the organiser can edit or leave empty.
    formset_class = agenda_formset_class(extra=len(draft) + 1) if draft else AgendaItemFormSet
    formset = formset_class(
        request.POST or None,
        instance=meeting,
        queryset=AgendaItem.objects.select_related("presenter"),
        prefix="agenda",
        initial=draft,
    )
    if request.method == "POST":
        # Validate both so that every error shows at once.
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            # The committee chosen decides who organises the meeting: check it too, so that
            # nobody moves a meeting into a committee they don't edit.
            candidate = services.meeting_save(
                meeting=form.save(commit=False), agenda=formset, by=request.user
            )
            messages.success(
                request, _("The meeting was created.") if creating else _("The meeting was saved.")
            )
            return redirect(candidate)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "formset": formset,
            "meeting": meeting,
            "creating": creating,
            "draft_form": draft_form,
        },
    )


@login_required
def meeting_create(request):
    """A new meeting; from a series it takes the series' details, and for a committee its
    agenda can be pre-filled with what is still open since the committee last met."""
    require_meeting_organiser(request.user)
    initial = Meeting()
    series_pk = request.GET.get("series")
    if series_pk and series_pk.isdigit():
        series = MeetingSeries.objects.filter(pk=series_pk).first()
        if series and can_organise_meeting(request.user, series):
            initial = series.new_meeting()
    draft = None
    draft_form = DraftAgendaForm(
        request.GET if "draft_for-committee" in request.GET else None,
        user=request.user,
        prefix="draft_for",
    )
    if request.method == "GET" and draft_form.is_bound and draft_form.is_valid():
        committee = draft_form.cleaned_data["committee"]
        require_meeting_organiser(request.user, committee)
        initial.committee = committee
        draft, previous = draft_agenda(committee, on_date=timezone.localdate())
        if previous is None:
            messages.info(
                request,
                _(
                    "The committee has no earlier meeting here, so only its open action points "
                    "were added."
                ),
            )
        messages.info(
            request,
            ngettext(
                "%(n)s agenda item was pre-filled. Check it before saving.",
                "%(n)s agenda items were pre-filled. Check them before saving.",
                len(draft),
            )
            % {"n": len(draft)},
        )
    return _save_meeting(request, initial, creating=True, draft=draft, draft_form=draft_form)


@login_required
def meeting_edit(request, pk):
    return _save_meeting(request, get_meeting_for_organiser(request, pk), creating=False)


@login_required
@require_POST
def attachment_add(request, pk):
    meeting = get_meeting_for_organiser(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                attachment=form.save(commit=False), meeting=meeting, by=request.user
            )
        except storage_errors():
            log_storage_failure("meeting_attachment")
            messages.error(request, STORAGE_UNAVAILABLE)
            return redirect(meeting)
        messages.success(request, _("The file was attached."))
    else:
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The file was not attached: %(errors)s") % {"errors": errors})
    return redirect(meeting)


def attachment_download(request, pk):
    """A meeting's file, served only to those who may read the meeting."""
    attachment = get_object_or_404(Attachment.objects.select_related("meeting"), pk=pk)
    get_meeting_for_reader(request, attachment.meeting_id)
    if attachment.withdrawn:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=False,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )


@login_required
@require_POST
def attachment_withdraw(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("meeting"), pk=pk)
    services.attachment_withdraw(attachment=attachment, by=request.user)
    messages.success(request, _("The file was removed from the meeting page."))
    return redirect(attachment.meeting)


# --- Action points.


def _save_action_point(request, point, meeting):
    form = ActionPointForm(request.POST or None, instance=point, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            point = services.action_point_save(
                point=form.save(commit=False), meeting=meeting, by=request.user
            )
            messages.success(request, _("The action point was saved."))
            return redirect(meeting)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request,
        "meetings/action_point_form.html",
        {"form": form, "meeting": meeting, "point": point},
    )


@login_required
def action_point_create(request, pk):
    meeting = get_meeting_for_organiser(request, pk)
    return _save_action_point(request, ActionPoint(committee=meeting.committee), meeting)


@login_required
def action_point_edit(request, pk):
    point = get_action_point_for_organiser(request, pk)
    return _save_action_point(request, point, point.meeting)


class ActionPointListView(SingleTableMixin, FilterView):
    """Every action point across meetings, filterable, as a paginated table.

    The filters, count and table are one fragment cached on the meetings' and the plan's
    content (issue 9): its filter choices and rows cost most of the page."""

    table_class = ActionPointTable
    filterset_class = ActionPointFilter
    template_name = "meetings/action_point_list.html"
    table_pagination = {"per_page": PAGE_SIZE}

    def get_queryset(self):
        return (
            action_points_visible_to(self.request.user)
            .for_list()
            .order_by(models.F("meeting__date").desc(nulls_last=True), "meeting_id", "order", "pk")
        )

    def get_table_kwargs(self):
        return {"request": self.request}

    def get_context_data(self, **kwargs):
        # Not SingleTableMixin's: the table is built only when its fragment is not cached.
        context = super(SingleTableMixin, self).get_context_data(**kwargs)
        query = self.request.GET
        context["section"] = "action_points"
        context["results_html"] = cached_fragment(
            "action-points",
            # Every parameter changes the rows, their order or the links in the fragment.
            sorted((name, query.getlist(name)) for name in query),
            # Which meetings the user may read, and "overdue", which changes at midnight.
            private_meeting_committee_ids(self.request.user),
            timezone.localdate(),
            render=self.render_results,
            contents=(MEETINGS_CONTENT, PLAN_CONTENT),
        )
        return context

    def render_results(self) -> str:
        """The filters, the count and the table (the page's cached fragment)."""
        context = {"filter": self.filterset, "table": self.get_table(**self.get_table_kwargs())}
        return render_to_string(
            "meetings/_action_point_results.html", context, request=self.request
        )


action_point_list = ActionPointListView.as_view()


# --- Series.


def series_list(request):
    series = MeetingSeries.objects.for_calendar().order_by("forum", "name")
    today = timezone.localdate()
    rows = [(one, one.next_occurrences(1, today=today)) for one in series]
    return render(
        request,
        "meetings/series_list.html",
        {"section": "series", "rows": rows, "can_organise": can_organise_meeting(request.user)},
    )


def series_detail(request, pk):
    series = get_object_or_404(MeetingSeries.objects.for_calendar(), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "meetings/series_detail.html",
        {
            "section": "series",
            "series": series,
            "breadcrumbs": _crumbs(
                (_("Meeting series"), reverse("meetings:series_list")), (series.name, None)
            ),
            "next": series.next_occurrences(8, today=today),
            "changes": [e for e in series.exceptions.all() if e.original_date >= today],
            "meetings": meetings_visible_to(request.user).filter(series=series).newest_first()[:10],
            "can_organise": can_organise_meeting(request.user, series),
        },
    )


def _save_series(request, series, *, creating):
    form = MeetingSeriesForm(request.POST or None, instance=series, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            candidate = services.series_save(series=form.save(commit=False), by=request.user)
            messages.success(request, _("The meeting series was saved."))
            return redirect(candidate)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "series": series, "creating": creating},
    )


@login_required
def series_create(request):
    require_meeting_organiser(request.user)
    return _save_series(request, MeetingSeries(), creating=True)


@login_required
def series_edit(request, pk):
    return _save_series(request, get_series_for_organiser(request, pk), creating=False)


@login_required
def series_exception_create(request, pk):
    """Cancel or move one date of a series."""
    series = get_series_for_organiser(request, pk)
    form = SeriesExceptionForm(request.POST or None, series=series)
    if request.method == "POST":
        if form.is_valid():
            services.series_change_save(change=form.save(commit=False), by=request.user)
            messages.success(request, _("The change to the date was saved."))
            return redirect(series)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
    return render(request, "meetings/exception_form.html", {"form": form, "series": series})


# --- iCalendar feeds: public meetings only, as subscribers are not logged in.


def _ics_response(request, name, filename, *, series=(), meetings=()):
    body = ical.build_calendar(
        name, series=series, meetings=meetings, absolute=request.build_absolute_uri
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def _public_meetings():
    return (
        public_meetings()
        .filter(date__isnull=False)
        .for_list()
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenter"))
        )
    )


def calendar_feed(request):
    """Every series and every public meeting."""
    return _ics_response(
        request,
        _("Helsefellesskap Møre og Romsdal – meetings"),
        "helsefellesskap-meetings",
        series=MeetingSeries.objects.for_calendar(),
        meetings=_public_meetings(),
    )


def series_feed(request, pk):
    series = get_object_or_404(MeetingSeries.objects.for_calendar(), pk=pk)
    return _ics_response(
        request,
        series.name,
        f"series-{series.pk}",
        series=[series],
        meetings=_public_meetings().filter(series=series),
    )


def committee_feed(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    return _ics_response(
        request,
        committee.name,
        f"committee-{slugify(committee.slug)}",
        series=MeetingSeries.objects.for_calendar().for_committee(committee),
        meetings=_public_meetings().filter(
            Q(committee=committee) | Q(committee__isnull=True, series__committee=committee)
        ),
    )


def meeting_feed(request, pk):
    """One meeting as an .ics file to download."""
    meeting = get_meeting_for_reader(
        request,
        pk,
        Meeting.objects.for_list().prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenter"))
        ),
    )
    if meeting.date is None:
        raise Http404(_("This meeting has no date."))
    response = _ics_response(request, meeting.title, f"meeting-{meeting.pk}", meetings=[meeting])
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def feeds_help(request):
    """Where the feeds are, for people who want to subscribe."""
    return render(
        request,
        "meetings/feeds.html",
        {
            "series": MeetingSeries.objects.order_by("name"),
            "committees": Committee.objects.filter(
                Q(meeting_series__isnull=False) | Q(meetings__isnull=False)
            ).distinct(),
            "all_url": request.build_absolute_uri(reverse("meetings:calendar_feed")),
            "section": "feeds",
        },
    )
