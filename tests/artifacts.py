"""Where tests leave figures and screenshots for people to read: never in the checkout.

CI sets TEST_ARTIFACTS_DIR (and keeps the folder); elsewhere it is a folder under the system's
temporary directory. docs/reliability.md and docs/benchmarks.md quote the figures.
"""

import json
import os
import tempfile
from pathlib import Path


def artifacts_dir(*parts: str) -> Path:
    base = os.environ.get("TEST_ARTIFACTS_DIR") or Path(tempfile.gettempdir(), "hf-test-artifacts")
    path = Path(base, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def record_json(file_name: str, name: str, figures) -> Path:
    """Set `name` to `figures` in the artifact JSON file; returns the file."""
    path = artifacts_dir() / file_name
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[name] = figures
    path.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
    return path


def record_figures(name: str, figures: dict) -> None:
    """Add one fault test's figures to faults.json (docs/reliability.md quotes it)."""
    record_json("faults.json", name, figures)
    print(f"\n{name}: {figures}")
