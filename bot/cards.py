"""Block Kit cards: the approval card, the decision outcome, and the final report."""
from __future__ import annotations

import json
from typing import Any, Literal

from bot.blocks import (BUTTON_TEXT, CUT, MAX_BLOCKS, MESSAGE_TEXT, Block, Message, StatusLine, clip, code,
                        code_block, context, divider, duration, escape, fields_section, header, plain, section,
                        slack_time)
from tools.models import ProposedAction
from tools.report import Report, Usage

APPROVE_ACTION = "debugbot_approve"
REJECT_ACTION = "debugbot_reject"
APPROVAL_BLOCK_PREFIX = "debugbot-approval:"  # + incident id, on the actions block

TITLES = {"resolved": ":white_check_mark: Resolved",
          "awaiting_approval": ":raised_hand: Fix proposed, awaiting approval",
          "no_fault": ":large_green_circle: No fault found", "inconclusive": ":grey_question: Inconclusive",
          "escalated": ":rotating_light: Escalated", "aborted": ":x: Aborted"}


def action_line(action: ProposedAction) -> str:
    target = escape(action.target.label()) if action.target else "no target"
    params = f" {code(json.dumps(action.params, sort_keys=True))}" if action.params else ""
    return f"{code(action.action.value)} on *{target}*{params}"


def _button(text: str, action_id: str, value: str, style: str | None = None,
            confirm: dict[str, Any] | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_TEXT), "action_id": action_id,
                              "value": value}
    if style:
        button["style"] = style
    if confirm:
        button["confirm"] = confirm
    return button


def approval_card(*, approval_id: str, incident_id: str, action: ProposedAction, dry_run_diff: str,
                  proposer: str, expires_at: float) -> Message:
    """What an approver sees: action, target, server-side dry-run diff, who proposed it and why."""
    target = action.target.label() if action.target else "no target"
    confirm = {"title": plain("Run this action?", 100),
               "text": {"type": "mrkdwn", "text": clip(f"debugbot will run {code(action.action.value)} on "
                                                         f"*{escape(target)}* in the cluster.", 300)},
               "confirm": plain("Approve and run", 30), "deny": plain("Cancel", 30), "style": "danger"}
    blocks: list[Block] = [
        header(f"Approval needed: {action.action.value} {target}"),
        section(f"*Action:* {action_line(action)}"),
        section(f"*Why:* {escape(action.rationale or 'no rationale given')}\n*Proposed by:* {escape(proposer)}"),
        section("*Server-side dry run (`dryRun=All`), what would change:*\n"
                + code_block(dry_run_diff or "(no change reported)", 2700)),
        context(f"approval {code(approval_id)} · expires {slack_time(expires_at)} · only approvers can decide"),
        {"type": "actions", "block_id": clip(APPROVAL_BLOCK_PREFIX + incident_id, 255, ""),
         "elements": [_button("Approve", APPROVE_ACTION, approval_id, "danger", confirm),
                      _button("Reject", REJECT_ACTION, approval_id)]},
    ]
    text = f"Approval needed: {action.action.value} on {target} (proposed by {proposer})"
    return Message(text=clip(text, MESSAGE_TEXT), blocks=blocks)


def decision_card(*, action: ProposedAction | None, decision: Literal["approve", "reject", "expire"],
                  user_id: str | None, at: float, outcome: str | None = None) -> Message:
    """The approval card once decided: by whom and when, then the outcome once the executor reports."""
    what = action_line(action) if action else "the proposed action"
    if decision == "approve":
        head = f":white_check_mark: *Approved* by <@{user_id}> at {slack_time(at)}"
        tail = escape(outcome) if outcome else ":hourglass_flowing_sand: running…"
    elif decision == "reject":
        head = f":no_entry_sign: *Rejected* by <@{user_id}> at {slack_time(at)}"
        tail = escape(outcome) if outcome else "Nothing will be changed; I'll note it and carry on."
    else:
        head = f":hourglass: *Expired* at {slack_time(at)}"
        tail = "Nothing was changed. Ask me again in this thread if it is still needed."
    blocks = [section(f"{head}\n{what}"), context(tail)]
    text = f"{decision} by {user_id or 'nobody'}: {action.action.value if action else 'action'}"
    return Message(text=clip(text, MESSAGE_TEXT), blocks=blocks)


def usage_text(usage: Usage) -> str:
    parts = [f"steps {usage.steps}", f"tool calls {usage.tool_calls}",
             f"tokens {usage.tokens_in:,} in / {usage.tokens_out:,} out"]
    if usage.first_hypothesis_s is not None:
        parts.append(f"first hypothesis {duration(usage.first_hypothesis_s)}")
    parts.append(f"total {duration(usage.total_s)}")
    return " · ".join(parts)


def _list_blocks(title: str, items: list[str], *, room: int) -> tuple[list[Block], int]:
    """A titled list, one section per item, within `room` blocks; also how many items were left out."""
    if not items:
        return [], 0
    if room < 2:
        return [], len(items)
    shown = items if len(items) <= room else items[: room - 1]
    blocks = [section(f"*{title}*\n{shown[0]}")] + [section(i) for i in shown[1:]]
    if len(shown) < len(items):
        blocks.append(context(f"_{len(items) - len(shown)} more in the attached full report_"))
    return blocks, len(items) - len(shown)


def report_message(report: Report) -> Message:
    """The final report; when it does not fit, `overflow` holds the whole text for a file upload."""
    resource = escape(report.resource.label()) if report.resource else "none identified"
    blocks: list[Block] = [
        header(TITLES.get(report.status.value, report.status.value)),
        fields_section([("Category", escape(report.category or "unknown")), ("Root-cause resource", resource)]),
        section(f"*Summary:* {escape(report.summary or 'no summary')}"),
    ]
    hypotheses = [f"• {escape(h.statement)} — _{h.verdict.value}_ ({h.confidence:.0%})"
                  + "".join(f"\n    ◦ {escape(clip(e, 400))}" for e in h.evidence[:3]) for h in report.hypotheses]
    evidence = [f"• {escape(clip(e.fact, 1500))}" + (f"\n{code(clip(e.invocation, 1000))}" if e.invocation else "")
                for e in report.evidence]
    actions = [f"• {action_line(a)}" + (f"\n    _{escape(clip(a.rationale, 500))}_" if a.rationale else "")
               for a in report.proposed_actions]
    tail = [divider(), context(usage_text(report.usage))]
    room, dropped = MAX_BLOCKS - len(blocks) - len(tail), 0
    for title, items, share in (("Hypotheses", hypotheses, 0.25), ("Evidence (rerun these)", evidence, 0.6),
                                ("Proposed actions", actions, 1.0)):
        part, left_out = _list_blocks(title, items, room=min(room, max(2, int(room * share))))
        blocks += part
        room, dropped = room - len(part), dropped + left_out
    cut = dropped > 0 or CUT in json.dumps(blocks, ensure_ascii=False)
    text = f"{TITLES.get(report.status.value, report.status.value)}: {report.summary}"
    return Message(text=clip(text, MESSAGE_TEXT), blocks=blocks + tail,
                   overflow=full_report_text(report) if cut else None)


def full_report_text(report: Report) -> str:
    """The whole report as plain text, for the file attached when the message had to be cut."""
    lines = [f"status: {report.status.value}", f"category: {report.category or 'unknown'}",
             f"resource: {report.resource.label() if report.resource else 'none'}", "", report.summary, ""]
    lines += ["Hypotheses:"] + [f"- {h.statement} [{h.verdict.value}, {h.confidence:.2f}]"
                                + "".join(f"\n    + {e}" for e in h.evidence)
                                + "".join(f"\n    - {a}" for a in h.against) for h in report.hypotheses]
    lines += ["", "Evidence:"] + [f"- {e.fact}\n    $ {e.invocation}" if e.invocation else f"- {e.fact}"
                                  for e in report.evidence]
    lines += ["", "Proposed actions:"] + [f"- {a.action.value} {a.target.label() if a.target else ''} "
                                          f"{json.dumps(a.params, sort_keys=True)}\n    {a.rationale}"
                                          for a in report.proposed_actions]
    lines += ["", "Usage: " + usage_text(report.usage)]
    return "\n".join(lines)


def final_status(report: Report, *, elapsed_s: float) -> StatusLine:
    """The root message's status line once the report is in."""
    return StatusLine(state=report.status.value, step=report.usage.steps,
                      hypothesis=report.summary[:200], elapsed_s=elapsed_s)
