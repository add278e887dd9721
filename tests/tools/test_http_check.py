"""HTTP check: only allow-listed targets, status and latency, a bounded redacted excerpt, timeouts as data."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conftest import free_port
from tools.budget import count_tokens
from tools.http_check import BODY_LIMIT, allowed, http_check
from tools.models import ToolStatus
from tools.settings import Settings, load_settings

SEEN: list[str] = []


class _Service(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        SEEN.append(f"{self.command} {self.path}")
        if self.path == "/slow":
            time.sleep(1.5)
        code, headers, body = {
            "/healthz": (200, {"Content-Type": "application/json"},
                         b'{"status":"ok","db":"up","debug_token":"ghp_KCqTSgQpFjZ46UGS7PNKyLtBT1pnnwukA1gM"}'),
            "/fail": (503, {"Content-Type": "text/plain", "Retry-After": "30"}, b"upstream ledger unavailable"),
            "/big": (200, {"Content-Type": "text/plain"}, b"line of a very large body\n" * 8000),
            "/moved": (302, {"Location": "http://evil.example.net/phish"}, b""),
            "/slow": (200, {}, b"finally"),
        }.get(self.path, (404, {}, b"no such page"))
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = _answer  # noqa: N815 - http.server's naming
    do_HEAD = _answer  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture()
def settings() -> Settings:
    SEEN.clear()
    return load_settings(http_check_allow="127.0.0.1,*.svc.cluster.local", http_check_timeout_s=0.5,
                         tool_output_tokens=300)


def test_an_allow_listed_url_reports_status_latency_and_a_redacted_body(base: str, settings: Settings) -> None:
    result = http_check(f"{base}/healthz", settings=settings)
    assert result.status is ToolStatus.OK and result.tool == "http_check"
    assert result.text.startswith(f"GET {base}/healthz -> 200 OK in ")
    assert '"db":"up"' in result.text
    assert "ghp_KCqT" not in result.model_dump_json() and "[REDACTED:github-token]" in result.text
    assert result.data["status"] == 200 and result.data["latency_ms"] >= 0
    assert result.invocation == f"GET {base}/healthz"


def test_a_failing_service_is_an_observation_not_an_error(base: str, settings: Settings) -> None:
    result = http_check(f"{base}/fail", settings=settings)
    assert result.status is ToolStatus.OK
    assert "-> 503 Service Unavailable" in result.text and "retry-after: 30" in result.text
    assert "upstream ledger unavailable" in result.text


def test_a_url_off_the_list_is_refused_without_a_request_and_names_the_setting(settings: Settings) -> None:
    port = free_port()
    result = http_check(f"http://localhost:{port}/healthz", settings=settings)
    assert result.status is ToolStatus.ERROR
    assert "localhost is not allow-listed" in result.text and "DEBUGBOT_HTTP_CHECK_ALLOW" in result.text
    assert SEEN == []


def test_a_slow_answer_times_out_as_an_error_result(base: str, settings: Settings) -> None:
    started = time.monotonic()
    result = http_check(f"{base}/slow", settings=settings)
    assert time.monotonic() - started < 1.4
    assert result.status is ToolStatus.ERROR
    assert "within 0.5 s" in result.text and "DEBUGBOT_HTTP_CHECK_TIMEOUT_S" in result.text


def test_the_body_is_read_only_up_to_the_limit_and_the_text_fits_the_budget(base: str, settings: Settings) -> None:
    result = http_check(f"{base}/big", settings=settings)
    assert result.data["body_bytes_read"] == BODY_LIMIT and result.data["body_truncated"]
    assert f"body, {BODY_LIMIT:,}+ bytes" in result.text
    assert count_tokens(result.text) <= settings.tool_output_tokens


def test_redirects_are_reported_not_followed(base: str, settings: Settings) -> None:
    result = http_check(f"{base}/moved", settings=settings)
    assert "-> 302" in result.text and "location: http://evil.example.net/phish" in result.text
    assert "(redirect not followed)" in result.text
    assert SEEN == ["GET /moved"]


def test_head_is_allowed_and_writes_are_refused(base: str, settings: Settings) -> None:
    assert http_check(f"{base}/healthz", settings=settings, method="HEAD").data["body_bytes_read"] == 0
    refused = http_check(f"{base}/healthz", settings=settings, method="POST")
    assert refused.status is ToolStatus.ERROR and "read-only" in refused.text
    assert SEEN == ["HEAD /healthz"]


def test_a_refused_connection_is_an_error_result(settings: Settings) -> None:
    result = http_check(f"http://127.0.0.1:{free_port()}/", settings=settings)
    assert result.status is ToolStatus.ERROR and "cannot connect to 127.0.0.1" in result.text


@pytest.mark.parametrize(("url", "ok"), [
    ("http://payments.prod.svc.cluster.local/healthz", True),
    ("http://svc.cluster.local.evil.com/", False),
    ("https://status.example.com/api/v2/status.json", True),
    ("https://status.example.com.evil.net/", False),
    ("https://status.example.com", False),
    ("https://docs.example.com/runbooks", True),
    ("https://docs.example.com/runbooks-leak", False),
    ("http://10.0.0.5:8080/metrics", True),
    ("http://10.0.0.5:9090/metrics", False),
])
def test_allow_list_matches_host_globs_and_url_prefixes_at_boundaries(url: str, ok: bool) -> None:
    allow = ["*.svc.cluster.local", "https://status.example.com/", "https://docs.example.com/runbooks",
             "10.0.0.5:8080"]
    assert allowed(url, allow) is ok


def test_credentials_in_the_url_are_refused(base: str, settings: Settings) -> None:
    result = http_check(base.replace("http://", "http://ops:Hunter2-Secret@") + "/healthz", settings=settings)
    assert result.status is ToolStatus.ERROR and "credentials" in result.text
    assert "Hunter2-Secret" not in result.model_dump_json()
