"""`debugbot sim` as a real process: it serves, kubectl works against it, SIGINT stops it cleanly."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sandbox.conftest import PAYMENT

pytestmark = pytest.mark.slow


def start_sim(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "cli.main", "sim", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_until(proc: subprocess.Popen[str], prefix: str, timeout: float = 60) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"no {prefix!r} line; got {lines}; stderr: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_sim_serves_prints_its_kubeconfig_and_stops_on_sigint(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "sim.kubeconfig"
    proc = start_sim(str(PAYMENT), "--kubeconfig", str(kubeconfig))
    try:
        lines = read_until(proc, "kubeconfig:")
        assert lines[-1] == f"kubeconfig: {kubeconfig}"
        assert any(line.startswith("kubernetes: http://127.0.0.1:") for line in lines)
        out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"),
                              "get", "deployments", "-n", "prod"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "payment" in out.stdout
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sim_refuses_a_bad_scenario_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: bad\n")
    proc = start_sim(str(bad))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"{bad}: title: missing" in err
