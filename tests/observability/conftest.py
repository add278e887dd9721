"""A production-shaped world: `debugbot serve` and `debugbot worker` as processes configured from DEBUGBOT_*,
against the sandbox cluster, the fake Slack and a real redis-server; /metrics scraped over HTTP."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli.demo_slack import approval_card
from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from sandbox.slack_api import FakeMessage, FakeSlack
from tests.bot.conftest import APPROVER, CHANNEL, SECRET, SlackSender, fake_slack, wait_for  # noqa: F401
from tests.conftest import SHARED_SCENARIOS, free_port
from tests.e2e.conftest import WorkerProcess, debugbot_command

QUEUE = "debugbot-obs"


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET a /metrics page and parse it with prometheus_client's own parser: {(sample, labels): value}."""
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.status == 200
        return parse(resp.read().decode())


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    """The sum of a series over all its labels."""
    return sum(v for (n, _), v in samples.items() if n == name)


def json_lines(path: Path) -> list[dict[str, Any]]:
    """Every line a process wrote, each parsed as JSON (a line that is not JSON fails the test)."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


class ServeProcess:
    """`debugbot serve` on a free port, its output (JSON log lines) in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port, self.log_path = free_port(), log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(debugbot_command("serve", "--host", "127.0.0.1"),
                                     env={**env, "DEBUGBOT_HTTP_PORT": str(self.port)}, cwd=str(log_path.parent),
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_for(lambda: self._healthy() or self.proc.poll() is not None, timeout=30, what="serve to listen")
        assert self.proc.poll() is None, log_path.read_text()

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as resp:
                return resp.status == 200
        except OSError:
            return False

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)
        self._log.close()
        return int(self.proc.returncode)


@dataclass
class World:
    fake: FakeSlack
    serve: ServeProcess
    worker: WorkerProcess
    worker_metrics_url: str
    slack: SlackSender
    redis_url: str

    def root(self) -> FakeMessage:
        found: FakeMessage = wait_for(lambda: next((m for m in self.fake.messages(CHANNEL)
                                                    if m.user == self.fake.bot_user_id), None), what="the root")
        return found

    def card(self, root: FakeMessage) -> FakeMessage:
        card: FakeMessage = wait_for(lambda: approval_card(self.fake, root.channel, root.ts), timeout=60,
                                     what="the approval card")
        return card


def world_env(fake: FakeSlack, sandbox: SandboxServer, kubeconfig: Path, redis_url: str) -> dict[str, str]:
    values = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url,
              "REDIS_URL": redis_url, "QUEUE_NAME": QUEUE, "KUBECONFIG": str(kubeconfig),
              "PROMETHEUS_URL": sandbox.prometheus_url, "JAEGER_URL": sandbox.jaeger_url,
              "APPROVER_USER_IDS": APPROVER, "ALLOW_SELF_APPROVAL": "false"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
    return {**base, **{f"DEBUGBOT_{k}": v for k, v in values.items()}}


@pytest.fixture()
def world(redis_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[World]:  # noqa: F811
    scenario = load_scenario(SHARED_SCENARIOS / "payment-bad-rollout.yaml")
    with SandboxServer(scenario) as sandbox:
        env = world_env(fake_slack, sandbox, sandbox.write_kubeconfig(tmp_path / "kubeconfig"), redis_url)
        serve = ServeProcess(env, tmp_path / "serve.log")
        port = free_port()
        worker = WorkerProcess({**env, "DEBUGBOT_WORKER_METRICS_PORT": str(port)}, tmp_path / "worker.log",
                               now=scenario.now.isoformat())
        try:
            yield World(fake_slack, serve, worker, f"http://127.0.0.1:{port}/metrics",
                        SlackSender(serve.url, fake_slack), redis_url)
        finally:
            worker.stop()
            serve.stop()
