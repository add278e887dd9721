"""A read-only root filesystem holds: an investigation writes under TMPDIR (an emptyDir at /tmp) and nowhere else."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_SCENARIOS


@pytest.mark.slow
def test_a_whole_investigation_writes_nothing_to_home_or_the_working_directory(tmp_path: Path) -> None:
    home, cwd, tmp = tmp_path / "home", tmp_path / "cwd", tmp_path / "tmp"
    for d in (home, cwd, tmp):
        d.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(tmp),
           "MPLCONFIGDIR": str(tmp / "matplotlib")}  # as the image sets it
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "debugbot"), "investigate", "--scenario",
                          str(SHARED_SCENARIOS / "payment-bad-rollout.yaml")],
                         env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "usage:" in out.stdout
    assert list(home.iterdir()) == [] and list(cwd.iterdir()) == []
