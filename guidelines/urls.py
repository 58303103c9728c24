from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views

app_name = "guidelines"
urlpatterns = [
    # An Atom feed of new versions with their change notes.
    path("changes.atom", require_safe(feeds.GuidelineChangesFeed()), name="changes_feed"),
    # The library and the editors' overviews (fixed paths before the guideline slugs).
    path("", views.library, name="library"),
    path("new/", views.create, name="create"),
    path("review-due/", views.review_due, name="review_due"),
    # One guideline: reading, PDF, attachments, versions.
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/pdf/", views.pdf, name="pdf"),
    path("<slug:slug>/versions/", views.versions, name="versions"),
    path("<slug:slug>/versions/compare/", views.compare, name="compare"),
    path("<slug:slug>/versions/<int:number>/", views.version, name="version"),
    path("<slug:slug>/files/<int:pk>/", views.attachment, name="attachment"),
    # Editing one guideline.
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/attachments/", views.attachments, name="attachments"),
    path(
        "<slug:slug>/attachments/<int:pk>/remove/",
        views.remove_attachment,
        name="remove_attachment",
    ),
]
