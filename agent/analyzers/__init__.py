"""Deterministic detectors over a ClusterView; each returns Findings. Both reasoners read them."""
from __future__ import annotations

from collections.abc import Callable

from agent.cluster import ClusterView
from agent.findings import Finding

Analyzer = Callable[[ClusterView], list[Finding]]


def all_analyzers() -> list[Analyzer]:
    from agent.analyzers import capacity, config_split, contention, pods, rollout, routing

    return [pods.analyze, routing.analyze, capacity.analyze, rollout.analyze, contention.analyze,
            config_split.analyze]


def run_analyzers(view: ClusterView) -> list[Finding]:
    findings: list[Finding] = []
    for analyze in all_analyzers():
        findings.extend(analyze(view))
    return sorted(findings, key=lambda f: f.score, reverse=True)
