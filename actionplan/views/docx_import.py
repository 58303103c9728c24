"""Secretariat: bring in the plan's Word document. Upload, a preview of every change, apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..docx_changes import plan_docx_changes
from ..docx_read import DocxImportError, max_upload_bytes, read_plan_docx
from ..docx_uploads import UploadGone, discard_upload, keep_upload, load_upload
from ..forms import PlanDocxUploadForm
from ..models import Plan
from ..rights import can_import_plan, require
from ..versioning import VersionConflict


def _plan():
    plan = Plan.objects.current()
    if plan is None:
        raise Http404(_("No plan has been loaded yet."))
    return plan


def _upload_page(request, plan, form, *, error=None, status=200):
    context = {"plan": plan, "form": form, "error": error, "max_mb": max_upload_bytes() // 2**20}
    return TemplateResponse(request, "actionplan/plan_import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request):
    """The upload form; a valid upload shows the preview (nothing is saved yet)."""
    require(can_import_plan(request.user))
    plan = _plan()
    if request.method == "GET":
        return _upload_page(request, plan, PlanDocxUploadForm())
    form = PlanDocxUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, plan, form, status=400)
    upload = form.cleaned_data["document"]
    data = upload.read()
    try:
        changes = plan_docx_changes(read_plan_docx(data), plan)
    except DocxImportError as refused:
        return _upload_page(request, plan, PlanDocxUploadForm(), error=refused.message, status=400)
    token = keep_upload(
        data,
        user=request.user,
        file_name=upload.name,
        plan_id=plan.pk,
        digest=changes.digest(),
    )
    context = {"plan": plan, "changes": changes, "token": token, "file_name": upload.name}
    return TemplateResponse(request, "actionplan/plan_import_preview.html", context)


def _changed_since_preview(request, plan, kept, changes):
    """The preview again, made on the plan as it is now, with a new token."""
    error = _(
        "The plan has been changed in the portal since the preview. Check the new preview "
        "before applying."
    )
    token = keep_upload(
        kept.data,
        user=request.user,
        file_name=kept.file_name,
        plan_id=plan.pk,
        digest=changes.digest(),
    )
    discard_upload(kept)
    context = {
        "plan": plan,
        "changes": changes,
        "token": token,
        "file_name": kept.file_name,
        "error": error,
    }
    return TemplateResponse(request, "actionplan/plan_import_preview.html", context, status=409)


@login_required
@require_POST
def plan_import_apply(request):
    """Apply the previewed import in one transaction, if nothing changed since the preview."""
    require(can_import_plan(request.user))
    plan = _plan()
    try:
        kept = load_upload(request.POST.get("token", ""), user=request.user)
    except UploadGone:
        error = _("The uploaded document is no longer available. Upload it again.")
        return _upload_page(request, plan, PlanDocxUploadForm(), error=error, status=400)
    if kept.plan_id != plan.pk:
        error = _("The current plan has changed since the preview. Upload the document again.")
        return _upload_page(request, plan, PlanDocxUploadForm(), error=error, status=400)
    try:
        doc = read_plan_docx(kept.data)
        # One import at a time per plan: a second "apply" of the same preview waits, then
        # finds the plan changed and shows the new preview instead of applying twice.
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=plan.pk).first()
            changes = plan_docx_changes(doc, plan)
            if changes.digest() != kept.digest:
                return _changed_since_preview(request, plan, kept, changes)
            retire = [key for key in request.POST.getlist("retire") if key in changes.missing]
            counts = services.plan_docx_apply(
                changes, by=request.user, file_name=kept.file_name, retire_keys=retire
            )
    except DocxImportError as refused:
        return _upload_page(request, plan, PlanDocxUploadForm(), error=refused.message, status=400)
    except VersionConflict:
        error = _("Someone saved a change while the import ran; nothing was saved. Try again.")
        return _upload_page(request, plan, PlanDocxUploadForm(), error=error, status=409)
    discard_upload(kept)
    messages.success(
        request,
        _(
            "Imported %(file)s: %(added)s added, %(changed)s changed, %(retired)s retired, "
            "%(statuses)s statuses set."
        )
        % {"file": kept.file_name, **counts},
    )
    return redirect("actionplan:revision_board")
