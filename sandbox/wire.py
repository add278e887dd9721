"""One HTTP request and response as the sandbox's handlers see them, and JSON bodies."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sandbox.status import ApiError

JSON = "application/json"


@dataclass
class Request:
    method: str
    path: str  # without the query string
    params: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json_body(self) -> Any:
        """The body as JSON, or the API server's 400 for one that does not parse."""
        try:
            return json.loads(self.body.decode() or "null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"the body of the request could not be decoded as JSON: {exc}") from exc


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, data: Any, **headers: str) -> Response:
    return Response(status, json.dumps(data, separators=(",", ":")).encode(), JSON, dict(headers))


def error_response(err: ApiError) -> Response:
    return json_response(err.code, err.status())
