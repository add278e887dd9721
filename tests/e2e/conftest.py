"""End-to-end harness: the sandbox cluster, the fake Slack, the real Bolt app over HTTP, a real Redis and
real `debugbot worker` processes, wired by DEBUGBOT_* exactly as in production."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from rq import Queue

from bot.app import BotApp, build_app
from bot.http import BotWSGI, HTTPServer
from bot.incident import IncidentIndex, IncidentInfo
from cli.demo_slack import approval_card
from sandbox.scenario import Scenario, load_scenario
from sandbox.server import SandboxServer
from sandbox.slack_api import FakeMessage, FakeSlack
from tests.bot.conftest import (ALERTS, APPROVER, CHANNEL, SECRET, SlackSender, fake_slack, make_settings,  # noqa: F401
                                wait_for)
from tests.conftest import ROOT, SHARED_SCENARIOS
from tools.audit import AuditLog
from tools.settings import Settings

DEBUGBOT = ROOT / ".venv" / "bin" / "debugbot"


def debugbot_command(*args: str) -> list[str]:
    """The installed console script, else the module (same code either way)."""
    if DEBUGBOT.exists():
        return [str(DEBUGBOT), *args]
    return [sys.executable, "-m", "cli.main", *args]


class WorkerProcess:
    """One `debugbot worker` subprocess (RQ's forking worker) with its JSON log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, *, now: str, burst: bool = False) -> None:
        args = ["worker", "--now", now] + (["--burst"] if burst else [])
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(debugbot_command(*args), env=env, cwd=str(log_path.parent),
                                     stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def children(self) -> list[int]:
        """The work horses it forked (Linux /proc)."""
        found: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            found += [int(p) for p in task.read_text().split()]
        return found

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class E2E:
    """One incident world: cluster, Slack, bot, Redis; workers started on demand."""

    scenario: Scenario
    sandbox: SandboxServer
    kubeconfig: Path
    fake: FakeSlack
    settings: Settings
    bot: BotApp
    http: HTTPServer
    slack: SlackSender
    tmp: Path
    env_overrides: dict[str, str] = field(default_factory=dict)
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.redis_url)

    @property
    def queue(self) -> Queue:
        return Queue(self.settings.queue_name, connection=self.redis)

    def env(self, **overrides: str) -> dict[str, str]:
        """The environment of a production worker pointed at this world."""
        s = self.settings
        values = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": s.slack_api_url,
                  "REDIS_URL": s.redis_url, "QUEUE_NAME": s.queue_name, "KUBECONFIG": str(self.kubeconfig),
                  "PROMETHEUS_URL": str(s.prometheus_url), "JAEGER_URL": str(s.jaeger_url),
                  "ONCALL_GROUP_ID": str(s.oncall_group_id), "APPROVER_USER_IDS": ",".join(s.approver_user_ids),
                  **self.env_overrides, **overrides}
        base = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
        return {**base, **{f"DEBUGBOT_{k}": v for k, v in values.items()}}

    def start_worker(self, *, burst: bool = False, **overrides: str) -> WorkerProcess:
        n = len(self.workers) + 1
        worker = WorkerProcess(self.env(**overrides), self.tmp / f"worker-{n}.log",
                               now=self.scenario.now.isoformat(), burst=burst)
        self.workers.append(worker)
        return worker

    def root(self, channel: str = CHANNEL) -> FakeMessage:
        """The bot's first message in the channel: the incident's root."""
        root: FakeMessage = wait_for(lambda: next((m for m in self.fake.messages(channel)
                                                   if m.user == self.fake.bot_user_id), None), what="the root message")
        return root

    def thread(self, root: FakeMessage) -> str:
        return self.fake.render_thread(root.channel, root.ts)

    def card(self, root: FakeMessage, *, timeout: float = 30) -> FakeMessage:
        card: FakeMessage = wait_for(lambda: approval_card(self.fake, root.channel, root.ts), timeout=timeout,
                                     what="the approval card")
        return card

    def incident(self, root: FakeMessage) -> IncidentInfo:
        found: IncidentInfo = wait_for(lambda: next(iter(IncidentIndex(self.redis).recent(
            self.fake.team_id, root.channel, limit=1)), None), what="the incident record")
        return found

    def wait_status(self, root: FakeMessage, *statuses: str, timeout: float = 30) -> IncidentInfo:
        found: IncidentInfo = wait_for(lambda: (i := self.incident(root)).status in statuses and i,
                                       timeout=timeout, what=f"incident status in {statuses}")
        return found

    def audit(self, root: FakeMessage) -> list[str]:
        return [e.event.value for e in AuditLog(self.redis).for_incident(self.incident(root).incident_id)]

    def deployment_image(self, namespace: str, name: str) -> str:
        api = k8s_config.new_client_from_config(config_file=str(self.kubeconfig))
        dep = k8s.AppsV1Api(api).read_namespaced_deployment(name, namespace)
        return str(dep.spec.template.spec.containers[0].image)

    def click(self, card: FakeMessage, *, approve: bool, user: str = APPROVER) -> Any:
        from bot.cards import APPROVE_ACTION, REJECT_ACTION

        actions = next(b for b in card.blocks if b.get("type") == "actions")
        value = actions["elements"][0]["value"]
        return self.slack.click(APPROVE_ACTION if approve else REJECT_ACTION, value, user=user,
                                channel=card.channel, message_ts=card.ts, thread_ts=card.thread_ts or card.ts,
                                block_id=actions["block_id"])


@pytest.fixture()
def scenario_name() -> str:
    return "payment-bad-rollout"


@pytest.fixture()
def bot_overrides() -> dict[str, Any]:
    """Settings of the bot under test beyond make_settings' (parametrize this name to change them)."""
    return {}


@pytest.fixture()
def e2e(scenario_name: str, bot_overrides: dict[str, Any], redis_url: str, fake_slack: FakeSlack,  # noqa: F811
        tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[E2E]:
    scenario = load_scenario(SHARED_SCENARIOS / f"{scenario_name}.yaml")
    with SandboxServer(scenario) as sandbox:
        kubeconfig = sandbox.write_kubeconfig(tmp_path / "kubeconfig")
        settings = make_settings(redis_url, fake_slack, kubeconfig=str(kubeconfig),
                                 prometheus_url=sandbox.prometheus_url, jaeger_url=sandbox.jaeger_url,
                                 **bot_overrides)
        bot = build_app(settings, alert_channel=ALERTS)
        http = HTTPServer(BotWSGI(bot), host="127.0.0.1", port=0).start()
        world = E2E(scenario, sandbox, kubeconfig, fake_slack, settings, bot, http,
                    SlackSender(http.url, fake_slack), tmp_path)
        try:
            yield world
        finally:
            for worker in world.workers:
                worker.stop()
            http.stop()
            failed = getattr(request.node, "rep_call", None)
            if failed is not None and failed.failed:
                for worker in world.workers:
                    sys.stderr.write(f"--- {worker.log_path.name}\n{worker.log()[-6000:]}\n")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    assert found, "redis-server is not installed: run `make test`, which installs it"
    return found
