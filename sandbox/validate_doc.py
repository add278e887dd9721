"""Whole-document scenario rules: top level, objects and owners, recovery, truth."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.validate import (
    ACTIONS, CATEGORIES, Key, check_problems, key_of, log_problems, metric_problems,
    object_problems, pattern_problems, ref_problems, time_problems, trace_problems,
)

Pods = dict[tuple[Any, Any], dict[str, Any]]


def document_problems(doc: dict[str, Any], path: Path) -> list[str]:
    errors = top_problems(doc, path)
    if errors:
        return errors
    objects = (doc.get("cluster") or {}).get("objects") or []
    keys: set[Key] = set()
    pods: Pods = {}
    errors += objects_problems(objects, keys, pods)
    errors += log_problems((doc["cluster"] or {}).get("logs"), "cluster.logs", pods)
    errors += metric_problems(doc.get("metrics"), "metrics")
    errors += trace_problems(doc.get("traces"), "traces")
    recovery_keys = set(keys)
    for i, item in enumerate(doc.get("recovery") or []):
        errors += recovery_problems(item, f"recovery[{i}]", keys, pods, recovery_keys)
    errors += truth_problems(doc.get("truth") or {}, keys, recovery_keys)
    return errors


def top_problems(doc: dict[str, Any], path: Path) -> list[str]:
    errors = []
    if doc.get("format") != 1:
        errors.append(f"format: must be 1, not {doc.get('format')!r}")
    if doc.get("id") != path.stem:
        errors.append(f"id: {doc.get('id')!r} must equal the file name {path.stem!r}")
    errors += [f"{k}: missing" for k in ("title", "now", "trigger", "cluster", "truth") if k not in doc]
    if errors:
        return errors
    errors += time_problems(doc["now"], "now")
    if not isinstance(doc["cluster"], dict):
        return errors + ["cluster: must be a mapping with objects and logs"]
    trig = doc["trigger"] if isinstance(doc["trigger"], dict) else {}
    if ("command" in trig) == ("alert" in trig):
        errors.append("trigger: needs exactly one of command or alert")
    if "alert" in trig:
        alert = trig["alert"] or {}
        if "alertname" not in (alert.get("labels") or {}):
            errors.append("trigger.alert.labels.alertname: missing")
        if "startsAt" in alert:
            errors += time_problems(alert["startsAt"], "trigger.alert.startsAt")
    return errors


def objects_problems(objects: list[Any], keys: set[Key], pods: Pods) -> list[str]:
    """Each object against the client's models, then duplicates and owners."""
    errors: list[str] = []
    if not objects:
        errors.append("cluster.objects: empty")
    for i, obj in enumerate(objects):
        errors += object_problems(obj, f"cluster.objects[{i}]")
        if not isinstance(obj, dict):
            continue
        k = key_of(obj)
        if k in keys:
            errors.append(f"cluster.objects[{i}]: duplicate {k[0]} {k[1] + '/' if k[1] else ''}{k[2]}")
        keys.add(k)
        if k[0] == "Pod":
            pods[(k[1], k[2])] = obj
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict):
            continue
        refs = (obj.get("metadata") or {}).get("ownerReferences") or []
        for j, ref in enumerate(refs):
            owner = (ref.get("kind"), obj["metadata"].get("namespace"), ref.get("name"))
            if owner not in keys and ref.get("kind") != "Node":
                errors.append(f"cluster.objects[{i}].metadata.ownerReferences[{j}]: owner "
                              f"{owner[0]} {owner[2]} is not among cluster.objects")
    return errors


def recovery_problems(item: Any, w: str, keys: set[Key], pods: Pods, all_keys: set[Key]) -> list[str]:
    if not isinstance(item, dict):
        return [f"{w}: must be a mapping with when and apply"]
    errors = [] if item.get("when") else [f"{w}.when: missing"]
    errors += check_problems(item.get("when"), f"{w}.when", keys)
    apply = item.get("apply") or {}
    new_keys = set(keys)
    for j, obj in enumerate(apply.get("upsert") or []):
        errors += object_problems(obj, f"{w}.apply.upsert[{j}]")
        if isinstance(obj, dict):
            new_keys.add(key_of(obj))
            all_keys.add(key_of(obj))
            if obj.get("kind") == "Pod":
                pods[(obj["metadata"].get("namespace"), obj["metadata"].get("name"))] = obj
    for j, ref in enumerate(apply.get("delete") or []):
        errors += ref_problems(ref, f"{w}.apply.delete[{j}]", new_keys)
    errors += log_problems(apply.get("logs"), f"{w}.apply.logs", pods)
    errors += metric_problems(apply.get("metrics"), f"{w}.apply.metrics")
    return errors


def truth_problems(truth: dict[str, Any], keys: set[Key], check_keys: set[Key]) -> list[str]:
    errors: list[str] = []
    cat = truth.get("category")
    if cat not in CATEGORIES:
        errors.append(f"truth.category: {cat!r} is not one of the categories")
    errors += [f"truth.also_accept: {c!r} is not a category"
               for c in truth.get("also_accept") or [] if c not in CATEGORIES]
    if cat != "no_fault" or truth.get("resource") is not None:
        errors += ref_problems(truth.get("resource"), "truth.resource", keys)
    for i, al in enumerate(truth.get("aliases") or []):
        if not isinstance(al, dict) or "kind" not in al or "name_regex" not in al:
            errors.append(f"truth.aliases[{i}]: needs kind and name_regex")
        else:
            errors += pattern_problems(al["name_regex"], f"truth.aliases[{i}].name_regex")
    if not truth.get("evidence"):
        errors.append("truth.evidence: must list at least one fact")
    return errors + remediation_problems(truth.get("remediation") or {}, keys, check_keys)


def remediation_problems(rem: dict[str, Any], keys: set[Key], check_keys: set[Key]) -> list[str]:
    errors: list[str] = []
    accepted = rem.get("accepted") or []
    if not accepted:
        errors.append("truth.remediation.accepted: must list at least one fix")
    listed = [("accepted", i, a) for i, a in enumerate(accepted)]
    listed += [("forbidden", i, a) for i, a in enumerate(rem.get("forbidden") or [])]
    for part, i, a in listed:
        w = f"truth.remediation.{part}[{i}]"
        if not isinstance(a, dict):
            errors.append(f"{w}: must be a mapping")
            continue
        if a.get("action") not in ACTIONS:
            errors.append(f"{w}.action: {a.get('action')!r} is not one of {sorted(ACTIONS)}")
        if a.get("action") != "recommend_only":
            errors += ref_problems(a.get("target"), f"{w}.target", keys)
        if (part == "accepted" and a.get("action") == "patch_resource"
                and not isinstance((a.get("params") or {}).get("patch"), dict)):
            errors.append(f"{w}.params.patch: patch_resource needs the merge patch it stands for")
    mutating = [a for a in accepted if isinstance(a, dict) and a.get("action") != "recommend_only"]
    if mutating and not rem.get("checks"):
        errors.append("truth.remediation.checks: must say what holds after a right mutation")
    return errors + check_problems(rem.get("checks"), "truth.remediation.checks", check_keys)
