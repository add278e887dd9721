"""The thread streamer: progress events into a Slack thread, coalesced, with a live root status line."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.blocks import Message, StatusLine, escalation_message, progress_message, root_message
from bot.cards import final_status, report_message
from bot.incident import IncidentInfo
from tools.report import ProgressEvent, Report, ReportStatus

log = logging.getLogger(__name__)
MAX_PENDING = 500  # events kept while Slack refuses posts; the oldest go first


def with_rate_limit_retries(client: WebClient, *, retries: int = 3) -> WebClient:
    """Make the client wait out HTTP 429 (Retry-After) and try again, as slack_sdk intends."""
    if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=retries))
    return client


class ThreadStreamer:
    """Posts a worker's progress into the incident thread.

    Bursts are coalesced: at most one progress message per `min_interval_s`
    (the first event goes out at once; later ones wait for a timer and leave
    together as one message). Each flush also edits the root message's status
    line (step, current hypothesis, elapsed) in place. `close(report)` flushes
    what is left and posts the report. Slack errors are logged, never raised:
    a failed post must not fail the investigation.
    """

    def __init__(self, client: WebClient, *, channel: str, thread_ts: str, root_ts: str | None = None,
                 title: str = "", requested_by: str | None = None, source: str = "command",
                 oncall_group_id: str | None = None, min_interval_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = with_rate_limit_retries(client)
        self.channel, self.thread_ts = channel, thread_ts
        self.root_ts = root_ts if root_ts is not None else thread_ts
        self.title, self.requested_by, self.source = title, requested_by, source
        self.oncall_group_id = oncall_group_id
        self.min_interval_s, self.clock = min_interval_s, clock
        self.started = clock()
        self.status = StatusLine(state="running")
        self.posted: list[str] = []  # ts of every message this streamer posted
        self._pending: list[ProgressEvent] = []
        self._last_post = float("-inf")
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()  # guards _pending, _timer, status
        self._send_lock = threading.Lock()  # keeps posts in order
        self._closed = False

    @classmethod
    def for_incident(cls, client: WebClient, info: IncidentInfo, **kwargs: Any) -> ThreadStreamer:
        """The streamer of a known incident (IncidentIndex.get), so a worker needs only the incident id."""
        return cls(client, channel=info.channel_id, thread_ts=info.thread_ts, root_ts=info.root_ts, title=info.title,
                   requested_by=info.user_id or None, source=info.source, **kwargs)

    def emit(self, event: ProgressEvent) -> None:
        """Queue one event; it is posted now or with the next batch, within ~min_interval_s."""
        with self._lock:
            if self._closed:
                return
            self._pending.append(event)
            self.status.step = max(self.status.step, event.step)
            if event.kind == "hypothesis":
                self.status.hypothesis = event.text
            if event.kind == "approval_request":
                self.status.state = "awaiting_approval"
            wait = self._last_post + self.min_interval_s - self.clock()
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def set_state(self, state: str) -> None:
        """E.g. "running" again after an approval; shown at the next flush."""
        with self._lock:
            self.status.state = state

    def flush(self) -> None:
        """Post what is pending as one message and refresh the root status line."""
        with self._send_lock:
            with self._lock:
                events, self._pending = self._pending, []
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                self._last_post = self.clock()
                self.status.elapsed_s = self.clock() - self.started
                status = replace(self.status)
            if events:
                message = progress_message(events)
                if self._post(message) is None:
                    self._put_back(events)
                elif message.overflow:
                    self._upload(message.overflow.encode(), title="Progress details", filename="progress.txt")
            self._update_root(status)

    def _put_back(self, events: list[ProgressEvent]) -> None:
        """A failed post (Slack down, still rate limited after retries): try again with the next batch."""
        with self._lock:
            self._pending = (events + self._pending)[-MAX_PENDING:]

    def post(self, message: Message) -> str | None:
        """Post a message of its own in the thread (an approval card, an escalation); its ts."""
        self.flush()
        with self._send_lock:
            ts = self._post(message)
            if ts and message.overflow:
                self._upload(message.overflow.encode(), title="Full text", filename="details.txt")
            return ts

    def upload_chart(self, png: bytes, *, title: str, filename: str = "chart.png") -> bool:
        """Attach a PNG (e.g. a metric around the change point) to the thread."""
        self.flush()
        with self._send_lock:
            return self._upload(png, title=title, filename=filename)

    def close(self, report: Report | None = None) -> bool:
        """Final flush, the report (its full text as a file when cut), an on-call mention when it
        escalates, the final status line. True when every post went through."""
        with self._lock:
            if self._closed:
                return True
            self._closed = True
        self.flush()
        if report is None:
            return True
        with self._send_lock:
            message = report_message(report)
            ok = self._post(message) is not None
            if message.overflow:
                ok = self._upload(message.overflow.encode(), title="Full report", filename="report.txt") and ok
            if report.status is ReportStatus.ESCALATED:
                escalation = escalation_message(report.summary or "no conclusion within the budget",
                                                oncall_group_id=self.oncall_group_id)
                ok = self._post(escalation) is not None and ok
            return self._update_root(final_status(report, elapsed_s=self.clock() - self.started)) and ok

    def _post(self, message: Message) -> str | None:
        answer = self._call(self.client.chat_postMessage, channel=self.channel, thread_ts=self.thread_ts,
                            unfurl_links=False, **message.kwargs())
        ts = str(answer["ts"]) if answer else None
        if ts:
            self.posted.append(ts)
        return ts

    def _upload(self, data: bytes, *, title: str, filename: str) -> bool:
        return self._call(self.client.files_upload_v2, channel=self.channel, thread_ts=self.thread_ts,
                          content=data, filename=filename, title=title) is not None

    def _update_root(self, status: StatusLine) -> bool:
        if not self.title:
            return True  # nothing to redraw without the title
        message = root_message(self.title, requested_by=self.requested_by, source=self.source, status=status)
        return self._call(self.client.chat_update, channel=self.channel, ts=self.root_ts,
                          **message.kwargs()) is not None

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("slack %s in %s/%s failed: %s", getattr(method, "__name__", "call"),
                        self.channel, self.thread_ts, exc)
            return None
