"""Pages of the yearly cycle: the revision deadline, a person's reminders, the next plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helsefellesskap.redirects import safe_next

from .. import services
from ..cycle_forms import DeadlineForm, NextPlanForm
from ..models import RevisionYear, SentReminder
from ..next_plan import next_plan_preview
from ..rights import can_run_revision, current_plan_or_404, require


@login_required
def revision_deadline(request):
    """Secretariat: set the deadline of the current plan's open revision year."""
    require(can_run_revision(request.user))
    plan = current_plan_or_404()
    revision = RevisionYear.open_for(plan)
    form = None
    if revision is not None:
        form = DeadlineForm(request.POST or None, instance=revision)
        if request.method == "POST" and form.is_valid():
            revision.set_deadline(form.cleaned_data["deadline"], by=request.user)
            messages.success(request, _("The deadline is saved."))
            return redirect(safe_next(request, reverse("actionplan:revision_deadline")))
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "actionplan/revision_deadline.html",
        {"plan": plan, "revision": revision, "form": form},
        status=status,
    )


@login_required
def my_reminders(request):
    """The revision reminders the logged-in user has been sent."""
    reminders = SentReminder.objects.for_user_page(request.user)
    return render(request, "actionplan/my_reminders.html", {"reminders": reminders})


@login_required
def plan_next(request):
    """Secretariat: start the next plan period. The form, then a preview of what is carried
    over (with a checkbox per measure), then the new plan in one transaction."""
    require(can_run_revision(request.user))
    plan = current_plan_or_404()
    if plan.ended:
        raise Http404(_("Every plan has ended."))
    form = NextPlanForm(request.POST or None, plan=plan)
    context = {
        "plan": plan,
        "form": form,
        "breadcrumbs": [(gettext_lazy("Start a new plan"), None)],
    }
    if request.method != "POST":
        return render(request, "actionplan/plan_next.html", context)
    if not form.is_valid():
        return render(request, "actionplan/plan_next.html", context, status=400)
    preview = next_plan_preview(plan)
    if "confirm" in request.POST:
        try:
            new = services.plan_start_next(
                plan=plan,
                by=request.user,
                carry_measure_ids=request.POST.getlist("carry"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(title)s is started; %(old)s has ended and stays readable.")
                % {"title": new.title, "old": plan.title},
            )
            return redirect("actionplan:overview")
        chosen = set(request.POST.getlist("carry"))
        for committee in preview:
            for measure in committee.measures:
                measure.carry = str(measure.pk) in chosen
    context["preview"] = preview
    return render(request, "actionplan/plan_next_preview.html", context)
