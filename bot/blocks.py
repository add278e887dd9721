"""Block Kit builders for the thread: primitives within Slack's limits, root status, progress, escalation."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tools.report import ProgressEvent

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_ELEMENTS = 10
MESSAGE_TEXT = 3000  # the notification fallback; Slack allows 40k, people read far less
CUT = "… (cut)"

Block = dict[str, Any]


@dataclass
class Message:
    """One Slack message: fallback `text`, `blocks`, and the full text when blocks had to be cut."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    overflow: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def clip(text: str, limit: int, note: str = CUT) -> str:
    """At most `limit` characters, saying so when something was cut."""
    return text if len(text) <= limit else text[: max(0, limit - len(note))] + note


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require for user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code; backticks inside would end it, so they become similar quotes."""
    return "`" + escape(text.replace("`", "ˋ").replace("\n", " ")) + "`"


def code_block(text: str, limit: int = SECTION_TEXT - 200) -> str:
    return "```" + clip(escape(text.replace("```", "ˋˋˋ")), limit) + "```"


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT) or " "}, **extra}


def fields_section(pairs: list[tuple[str, str]]) -> Block:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": clip(f"*{k}*\n{v}", FIELD_TEXT)}
                                          for k, v in pairs[:10]]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def context(*texts: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t, SECTION_TEXT) or " "}
                                                    for t in texts[:CONTEXT_ELEMENTS]]}
    if block_id:
        block["block_id"] = block_id
    return block


def divider() -> Block:
    return {"type": "divider"}


def slack_time(epoch: float) -> str:
    """A time each reader sees in their own timezone, with a UTC fallback."""
    fallback = time.strftime("%H:%M UTC", time.gmtime(epoch))
    return f"<!date^{int(epoch)}^{{time}}|{fallback}>"


def duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"


def fit(blocks: list[Block], *, more: str = "more in the attached file") -> list[Block]:
    """At most MAX_BLOCKS blocks, the last one saying how many were left out."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    kept = blocks[: MAX_BLOCKS - 1]
    return kept + [context(f"_{len(blocks) - len(kept)} more blocks: {more}_")]


# ---- the root message ------------------------------------------------------------
STATE_ICON = {"queued": ":hourglass:", "running": ":hourglass_flowing_sand:",
              "awaiting_approval": ":raised_hand:", "resolved": ":white_check_mark:",
              "no_fault": ":large_green_circle:", "inconclusive": ":grey_question:",
              "escalated": ":rotating_light:", "aborted": ":x:"}


@dataclass
class StatusLine:
    """The live line under the root message: state, step n, current hypothesis, elapsed."""

    state: str = "queued"
    step: int = 0
    hypothesis: str = ""
    elapsed_s: float = 0.0

    def render(self) -> str:
        parts = [f"{STATE_ICON.get(self.state, ':grey_question:')} *{self.state.replace('_', ' ')}*"]
        if self.step:
            parts.append(f"step {self.step}")
        if self.hypothesis:
            parts.append("current hypothesis: " + clip(escape(self.hypothesis), 300))
        if self.elapsed_s:
            parts.append(f"{duration(self.elapsed_s)} elapsed")
        return " · ".join(parts)


def root_message(title: str, *, requested_by: str | None, source: str,
                 status: StatusLine | None = None) -> Message:
    """The thread parent: what is being investigated, for whom, and the live status line."""
    status = status or StatusLine()
    who = f"asked by <@{requested_by}>" if requested_by else "started by an alert"
    origin = {"command": "/debug", "mention": "a mention", "alert_message": "Alertmanager (Slack receiver)",
              "alert_webhook": "Alertmanager (webhook)"}.get(source, source)
    blocks = [section(f":mag: *Investigating:* {clip(escape(title), 2000)}"),
              context(f"{who} · via {origin} · updates in this thread"),
              context(status.render(), block_id="debugbot-status")]
    return Message(text=clip(f"Investigating: {title}", MESSAGE_TEXT), blocks=blocks)


# ---- progress events ----------------------------------------------------------------
ICON = {"plan": ":clipboard:", "hypothesis": ":bulb:", "tool_call": ":wrench:", "tool_result": ":page_facing_up:",
        "critique": ":thinking_face:", "recall": ":repeat:", "approval_request": ":raised_hand:",
        "action_result": ":hammer_and_wrench:", "report": ":memo:"}
LABEL = {"plan": "Plan", "hypothesis": "Hypothesis", "critique": "Critique", "recall": "Seen before",
         "approval_request": "Approval requested", "action_result": "Action result", "report": "Report"}


def _event_text(event: ProgressEvent, *, with_invocation: bool = True) -> str:
    data, icon = event.data, ICON.get(event.kind, ":small_blue_diamond:")
    step = f"_{event.step}._ " if event.step else ""
    if event.kind == "tool_call":
        invocation = str(data.get("invocation") or "")
        tool = str(data.get("tool") or event.text)
        return f"{icon} {step}*{escape(tool)}* {code(invocation) if invocation else escape(event.text)}"
    if event.kind == "tool_result":
        status = str(data.get("status") or "ok")
        line = f"↳ _{escape(status)}_ · {escape(clip(event.text, 1200))}"
        invocation = str(data.get("invocation") or "") if with_invocation else ""
        return f"{line}\n{code(invocation)}" if invocation else line
    if event.kind == "hypothesis":
        conf = data.get("confidence")
        conf_text = f" ({float(conf):.0%})" if isinstance(conf, (int, float)) else ""
        return f"{icon} {step}*Hypothesis*{conf_text}: {escape(event.text)}"
    if event.kind == "recall":
        ref = f" ({escape(str(data['incident_id']))})" if data.get("incident_id") else ""
        return f"{icon} {step}*Seen before*{ref}: {escape(event.text)}"
    return f"{icon} {step}*{LABEL.get(event.kind, event.kind)}:* {escape(event.text)}"


def progress_message(events: list[ProgressEvent]) -> Message:
    """A burst of events as one message; a tool result joins the tool call it answers."""
    texts: list[str] = []
    for event in events:
        joins = event.kind == "tool_result" and bool(texts) and texts[-1].startswith(ICON["tool_call"])
        text = _event_text(event, with_invocation=not joins)
        if joins:
            texts[-1] = f"{texts[-1]}\n{text}"
        else:
            texts.append(text)
    blocks = [section(t) for t in texts]
    overflow = "\n".join(texts) if len(blocks) > MAX_BLOCKS else None
    fallback = "; ".join(f"{e.kind}: {e.text}" for e in events)
    return Message(text=clip(fallback, MESSAGE_TEXT), blocks=fit(blocks, more="see the next updates"),
                   overflow=overflow)


def escalation_message(reason: str, *, oncall_group_id: str | None, summary: str = "") -> Message:
    """Hand the incident to people: mention the on-call user group (`<!subteam^ID>`)."""
    who = f"<!subteam^{oncall_group_id}>" if oncall_group_id else "On-call (no DEBUGBOT_ONCALL_GROUP_ID set)"
    blocks = [section(f":rotating_light: {who}: I could not finish this one. {escape(reason)}")]
    if summary:
        blocks.append(section(f"*What I found so far:* {escape(summary)}"))
    blocks.append(context("Reply in this thread to ask me follow-up questions."))
    return Message(text=clip(f"{who}: escalated: {reason}", MESSAGE_TEXT), blocks=blocks)
