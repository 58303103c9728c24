from django.shortcuts import render

from .models import Plan


def overview(request):
    """The plan's front page: every committee with its status distribution."""
    plan = Plan.objects.current()
    return render(request, "actionplan/overview.html", {"plan": plan})
