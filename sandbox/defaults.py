"""The API server's defaulting for the fields clients rely on (kubectl describe dereferences them).

Only missing fields are filled, never changed: a scenario that spells a value keeps it.
"""
from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
_PROBE = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
_POD_SPEC = {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
             "terminationGracePeriodSeconds": 30, "securityContext": {}}
_TEMPLATE_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController", "PodTemplate"}


def _fill(target: Obj, defaults: Obj) -> None:
    for key, value in defaults.items():
        target.setdefault(key, dict(value) if isinstance(value, dict) else value)


def _probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    _fill(probe, _PROBE)
    if isinstance(probe.get("grpc"), dict):
        probe["grpc"].setdefault("service", "")
    if isinstance(probe.get("httpGet"), dict):
        probe["httpGet"].setdefault("scheme", "HTTP")
        probe["httpGet"].setdefault("path", "/")


def _container(c: Any) -> None:
    if not isinstance(c, dict):
        return
    image = str(c.get("image", ""))
    tag = image.rsplit("/", 1)[-1]
    latest = "@" not in tag and (":" not in tag or tag.endswith(":latest"))
    _fill(c, {"imagePullPolicy": "Always" if latest else "IfNotPresent",
              "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
              "resources": {}})
    for port in c.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(name))


def pod_spec(spec: Any, *, restart: str = "Always") -> None:
    if not isinstance(spec, dict):
        return
    _fill(spec, {**_POD_SPEC, "restartPolicy": restart})
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            _container(c)


def _template_spec(obj: Obj) -> Any:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return (spec.get("template") or {}).get("spec") if isinstance(spec, dict) else None


def apply_defaults(obj: Obj) -> Obj:
    """Fill the server-side defaults of a Pod, a workload's pod template, a Service, a Deployment."""
    kind = obj.get("kind")
    if kind == "Pod":
        pod_spec(obj.get("spec"))
    elif kind in _TEMPLATE_KINDS or kind == "CronJob":
        pod_spec(_template_spec(obj), restart="Never" if kind in ("Job", "CronJob") and
                 (_template_spec(obj) or {}).get("restartPolicy") is None else "Always")
    if kind == "Service" and isinstance(obj.get("spec"), dict):
        _fill(obj["spec"], {"type": "ClusterIP", "sessionAffinity": "None"})
        for port in obj["spec"].get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                port.setdefault("targetPort", port.get("port"))
    if kind == "Deployment" and isinstance(obj.get("spec"), dict):
        _fill(obj["spec"], {"replicas": 1, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                            "strategy": {"type": "RollingUpdate",
                                         "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}})
    return obj
