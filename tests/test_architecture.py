"""The house rules of the imports (docs/architecture.md): the core imports no app, actionplan
imports neither meetings nor guidelines, and no package has an import circle. The contracts are
in pyproject.toml ([tool.importlinter]); this runs them as `lint-imports` would."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helsefellesskap", "actionplan", "meetings", "guidelines")
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", LINT, "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_core_module_importing_an_app_or_a_circle_breaks_the_contracts(tmp_path):
    """The contracts can fail: the same check on a copy of the code with two forbidden arrows."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "helsefellesskap" / "leak.py").write_text("from actionplan import models\n")
    with (tmp_path / "actionplan" / "models.py").open("a") as models:
        models.write("\nfrom . import report  # a model that imports its PDF code\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "helsefellesskap.leak -> actionplan.models" in result.stdout
    assert ".models -> .report" in result.stdout
    assert "Contracts: 0 kept, 2 broken." in result.stdout
