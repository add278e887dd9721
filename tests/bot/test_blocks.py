"""Block Kit builders: valid by slack_sdk's models, within Slack's limits, saying what matters."""
from __future__ import annotations

import json
import time

import pytest
from slack_sdk.models.blocks import Block, ButtonElement

from bot.blocks import (CUT, StatusLine, clip, escalation_message, progress_message, root_message)
from bot.cards import (APPROVE_ACTION, REJECT_ACTION, approval_card, decision_card, full_report_text,
                       report_message)
from tests.bot.blockcheck import assert_valid
from tests.bot.reports import PAYMENT, burst, huge_report, realistic_report
from tools.models import ActionName, ProposedAction
from tools.report import ProgressEvent, ReportStatus

ROLLBACK = realistic_report().proposed_actions[0]


def test_the_root_message_shows_the_question_who_asked_and_the_live_status() -> None:
    status = StatusLine(state="running", step=4, hypothesis="revision 4 broke <DB> access", elapsed_s=83)
    message = root_message("payment 5xx since 14:00", requested_by="UONCALL", source="command", status=status)

    assert_valid(message)
    text = json.dumps(message.blocks)
    assert "payment 5xx since 14:00" in text and "<@UONCALL>" in text and "/debug" in text
    assert "step 4" in text and "1:23 elapsed" in text and "revision 4 broke &lt;DB&gt; access" in text


def test_a_burst_of_progress_events_is_one_message_with_tool_calls_joined_to_their_results() -> None:
    events = burst(10)
    message = progress_message(events)

    assert_valid(message)
    text = json.dumps(message.blocks)
    assert "`GET /api/v1/namespaces/prod/pods/p4/log?tailLines=200`" in text
    call_block = next(b for b in message.blocks if "p4/log" in b["text"]["text"])
    assert "no such host (5)" in call_block["text"]["text"]  # the result sits under its call
    assert "*Seen before* (inc-T1-C1-1690000000_000100)" in text and "*Plan:*" in text
    assert "(65%)" in text  # hypothesis confidence


def test_a_flood_of_events_still_fits_in_fifty_blocks_and_keeps_the_rest_as_overflow() -> None:
    events = [ProgressEvent(kind="critique", text=f"critique {i} " + "y" * 4000, step=i) for i in range(120)]
    message = progress_message(events)

    assert_valid(message)
    assert len(message.blocks) == 50 and message.overflow is not None and "critique 119" in message.overflow
    assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")


def test_the_approval_card_has_the_diff_the_proposer_and_a_guarded_approve_button() -> None:
    message = approval_card(approval_id="apr_123-x", incident_id="inc-T1-C1-1_2", action=ROLLBACK,
                            dry_run_diff="-  value: db-new.prod\n+  value: db.prod", proposer="rules reasoner",
                            expires_at=time.time() + 3600)

    assert_valid(message)
    actions = next(b for b in message.blocks if b["type"] == "actions")
    approve, reject = (Block.parse(actions)).elements  # type: ignore[union-attr]
    assert isinstance(approve, ButtonElement) and approve.action_id == APPROVE_ACTION
    assert approve.style == "danger" and approve.confirm is not None and approve.value == "apr_123-x"
    assert reject.action_id == REJECT_ACTION and reject.value == "apr_123-x"
    text = json.dumps(message.blocks)
    assert "```-  value: db-new.prod\\n+  value: db.prod```" in text
    assert "rules reasoner" in text and "revision 3 ran clean" in text and "Deployment prod/payment" in text


def test_an_enormous_dry_run_diff_is_cut_with_a_note() -> None:
    message = approval_card(approval_id="a", incident_id="i", action=ROLLBACK, dry_run_diff="+ line\n" * 2000,
                            proposer="llm gpt-4o-mini", expires_at=time.time())
    assert_valid(message)
    assert CUT in json.dumps(message.blocks, ensure_ascii=False)


@pytest.mark.parametrize("decision", ["approve", "reject", "expire"])
def test_decision_cards_say_who_decided_and_when(decision: str) -> None:
    message = decision_card(action=ROLLBACK, decision=decision,  # type: ignore[arg-type]
                            user_id="UAPPROVER", at=1700000000)
    assert_valid(message)
    text = json.dumps(message.blocks)
    assert "<!date^1700000000^{time}|22:13 UTC>" in text
    assert ("<@UAPPROVER>" in text) == (decision != "expire")


def test_the_outcome_replaces_running_once_the_executor_reports() -> None:
    message = decision_card(action=ROLLBACK, decision="approve", user_id="U1", at=1700000000,
                            outcome="rolled back to revision 3; 5xx back to 0.1% after 40 s")
    assert_valid(message)
    assert "running" not in json.dumps(message.blocks) and "rolled back" in json.dumps(message.blocks)


@pytest.mark.parametrize("status", list(ReportStatus))
def test_the_report_has_category_resource_summary_evidence_actions_and_usage(status: ReportStatus) -> None:
    message = report_message(realistic_report(status))

    assert_valid(message)
    assert message.overflow is None
    text = json.dumps(message.blocks)
    for expected in ("bad_rollout", "Deployment prod/payment", "DB_HOST", "`rollback_deployment`",
                     "code=~\\\"5..\\\"", "steps 9", "tool calls 7", "first hypothesis 4 s", "total 24 s"):
        assert expected in text, expected


def test_a_report_too_big_for_one_message_is_cut_and_its_full_text_kept_for_a_file() -> None:
    report = huge_report()
    message = report_message(report)

    assert_valid(message)
    assert message.overflow is not None and message.overflow == full_report_text(report)
    assert "fact 79" in message.overflow and "more in the attached full report" in json.dumps(message.blocks)


def test_a_report_without_resource_or_actions_still_renders() -> None:
    report = realistic_report(ReportStatus.NO_FAULT)
    report.resource, report.proposed_actions, report.hypotheses, report.evidence = None, [], [], []
    report.category = None
    message = report_message(report)
    assert_valid(message)
    assert "none identified" in json.dumps(message.blocks)


def test_the_escalation_mentions_the_on_call_user_group() -> None:
    message = escalation_message("budget of 16 steps spent", oncall_group_id="SONCALL", summary="5xx in payment")
    assert_valid(message)
    assert "<!subteam^SONCALL>" in message.text and "<!subteam^SONCALL>" in json.dumps(message.blocks)
    unset = escalation_message("no idea", oncall_group_id=None)
    assert_valid(unset)
    assert "DEBUGBOT_ONCALL_GROUP_ID" in unset.text


def test_text_with_slack_control_characters_is_escaped_everywhere() -> None:
    action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=PAYMENT, params={"image": "a<b>&c"},
                            rationale="<!channel> & friends")
    message = approval_card(approval_id="a", incident_id="i", action=action, dry_run_diff="<@U1>",
                            proposer="<script>", expires_at=0)
    text = json.dumps(message.blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; friends" in text
    assert "<script>" not in text and "<@U1>" not in text


def test_clip_says_when_it_cut() -> None:
    assert clip("abc", 10) == "abc"
    assert clip("a" * 20, 10).endswith(CUT) and len(clip("a" * 20, 10)) == 10
