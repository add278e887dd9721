"""Shared fixtures: a clean environment, real redis-server, scenario paths."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCENARIOS = Path(os.environ.get("DEBUGBOT_SHARED_SCENARIOS", ROOT.parent / "shared" / "scenarios"))
OWN_SCENARIOS = ROOT / "scenarios"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DEBUGBOT_* from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("DEBUGBOT_") or key in ("OPENAI_API_KEY", "KUBECONFIG"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tempfile.gettempdir())  # no stray .env is read


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A real redis-server on a free loopback port, in its own temp dir."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed: run `make test`, which installs it")
        self.dir = tempfile.mkdtemp(prefix="debugbot-redis-")
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """A real Redis, flushed before each test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    yield redis_server.url
    client.close()


def shared_scenarios() -> list[Path]:
    return sorted(SHARED_SCENARIOS.glob("*.yaml"))


def own_scenarios() -> list[Path]:
    return sorted(OWN_SCENARIOS.glob("*.yaml"))
