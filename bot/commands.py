"""`/debug`: usage, status, and starting an investigation from what the on-call typed."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import redis
from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks import STATE_ICON, clip, context, escape, section
from bot.dedupe import REDIS_ERROR
from bot.enqueue import unreachable
from bot.investigations import StartFailed, start_investigation
from bot.payloads import TriggerSource
from bot.services import Services
from tools.memory import MEMORY_ERRORS, LongTermMemory, Match

USAGE = ("*Usage:* `/debug <what is wrong>`, e.g. `/debug payment-api returns 503 in prod since 14:00`\n"
         "• `/debug status`: running and recent investigations in this channel\n"
         "• `/debug history [text]`: past incidents like the text (or the latest ones) in this channel\n"
         "• `/debug forget <incident>`: delete a past incident from my memory (approvers only)\n"
         "• `/debug help`: this message\n"
         "I investigate in a thread and only change the cluster when an approver clicks Approve.")
_MARKUP = re.compile(r"<[^>]*>|:[a-z0-9_+'-]+:")


@dataclass(frozen=True)
class Parsed:
    kind: Literal["help", "status", "history", "forget", "investigate", "error"]
    text: str = ""


def parse_command(text: str, *, max_len: int) -> Parsed:
    """What the user asked for; an `error` carries what to type instead."""
    text = (text or "").strip()
    if text.lower() in ("", "help", "-h", "--help", "?"):
        return Parsed("help")
    if text.lower() == "status":
        return Parsed("status")
    verb, _, rest = text.partition(" ")
    if verb.lower() == "history":
        return Parsed("history", rest.strip())
    if verb.lower() == "forget":
        incident = rest.strip().strip("`")
        return Parsed("forget", incident) if re.fullmatch(r"[A-Za-z0-9_-]{3,200}", incident) else \
            Parsed("error", "Name the incident to forget, as `/debug history` shows it: "
                            "`/debug forget inc-T1-C1-1700000000_000100`.")
    if len(text) > max_len:
        return Parsed("error", f"That is {len(text)} characters; keep it under {max_len}: name the service and "
                               "the symptom, e.g. `/debug checkout-api 5xx in prod`. Paste logs in the thread later.")
    words = re.findall(r"[^\W_]{2,}", _MARKUP.sub(" ", text))
    if not words:
        return Parsed("error", "I need words to work with: name the service and the symptom, "
                               "e.g. `/debug checkout-api 5xx in prod`.")
    return Parsed("investigate", text)


def status_blocks(services: Services, *, team_id: str, channel_id: str) -> list[dict[str, Any]]:
    """Running and recent investigations in this channel, newest first."""
    incidents = services.index.recent(team_id, channel_id, limit=10)
    if not incidents:
        return [section("No investigations in this channel yet. Start one with `/debug <what is wrong>`.")]
    running = [i for i in incidents if i.active]
    lines = []
    identity = services.identity
    for info in incidents:
        icon = STATE_ICON.get(info.status, ":grey_question:")
        link = f"<{identity.permalink(info.channel_id, info.thread_ts)}|{escape(clip(info.title, 80))}>" \
            if identity.url else escape(clip(info.title, 80))
        step = f" · step {info.step}" if info.step else ""
        ago = max(0, int(time.time() - info.created_at)) // 60
        lines.append(f"{icon} *{info.status.replace('_', ' ')}*{step} · {link} · {ago} min ago")
    return [section(f"*{len(running)} running*, {len(incidents) - len(running)} finished (latest 10):"),
            section("\n".join(lines)), context("`/debug help` for usage")]


def say(ack: Ack, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """Ack with an ephemeral reply (JSON, so Slack shows it only to the user who typed)."""
    ack(text=text, blocks=blocks, response_type="ephemeral")


def handle_debug(services: Services, ack: Ack, body: dict[str, Any], context: BoltContext,
                 respond: Respond) -> None:
    channel, user, team = body.get("channel_id", ""), body.get("user_id", ""), body.get("team_id", "")
    if not services.config.channel_allowed(channel):
        say(ack, "I'm not enabled in this channel. Ask an admin to add it to DEBUGBOT_ALLOWED_CHANNELS.")
        return
    parsed = parse_command(str(body.get("text", "")), max_len=services.config.max_text)
    if parsed.kind == "help":
        say(ack, USAGE, [section(USAGE)])
        return
    if parsed.kind == "error":
        say(ack, f":warning: {parsed.text}\n`/debug help` for usage")
        return
    if context.get(REDIS_ERROR):
        verb = "read the status" if parsed.kind == "status" else "queue the investigation"
        say(ack, f":x: couldn't {verb}: {context[REDIS_ERROR]}")
        return
    if parsed.kind in ("history", "forget"):
        say(ack, ":brain: Looking through past incidents…" if parsed.kind == "history"
            else ":wastebasket: Forgetting…")
        services.after_ack.defer(body, answer_memory, services, parsed=parsed, channel=channel, user=user,
                                 respond=respond)
        return
    if parsed.kind == "status":
        try:
            blocks = status_blocks(services, team_id=team, channel_id=channel)
        except redis.RedisError:
            say(ack, f":x: couldn't read the status: {unreachable(services.config.redis_url)}")
            return
        say(ack, "Investigations in this channel", blocks)
        return
    say(ack, ":mag: Investigating… I'll post in a thread in this channel.")
    services.after_ack.defer(body, start_from_command, services, team=team, channel=channel, user=user,
                             text=parsed.text, respond=respond)


def start_from_command(services: Services, *, team: str, channel: str, user: str, text: str,
                       respond: Respond) -> None:
    """After the ack: root message and job; a failure reaches the user through the response_url."""
    try:
        start_investigation(services, team_id=team, channel_id=channel, user_id=user, title=text,
                            trigger=text, source=TriggerSource.COMMAND)
    except StartFailed as exc:
        respond(text=f":x: {exc}", response_type="ephemeral", replace_original=False)


class MemoryOff(RuntimeError):
    """DEBUGBOT_MEMORY_ENABLED=false: history and forget have nothing to read."""


def _memory(services: Services) -> LongTermMemory:
    if services.memory is None:
        raise MemoryOff("my memory of past incidents is turned off here (DEBUGBOT_MEMORY_ENABLED=false)")
    return services.memory


def _match_line(services: Services, m: Match) -> str:
    r = m.record
    link = r.permalink or (services.identity.permalink(r.channel, r.thread_ts)
                           if services.identity.url and r.channel and r.thread_ts else "")
    name = f"<{link}|{escape(r.incident_id)}>" if link else f"`{escape(r.incident_id)}`"
    score = f" · {m.similarity:.0%} alike" if m.similarity < 1.0 else ""
    return f"• {name}{score}: {escape(clip(r.one_line(), 400))}"


def answer_memory(services: Services, *, parsed: Parsed, channel: str, user: str, respond: Respond) -> None:
    """After the ack: `/debug history [text]` lists past incidents; `/debug forget <incident>` deletes one
    (approvers only, as for Approve: forgetting loses what the team learnt)."""
    try:
        if parsed.kind == "forget":
            allowed = services.approvers.check(user)
            if not allowed.allowed:
                text = f":no_entry: Only an approver can make me forget an incident: {allowed.reason}."
            elif _memory(services).forget(parsed.text):
                text = f":wastebasket: Forgot {parsed.text}: its record and vector are gone from my memory."
            else:
                text = f":grey_question: I have no incident {parsed.text} in memory (`/debug history` lists them)."
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        matches = _memory(services).history(parsed.text, channel=channel)
    except MEMORY_ERRORS as exc:
        respond(text=f":x: couldn't read my memory: {exc}", response_type="ephemeral", replace_original=False)
        return
    head = f"Past incidents like “{clip(parsed.text, 80)}”" if parsed.text else "Latest past incidents"
    if not matches:
        blocks = [section(f"{escape(head)} in this channel: none remembered yet.")]
    else:
        blocks = [section(f"*{escape(head)}* in this channel:"),
                  section("\n".join(_match_line(services, m) for m in matches)),
                  context("Approvers: `/debug forget <incident>` deletes one")]
    respond(text=head, blocks=blocks, response_type="ephemeral", replace_original=False)


def register(app: App, services: Services) -> None:
    def debug(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        handle_debug(services, ack, body, context, respond)

    app.command("/debug")(debug)
