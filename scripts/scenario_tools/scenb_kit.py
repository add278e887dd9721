"""Builders for hand-designed incident scenarios: API-shaped objects, noisy metrics, a compact YAML writer.

Each scenario script (scenb_<id>.py) describes one incident with these builders and writes
scenarios/<id>.yaml. Everything is deterministic: ids, hashes, IPs and noise derive from the
scenario id, so re-running a script reproduces its file byte for byte.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "scenarios"
ALNUM = "bcdfghjklmnpqrstvwxz2456789"
DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]

# ---------------------------------------------------------------- time and ids

_REL = re.compile(r"([+-]?)((?:\d+(?:\.\d+)?[dhms])+)$")


def parse_rel(text: str) -> timedelta:
    m = _REL.match(text)
    if not m:
        raise ValueError(f"not a relative time: {text!r}")
    total = 0.0
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)([dhms])", m.group(2)):
        total += float(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
    return timedelta(seconds=-total if m.group(1) == "-" else total)


def ago(d: float = 0, h: float = 0, m: float = 0, s: float = 0) -> str:
    """A relative time in seconds: ago(h=17, m=21, s=40) == "-62500s"."""
    return f"-{int(d * 86400 + h * 3600 + m * 60 + s)}s"


class Clock:
    """The scenario's `now` and conversions from relative times ("-35m", "-2d3h", "+20s")."""

    def __init__(self, now: str) -> None:
        self.now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        self.now_s = now

    def dt(self, when: str | datetime) -> datetime:
        if isinstance(when, datetime):
            return when
        if when[0] in "+-" or when[0].isdigit() and when[-1] in "dhms" and "T" not in when:
            return self.now + parse_rel(when)
        return datetime.fromisoformat(when.replace("Z", "+00:00"))

    def ts(self, when: str | datetime) -> str:
        return self.dt(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ms(self, when: str | datetime) -> str:
        d = self.dt(when).astimezone(timezone.utc)
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


class Ids:
    """Deterministic uids, hashes and digests keyed by a seed."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def h(self, *parts: object) -> bytes:
        return hashlib.sha256("\x1f".join([self.seed, *map(str, parts)]).encode()).digest()

    def uid(self, *parts: object) -> str:
        return str(uuid.UUID(bytes=self.h("uid", *parts)[:16], version=4))

    def alnum(self, n: int, *parts: object) -> str:
        raw = int.from_bytes(self.h("alnum", *parts), "big")
        out = []
        for _ in range(n):
            raw, r = divmod(raw, len(ALNUM))
            out.append(ALNUM[r])
        return "".join(out)

    def hexs(self, n: int, *parts: object) -> str:
        return (self.h("hex", *parts).hex() * 2)[:n]


def image_id(image: str) -> str:
    repo = image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image
    return f"{repo}@sha256:{hashlib.sha256(('img' + image).encode()).hexdigest()}"


def deep_merge(base: dict, patch: dict) -> dict:
    """Strategic-merge flavour used by the builders: dicts merge, lists of named dicts merge by name."""
    out = copy.deepcopy(base)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list) and v and all(
                isinstance(x, dict) and "name" in x for x in v) and all(
                isinstance(x, dict) and "name" in x for x in out[k]):
            merged = [copy.deepcopy(x) for x in out[k]]
            for item in v:
                for i, old in enumerate(merged):
                    if old["name"] == item["name"]:
                        merged[i] = deep_merge(old, item)
                        break
                else:
                    merged.append(copy.deepcopy(item))
            out[k] = merged
        else:
            out[k] = copy.deepcopy(v)
    return out


# ---------------------------------------------------------------- node flavours

def mem_ki(gib: float, *, overhead_ki: int = 0) -> str:
    return f"{int(gib * 1024 * 1024) - overhead_ki}Ki"


FLAVOURS: dict[str, dict[str, Any]] = {
    "eks": {"os": "Amazon Linux 2023.6.20241121", "kernel": "6.1.115-126.197.amzn2023.x86_64",
            "runtime": "containerd://1.7.23", "kubelet": "v1.31.2-eks-94953ac"},
    "gke": {"os": "Container-Optimized OS from Google", "kernel": "6.1.100+",
            "runtime": "containerd://1.7.22", "kubelet": "v1.31.1-gke.1678000"},
    "aks": {"os": "Ubuntu 22.04.5 LTS", "kernel": "5.15.0-1074-azure",
            "runtime": "containerd://1.7.22-1", "kubelet": "v1.30.5"},
    "kubeadm": {"os": "Ubuntu 22.04.4 LTS", "kernel": "5.15.0-125-generic",
                "runtime": "containerd://1.7.21", "kubelet": "v1.30.6"},
}


# ---------------------------------------------------------------- state helpers for containers

def running(since: str, *, ready: bool = True) -> dict:
    return {"_state": "running", "since": since, "ready": ready}


def crashloop(backoff: str = "5m0s") -> dict:
    return {"_state": "crashloop", "backoff": backoff}


def waiting(reason: str, message: str | None = None) -> dict:
    return {"_state": "waiting", "reason": reason, "message": message}


def terminated(start: str, end: str, *, code: int, reason: str, message: str | None = None) -> dict:
    return {"_state": "terminated", "start": start, "end": end, "code": code, "reason": reason,
            "message": message}


# ---------------------------------------------------------------- the scenario

class Scenario:
    """Collects objects, logs, metrics and truth for one incident and writes its YAML."""

    def __init__(self, sid: str, *, title: str, now: str, tags: list[str]) -> None:
        self.id = sid
        self.title = title
        self.tags = tags
        self.clock = Clock(now)
        self.ids = Ids(sid)
        self.rng = random.Random(sid)
        self.objects: list[dict] = []
        self.logs: list[dict] = []
        self.metrics: list[dict] = []
        self.traces: list[dict] = []
        self.recovery: list[dict] = []
        self.trigger: dict = {}
        self.truth: dict = {}
        self._ip_next: dict[str, int] = {}
        self.nodes: dict[str, dict] = {}
        self._index: dict[tuple, dict] = {}
        self._comments: dict[int, str] = {}

    # -- basics
    def ts(self, when: str) -> str:
        return self.clock.ts(when)

    def fmt(self, when: str | datetime, pattern: str, *, ms: int | None = None) -> str:
        """Format a time for a log line; %f becomes milliseconds (given or derived)."""
        d = self.clock.dt(when).astimezone(timezone.utc)
        if ms is None:
            ms = d.microsecond // 1000 if d.microsecond else int.from_bytes(self.ids.h("ms", d.isoformat(), pattern), "big") % 1000
        return d.strftime(pattern.replace("%f", f"{ms:03d}"))

    def ticks(self, start: str, end: str, every_s: float, *, jitter: float = 0.0) -> list[datetime]:
        a, b = self.clock.dt(start), self.clock.dt(end)
        out, t, k = [], a, 0
        while t <= b:
            j = (int.from_bytes(self.ids.h("j", start, k), "big") % 1000 / 1000 - 0.5) * jitter * every_s
            out.append(t + timedelta(seconds=j))
            k += 1
            t = a + timedelta(seconds=every_s * k)
        return out

    def add(self, obj: dict, comment: str | None = None) -> dict:
        if comment:
            self._comments[len(self.objects)] = comment
        self.objects.append(obj)
        m = obj["metadata"]
        self._index[(obj["kind"], m.get("namespace"), m["name"])] = obj
        return obj

    JITTER_KINDS = {"Node", "Service", "Endpoints", "Deployment", "StatefulSet", "DaemonSet", "ConfigMap", "Secret",
                    "HorizontalPodAutoscaler", "ResourceQuota", "LimitRange", "NetworkPolicy", "Namespace",
                    "StorageClass", "PersistentVolume", "CronJob", "ServiceAccount", "PodDisruptionBudget", "Ingress"}

    def _jitter(self, kind: str, name: str, created: str) -> datetime:
        """Old, independent objects get irregular creation times (a real cluster has no round numbers)."""
        d = self.clock.dt(created)
        if kind in self.JITTER_KINDS and isinstance(created, str) and created.startswith("-") and (self.clock.now - d).days >= 1:
            h = self.ids.h("jit", kind, name)
            d = d - timedelta(minutes=h[0] % 180, seconds=h[1] % 60)
        return d

    def get(self, kind: str, ns: str | None, name: str) -> dict:
        return self._index[(kind, ns, name)]

    def meta(self, kind: str, name: str, ns: str | None, *, created: str, labels: dict | None = None,
             annotations: dict | None = None, owner: dict | None = None, **extra: Any) -> dict:
        m: dict[str, Any] = {"name": name}
        if ns:
            m["namespace"] = ns
        m["uid"] = self.ids.uid(kind, ns, name)
        m["creationTimestamp"] = self.ts(self._jitter(kind, name, created))
        m.update(extra)
        if labels:
            m["labels"] = labels
        if annotations:
            m["annotations"] = annotations
        if owner:
            m["ownerReferences"] = [self.owner_ref(owner)]
        return m

    @staticmethod
    def owner_ref(owner: dict) -> dict:
        return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}

    # -- trigger
    def command(self, text: str, *, channel: str, user: str) -> None:
        self.trigger = {"command": text, "channel": channel, "user": user}

    def alert(self, *, labels: dict, summary: str, description: str, starts: str,
              channel: str | None = None, extra_annotations: dict | None = None) -> None:
        ann = {"summary": summary, "description": description, **(extra_annotations or {})}
        alert = {"status": "firing", "labels": labels, "annotations": ann, "startsAt": self.ts(starts),
                 "endsAt": "0001-01-01T00:00:00Z",
                 "generatorURL": f"http://prometheus.monitoring.svc:9090/graph?g0.expr=ALERTS%7Balertname%3D%22{labels['alertname']}%22%7D",
                 "fingerprint": self.ids.hexs(16, "alert")}
        self.trigger = {"alert": alert}
        if channel:
            self.trigger["channel"] = channel

    # -- nodes
    def node(self, name: str, *, flavour: str, zone: str, instance: str, cpu: int, mem_gib: float,
             ip: str, pod_cidr: str | None = None, created: str = "-60d", labels: dict | None = None,
             pool: str | None = None, taints: list | None = None, unschedulable: bool = False,
             conditions: dict | None = None, heartbeat: str | None = None, pods: int = 110,
             cpu_reserved_m: int = 90, mem_reserved_ki: int = 1_800_000, kubelet: str | None = None,
             add: bool = True, ready_since: str | None = None, region: str | None = None) -> dict:
        f = FLAVOURS[flavour]
        if region is None:
            region = zone.rsplit("-", 1)[0] if flavour in ("gke", "aks") else zone[:-1]
        lab = {"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
               "node.kubernetes.io/instance-type": instance, "topology.kubernetes.io/region": region,
               "topology.kubernetes.io/zone": zone}
        provider = None
        if flavour == "eks":
            lab.update({"eks.amazonaws.com/nodegroup": pool or "default", "eks.amazonaws.com/capacityType": "ON_DEMAND"})
            provider = f"aws:///{zone}/i-0{self.ids.hexs(16, 'i', name)}"
        elif flavour == "gke":
            lab.update({"cloud.google.com/gke-nodepool": pool or "default-pool", "cloud.google.com/gke-os-distribution": "cos",
                        "cloud.google.com/machine-family": instance.split("-")[0]})
            provider = f"gce://{self.id.split('-')[0]}-prod/{zone}/{name}"
        elif flavour == "aks":
            lab.update({"agentpool": pool or "userpool", "kubernetes.azure.com/agentpool": pool or "userpool",
                        "kubernetes.azure.com/mode": "user"})
            vmss = name.rsplit("vmss", 1)[0] + "vmss"
            idx = int(name.rsplit("vmss", 1)[1], 36) if "vmss" in name else 0
            provider = (f"azure:///subscriptions/{self.ids.uid('sub')}/resourceGroups/mc_prod_aks_{region}/providers/"
                        f"Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{idx}")
        lab.update(labels or {})
        spec: dict[str, Any] = {}
        if pod_cidr:
            spec.update({"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]})
        if provider:
            spec["providerID"] = provider
        if taints:
            spec["taints"] = taints
        if unschedulable:
            spec["unschedulable"] = True
        hb = self.ts(heartbeat or f"-{5 + self.ids.h('hb', name)[0] % 50}s")
        since = self.ts(ready_since or created)
        conds = {
            "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
        }
        overrides = conditions or {}
        clist = []
        for ctype, (st, reason, msg) in conds.items():
            o = overrides.get(ctype, {})
            clist.append({"type": ctype, "status": o.get("status", st), "reason": o.get("reason", reason),
                          "message": o.get("message", msg), "lastHeartbeatTime": self.ts(o["heartbeat"]) if "heartbeat" in o else hb,
                          "lastTransitionTime": self.ts(o["since"]) if "since" in o else since})
        cap_mem = mem_ki(mem_gib)
        alloc_mem = mem_ki(mem_gib, overhead_ki=mem_reserved_ki)
        node = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": self.meta("Node", name, None, created=created, labels=lab,
                                  annotations={"node.alpha.kubernetes.io/ttl": "0",
                                               "volumes.kubernetes.io/controller-managed-attach-detach": "true"}),
            "spec": spec,
            "status": {
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "capacity": {"cpu": str(cpu), "ephemeral-storage": "104845292Ki", "memory": cap_mem, "pods": str(pods)},
                "allocatable": {"cpu": f"{cpu * 1000 - cpu_reserved_m}m", "ephemeral-storage": "95551679124",
                                "memory": alloc_mem, "pods": str(pods)},
                "conditions": clist,
                "nodeInfo": {"architecture": "amd64", "bootID": self.ids.uid("boot", name),
                             "containerRuntimeVersion": f["runtime"], "kernelVersion": f["kernel"],
                             "kubeProxyVersion": kubelet or f["kubelet"], "kubeletVersion": kubelet or f["kubelet"],
                             "machineID": self.ids.hexs(32, "machine", name), "operatingSystem": "linux",
                             "osImage": f["os"], "systemUUID": self.ids.uid("sys", name)},
            },
        }
        node["_ip"] = ip
        node["_pod_base"] = pod_cidr.rsplit(".", 1)[0] if pod_cidr else None
        if add:
            self.add(node)
            self.nodes[name] = node
        return node

    def pod_ip(self, node: str) -> str:
        n = self.nodes[node]
        base = n["_pod_base"]
        if base is None:  # VPC-native CNI: pod IPs from the node's subnet
            a, b, c, d = n["_ip"].split(".")
            base = f"{a}.{b}.{c}"
            start = (int(d) * 7) % 150 + 20
        else:
            start = 4
        k = self._ip_next.get(node, start)
        self._ip_next[node] = k + 1 + self.rng.randint(0, 3)
        return f"{base}.{k % 250 + 2}"

    # -- workloads
    def deployment(self, ns: str, name: str, *, labels: dict, selector: dict, revisions: list[dict],
                   replicas: int, created: str, strategy: dict | None = None, status: dict | None = None,
                   generation: int | None = None, extra_annotations: dict | None = None,
                   progress_deadline: int = 600, add: bool = True) -> dict:
        """revisions: [{rev, created, template, cause, replicas?}], oldest first; the last is current."""
        cur = revisions[-1]
        ann = {"deployment.kubernetes.io/revision": str(cur["rev"])}
        if cur.get("cause"):
            ann["kubernetes.io/change-cause"] = cur["cause"]
        ann.update(extra_annotations or {})
        dep = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": self.meta("Deployment", name, ns, created=created, labels=labels, annotations=ann,
                                  generation=generation or cur["rev"] + 3),
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10, "progressDeadlineSeconds": progress_deadline,
                     "selector": {"matchLabels": selector},
                     "strategy": strategy or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": copy.deepcopy(cur["template"])},
            "status": status or {},
        }
        dep["_rs"] = []
        if add:
            self.add(dep)
        for r in revisions:
            rs = self.replicaset(dep, r, replicas=r.get("replicas", replicas if r is cur else 0), add=add)
            dep["_rs"].append(rs)
        return dep

    def template_hash(self, template: dict) -> str:
        key = json.dumps(template, sort_keys=True)
        return self.ids.alnum(10 if self.ids.h("len", key)[0] % 10 < 7 else 9, key)

    def replicaset(self, dep: dict, r: dict, *, replicas: int, add: bool = True) -> dict:
        h = r.get("hash") or self.template_hash(r["template"])
        name = f"{dep['metadata']['name']}-{h}"
        tmpl = copy.deepcopy(r["template"])
        tmpl["metadata"]["labels"] = {**tmpl["metadata"].get("labels", {}), "pod-template-hash": h}
        surge = dep["spec"]["strategy"].get("rollingUpdate", {}).get("maxSurge", "25%")
        dr = dep["spec"]["replicas"]
        extra = math.ceil(dr * int(surge[:-1]) / 100) if isinstance(surge, str) else int(surge)
        ann = {"deployment.kubernetes.io/desired-replicas": str(dr),
               "deployment.kubernetes.io/max-replicas": str(dr + extra),
               "deployment.kubernetes.io/revision": str(r["rev"])}
        if r.get("cause"):
            ann["kubernetes.io/change-cause"] = r["cause"]
        if r.get("history"):
            ann["deployment.kubernetes.io/revision-history"] = r["history"]
        rs = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": self.meta("ReplicaSet", name, dep["metadata"]["namespace"], created=r["created"],
                                  labels={**dep["spec"]["selector"]["matchLabels"], **{k: v for k, v in tmpl["metadata"]["labels"].items()}},
                                  annotations=ann, owner=dep, generation=r.get("generation", 2 if replicas == 0 else 1)),
            "spec": {"replicas": replicas,
                     "selector": {"matchLabels": {**dep["spec"]["selector"]["matchLabels"], "pod-template-hash": h}},
                     "template": tmpl},
            "status": {"replicas": 0, "observedGeneration": r.get("generation", 2 if replicas == 0 else 1)},
        }
        rs["_hash"] = h
        rs["_rev"] = r["rev"]
        if add:
            self.add(rs)
        return rs

    def statefulset(self, ns: str, name: str, *, labels: dict, selector: dict, template: dict, replicas: int,
                    created: str, service: str, claims: list | None = None, revision: str | None = None,
                    status: dict | None = None, add: bool = True) -> dict:
        rev = revision or f"{name}-{self.ids.alnum(10, 'sts', name)}"
        sts = {
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": self.meta("StatefulSet", name, ns, created=created, labels=labels, generation=4),
            "spec": {"replicas": replicas, "serviceName": service, "podManagementPolicy": "OrderedReady",
                     "selector": {"matchLabels": selector}, "template": copy.deepcopy(template),
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                     "revisionHistoryLimit": 10},
            "status": status or {},
        }
        if claims:
            sts["spec"]["volumeClaimTemplates"] = claims
            sts["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Retain", "whenScaled": "Retain"}
        sts["_rev"] = rev
        if add:
            self.add(sts)
        return sts

    def daemonset(self, ns: str, name: str, *, labels: dict, template: dict, created: str,
                  status: dict, add: bool = True, generation: int = 1) -> dict:
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
              "metadata": self.meta("DaemonSet", name, ns, created=created, labels=labels,
                                    annotations={"deprecated.daemonset.template.generation": str(generation)},
                                    generation=generation),
              "spec": {"selector": {"matchLabels": template["metadata"]["labels"]}, "template": copy.deepcopy(template),
                       "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                       "revisionHistoryLimit": 10},
              "status": status}
        ds["_rev"] = self.ids.alnum(10, "ds", name)
        if add:
            self.add(ds)
        return ds

    def pod(self, owner: dict, *, node: str | None, created: str, states: dict[str, dict],
            restarts: dict[str, int] | None = None, last: dict[str, dict] | None = None,
            name: str | None = None, phase: str | None = None, pending_message: str | None = None,
            ip: str | None = None, add: bool = True, deleting: str | None = None,
            init_states: dict[str, dict] | None = None, status_extra: dict | None = None,
            conditions_extra: list | None = None, ready_since: str | None = None) -> dict:
        kind = owner["kind"]
        ns = owner["metadata"]["namespace"]
        tmpl = owner["spec"]["template"]
        labels = dict(tmpl["metadata"].get("labels", {}))
        if kind == "ReplicaSet":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'pod', owner['metadata']['name'], created, node, len(self.objects))}"
        elif kind == "StatefulSet":
            labels.update({"apps.kubernetes.io/pod-index": name.rsplit("-", 1)[1],
                           "controller-revision-hash": owner["_rev"], "statefulset.kubernetes.io/pod-name": name})
        elif kind == "DaemonSet":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'ds', owner['metadata']['name'], node)}"
            labels.update({"controller-revision-hash": owner["_rev"], "pod-template-generation": "1"})
        elif kind == "Job":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'job', owner['metadata']['name'], created)}"
            labels.update({"batch.kubernetes.io/controller-uid": owner["metadata"]["uid"],
                           "batch.kubernetes.io/job-name": owner["metadata"]["name"],
                           "controller-uid": owner["metadata"]["uid"], "job-name": owner["metadata"]["name"]})
        spec = copy.deepcopy(tmpl["spec"])
        spec.setdefault("restartPolicy", "Always")
        spec.setdefault("dnsPolicy", "ClusterFirst")
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("terminationGracePeriodSeconds", 30)
        tol = list(spec.get("tolerations", []))
        if kind == "DaemonSet":
            tol += [{"key": k, "operator": "Exists", "effect": e} for k, e in (
                ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
                ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"))]
        else:
            tol += DEFAULT_TOLERATIONS
        spec["tolerations"] = tol
        if node:
            spec["nodeName"] = node
        meta = self.meta("Pod", name, ns, created=created, labels=labels, owner=owner,
                         annotations=tmpl["metadata"].get("annotations"))
        if deleting:
            meta["deletionTimestamp"] = self.ts(deleting)
            meta["deletionGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"]
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        pod["status"] = self._pod_status(pod, node=node, created=created, states=states, restarts=restarts or {},
                                         last=last or {}, phase=phase, pending_message=pending_message, ip=ip,
                                         init_states=init_states or {}, ready_since=ready_since)
        if status_extra:
            pod["status"].update(status_extra)
        if conditions_extra:
            pod["status"]["conditions"] = conditions_extra + pod["status"]["conditions"]
        if add:
            self.add(pod)
        return pod

    def _cstatus(self, pod: dict, c: dict, st: dict, restarts: int, last: dict | None, *, init: bool = False) -> dict:
        name = c["name"]
        pname, ns, uid = pod["metadata"]["name"], pod["metadata"]["namespace"], pod["metadata"]["uid"]
        cs: dict[str, Any] = {"name": name, "image": c["image"], "imageID": image_id(c["image"])}
        kind = st["_state"]
        if kind == "running":
            cs["state"] = {"running": {"startedAt": self.ts(st["since"])}}
            cs["ready"] = st["ready"]
            cs["started"] = True
        elif kind == "crashloop":
            cs["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                       "message": f"back-off {st['backoff']} restarting failed container={name} pod={pname}_{ns}({uid})"}}
            cs["ready"] = False
            cs["started"] = False
        elif kind == "waiting":
            w = {"reason": st["reason"]}
            if st.get("message"):
                w["message"] = st["message"]
            cs["state"] = {"waiting": w}
            cs["ready"] = False
            cs["started"] = False
        elif kind == "terminated":
            t = {"exitCode": st["code"], "reason": st["reason"], "startedAt": self.ts(st["start"]),
                 "finishedAt": self.ts(st["end"]), "containerID": f"containerd://{self.ids.hexs(64, 'cid', pname, name, st['end'])}"}
            if st.get("message"):
                t["message"] = st["message"]
            cs["state"] = {"terminated": t}
            cs["ready"] = False
            cs["started"] = False
        if kind in ("running", "terminated"):
            cs["containerID"] = f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts)}"
        elif last:
            cs["containerID"] = f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts)}"
        cs["restartCount"] = restarts
        if last:
            t = {"exitCode": last["code"], "reason": last["reason"], "startedAt": self.ts(last["start"]),
                 "finishedAt": self.ts(last["end"]), "containerID": f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts - 1)}"}
            if last.get("message"):
                t["message"] = last["message"]
            cs["lastState"] = {"terminated": t}
        else:
            cs["lastState"] = {}
        if kind == "waiting" and st.get("reason") in ("ContainerCreating", "PodInitializing"):
            cs.pop("imageID", None)
            cs["image"] = c["image"]
        return dict(sorted(cs.items(), key=lambda kv: ["name", "state", "lastState", "ready", "restartCount",
                                                        "image", "imageID", "containerID", "started"].index(kv[0])))

    def _pod_status(self, pod: dict, *, node: str | None, created: str, states: dict, restarts: dict, last: dict,
                    phase: str | None, pending_message: str | None, ip: str | None, init_states: dict,
                    ready_since: str | None) -> dict:
        spec = pod["spec"]
        cts = self.ts(created)
        if node is None:
            return {"phase": "Pending", "qosClass": qos_class(spec),
                    "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                    "message": pending_message or "", "lastProbeTime": None,
                                    "lastTransitionTime": cts}]}
        statuses = [self._cstatus(pod, c, states[c["name"]], restarts.get(c["name"], 0), last.get(c["name"]))
                    for c in spec["containers"]]
        all_ready = all(s["ready"] for s in statuses)
        any_running = any("running" in s["state"] for s in statuses)
        if phase is None:
            phase = "Running" if any_running or any(r for r in restarts.values()) else "Pending"
        sched = self.dt_after(created, 1)
        rt = self.ts(ready_since) if ready_since else self._ready_time(statuses, created)
        conds = [
            {"type": "PodReadyToStartContainers", "status": "True" if phase != "Pending" or any_running else "False", "lastProbeTime": None, "lastTransitionTime": self.dt_after(created, 2)},
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": self.dt_after(created, 1)},
            {"type": "Ready", "status": "True" if all_ready else "False", "lastProbeTime": None, "lastTransitionTime": rt},
            {"type": "ContainersReady", "status": "True" if all_ready else "False", "lastProbeTime": None, "lastTransitionTime": rt},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": sched},
        ]
        if not all_ready:
            bad = [s["name"] for s in statuses if not s["ready"]]
            for c in conds[2:4]:
                c["reason"] = "ContainersNotReady"
                c["message"] = f"containers with unready status: [{' '.join(bad)}]"
        nodeobj = self.nodes.get(node)
        host_ip = nodeobj["_ip"] if nodeobj else None
        if spec.get("hostNetwork"):
            ip = host_ip
        ip = ip or self.pod_ip(node)
        st: dict[str, Any] = {"phase": phase, "conditions": conds, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
                              "podIP": ip, "podIPs": [{"ip": ip}], "startTime": cts, "qosClass": qos_class(spec)}
        if init_states:
            st["initContainerStatuses"] = [self._cstatus(pod, c, init_states[c["name"]], 0, None, init=True)
                                           for c in spec.get("initContainers", [])]
        st["containerStatuses"] = statuses
        return st

    def dt_after(self, created: str, seconds: int) -> str:
        return self.clock.ts(self.clock.dt(created) + timedelta(seconds=seconds))

    def _ready_time(self, statuses: list, created: str) -> str:
        starts = [s["state"]["running"]["startedAt"] for s in statuses if "running" in s["state"]]
        if starts and all(s["ready"] for s in statuses):
            return self.clock.ts(self.clock.dt(max(starts)) + timedelta(seconds=self.rng.randint(6, 14)))
        fins = [s["lastState"]["terminated"]["finishedAt"] for s in statuses if s.get("lastState")]
        return max(fins) if fins else (max(starts) if starts else self.dt_after(created, 2))

    def finish_workloads(self) -> None:
        """Fill ReplicaSet/Deployment/StatefulSet/DaemonSet status from the pods that exist."""
        pods = [o for o in self.objects if o["kind"] == "Pod"]

        def owned(obj: dict) -> list[dict]:
            uid = obj["metadata"]["uid"]
            return [p for p in pods if any(r["uid"] == uid for r in p["metadata"].get("ownerReferences", []))
                    and p["status"]["phase"] in ("Running", "Pending") and "deletionTimestamp" not in p["metadata"]]

        def ready(p: dict) -> bool:
            return any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))

        for obj in self.objects:
            if obj["kind"] == "ReplicaSet":
                ps = owned(obj)
                st = obj["status"]
                if ps or st.get("replicas"):
                    nready = sum(ready(p) for p in ps)
                    st.update({"replicas": len(ps), "fullyLabeledReplicas": len(ps)})
                    if nready:
                        st.update({"readyReplicas": nready, "availableReplicas": nready})
                else:
                    st["replicas"] = 0
        for obj in self.objects:
            if obj["kind"] == "Deployment" and not obj["status"]:
                rss = obj["_rs"]
                allp = [p for rs in rss for p in owned(rs)]
                newp = owned(rss[-1])
                nready = sum(ready(p) for p in allp)
                obj["status"] = {"observedGeneration": obj["metadata"]["generation"], "replicas": len(allp),
                                 "updatedReplicas": len(newp), "readyReplicas": nready, "availableReplicas": nready}
                if len(allp) - nready > 0:
                    obj["status"]["unavailableReplicas"] = max(0, obj["spec"]["replicas"] - nready)
                if not nready:
                    obj["status"].pop("readyReplicas")
                    obj["status"].pop("availableReplicas")
            elif obj["kind"] == "StatefulSet" and not obj["status"]:
                ps = owned(obj)
                nready = sum(ready(p) for p in ps)
                obj["status"] = {"observedGeneration": obj["metadata"]["generation"], "replicas": len(ps),
                                 "readyReplicas": nready, "currentReplicas": len(ps), "updatedReplicas": len(ps),
                                 "availableReplicas": nready, "currentRevision": obj["_rev"], "updateRevision": obj["_rev"],
                                 "collisionCount": 0}

    # -- services
    def service(self, ns: str, name: str, *, selector: dict | None, ports: list[dict], created: str,
                cluster_ip: str, labels: dict | None = None, pods: Iterable[dict] = (), headless: bool = False,
                svc_type: str = "ClusterIP", annotations: dict | None = None, endpoints: bool = True,
                add: bool = True) -> tuple[dict, dict | None]:
        spec: dict[str, Any] = {"type": svc_type, "clusterIP": "None" if headless else cluster_ip,
                                "clusterIPs": ["None" if headless else cluster_ip], "ipFamilies": ["IPv4"],
                                "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
                                "sessionAffinity": "None", "ports": ports}
        if selector is not None:
            spec["selector"] = selector
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": self.meta("Service", name, ns, created=created, labels=labels or {}, annotations=annotations),
               "spec": spec, "status": {"loadBalancer": {}}}
        if add:
            self.add(svc)
        ep = None
        if endpoints:
            ep = self.endpoints(svc, pods, created=created, add=add)
        return svc, ep

    def endpoints(self, svc: dict, pods: Iterable[dict], *, created: str, add: bool = True) -> dict:
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        ready, notready = [], []
        for p in pods:
            if p["status"]["phase"] != "Running" or "deletionTimestamp" in p["metadata"]:
                continue
            addr = {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                    "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}}
            ok = any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"]["conditions"])
            (ready if ok else notready).append(addr)
        ports = []
        cont_ports = {}
        for p in pods:
            for c in p["spec"]["containers"]:
                for cp in c.get("ports", []):
                    if "name" in cp:
                        cont_ports[cp["name"]] = cp["containerPort"]
        for sp in svc["spec"]["ports"]:
            tp = sp.get("targetPort", sp["port"])
            port = cont_ports.get(tp, tp) if isinstance(tp, str) else tp
            if isinstance(port, str):
                continue
            e = {"port": port, "protocol": sp.get("protocol", "TCP")}
            if "name" in sp:
                e = {"name": sp["name"], **e}
            ports.append(e)
        subset: dict[str, Any] = {}
        if ready:
            subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
        if notready:
            subset["notReadyAddresses"] = sorted(notready, key=lambda a: a["ip"])
        labels = dict(svc["metadata"].get("labels") or {})
        if svc["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        ep = {"apiVersion": "v1", "kind": "Endpoints",
              "metadata": self.meta("Endpoints", name, ns, created=created, labels=labels or None,
                                    annotations={"endpoints.kubernetes.io/last-change-trigger-time": self.ts("-1m")} if notready else None),
              "subsets": [dict(subset, ports=ports)] if subset else []}
        if add:
            self.add(ep)
        return ep

    # -- events
    def event(self, obj: dict, reason: str, message: str, *, first: str, last: str | None = None, count: int = 1,
              type: str = "Normal", component: str = "kubelet", host: str | None = None,
              field_path: str | None = None, add: bool = True) -> dict:
        kind = obj["kind"]
        ns = obj["metadata"].get("namespace") or "default"
        name = obj["metadata"]["name"]
        ft = self.clock.dt(first)
        nanos = int(ft.timestamp() * 1e9) + int.from_bytes(self.ids.h("ev", name, reason, first, message)[:3], "big")
        inv: dict[str, Any] = {"kind": kind, "name": name}
        if kind != "Node":
            inv = {"apiVersion": obj["apiVersion"], "kind": kind, "name": name, "namespace": ns,
                   "uid": obj["metadata"]["uid"]}
            if obj["metadata"].get("resourceVersion"):
                inv["resourceVersion"] = obj["metadata"]["resourceVersion"]
        else:
            inv["uid"] = name
        if field_path:
            inv["fieldPath"] = field_path
        if component == "kubelet" and host is None and kind == "Pod":
            host = obj["spec"].get("nodeName")
        if component == "kubelet" and host is None and kind == "Node":
            host = name
        src: dict[str, Any] = {"component": component}
        if host:
            src["host"] = host
        evname = f"{name}.{nanos:x}"
        ev = {"apiVersion": "v1", "kind": "Event",
              "metadata": {"name": evname, "namespace": ns, "uid": self.ids.uid("ev", evname),
                           "creationTimestamp": self.ts(first)},
              "involvedObject": inv, "reason": reason, "message": message, "type": type, "count": count,
              "firstTimestamp": self.ts(first), "lastTimestamp": self.ts(last or first), "source": src}
        if add:
            self.add(ev)
        return ev

    def container_events(self, pod: dict, container: str, *, at: str, pulled: str = "present",
                         pull_s: float = 1.8, size: int = 48_000_000) -> None:
        """Scheduled / Pulling / Pulled / Created / Started for one start of a container."""
        img = next(c["image"] for c in pod["spec"]["containers"] + pod["spec"].get("initContainers", [])
                   if c["name"] == container)
        fp = f"spec.containers{{{container}}}"
        if pulled == "present":
            self.event(pod, "Pulled", f"Container image \"{img}\" already present on machine", first=at, field_path=fp)
        else:
            self.event(pod, "Pulling", f"Pulling image \"{img}\"", first=at, field_path=fp)
            self.event(pod, "Pulled", f"Successfully pulled image \"{img}\" in {pull_s:.3f}s ({pull_s + 0.2:.3f}s including waiting). Image size: {size} bytes.",
                       first=self.dt_after(at, int(pull_s) + 1), field_path=fp)
        self.event(pod, "Created", f"Created container: {container}", first=self.dt_after(at, int(pull_s) + 1), field_path=fp)
        self.event(pod, "Started", f"Started container {container}", first=self.dt_after(at, int(pull_s) + 2), field_path=fp)

    # -- logs, metrics, traces
    def log(self, pod: dict | str, lines: list[str], *, ns: str | None = None, container: str | None = None,
            previous: bool = False, repeat: int | None = None, at: str | None = None, every: str | None = None) -> dict:
        if isinstance(pod, dict):
            ns, pname = pod["metadata"]["namespace"], pod["metadata"]["name"]
        else:
            pname = pod
        b: dict[str, Any] = {"namespace": ns, "pod": pname}
        if container:
            b["container"] = container
        if previous:
            b["previous"] = True
        if at:
            b["at"] = at
        if every:
            b["every"] = every
        if repeat:
            b["repeat"] = repeat
        b["lines"] = lines
        self.logs.append(b)
        return b

    def series(self, labels: dict, values: list, *, start: str, step: str, add: bool = True) -> dict:
        s = {"labels": labels, "start": start, "step": step, "values": [clean_num(v) for v in values]}
        if add:
            self.metrics.append(s)
        return s

    def noise(self, key: object, n: int) -> list[float]:
        r = random.Random(self.ids.h("noise", json.dumps(key, sort_keys=True, default=str)))
        return [r.gauss(0, 1) for _ in range(n)]

    def trace(self, trace_id: str, spans: list[dict], *, at: str, repeat: int | None = None,
              every: str | None = None) -> None:
        t: dict[str, Any] = {"trace_id": trace_id}
        if repeat:
            t["repeat"] = repeat
        if every:
            t["every"] = every
        t["at"] = at
        t["spans"] = spans
        self.traces.append(t)

    # -- generic objects and shortcuts
    def obj(self, api: str, kind: str, name: str, ns: str | None, *, created: str, labels: dict | None = None,
            annotations: dict | None = None, owner: dict | None = None, add: bool = True, comment: str | None = None,
            meta_extra: dict | None = None, **body: Any) -> dict:
        o = {"apiVersion": api, "kind": kind,
             "metadata": self.meta(kind, name, ns, created=created, labels=labels, annotations=annotations, owner=owner,
                                   **(meta_extra or {}))}
        o.update(body)
        if add:
            self.add(o, comment)
        return o

    def app(self, ns: str, name: str, image: str, *, nodes: list[str], created: str, port: int = 8080,
            labels: dict | None = None, rev: int = 3, rev_created: str | None = None, cause: str | None = None,
            env: list | None = None, resources: dict | None = None, probe: str | None = "/healthz",
            cluster_ip: str, svc_port: int | None = None, team: str | None = None, pod_created: str | None = None,
            extra_spec: dict | None = None, container_extra: dict | None = None, service: bool = True,
            pod_overrides: dict | None = None, svc_labels: dict | None = None) -> dict:
        """A healthy neighbour: Deployment, one ReplicaSet, Running pods, Service, Endpoints."""
        sel = labels or {"app": name}
        c = container(name, image, ports=[{"name": "http", "containerPort": port, "protocol": "TCP"}],
                      **({"env": env} if env else {}), resources=resources or res("100m", "128Mi", None, "256Mi"),
                      **({"readinessProbe": http_probe(probe, "http", period=10, timeout=2)} if probe else {}),
                      **(container_extra or {}))
        t = template(dict(sel), [c], **(extra_spec or {}))
        rc = rev_created or created
        dep = self.deployment(ns, name, labels={**sel, **({"team": team} if team else {})}, selector=sel,
                              revisions=[{"rev": rev, "created": rc, "template": t, "cause": cause}],
                              replicas=len(nodes), created=created)
        pcs = pod_created if isinstance(pod_created, list) else [self.dt_after(pod_created or rc, 2 * i) for i in range(len(nodes))]
        pods = []
        for i, n in enumerate(nodes):
            ov = dict((pod_overrides or {}).get(i, {}))
            started = ov.pop("started", None) or self.dt_after(pcs[i], 3 + i % 3)
            pods.append(self.pod(dep["_rs"][0], node=n, created=pcs[i], states={name: running(started)}, **ov))
        dep["_pods"] = pods
        if service:
            svc, ep = self.service(ns, name, selector=sel, ports=[{"name": "http", "port": svc_port or port, "targetPort": "http", "protocol": "TCP"}],
                                   created=created, cluster_ip=cluster_ip, labels=svc_labels or sel, pods=pods)
            dep["_svc"] = svc
        return dep

    def recover_deployment(self, dep: dict, *, template: dict, nodes: list[str], cause: str | None, start: str = "+20s",
                           reuse_rs: dict | None = None, svc: dict | None = None, every_s: int = 20,
                           extra_pods: list[dict] | None = None) -> dict:
        """Objects after a fixing rollout: the Deployment on a new (or re-used) ReplicaSet with Ready pods."""
        ns, name = dep["metadata"]["namespace"], dep["metadata"]["name"]
        cur = int(dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
        d = copy.deepcopy(strip_private(dep))
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(cur + 1)
        if cause:
            d["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause
        else:
            d["metadata"]["annotations"].pop("kubernetes.io/change-cause", None)
        d["metadata"]["generation"] = dep["metadata"]["generation"] + 1
        d["spec"]["template"] = copy.deepcopy(template)
        if reuse_rs is not None:
            rs = copy.deepcopy(strip_private(reuse_rs))
            hist = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(cur + 1)
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] = hist
            rs["metadata"]["generation"] = rs["metadata"].get("generation", 1) + 1
            rs["_hash"] = reuse_rs["_hash"]
        else:
            rs = self.replicaset(dep, {"rev": cur + 1, "created": start, "template": template, "cause": cause},
                                 replicas=dep["spec"]["replicas"], add=False)
        rs["spec"]["replicas"] = dep["spec"]["replicas"]
        owner = dict(rs, apiVersion="apps/v1", kind="ReplicaSet")
        pods = []
        for i, n in enumerate(nodes):
            at = self.clock.ts(self.clock.dt(start) + timedelta(seconds=2 + every_s * i))
            pods.append(self.pod(owner, node=n, created=at, states={c["name"]: running(self.dt_after(at, 3)) for c in template["spec"]["containers"]},
                                 add=False, name=f"{rs['metadata']['name']}-{self.ids.alnum(5, 'rpod', name, i)}"))
        nready = len(pods)
        rs["status"] = {"replicas": nready, "fullyLabeledReplicas": nready, "readyReplicas": nready,
                        "availableReplicas": nready, "observedGeneration": rs["metadata"].get("generation", 1)}
        d["status"] = {"observedGeneration": d["metadata"]["generation"], "replicas": nready, "updatedReplicas": nready,
                       "readyReplicas": nready, "availableReplicas": nready,
                       "conditions": [
                           {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                            "message": "Deployment has minimum availability.", "lastUpdateTime": self.ts(start),
                            "lastTransitionTime": self.ts(start)},
                           {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                            "message": f"ReplicaSet \"{rs['metadata']['name']}\" has successfully progressed.",
                            "lastUpdateTime": self.dt_after(start, 5 + every_s * len(nodes)), "lastTransitionTime": self.ts(start)}]}
        upsert = [d, rs]
        for old in dep["_rs"]:
            if reuse_rs is not None and old["metadata"]["name"] == reuse_rs["metadata"]["name"]:
                continue
            if old["spec"]["replicas"] or old["status"].get("replicas"):
                o = copy.deepcopy(strip_private(old))
                o["spec"]["replicas"] = 0
                o["status"] = {"replicas": 0, "observedGeneration": o["metadata"].get("generation", 1) + 1}
                o["metadata"]["generation"] = o["metadata"].get("generation", 1) + 1
                upsert.append(o)
        upsert += pods
        old_pods = [o for o in self.objects if o["kind"] == "Pod" and o["metadata"]["namespace"] == ns and any(
            r["name"] in {x["metadata"]["name"] for x in dep["_rs"]} for r in o["metadata"].get("ownerReferences", []))]
        if svc is not None:
            upsert.append(self.endpoints(svc, pods + (extra_pods or []), created=svc["metadata"]["creationTimestamp"], add=False))
        return {"upsert": upsert, "delete": [{"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"]} for p in old_pods],
                "pods": pods}

    # -- output
    def doc(self) -> dict:
        self.finish_workloads()
        d: dict[str, Any] = {"format": 1, "id": self.id, "title": self.title, "tags": self.tags,
                             "now": self.clock.now_s, "trigger": self.trigger,
                             "cluster": {"objects": [strip_private(o) for o in self.objects], "logs": self.logs}}
        if self.metrics:
            d["metrics"] = self.metrics
        if self.traces:
            d["traces"] = self.traces
        if self.recovery:
            d["recovery"] = [strip_private(r) for r in self.recovery]
        d["truth"] = self.truth
        return d

    def write(self) -> Path:
        d = self.doc()
        text = dump(d, comments={id(d["cluster"]["objects"][i]): c for i, c in self._comments.items()},
                    flow_kinds=getattr(self, "flow_kinds", None))
        back = yaml.safe_load(text)
        if strip_notes(back) != strip_notes(json.loads(json.dumps(d))):
            raise SystemExit(f"{self.id}: YAML round trip changed the data")
        path = OUT_DIR / f"{self.id}.yaml"
        path.write_text(text)
        return path


def strip_private(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: strip_private(v) for k, v in o.items() if not (k.startswith("_") and not k.startswith("__"))}
    if isinstance(o, list):
        return [strip_private(x) for x in o]
    return o


def strip_notes(d: dict) -> dict:
    d = copy.deepcopy(d)
    d.get("truth", {}).pop("notes", None)
    return d


def qos_class(spec: dict) -> str:
    cs = spec["containers"]
    req = [c.get("resources", {}).get("requests", {}) for c in cs]
    lim = [c.get("resources", {}).get("limits", {}) for c in cs]
    if not any(req) and not any(lim):
        return "BestEffort"
    if all(l.get("cpu") and l.get("memory") and (not r or (r.get("cpu") == l["cpu"] and r.get("memory") == l["memory"]))
           for r, l in zip(req, lim)):
        return "Guaranteed"
    return "Burstable"


def clean_num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return int(v)
        return float(f"{v:.6g}") if abs(v) < 1e6 else round(v, 2)
    return v


# ---------------------------------------------------------------- metric shapes

def counter(sc: Scenario, key: object, rates: list[float], *, start_value: float, noise: float = 0.06,
            resets: Iterable[int] = (), integer: bool = True) -> list[float]:
    """A cumulative counter: rates[i] is the increase during step i (before noise)."""
    nz = sc.noise(("c", key), len(rates))
    out, v = [], start_value
    reset_at = set(resets)
    for i, r in enumerate(rates):
        if i in reset_at:
            v = 0.0
        inc = max(0.0, r * (1 + noise * nz[i]))
        v += inc
        out.append(round(v) if integer else round(v, 3))
    return out


def gauge(sc: Scenario, key: object, levels: list[float], *, noise: float = 0.03, integer: bool = True,
          floor: float | None = 0.0) -> list[float]:
    nz = sc.noise(("g", key), len(levels))
    out = []
    for lv, z in zip(levels, nz):
        if lv is None:
            out.append(None)
            continue
        x = lv * (1 + noise * z)
        if floor is not None:
            x = max(floor, x)
        out.append(round(x) if integer else round(x, 4))
    return out


def piecewise(n: int, points: list[tuple[int, float]]) -> list[float]:
    """Linear interpolation through (index, value) points; flat beyond the ends."""
    pts = sorted(points)
    out = []
    for i in range(n):
        if i <= pts[0][0]:
            out.append(pts[0][1])
            continue
        if i >= pts[-1][0]:
            out.append(pts[-1][1])
            continue
        for (a, va), (b, vb) in zip(pts, pts[1:]):
            if a <= i <= b:
                out.append(va + (vb - va) * (i - a) / (b - a) if b > a else vb)
                break
    return out


def steps(n: int, changes: list[tuple[int, float]]) -> list[float]:
    """A step function: value changes at the given indexes."""
    out, cur = [], changes[0][1]
    ch = dict(changes)
    for i in range(n):
        cur = ch.get(i, cur)
        out.append(cur)
    return out


def histogram(sc: Scenario, name: str, labels: dict, *, n: int, start: str, step: str, rps: list[float],
              median_s: list[float], sigma: float = 0.55, buckets: tuple = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
              start_count: int = 0, add: bool = True, step_s: int = 60, tail: list[float] | None = None) -> list[dict]:
    """Prometheus histogram series (_bucket per le, _sum, _count) from per-step rate and lognormal latency.

    tail: optional per-step share of requests that land in a slow mode at ~10x the median.
    """
    nz = sc.noise(("h", name, labels), n)
    counts = [max(0.0, rps[i] * step_s * (1 + 0.05 * nz[i])) for i in range(n)]
    cum_b = {le: float(start_count) * _lognorm_cdf(le, median_s[0], sigma) for le in buckets}
    cum_inf = float(start_count)
    cum_sum = start_count * median_s[0] * math.exp(sigma * sigma / 2)
    rows: dict[str, list] = {str(le): [] for le in buckets}
    rows["+Inf"], sums, cnts = [], [], []
    for i in range(n):
        c, med = counts[i], median_s[i]
        t = tail[i] if tail else 0.0
        for le in buckets:
            frac = (1 - t) * _lognorm_cdf(le, med, sigma) + t * _lognorm_cdf(le, med * 10, sigma)
            cum_b[le] += c * frac
            rows[str(le)].append(round(cum_b[le]))
        cum_inf += c
        rows["+Inf"].append(round(cum_inf))
        cum_sum += c * med * math.exp(sigma * sigma / 2) * (1 - t + 10 * t)
        sums.append(round(cum_sum, 2))
        cnts.append(round(cum_inf))
    out = []
    for le_s, vals in rows.items():
        le_lab = le_s if le_s == "+Inf" else _fmt_le(float(le_s))
        out.append(sc.series({"__name__": f"{name}_bucket", **labels, "le": le_lab}, vals, start=start, step=step, add=add))
    out.append(sc.series({"__name__": f"{name}_sum", **labels}, sums, start=start, step=step, add=add))
    out.append(sc.series({"__name__": f"{name}_count", **labels}, cnts, start=start, step=step, add=add))
    return out


def _fmt_le(x: float) -> str:
    return str(int(x)) if x == int(x) and x >= 1 else repr(x)


def _lognorm_cdf(x: float, median: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf((math.log(x) - math.log(median)) / (sigma * math.sqrt(2))))


# ---------------------------------------------------------------- YAML writer

_PLAIN_OK: dict[str, bool] = {}
_FLOW_CHARS = set(",[]{}#&*!|>'\"%@`")


def scalar(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = repr(v)
        if "e" in s:
            mant, exp = s.split("e")
            if "." not in mant:
                mant += ".0"
            if exp[0] not in "+-":
                exp = "+" + exp
            s = f"{mant}e{exp}"
        return s
    s = str(v)
    if _plain(s):
        return s
    return json.dumps(s)


_SIMPLE = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def _plain(s: str) -> bool:
    if s in _PLAIN_OK:
        return _PLAIN_OK[s]
    if _SIMPLE.match(s) and s.lower() not in _RESERVED:
        _PLAIN_OK[s] = True
        return True
    ok = bool(s) and s == s.strip() and not (set(s) & _FLOW_CHARS) and ": " not in s and " #" not in s \
        and not s.startswith(("-", "?", ":", "~")) and "\n" not in s and not s.endswith(":")
    if ok:
        try:
            ok = yaml.safe_load(f"k: {s}") == {"k": s} and yaml.safe_load(f"{{k: {s}}}") == {"k": s} \
                and yaml.safe_load(f"[{s}]") == [s]
        except yaml.YAMLError:
            ok = False
    _PLAIN_OK[s] = ok
    return ok


def flow(v: Any) -> str:
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{" + ", ".join(f"{scalar(k)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


FORCE_FLOW = {"values", "labels", "matchLabels", "tags", "nodeInfo"}
FORCE_BLOCK = {"lines", "objects", "logs", "metrics", "recovery", "upsert", "evidence", "containers",
               "initContainers", "containerStatuses", "initContainerStatuses", "subsets", "spans", "accepted",
               "forbidden", "checks", "when", "aliases", "traces", "rules", "remediation", "alert", "apply",
               "template", "conditions", "cluster", "truth", "trigger",
               "volumeClaimTemplates", "env", "items", "ingress", "egress", "delete", "jobTemplate"}
BLOCK_ITEMS = {"objects", "upsert", "containers", "initContainers", "containerStatuses", "initContainerStatuses",
               "logs", "metrics", "recovery", "traces", "subsets", "rules", "volumeClaimTemplates", "ingress", "egress"}
WIDTH = 330


FLOW_KINDS: set[str] = set()


def dump(d: Any, *, comments: dict[int, str] | None = None, flow_kinds: set[str] | None = None) -> str:
    """Block style for structure, flow style for small leaves; objects of flow_kinds go on one line."""
    FLOW_KINDS.clear()
    FLOW_KINDS.update(flow_kinds or ())
    out: list[str] = []
    _emit(d, 0, out, key=None, comments=comments or {})
    return "\n".join(out) + "\n"


def _emit(v: Any, ind: int, out: list[str], *, key: str | None, comments: dict[int, str]) -> None:
    pad = " " * ind
    if isinstance(v, dict):
        for k, x in v.items():
            _emit_kv(k, x, ind, out, comments)
        return
    for x in v:
        if id(x) in comments:
            out.append(f"{pad}# {comments[id(x)]}")
        if isinstance(x, dict) and x:
            f = flow(x)
            if x.get("kind") in FLOW_KINDS or (key not in BLOCK_ITEMS and len(pad) + 2 + len(f) <= WIDTH):
                out.append(f"{pad}- {f}")
                continue
            sub: list[str] = []
            _emit(x, ind + 2, sub, key=None, comments=comments)
            sub[0] = f"{pad}- " + sub[0][ind + 2:]
            out.extend(sub)
        elif key == "lines" and isinstance(x, str):
            out.append(f"{pad}- {json.dumps(x)}")
        else:
            out.append(f"{pad}- {flow(x)}")


def _emit_kv(k: str, x: Any, ind: int, out: list[str], comments: dict[int, str]) -> None:
    pad = " " * ind
    ks = scalar(k)
    if k == "notes" and isinstance(x, str):
        out.append(f"{pad}{ks}: >")
        for para_i, para in enumerate(x.split("\n")):
            if para_i:
                out.append("")
            line = ""
            for word in para.split(" "):
                if line and len(line) + 1 + len(word) > 110:
                    out.append(f"{pad}  {line}")
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            if line:
                out.append(f"{pad}  {line}")
        return
    if isinstance(x, (dict, list)) and x:
        f = flow(x)
        fits = len(pad) + len(ks) + 2 + len(f) <= WIDTH
        if k in FORCE_FLOW or (fits and k not in FORCE_BLOCK and ind >= 2):
            out.append(f"{pad}{ks}: {f}")
            return
        out.append(f"{pad}{ks}:")
        _emit(x, ind + 2, out, key=k, comments=comments)
    else:
        out.append(f"{pad}{ks}: {flow(x)}")


# ---------------------------------------------------------------- small helpers for scenario scripts

def container(name: str, image: str, **kw: Any) -> dict:
    c: dict[str, Any] = {"name": name, "image": image}
    c.update(kw)
    return c


def template(labels: dict, containers: list[dict], *, annotations: dict | None = None, **spec: Any) -> dict:
    meta: dict[str, Any] = {"labels": labels}
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"containers": containers, **spec}}


def http_probe(path: str, port: Any, *, period: int = 10, timeout: int = 1, failure: int = 3,
               initial: int | None = None, success: int = 1) -> dict:
    p: dict[str, Any] = {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}}
    if initial is not None:
        p["initialDelaySeconds"] = initial
    p.update({"periodSeconds": period, "timeoutSeconds": timeout, "successThreshold": success, "failureThreshold": failure})
    return p


def res(req_cpu: str | None = None, req_mem: str | None = None, lim_cpu: str | None = None,
        lim_mem: str | None = None) -> dict:
    r: dict[str, dict] = {}
    if req_cpu or req_mem:
        r["requests"] = {k: v for k, v in (("cpu", req_cpu), ("memory", req_mem)) if v}
    if lim_cpu or lim_mem:
        r["limits"] = {k: v for k, v in (("cpu", lim_cpu), ("memory", lim_mem)) if v}
    return r


def mutate(tmpl: dict, fn: Callable[[dict], None]) -> dict:
    t = copy.deepcopy(tmpl)
    fn(t)
    return t
