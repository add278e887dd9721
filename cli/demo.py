"""The whole path on one machine: simulated cluster, loopback Slack, the bot over HTTP, Redis and a worker."""
from __future__ import annotations

import argparse
import logging
import re
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from rq import Queue

from bot.app import build_app
from bot.http import BotWSGI, HTTPServer
from bot.incident import IncidentIndex, IncidentInfo
from cli.demo_slack import LiveThread, SignedSlack, alert_webhook_payload, approval_card
from cli.local_redis import local_redis
from sandbox.scenario import Scenario, load_scenario
from sandbox.server import SandboxServer
from sandbox.slack_api import FakeMessage, FakeSlack
from tools.settings import Settings, load_settings
from workers.runtime import build_runtime, configure
from workers.worker import InProcessWorker

DEFAULT_SCENARIO = "payment-bad-rollout"
USER, USER_NAME = "UDEMOONCALL", "you"
QUEUE = "debugbot-demo"
WAIT_S = 20.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, help="a scenario id (from ../shared/scenarios or "
                   "scenarios/) or a file path")
    choice = p.add_mutually_exclusive_group()
    choice.add_argument("--yes", action="store_true", help="approve the proposed fix without asking")
    choice.add_argument("--reject", action="store_true", help="reject the proposed fix without asking")


def find_scenario(scenario: str) -> Path:
    p = Path(scenario)
    if p.exists():
        return p
    root = Path(__file__).resolve().parent.parent
    for folder in (root.parent / "shared" / "scenarios", root / "scenarios"):
        if (folder / f"{scenario}.yaml").exists():
            return folder / f"{scenario}.yaml"
    raise SystemExit(f"demo: no scenario {scenario!r} in ../shared/scenarios or scenarios/")


@dataclass
class Demo:
    scenario: Scenario
    fake: FakeSlack
    slack: SignedSlack
    view: LiveThread
    settings: Settings
    channel: str
    channel_name: str

    @property
    def queue(self) -> Queue:
        return Queue(self.settings.queue_name, connection=redis.Redis.from_url(self.settings.redis_url))


def channel_of(scenario: Scenario) -> tuple[str, str]:
    """(channel id, name) for the scenario's trigger channel."""
    name = str(scenario.trigger.get("channel") or "incidents").lstrip("#")
    return "C" + (re.sub(r"[^A-Z0-9]", "", name.upper())[:10] or "DEMO"), name


def wait_until(check: Callable[[], Any], what: str, timeout_s: float = WAIT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"demo: timed out waiting for {what}")
        time.sleep(0.05)
    return found


def start(demo: Demo) -> FakeMessage:
    """What the on-call does: `/debug <text>` (or Alertmanager posts the scenario's alert); the root message."""
    trigger = demo.scenario.trigger
    if "alert" in trigger:
        print(f"Alertmanager → POST /alertmanager?channel={demo.channel}  "
              f"[{trigger['alert'].get('labels', {}).get('alertname', 'alert')}]")
        demo.slack.alert(alert_webhook_payload(dict(trigger["alert"])), channel=demo.channel)
    else:
        text = str(trigger.get("command") or "")
        print(f"#{demo.channel_name}  @{USER_NAME}: /debug {text}")
        ack = demo.slack.command(text, user=USER, channel=demo.channel)
        print(f"  (only visible to you) {ack}\n")
    root: FakeMessage = wait_until(lambda: next(iter(demo.fake.messages(demo.channel)), None),
                                   "the bot's first message")
    demo.view.follow(demo.channel, root.ts)
    return root


def work(demo: Demo) -> None:
    """Run the queued job(s) in this process, as a worker would, then return."""
    queue = demo.queue
    wait_until(lambda: queue.count > 0, "the bot to queue a job")
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        InProcessWorker([queue], connection=queue.connection).work(burst=True, logging_level="WARNING")
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def decide(demo: Demo, card: FakeMessage, args: argparse.Namespace) -> bool:
    """Approve or reject at the prompt (or from --yes / --reject); then click the button as Slack would."""
    demo.view.draw()
    if args.yes or args.reject:
        approve = bool(args.yes)
    else:
        try:
            approve = input("\nApprove? [y/N] ").strip().lower() in ("y", "yes")
        except EOFError:
            approve = False
    print(f"→ you clicked {'Approve' if approve else 'Reject'}\n")
    status = demo.slack.click(card, approve=approve, user=USER)
    if status != 200:
        raise SystemExit(f"demo: the bot answered the click with HTTP {status}")
    for note in demo.fake.ephemerals(user=USER):
        if "can't decide" in note["text"] or "Already" in note["text"]:
            print(f"  (only visible to you) {note['text']}")
    return approve


def latest_incident(demo: Demo) -> IncidentInfo | None:
    found = IncidentIndex(redis.Redis.from_url(demo.settings.redis_url)).recent(demo.fake.team_id, demo.channel,
                                                                                limit=1)
    return found[0] if found else None


def settings_for(server: SandboxServer, fake: FakeSlack, *, redis_url: str, kubeconfig: Path,
                 secret: str) -> Settings:
    """Settings as `debugbot serve` and `debugbot worker` would read them from DEBUGBOT_*, for this machine."""
    return load_settings(slack_bot_token="xoxb-demo", slack_signing_secret=secret, slack_api_url=fake.url,
                         redis_url=redis_url, queue_name=QUEUE, kubeconfig=str(kubeconfig),
                         prometheus_url=server.prometheus_url, jaeger_url=server.jaeger_url,
                         approver_user_ids=[USER], allow_self_approval=True)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    scenario = load_scenario(find_scenario(args.scenario))
    try:
        return _run(scenario, args)
    except RuntimeError as exc:  # no Redis to run on, the bot refusing a request
        print(f"demo: {exc}", file=sys.stderr)
        return 2


def _run(scenario: Scenario, args: argparse.Namespace) -> int:
    """Start everything (stopped in reverse order on the way out), then play the story."""
    channel, channel_name = channel_of(scenario)
    started = time.monotonic()
    with ExitStack() as stack:
        store = stack.enter_context(local_redis())
        print(f"[demo] {store.note}")
        server = stack.enter_context(SandboxServer(scenario))
        kubeconfig = server.write_kubeconfig(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "kubeconfig")
        print(f"[demo] simulated cluster: {scenario.id} at {server.url} (clock {scenario.now:%Y-%m-%d %H:%M}Z)")
        view = LiveThread(channel_name=channel_name)
        fake = stack.enter_context(FakeSlack(on_change=view.changed))
        fake.add_user(USER, USER_NAME)
        view.start(fake)
        stack.callback(view.stop)
        secret = secrets.token_hex(16)
        settings = settings_for(server, fake, redis_url=store.url, kubeconfig=kubeconfig, secret=secret)
        http = HTTPServer(BotWSGI(build_app(settings)), host="127.0.0.1", port=0).start()
        stack.callback(http.stop)
        configure(build_runtime(settings, now=lambda: scenario.now))
        stack.callback(configure, None)
        print(f"[demo] bot on {http.url}/slack/events; Slack Web API on {fake.url}; worker in this process\n")
        demo = Demo(scenario, fake, SignedSlack(http.url, fake, secret=secret, team_id=fake.team_id), view,
                    settings, channel, channel_name)
        return _story(demo, args, started)


def _story(demo: Demo, args: argparse.Namespace, started: float) -> int:
    root = start(demo)
    work(demo)
    card = approval_card(demo.fake, demo.channel, root.ts)
    if card is not None:
        decide(demo, card, args)
        work(demo)
    demo.view.final()
    info = latest_incident(demo)
    print("\n" + "═" * 72)
    print(f"incident {info.incident_id if info else '?'}: {info.status if info else 'unknown'} in "
          f"{time.monotonic() - started:.1f} s")
    if info and info.summary:
        print(info.summary)
    return 0 if info is not None and info.status != "aborted" else 1

