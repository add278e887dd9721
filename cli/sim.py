"""Serve a scenario as a simulated cluster (Kubernetes, Prometheus and Jaeger APIs) until Ctrl-C."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from sandbox.scenario import ScenarioError
from sandbox.server import SandboxServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="a scenario file (../shared/scenarios/FORMAT.md)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--kubeconfig", default=None,
                        help="where to write the kubeconfig (default: <tmp>/debugbot-sandbox-PORT.kubeconfig)")
    parser.add_argument("--forbid-secrets", action="store_true",
                        help="answer 403 for secrets, as the read-only investigator role does")


def run(args: argparse.Namespace) -> int:
    try:
        server = SandboxServer(args.scenario, port=args.port, forbid_secrets=args.forbid_secrets)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        path = server.write_kubeconfig(Path(args.kubeconfig) if args.kubeconfig else None)
        print(f"scenario:   {server.scenario.id} ({len(server.world.scenario.objects)} objects)\n"
              f"kubernetes: {server.url}\nprometheus: {server.prometheus_url}\njaeger:     {server.jaeger_url}\n"
              f"kubeconfig: {path}\ntry:        kubectl --kubeconfig {path} get pods -A\n"
              "Ctrl-C stops it.", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("sandbox stopped", flush=True)
    return 0
