"""Loopback fake of the Slack Web API: answers, records and renders what a bot posts."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from sandbox.slack_render import render_message

Answer = dict[str, Any]
JSON_FIELDS = ("blocks", "attachments", "files", "users")


@dataclass
class FakeMessage:
    """One message as Slack keeps it: the latest text and blocks after any chat.update."""

    channel: str
    ts: str
    text: str = ""
    user: str = ""
    thread_ts: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    edits: int = 0

    @property
    def root(self) -> str:
        return self.thread_ts or self.ts


@dataclass
class _Script:
    times: int
    retry_after: int


class FakeSlack:
    """A Slack Web API on 127.0.0.1 for tests and the demo; `url` is a WebClient base_url."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, team_id: str = "T0DEBUG",
                 bot_user_id: str = "UDEBUGBOT",
                 on_change: Callable[[str, str], None] | None = None) -> None:
        self.team_id, self.bot_user_id, self.on_change = team_id, bot_user_id, on_change
        self._lock = threading.RLock()
        self._calls: list[tuple[str, dict[str, Any]]] = []
        self._call_times: list[float] = []
        self._messages: dict[str, dict[str, FakeMessage]] = {}
        self._ephemeral: list[dict[str, Any]] = []
        self._scripts: dict[str, _Script] = {}
        self._responses: dict[str, dict[str, str]] = {}
        self.users: dict[str, str] = {bot_user_id: "debugbot"}
        self.usergroups: dict[str, list[str]] = {}
        self.group_names: dict[str, str] = {}
        self.uploads: dict[str, bytes] = {}
        self.upload_names: dict[str, str] = {}
        self.socket_url: str | None = None  # set by sandbox.slack_socket when Socket Mode runs
        self._clock = int(time.time())
        self._seq = 0
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------
    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- scripting -------------------------------------------------------
    def add_user(self, user_id: str, name: str) -> None:
        self.users[user_id] = name

    def add_usergroup(self, group_id: str, users: list[str], *, handle: str = "") -> None:
        self.usergroups[group_id] = list(users)
        self.group_names[group_id] = handle or group_id.lower()

    def rate_limit(self, method: str, *, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and Retry-After."""
        with self._lock:
            self._scripts[method] = _Script(times, retry_after)

    def user_post(self, channel: str, text: str, *, user: str, thread_ts: str | None = None,
                  **extra: Any) -> FakeMessage:
        """A message a person (or another app) posted, e.g. the one a mention or an alert arrives in."""
        with self._lock:
            answer = self._post({"channel": channel, "text": text, "user": user, "thread_ts": thread_ts, **extra})
            if not answer["ok"]:
                raise ValueError(answer["error"])
            return self._messages[channel][answer["ts"]]

    def response_url(self, channel: str, *, message_ts: str = "", user: str = "") -> str:
        """A response_url as Slack puts in command and interaction payloads."""
        with self._lock:
            token = f"R{len(self._responses) + 1:06d}"
            self._responses[token] = {"channel": channel, "ts": message_ts, "user": user}
        return f"{self.base}/response/{token}"

    # ---- reading ---------------------------------------------------------
    def calls(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [args for name, args in self._calls if name == method]

    def call_log(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            return list(self._calls)

    def call_times(self, method: str) -> list[float]:
        """time.monotonic() of each call of `method`, e.g. to check a client's pacing."""
        with self._lock:
            return [t for (name, _), t in zip(self._calls, self._call_times) if name == method]

    def _record(self, method: str, args: dict[str, Any]) -> None:
        self._calls.append((method, args))
        self._call_times.append(time.monotonic())

    def messages(self, channel: str) -> list[FakeMessage]:
        with self._lock:
            return sorted(self._messages.get(channel, {}).values(), key=lambda m: float(m.ts))

    def message(self, channel: str, ts: str) -> FakeMessage | None:
        with self._lock:
            return self._messages.get(channel, {}).get(ts)

    def thread(self, channel: str, ts: str) -> list[FakeMessage]:
        """The root message then its replies, oldest first."""
        return [m for m in self.messages(channel) if m.root == ts]

    def ephemerals(self, *, channel: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._ephemeral
                    if (channel is None or e["channel"] == channel) and (user is None or e["user"] == user)]

    def render_thread(self, channel: str, ts: str) -> str:
        """The thread as a person would read it in Slack, as plain text for a terminal."""
        lines: list[str] = []
        for i, msg in enumerate(self.thread(channel, ts)):
            who = "@" + self.users.get(msg.user, msg.user or "bot")
            edited = " (edited)" if msg.edits else ""
            body = render_message(msg.text, msg.blocks, msg.attachments, msg.files, names=self._names())
            indent = "" if i == 0 else "    "
            lines.append(f"{indent}{who}{edited}:")
            lines += [f"{indent}  {line}" for line in body.splitlines()]
        return "\n".join(lines)

    def _names(self) -> dict[str, str]:
        return {**self.users, **self.group_names}

    # ---- the API ---------------------------------------------------------
    def handle(self, method: str, args: dict[str, Any]) -> tuple[int, Answer, dict[str, str]]:
        """One Web API call: (HTTP status, JSON answer, extra headers)."""
        with self._lock:
            self._record(method, args)
            script = self._scripts.get(method)
            if script and script.times > 0:
                script.times -= 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(script.retry_after)}
            api = _API.get(method)
            answer = api(self, args) if api else {"ok": False, "error": "unknown_method"}
        return 200, answer, {}

    def _next_ts(self) -> str:
        self._seq += 1
        return f"{self._clock}.{self._seq:06d}"

    def _changed(self, channel: str, root: str) -> None:
        if self.on_change is not None:
            self.on_change(channel, root)

    def _post(self, args: dict[str, Any], *, files: list[dict[str, Any]] | None = None) -> Answer:
        channel = str(args.get("channel") or args.get("channel_id") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        thread_ts = args.get("thread_ts") or None
        if thread_ts:
            parent = self._messages.get(channel, {}).get(thread_ts)
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            thread_ts = parent.root  # a reply to a reply lands in the same thread, as in Slack
        msg = FakeMessage(channel=channel, ts=self._next_ts(), text=str(args.get("text") or ""),
                          user=str(args.get("user") or self.bot_user_id), thread_ts=thread_ts,
                          blocks=list(args.get("blocks") or []),
                          attachments=list(args.get("attachments") or []), files=files or [])
        self._messages.setdefault(channel, {})[msg.ts] = msg
        self._changed(channel, msg.root)
        return {"ok": True, "channel": channel, "ts": msg.ts, "message": _as_dict(msg)}

    def _update(self, args: dict[str, Any]) -> Answer:
        msg = self.message(str(args.get("channel", "")), str(args.get("ts", "")))
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        msg.text = str(args.get("text") or "")
        msg.blocks = list(args.get("blocks") or [])
        if "attachments" in args:
            msg.attachments = list(args.get("attachments") or [])
        msg.edits += 1
        self._changed(msg.channel, msg.root)
        return {"ok": True, "channel": msg.channel, "ts": msg.ts, "text": msg.text}

    def _ephemeral_post(self, args: dict[str, Any]) -> Answer:
        entry = {"channel": str(args.get("channel", "")), "user": str(args.get("user", "")),
                 "text": str(args.get("text") or ""), "blocks": list(args.get("blocks") or []),
                 "thread_ts": args.get("thread_ts")}
        self._ephemeral.append(entry)
        return {"ok": True, "message_ts": self._next_ts()}

    def respond(self, token: str, body: dict[str, Any]) -> Answer:
        """A POST to a response_url: ephemeral, in_channel, replace_original or delete_original."""
        with self._lock:
            self._record("response_url", {"token": token, **body})
            target = self._responses.get(token)
            if target is None:
                return {"ok": False, "error": "expired_url"}
            if body.get("delete_original") and target["ts"]:
                self._messages.get(target["channel"], {}).pop(target["ts"], None)
                return {"ok": True}
            if body.get("replace_original") and target["ts"]:
                return self._update({**body, "channel": target["channel"], "ts": target["ts"]})
            if body.get("response_type") == "in_channel":
                return self._post({**body, "channel": target["channel"]})
            return self._ephemeral_post({**body, "channel": target["channel"], "user": target["user"]})

    def upload(self, file_id: str, data: bytes) -> bool:
        with self._lock:
            if file_id not in self.uploads:
                return False
            self.uploads[file_id] = data
            return True


def _as_dict(msg: FakeMessage) -> dict[str, Any]:
    return {"type": "message", "user": msg.user, "text": msg.text, "ts": msg.ts,
            "thread_ts": msg.thread_ts, "blocks": msg.blocks}


def _get_upload_url(fake: FakeSlack, args: dict[str, Any]) -> Answer:
    file_id = f"F{len(fake.uploads) + 1:08d}"
    fake.uploads[file_id] = b""
    fake.upload_names[file_id] = str(args.get("filename", ""))
    return {"ok": True, "file_id": file_id, "upload_url": f"{fake.base}/upload/{file_id}"}


def _complete_upload(fake: FakeSlack, args: dict[str, Any]) -> Answer:
    names = fake.upload_names
    files = []
    for item in args.get("files") or []:
        fid = str(item.get("id", ""))
        if fid not in fake.uploads:
            return {"ok": False, "error": "file_not_found"}
        files.append({"id": fid, "title": item.get("title") or names.get(fid, ""),
                      "name": names.get(fid, ""), "size": len(fake.uploads[fid])})
    if args.get("channel_id"):
        posted = fake._post({"channel": args["channel_id"], "thread_ts": args.get("thread_ts"),
                             "text": args.get("initial_comment") or ""}, files=files)
        if not posted["ok"]:
            return posted
    return {"ok": True, "files": files}


def _members(fake: FakeSlack, args: dict[str, Any]) -> Answer:
    group = str(args.get("usergroup", ""))
    if group not in fake.usergroups:
        return {"ok": False, "error": "no_such_subteam"}
    return {"ok": True, "users": list(fake.usergroups[group])}


def _user_info(fake: FakeSlack, args: dict[str, Any]) -> Answer:
    uid = str(args.get("user", ""))
    if uid not in fake.users:
        return {"ok": False, "error": "user_not_found"}
    name = fake.users[uid]
    return {"ok": True, "user": {"id": uid, "name": name, "real_name": name, "is_bot": uid == fake.bot_user_id,
                                 "profile": {"display_name": name, "real_name": name}}}


def _auth_test(fake: FakeSlack, _: dict[str, Any]) -> Answer:
    return {"ok": True, "url": f"{fake.base}/", "team": "debugbot-test", "user": "debugbot",
            "team_id": fake.team_id, "user_id": fake.bot_user_id, "bot_id": "BDEBUGBOT",
            "is_enterprise_install": False}


def _connections_open(fake: FakeSlack, _: dict[str, Any]) -> Answer:
    if fake.socket_url is None:
        return {"ok": False, "error": "socket_mode_not_enabled"}
    return {"ok": True, "url": fake.socket_url}


_API: dict[str, Callable[[FakeSlack, dict[str, Any]], Answer]] = {
    "chat.postMessage": lambda f, a: f._post(a),
    "chat.update": lambda f, a: f._update(a),
    "chat.postEphemeral": lambda f, a: f._ephemeral_post(a),
    "chat.getPermalink": lambda f, a: {"ok": True, "channel": a.get("channel"), "permalink":
                                       f"{f.base}/archives/{a.get('channel')}/p"
                                       + str(a.get("message_ts", "")).replace(".", "")},
    "reactions.add": lambda f, a: {"ok": True},
    "files.getUploadURLExternal": _get_upload_url,
    "files.completeUploadExternal": _complete_upload,
    "usergroups.users.list": _members,
    "users.info": _user_info,
    "conversations.info": lambda f, a: {"ok": True, "channel": {"id": a.get("channel"), "is_member": True,
                                                                "name": str(a.get("channel", "")).lower()}},
    "auth.test": _auth_test,
    "apps.connections.open": _connections_open,
}


def _decode(body: bytes, content_type: str) -> dict[str, Any]:
    """Form or JSON body into one dict, with JSON-valued form fields (blocks, files...) decoded."""
    if not body:
        return {}
    if "json" in content_type:
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    args: dict[str, Any] = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str) and args[key][:1] in "[{":
            args[key] = json.loads(args[key])
    return args


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlparse(self.path).path
            if path.startswith("/upload/"):
                ok = fake.upload(path.rsplit("/", 1)[-1], body)
                self._send(200 if ok else 404, f"OK - {len(body)}" if ok else "not found", {})
                return
            if path.startswith("/response/"):
                self._send(200, fake.respond(path.rsplit("/", 1)[-1], json.loads(body or b"{}")), {})
                return
            if not path.startswith("/api/"):
                self._send(404, {"ok": False, "error": "not_found"}, {})
                return
            args = _decode(body, self.headers.get("Content-Type", ""))
            auth = self.headers.get("Authorization", "") or f"Bearer {args.pop('token', '')}"
            if not auth.startswith(("Bearer xox", "Bearer xapp-")):
                self._send(200, {"ok": False, "error": "not_authed"}, {})
                return
            status, answer, headers = fake.handle(path[len("/api/"):], args)
            self._send(status, answer, headers)

        def _send(self, status: int, answer: Answer | str, headers: dict[str, str]) -> None:
            data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if isinstance(answer, str) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
