"""docs/INSTALL.md's metrics section: every series it lists exists, and its alert rules load in promtool."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

import workers.metrics  # noqa: F401 - registers the workers' series in this process
from bot.metrics import QueueCollector
from tests.conftest import ROOT

SECTION = ROOT.joinpath("docs", "INSTALL.md").read_text().split("## Metrics and logs", 1)[-1].split("\n## ", 1)[0]


def test_every_series_the_install_guide_lists_is_exported(redis_url: str) -> None:
    listed = set(re.findall(r"^\| `(debugbot_\w+)", SECTION, flags=re.M))
    assert len(listed) >= 12
    queue = CollectorRegistry()
    queue.register(QueueCollector(redis.Redis.from_url(redis_url), queue_name="doc"))
    exported = set(re.findall(r"^# HELP (\w+)", generate_latest(REGISTRY).decode() +
                              generate_latest(queue).decode(), flags=re.M))
    assert listed - exported == set()
    ours = {n for n in exported if n.startswith("debugbot_") and not n.endswith("_created")}
    assert ours - listed == set(), "a series the guide omits"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_the_example_alert_rules_pass_promtool(tmp_path: Path) -> None:
    block = re.search(r"```yaml\n(groups:.*?)```", SECTION, flags=re.S)
    assert block is not None
    rules = tmp_path / "rules.yml"
    rules.write_text(block.group(1))
    done = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 2 rules found" in done.stdout
