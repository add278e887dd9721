"""The Slack path end to end: /debug → worker → approval card → a click → the fix, with real processes."""
from __future__ import annotations

import threading

import pytest
from rq.registry import FailedJobRegistry

from sandbox.slack_api import FakeMessage
from tests.bot.conftest import APPROVER, STRANGER, USER, wait_for
from tests.e2e.conftest import E2E

BAD, GOOD = "registry.example.com/payment:2.4.1", "registry.example.com/payment:2.4.0"
pytestmark = pytest.mark.slow  # starts real processes


def investigate_until_card(e2e: E2E) -> tuple[FakeMessage, FakeMessage]:
    reply = e2e.slack.command("payment timeouts", user=USER)
    assert reply.status == 200 and "Investigating" in reply.json()["text"]
    e2e.start_worker()
    root = e2e.root()
    return root, e2e.card(root)


def test_an_approved_rollback_runs_once_is_verified_and_the_card_and_root_show_the_outcome(e2e: E2E) -> None:
    root, card = investigate_until_card(e2e)
    thread = e2e.thread(root)
    assert "Hypothesis" in thread and "rollout of revision 7" in thread
    assert "rollout_history" in thread and "_ok_" in thread  # tool calls and their results
    assert "Approval needed: rollback_deployment Deployment prod/payment" in thread
    assert e2e.deployment_image("prod", "payment") == BAD  # nothing runs before the click
    assert e2e.wait_status(root, "awaiting_approval")

    assert e2e.click(card, approve=True, user=APPROVER).status == 200
    info = e2e.wait_status(root, "resolved", "escalated", "aborted")

    assert info.status == "resolved"
    assert e2e.deployment_image("prod", "payment") == GOOD
    assert e2e.audit(root).count("executed") == 1
    decided = e2e.fake.message(card.channel, card.ts)
    assert decided is not None and not any(b.get("type") == "actions" for b in decided.blocks)
    card_text = e2e.thread(root)
    assert "Approved* by @approver" in card_text and "executed and verified" in card_text
    assert "Resolved" in e2e.thread(root)
    root_now = e2e.fake.message(root.channel, root.ts)
    assert root_now is not None and root_now.edits > 0 and "resolved" in str(root_now.blocks).lower()
    assert len(FailedJobRegistry(queue=e2e.queue)) == 0


def test_two_approve_clicks_at_once_run_the_rollback_once_and_tell_the_second_who_decided(e2e: E2E) -> None:
    root, card = investigate_until_card(e2e)
    replies: list[int] = []
    clicks = [threading.Thread(target=lambda: replies.append(e2e.click(card, approve=True).status))
              for _ in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()

    assert replies == [200, 200]
    e2e.wait_status(root, "resolved", "escalated", "aborted")
    assert e2e.audit(root).count("executed") == 1 and e2e.audit(root).count("approved") == 1
    notes = wait_for(lambda: [e["text"] for e in e2e.fake.calls("response_url") if "Already approved" in
                              str(e.get("text"))], what="the second clicker's note")
    assert len(notes) == 1 and "<@UAPPROVER>" in notes[0]
    assert e2e.deployment_image("prod", "payment") == GOOD


def test_a_rejected_fix_changes_nothing_and_the_thread_shows_it_was_declined(e2e: E2E) -> None:
    root, card = investigate_until_card(e2e)

    assert e2e.click(card, approve=False).status == 200
    info = e2e.wait_status(root, "resolved", "escalated", "inconclusive", "no_fault", "aborted")

    assert e2e.deployment_image("prod", "payment") == BAD
    events = e2e.audit(root)
    assert "rejected" in events and "executed" not in events
    thread = e2e.thread(root)
    assert "Rejected* by @approver" in thread and "Nothing was changed" in thread
    assert "declined by UAPPROVER" in thread
    assert info.status == "escalated" and "@soncall" in thread.lower()  # on-call is mentioned


def test_a_click_by_someone_not_allowed_is_refused_audited_and_queues_nothing(e2e: E2E) -> None:
    root, card = investigate_until_card(e2e)
    e2e.workers[0].stop()  # nothing may run after this click
    jobs_before = e2e.queue.count

    assert e2e.click(card, approve=True, user=STRANGER).status == 200
    refusal = wait_for(lambda: [c for c in e2e.fake.calls("response_url") if "can't decide" in str(c.get("text"))],
                       what="the refusal")

    assert refusal[0]["response_type"] == "ephemeral"
    assert wait_for(lambda: "refused_unauthorised" in e2e.audit(root), what="the audit record")
    assert e2e.queue.count == jobs_before == 0
    assert "executed" not in e2e.audit(root) and "approved" not in e2e.audit(root)
    still = e2e.fake.message(card.channel, card.ts)
    assert still is not None and any(b.get("type") == "actions" for b in still.blocks)  # card untouched
    assert e2e.deployment_image("prod", "payment") == BAD
