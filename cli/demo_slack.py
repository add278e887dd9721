"""The demo's Slack side: signed requests to the bot as Slack sends them, and the thread drawn live."""
from __future__ import annotations

import itertools
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import IO, Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.cards import APPROVE_ACTION, REJECT_ACTION
from sandbox.slack_api import FakeMessage, FakeSlack
from sandbox.slack_render import render_message

_ids = itertools.count(1)


class SignedSlack:
    """Posts what Slack would post to the bot's /slack/events, signed with the signing secret."""

    def __init__(self, bot_url: str, fake: FakeSlack, *, secret: str, team_id: str) -> None:
        self.bot_url, self.fake, self.team_id = bot_url.rstrip("/"), fake, team_id
        self.verifier = SignatureVerifier(secret)

    def _post(self, path: str, body: str, content_type: str) -> tuple[int, str]:
        ts = str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": str(self.verifier.generate_signature(timestamp=ts, body=body))}
        request = urllib.request.Request(self.bot_url + path, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def command(self, text: str, *, user: str, channel: str) -> str:
        """`/debug <text>`; the ack's text (what Slack shows only to the user)."""
        form = {"team_id": self.team_id, "channel_id": channel, "channel_name": channel.lower(), "user_id": user,
                "command": "/debug", "text": text, "api_app_id": "ADEMO", "trigger_id": f"demo.{next(_ids)}",
                "response_url": self.fake.response_url(channel, user=user)}
        status, body = self._post("/slack/events", urlencode(form), "application/x-www-form-urlencoded")
        if status != 200:
            raise RuntimeError(f"the bot answered /debug with HTTP {status}: {body[:200]}")
        return str(json.loads(body).get("text", "")) if body.startswith("{") else body

    def click(self, card: FakeMessage, *, approve: bool, user: str) -> int:
        """The Approve or Reject button of an approval card, pressed by `user` (block_actions)."""
        actions = next(b for b in card.blocks if b.get("type") == "actions")
        wanted = APPROVE_ACTION if approve else REJECT_ACTION
        button = next(e for e in actions["elements"] if e.get("action_id") == wanted)
        thread_ts = card.thread_ts or card.ts
        payload = {"type": "block_actions", "team": {"id": self.team_id}, "user": {"id": user, "team_id": self.team_id},
                   "api_app_id": "ADEMO", "trigger_id": f"demo.{next(_ids)}", "channel": {"id": card.channel},
                   "container": {"type": "message", "channel_id": card.channel, "message_ts": card.ts,
                                 "thread_ts": thread_ts},
                   "message": {"ts": card.ts, "thread_ts": thread_ts, "type": "message"},
                   "response_url": self.fake.response_url(card.channel, message_ts=card.ts, user=user),
                   "actions": [{"type": "button", "action_id": wanted, "block_id": actions.get("block_id", ""),
                                "value": button["value"], "action_ts": str(time.time())}]}
        status, _ = self._post("/slack/events", urlencode({"payload": json.dumps(payload)}),
                               "application/x-www-form-urlencoded")
        return status

    def alert(self, payload: dict[str, Any], *, channel: str) -> int:
        """An Alertmanager webhook delivery to /alertmanager?channel=…"""
        request = urllib.request.Request(f"{self.bot_url}/alertmanager?channel={channel}",
                                         data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as resp:
            return int(resp.status)


def alert_webhook_payload(alert: dict[str, Any], *, receiver: str = "debugbot") -> dict[str, Any]:
    """An Alertmanager v4 webhook body carrying one alert (its own group)."""
    alert = json.loads(json.dumps(alert, default=str))  # YAML times become RFC 3339 strings
    labels = {k: str(v) for k, v in (alert.get("labels") or {}).items()}
    return {"version": "4", "groupKey": f'{{}}:{{alertname="{labels.get("alertname", "alert")}"}}',
            "status": alert.get("status", "firing"), "receiver": receiver,
            "groupLabels": {"alertname": labels.get("alertname", "")}, "commonLabels": labels,
            "commonAnnotations": {k: str(v) for k, v in (alert.get("annotations") or {}).items()},
            "alerts": [alert]}


def approval_card(fake: FakeSlack, channel: str, root_ts: str) -> FakeMessage | None:
    """The thread's latest message that still has Approve/Reject buttons."""
    for msg in reversed(fake.thread(channel, root_ts)):
        for block in msg.blocks:
            if block.get("type") == "actions" and any(e.get("action_id") == APPROVE_ACTION
                                                      for e in block.get("elements", [])):
                return msg
    return None


class LiveThread:
    """Draws one channel's newest thread as it changes (FakeSlack's on_change).

    On a terminal the whole thread is redrawn in place, as Slack shows it; into a pipe or a
    file each message is printed once when posted, and again when a card is replaced.
    """

    def __init__(self, *, out: IO[str] | None = None, channel_name: str = "", min_interval_s: float = 0.1) -> None:
        self.out = out or sys.stdout
        self.tty = self.out.isatty()
        self.channel_name, self.min_interval_s = channel_name, min_interval_s
        self.fake: FakeSlack | None = None
        self.channel = self.root_ts = ""
        self._seen: dict[str, int] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._draw_lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="demo-render", daemon=True)

    def start(self, fake: FakeSlack) -> LiveThread:
        self.fake = fake
        self._thread.start()
        return self

    def follow(self, channel: str, root_ts: str) -> None:
        self.channel, self.root_ts = channel, root_ts
        self._wake.set()

    def changed(self, channel: str, root_ts: str) -> None:
        """FakeSlack's on_change: runs under its lock, so only wake the drawing thread."""
        if channel == self.channel and (not self.root_ts or root_ts == self.root_ts):
            self._wake.set()

    def stop(self) -> None:
        """Stop following and draw the thread one last time (once)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.draw()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            self.draw()
            time.sleep(self.min_interval_s)

    def draw(self) -> None:
        if self.fake is None or not self.root_ts:
            return
        with self._draw_lock:
            if self.tty:
                self.out.write("\x1b[2J\x1b[H" + f"#{self.channel_name}\n\n"
                               + self.fake.render_thread(self.channel, self.root_ts) + "\n")
            else:
                self._append_new()
            self.out.flush()

    def _append_new(self) -> None:
        assert self.fake is not None
        for msg in self.fake.thread(self.channel, self.root_ts):
            seen = self._seen.get(msg.ts)
            if seen is not None and (msg.ts == self.root_ts or msg.edits <= seen):
                continue  # the root's status line is redrawn all the time: shown again by final()
            self._seen[msg.ts] = msg.edits
            self._write(msg, label=" (updated)" if seen is not None else "")

    def _write(self, msg: FakeMessage, *, label: str = "") -> None:
        assert self.fake is not None
        names = {**self.fake.users, **self.fake.group_names}
        who = "@" + self.fake.users.get(msg.user, msg.user or "bot")
        body = render_message(msg.text, msg.blocks, msg.attachments, msg.files, names=names)
        indent = "" if msg.ts == self.root_ts else "    "
        self.out.write(f"{indent}{who}{label}:\n" + "".join(f"{indent}  {line}\n" for line in body.splitlines()))

    def final(self) -> None:
        """The last picture: the whole thread on a terminal; else the root message as it ends."""
        self.stop()
        if self.tty or self.fake is None:
            return
        root = self.fake.message(self.channel, self.root_ts)
        if root is not None:
            self.out.write("\n" + "─" * 72 + f"\nThe thread's first message in #{self.channel_name} now reads:\n")
            self._write(root, label=" (edited)" if root.edits else "")
            self.out.flush()
