"""A loopback OpenAI-compatible server that replays scripted turns, for the real `openai` client."""
from __future__ import annotations

import json
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Turn:
    """One answer: tool calls and/or content, or an HTTP error, or a delay (to trip the client's timeout)."""

    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, raw JSON arguments)
    content: str | None = None
    status: int = 200
    retry_after: float | None = None
    delay_s: float = 0.0
    prompt_tokens: int = 1200
    completion_tokens: int = 60


def call(tool: str, /, **args: Any) -> tuple[str, str]:
    return tool, json.dumps(args)


class FakeOpenAI:
    def __init__(self, turns: list[Turn], *, repeat_last: bool = False) -> None:
        self.turns, self.repeat_last = list(turns), repeat_last
        self.requests: list[dict[str, Any]] = []
        self.embedding_requests: list[dict[str, Any]] = []
        self.embedding_status = 200
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Turn:
        with self._lock:
            self.requests.append(body)
            if len(self.turns) > 1 or not self.repeat_last:
                return self.turns.pop(0) if self.turns else Turn(content="script exhausted", status=500)
            return self.turns[0]

    def _embeddings(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """`/v1/embeddings`: a deterministic bag-of-words vector per input (`embedding_status` scripts a failure)."""
        with self._lock:
            self.embedding_requests.append(body)
        if self.embedding_status != 200:
            return self.embedding_status, {"error": {"message": f"scripted {self.embedding_status}",
                                                     "type": "server_error"}}
        inputs = body.get("input") if isinstance(body.get("input"), list) else [body.get("input")]
        data = [{"object": "embedding", "index": i, "embedding": _bag_of_words(str(text), EMBEDDING_DIM)}
                for i, text in enumerate(inputs)]
        return 200, {"object": "list", "data": data, "model": body.get("model", "fake"),
                     "usage": {"prompt_tokens": 8 * len(inputs), "total_tokens": 8 * len(inputs)}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path.rstrip("/").endswith("/embeddings"):  # never consumes a scripted turn
                    status, payload = fake._embeddings(body)
                    self._send(status, payload)
                    return
                turn = fake._next(body)
                if turn.delay_s:
                    time.sleep(turn.delay_s)
                if turn.status != 200:
                    payload = {"error": {"message": f"scripted {turn.status}", "type": "server_error"}}
                    self._send(turn.status, payload, retry_after=turn.retry_after)
                    return
                self._send(200, _completion(turn, body.get("model", "fake")))

            def _send(self, status: int, payload: dict[str, Any], *, retry_after: float | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if retry_after is not None:
                    self.send_header("Retry-After", str(retry_after))
                self.end_headers()
                self.wfile.write(data)

        return Handler


EMBEDDING_DIM = 64


def _bag_of_words(text: str, dim: int) -> list[float]:
    """Words hashed (crc32, stable across processes) into `dim` counts: alike texts get alike vectors."""
    vector = [0.0] * dim
    for word in text.lower().split():
        vector[zlib.crc32(word.encode()) % dim] += 1.0
    return vector


def _completion(turn: Turn, model: str) -> dict[str, Any]:
    calls = [{"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
             for i, (n, a) in enumerate(turn.tool_calls)]
    message: dict[str, Any] = {"role": "assistant", "content": turn.content}
    if calls:
        message["tool_calls"] = calls
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": turn.prompt_tokens, "completion_tokens": turn.completion_tokens,
                      "total_tokens": turn.prompt_tokens + turn.completion_tokens}}
