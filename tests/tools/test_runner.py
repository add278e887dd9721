"""The tool runner: errors become data with actionable messages, results are redacted, capped and timed.

Upstream failures come from a real Kubernetes client talking to a loopback
HTTP server that answers like an API server would (Status bodies, slowness).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from kubernetes import client as k8s
from pydantic import BaseModel

from tests.conftest import free_port
from tools.budget import count_tokens
from tools.errors import Forbidden, NotFound
from tools.models import ToolResult, ToolStatus
from tools.runner import run_tool, translate_exception

FORBIDDEN = ('secrets is forbidden: User "system:serviceaccount:debugbot:investigator" cannot list resource '
             '"secrets" in API group "" in the namespace "prod"')
ANSWERS: dict[str, tuple[int, str, dict[str, Any]]] = {
    "/api/v1/namespaces/prod/secrets": (403, "Forbidden", {"message": FORBIDDEN}),
    "/api/v1/namespaces/prod/pods/ghost": (404, "NotFound", {"message": 'pods "ghost" not found'}),
    "/api/v1/namespaces/prod/pods": (200, "", {"kind": "PodList", "items": []}),
    "/api/v1/namespaces/prod/configmaps": (500, "InternalError", {"message": "etcdserver: request timed out"}),
}


class _ApiServer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path.startswith("/api/v1/namespaces/slow/"):
            time.sleep(1.5)
        code, reason, body = ANSWERS.get(path, (404, "NotFound", {"message": "no such path"}))
        if code >= 400:
            body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code, **body}
        payload = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def core() -> Iterator[k8s.CoreV1Api]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ApiServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = k8s.Configuration()
    config.host = f"http://127.0.0.1:{server.server_address[1]}"
    config.retries = 0
    yield k8s.CoreV1Api(k8s.ApiClient(config))
    server.shutdown()


def test_a_403_from_the_api_server_says_who_may_not_do_what_where(core: k8s.CoreV1Api) -> None:
    result = run_tool("list_secrets", lambda: core.list_namespaced_secret("prod"), max_tokens=200,
                      invocation="GET /api/v1/namespaces/prod/secrets")
    assert result.status is ToolStatus.ERROR
    assert result.text == ("list_secrets failed: forbidden: service account debugbot/investigator may not list "
                           "secrets in namespace prod (403); its RBAC role does not grant it")
    assert result.invocation == "GET /api/v1/namespaces/prod/secrets" and result.tool == "list_secrets"


@pytest.mark.parametrize(("call", "expected"), [
    (lambda api: api.read_namespaced_pod("ghost", "prod"), 'not found (404): pods "ghost" not found'),
    (lambda api: api.list_namespaced_config_map("prod"), "Internal Server Error (500): etcdserver: request timed out"),
    (lambda api: api.list_namespaced_pod("slow", _request_timeout=0.3), "no answer in time"),
])
def test_upstream_failures_become_error_results_with_the_upstream_message(
        core: k8s.CoreV1Api, call: Any, expected: str) -> None:
    result = run_tool("read", lambda: call(core), max_tokens=200)
    assert result.status is ToolStatus.ERROR
    assert expected in result.text


def test_translate_exception_maps_api_exceptions_by_status(core: k8s.CoreV1Api) -> None:
    with pytest.raises(k8s.ApiException) as forbidden:
        core.list_namespaced_secret("prod")
    assert isinstance(translate_exception(forbidden.value), Forbidden)
    with pytest.raises(k8s.ApiException) as missing:
        core.read_namespaced_pod("ghost", "prod")
    assert isinstance(translate_exception(missing.value), NotFound)
    assert translate_exception(missing.value).status == 404  # type: ignore[attr-defined]


def test_a_refused_connection_is_an_error_result_naming_the_server() -> None:
    config = k8s.Configuration()
    config.host = f"http://127.0.0.1:{free_port()}"
    config.retries = 0
    api = k8s.CoreV1Api(k8s.ApiClient(config))
    result = run_tool("list_pods", lambda: api.list_namespaced_pod("prod", _request_timeout=2), max_tokens=200)
    assert result.status is ToolStatus.ERROR
    assert "cannot reach" in result.text and "Connection refused" in result.text


def test_an_unexpected_exception_is_an_error_result_and_logged_with_its_trace(
        caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise ZeroDivisionError("division by zero")

    with caplog.at_level(logging.ERROR, logger="tools.runner"):
        result = run_tool("broken", broken, max_tokens=100)
    assert result.status is ToolStatus.ERROR
    assert result.text == "broken failed: unexpected ZeroDivisionError: division by zero"
    assert "Traceback" in caplog.text


def test_text_data_and_invocation_are_redacted() -> None:
    def leaky() -> ToolResult:
        return ToolResult(status=ToolStatus.OK, invocation="GET https://ops:Hunter2-Secret@grafana.local/api",
                          text="retrying with password=Hunter2-Secret",
                          data={"env": [{"name": "DB_PASSWORD", "value": "Hunter2-Secret"}]})

    result = run_tool("leaky", leaky, max_tokens=100)
    assert "Hunter2-Secret" not in result.model_dump_json()
    assert result.text == "retrying with password=[REDACTED:password]"


def test_long_text_is_capped_with_a_note_and_marked_truncated() -> None:
    result = run_tool("events", lambda: [f"event {i}: Back-off restarting failed container" for i in range(2000)],
                      max_tokens=120, hint="narrow with since")
    assert result.truncated
    assert count_tokens(result.text) <= 120
    assert result.text.splitlines()[-1].startswith("[cut: ") and "narrow with since" in result.text


def test_plain_return_values_become_results() -> None:
    class Summary(BaseModel):
        pods: int

    assert run_tool("t", lambda: [], max_tokens=50).status is ToolStatus.NO_DATA
    assert run_tool("t", lambda: None, max_tokens=50).status is ToolStatus.NO_DATA
    listed = run_tool("t", lambda: [{"pod": "a"}, {"pod": "b"}], max_tokens=50)
    assert listed.status is ToolStatus.OK and listed.text == '{"pod":"a"}\n{"pod":"b"}'
    assert run_tool("t", lambda: Summary(pods=3), max_tokens=50).data == {"pods": 3}


def test_calls_are_timed_and_named_and_default_invocations_show_plain_arguments() -> None:
    def slow(namespace: str, *, limit: int, api: object) -> str:
        time.sleep(0.05)
        return "done"

    result = run_tool("slow", slow, max_tokens=50, namespace="prod", limit=5, api=object())
    assert result.elapsed_s >= 0.05 and result.tool == "slow"
    assert result.invocation == "slow(namespace='prod', limit=5)"


def test_a_malformed_call_is_invalid_args_with_the_signature() -> None:
    def tail(pod: str, *, lines: int = 100) -> str:
        return pod

    result = run_tool("tail", tail, max_tokens=100, pod="p", line=5)
    assert result.status is ToolStatus.ERROR
    assert "bad arguments for tail" in result.text and "(pod: str, *, lines: int = 100)" in result.text


def test_a_tool_that_reports_truncation_itself_stays_truncated() -> None:
    result = run_tool("t", lambda: ToolResult(status=ToolStatus.OK, invocation="x", text="short", truncated=True),
                      max_tokens=50)
    assert result.truncated and result.invocation == "x"
