"""Shared guidelines (felles retningsliner): the text, its published versions and attachments."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplan.models import Committee, PriorityGroup

from .markdown import render_markdown
from .search import guideline_search_vector, search_guidelines, uses_full_text_search

# Slugs that would collide with the fixed paths under /guidelines/.
RESERVED_SLUGS = {"new", "review-due"}
# A guideline with no review date whose last update is older than this gets a warning.
UNREVIEWED_AFTER_YEARS = 3
# slugify() would drop these letters; readable addresses keep them as their usual spellings.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


class GuidelineStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    UNDER_REVISION = "under_revision", _("Under revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GuidelineSource(models.TextChoices):
    OWN = "own", _("Own (the health community's)")
    NATIONAL = "national", _("National")


class GuidelineQuerySet(models.QuerySet):
    def in_force(self):
        """Guidelines currently in force (for the annual report: with `last_updated_on`)."""
        return self.filter(status=GuidelineStatus.IN_FORCE)

    def source_missing(self):
        """Guidelines in use whose text lives elsewhere but has no source address yet."""
        return self.exclude(status=GuidelineStatus.WITHDRAWN).filter(
            full_text_elsewhere=True, source_url=""
        )

    def review_due(self, today=None):
        """Guidelines not withdrawn whose next review date has passed."""
        today = today or timezone.localdate()
        return self.exclude(status=GuidelineStatus.WITHDRAWN).filter(next_review_on__lt=today)

    def for_library(self):
        """Join what the library list shows beside each guideline."""
        return self.select_related("committee").prefetch_related("priority_groups")

    def search(self, text):
        """Guidelines matching a free-text search, best first (see guidelines/search.py)."""
        return search_guidelines(self, text)

    def refresh_search_vectors(self) -> None:
        """Recompute the stored search vector of these guidelines (PostgreSQL only)."""
        if uses_full_text_search():
            self.update(search_vector=guideline_search_vector())


class Guideline(models.Model):
    """A shared guideline: its current text (Markdown, rendered and cached) and its metadata.

    `title`, `summary` and `body` always equal the newest GuidelineVersion; change them through
    `publish_version` so each change is numbered and noted.
    """

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: # headings, numbered and bulleted lists.")
    )
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    toc = models.JSONField(editable=False, default=list, blank=True)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("owning committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guidelines",
    )
    priority_groups = models.ManyToManyField(
        PriorityGroup,
        verbose_name=_("priority patient groups"),
        blank=True,
        related_name="guidelines",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=GuidelineStatus.choices,
        default=GuidelineStatus.IN_FORCE,
    )
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)
    last_updated_on = models.DateField(_("last professionally updated"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=GuidelineSource.choices, blank=True
    )
    source_title = models.CharField(
        _("source document"),
        max_length=500,
        blank=True,
        help_text=_("The source document's name as cited, e.g. in the action plan."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    full_text_elsewhere = models.BooleanField(
        _("full text is held elsewhere"),
        default=False,
        help_text=_("The portal holds only a description; the source document has the text."),
    )
    # A default rather than auto_now_add, so loaddata (which skips save()) can fill it too.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Filled on PostgreSQL only (search.py); a GIN index on it is created by migration 0002.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = GuidelineQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_vector", "body_html", "body_text", "toc"],
        m2m_fields=[priority_groups],
    )

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["status", "next_review_on"])]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        self.render_body()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guidelines:detail", args=[self.slug])

    def render_body(self):
        """Render the Markdown body into the cached HTML, plain text and table of contents."""
        rendered = render_markdown(self.body)
        self.body_html, self.body_text, self.toc = rendered.html, rendered.text, rendered.toc

    def store_rendered_body(self) -> None:
        """Render and store the cached HTML, text and contents without a new history row (for
        rows that loaddata wrote past save())."""
        self.render_body()
        Guideline.objects.filter(pk=self.pk).update(
            body_html=self.body_html, body_text=self.body_text, toc=self.toc
        )

    def _unique_slug(self) -> str:
        base = slugify(self.title.translate(NORWEGIAN_LETTERS))[:100] or "retningsline"
        if base in RESERVED_SLUGS:
            base = f"{base}-retningsline"
        slug, n = base, 2
        while Guideline.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_withdrawn(self) -> bool:
        return self.status == GuidelineStatus.WITHDRAWN

    @property
    def is_under_revision(self) -> bool:
        return self.status == GuidelineStatus.UNDER_REVISION

    @property
    def is_review_overdue(self) -> bool:
        """Past its next review date (withdrawn guidelines are never due)."""
        return (
            not self.is_withdrawn
            and self.next_review_on is not None
            and self.next_review_on < timezone.localdate()
        )

    @property
    def is_long_unreviewed(self) -> bool:
        """In use, no review date, last updated over UNREVIEWED_AFTER_YEARS ago."""
        if self.is_withdrawn or self.next_review_on or not self.last_updated_on:
            return False
        today = timezone.localdate()
        limit = today.replace(year=today.year - UNREVIEWED_AFTER_YEARS, day=min(today.day, 28))
        return self.last_updated_on < limit

    @transaction.atomic
    def publish_version(self, *, title, summary, body, change_note, by, last_updated_on=None):
        """Make new text the current one and record it as the next numbered version."""
        locked = Guideline.objects.select_for_update().get(pk=self.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        self.title, self.summary, self.body = title, summary, body
        if last_updated_on:
            self.last_updated_on = last_updated_on
        self.save()
        return GuidelineVersion.objects.create(
            guideline=self,
            number=number,
            title=title,
            summary=summary,
            body=body,
            change_note=change_note,
            published_at=timezone.now(),
            published_by=by if by and by.is_authenticated else None,
        )

    def publish_current_text(self, *, change_note="", by=None):
        """Record the text as it stands as the next version (a new guideline's version 1)."""
        return self.publish_version(
            title=self.title, summary=self.summary, body=self.body, change_note=change_note, by=by
        )


class GuidelineVersion(models.Model):
    """A numbered, published text of a guideline with who published it and why."""

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    change_note = models.TextField(_("change note"), blank=True)
    # Null for text imported from documents, whose publication time the portal does not know.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "number"], name="one_number_per_version")
        ]
        verbose_name = _("guideline version")
        verbose_name_plural = _("guideline versions")

    def __str__(self):
        return f"{self.guideline_id} v{self.number}"

    def get_absolute_url(self):
        return reverse("guidelines:version", args=[self.guideline.slug, self.number])

    def rendered(self):
        """This version's text as sanitised HTML with its table of contents."""
        return render_markdown(self.body)


def _attachment_path(instance, filename):
    return f"guidelines/{instance.guideline_id}/{filename}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word (.docx)")
    DOC = "doc", _("Word 97–2003 (.doc)")


class GuidelineAttachmentQuerySet(models.QuerySet):
    def active(self):
        """Attachments not removed."""
        return self.filter(removed_at__isnull=True)


class GuidelineAttachment(models.Model):
    """A PDF or Word file belonging to a guideline (e.g. a form). Removed, never deleted."""

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GuidelineAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guidelines:attachment", args=[self.guideline.slug, self.pk])

    def remove(self, *, by):
        """Hide the attachment from readers; the file and row stay for the record."""
        self.removed_at, self.removed_by = timezone.now(), by
        self.save(update_fields=["removed_at", "removed_by"])


class ReviewReminder(models.Model):
    """A review reminder e-mail sent for a guideline on a day (at most one per day)."""

    guideline = models.ForeignKey(
        Guideline, on_delete=models.PROTECT, related_name="review_reminders"
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"))

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "sent_on"], name="one_review_reminder_per_day"
            )
        ]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")

    def __str__(self):
        return f"{self.guideline_id} {self.sent_on}"
