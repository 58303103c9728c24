"""Every write endpoint of the editing pages, with a valid request for committee A or B.

Shared by the permission matrix and the fuzz test so that a new write view is added once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from actionplan.services import plan_item_retire


@dataclass(frozen=True)
class Endpoint:
    name: str
    #: "editor" if a committee's editor may use it on their own committee, else "secretariat".
    allowed: str
    #: (world, side "a"/"b") -> (url, valid POST data)
    build: Callable


def _side(world, side):
    return {
        "committee": getattr(world, f"committee_{side}"),
        "goal": getattr(world, f"goal_{side}"),
        "subgoal": getattr(world, f"subgoal_{side}"),
        "measure": getattr(world, f"measure_{side}"),
    }


def _status(world, side):
    measure = _side(world, side)["measure"]
    url = reverse("actionplan:status_update", args=[measure.pk, 2024])
    return url, {"status": "done", "note": "ok", "version": 0}


def _report(world, side):
    o = _side(world, side)
    url = reverse("actionplan:report_year", args=[o["committee"].slug, 2024])
    data = {"rows-TOTAL_FORMS": 1, "rows-INITIAL_FORMS": 1, "rows-0-measure": o["measure"].pk}
    data.update({"rows-0-version": 0, "rows-0-status": "done", "rows-0-note": ""})
    return url, data


def _add_sibling(item):
    """A second goal, sub-goal or measure next to ``item`` so that a move changes something."""
    from tests.factories import make_goal, make_measure, make_subgoal

    kind = item.kind_slug
    if kind == "goal":
        make_goal(item.plan, item.committee, order=item.order + 10)
    elif kind == "subgoal":
        make_subgoal(item.goal, order=item.order + 10)
    else:
        make_measure(item.goal, subgoal=item.subgoal, order=item.order - 5)


def _item(kind, action, data=None):
    def build(world, side):
        item = _side(world, side)[kind]
        if action == "move":
            _add_sibling(item)
        return reverse(f"actionplan:plan_item_{action}", args=[kind, item.pk]), dict(data or {})

    return build


def _edit(kind):
    def build(world, side):
        item = _side(world, side)[kind]
        data = {"text": "Ny tekst", "version": item.version}
        if kind == "measure":
            data["subgoal"] = item.subgoal_id
        return reverse(f"actionplan:{kind}_edit", args=[item.pk]), data

    return build


def _create(kind, parent):
    def build(world, side):
        url = reverse(
            f"actionplan:{kind}_create",
            args=[
                _side(world, side)[parent].slug
                if parent == "committee"
                else _side(world, side)[parent].pk
            ],
        )
        return url, {"text": "Nytt"}

    return build


def _restore_retired(world, side):
    measure = _side(world, side)["measure"]
    plan_item_retire(item=measure, retired=True, by=None)
    return reverse("actionplan:plan_item_restore", args=["measure", measure.pk]), {}


def _restore_version(world, side):
    measure = _side(world, side)["measure"]
    record = measure.history.earliest()
    url = reverse("actionplan:measure_restore_version", args=[measure.pk])
    return url, {"history_id": record.history_id, "version": measure.version}


def _appoint(world, side):
    committee = _side(world, side)["committee"]
    from tests.factories import make_user

    newcomer = make_user(f"ny-{side}")
    return reverse("actionplan:committee_editors", args=[committee.slug]), {"user": newcomer.pk}


def _remove_editor(world, side):
    from tests.factories import make_user

    committee = _side(world, side)["committee"]
    editor = make_user(f"redaktor-{side}")
    committee.editors.add(editor)
    url = reverse("actionplan:committee_editor_remove", args=[committee.slug, editor.pk])
    return url, {}


def _link_leader(world, side):
    from tests.factories import make_person, make_user

    committee = _side(world, side)["committee"]
    committee.leader = make_person(f"Leiar {side}")
    committee.save()
    url = reverse("actionplan:committee_person_link", args=[committee.slug, "leader"])
    return url, {"leader-user": make_user(f"leiar-{side}").pk}


def _revision_open(world, side):
    return reverse("actionplan:revision_open"), {"year": 2025}


def _revision_lock(world, side):
    world.plan.revision_years.get_or_create(year=2024)
    return reverse("actionplan:revision_lock", args=[2024]), {}


def _revision_unlock(world, side):
    revision, _ = world.plan.revision_years.get_or_create(year=2024)
    revision.lock(by=None)
    return reverse("actionplan:revision_unlock", args=[2024]), {"reason": "SSU bad om retting"}


def _plan_import_apply(world, side):
    """A previewed import of the plan document that colours this side's measure for 2024."""
    from django.contrib.auth import get_user_model

    from actionplan.docx_changes import plan_docx_changes
    from actionplan.docx_read import read_plan_docx
    from actionplan.docx_uploads import keep_upload
    from tests.actionplan.docx_builder import build_docx, plan_to_doc
    from tests.factories import make_sara

    target = _side(world, side)["measure"]
    committees = plan_to_doc(
        world.plan, statuses=lambda m: {2024: ("done", "")} if m.pk == target.pk else {}
    )
    data = build_docx(committees, years=world.plan.years)
    changes = plan_docx_changes(read_plan_docx(data), world.plan)
    sara = get_user_model().objects.filter(username="sara").first()
    sara = sara or make_sara()
    token = keep_upload(
        data, user=sara, file_name="plan.docx", plan_id=world.plan.pk, digest=changes.digest()
    )
    return reverse("actionplan:plan_import_apply"), {"token": token}


ENDPOINTS = [
    Endpoint("status_update", "editor", _status),
    Endpoint("report_year", "editor", _report),
    Endpoint("goal_create", "editor", _create("goal", "committee")),
    Endpoint("goal_edit", "editor", _edit("goal")),
    Endpoint("subgoal_create", "editor", _create("subgoal", "goal")),
    Endpoint("subgoal_edit", "editor", _edit("subgoal")),
    Endpoint("measure_create", "editor", _create("measure", "goal")),
    Endpoint("measure_edit", "editor", _edit("measure")),
    Endpoint("goal_move", "editor", _item("goal", "move", {"direction": "down"})),
    Endpoint("subgoal_move", "editor", _item("subgoal", "move", {"direction": "down"})),
    Endpoint("measure_move", "editor", _item("measure", "move", {"direction": "up"})),
    Endpoint("goal_retire", "editor", _item("goal", "retire")),
    Endpoint("subgoal_retire", "editor", _item("subgoal", "retire")),
    Endpoint("measure_retire", "editor", _item("measure", "retire")),
    Endpoint("plan_item_restore", "secretariat", _restore_retired),
    Endpoint("measure_restore_version", "secretariat", _restore_version),
    Endpoint("committee_editors", "secretariat", _appoint),
    Endpoint("committee_editor_remove", "secretariat", _remove_editor),
    Endpoint("committee_person_link", "secretariat", _link_leader),
    Endpoint("revision_open", "secretariat", _revision_open),
    Endpoint("revision_lock", "secretariat", _revision_lock),
    Endpoint("revision_unlock", "secretariat", _revision_unlock),
    Endpoint("plan_import_apply", "secretariat", _plan_import_apply),
]
