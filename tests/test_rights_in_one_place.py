"""Rights are decided in the apps' rights modules only.

actionplan/rights.py, meetings/rights.py, guidelines/rights.py and actionplan/people/rights.py
answer every question of the form "may this user ...?", one function per question; the core's
helsefellesskap/secretariat.py says only who the secretariat is. The test reads the code (not
running it) and fails where anything else decides a right itself: by asking or importing
`is_secretariat` / `require_secretariat` or `editable_committee_ids`, by reading `is_staff` /
`is_superuser`, by Django's `has_perm`, or by filtering on `is_public` (which meetings a visitor
sees: the pages and the API ask meetings/rights.py); where a model imports a rights module (a
query that depends on the user is a rights function given the queryset); and where a template
tests those flags or `perms`. Migrations and tests are not read.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("actionplan", "meetings", "guidelines", "helsefellesskap")

# Where rights are decided.
RIGHTS_MODULES = {
    "actionplan/rights.py",
    "meetings/rights.py",
    "guidelines/rights.py",
    "actionplan/people/rights.py",
    "helsefellesskap/secretariat.py",
}

# Asked or imported anywhere else, these decide a right.
DECIDING_CALLS = {
    "is_secretariat",
    "require_secretariat",
    "editable_committee_ids",
    "has_perm",
    "has_perms",
}
# Read anywhere else, these flags decide a right (setting them, as a command that makes demo
# accounts does, decides nothing).
DECIDING_FLAGS = {"is_staff", "is_superuser"}
# A query filtered on these decides who sees a row.
VISIBILITY_FIELDS = {"is_public"}
QUERY_METHODS = {"filter", "exclude", "get", "Q"}

# The few places outside the rights modules that may, each with the reason. A new entry needs a
# reason as good as these: if it answers "may this user ...?", it belongs in a rights module.
ALLOWED = {
    # The header names the user's role ("(secretariat)"): who they are, not what they may do.
    # No page, link or menu entry is shown or refused by it (the menu asks the rights modules,
    # helsefellesskap/navigation.py).
    ("actionplan/context_processors.py", "is_secretariat"),
    # The core's log-in policy: who must have a second factor follows from the powerful roles
    # the core itself knows (the secretariat, and staff who reach the admin). It grants no
    # right to any app's object; it only asks more of the log-in.
    ("helsefellesskap/twofactor.py", "is_secretariat"),
    ("helsefellesskap/twofactor.py", "is_staff"),
}

TEMPLATE_FLAGS = re.compile(r"\b(?:user\.is_staff|user\.is_superuser|perms\.\w)")


def _name_of(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def deciders_in(source: str) -> list[tuple[int, str]]:
    """(line, name) of every place in this code that decides a right itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name_of(node.func) in DECIDING_CALLS:
            found.append((node.lineno, _name_of(node.func)))
        elif isinstance(node, ast.Call) and _name_of(node.func) in QUERY_METHODS:
            found += [
                (node.lineno, keyword.arg)
                for keyword in node.keywords
                if keyword.arg in VISIBILITY_FIELDS
            ]
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, a.name) for a in node.names if a.name in DECIDING_CALLS]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in DECIDING_FLAGS
            and isinstance(node.ctx, ast.Load)
        ):
            found.append((node.lineno, node.attr))
    return found


def _app_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in RIGHTS_MODULES or "/migrations/" in relative:
                continue
            yield relative, path


def _found() -> list[tuple[str, int, str]]:
    return [
        (relative, line, name)
        for relative, path in _app_modules()
        for line, name in deciders_in(path.read_text(encoding="utf-8"))
    ]


def test_no_right_is_decided_outside_the_rights_modules():
    outside = [
        f"{relative}:{line} {name}"
        for relative, line, name in _found()
        if (relative, name) not in ALLOWED
    ]
    assert outside == [], "ask (or add) a function of the app's rights module instead"


def test_no_model_imports_a_rights_module():
    """Rights ask the models, never the other way round (that was a circle)."""
    importing = [
        f"{relative}:{node.lineno}"
        for relative, path in _app_modules()
        if relative.endswith("models.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (
            (node.module or "").split(".")[-1] == "rights"
            or any(alias.name == "rights" for alias in node.names)
        )
    ]
    assert importing == []


def test_every_allowed_place_still_needs_its_entry():
    """An entry that matches no code any more is stale: remove it."""
    found = {(relative, name) for relative, _, name in _found()}
    assert found >= ALLOWED


def test_no_template_tests_a_role_flag():
    """Templates get booleans from the rights modules (can_edit, can_organise ...)."""
    flagged = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.suffix in {".html", ".txt", ".md"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_FLAGS.search(line)
    ]
    assert flagged == []


def test_the_walk_finds_a_right_decided_in_a_view():
    """The walk itself: each way of deciding a right outside the rights modules is caught;
    asking a rights function, or setting a flag, is not."""
    view = (
        "from helsefellesskap.secretariat import is_secretariat\n"
        "from helsefellesskap import secretariat\n"
        "def edit(request, committee):\n"
        "    if is_secretariat(request.user):\n"
        "        return\n"
        "    secretariat.require_secretariat(request.user)\n"
        "    if committee.pk in rights.editable_committee_ids(request.user):\n"
        "        return\n"
        "    if request.user.is_staff or request.user.is_superuser:\n"
        "        return\n"
        "    request.user.has_perm('actionplan.change_measure')\n"
        "    request.user.is_staff = True\n"
        "    require_committee_editor(request.user, committee)\n"
        "    Meeting.objects.filter(is_public=True)\n"
        "    Meeting.objects.create(is_public=True)\n"
    )
    assert sorted(deciders_in(view)) == [
        (1, "is_secretariat"),
        (4, "is_secretariat"),
        (6, "require_secretariat"),
        (7, "editable_committee_ids"),
        (9, "is_staff"),
        (9, "is_superuser"),
        (11, "has_perm"),
        (14, "is_public"),
    ]


def test_the_template_check_finds_a_role_flag():
    assert TEMPLATE_FLAGS.search("{% if user.is_staff %}<a href=...>{% endif %}")
    assert TEMPLATE_FLAGS.search("{% if perms.actionplan.change_measure %}")
    assert not TEMPLATE_FLAGS.search("{% if can_edit %}{% endif %}")
