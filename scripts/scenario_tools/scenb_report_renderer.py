"""Scenario report-renderer-pending-since-friday: nodeSelector to the batch pool without the toleration."""
from __future__ import annotations

from scenb_kit import (Scenario, container, counter, gauge, http_probe, mutate, piecewise, res, running, steps,
                       template, terminated)

sc = Scenario("report-renderer-pending-since-friday",
              title="report-renderer was moved to the batch pool on Friday (nodeSelector workload-class=batch) without a "
                    "toleration for the pool's dedicated=batch taint; with the Recreate strategy all three pods have been "
                    "Pending since, and the monthly report run on the 1st piles up in RabbitMQ",
              now="2026-12-01T07:18:00Z",
              tags=["unschedulable", "taint", "toleration", "nodeselector", "kubeadm", "recreate", "red-herring"])
sc.command("monthly reports haven't gone out, report queue keeps growing", channel="#bi-oncall", user="U03BIDATA7")

# ---- nodes: kubeadm on-prem (3 control plane, 5 workers with wrk-04 cordoned, 2 batch)
CP = [f"k8s-cp-0{i}" for i in (1, 2, 3)]
WRK = [f"k8s-wrk-0{i}" for i in (1, 2, 3, 4, 5)]
BATCH = ["k8s-batch-01", "k8s-batch-02"]
for i, n in enumerate(CP):
    sc.node(n, flavour="kubeadm", zone="dc1-row-b", instance="vm-4c16g", cpu=4, mem_gib=15.6, ip=f"10.14.0.1{i + 1}",
            pod_cidr=f"10.244.{i}.0/24", created="-412d", labels={"node-role.kubernetes.io/control-plane": ""},
            taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])
for i, n in enumerate(WRK):
    cordoned = n == "k8s-wrk-04"
    sc.node(n, flavour="kubeadm", zone=f"dc1-row-{'cd'[i % 2]}", instance="vm-16c64g", cpu=16, mem_gib=62.8,
            ip=f"10.14.1.{21 + i}", pod_cidr=f"10.244.{3 + i}.0/24", created=f"-{380 - i * 31}d",
            labels={"node-role.kubernetes.io/worker": "", "workload-class": "general"},
            unschedulable=cordoned,
            taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": sc.ts("-3h41m")}] if cordoned else None)
for i, n in enumerate(BATCH):
    sc.node(n, flavour="kubeadm", zone="dc1-row-d", instance="vm-32c128g", cpu=32, mem_gib=125.7, ip=f"10.14.2.{31 + i}",
            pod_cidr=f"10.244.{8 + i}.0/24", created="-96d", labels={"node-role.kubernetes.io/worker": "", "workload-class": "batch"},
            taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}])
for n in CP + WRK + BATCH:
    sc.nodes[n]["metadata"]["labels"]["topology.kubernetes.io/region"] = "dc1"
    sc.nodes[n]["metadata"]["annotations"].update({"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                                                   "projectcalico.org/IPv4Address": sc.nodes[n]["_ip"] + "/24"})

REG = "harbor.corp.example.net/bi"
LAB = {"app": "report-renderer", "component": "worker"}


def renderer(version: str, *, batch: bool, mem: str, conc: str) -> dict:
    spec = {"serviceAccountName": "report-renderer", "terminationGracePeriodSeconds": 120,
            "volumes": [{"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}]}
    if batch:
        spec["nodeSelector"] = {"workload-class": "batch"}
    return template(dict(LAB), [container(
        "renderer", f"{REG}/report-renderer:{version}",
        command=["node", "dist/worker.js"],
        ports=[{"name": "metrics", "containerPort": 9464, "protocol": "TCP"}],
        env=[{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "report-renderer-amqp", "key": "url"}}},
             {"name": "RENDER_QUEUE", "value": "report.render"}, {"name": "RENDER_CONCURRENCY", "value": conc},
             {"name": "OUTPUT_BUCKET", "value": "s3://bi-reports/monthly"}, {"name": "S3_ENDPOINT", "value": "https://minio.corp.example.net"},
             {"name": "PUPPETEER_EXECUTABLE_PATH", "value": "/usr/bin/chromium"}],
        resources=res("1", mem, None, mem),
        livenessProbe=http_probe("/livez", "metrics", period=20, timeout=3),
        volumeMounts=[{"name": "dshm", "mountPath": "/dev/shm"}])], **spec)


revs = [
    {"rev": 6, "created": "-41d6h", "template": renderer("3.7.2", batch=False, mem="2Gi", conc="2"), "cause": "report-renderer 3.7.2"},
    {"rev": 7, "created": "-19d3h", "template": renderer("3.8.0", batch=False, mem="2Gi", conc="2"), "cause": "report-renderer 3.8.0 (pdf/a-2b)"},
    {"rev": 8, "created": "-3d14h37m42s", "template": renderer("3.8.0", batch=True, mem="6Gi", conc="6"),
     "cause": "INFRA-2291: move report-renderer to batch pool, concurrency 6"},
]
dep = sc.deployment("bi", "report-renderer", labels={**LAB, "team": "bi-platform"}, selector=LAB, revisions=revs, replicas=3,
                    created="-402d", generation=19, strategy={"type": "Recreate"})
rs6, rs7, rs8 = dep["_rs"]
MSG = ("0/10 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint {dedicated: batch}, "
       "3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 node(s) didn't match Pod's node "
       "affinity/selector. preemption: 0/10 nodes are available: 10 Preemption is not helpful for scheduling.")
pending = [sc.pod(rs8, node=None, created=f"-3d14h35m51s{10 + i}s", states={}, pending_message=MSG) for i in range(3)]
dep["status"] = {"observedGeneration": 19, "replicas": 3, "updatedReplicas": 3, "unavailableReplicas": 3,
                 "conditions": [
                     {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                      "lastUpdateTime": sc.ts("-3d14h35m51s"), "lastTransitionTime": sc.ts("-3d14h35m51s")},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{rs8['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts("-3d14h25m51s"), "lastTransitionTime": sc.ts("-3d14h25m51s")}]}
sc.event(dep, "ScalingReplicaSet", f"Scaled down replica set {rs7['metadata']['name']} from 3 to 0", first="-3d14h37m42s",
         component="deployment-controller")
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs8['metadata']['name']} from 0 to 3", first="-3d14h35m51s",
         component="deployment-controller")
for i, p in enumerate(pending):
    sc.event(rs8, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}", first=f"-3d14h35m51s{10 + i}s", component="replicaset-controller")
    sc.event(p, "FailedScheduling", MSG, type="Warning", first=f"-3d14h35m51s{10 + i}s", last=f"-{2 + i}m{17 * i + 4}s",
             count=1012 + 3 * i, component="default-scheduler")

# ---- the queue and its producer
mq_t = template({"app.kubernetes.io/name": "rabbitmq"}, [container(
    "rabbitmq", "harbor.corp.example.net/dockerhub/library/rabbitmq:3.13.7-management",
    ports=[{"name": "amqp", "containerPort": 5672, "protocol": "TCP"}, {"name": "prometheus", "containerPort": 15692, "protocol": "TCP"}],
    resources=res("500m", "2Gi", None, "2Gi"),
    readinessProbe={"exec": {"command": ["rabbitmq-diagnostics", "-q", "check_port_connectivity"]}, "periodSeconds": 30, "timeoutSeconds": 20})],
    serviceAccountName="rabbitmq")
mq = sc.statefulset("bi", "rabbitmq", labels={"app.kubernetes.io/name": "rabbitmq"}, selector={"app.kubernetes.io/name": "rabbitmq"},
                    template=mq_t, replicas=1, created="-402d", service="rabbitmq-headless")
mq_pod = sc.pod(mq, node="k8s-wrk-02", name="rabbitmq-0", created="-23d4h11m", states={"rabbitmq": running("-23d4h10m")})
sc.service("bi", "rabbitmq", selector={"app.kubernetes.io/name": "rabbitmq"},
           ports=[{"name": "amqp", "port": 5672, "targetPort": "amqp", "protocol": "TCP"}, {"name": "prometheus", "port": 15692, "targetPort": "prometheus", "protocol": "TCP"}],
           created="-402d", cluster_ip="10.96.141.20", labels={"app.kubernetes.io/name": "rabbitmq"}, pods=[mq_pod])

cj_t = template({"app": "report-scheduler"}, [container("scheduler", f"{REG}/report-scheduler:1.4.1", args=["enqueue", "--period=previous-month"],
                 env=[{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "report-renderer-amqp", "key": "url"}}}],
                 resources=res("100m", "128Mi", None, "256Mi"))], restartPolicy="Never", serviceAccountName="report-scheduler")
cj = sc.obj("batch/v1", "CronJob", "monthly-report-scheduler", "bi", created="-402d", labels={"app": "report-scheduler"},
            spec={"schedule": "0 6 1 * *", "timeZone": "Europe/Berlin", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3,
                  "failedJobsHistoryLimit": 1, "suspend": False, "jobTemplate": {"spec": {"backoffLimit": 2, "template": cj_t}}},
            status={"lastScheduleTime": sc.ts("-2h18m"), "lastSuccessfulTime": sc.ts("-2h16m51s")})
job = sc.obj("batch/v1", "Job", "monthly-report-scheduler-29935020", "bi", created="-2h18m", labels={"app": "report-scheduler"},
             owner=cj, annotations={"batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-12-01T06:00:00+01:00"},
             spec={"parallelism": 1, "completions": 1, "backoffLimit": 2, "completionMode": "NonIndexed", "suspend": False, "template": cj_t},
             status={"startTime": sc.ts("-2h18m"), "completionTime": sc.ts("-2h16m51s"), "succeeded": 1, "ready": 0, "terminating": 0,
                     "uncountedTerminatedPods": {},
                     "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods",
                                     "lastProbeTime": sc.ts("-2h16m51s"), "lastTransitionTime": sc.ts("-2h16m51s")},
                                    {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods",
                                     "lastProbeTime": sc.ts("-2h16m51s"), "lastTransitionTime": sc.ts("-2h16m51s")}]})
job_pod = sc.pod(job, node="k8s-wrk-03", created="-2h18m", phase="Succeeded",
                 states={"scheduler": terminated("-2h17m56s", "-2h16m53s", code=0, reason="Completed")})
sc.log(job_pod, [
    "2026-12-01T05:00:04.118Z info report-scheduler 1.4.1 period=2026-11 (previous-month)",
    "2026-12-01T05:00:05.402Z info loaded 2143 report definitions from superset (dashboards=611, tenants=87)",
    "2026-12-01T05:01:06.870Z info published 2143 messages to report.render (confirmed=2143, nacked=0)",
    "2026-12-01T05:01:06.871Z warn queue report.render has 0 consumers; messages will wait until a renderer connects",
    "2026-12-01T05:01:06.902Z info done in 62.8s"])

# ---- neighbours: superset (python) and the BI api, all on general workers
sup = sc.app("bi", "superset", "harbor.corp.example.net/bi/superset:4.0.2-corp3", nodes=["k8s-wrk-01", "k8s-wrk-03", "k8s-wrk-05"],
             created="-402d", rev=23, rev_created="-12d5h", cause="superset 4.0.2-corp3", port=8088, probe="/health",
             cluster_ip="10.96.31.77", svc_port=8088, team="bi-platform",
             resources=res("500m", "2Gi", None, "3Gi"),
             env=[{"name": "SUPERSET_CONFIG_PATH", "value": "/app/pythonpath/superset_config.py"}])
api = sc.app("bi", "bi-export-api", f"{REG}/bi-export-api:2.2.0", nodes=["k8s-wrk-02", "k8s-wrk-05", "k8s-wrk-03"], created="-300d", rev=11,
             rev_created="-27d2h", cause="bi-export-api 2.2.0", cluster_ip="10.96.88.5", team="bi-platform",
             pod_created=["-27d1h58m", "-27d1h57m", "-3h40m"], resources=res("200m", "256Mi", None, "512Mi"))
for k, p in enumerate(sup["_pods"]):
    lines = []
    for j, t in enumerate(sc.ticks("-6m", "-20s", 12, jitter=0.5)):
        if j % 5 == 0:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f:INFO:superset.views.health:GET /health 200"))
        elif j % 7 == 3:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f:WARNING:superset.views.core:Chart 4411 query took 6.82s (cache miss)"))
        else:
            lines.append(sc.fmt(t, "%Y-%m-%d %H:%M:%S,%f:INFO:superset.views.base:POST /api/v1/chart/data 200 in 0." + str(1 + j % 8) + "2s"))
    sc.log(p, lines)
sc.log(api["_pods"][0], [
    "{\"level\":30,\"time\":1764572401233,\"pid\":1,\"hostname\":\"" + api["_pods"][0]["metadata"]["name"] + "\",\"msg\":\"GET /exports?tenant=87 200 18ms\"}",
    "{\"level\":40,\"time\":1764572412004,\"pid\":1,\"hostname\":\"" + api["_pods"][0]["metadata"]["name"] + "\",\"msg\":\"monthly export 2026-11 for tenant 87 not found yet (status=queued)\"}",
    "{\"level\":30,\"time\":1764572460101,\"pid\":1,\"hostname\":\"" + api["_pods"][0]["metadata"]["name"] + "\",\"msg\":\"GET /healthz 200 1ms\"}"], repeat=12)
mq_lines = [
    "2026-11-27 16:40:19.514311+00:00 [info] <0.28211.9> closing AMQP connection <0.28211.9> (10.244.5.37:48812 -> 10.244.4.15:5672, vhost: 'bi', user: 'report-renderer')",
    "2026-11-27 16:40:19.771033+00:00 [info] <0.28244.9> closing AMQP connection <0.28244.9> (10.244.6.12:50110 -> 10.244.4.15:5672, vhost: 'bi', user: 'report-renderer')",
    "2026-11-27 16:40:20.006842+00:00 [info] <0.28278.9> closing AMQP connection <0.28278.9> (10.244.7.9:38876 -> 10.244.4.15:5672, vhost: 'bi', user: 'report-renderer')",
    "2026-12-01 05:00:04.610287+00:00 [info] <0.4102.10> accepting AMQP connection <0.4102.10> (10.244.5.88:41220 -> 10.244.4.15:5672)",
    "2026-12-01 05:00:04.633918+00:00 [info] <0.4102.10> connection <0.4102.10> (10.244.5.88:41220 -> 10.244.4.15:5672): user 'report-scheduler' authenticated and granted access to vhost 'bi'",
    "2026-12-01 05:01:06.907114+00:00 [info] <0.4102.10> closing AMQP connection <0.4102.10> (10.244.5.88:41220 -> 10.244.4.15:5672, vhost: 'bi', user: 'report-scheduler')",
    "2026-12-01 06:30:00.001920+00:00 [info] <0.512.0> Free disk space is sufficient. Free bytes: 41873620992. Limit: 50000000",
]
sc.log(mq_pod, mq_lines)

# ---- red herring: k8s-wrk-04 cordoned this morning for a kernel update
wrk4 = sc.nodes["k8s-wrk-04"]
sc.event(wrk4, "NodeNotSchedulable", "Node k8s-wrk-04 status is now: NodeNotSchedulable", first="-3h41m", component="kubelet")
moved = api["_pods"][2]
sc.event(moved, "Scheduled", f"Successfully assigned bi/{moved['metadata']['name']} to k8s-wrk-03", first="-3h40m", component="default-scheduler")
sc.event(moved, "Unhealthy", f"Readiness probe failed: Get \"http://{moved['status']['podIP']}:8080/healthz\": dial tcp {moved['status']['podIP']}:8080: connect: connection refused",
         type="Warning", first="-3h39m55s", count=1, field_path="spec.containers{bi-export-api}")

# ---- metrics: 72h at 30m for consumers, 3h at 1m for the queue
N = 193
sc.series({"__name__": "rabbitmq_queue_consumers", "namespace": "bi", "pod": "rabbitmq-0", "vhost": "bi", "queue": "report.render",
           "job": "rabbitmq"}, steps(N, [(0, 3), (19, 0)]), start="-5760m", step="30m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "bi", "deployment": "report-renderer",
           "job": "kube-state-metrics"}, steps(N, [(0, 3), (19, 0)]), start="-5760m", step="30m")
M = 180
depth = piecewise(M, [(0, 0), (41, 0), (42, 1880), (43, 2143), (M - 1, 2143)])
sc.series({"__name__": "rabbitmq_queue_messages_ready", "namespace": "bi", "pod": "rabbitmq-0", "vhost": "bi", "queue": "report.render",
           "job": "rabbitmq"}, [round(v) for v in depth], start="-179m", step="1m")
sc.series({"__name__": "rabbitmq_queue_messages_published_total", "namespace": "bi", "pod": "rabbitmq-0", "vhost": "bi", "queue": "report.render",
           "job": "rabbitmq"}, [1_448_210 + round(v) for v in depth], start="-179m", step="1m")
sc.series({"__name__": "report_renderer_reports_rendered_total", "namespace": "bi", "job": "report-renderer", "status": "ok"},
          steps(N, [(0, 88_214), (3, 88_391), (6, 88_402), (12, 88_410), (19, 88_410)]), start="-5760m", step="30m")

# ---- recovery: with a toleration the pods land on the batch nodes; without the nodeSelector on general workers
tol = [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}]
fixed_tol = mutate(revs[2]["template"], lambda t: t["spec"].update(tolerations=tol))
fixed_gen = mutate(revs[2]["template"], lambda t: t["spec"].pop("nodeSelector"))


def recovered(tmpl: dict, nodes: list[str], cause: str) -> dict:
    r = sc.recover_deployment(dep, template=tmpl, nodes=nodes, cause=cause, start="+15s", every_s=4)
    lines = []
    return {"upsert": r["upsert"], "delete": r["delete"],
            "logs": [{"namespace": "bi", "pod": p["metadata"]["name"], "lines": [
                sc.fmt(f"+{22 + 4 * i}s", "{\"level\":30,\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"report-renderer 3.8.0 consuming report.render (prefetch=6, concurrency=6)\"}"),
                sc.fmt(f"+{31 + 4 * i}s", "{\"level\":30,\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"rendered monthly/2026-11/tenant-12/dashboard-311.pdf in 4211ms\"}")]} for i, p in enumerate(r["pods"])] + lines,
            "metrics": [sc.series({"__name__": "rabbitmq_queue_consumers", "namespace": "bi", "pod": "rabbitmq-0", "vhost": "bi", "queue": "report.render",
                                   "job": "rabbitmq"}, steps(N, [(0, 3), (19, 0), (N - 1, 3)]), start="-5760m", step="30m", add=False),
                        sc.series({"__name__": "rabbitmq_queue_messages_ready", "namespace": "bi", "pod": "rabbitmq-0", "vhost": "bi", "queue": "report.render",
                                   "job": "rabbitmq"}, [round(v) for v in depth[:-1]] + [2051], start="-179m", step="1m", add=False)]}


TOL_CHECK = {"kind": "Deployment", "namespace": "bi", "name": "report-renderer", "path": "spec.template.spec.tolerations", "matches": "dedicated"}
SEL_CHECK = {"kind": "Deployment", "namespace": "bi", "name": "report-renderer", "path": 'spec.template.spec.nodeSelector["workload-class"]', "exists": False}
sc.recovery.append({"when": [TOL_CHECK], "apply": recovered(fixed_tol, BATCH + ["k8s-batch-01"], "kubectl patch: tolerate dedicated=batch")})
sc.recovery.append({"when": [SEL_CHECK], "apply": recovered(fixed_gen, ["k8s-wrk-01", "k8s-wrk-03", "k8s-wrk-05"], None)})

sc.truth = {
    "category": "unschedulable",
    "resource": {"kind": "Deployment", "namespace": "bi", "name": "report-renderer"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "bi", "name_regex": f"^{rs8['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "bi", "name_regex": f"^{rs8['metadata']['name']}-"}],
    "evidence": ["dedicated|untolerated taint|toleration",
                 "workload-class|nodeselector|node selector",
                 "pending|failedscheduling|unschedulable",
                 "revision 8|infra-2291|friday|2026-11-27|11-27",
                 "report.render|queue|2143|consumers"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "bi", "name": "report-renderer"},
             "params": {"patch": {"spec": {"template": {"spec": {"tolerations": tol}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "bi", "name": "report-renderer"}},
        ],
        "checks": [{"any_of": [TOL_CHECK, SEL_CHECK]}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "bi", "name": "report-renderer"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "bi", "name": "report-renderer"}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "bi", "name": "rabbitmq"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "bi", "name": pending[0]["metadata"]["name"]}},
            {"action": "patch_resource", "target": {"kind": "Node", "name": "k8s-wrk-04"}},
        ],
    },
    "notes": (
        "Revision 8 of report-renderer (Friday 2026-11-27 16:40 UTC, INFRA-2291 \"move report-renderer to batch pool\") added nodeSelector "
        "workload-class=batch (and 6Gi / concurrency 6) but no toleration, while both batch nodes carry the taint "
        "dedicated=batch:NoSchedule. The Deployment uses strategy Recreate, so the three revision-7 pods were deleted first and "
        "the three new pods have been Pending ever since (FailedScheduling x1012+: \"2 node(s) had untolerated taint {dedicated: "
        "batch}, 4 node(s) didn't match Pod's node affinity/selector\"). Nobody noticed over the weekend and on Monday because the queue is "
        "only busy on the 1st: the monthly-report-scheduler CronJob published 2143 messages at 06:00 Berlin / 05:00 UTC (its log warns \"0 "
        "consumers\"), rabbitmq_queue_consumers went to 0 on Friday at the rollout, and nothing has been rendered since.\n"
        "Fix: give the pod template the toleration dedicated=batch:NoSchedule (patch_resource; the intent of INFRA-2291 "
        "stays), or roll back to revision 7 (general nodes, 2Gi), or drop the nodeSelector; the check accepts a toleration "
        "for dedicated or no workload-class selector. Traps: k8s-wrk-04 was cordoned this morning for a kernel update "
        "(NodeNotSchedulable, \"1 node(s) were unschedulable\" in the same message, and an old readiness failure of a pod "
        "that moved off it) and is not the reason; the three control-plane nodes are always excluded; RabbitMQ and the "
        "scheduler Job are healthy. Restarting or scaling report-renderer only creates more Pending pods; untainting or "
        "uncordoning nodes is not the fix."),
}

if __name__ == "__main__":
    print(sc.write())
