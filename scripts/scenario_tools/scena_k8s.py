"""Builders for Kubernetes objects as `kubectl get -o yaml` prints them, for scenario files (helper scenA)."""
from __future__ import annotations

import copy
import random
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

SAFE = "bcdfghjklmnpqrstvwxz2456789"
_REL = re.compile(r"^([+-])?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


class Ctx:
    """Per-scenario clock and deterministic random source (uids, hashes, noise)."""

    def __init__(self, seed: str, now: str) -> None:
        self.rng = random.Random(seed)
        self.now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        self.now_s = now
        self._image_ids: dict[str, str] = {}
        self._ips: set[str] = set()

    def ip(self, node_obj: dict) -> str:
        """A free pod IP in the node's podCIDR."""
        base = node_obj["spec"]["podCIDR"].rsplit(".", 1)[0]
        while True:
            ip = f"{base}.{self.rng.randint(2, 253)}"
            if ip not in self._ips:
                self._ips.add(ip)
                return ip

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexs(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def safe(self, n: int) -> str:
        return "".join(self.rng.choice(SAFE) for _ in range(n))

    def dt(self, when: Any) -> datetime:
        if isinstance(when, datetime):
            return when
        s = str(when)
        m = _REL.match(s)
        if m and s not in ("", "+", "-"):
            sign = -1 if m.group(1) == "-" else 1
            d, h, mi, se = (int(g or 0) for g in m.groups()[1:])
            return self.now + sign * timedelta(days=d, hours=h, minutes=mi, seconds=se)
        return datetime.fromisoformat(s.replace("Z", "+00:00"))

    def t(self, when: Any) -> str:
        return self.dt(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def image_id(self, image: str) -> str:
        if image not in self._image_ids:
            repo = image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image
            first = repo.split("/")[0]
            if "." not in first and ":" not in first and first != "localhost":
                repo = ("docker.io/library/" if "/" not in repo else "docker.io/") + repo
            self._image_ids[image] = f"{repo}@sha256:{self.hexs(64)}"
        return self._image_ids[image]

    def cid(self) -> str:
        return f"containerd://{self.hexs(64)}"

    def ev_name(self, name: str, when: Any) -> str:
        ns = int(self.dt(when).timestamp()) * 1_000_000_000 + self.rng.randint(0, 999_999_999)
        return f"{name}.{ns:x}"


def clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def meta(ctx: Ctx, name: str, *, ns: str | None = None, created: Any = "-30d", labels: dict | None = None,
         annotations: dict | None = None, owner: dict | None = None, uid: str | None = None,
         generation: int | None = None, extra: dict | None = None) -> dict:
    m = clean({"name": name, "namespace": ns, "uid": uid or ctx.uid(), "creationTimestamp": ctx.t(created),
               "generation": generation, "labels": labels or None, "annotations": annotations or None})
    if owner:
        m["ownerReferences"] = [owner_ref(owner)]
    if extra:
        m.update(extra)
    return m


def owner_ref(obj: dict) -> dict:
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def ref(obj: dict, field_path: str | None = None) -> dict:
    m = obj["metadata"]
    return clean({"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": m["name"],
                  "namespace": m.get("namespace"), "uid": m["uid"], "fieldPath": field_path})


# ---------------------------------------------------------------- nodes

FLAVOURS = {
    "eks": dict(os="Amazon Linux 2023.6.20241111", kernel="6.1.115-126.197.amzn2023.x86_64",
                runtime="containerd://1.7.23", kubelet="v1.31.2-eks-7f9249a"),
    "gke": dict(os="Container-Optimized OS from Google", kernel="6.1.100+",
                runtime="containerd://1.7.22", kubelet="v1.30.5-gke.1443001"),
    "aks": dict(os="Ubuntu 22.04.5 LTS", kernel="5.15.0-1074-azure",
                runtime="containerd://1.7.22-1", kubelet="v1.30.6"),
    "kubeadm": dict(os="Ubuntu 24.04.1 LTS", kernel="6.8.0-49-generic",
                    runtime="containerd://1.7.24", kubelet="v1.31.4"),
}
COND_TEXT = {
    "MemoryPressure": ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    "DiskPressure": ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    "PIDPressure": ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    "Ready": ("KubeletReady", "kubelet is posting ready status"),
}


def node(ctx: Ctx, name: str, flavour: str, *, ip: str, zone: str, itype: str, pool: str = "default",
         cpu: int = 8, mem_gi: int = 32, arch: str = "amd64", created: Any = "-40d", labels: dict | None = None,
         taints: list | None = None, unschedulable: bool | None = None, cond: dict | None = None,
         project: str = "prod", annotations: dict | None = None, pod_cidr: str | None = None) -> dict:
    f = dict(FLAVOURS[flavour])
    if flavour == "eks" and arch == "arm64":
        f["kernel"] = f["kernel"].replace("x86_64", "aarch64")
    region = zone[:-1] if flavour in ("eks", "aks") else zone.rsplit("-", 1)[0]
    lab = {"kubernetes.io/arch": arch, "kubernetes.io/os": "linux", "kubernetes.io/hostname": name,
           "node.kubernetes.io/instance-type": itype}
    if flavour != "kubeadm":
        lab.update({"topology.kubernetes.io/region": region, "topology.kubernetes.io/zone": zone})
    provider = None
    if flavour == "eks":
        lab.update({"eks.amazonaws.com/nodegroup": pool, "eks.amazonaws.com/capacityType": "ON_DEMAND"})
        provider = f"aws:///{zone}/i-0{ctx.hexs(16)}"
    elif flavour == "gke":
        lab.update({"cloud.google.com/gke-nodepool": pool, "cloud.google.com/machine-family": itype.split("-")[0],
                    "cloud.google.com/gke-os-distribution": "cos"})
        provider = f"gce://{project}/{zone}/{name}"
    elif flavour == "aks":
        lab.update({"kubernetes.azure.com/agentpool": pool, "agentpool": pool, "kubernetes.azure.com/mode": "user",
                    "kubernetes.azure.com/cluster": f"MC_rg-{project}_aks-{project}_{region}"})
        idx = int(name[-6:]) if name[-6:].isdigit() else 0
        provider = (f"azure:///subscriptions/{ctx.uid()}/resourceGroups/mc_rg-{project}_aks-{project}_{region}"
                    f"/providers/Microsoft.Compute/virtualMachineScaleSets/{name[:-6]}/virtualMachines/{idx}")
    else:
        lab["node.kubernetes.io/exclude-from-external-load-balancers"] = None
        lab.pop("node.kubernetes.io/exclude-from-external-load-balancers")
    lab.update(labels or {})
    cap_ki = mem_gi * 1024 * 1024 - ctx.rng.randint(180_000, 640_000)
    alloc_ki = cap_ki - (mem_gi * 1024 * 1024) // 14 - 100 * 1024
    beat = ctx.t("-" + str(ctx.rng.randint(5, 40)) + "s")
    since = ctx.t(ctx.dt(created) + timedelta(seconds=30))
    conds = []
    for ctype, (reason, msg) in COND_TEXT.items():
        c = {"type": ctype, "status": "True" if ctype == "Ready" else "False", "reason": reason, "message": msg,
             "lastHeartbeatTime": beat, "lastTransitionTime": since}
        c.update((cond or {}).get(ctype, {}))
        conds.append(c)
    cidr = pod_cidr or f"10.{ctx.rng.randint(64, 127)}.{ctx.rng.randint(0, 250)}.0/24"
    spec = clean({"podCIDR": cidr, "podCIDRs": [cidr], "providerID": provider, "taints": taints,
                  "unschedulable": unschedulable})
    boot = ctx.uid()
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": meta(ctx, name, created=created, labels=lab, annotations=annotations),
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": str(cpu), "ephemeral-storage": "101430960Ki", "memory": f"{cap_ki}Ki", "pods": "110"},
            "allocatable": {"cpu": f"{cpu * 1000 - 90 - 10 * cpu}m", "ephemeral-storage": "93478772582",
                            "memory": f"{alloc_ki}Ki", "pods": "110"},
            "conditions": conds,
            "nodeInfo": {"architecture": arch, "bootID": boot, "containerRuntimeVersion": f["runtime"],
                         "kernelVersion": f["kernel"], "kubeProxyVersion": f["kubelet"], "kubeletVersion": f["kubelet"],
                         "machineID": boot.replace("-", ""), "operatingSystem": "linux", "osImage": f["os"],
                         "systemUUID": ctx.uid()},
        },
    }


# ---------------------------------------------------------------- pod specs and statuses

def container(name: str, image: str, *, ports: list | None = None, env: list | None = None,
              env_from: list | None = None, args: list | None = None, command: list | None = None,
              resources: dict | None = None, readiness: dict | None = None, liveness: dict | None = None,
              startup: dict | None = None, mounts: list | None = None, pull: str = "IfNotPresent",
              security: dict | None = None) -> dict:
    return clean({"name": name, "image": image, "command": command, "args": args, "ports": ports,
                  "envFrom": env_from, "env": env, "resources": resources, "volumeMounts": mounts,
                  "livenessProbe": liveness, "readinessProbe": readiness, "startupProbe": startup,
                  "imagePullPolicy": pull, "securityContext": security})


def podspec(containers: list, *, sa: str | None = None, volumes: list | None = None, init: list | None = None,
            node_selector: dict | None = None, tolerations: list | None = None, affinity: dict | None = None,
            pull_secrets: list | None = None, security: dict | None = None, grace: int = 30,
            restart: str = "Always", priority_class: str | None = None) -> dict:
    return clean({"serviceAccountName": sa, "priorityClassName": priority_class, "initContainers": init,
                  "containers": containers, "volumes": volumes, "nodeSelector": node_selector,
                  "affinity": affinity, "tolerations": tolerations,
                  "imagePullSecrets": [{"name": s} for s in pull_secrets] if pull_secrets else None,
                  "securityContext": security, "restartPolicy": restart,
                  "terminationGracePeriodSeconds": grace if grace != 30 else None})


def running(ctx: Ctx, at: Any) -> dict:
    return {"running": {"startedAt": ctx.t(at)}}


def waiting(reason: str, message: str | None = None) -> dict:
    return {"waiting": clean({"reason": reason, "message": message})}


def terminated(ctx: Ctx, code: int, reason: str, started: Any, finished: Any, message: str | None = None) -> dict:
    return {"terminated": clean({"exitCode": code, "reason": reason, "message": message,
                                 "startedAt": ctx.t(started), "finishedAt": ctx.t(finished), "containerID": ctx.cid()})}


def cstatus(ctx: Ctx, c: dict, *, state: dict, ready: bool = True, restarts: int = 0, last: dict | None = None,
            started: bool | None = None, pulled: bool = True) -> dict:
    s = {"name": c["name"], "ready": ready, "started": started if started is not None else "running" in state,
         "restartCount": restarts, "image": c["image"]}
    if pulled:
        s["imageID"] = ctx.image_id(c["image"])
        if "waiting" not in state or restarts:
            s["containerID"] = ctx.cid()
    else:
        s["imageID"] = ""
    s["lastState"] = last or {}
    s["state"] = state
    return s


def qos(spec: dict) -> str:
    res = [c.get("resources") or {} for c in spec["containers"]]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    for r in res:
        lim, req = r.get("limits") or {}, r.get("requests") or lim
        if set(lim) != {"cpu", "memory"} or any(req.get(k) != lim.get(k) for k in lim):
            return "Burstable"
    return "Guaranteed"


def pod_status(ctx: Ctx, spec: dict, *, node_obj: dict | None, ip: str | None, phase: str, created: Any,
               statuses: list, ready_at: Any | None = None, init_statuses: list | None = None,
               scheduled: bool = True, pending_cond: dict | None = None) -> dict:
    if not scheduled:
        return {"phase": "Pending", "qosClass": qos(spec), "conditions": [pending_cond]}
    host_ip = node_obj["status"]["addresses"][0]["address"] if node_obj else None
    all_ready = bool(statuses) and all(s["ready"] for s in statuses)
    start = ctx.t(created)
    not_ready = [s["name"] for s in statuses if not s["ready"]]
    rt = ctx.t(ready_at) if ready_at is not None else start
    if all_ready:
        rc = {"type": "Ready", "status": "True", "lastTransitionTime": rt}
        cc = {"type": "ContainersReady", "status": "True", "lastTransitionTime": rt}
    else:
        msg = f"containers with unready status: [{' '.join(not_ready)}]"
        rc = {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": msg, "lastTransitionTime": rt}
        cc = {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": msg,
              "lastTransitionTime": rt}
    if phase in ("Succeeded", "Failed"):
        rc = {"type": "Ready", "status": "False", "reason": "PodCompleted" if phase == "Succeeded" else "PodFailed",
              "lastTransitionTime": rt}
        cc = dict(rc, type="ContainersReady")
    conds = [{"type": "Initialized", "status": "True", "lastTransitionTime": start}, rc, cc,
             {"type": "PodScheduled", "status": "True", "lastTransitionTime": start}]
    st = clean({"phase": phase, "qosClass": qos(spec), "hostIP": host_ip, "podIP": ip, "startTime": start, "conditions": conds,
                "initContainerStatuses": init_statuses, "containerStatuses": statuses})
    return st


def pod(ctx: Ctx, name: str, ns: str, spec: dict, *, labels: dict, owner: dict | None, node_obj: dict | None,
        created: Any, statuses: list, ip: str | None = None, phase: str = "Running", ready_at: Any | None = None,
        annotations: dict | None = None, init_statuses: list | None = None, scheduled: bool = True,
        pending_cond: dict | None = None, extra_meta: dict | None = None) -> dict:
    s = copy.deepcopy(spec)
    if node_obj is not None:
        s["nodeName"] = node_obj["metadata"]["name"]
    s.setdefault("tolerations", [])
    s["tolerations"] = s["tolerations"] + [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
    s.setdefault("serviceAccountName", "default")
    m = meta(ctx, name, ns=ns, created=created, labels=labels, annotations=annotations, owner=owner, extra=extra_meta)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": s,
            "status": pod_status(ctx, s, node_obj=node_obj, ip=ip, phase=phase, created=created, statuses=statuses,
                                 ready_at=ready_at, init_statuses=init_statuses, scheduled=scheduled,
                                 pending_cond=pending_cond)}


def healthy_statuses(ctx: Ctx, spec: dict, started: Any, restarts: int = 0, last: dict | None = None) -> list:
    return [cstatus(ctx, c, state=running(ctx, ctx.dt(started) + timedelta(seconds=3)), restarts=restarts, last=last)
            for c in spec["containers"]]
