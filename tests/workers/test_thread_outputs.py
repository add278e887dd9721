"""What a job leaves in its thread beyond progress: metric charts, and an approval card that is posted once.

The jobs run in this process against the real world of a worker: the sandbox cluster over HTTP, a real
redis-server (checkpoints, approvals, markers) and the fake Slack Web API through slack_sdk's client.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent import api
from bot.incident import incident_id
from bot.payloads import FollowUpPayload, InvestigatePayload
from cli.demo_slack import approval_card
from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from sandbox.slack_api import FakeMessage, FakeSlack
from tests.bot.conftest import CHANNEL, TEAM, USER, make_settings
from tests.conftest import SHARED_SCENARIOS
from workers import jobs
from workers.runtime import Runtime, build_runtime, configure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class World:
    rt: Runtime
    fake: FakeSlack
    root_ts: str

    def payload(self, text: str) -> InvestigatePayload:
        return InvestigatePayload(incident_id=incident_id(TEAM, CHANNEL, self.root_ts), team_id=TEAM,
                                  channel_id=CHANNEL, thread_ts=self.root_ts, root_ts=self.root_ts, user_id=USER,
                                  text=text, trigger=text)

    def thread(self) -> list[FakeMessage]:
        return self.fake.thread(CHANNEL, self.root_ts)

    def pngs(self) -> list[tuple[str, bytes]]:
        """(title, bytes) of every PNG file shared in the thread."""
        return [(f["title"], self.fake.uploads[f["id"]]) for m in self.thread() for f in m.files
                if f["name"].endswith(".png")]

    def cards(self) -> int:
        return sum(1 for m in self.thread() if approval_card_in(m))


def approval_card_in(message: FakeMessage) -> bool:
    return any(b.get("type") == "actions" for b in message.blocks)


@pytest.fixture()
def world(request: pytest.FixtureRequest, redis_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[World]:
    scenario = load_scenario(SHARED_SCENARIOS / f"{request.param}.yaml")
    with SandboxServer(scenario) as sandbox:
        settings = make_settings(redis_url, fake_slack, kubeconfig=str(sandbox.write_kubeconfig(tmp_path / "kc")),
                                 prometheus_url=sandbox.prometheus_url, jaeger_url=sandbox.jaeger_url)
        rt = build_runtime(settings, now=lambda: scenario.now)
        root = rt.slack.chat_postMessage(channel=CHANNEL, text="Investigating")
        configure(rt)
        try:
            yield World(rt, fake_slack, str(root["ts"]))
        finally:
            configure(None)


@pytest.mark.parametrize("world", ["payment-bad-rollout"], indirect=True)
def test_a_report_resting_on_a_metric_uploads_a_png_of_it_with_its_change_point(world: World) -> None:
    outcome = jobs.investigate(world.payload("payment timeouts").model_dump())

    assert outcome["status"] == "awaiting_approval"
    pngs = world.pngs()
    assert [title for title, _ in pngs] == ["error_rate (ratio_5xx) of payment"]
    data = pngs[0][1]
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    files = [m for m in world.thread() if m.files]
    card = next(m for m in world.thread() if approval_card_in(m))
    assert float(files[0].ts) < float(card.ts)  # the evidence comes before the question


@pytest.mark.parametrize("world", ["inventory-crashloop-missing-env"], indirect=True)
def test_a_report_without_metric_evidence_uploads_no_chart(world: World) -> None:
    outcome = jobs.investigate(world.payload("inventory crashloops").model_dump())

    assert outcome["status"] in ("awaiting_approval", "escalated")
    assert world.pngs() == [] and world.fake.calls("files.getUploadURLExternal") == []


@pytest.mark.parametrize("world", ["payment-bad-rollout"], indirect=True)
def test_an_investigation_job_run_again_posts_the_approval_card_and_the_chart_once(world: World) -> None:
    payload = world.payload("payment timeouts").model_dump()

    first = jobs.investigate(payload)
    again = jobs.investigate(payload)  # RQ re-queued it after a worker loss, or someone retried it

    assert first["approval_id"] == again["approval_id"]
    assert world.cards() == 1 and len(world.pngs()) == 1
    assert world.rt.redis.get(f"debugbot:card:{payload['incident_id']}:{first['approval_id']}") == \
        approval_card(world.fake, CHANNEL, world.root_ts).ts.encode()  # type: ignore[union-attr]


@pytest.mark.parametrize("world", ["payment-bad-rollout"], indirect=True)
def test_a_card_whose_post_failed_is_posted_when_the_job_runs_again(world: World) -> None:
    payload = world.payload("payment timeouts").model_dump()
    world.fake.rate_limit("chat.postMessage", times=100_000, retry_after=0)

    jobs.investigate(payload)
    assert world.cards() == 0
    world.fake.rate_limit("chat.postMessage", times=0)
    jobs.investigate(payload)

    assert world.cards() == 1


@pytest.mark.parametrize("world", ["payment-bad-rollout"], indirect=True)
def test_a_follow_up_about_the_error_rate_answers_in_the_thread_with_a_fresh_chart(world: World) -> None:
    p = world.payload("payment timeouts")
    jobs.investigate(p.model_dump())
    api.resume(world.rt.graph, incident_id=p.incident_id, decision="reject", user=USER)  # the graph is done
    charted = len(world.pngs())
    question = FollowUpPayload(**{**p.model_dump(exclude={"kind", "text", "trigger", "source"}),
                                  "question": "what is the error rate now?", "user_id": USER})

    jobs.follow_up(question.model_dump())

    answer = world.thread()[-1]
    assert "what is the error rate now?" in str(answer.blocks) and "5xx share of requests" in str(answer.blocks)
    assert charted >= 1 and len(world.pngs()) == charted + 1
    assert world.pngs()[-1][0].startswith("error_rate")
