"""What every read tool is handed: settings, the API clients, the clock, and the namespace policy."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kubernetes import client as k8s

from tools.errors import NotAllowed
from tools.k8s_client import Kube, build_api_client
from tools.prometheus import PromClient
from tools.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ToolContext:
    """One investigation's handles on the world.

    `now` is injectable: against the sandbox it is the scenario's frozen clock,
    so "12m ago" and Prometheus evaluation times match what the scenario shows;
    in production it is the wall clock.
    """

    settings: Settings
    k8s: k8s.ApiClient | None
    prom: PromClient | None
    jaeger_url: str | None
    now: Callable[[], datetime] = field(default=utc_now)

    def kube(self) -> Kube:
        """A fresh traced reader for one tool call (its `invocation` lists every path read)."""
        return Kube(self.k8s, self.settings.k8s_timeout_s)

    def namespace_allowed(self, namespace: str) -> bool:
        allowed = self.settings.allowed_namespaces
        return not allowed or namespace in allowed

    def check_namespace(self, namespace: str) -> None:
        """Refuse a namespace outside settings.allowed_namespaces (empty list: all are allowed)."""
        if not self.namespace_allowed(namespace):
            raise NotAllowed(f"namespace {namespace!r} is not in DEBUGBOT_ALLOWED_NAMESPACES "
                             f"({', '.join(self.settings.allowed_namespaces)})")

    def scope(self, namespaces: list[str] | None) -> list[str] | None:
        """The namespaces to look in: the requested ones (checked), the allowed ones, or None for all."""
        if namespaces:
            for ns in namespaces:
                self.check_namespace(ns)
            return list(namespaces)
        return list(self.settings.allowed_namespaces) or None


def build_context(settings: Settings, *, now: Callable[[], datetime] | None = None) -> ToolContext:
    """Build the clients once from settings; a bad kubeconfig fails here with the variable's name."""
    prom = PromClient(settings.prometheus_url, timeout_s=settings.prom_timeout_s) if settings.prometheus_url else None
    return ToolContext(settings=settings, k8s=build_api_client(settings), prom=prom,
                       jaeger_url=settings.jaeger_url, now=now or utc_now)
