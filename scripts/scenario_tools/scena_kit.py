"""Shortcuts shared by helper scenA's scenarios: node pools, crash loops, rollback and resize recoveries."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

from scena_k8s import Ctx, cstatus, node, running, terminated, waiting
from scena_obs import event, logs
from scena_work import Deploy, endpoints

REGION_ZONES = {"eks": "abc", "aks": "123", "gke": "bcd"}


def pool(ctx: Ctx, flavour: str, n: int, *, region: str, itype: str, pool_name: str, cpu: int = 8, mem_gi: int = 32,
         created: Any = "-45d", subnet: str = "10.20", cidr_base: int = 64, cluster: str = "prod", arch: str = "amd64",
         names: list[str] | None = None, **kw: Any) -> list[dict]:
    """n nodes named as the flavour names them, spread over three zones."""
    out = []
    gke_hash = ctx.hexs(8)
    for i in range(n):
        ip = f"{subnet}.{ctx.rng.randint(1, 3) * 16 + i}.{ctx.rng.randint(10, 250)}"
        if flavour == "eks":
            zone = f"{region}{'abc'[i % 3]}"
            name = f"ip-{ip.replace('.', '-')}.{region}.compute.internal"
        elif flavour == "gke":
            zone = f"{region}-{'bcd'[i % 3]}"
            name = f"gke-{cluster}-{pool_name}-{gke_hash}-{ctx.safe(4)}"
        elif flavour == "aks":
            zone = f"{region}-{i % 3 + 1}"
            name = f"aks-{pool_name}-{27400000 + ctx.rng.randint(1000, 99999)}-vmss{i:06d}" if i == 0 else \
                out[0]["metadata"]["name"][:-6] + f"{i:06d}"
        else:
            zone = f"rack-{i % 3 + 1}"
            name = names[i] if names else f"{pool_name}-{i + 1:02d}"
        if names and flavour != "kubeadm":
            name = names[i]
        out.append(node(ctx, name, flavour, ip=ip, zone=zone, itype=itype, pool=pool_name, cpu=cpu, mem_gi=mem_gi,
                        created=created, project=cluster, arch=arch, pod_cidr=f"10.{cidr_base}.{(i + 1) * 8}.0/24", **kw))
    return out


def set_crashloop(ctx: Ctx, p: dict, *, restarts: int, code: int, reason: str, started: Any, finished: Any,
                  backoff: str = "5m0s", message: str | None = None, idx: int = 0) -> dict:
    """Turn a pod's container into CrashLoopBackOff after its last run ended with code/reason."""
    c = p["spec"]["containers"][idx]
    name, ns, uid = p["metadata"]["name"], p["metadata"]["namespace"], p["metadata"]["uid"]
    st = cstatus(ctx, c, ready=False, restarts=restarts, started=False,
                 state=waiting("CrashLoopBackOff", f"back-off {backoff} restarting failed container={c['name']} pod={name}_{ns}({uid})"),
                 last=terminated(ctx, code, reason, started, finished, message))
    _not_ready(p, idx, st, finished)
    return p


def set_waiting(ctx: Ctx, p: dict, *, reason: str, message: str | None, idx: int = 0, pulled: bool = False,
                since: Any = None) -> dict:
    c = p["spec"]["containers"][idx]
    st = cstatus(ctx, c, ready=False, started=False, state=waiting(reason, message), pulled=pulled)
    _not_ready(p, idx, st, since or p["metadata"]["creationTimestamp"])
    p["status"]["phase"] = "Pending"
    return p


def set_unready(ctx: Ctx, p: dict, *, since: Any, restarts: int = 0, last: dict | None = None, idx: int = 0,
                started_at: Any = None) -> dict:
    c = p["spec"]["containers"][idx]
    st = cstatus(ctx, c, ready=False, restarts=restarts, last=last,
                 state=running(ctx, started_at or p["metadata"]["creationTimestamp"]), started=True)
    _not_ready(p, idx, st, since)
    return p


def _not_ready(p: dict, idx: int, st: dict, since: Any) -> None:
    sts = p["status"]["containerStatuses"]
    sts[idx] = st
    bad = [s["name"] for s in sts if not s["ready"]]
    msg = f"containers with unready status: [{' '.join(bad)}]"
    t = since if isinstance(since, str) and since.endswith("Z") and "T" in since else None
    for cond in p["status"]["conditions"]:
        if cond["type"] in ("Ready", "ContainersReady"):
            cond.update({"status": "False", "reason": "ContainersNotReady", "message": msg})
            if t:
                cond["lastTransitionTime"] = t


def backoff_events(ctx: Ctx, p: dict, *, first: Any, last: Any, count: int, restarts: int,
                   pulled_first: Any | None = None) -> list[dict]:
    c = p["spec"]["containers"][0]["name"]
    fp = f"spec.containers{{{c}}}"
    name, ns, uid = p["metadata"]["name"], p["metadata"]["namespace"], p["metadata"]["uid"]
    img = p["spec"]["containers"][0]["image"]
    out = [event(ctx, p, "Pulled", f'Container image "{img}" already present on machine', count=restarts,
                 first=pulled_first or first, last=last, field_path=fp),
           event(ctx, p, "Created", f"Created container {c}", count=restarts + 1, first=pulled_first or first, last=last,
                 field_path=fp),
           event(ctx, p, "Started", f"Started container {c}", count=restarts + 1, first=pulled_first or first, last=last,
                 field_path=fp),
           event(ctx, p, "BackOff", f"Back-off restarting failed container {c} in pod {name}_{ns}({uid})",
                 type_="Warning", count=count, first=first, last=last, field_path=fp)]
    return out


def rollback_item(ctx: Ctx, dep: Deploy, *, good: int, bad: int, new_n: int, nodes: list, when: list,
                  bad_pods: list, ep: dict | None = None, log: Callable[[dict], list[str]] | None = None,
                  metrics: list | None = None, extra: list | None = None, delete_extra: list | None = None,
                  reuse: list | None = None) -> dict:
    """The world after `kubectl rollout undo`: the good ReplicaSet at full scale, with fresh pods unless reuse."""
    rec = dep.fork()
    rec.set_rs(good, replicas=dep.replicas, new_n=new_n)
    rec.set_rs(bad, replicas=0)
    rs = rec.rs(new_n)
    have = len(reuse or [])
    pods = list(reuse or []) + [rec.pod(rs, nodes[(i + 1) % len(nodes)], created=ctx.dt("+30s") + timedelta(seconds=25 * i),
                                        ip=ctx.ip(nodes[(i + 1) % len(nodes)])) for i in range(dep.replicas - have)]
    new_pods = pods[have:]
    upsert = rec.done(updated_at=ctx.dt("+30s") + timedelta(seconds=25 * dep.replicas + 20))
    keep = [o for o in upsert if not (o["kind"] == "Pod" and o["metadata"]["name"] in {p["metadata"]["name"] for p in dep.pods})]
    if ep is not None:
        keep.append(refresh_endpoints(ctx, ep, pods))
    keep += extra or []
    apply: dict = {"upsert": keep,
                   "delete": [{"kind": "Pod", "namespace": p["metadata"]["namespace"], "name": p["metadata"]["name"]}
                              for p in bad_pods] + (delete_extra or [])}
    if log and new_pods:
        apply["logs"] = [logs(p["metadata"]["namespace"], p, log(p)) for p in new_pods]
    if metrics:
        apply["metrics"] = metrics
    return {"when": when, "apply": apply}


def refresh_endpoints(ctx: Ctx, ep: dict, ready: list, not_ready: list = ()) -> dict:
    new = endpoints(ctx, ep["metadata"]["namespace"], ep["metadata"]["name"], ready=ready, not_ready=list(not_ready),
                    ports=ep["subsets"][0]["ports"] if ep.get("subsets") else [], labels=ep["metadata"].get("labels"))
    new["metadata"] = ep["metadata"]
    return new


def fresh_pods_item(ctx: Ctx, dep: Deploy, *, n_rev: int, spec: dict, nodes: list, when: list, old_pods: list,
                    cause: str | None = None, ep: dict | None = None, log: Callable[[dict], list[str]] | None = None,
                    metrics: list | None = None, extra: list | None = None, old_rev: int | None = None,
                    replicas: int | None = None) -> dict:
    """The world after a template change (set_resources, env patch): a new revision with fresh pods."""
    rec = dep.fork()
    replicas = replicas or dep.replicas
    for k, rs in rec.revs:
        if rs["spec"]["replicas"]:
            rec.set_rs(k, replicas=0)
    rec.replicas = replicas
    rs = rec.rev(n_rev, spec, created="+20s", cause=cause, replicas=replicas)
    pods = [rec.pod(rs, nodes[i % len(nodes)], created=ctx.dt("+20s") + timedelta(seconds=30 * i),
                    ip=ctx.ip(nodes[i % len(nodes)])) for i in range(replicas)]
    upsert = rec.done(updated_at=ctx.dt("+20s") + timedelta(seconds=30 * replicas + 20))
    if ep is not None:
        upsert.append(refresh_endpoints(ctx, ep, pods))
    upsert += extra or []
    apply: dict = {"upsert": upsert, "delete": [{"kind": "Pod", "namespace": p["metadata"]["namespace"],
                                                 "name": p["metadata"]["name"]} for p in old_pods]}
    if log:
        apply["logs"] = [logs(p["metadata"]["namespace"], p, log(p)) for p in pods]
    if metrics:
        apply["metrics"] = metrics
    return {"when": when, "apply": apply}


def dep_ref(ns: str, name: str, kind: str = "Deployment") -> dict:
    return {"kind": kind, "namespace": ns, "name": name}


def act(action: str, ns: str, name: str, kind: str = "Deployment", params: dict | None = None) -> dict:
    d: dict = {"action": action, "target": dep_ref(ns, name, kind)}
    if params:
        d["params"] = params
    return d
