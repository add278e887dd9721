"""The health checks the image, compose and Kubernetes run, run for real: HTTP /healthz, RQ registration, the sandbox."""
from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from rq import Queue, Worker

from tests.conftest import ROOT, SHARED_SCENARIOS, free_port
from tests.deploy.compose import services
from tests.deploy.dockerfile import exec_form, parse


def image_healthcheck() -> list[str]:
    (check,) = parse(ROOT / "Dockerfile").stage("runtime").all("HEALTHCHECK")
    command = exec_form(check.args.split(" CMD ", 1)[1])
    assert command
    return command


def run_check(command: list[str], env: dict[str, str], timeout_s: float = 20) -> int:
    """Run a `python -c ...` check with this interpreter (the image's python has the same packages)."""
    assert command[0] == "python"
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
    proc = subprocess.run([sys.executable, *command[1:]], env={**base, **env}, capture_output=True,
                          timeout=timeout_s, cwd="/")
    return proc.returncode


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802
        code = self.status if self.path == "/healthz" else 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def health_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    _Health.status = 200


class _FakeSlack(BaseHTTPRequestHandler):
    """Answers every Web API call with ok (serve checks its token with auth.test at start)."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "debugbot"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def fake_slack() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSlack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


def start(command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
    return subprocess.Popen([str(ROOT / ".venv" / "bin" / "debugbot"), command], env={**base, **env}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited {proc.returncode}: {proc.stdout.read().decode() if proc.stdout else ''}")
        assert time.monotonic() < deadline, f"{what}: not healthy after {timeout_s}s"
        time.sleep(0.3)


def stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=20)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_image_healthcheck_and_kubernetes_probes_pass_on_a_running_debugbot_serve(
        redis_url: str, fake_slack: str, tmp_path: Path) -> None:
    port = str(free_port())
    env = {"DEBUGBOT_REDIS_URL": redis_url, "DEBUGBOT_HTTP_PORT": port, "DEBUGBOT_SLACK_API_URL": fake_slack,
           "DEBUGBOT_SLACK_BOT_TOKEN": "xoxb-test", "DEBUGBOT_SLACK_SIGNING_SECRET": "test-secret"}
    assert run_check(image_healthcheck(), env) != 0
    proc = start("serve", env, tmp_path)
    try:
        wait_until(lambda: run_check(image_healthcheck(), env) == 0, proc, "debugbot serve")
        assert status_of(f"http://127.0.0.1:{port}/healthz") == 200  # livenessProbe
        assert status_of(f"http://127.0.0.1:{port}/readyz") == 200  # readinessProbe
    finally:
        assert stop(proc) == 0, "serve must stop cleanly on SIGTERM (Kubernetes, compose)"


@pytest.mark.slow
def test_worker_check_passes_on_a_running_debugbot_worker_and_fails_once_it_stops(
        redis_url: str, tmp_path: Path) -> None:
    env = {"DEBUGBOT_REDIS_URL": redis_url, "DEBUGBOT_SLACK_BOT_TOKEN": "xoxb-test",
           "DEBUGBOT_SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/"}
    proc = start("worker", env, tmp_path)
    try:
        wait_until(lambda: run_check(worker_check(), env) == 0, proc, "debugbot worker")
    finally:
        assert stop(proc) == 0, "RQ's warm shutdown on SIGTERM"
    assert run_check(worker_check(), env) == 1


def test_image_healthcheck_fails_on_an_error_status_or_a_closed_port(health_server: ThreadingHTTPServer) -> None:
    _Health.status = 503
    port = str(health_server.server_address[1])
    assert run_check(image_healthcheck(), {"DEBUGBOT_HTTP_PORT": port}) != 0
    assert run_check(image_healthcheck(), {"DEBUGBOT_HTTP_PORT": str(free_port())}) != 0


def worker_check() -> list[str]:
    test: list[str] = services()["worker"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    return test[1:]


def test_worker_check_fails_until_a_worker_of_this_host_registers_on_the_queue(redis_url: str) -> None:
    env = {"DEBUGBOT_REDIS_URL": redis_url, "DEBUGBOT_QUEUE_NAME": "debugbot"}
    assert run_check(worker_check(), env) == 1
    client = redis.Redis.from_url(redis_url)
    other = Worker([Queue("elsewhere", connection=client)], connection=client)
    other.register_birth()  # type: ignore[no-untyped-call]
    assert run_check(worker_check(), env) == 1, "a worker on another queue is not ours"
    ours = Worker([Queue("debugbot", connection=client)], connection=client)
    ours.register_birth()  # type: ignore[no-untyped-call]
    assert ours.hostname == socket.gethostname()
    assert run_check(worker_check(), env) == 0
    ours.register_death()  # type: ignore[no-untyped-call]
    assert run_check(worker_check(), env) == 1


def test_worker_check_fails_when_redis_is_down() -> None:
    env = {"DEBUGBOT_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    assert run_check(worker_check(), env) != 0


@pytest.mark.slow
def test_sandbox_healthcheck_passes_once_debugbot_sim_serves_and_wrote_its_kubeconfig(tmp_path: Path) -> None:
    sandbox = services()["sandbox"]
    command = sandbox["command"]
    scenario = SHARED_SCENARIOS / Path(command[1]).name
    port, kubeconfig = str(free_port()), tmp_path / "shared" / "kubeconfig"
    check = [part.replace("8001", port).replace(command[5], str(kubeconfig)) for part in sandbox["healthcheck"]["test"][1:]]
    assert run_check(check, {}) != 0, "healthy before the sandbox runs"
    debugbot = ROOT / ".venv" / "bin" / "debugbot"
    proc = subprocess.Popen([str(debugbot), command[0], str(scenario), command[2], port, command[4], str(kubeconfig)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while run_check(check, {}) != 0:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "the sandbox never became healthy"
            time.sleep(0.3)
        assert "127.0.0.1:" + port in kubeconfig.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
