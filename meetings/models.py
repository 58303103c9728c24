"""Meetings: recurring series, single meetings with agenda and minutes, and action points."""

import datetime
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplan.models import Committee, Measure, Person
from helsefellesskap.render_jobs import IN_FLIGHT, RenderJob, RenderJobQuerySet
from helsefellesskap.text import norwegian_slug
from helsefellesskap.uploads import Container, container_of

# Meetings happen in Møre og Romsdal: times are wall-clock times there, whatever the server's zone.
OSLO = ZoneInfo("Europe/Oslo")


class Forum(models.TextChoices):
    """Where in the health community's structure a meeting series belongs."""

    SSU = "ssu", _("SSU – strategic collaboration committee")
    LSU = "lsu", _("LSU – local collaboration committee")
    COMMITTEE = "committee", _("Professional collaboration committee")
    COUNTY = "county", _("County-wide meeting")
    PKO = "pko", _("Practice consultants (PKO)")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every other week")
    MONTHLY = "monthly", _("Once a month")


class Weekday(models.IntegerChoices):
    """Weekdays numbered as Python and dateutil number them (Monday = 0)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


def local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """An aware datetime for a wall-clock time in Oslo on a given day."""
    return datetime.datetime.combine(day, time, tzinfo=OSLO)


@dataclass(frozen=True)
class Occurrence:
    """One computed date of a series, after cancellations and moves."""

    series: "MeetingSeries"
    original_date: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    cancelled: bool = False
    moved: bool = False
    note: str = ""

    @property
    def date(self) -> datetime.date:
        return self.start.date()


class MeetingSeriesQuerySet(models.QuerySet):
    def for_calendar(self):
        """Series with what occurrence computing needs: exceptions and dated meetings."""
        return self.select_related("committee", "leader").prefetch_related(
            "exceptions",
            models.Prefetch(
                "meetings",
                queryset=Meeting.objects.filter(date__isnull=False).only("pk", "series", "date"),
                to_attr="dated_meetings",
            ),
        )

    def for_committee(self, committee):
        """Series held by one committee."""
        return self.filter(committee=committee)


class MeetingSeries(models.Model):
    """A recurring meeting (samarbeidsmøte) with its schedule, e.g. Mondays 12:30–13:30."""

    name = models.CharField(_("name"), max_length=300)
    forum = models.CharField(_("forum"), max_length=20, choices=Forum.choices)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_series",
        help_text=_("For a committee's own meetings; its editors may then organise them."),
    )
    participants = models.TextField(_("who takes part"), blank=True)
    leader = models.ForeignKey(
        Person,
        verbose_name=_("led by (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_meeting_series",
    )
    led_by = models.CharField(
        _("led by"),
        max_length=300,
        blank=True,
        help_text=_("As the source says it, e.g. a role rather than a name."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    weekdays = models.JSONField(
        _("weekdays"), default=list, help_text=_("Weekday numbers, Monday = 0.")
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("For monthly meetings: e.g. the first Tuesday of the month."),
    )
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    schedule_confirmed = models.BooleanField(
        _("schedule confirmed"),
        default=True,
        help_text=_(
            "Untick while the schedule is only a draft or its period is unknown: the series then "
            "shows no dates on the calendars and says it is not confirmed."
        ),
    )

    objects = MeetingSeriesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:series", args=[self.pk])

    def new_meeting(self) -> "Meeting":
        """An unsaved meeting of this series, with its committee, place, link, times and name."""
        return Meeting(
            series=self,
            committee=self.committee,
            place=self.place,
            video_link=self.video_link,
            start_time=self.start_time,
            end_time=self.end_time,
            title=self.name,
        )

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting must end after it starts.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of the period cannot be before its start.")
        if not self.weekdays or not all(
            isinstance(day, int) and 0 <= day <= 6 for day in self.weekdays
        ):
            errors["weekdays"] = _("Choose at least one weekday.")
        if self.frequency == Frequency.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = _("Say which week of the month the meeting is held.")
        if self.forum == Forum.COMMITTEE and self.committee_id is None:
            errors["committee"] = _("Choose the committee that holds these meetings.")
        if errors:
            raise ValidationError(errors)

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(day).label for day in sorted(self.weekdays)]

    def rrule_parts(self) -> dict:
        """The recurrence as keyword arguments for dateutil.rrule (and, upper-cased, RRULE)."""
        days = [rrule.weekday(day) for day in sorted(self.weekdays)]
        if self.frequency == Frequency.MONTHLY:
            days = [day(self.week_of_month) for day in days]
        return {
            "freq": rrule.MONTHLY if self.frequency == Frequency.MONTHLY else rrule.WEEKLY,
            "interval": 2 if self.frequency == Frequency.BIWEEKLY else 1,
            "byweekday": days,
            "wkst": rrule.MO,
        }

    def recurrence(self) -> rrule.rrule:
        """The schedule as naive Oslo wall-clock datetimes.

        Naive on purpose: a 12:30 meeting stays at 12:30 local time across the change to and
        from summer time; the zone is attached afterwards.
        """
        key = (
            self.valid_from,
            self.valid_until,
            self.start_time,
            self.frequency,
            tuple(self.weekdays),
            self.week_of_month,
        )
        # Feeds and lists ask many dates of one series: build (and let dateutil cache) it once.
        if getattr(self, "_recurrence_key", None) != key:
            until = None
            if self.valid_until:
                until = datetime.datetime.combine(self.valid_until, datetime.time.max)
            self._recurrence = rrule.rrule(
                dtstart=datetime.datetime.combine(self.valid_from, self.start_time),
                until=until,
                cache=True,
                **self.rrule_parts(),
            )
            self._recurrence_key = key
        return self._recurrence

    def first_date(self) -> datetime.date | None:
        """The first date the schedule gives (valid_from need not be a meeting day)."""
        first = self.recurrence().after(
            datetime.datetime.combine(self.valid_from, datetime.time.min), inc=True
        )
        return first.date() if first else None

    def _duration(self) -> datetime.timedelta:
        day = datetime.date(2000, 1, 1)
        return datetime.datetime.combine(day, self.end_time) - datetime.datetime.combine(
            day, self.start_time
        )

    def is_scheduled_on(self, day: datetime.date) -> bool:
        """Is `day` one of the dates the schedule gives (before any exception)?"""
        start = datetime.datetime.combine(day, self.start_time)
        return self.recurrence().after(start, inc=True) == start

    def occurrences(
        self,
        start: datetime.date,
        end: datetime.date,
        *,
        include_cancelled: bool = False,
        skip_dates_with_meeting: bool = True,
    ) -> list[Occurrence]:
        """The meetings of this series between two dates (inclusive), in Oslo time.

        Cancelled dates are left out (or flagged with include_cancelled); moved dates appear at
        their new time, also when the move takes them into the window from outside it. A date
        that has its own Meeting record is left out, as the Meeting stands for it. A series
        whose schedule is not confirmed has no dates.
        """
        if not self.schedule_confirmed:
            return []
        exceptions = {exc.original_date: exc for exc in self.exceptions.all()}
        taken = set()
        if skip_dates_with_meeting:
            dated = getattr(self, "dated_meetings", None)
            if dated is None:
                dated = self.meetings.filter(date__isnull=False).only("date")
            taken = {meeting.date for meeting in dated}
        duration = self._duration()
        result = []
        # Moves may bring a date in from outside the window: widen the search by a margin.
        margin = datetime.timedelta(days=62)
        window = self.recurrence().between(
            datetime.datetime.combine(start - margin, datetime.time.min),
            datetime.datetime.combine(end + margin, datetime.time.max),
            inc=True,
        )
        for naive in window:
            day = naive.date()
            if day in taken:
                continue
            exc = exceptions.get(day)
            if exc is None:
                begins = local_datetime(day, self.start_time)
                occurrence = Occurrence(self, day, begins, begins + duration)
            elif exc.cancelled:
                if not include_cancelled:
                    continue
                begins = local_datetime(day, self.start_time)
                occurrence = Occurrence(
                    self, day, begins, begins + duration, cancelled=True, note=exc.note
                )
            else:
                begins = exc.new_start.astimezone(OSLO)
                ends = exc.new_end.astimezone(OSLO) if exc.new_end else begins + duration
                occurrence = Occurrence(self, day, begins, ends, moved=True, note=exc.note)
            if start <= occurrence.date <= end:
                result.append(occurrence)
        result.sort(key=lambda occ: occ.start)
        return result

    def next_occurrences(self, count: int = 5, *, today=None) -> list[Occurrence]:
        """The next `count` meetings from today on."""
        today = today or timezone.localdate()
        if self.valid_until and self.valid_until < today:
            return []
        horizon = 31 if self.frequency != Frequency.MONTHLY else 93
        found: list[Occurrence] = []
        start = today
        # Cancellations can empty a window; a bounded number of windows keeps this finite.
        for _window in range(12):
            end = start + datetime.timedelta(days=horizon * 2)
            found.extend(self.occurrences(start, end))
            if len(found) >= count:
                break
            start = end + datetime.timedelta(days=1)
        return found[:count]


class SeriesException(models.Model):
    """A single date of a series that is cancelled or moved to another time."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="exceptions")
    original_date = models.DateField(_("original date"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_start = models.DateTimeField(_("moved to (start)"), null=True, blank=True)
    new_end = models.DateTimeField(_("moved to (end)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["original_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_date"], name="one_exception_per_series_date"
            )
        ]
        verbose_name = _("change to a single date")
        verbose_name_plural = _("changes to single dates")

    def __str__(self):
        return f"{self.series} {self.original_date}"

    def clean(self):
        if self.cancelled and self.new_start:
            raise ValidationError(_("A date is either cancelled or moved, not both."))
        if not self.cancelled and not self.new_start:
            raise ValidationError(_("Either cancel the date or give its new time."))
        if self.new_start and self.new_end and self.new_end <= self.new_start:
            raise ValidationError({"new_end": _("The meeting must end after it starts.")})
        if (
            self.series_id
            and self.original_date
            and not self.series.is_scheduled_on(self.original_date)
        ):
            raise ValidationError({"original_date": _("The series has no meeting on this date.")})


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        """Meetings from today on, soonest first."""
        today = today or timezone.localdate()
        return self.filter(date__gte=today).order_by("date", "start_time", "pk")

    def in_range(self, start, end):
        """Meetings dated between two dates (inclusive)."""
        return self.filter(date__gte=start, date__lte=end)

    def for_list(self):
        """Join what a meeting list shows beside a meeting."""
        return self.select_related("series", "committee")

    def with_agenda_and_action_points(self):
        """Join what a meeting's page and its minutes show: agenda and action points."""
        return self.for_list().prefetch_related(
            models.Prefetch(
                "agenda_items", queryset=AgendaItem.objects.select_related("presenter")
            ),
            models.Prefetch("action_points", queryset=ActionPoint.objects.for_list()),
        )

    def newest_first(self):
        """Dated meetings newest first; meetings whose date is unknown last."""
        return self.order_by(
            models.F("date").desc(nulls_last=True), models.F("start_time").desc(), "-pk"
        )


class Meeting(models.Model):
    """One meeting: its time and place, purpose, agenda, minutes and attachments.

    Date and times are separate, nullable fields so that a record taken from a document that
    gives no date (or no time) says so instead of showing an invented one.
    """

    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("A committee's meetings are organised by its editors."),
    )
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    date_note = models.CharField(
        _("about the date"),
        max_length=300,
        blank=True,
        help_text=_("E.g. why the date is not known."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    purpose = models.TextField(_("purpose of the meeting"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Public meetings can be read by everyone.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The document this record was taken from."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time", "pk"]
        indexes = [models.Index(fields=["date", "start_time"])]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    def clean(self):
        if (self.start_time or self.end_time) and not self.date:
            raise ValidationError({"date": _("A time needs a date.")})
        if self.end_time and not self.start_time:
            raise ValidationError({"start_time": _("Give the start time as well.")})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The meeting must end after it starts.")})

    @property
    def start(self) -> datetime.datetime | None:
        """Aware start in Oslo, when date and time are known."""
        if self.date and self.start_time:
            return local_datetime(self.date, self.start_time)
        return None

    @property
    def end(self) -> datetime.datetime | None:
        """Aware end in Oslo, when date and end time are known."""
        if self.date and self.end_time:
            return local_datetime(self.date, self.end_time)
        return None

    @property
    def organising_committee(self):
        """The committee whose editors organise this meeting (its own, else its series')."""
        if self.committee_id:
            return self.committee
        if self.series_id:
            return self.series.committee
        return None


class AgendaItem(models.Model):
    """An item (sak) on a meeting's agenda; for dialogue meetings a question and its summary."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=500)
    presenter = models.ForeignKey(
        Person,
        verbose_name=_("presenter (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    presenter_text = models.CharField(
        _("presenter"), max_length=300, blank=True, help_text=_("As the agenda writes it.")
    )
    description = models.TextField(_("description"), blank=True)
    question = models.TextField(_("question"), blank=True)
    answers = models.TextField(_("answers"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title

    @property
    def presenter_name(self) -> str:
        if self.presenter_text:
            return self.presenter_text
        return self.presenter.name if self.presenter else ""


ATTACHMENT_EXTENSIONS = ["pdf", "pptx", "ppt", "docx", "doc", "odp", "odt", "xlsx"]
# What kind of file each extension must be by its first bytes: the extension alone is easy to fake.
_CONTAINERS = {
    "pdf": Container.PDF,
    "pptx": Container.ZIP,
    "docx": Container.ZIP,
    "xlsx": Container.ZIP,
    "odp": Container.ZIP,
    "odt": Container.ZIP,
    "ppt": Container.OLE2,
    "doc": Container.OLE2,
}


def attachment_max_bytes() -> int:
    return getattr(settings, "MEETING_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


def validate_attachment(upload) -> None:
    """Refuse files that are too large or whose content is not what their name says."""
    limit = attachment_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB."),
            params={"size": round(upload.size / 1024 / 1024, 1), "limit": limit // 1024 // 1024},
            code="too_large",
        )
    extension = Path(upload.name).suffix.lower().lstrip(".")
    found = container_of(upload)  # read even for an unknown extension: it rewinds the upload
    if found is None or found != _CONTAINERS.get(extension):
        raise ValidationError(
            _("The file's content does not match its type (.%(extension)s)."),
            params={"extension": extension},
            code="wrong_content",
        )


def attachment_path(instance, filename):
    return f"meetings/{instance.meeting_id}/{filename}"


class Attachment(models.Model):
    """A file belonging to a meeting: slides, a PDF, a document."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        validators=[
            FileExtensionValidator(
                ATTACHMENT_EXTENSIONS,
                message=_(
                    "Files of type .%(extension)s cannot be attached. "
                    "Allowed types: %(allowed_extensions)s."
                ),
            ),
            validate_attachment,
        ],
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn = models.BooleanField(
        _("withdrawn"), default=False, help_text=_("Hidden from the meeting page, kept on file.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return Path(self.file.name).suffix.lower().lstrip(".")


class ActionPointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (ActionPointStatus.OPEN, ActionPointStatus.IN_PROGRESS)
FOLLOW_UP_ORDER = (
    ActionPointStatus.OPEN,
    ActionPointStatus.IN_PROGRESS,
    "",
    ActionPointStatus.DONE,
    ActionPointStatus.DROPPED,
)


class ActionPointQuerySet(models.QuerySet):
    def for_list(self):
        """Join what an action point list shows beside each point."""
        return self.select_related(
            "meeting", "contact_person", "committee", "measure__goal__committee"
        )

    def open(self):
        """Action points still to be followed up (open or in progress)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        """Open action points past their due date."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def for_measure(self, measure):
        """Action points linked to a plan measure, for the measure's page."""
        return (
            self.filter(measure=measure)
            .for_list()
            .annotate(
                # Open ones first: they are what the measure's page is read for.
                follow_up_rank=models.Case(
                    *[
                        models.When(status=status, then=rank)
                        for rank, status in enumerate(FOLLOW_UP_ORDER)
                    ],
                    default=len(FOLLOW_UP_ORDER),
                )
            )
            .order_by("follow_up_rank", models.F("due_date").asc(nulls_last=True), "pk")
        )

    def open_for_committee(self, committee):
        """A committee's open action points (its own, or from its meetings)."""
        return (
            self.open()
            .filter(
                Q(committee=committee) | Q(committee__isnull=True, meeting__committee=committee)
            )
            .for_list()
            .order_by(models.F("due_date").asc(nulls_last=True), "pk")
        )


class ActionPoint(models.Model):
    """An action point (aksjonspunkt) agreed in a meeting, followed up until done or dropped."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_points"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    topic = models.CharField(
        _("topic"), max_length=300, blank=True, help_text=_("The heading it was agreed under.")
    )
    text = models.TextField(_("action point"))
    contact_person = models.ForeignKey(
        Person,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    responsible_organisation = models.CharField(
        _("responsible organisation"), max_length=300, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActionPointStatus.choices,
        default=ActionPointStatus.OPEN,
        blank=True,
        help_text=_("Left empty where the source does not say."),
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("plan measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionPointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("meetings:action_point_edit", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class MinutesExportQuerySet(RenderJobQuerySet):
    def for_meeting(self, meeting):
        """The exports of one meeting, newest first."""
        return self.filter(meeting=meeting)


class MinutesExport(RenderJob):
    """A meeting's agenda, minutes and action points as a PDF, rendered by a worker."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        # An export is derived from the meeting: it goes when the meeting does.
        on_delete=models.CASCADE,
        related_name="minutes_exports",
    )

    objects = MinutesExportQuerySet.as_manager()
    task_name = "meetings.tasks.render_minutes"
    renderer = "meetings.minutes"

    class Meta(RenderJob.Meta):
        verbose_name = _("minutes as PDF")
        verbose_name_plural = _("minutes as PDF")
        constraints = [
            # The double-request guard, enforced by the database: one export of a meeting in
            # flight at a time.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(state__in=IN_FLIGHT),
                name="one_minutes_export_in_flight_per_meeting",
            )
        ]

    def __str__(self):
        return f"{self.meeting} (PDF)"

    def get_absolute_url(self):
        return reverse("meetings:minutes_export", args=[self.pk])

    def filename(self) -> str:
        day = self.meeting.date.isoformat() if self.meeting.date else "utan-dato"
        return f"referat-{day}-{norwegian_slug(self.meeting.title)[:60] or self.meeting_id}.pdf"

    def same_document(self):
        return MinutesExport.objects.for_meeting(self.meeting_id)
