"""Approve/Reject clicks: authorisation, decided exactly once, resume enqueued, card redrawn."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from rq import Queue
from rq.job import Job

from bot.app import BotApp
from bot.cards import APPROVAL_BLOCK_PREFIX, APPROVE_ACTION, REJECT_ACTION, approval_card
from bot.incident import incident_id
from bot.payloads import RESUME_JOB, DecisionPayload, parse_payload
from bot.streamer import ThreadStreamer
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import (APPROVER, CHANNEL, GROUP_MEMBER, STRANGER, TEAM, USER, SlackSender, wait_for)
from tools.approvals import ApprovalRecord, ApprovalState, ApprovalStore
from tools.audit import AuditEvent
from tools.models import ActionName, ObjectRef, ProposedAction

ROLLBACK = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT,
                          target=ObjectRef(kind="Deployment", namespace="prod", name="payment"),
                          params={"to_revision": 3}, rationale="revision 4 set DB_HOST to a dead host")
DIFF = "-        - name: DB_HOST\n-          value: db-new.prod\n+          value: db.prod"


class Pending:
    """An investigation awaiting approval, with its card posted in the thread as a worker would."""

    def __init__(self, bot: BotApp, slack: SlackSender, fake: FakeSlack, queue: Queue, *, requester: str = USER,
                 created: datetime | None = None) -> None:
        slack.command("payment 5xx after the 14:00 rollout", user=requester)
        wait_for(lambda: queue.count == 1, what="the investigation")
        self.root = fake.messages(CHANNEL)[0].ts
        self.incident = incident_id(TEAM, CHANNEL, self.root)
        store = ApprovalStore(bot.services.redis, ttl_s=600)
        self.record: ApprovalRecord = store.create(incident_id=self.incident, action=ROLLBACK, dry_run_diff=DIFF,
                                                   proposer="rules reasoner", requested_by=requester, now=created)
        card = approval_card(approval_id=self.record.id, incident_id=self.incident, action=ROLLBACK,
                             dry_run_diff=DIFF, proposer="rules reasoner",
                             expires_at=self.record.expires_at.timestamp())
        streamer = ThreadStreamer(bot.services.client, channel=CHANNEL, thread_ts=self.root)
        self.card_ts = streamer.post(card)
        self.slack, self.fake, self.queue, self.bot = slack, fake, queue, bot

    def click(self, user: str, action_id: str = APPROVE_ACTION) -> None:
        assert self.card_ts is not None
        reply = self.slack.click(action_id, self.record.id, user=user, channel=CHANNEL, message_ts=self.card_ts,
                                 thread_ts=self.root, block_id=APPROVAL_BLOCK_PREFIX + self.incident)
        assert reply.status == 200 and reply.seconds < 3

    def resume_jobs(self) -> list[Job]:
        keys = self.queue.connection.keys(f"rq:job:{self.incident}-decision-*")
        ids = [(k.decode() if isinstance(k, bytes) else str(k)).removeprefix("rq:job:") for k in keys]
        return [Job.fetch(i, connection=self.queue.connection) for i in ids]

    def card_text(self) -> str:
        assert self.card_ts is not None
        msg = self.fake.message(CHANNEL, self.card_ts)
        assert msg is not None
        return json.dumps(msg.blocks)


def test_an_approver_click_consumes_the_approval_enqueues_resume_and_redraws_the_card(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue)
    pending.click(APPROVER)

    jobs = wait_for(pending.resume_jobs, what="the resume job")
    payload = parse_payload(jobs[0].args[0])
    assert jobs[0].func_name == RESUME_JOB
    assert isinstance(payload, DecisionPayload)
    assert (payload.approval_id, payload.decision, payload.user_id) == (pending.record.id, "approve", APPROVER)
    assert (payload.incident_id, payload.thread_ts, payload.root_ts) == (pending.incident, pending.root, pending.root)
    assert payload.card_ts == pending.card_ts
    assert jobs[0].dependency_ids == [f"{pending.incident}-investigate"]
    wait_for(lambda: "Approved" in pending.card_text(), what="the redrawn card")
    assert f"<@{APPROVER}>" in pending.card_text() and "running" in pending.card_text()
    assert APPROVE_ACTION not in pending.card_text()  # the buttons are gone
    record = bot.services.approvals.get(pending.record.id)
    assert record is not None and record.state is ApprovalState.APPROVED and record.decided_by == APPROVER
    assert [e.event for e in bot.services.audit.for_incident(pending.incident)][-1] is AuditEvent.APPROVED


def test_a_member_of_an_approver_group_may_approve(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue)
    pending.click(GROUP_MEMBER)

    wait_for(pending.resume_jobs, what="the resume job")
    assert fake_slack.calls("usergroups.users.list")[0]["usergroup"] == "SAPPROVERS"


def test_an_unauthorised_click_is_refused_audited_and_enqueues_nothing(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue)
    pending.click(STRANGER)

    note = wait_for(lambda: [c for c in fake_slack.calls("response_url") if "can't decide" in c.get("text", "")],
                    what="the refusal")
    assert note[0]["response_type"] == "ephemeral" and "not an approver" in note[0]["text"]
    assert fake_slack.ephemerals(user=STRANGER)
    audit = wait_for(lambda: [e for e in bot.services.audit.for_incident(pending.incident)
                              if e.event is AuditEvent.REFUSED_UNAUTHORISED], what="the audit entry")
    assert audit[0].user == STRANGER and audit[0].approval_id == pending.record.id
    time.sleep(0.2)
    assert pending.resume_jobs() == []
    record = bot.services.approvals.get(pending.record.id)
    assert record is not None and record.state is ApprovalState.PENDING
    assert "Approved" not in pending.card_text()


def test_the_requester_cannot_approve_their_own_incident_when_self_approval_is_off(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue, requester=APPROVER)
    pending.click(APPROVER)

    note = wait_for(lambda: fake_slack.ephemerals(user=APPROVER), what="the refusal")
    assert "self-approval is disabled" in note[0]["text"]
    time.sleep(0.2)
    assert pending.resume_jobs() == []


def test_a_second_click_is_told_who_already_approved_and_enqueues_nothing_more(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue)
    pending.click(APPROVER)
    wait_for(pending.resume_jobs, what="the resume job")
    pending.click(GROUP_MEMBER)
    pending.click(APPROVER)

    notes = wait_for(lambda: [e["text"] for e in fake_slack.ephemerals() if "Already approved" in e["text"]]
                     if len(fake_slack.ephemerals()) >= 2 else None, what="two notes")
    assert all(f"by <@{APPROVER}> at <!date^" in n for n in notes) and len(notes) == 2
    time.sleep(0.2)
    assert len(pending.resume_jobs()) == 1


def test_a_click_after_expiry_changes_nothing_and_says_so(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue, created=datetime.now(timezone.utc) - timedelta(hours=2))
    pending.click(APPROVER)

    note = wait_for(lambda: fake_slack.ephemerals(user=APPROVER), what="the expiry note")
    assert "expired" in note[0]["text"] and "nothing was changed" in note[0]["text"]
    wait_for(lambda: "Expired" in pending.card_text(), what="the card marked expired")
    assert pending.resume_jobs() == []


def test_reject_enqueues_the_resume_with_the_rejection_and_redraws_the_card(
        bot: BotApp, slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    pending = Pending(bot, slack, fake_slack, queue)
    pending.click(APPROVER, REJECT_ACTION)

    jobs = wait_for(pending.resume_jobs, what="the resume job")
    payload = parse_payload(jobs[0].args[0])
    assert isinstance(payload, DecisionPayload) and payload.decision == "reject"
    wait_for(lambda: "Rejected" in pending.card_text(), what="the redrawn card")
    record = bot.services.approvals.get(pending.record.id)
    assert record is not None and record.state is ApprovalState.REJECTED
