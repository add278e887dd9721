"""Deterministic detectors over a ClusterView; each returns Findings. Both reasoners read them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.cluster import ClusterView
from agent.findings import Finding
from agent.state import Observation

Analyzer = Callable[[ClusterView], list[Finding]]
Observer = Callable[[dict[str, Any], list[Observation]], list[Finding]]


def all_analyzers() -> list[Analyzer]:
    from agent.analyzers import (capacity, config_split, contention, dependencies, front_proxy, hpa_source,
                                 netpol_ports, network, nodelocal, pods, rbac, recurring, rollout, routing,
                                 secrets, startup)

    return [pods.analyze, routing.analyze, capacity.analyze, rollout.analyze, contention.analyze,
            config_split.analyze, network.analyze, dependencies.analyze, startup.analyze,
            secrets.analyze, recurring.analyze, nodelocal.analyze, rbac.analyze, netpol_ports.analyze,
            front_proxy.analyze, hpa_source.analyze]


def all_observers() -> list[Observer]:
    """Detectors over the tools' observations, run by the reasoner after each round of calls."""
    from agent.analyzers import dependencies, network, observed

    return [observed.observed_findings, network.observe, dependencies.observe]


def run_analyzers(view: ClusterView) -> list[Finding]:
    findings: list[Finding] = []
    for analyze in all_analyzers():
        findings.extend(analyze(view))
    return sorted(findings, key=lambda f: f.score, reverse=True)
