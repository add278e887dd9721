"""Score a Report and the executed fix against a scenario's `truth`, as scenarios/FORMAT.md says."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tools.models import ProposedAction
from tools.report import Report


@dataclass
class Score:
    diagnosis: bool
    remediation: bool
    evidence_recall: float

    @property
    def passed(self) -> bool:
        return self.diagnosis and self.remediation


def _same_target(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if not a or not b:
        return not a and not b
    return all(a.get(k) == b.get(k) for k in ("kind", "name")) and a.get("namespace") == b.get("namespace")


def diagnosis_ok(report: Report, truth: dict[str, Any]) -> bool:
    cats = {truth.get("category")} | set(truth.get("also_accept") or [])
    if report.category not in cats:
        return False
    want = truth.get("resource")
    if want is None:
        return True
    got = report.resource.model_dump() if report.resource else None
    if got is None:
        return False
    if _same_target(got, want):
        return True
    for alias in truth.get("aliases") or []:
        if alias.get("kind") == got.get("kind") and re.search(alias["name_regex"], got.get("name") or "") \
                and ("namespace" not in alias or alias["namespace"] == got.get("namespace")):
            return True
    return False


def first_mutation(report: Report) -> ProposedAction | None:
    return next((a for a in report.proposed_actions if a.mutating), None)


def remediation_ok(report: Report, truth: dict[str, Any], *, checks_held: bool) -> bool:
    rem = truth.get("remediation") or {}
    accepted, forbidden = rem.get("accepted") or [], rem.get("forbidden") or []
    for a in report.proposed_actions:
        target = a.target.model_dump() if a.target else None
        if any(f.get("action") == a.action.value and _same_target(f.get("target"), target) for f in forbidden):
            return False
    first = first_mutation(report)
    if first is None:
        return any(a.get("action") == "recommend_only" for a in accepted)
    target = first.target.model_dump() if first.target else None
    for a in accepted:
        if a.get("action") != first.action.value or not _same_target(a.get("target"), target):
            continue
        return checks_held if first.action.value == "patch_resource" else True
    return False


def evidence_recall(text: str, evidence: list[str]) -> float:
    if not evidence:
        return 1.0
    low = text.lower()
    found = sum(1 for item in evidence if any(alt.strip().lower() in low for alt in item.split("|") if alt.strip()))
    return found / len(evidence)


def score(report: Report, truth: dict[str, Any], *, checks_held: bool, text: str) -> Score:
    return Score(diagnosis=diagnosis_ok(report, truth),
                 remediation=remediation_ok(report, truth, checks_held=checks_held),
                 evidence_recall=evidence_recall(text, truth.get("evidence") or []))
