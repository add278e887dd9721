"""A throwaway Redis for the demo and benches: redis-server on a free loopback port, else fakeredis over TCP."""
from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import redis


@dataclass(frozen=True)
class LocalRedis:
    url: str
    kind: str  # "redis-server" or "fakeredis"
    note: str  # one line for the user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, *, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def redis_server(binary: str = "redis-server") -> Iterator[LocalRedis]:
    """A real redis-server, no persistence, in a temp dir; stopped on exit."""
    folder, port = tempfile.mkdtemp(prefix="debugbot-redis-"), free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_ready(url)
        yield LocalRedis(url, "redis-server", f"redis-server on 127.0.0.1:{port} (pid {proc.pid})")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _keep_connections_on_errors(handler_class: type[Any]) -> type[Any]:
    """fakeredis's TCP handler hangs up after any error reply; a real Redis does not, and redis-py
    relies on that (EVALSHA → NOSCRIPT → EVAL on the same connection, RQ probing INFO)."""

    class KeepAlive(handler_class):  # type: ignore[misc]
        def setup(self) -> None:
            super().setup()
            read = self.current_client.read_response

            def read_response(*args: Any, **kwargs: Any) -> Any:
                try:
                    return read(*args, **kwargs)
                except redis.ResponseError as exc:
                    return exc  # sent back as an error reply; the connection stays up

            self.current_client.read_response = read_response

    return KeepAlive


@contextmanager
def fake_redis_server() -> Iterator[LocalRedis]:
    """fakeredis's TCP server in this process (Lua, which RQ and redis-py locks need, comes from `lupa`)."""
    import fakeredis

    if importlib.util.find_spec("lupa") is None:
        raise RuntimeError("redis-server is not installed, and the fakeredis fallback needs `lupa` for Lua "
                           "scripts: install redis-server (apt-get install redis-server) or `pip install lupa`")

    server = fakeredis.TcpFakeServer(("127.0.0.1", 0), server_version=(7, 0))
    server.RequestHandlerClass = _keep_connections_on_errors(server.RequestHandlerClass)  # type: ignore[arg-type]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="fakeredis", daemon=True)
    thread.start()
    port = int(server.server_address[1])
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_ready(url)
        yield LocalRedis(url, "fakeredis", f"redis-server is not installed: using fakeredis in this process "
                                            f"(127.0.0.1:{port}); install redis-server for the real thing")
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def local_redis() -> Iterator[LocalRedis]:
    """redis-server when it is on PATH, else the fakeredis fallback."""
    binary = shutil.which("redis-server")
    with (redis_server(binary) if binary else fake_redis_server()) as found:
        yield found
