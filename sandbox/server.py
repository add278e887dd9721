"""One loopback HTTP server for a scenario: Kubernetes API at /, Prometheus and Jaeger under prefixes."""
from __future__ import annotations

import importlib
import logging
import tempfile
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox import k8s_api
from sandbox.faults import Fault, Faults
from sandbox.kubeconfig import write_kubeconfig
from sandbox.scenario import Scenario, load_scenario
from sandbox.status import ApiError
from sandbox.wire import Request, Response, error_response, json_response
from sandbox.world import World

log = logging.getLogger("sandbox")
# prefix -> module with `handle(method, path, params, world) -> (status, dict)`
DELEGATES = {"/prometheus": "sandbox.prom_api", "/jaeger": "sandbox.jaeger_api"}


class SandboxServer:
    """Serves one scenario on loopback; `with SandboxServer(path) as s: ... s.url ...`."""

    def __init__(self, scenario: Scenario | str | Path, *, host: str = "127.0.0.1", port: int = 0,
                 forbid_secrets: bool = False, fault: Fault | Iterable[Fault] | None = None) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.world = World(self.scenario)
        self.host, self.port = host, port
        self.forbid_secrets = forbid_secrets
        initial = [fault] if isinstance(fault, Fault) else list(fault or [])
        self.faults = Faults(initial)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -----------------------------------------------------------------
    def start(self) -> SandboxServer:
        httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        httpd.daemon_threads = True
        httpd.sandbox = self  # type: ignore[attr-defined]
        self._httpd, self.port = httpd, int(httpd.server_address[1])
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.faults.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._httpd = self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- addresses -----------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def prometheus_url(self) -> str:
        return self.url + "/prometheus"

    @property
    def jaeger_url(self) -> str:
        return self.url + "/jaeger"

    def write_kubeconfig(self, path: str | Path | None = None) -> Path:
        if path is None:
            path = Path(tempfile.gettempdir()) / f"debugbot-sandbox-{self.port}.kubeconfig"
        return write_kubeconfig(self.url, path)

    # ---- faults --------------------------------------------------------------------
    def inject(self, path_regex: str, *, status: int | None = 500, delay_s: float = 0.0,
               times: int | None = None, method: str | None = None,
               message: str = "fault injected by the test") -> Fault:
        """Make matching requests fail (status) and/or hang (delay_s); see sandbox.faults."""
        return self.faults.add(Fault(path_regex, status=status, delay_s=delay_s, times=times,
                                     method=method, message=message))

    def clear_faults(self) -> None:
        self.faults.clear()

    # ---- dispatch ------------------------------------------------------------------
    def dispatch(self, req: Request, raw_target: str) -> Response:
        injected = self.faults.apply(req.method, raw_target)
        if injected is not None:
            return injected
        for prefix, module in DELEGATES.items():
            if req.path == prefix or req.path.startswith(prefix + "/"):
                return _delegate(module, req, req.path[len(prefix):] or "/", self.world)
        ctx = k8s_api.Context(self.world, host=f"{self.host}:{self.port}", forbid_secrets=self.forbid_secrets)
        try:
            return k8s_api.handle(ctx, req)
        except ApiError as exc:
            return error_response(exc)
        except Exception as exc:  # one request must never take the server down
            log.exception("sandbox: %s %s failed", req.method, raw_target)
            return error_response(ApiError(500, f"sandbox internal error: {type(exc).__name__}: {exc}"))


def _delegate(module_name: str, req: Request, path: str, world: World) -> Response:
    """Hand a request to the Prometheus or Jaeger handler; 501 while that module does not exist."""
    try:
        module: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return json_response(501, {"status": "error", "errorType": "unavailable",
                                   "error": f"{module_name} is not part of this sandbox yet"})
    params = {k: list(v) for k, v in req.params.items()}
    if req.method == "POST" and req.content_type == "application/x-www-form-urlencoded":
        for key, values in parse_qs(req.body.decode(errors="replace"), keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    try:
        status, body = module.handle(req.method, path, params, world)
    except Exception as exc:  # the handler's bug is the caller's 500, not a dead server
        log.exception("sandbox: %s %s failed", module_name, path)
        return json_response(500, {"status": "error", "errorType": "internal", "error": f"{type(exc).__name__}: {exc}"})
    return json_response(int(status), body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "debugbot-sandbox"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(method=self.command, path=split.path,
                      params=parse_qs(split.query, keep_blank_values=True),
                      headers={k.lower(): v for k, v in self.headers.items()}, body=body)
        sandbox: SandboxServer = self.server.sandbox  # type: ignore[attr-defined]
        resp = sandbox.dispatch(req, self.path)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True

