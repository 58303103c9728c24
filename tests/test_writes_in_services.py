"""Writes to the plan, its statuses, the meetings and the guidelines live in services.

The test reads the apps' code (not running it) and fails on a call that writes such a row —
`.save()`, `.delete()`, `.create()`, `.update()` and their bulk and get-or-create forms — outside
the places where writes belong: the apps' services, the models' own methods, and migrations.
`form.save(commit=False)` builds an unsaved object and is not a write. The core
(helsefellesskap/) is not read: it may not import the apps at all (tests/test_architecture.py).
"""

import ast
import functools
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
APPS = ("actionplan", "meetings", "guidelines")
WRITES = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}

# Writes of a many-to-many relation (`committee.editors.add(user)`), on the domain models'
# many-to-many fields.
RELATION_WRITES = {"add", "remove", "set", "clear"}

# Where writes belong.
HOMES = ("services.py", "services/", "models.py", "models/", "migrations/")

# Writes outside the homes that do not touch the plan, statuses, meetings or guidelines, each
# with the reason. A new entry needs a reason as good as these.
NOT_DOMAIN_WRITES = {
    # Office files the exports build in memory.
    ("actionplan/exports.py", "workbook.save"),
    ("actionplan/docx_export.py", "self.doc.save"),
    # Template context and API payload dictionaries.
    ("actionplan/views/public.py", "context.update"),
    ("guidelines/api.py", "out.update"),
    # The log of reminders sent, written as each e-mail goes out (its unique key makes the
    # sending idempotent); no plan content.
    ("actionplan/reminders.py", "SentReminder.objects.create"),
    ("guidelines/reminders.py", "ReviewReminder.objects.create"),
}

# Tools run by operators and developers from the shell, never by a user's request: the loader
# of the real plan (fixtures, like loaddata), demo accounts, and the benchmark's synthetic data.
TOOLS = ("management/commands/", "bench/", "synthetic.py")


def _domain_model_names() -> set[str]:
    return {model.__name__ for app in APPS for model in apps.get_app_config(app).get_models()}


@functools.cache
def _relation_names() -> frozenset[str]:
    return frozenset(
        field.name
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.many_to_many and not field.auto_created
    )


def _receiver(node: ast.expr) -> str:
    """The call's receiver as a short dotted text: `Measure.objects.filter(...)`, `form`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_receiver(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_receiver(node.func)}(...)"
    return "<expr>"


def _builds_unsaved(call: ast.Call) -> bool:
    return any(
        kw.arg == "commit" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in call.keywords
    )


def _writes_in(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        relation = isinstance(node.func.value, ast.Attribute) and node.func.value.attr
        if node.func.attr in RELATION_WRITES and relation in _relation_names():
            pass
        elif node.func.attr not in WRITES or _builds_unsaved(node):
            continue
        found.append((node.lineno, f"{_receiver(node.func.value)}.{node.func.attr}"))
    return found


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if any(home in relative for home in HOMES) or any(t in relative for t in TOOLS):
                continue
            yield relative, path


def test_no_write_outside_services_models_and_migrations():
    outside = [
        f"{relative}:{line} {call}"
        for relative, path in _app_modules()
        for line, call in _writes_in(path)
        if (relative, call) not in NOT_DOMAIN_WRITES
    ]
    assert outside == [], "writes belong in the app's services (or a model's own method)"


def test_the_exceptions_still_exist_and_write_no_domain_model():
    """An exception that no longer matches a line is stale; none may name a domain model."""
    domain = _domain_model_names() - {"SentReminder", "ReviewReminder"}
    found = {(relative, call) for relative, path in _app_modules() for _, call in _writes_in(path)}
    assert found >= NOT_DOMAIN_WRITES
    for _, call in NOT_DOMAIN_WRITES:
        assert call.split(".")[0] not in domain


# Writes past the model signals (which bump the content versions the cached pages are keyed
# on), each with why the cache still cannot show stale content.
SIGNAL_FREE_WRITES_THAT_NEED_NO_BUMP = {
    # The optimistic lock: the same transaction then saves the row, whose post_save bumps.
    ("actionplan/services/versions.py", "claim_version"),
    # The search column: search pages are not cached.
    ("guidelines/models.py", "refresh_search_vectors"),
    # Invitations, which no cached page shows (the people pages are the secretariat's).
    ("actionplan/people/services.py", "_invite"),
    ("actionplan/people/services.py", "account_deactivate"),
    # Called from the guideline's own post_save, which bumps.
    ("guidelines/models.py", "store_rendered_body"),
}
SIGNAL_FREE = {"update", "bulk_create", "bulk_update"}


def _signal_free_writes_without_a_bump(relative, path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
        names = {
            c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
            for c in calls
        }
        writes = [
            c
            for c in calls
            if isinstance(c.func, ast.Attribute)
            and c.func.attr in SIGNAL_FREE
            # a queryset (not a dict): a query's result, or a queryset method's own rows
            and (_receiver(c.func.value).endswith(")") or _receiver(c.func.value) == "self")
        ]
        exempt = (relative, function.name) in SIGNAL_FREE_WRITES_THAT_NEED_NO_BUMP
        if writes and "bump_content_version" not in names and not exempt:
            yield f"{relative}:{writes[0].lineno} in {function.name}()"


def test_every_write_past_the_signals_bumps_the_content_version():
    """QuerySet.update() and bulk_create send no post_save: the function that calls them must
    bump the content version itself, or the cached pages would go on showing the old rows."""
    homes = [
        (path.relative_to(ROOT).as_posix(), path)
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations/" not in path.as_posix() and not any(t in path.as_posix() for t in TOOLS)
    ]
    missing = [
        found
        for relative, path in homes
        for found in _signal_free_writes_without_a_bump(relative, path)
    ]
    assert missing == []


def test_the_walk_finds_a_write_in_a_view(tmp_path):
    """The walk itself: a view that saves a measure is caught, an unsaved build is not."""
    view = tmp_path / "view.py"
    view.write_text(
        "def edit(request, measure, form):\n"
        "    draft = form.save(commit=False)\n"
        "    measure.save()\n"
        "    Measure.objects.filter(pk=1).update(text='x')\n"
        "    measure.goal.measures.create(text='y')\n"
        "    measure.priority_groups.set([])\n"
        "    seen.add(measure)\n"
    )
    assert [call for _, call in _writes_in(view)] == [
        "measure.save",
        "Measure.objects.filter(...).update",
        "measure.goal.measures.create",
        "measure.priority_groups.set",
    ]
