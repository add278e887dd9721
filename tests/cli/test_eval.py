"""`debugbot eval` as CI and the eval contract use it: the process, its flags, its JSON and its gate."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SHARED_SCENARIOS

ROW_KEYS = {"id", "passed", "diagnosis", "remediation", "verified", "evidence_recall", "category", "resource",
            "action", "seconds", "first_hypothesis_seconds", "tool_calls", "tokens_in", "tokens_out"}


def _eval(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", "eval", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_two_processes_score_like_one_and_a_regression_against_the_baseline_fails_the_run(tmp_path: Path) -> None:
    broken = tmp_path / "broken-scenario.yaml"
    broken.write_text("format: 1\nid: broken-scenario\nnow: not-a-time\n")
    files = [str(SHARED_SCENARIOS / "payment-bad-rollout.yaml"), str(SHARED_SCENARIOS / "search-oomkilled-limit.yaml"),
             str(broken)]
    serial, parallel = tmp_path / "serial.json", tmp_path / "parallel.json"

    one = _eval(*files, "--json", str(serial))
    two = _eval(*files, "--jobs", "2", "--json", str(parallel))

    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    rows = json.loads(serial.read_text())["scenarios"]
    assert [r["id"] for r in rows] == ["payment-bad-rollout", "search-oomkilled-limit", "broken-scenario"]
    assert all(ROW_KEYS <= set(r) for r in rows)
    assert rows[0]["passed"] and rows[0]["action"]["action"] == "rollback_deployment"
    assert not rows[2]["passed"] and "invalid scenario" in rows[2]["error"]
    strip = [{k: v for k, v in r.items() if k not in ("seconds", "first_hypothesis_seconds")} for r in rows]
    assert strip == [{k: v for k, v in r.items() if k not in ("seconds", "first_hypothesis_seconds")}
                     for r in json.loads(parallel.read_text())["scenarios"]]
    assert json.loads(serial.read_text())["summary"] == {"total": 3, "passed": 2, "diagnosis": 2,
                                                          "remediation": 2, "verified": 2}

    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"scenarios": [{**r, "passed": True} for r in rows]}))
    gated = _eval(str(broken), "--baseline", str(baseline))
    assert gated.returncode == 1
    assert "passed in" in gated.stdout and "broken-scenario" in gated.stdout.splitlines()[-1]
