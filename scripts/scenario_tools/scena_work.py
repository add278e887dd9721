"""Builders for workloads and their companions: Deployments with revisions, StatefulSets, Jobs, Services (helper scenA)."""
from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from scena_k8s import Ctx, clean, healthy_statuses, meta, owner_ref, pod


class Deploy:
    """A Deployment, one ReplicaSet per revision, and the pods of those ReplicaSets."""

    def __init__(self, ctx: Ctx, ns: str, name: str, *, match: dict, created: Any, replicas: int,
                 labels: dict | None = None, annotations: dict | None = None, strategy: dict | None = None,
                 deadline: int = 600, history: int = 10) -> None:
        self.ctx, self.ns, self.name, self.match = ctx, ns, name, match
        self.replicas = replicas
        self.obj: dict = {"apiVersion": "apps/v1", "kind": "Deployment",
                          "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or dict(match),
                                           annotations=dict(annotations or {}))}
        self.obj["metadata"].setdefault("annotations", {})
        self.strategy = strategy or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
        self.deadline, self.history = deadline, history
        self.revs: list[tuple[int, dict]] = []
        self.pods: list[dict] = []

    def rev(self, n: int, spec: dict, *, created: Any, cause: str | None = None, replicas: int = 0,
            ready: int | None = None, pod_labels: dict | None = None, pod_annotations: dict | None = None,
            hash: str | None = None, rs_annotations: dict | None = None) -> dict:
        ctx = self.ctx
        h = hash or ctx.safe(ctx.rng.choice([9, 10]))
        labels = dict(self.match, **(pod_labels or {}), **{"pod-template-hash": h})
        ann = {"deployment.kubernetes.io/desired-replicas": str(self.replicas),
               "deployment.kubernetes.io/max-replicas": str(self.replicas + max(1, -(-self.replicas // 4))),
               "deployment.kubernetes.io/revision": str(n)}
        if cause:
            ann["kubernetes.io/change-cause"] = cause
        ann.update(rs_annotations or {})
        tmeta = clean({"labels": labels, "annotations": pod_annotations})
        ready = replicas if ready is None else ready
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": meta(ctx, f"{self.name}-{h}", ns=self.ns, created=created, labels=labels, annotations=ann,
                               owner=self.obj, generation=2 if replicas == 0 else 1),
              "spec": {"replicas": replicas, "selector": {"matchLabels": dict(self.match, **{"pod-template-hash": h})},
                       "template": {"metadata": tmeta, "spec": copy.deepcopy(spec)}},
              "status": clean({"replicas": replicas, "fullyLabeledReplicas": replicas or None,
                               "readyReplicas": ready or None, "availableReplicas": ready or None,
                               "observedGeneration": 2 if replicas == 0 else 1})}
        self.revs.append((n, rs))
        return rs

    def pod(self, rs: dict, node_obj: dict | None, *, created: Any, ip: str | None, statuses: list | None = None,
            phase: str = "Running", ready_at: Any | None = None, suffix: str | None = None,
            scheduled: bool = True, pending_cond: dict | None = None) -> dict:
        ctx = self.ctx
        spec = rs["spec"]["template"]["spec"]
        if statuses is None:
            statuses = healthy_statuses(ctx, spec, created)
            ready_at = ready_at or ctx.dt(created) + timedelta(seconds=ctx.rng.randint(8, 40))
        name = f"{rs['metadata']['name']}-{suffix or ctx.safe(5)}"
        p = pod(ctx, name, self.ns, spec, labels=dict(rs["spec"]["template"]["metadata"]["labels"]), owner=rs,
                node_obj=node_obj, created=created, statuses=statuses, ip=ip, phase=phase, ready_at=ready_at,
                annotations=rs["spec"]["template"]["metadata"].get("annotations"), scheduled=scheduled,
                pending_cond=pending_cond)
        self.pods.append(p)
        return p

    def done(self, *, replicas: int | None = None, progressing: str = "ok", updated_at: Any = None,
             available_since: Any = None, unavailable_since: Any = None, generation: int | None = None,
             template_rev: int | None = None) -> list[dict]:
        ctx, d = self.ctx, self.obj
        n, latest = max(self.revs, key=lambda r: r[0]) if template_rev is None else \
            next(r for r in self.revs if r[0] == template_rev)
        spec_replicas = self.replicas if replicas is None else replicas
        tmpl = copy.deepcopy(latest["spec"]["template"])
        tmpl["metadata"]["labels"].pop("pod-template-hash")
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(n)
        cause = latest["metadata"]["annotations"].get("kubernetes.io/change-cause")
        if cause:
            d["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause
        gen = generation or (n + 3)
        d["metadata"]["generation"] = gen
        d["spec"] = {"replicas": spec_replicas, "revisionHistoryLimit": self.history, "progressDeadlineSeconds": self.deadline,
                     "selector": {"matchLabels": dict(self.match)}, "strategy": self.strategy, "template": tmpl}
        total = sum(rs["status"]["replicas"] for _, rs in self.revs)
        ready = sum(rs["status"].get("readyReplicas", 0) for _, rs in self.revs)
        upd = latest["status"]["replicas"]
        upd_at = ctx.t(updated_at or latest["metadata"]["creationTimestamp"])
        rsname = latest["metadata"]["name"]
        if progressing == "ok":
            prog = {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                    "message": f'ReplicaSet "{rsname}" has successfully progressed.'}
        elif progressing == "deadline":
            prog = {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                    "message": f'ReplicaSet "{rsname}" has timed out progressing.'}
        else:
            prog = {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                    "message": f'ReplicaSet "{rsname}" is progressing.'}
        prog.update({"lastUpdateTime": upd_at, "lastTransitionTime": upd_at if progressing == "deadline"
                     else d["metadata"]["creationTimestamp"]})
        max_unavail = self._max_unavailable(spec_replicas)
        if ready >= spec_replicas - max_unavail:
            since = ctx.t(available_since or d["metadata"]["creationTimestamp"])
            avail = {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                     "message": "Deployment has minimum availability.", "lastUpdateTime": since, "lastTransitionTime": since}
        else:
            since = ctx.t(unavailable_since or upd_at)
            avail = {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                     "message": "Deployment does not have minimum availability.", "lastUpdateTime": since,
                     "lastTransitionTime": since}
        d["status"] = clean({"observedGeneration": gen, "replicas": total or None, "updatedReplicas": upd or None,
                             "readyReplicas": ready or None, "availableReplicas": ready or None,
                             "unavailableReplicas": (max(spec_replicas, total) - ready) or None,
                             "conditions": [avail, prog]})
        if spec_replicas == 0 and total == 0:
            d["status"] = {"observedGeneration": gen, "conditions": [avail, prog]}
        revs = [rs for _, rs in sorted(self.revs, key=lambda r: -r[0])]
        return [d, *revs, *self.pods]

    def fork(self) -> "Deploy":
        """A copy for the world after a fix: same revisions, no pods yet."""
        other = copy.copy(self)
        other.obj = copy.deepcopy(self.obj)
        other.revs = copy.deepcopy(self.revs)
        other.pods = []
        return other

    def rs(self, n: int) -> dict:
        return next(rs for k, rs in self.revs if k == n)

    def set_rs(self, n: int, *, replicas: int, ready: int | None = None, new_n: int | None = None) -> dict:
        """Change a ReplicaSet's scale (and, for a rollback, its revision number)."""
        rs = self.rs(n)
        ready = replicas if ready is None else ready
        rs["spec"]["replicas"] = replicas
        rs["metadata"]["generation"] = rs["metadata"].get("generation", 1) + 1
        rs["status"] = clean({"replicas": replicas, "fullyLabeledReplicas": replicas or None,
                              "readyReplicas": ready or None, "availableReplicas": ready or None,
                              "observedGeneration": rs["metadata"]["generation"]})
        if new_n is not None:
            ann = rs["metadata"]["annotations"]
            ann["deployment.kubernetes.io/revision-history"] = str(n)
            ann["deployment.kubernetes.io/revision"] = str(new_n)
            self.revs = [(new_n if k == n else k, r) for k, r in self.revs]
        return rs

    def _max_unavailable(self, replicas: int) -> int:
        mu = (self.strategy.get("rollingUpdate") or {}).get("maxUnavailable", 0)
        if isinstance(mu, str) and mu.endswith("%"):
            return int(replicas * int(mu[:-1]) / 100)
        return int(mu)


def statefulset(ctx: Ctx, ns: str, name: str, spec: dict, *, match: dict, replicas: int, created: Any,
                service: str, claims: list | None = None, ready: int | None = None, labels: dict | None = None,
                rev_hash: str | None = None, annotations: dict | None = None) -> dict:
    ready = replicas if ready is None else ready
    rh = f"{name}-{rev_hash or ctx.safe(10)}"
    return {"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or dict(match), annotations=annotations,
                             generation=3),
            "spec": clean({"replicas": replicas, "serviceName": service, "podManagementPolicy": "OrderedReady",
                           "selector": {"matchLabels": dict(match)},
                           "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                           "template": {"metadata": {"labels": dict(match)}, "spec": copy.deepcopy(spec)},
                           "volumeClaimTemplates": claims}),
            "status": clean({"observedGeneration": 3, "replicas": replicas, "readyReplicas": ready or None,
                             "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready or None,
                             "currentRevision": rh, "updateRevision": rh, "collisionCount": 0})}


def sts_pod(ctx: Ctx, sts: dict, i: int, node_obj: dict, *, created: Any, ip: str, statuses: list | None = None,
            ready_at: Any | None = None, volumes: list | None = None) -> dict:
    name = f"{sts['metadata']['name']}-{i}"
    spec = copy.deepcopy(sts["spec"]["template"]["spec"])
    spec["hostname"] = name
    spec["subdomain"] = sts["spec"]["serviceName"]
    if volumes:
        spec["volumes"] = volumes + spec.get("volumes", [])
    labels = dict(sts["spec"]["template"]["metadata"]["labels"], **{
        "apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": sts["status"]["updateRevision"],
        "statefulset.kubernetes.io/pod-name": name})
    if statuses is None:
        statuses = healthy_statuses(ctx, spec, created)
        ready_at = ready_at or ctx.dt(created) + timedelta(seconds=20)
    return pod(ctx, name, sts["metadata"]["namespace"], spec, labels=labels, owner=sts, node_obj=node_obj,
               created=created, statuses=statuses, ip=ip, ready_at=ready_at)


def daemonset(ctx: Ctx, ns: str, name: str, spec: dict, *, match: dict, created: Any, nodes: int,
              labels: dict | None = None) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or dict(match), generation=4),
            "spec": {"selector": {"matchLabels": dict(match)}, "revisionHistoryLimit": 10,
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                     "template": {"metadata": {"labels": dict(match)}, "spec": copy.deepcopy(spec)}},
            "status": {"currentNumberScheduled": nodes, "desiredNumberScheduled": nodes, "numberAvailable": nodes,
                       "numberMisscheduled": 0, "numberReady": nodes, "observedGeneration": 4,
                       "updatedNumberScheduled": nodes}}


def cronjob(ctx: Ctx, ns: str, name: str, spec: dict, *, schedule: str, created: Any, last_schedule: Any,
            last_success: Any | None = None, labels: dict | None = None, backoff: int = 2, tz: str | None = None,
            active: list | None = None, history: tuple = (3, 1), deadline: int | None = None) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or {"app": name}, generation=2),
            "spec": clean({"schedule": schedule, "timeZone": tz, "concurrencyPolicy": "Forbid", "suspend": False,
                           "successfulJobsHistoryLimit": history[0], "failedJobsHistoryLimit": history[1],
                           "jobTemplate": {"spec": clean({"backoffLimit": backoff, "activeDeadlineSeconds": deadline,
                                                          "template": {"metadata": {"labels": {"app": name}},
                                                                       "spec": copy.deepcopy(spec)}})}}),
            "status": clean({"lastScheduleTime": ctx.t(last_schedule),
                             "lastSuccessfulTime": ctx.t(last_success) if last_success else None,
                             "active": active})}


def job(ctx: Ctx, ns: str, name: str, spec: dict, *, created: Any, owner: dict | None = None, outcome: str,
        finished: Any | None = None, backoff: int = 2, failed: int = 0, succeeded: int = 0,
        labels: dict | None = None, scheduled_ts: str | None = None) -> dict:
    uid = ctx.uid()
    lab = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
           "controller-uid": uid, "job-name": name, **(labels or {})}
    m = meta(ctx, name, ns=ns, created=created, labels=lab, uid=uid, owner=owner,
             annotations={"batch.kubernetes.io/cronjob-scheduled-timestamp": scheduled_ts} if scheduled_ts else None,
             generation=1)
    st: dict = {"startTime": ctx.t(created)}
    if outcome == "complete":
        st.update({"completionTime": ctx.t(finished), "succeeded": succeeded or 1, "ready": 0, "terminating": 0,
                   "uncountedTerminatedPods": {},
                   "conditions": [
                       {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods", "lastProbeTime": ctx.t(finished),
                        "lastTransitionTime": ctx.t(finished)},
                       {"type": "Complete", "status": "True", "reason": "CompletionsReached",
                        "message": "Reached expected number of succeeded pods", "lastProbeTime": ctx.t(finished),
                        "lastTransitionTime": ctx.t(finished)}]})
    elif outcome == "failed":
        st.update({"failed": failed or backoff + 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                   "conditions": [
                       {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit", "lastProbeTime": ctx.t(finished),
                        "lastTransitionTime": ctx.t(finished)},
                       {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                        "message": "Job has reached the specified backoff limit", "lastProbeTime": ctx.t(finished),
                        "lastTransitionTime": ctx.t(finished)}]})
    else:
        st.update({"active": 1, "ready": 1, "terminating": 0, "uncountedTerminatedPods": {}})
    tmpl_labels = {k: v for k, v in lab.items()}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": m,
            "spec": {"parallelism": 1, "completions": 1, "backoffLimit": backoff, "completionMode": "NonIndexed",
                     "suspend": False, "manualSelector": False, "podReplacementPolicy": "TerminatingOrFailed",
                     "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
                     "template": {"metadata": {"labels": tmpl_labels}, "spec": copy.deepcopy(spec)}},
            "status": st}


def cron_job_name(ctx: Ctx, cron: str, scheduled: Any) -> str:
    return f"{cron}-{int(ctx.dt(scheduled).timestamp() // 60)}"


def job_pod(ctx: Ctx, jobobj: dict, node_obj: dict, *, created: Any, ip: str | None, statuses: list,
            phase: str, ready_at: Any | None = None) -> dict:
    spec = jobobj["spec"]["template"]["spec"]
    labels = dict(jobobj["spec"]["template"]["metadata"]["labels"])
    return pod(ctx, f"{jobobj['metadata']['name']}-{ctx.safe(5)}", jobobj["metadata"]["namespace"], spec,
               labels=labels, owner=jobobj, node_obj=node_obj, created=created, statuses=statuses, ip=ip,
               phase=phase, ready_at=ready_at or created)


def service(ctx: Ctx, ns: str, name: str, *, selector: dict | None, ports: list, ip: str, created: Any = "-200d",
            labels: dict | None = None, annotations: dict | None = None, type_: str = "ClusterIP",
            external_name: str | None = None) -> dict:
    spec = clean({"type": type_, "selector": selector, "ports": ports, "clusterIP": ip if type_ != "ExternalName" else None,
                  "clusterIPs": [ip] if type_ != "ExternalName" else None,
                  "ipFamilies": ["IPv4"] if type_ != "ExternalName" else None,
                  "ipFamilyPolicy": "SingleStack" if type_ != "ExternalName" else None,
                  "sessionAffinity": "None", "internalTrafficPolicy": "Cluster" if type_ != "ExternalName" else None,
                  "externalName": external_name})
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or {"app": name}, annotations=annotations),
            "spec": spec, "status": {"loadBalancer": {}}}


def endpoints(ctx: Ctx, ns: str, name: str, *, ready: list, not_ready: list = (), ports: list,
              created: Any = "-200d", labels: dict | None = None) -> dict:
    def addr(p: dict) -> dict:
        return {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}}
    subset = clean({"addresses": [addr(p) for p in ready] or None,
                    "notReadyAddresses": [addr(p) for p in not_ready] or None, "ports": ports})
    obj = {"apiVersion": "v1", "kind": "Endpoints",
           "metadata": meta(ctx, name, ns=ns, created=created, labels=labels or {"app": name})}
    if ready or not_ready:
        obj["subsets"] = [subset]
    return obj


def configmap(ctx: Ctx, ns: str, name: str, data: dict, *, created: Any = "-60d", labels: dict | None = None,
              annotations: dict | None = None, managed: list | None = None) -> dict:
    m = meta(ctx, name, ns=ns, created=created, labels=labels, annotations=annotations)
    if managed:
        m["managedFields"] = managed
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": m, "data": data}


def secret(ctx: Ctx, ns: str, name: str, data: dict, *, created: Any = "-90d", type_: str = "Opaque",
           labels: dict | None = None, annotations: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Secret", "type": type_,
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels, annotations=annotations), "data": data}


def sa(ctx: Ctx, ns: str, name: str, *, created: Any = "-200d", annotations: dict | None = None,
       labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": meta(ctx, name, ns=ns, created=created, annotations=annotations, labels=labels)}


def pvc(ctx: Ctx, ns: str, name: str, *, size: str, sc: str, volume: str, created: Any = "-120d",
        modes: tuple = ("ReadWriteOnce",), labels: dict | None = None, capacity: str | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": meta(ctx, name, ns=ns, created=created, labels=labels, annotations={
                "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com" if "gp" in sc else "kubernetes.io/no-provisioner"}),
            "spec": {"accessModes": list(modes), "resources": {"requests": {"storage": size}}, "storageClassName": sc,
                     "volumeMode": "Filesystem", "volumeName": volume},
            "status": {"phase": "Bound", "accessModes": list(modes), "capacity": {"storage": capacity or size}}}


def hpa(ctx: Ctx, ns: str, name: str, target: dict, *, min_r: int, max_r: int, cpu_target: int, current: int,
        desired: int, cpu_now: int | None, created: Any = "-100d", conditions: list | None = None) -> dict:
    st: dict = {"currentReplicas": current, "desiredReplicas": desired}
    if cpu_now is not None:
        st["currentMetrics"] = [{"type": "Resource", "resource": {"name": "cpu", "current": {
            "averageUtilization": cpu_now}}}]
    st["conditions"] = conditions or []
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": meta(ctx, name, ns=ns, created=created, labels={"app": name}),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": target["kind"], "name": target["metadata"]["name"]},
                     "minReplicas": min_r, "maxReplicas": max_r,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                         "type": "Utilization", "averageUtilization": cpu_target}}}]},
            "status": st}


def owner(obj: dict) -> dict:
    return owner_ref(obj)


def simple_app(ctx: Ctx, ns: str, name: str, spec: dict, nodes: list, *, replicas: int, created: Any,
               rs_created: Any, rev: int = 1, cause: str | None = None, svc_ip: str | None = None,
               port: dict | None = None, match: dict | None = None, labels: dict | None = None,
               old: list | None = None, svc_labels: dict | None = None) -> tuple[list, list, Deploy]:
    """A healthy Deployment (plus older, scaled-down revisions in old=[(n, spec, created, cause)]) and its Service."""
    match = match or {"app": name}
    dep = Deploy(ctx, ns, name, match=match, created=created, replicas=replicas, labels=labels)
    for n, ospec, ocreated, ocause in old or []:
        dep.rev(n, ospec, created=ocreated, cause=ocause)
    rs = dep.rev(rev, spec, created=rs_created, cause=cause, replicas=replicas)
    pods = []
    for i in range(replicas):
        nd = nodes[i % len(nodes)]
        pods.append(dep.pod(rs, nd, created=ctx.dt(rs_created) + timedelta(seconds=1 + 40 * i), ip=ctx.ip(nd)))
    objs = dep.done()
    if svc_ip:
        p = port or {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}
        objs.append(service(ctx, ns, name, selector=match, ports=[p], ip=svc_ip, created=created,
                            labels=svc_labels or labels or match))
        objs.append(endpoints(ctx, ns, name, ready=pods, created=created, labels=svc_labels or labels or match,
                              ports=[clean({"name": p.get("name"), "port": p["targetPort"] if isinstance(p["targetPort"], int)
                                            else 8080, "protocol": "TCP"})]))
    return objs, pods, dep
