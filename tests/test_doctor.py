"""make doctor: every check passes on a machine make has set up, and a missing part is
named with what to do about it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def doctor(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "doctor"], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, **env})


def test_a_set_up_machine_passes_every_check(tmp_path: Path) -> None:
    result = doctor(BRIEFS_MEMORY=str(tmp_path / "memory.sqlite3"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\nok ") + result.stdout.startswith("ok ") == 7


def test_a_missing_model_and_an_unusable_memory_are_named_with_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = doctor(ARGOS_TRANSLATE_PACKAGES_DIR=str(tmp_path / "empty"),
                    BRIEFS_MEMORY=str(blocker / "memory.sqlite3"))
    assert result.returncode == 1
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("FIX")}
    assert set(lines) == {"translation"}, result.stdout  # "translation model", "translation memory"
    fixes = [line for line in result.stdout.splitlines() if line.startswith("FIX")]
    assert len(fixes) == 2 and "run `make`" in fixes[0] and "MEMORY=path" in fixes[1]
    assert "2 to fix: translation model, translation memory" in result.stderr
