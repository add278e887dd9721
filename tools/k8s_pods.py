"""One pod in detail, as `kubectl describe pod` would show it, minus the noise and never a secret value."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.k8s_common import (NAME_PATTERN, NamespacedArgs, Obj, conditions_text, container_status_text, meta,
                              name_of, owner_of, probe_text, qos_class, resources_text)
from tools.k8s_events import event_lines, group_events
from tools.models import ToolResult, ToolStatus
from tools.redact import redact, redact_obj
from tools.timefmt import when


class PodArgs(NamespacedArgs):
    name: str = Field(pattern=NAME_PATTERN, max_length=253, description="pod name")


def env_text(container: Obj) -> str:
    """Env NAMES, with literal values only when they are not secret-looking; references say where from."""
    parts = []
    for item in redact_obj(container.get("env") or []):
        name = item.get("name")
        src = item.get("valueFrom") or {}
        if "secretKeyRef" in src:
            ref = src["secretKeyRef"] or {}
            parts.append(f"{name}=<from secret {ref.get('name')} key {ref.get('key')}>")
        elif "configMapKeyRef" in src:
            ref = src["configMapKeyRef"] or {}
            parts.append(f"{name}=<from configmap {ref.get('name')} key {ref.get('key')}>")
        elif src:
            parts.append(f"{name}=<from {next(iter(src))}>")
        else:
            value = str(item.get("value", ""))
            parts.append(f"{name}={value[:120]}")
    for ef in container.get("envFrom") or []:
        for key, kind in (("secretRef", "secret"), ("configMapRef", "configmap")):
            if key in ef:
                parts.append(f"<all keys of {kind} {(ef[key] or {}).get('name')}>")
    return ", ".join(parts) or "none"


def volume_text(vol: Obj) -> str:
    for key, label, field in (("persistentVolumeClaim", "pvc", "claimName"), ("configMap", "configmap", "name"),
                              ("secret", "secret", "secretName"), ("hostPath", "hostPath", "path")):
        if key in vol:
            return f"{vol.get('name')} ({label} {(vol[key] or {}).get(field)})"
    kind = next((k for k in vol if k != "name"), "?")
    return f"{vol.get('name')} ({kind})"


def container_spec_lines(c: Obj) -> list[str]:
    policy = f" (pull {c['imagePullPolicy']})" if c.get("imagePullPolicy") else ""
    lines = [f"container {c.get('name')}: image {c.get('image')}{policy}"]
    if c.get("command") or c.get("args"):
        lines.append(f"  command {redact(' '.join(map(str, (c.get('command') or []) + (c.get('args') or []))))[:300]}")
    ports = ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" + (f" ({p['name']})" if p.get("name") else "")
                      for p in c.get("ports") or [])
    lines.append(f"  ports {ports or 'none'}; resources {resources_text(c.get('resources'))}")
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        text = probe_text(c.get(kind))
        if text:
            lines.append(f"  {kind.removesuffix('Probe')} probe: {text}")
    lines.append(f"  env: {env_text(c)}")
    mounts = ", ".join(f"{m.get('name')}->{m.get('mountPath')}" + (" (ro)" if m.get("readOnly") else "")
                       for m in c.get("volumeMounts") or [] if "serviceaccount" not in str(m.get("mountPath")))
    if mounts:
        lines.append(f"  mounts: {mounts}")
    return lines


def _pod_spec_line(spec: Obj) -> str:
    """Service account, pull secrets, networking and scheduling settings that differ from the defaults."""
    parts = [f"serviceAccount {spec.get('serviceAccountName') or 'default'}"]
    pull = [s.get("name") for s in spec.get("imagePullSecrets") or []]
    parts.append(f"imagePullSecrets {', '.join(map(str, pull))}" if pull else "no imagePullSecrets")
    if spec.get("hostNetwork"):
        parts.append("hostNetwork true")
    if spec.get("hostNetwork") or spec.get("dnsPolicy", "ClusterFirst") != "ClusterFirst":
        parts.append(f"dnsPolicy {spec.get('dnsPolicy', 'ClusterFirst')}")
    for key in ("priorityClassName", "schedulerName", "runtimeClassName", "restartPolicy"):
        if spec.get(key) and not (key == "restartPolicy" and spec[key] == "Always"):
            parts.append(f"{key} {spec[key]}")
    return "spec: " + ", ".join(parts)


def describe_pod(pod: Obj, now: datetime) -> list[str]:
    spec, st = pod.get("spec") or {}, pod.get("status") or {}
    lines = [f"pod {meta(pod).get('namespace')}/{name_of(pod)}: phase {st.get('phase', '?')}"
             + (f" reason {st['reason']}: {st.get('message', '')}" if st.get("reason") else ""),
             f"node {spec.get('nodeName') or '(unscheduled)'}, pod IP {st.get('podIP', '-')}, QoS "
             f"{qos_class(pod)}, owner {owner_of(pod) or 'none'}, created "
             f"{when(meta(pod).get('creationTimestamp'), now)}"]
    lines += ["conditions: " + "; ".join(conditions_text(st.get("conditions"), now))] if st.get("conditions") else []
    lines.append(_pod_spec_line(spec))
    for key in ("nodeSelector", "tolerations", "affinity"):
        if spec.get(key):
            lines.append(f"{key}: {spec[key]}"[:300])
    for c in (spec.get("initContainers") or []):
        lines += ["init " + line for line in container_spec_lines(c)]
    for c in spec.get("containers") or []:
        lines += container_spec_lines(c)
    statuses = (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or [])
    lines += ["status " + container_status_text(cs, now) for cs in statuses]
    vols = [volume_text(v) for v in spec.get("volumes") or [] if not str(v.get("name", "")).startswith("kube-api-access")]
    if vols:
        lines.append("volumes: " + ", ".join(vols))
    return lines


def pod_detail(args: PodArgs, ctx: ToolContext) -> ToolResult:
    """A pod: conditions, containers (image, probes, resources, env names), state and last state, volumes, events."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    pod = kube.get(f"/api/v1/namespaces/{args.namespace}/pods/{args.name}")
    evs = kube.items(f"/api/v1/namespaces/{args.namespace}/events",
                     {"fieldSelector": f"involvedObject.kind=Pod,involvedObject.name={args.name}"})
    groups = group_events(evs)
    lines = describe_pod(pod, now)
    lines += ["events (newest first):", *(event_lines(groups, now, limit=15) or ["  none"])]
    data: dict[str, Any] = {"pod": redact_obj({k: pod.get(k) for k in ("metadata", "spec", "status")}),
                            "events": [g.data() for g in groups]}
    data["pod"]["metadata"].pop("managedFields", None)
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(lines), data=data)
