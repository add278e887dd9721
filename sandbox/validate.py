"""Scenario validation: the rules of ../shared/tools/check_scenario.py, with paths in messages."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kubernetes.client import ApiClient

from sandbox import kinds
from sandbox.scenario import is_duration, parse_time

CATEGORIES = {
    "bad_rollout", "config_error", "image_pull", "oom_killed", "memory_leak",
    "cpu_saturation", "resource_contention", "dependency_failure", "service_routing",
    "scaled_to_zero", "unschedulable", "quota_exceeded", "storage", "probe_failure",
    "network_policy", "dns_failure", "network_degradation", "node_failure",
    "autoscaling", "access_denied", "no_fault",
}
ACTIONS = {"rollback_deployment", "restart_workload", "scale_workload", "delete_pod",
           "set_resources", "patch_resource", "recommend_only"}
OPS = {"equals", "not_equals", "matches", "exists", "at_least", "at_most"}
FREE_MAPS = {"labels", "annotations", "data", "stringData", "binaryData", "selector",
             "matchLabels", "nodeSelector", "capacity", "allocatable", "limits", "requests",
             "hard", "used", "parameters", "tags"}
SPECIAL_MODELS = {("v1", "Event"): "CoreV1Event", ("events.k8s.io/v1", "Event"): "EventsV1Event"}

Key = tuple[Any, Any, Any]
_api = ApiClient()


def model_name(api_version: str, kind: str) -> str:
    """The official Python client's model class for an apiVersion and kind."""
    if (api_version, kind) in SPECIAL_MODELS:
        return SPECIAL_MODELS[(api_version, kind)]
    version = api_version.split("/")[-1]
    return version[0].upper() + version[1:] + kind


def key_of(obj: dict[str, Any]) -> Key:
    meta = obj.get("metadata") or {}
    return obj.get("kind"), meta.get("namespace"), meta.get("name")


def unknown_keys(given: Any, known: Any, path: str) -> Iterator[str]:
    """Keys the client model dropped: fields that do not exist in the API."""
    if isinstance(given, dict) and isinstance(known, dict):
        if path.rsplit(".", 1)[-1] in FREE_MAPS:
            return
        for k, v in given.items():
            if k not in known:
                if v not in (None, {}, []):
                    yield f"{path}.{k}".lstrip(".")
            else:
                yield from unknown_keys(v, known[k], f"{path}.{k}")
    elif isinstance(given, list) and isinstance(known, list):
        for i, (g, k) in enumerate(zip(given, known)):
            yield from unknown_keys(g, k, f"{path}[{i}]")


def object_problems(obj: Any, where: str) -> list[str]:
    """Shape, kind, scope, and the official client's model of one object; [] when valid."""
    if not isinstance(obj, dict):
        return [f"{where}: not a mapping"]
    missing = [k for k in ("apiVersion", "kind", "metadata") if k not in obj]
    if missing:
        return [f"{where}: missing {', '.join(missing)}"]
    kind, ns, name = key_of(obj)
    label = f"({kind} {ns + '/' if ns else ''}{name})"
    rt = kinds.by_api_version(str(obj["apiVersion"]), str(kind))
    if rt is None:
        known = kinds.by_kind(str(kind))
        hint = f"; the sandbox serves {kind} as {known.api_version}" if known else ""
        return [f"{where}.kind: unknown kind {kind!r} in apiVersion {obj['apiVersion']!r}{hint}"]
    errors = []
    if not name:
        errors.append(f"{where}.metadata.name: missing {label}")
    if rt.namespaced and not ns:
        errors.append(f"{where}.metadata.namespace: missing for namespaced kind {label}")
    return errors + model_problems(obj, where, label)


def model_check(obj: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(why the official client's model rejects it, or None; the paths of unknown fields)."""
    model = model_name(str(obj["apiVersion"]), str(obj["kind"]))
    plain = json.loads(json.dumps(obj, default=str))
    try:
        parsed = _api.deserialize(json.dumps(plain), model, "application/json")
    except Exception as exc:  # the client's own validation error, whatever its type
        return f"the client's {model} model rejects it: " + " | ".join(str(exc).strip().splitlines()[:3]), []
    back = _api.sanitize_for_serialization(parsed)  # type: ignore[no-untyped-call]
    return None, list(unknown_keys(plain, back, ""))


def model_problems(obj: dict[str, Any], where: str, label: str) -> list[str]:
    """Parse with the official client's model, as a real API response would be parsed."""
    rejected, unknown = model_check(obj)
    if rejected:
        return [f"{where}: {rejected} {label}"]
    return [f"{where}.{p}: unknown field (misspelt?) {label}" for p in unknown]


def time_problems(value: Any, where: str) -> list[str]:
    try:
        parse_time(value)
    except (ValueError, TypeError):
        return [f"{where}: not an RFC 3339 time: {value!r}"]
    return []


def ref_problems(ref: Any, where: str, keys: set[Key], *, required: bool = True) -> list[str]:
    if not isinstance(ref, dict) or not {"kind", "name"} <= ref.keys():
        return [f"{where}: needs kind and name (and namespace for namespaced kinds)"]
    key = (ref["kind"], ref.get("namespace"), ref["name"])
    if required and key not in keys:
        return [f"{where}: {ref['kind']} {_ns_name(key)} is not among cluster.objects"]
    return []


def _ns_name(key: Key) -> str:
    return f"{key[1]}/{key[2]}" if key[1] else str(key[2])


def check_problems(checks: Any, where: str, keys: set[Key]) -> list[str]:
    errors: list[str] = []
    for i, c in enumerate(checks or []):
        w = f"{where}[{i}]"
        if isinstance(c, dict) and "any_of" in c:
            if not isinstance(c["any_of"], list) or not c["any_of"]:
                errors.append(f"{w}.any_of: needs a non-empty list of checks")
            else:
                errors += check_problems(c["any_of"], f"{w}.any_of", keys)
            continue
        errors += ref_problems(c, w, keys)
        if not isinstance(c, dict) or "path" not in c:
            errors.append(f"{w}: needs a path")
        elif len(OPS & c.keys()) != 1:
            errors.append(f"{w}: needs exactly one of {sorted(OPS)}")
    return errors


def log_problems(blocks: Any, where: str, pods: dict[tuple[Any, Any], dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    for i, b in enumerate(blocks or []):
        w = f"{where}[{i}]"
        if not isinstance(b, dict) or "pod" not in b or "namespace" not in b:
            errors.append(f"{w}: needs namespace and pod")
            continue
        pod = pods.get((b["namespace"], b["pod"]))
        if pod is None:
            errors.append(f"{w}.pod: pod {b['namespace']}/{b['pod']} is not among cluster.objects")
            continue
        spec = pod.get("spec") or {}
        names = [c.get("name") for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]
        if b.get("container") and b["container"] not in names:
            errors.append(f"{w}.container: pod {b['pod']} has no container {b['container']!r} (has {names})")
        if "at" in b and not is_duration(b["at"]):
            errors += time_problems(b["at"], f"{w}.at")
        if "every" in b and not is_duration(b["every"]):
            errors.append(f"{w}.every: must look like 10s, 1m")
        if not isinstance(b.get("lines"), list):
            errors.append(f"{w}.lines: must be a list ([] for a container that printed nothing)")
        elif not all(isinstance(x, str) for x in b["lines"]):
            errors.append(f"{w}.lines: every line must be a string (quote lines that YAML would parse)")
    return errors


def metric_problems(series: Any, where: str) -> list[str]:
    errors: list[str] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    for i, s in enumerate(series or []):
        w = f"{where}[{i}]"
        if not isinstance(s, dict):
            errors.append(f"{w}: not a mapping")
            continue
        labels = s.get("labels") or {}
        if "__name__" not in labels:
            errors.append(f"{w}.labels.__name__: missing")
        ident = tuple(sorted((str(k), str(v)) for k, v in labels.items()))
        if ident in seen:
            errors.append(f"{w}.labels: two series have the same labels {dict(ident)}")
        seen.add(ident)
        for k in ("start", "step"):
            if not is_duration(str(s.get(k, ""))):
                errors.append(f"{w}.{k}: must look like -60m, 30s, 1h")
        vals = s.get("values")
        if not isinstance(vals, list) or not vals:
            errors.append(f"{w}.values: must be a non-empty list")
        elif not all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in vals):
            errors.append(f"{w}.values: must be numbers or null (write 4.1e+8, not 410e6)")
    return errors


def trace_problems(traces: Any, where: str) -> list[str]:
    errors: list[str] = []
    for i, t in enumerate(traces or []):
        w = f"{where}[{i}]"
        if not isinstance(t, dict) or not t.get("trace_id") or not isinstance(t.get("spans"), list):
            errors.append(f"{w}: needs trace_id and a list of spans")
            continue
        errors += [f"{w}.{k}: must look like -10m, 15s" for k in ("at", "every")
                   if k in t and not is_duration(str(t[k]))]
        ids = {sp.get("span_id") for sp in t["spans"] if isinstance(sp, dict)}
        need = {"span_id", "service", "operation", "offset_ms", "duration_ms"}
        for j, sp in enumerate(t["spans"]):
            if not isinstance(sp, dict) or not need <= sp.keys():
                errors.append(f"{w}.spans[{j}]: needs span_id, service, operation, offset_ms, duration_ms")
            elif sp.get("parent") is not None and sp["parent"] not in ids:
                errors.append(f"{w}.spans[{j}].parent: {sp['parent']!r} is not a span of this trace")
    return errors


def pattern_problems(regex: Any, where: str) -> list[str]:
    try:
        re.compile(str(regex))
    except re.error as exc:
        return [f"{where}: bad regex: {exc}"]
    return []
