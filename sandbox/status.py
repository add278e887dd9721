"""Kubernetes-shaped `Status` errors: the one exception the API handlers raise."""
from __future__ import annotations

from typing import Any

REASONS = {400: "BadRequest", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
           406: "NotAcceptable", 409: "Conflict", 415: "UnsupportedMediaType", 422: "Invalid",
           500: "InternalError", 501: "NotImplemented", 503: "ServiceUnavailable"}


class ApiError(Exception):
    """An error the API server would answer as a `Status` with this code and reason."""

    def __init__(self, code: int, message: str, *, reason: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or REASONS.get(code, "Unknown")
        self.details = details

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                "status": "Failure", "message": self.message,
                                "reason": self.reason, "code": self.code}
        if self.details:
            body["details"] = self.details
        return body


def success(name: str, kind: str, *, group: str = "", uid: str = "") -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": kind}
    if group:
        details["group"] = group
    if uid:
        details["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": details}


def not_found(plural: str, name: str, *, group: str = "") -> ApiError:
    resource = f"{plural}.{group}" if group else plural
    details = {"name": name, "kind": plural, **({"group": group} if group else {})}
    return ApiError(404, f'{resource} "{name}" not found', details=details)


def conflict(plural: str, name: str, *, group: str = "") -> ApiError:
    resource = f"{plural}.{group}" if group else plural
    details = {"name": name, "kind": plural, **({"group": group} if group else {})}
    return ApiError(409, f'Operation cannot be fulfilled on {resource} "{name}": the object has '
                         "been modified; please apply your changes to the latest version and try again",
                    details=details)


def already_exists(plural: str, name: str, *, group: str = "") -> ApiError:
    resource = f"{plural}.{group}" if group else plural
    details = {"name": name, "kind": plural, **({"group": group} if group else {})}
    return ApiError(409, f'{resource} "{name}" already exists', reason="AlreadyExists", details=details)


def invalid(kind: str, name: str, message: str, *, group: str = "") -> ApiError:
    details = {"name": name, "kind": kind, **({"group": group} if group else {})}
    return ApiError(422, f'{kind} "{name}" is invalid: {message}', details=details)
