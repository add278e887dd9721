"""Normalisers for the snapshot: each API object reduced to the fields analyzers use, JSON-able."""
from __future__ import annotations

from typing import Any

from tools.k8s_common import Obj, clip, labels_of, meta, name_of, owner_of

Norm = dict[str, Any]


def _state(state: Obj | None) -> Norm | None:
    """{'kind': running|waiting|terminated, reason, message, exit_code, started_at, finished_at}."""
    if not state:
        return None
    for kind in ("running", "waiting", "terminated"):
        if kind in state:
            s = state[kind] or {}
            out = {"kind": kind, "reason": s.get("reason"), "message": clip(s.get("message") or "", 400) or None,
                   "exit_code": s.get("exitCode"), "started_at": s.get("startedAt"), "finished_at": s.get("finishedAt")}
            return {k: v for k, v in out.items() if v is not None}
    return None


def container_spec(c: Obj) -> Norm:
    env = []
    for item in c.get("env") or []:
        src = item.get("valueFrom") or {}
        ref = src.get("secretKeyRef") or src.get("configMapKeyRef")
        if ref:
            kind = "secret" if "secretKeyRef" in src else "configmap"
            env.append({"name": item.get("name"), "from": f"{kind}:{ref.get('name')}/{ref.get('key')}"})
        elif src:
            env.append({"name": item.get("name"), "from": next(iter(src))})
        else:
            env.append({"name": item.get("name"), "value": item.get("value")})
    return {"name": c.get("name"), "image": c.get("image"), "command": c.get("command"), "args": c.get("args"),
            "resources": c.get("resources") or {}, "env": env,
            "env_from": [{k: (v or {}).get("name") for k, v in e.items() if k.endswith("Ref")} for e in c.get("envFrom") or []],
            "ports": [{"name": p.get("name"), "port": p.get("containerPort")} for p in c.get("ports") or []],
            "probes": {k.removesuffix("Probe"): c[k] for k in ("livenessProbe", "readinessProbe", "startupProbe") if c.get(k)},
            "volume_mounts": [m.get("name") for m in c.get("volumeMounts") or []]}


def pod(p: Obj) -> Norm:
    spec, st = p.get("spec") or {}, p.get("status") or {}
    containers = []
    specs = {c.get("name"): c for c in spec.get("containers") or []}
    for cs in (st.get("containerStatuses") or []):
        containers.append({"name": cs.get("name"), "image": cs.get("image"), "ready": bool(cs.get("ready")),
                           "restarts": int(cs.get("restartCount", 0)), "state": _state(cs.get("state")),
                           "last_state": _state(cs.get("lastState")),
                           "resources": (specs.get(cs.get("name")) or {}).get("resources") or {}})
    init = [{"name": cs.get("name"), "restarts": int(cs.get("restartCount", 0)), "state": _state(cs.get("state")),
             "last_state": _state(cs.get("lastState"))} for cs in st.get("initContainerStatuses") or []]
    return {"namespace": meta(p).get("namespace"), "name": name_of(p), "owner": owner_of(p), "labels": labels_of(p),
            "node": spec.get("nodeName"), "phase": st.get("phase"), "reason": st.get("reason"),
            "message": clip(st.get("message") or "", 400) or None, "qos": st.get("qosClass"),
            "created": meta(p).get("creationTimestamp"), "start_time": st.get("startTime"),
            "deleting": bool(meta(p).get("deletionTimestamp")),
            "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message", "lastTransitionTime") if c.get(k)}
                           for c in st.get("conditions") or []],
            "containers": containers, "init_containers": init,
            "volumes": [{"name": v.get("name"), "pvc": (v.get("persistentVolumeClaim") or {}).get("claimName"),
                         "configmap": (v.get("configMap") or {}).get("name"), "secret": (v.get("secret") or {}).get("secretName")}
                        for v in spec.get("volumes") or [] if not str(v.get("name", "")).startswith("kube-api-access")],
            "node_selector": spec.get("nodeSelector"), "tolerations": spec.get("tolerations")}


def workload(kind: str, w: Obj) -> Norm:
    spec, st = w.get("spec") or {}, w.get("status") or {}
    template = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") if kind == "CronJob" \
        else spec.get("template")
    tspec = (template or {}).get("spec") or {}
    out = {"kind": kind, "namespace": meta(w).get("namespace"), "name": name_of(w), "labels": labels_of(w),
           "created": meta(w).get("creationTimestamp"), "owner": owner_of(w),
           "revision": (meta(w).get("annotations") or {}).get("deployment.kubernetes.io/revision"),
           "selector": spec.get("selector"), "replicas": spec.get("replicas"),
           "status": {k: v for k, v in st.items() if k != "conditions"},
           "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message", "lastTransitionTime") if c.get(k)}
                          for c in st.get("conditions") or []],
           "containers": [container_spec(c) for c in tspec.get("containers") or []],
           "node_selector": tspec.get("nodeSelector"), "tolerations": tspec.get("tolerations"),
           "volumes": [v.get("name") for v in tspec.get("volumes") or []],
           "template_annotations": ((template or {}).get("metadata") or {}).get("annotations")}
    if kind == "CronJob":
        out.update(schedule=spec.get("schedule"), suspend=spec.get("suspend", False))
    return out


def replicaset(rs: Obj) -> Norm:
    ann, spec, st = meta(rs).get("annotations") or {}, rs.get("spec") or {}, rs.get("status") or {}
    tspec = (spec.get("template") or {}).get("spec") or {}
    return {"namespace": meta(rs).get("namespace"), "name": name_of(rs), "owner": owner_of(rs),
            "revision": ann.get("deployment.kubernetes.io/revision"), "change_cause": ann.get("kubernetes.io/change-cause"),
            "created": meta(rs).get("creationTimestamp"), "replicas": spec.get("replicas", 0),
            "ready": st.get("readyReplicas", 0), "images": [c.get("image") for c in tspec.get("containers") or []],
            "template": spec.get("template")}


def service(svc: Obj, ep: Obj | None) -> Norm:
    spec = svc.get("spec") or {}
    ready, not_ready = [], []
    for subset in (ep or {}).get("subsets") or []:
        ready += [(a.get("targetRef") or {}).get("name") or a.get("ip") for a in subset.get("addresses") or []]
        not_ready += [(a.get("targetRef") or {}).get("name") or a.get("ip") for a in subset.get("notReadyAddresses") or []]
    return {"namespace": meta(svc).get("namespace"), "name": name_of(svc), "type": spec.get("type", "ClusterIP"),
            "selector": spec.get("selector"), "ports": spec.get("ports"),
            "endpoints": None if ep is None else {"ready": ready, "not_ready": not_ready}}


def node(n: Obj, requested: dict[str, str]) -> Norm:
    spec, st = n.get("spec") or {}, n.get("status") or {}
    keep = ("topology.kubernetes.io/zone", "node.kubernetes.io/instance-type", "kubernetes.io/arch")
    return {"name": name_of(n), "labels": {k: v for k, v in labels_of(n).items() if k in keep or "pool" in k},
            "unschedulable": bool(spec.get("unschedulable")), "taints": spec.get("taints") or [],
            "conditions": [{k: c.get(k) for k in ("type", "status", "reason", "message", "lastTransitionTime") if c.get(k)}
                           for c in st.get("conditions") or []],
            "allocatable": st.get("allocatable"), "requested": requested,
            "kubelet": (st.get("nodeInfo") or {}).get("kubeletVersion"), "addresses": st.get("addresses")}


def simple(obj: Obj, *fields: str) -> Norm:
    """namespace, name and the given top-level fields (spec, status...)."""
    return {"namespace": meta(obj).get("namespace"), "name": name_of(obj), **{f: obj.get(f) for f in fields}}
