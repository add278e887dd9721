"""Field-level diff of two pod templates: what changed between two revisions of a workload."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
_IGNORED_LABELS = {"pod-template-hash", "controller-revision-hash"}
_CONTAINER_FIELDS = ("image", "command", "args", "resources", "readinessProbe", "livenessProbe",
                     "startupProbe", "ports", "volumeMounts", "envFrom", "workingDir", "securityContext")
_SPEC_FIELDS = ("nodeSelector", "tolerations", "affinity", "volumes", "serviceAccountName",
                "dnsPolicy", "dnsConfig", "hostNetwork", "priorityClassName", "initContainers")


@dataclass(frozen=True)
class Change:
    path: str  # e.g. "containers[payment].env[DB_POOL_TIMEOUT_MS]"
    old: Any
    new: Any

    def text(self) -> str:
        return f"{self.path}: {_short(self.old)} -> {_short(self.new)}"


def _short(value: Any) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _env_map(container: Obj) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in container.get("env") or []:
        if "value" in item:
            out[item["name"]] = item.get("value")
        elif "valueFrom" in item:
            src = item["valueFrom"]
            sk = src.get("secretKeyRef") or src.get("configMapKeyRef")
            kind = "secret" if "secretKeyRef" in src else "configmap" if sk else "field"
            out[item["name"]] = f"from {kind} {sk.get('name')}/{sk.get('key')}" if sk else f"from {kind}"
        else:
            out[item["name"]] = ""
    return out


def _diff_maps(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return [Change(f"{prefix}[{k}]", old.get(k), new.get(k))
            for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def diff_templates(old: Obj, new: Obj) -> list[Change]:
    """Changes from `old` to `new` (both `spec.template` of a workload or ReplicaSet)."""
    changes: list[Change] = []
    old_meta, new_meta = old.get("metadata") or {}, new.get("metadata") or {}
    for part in ("labels", "annotations"):
        o = {k: v for k, v in (old_meta.get(part) or {}).items() if k not in _IGNORED_LABELS}
        n = {k: v for k, v in (new_meta.get(part) or {}).items() if k not in _IGNORED_LABELS}
        changes += _diff_maps(f"template.{part}", o, n)
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_c = {c.get("name"): c for c in old_spec.get("containers") or []}
    new_c = {c.get("name"): c for c in new_spec.get("containers") or []}
    for name in sorted(set(old_c) | set(new_c), key=str):
        oc, nc = old_c.get(name), new_c.get(name)
        if oc is None or nc is None:
            changes.append(Change(f"containers[{name}]", "present" if oc else None, "present" if nc else None))
            continue
        for f in _CONTAINER_FIELDS:
            if oc.get(f) != nc.get(f):
                changes.append(Change(f"containers[{name}].{f}", oc.get(f), nc.get(f)))
        changes += _diff_maps(f"containers[{name}].env", _env_map(oc), _env_map(nc))
    for f in _SPEC_FIELDS:
        if old_spec.get(f) != new_spec.get(f):
            changes.append(Change(f"spec.{f}", old_spec.get(f), new_spec.get(f)))
    return changes
