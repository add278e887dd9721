"""Scenario credit-scoring-rollout-stuck-after-values-change: new pods ask for 15Gi and fit nowhere."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, container, counter, crashloop, gauge, histogram, http_probe, mutate, res,
                       running, steps, template, terminated)

sc = Scenario("credit-scoring-rollout-stuck-after-values-change",
              title="credit-scoring revision 19 asks for 15Gi of memory per pod (a values typo for 1.5Gi); the surge pod "
                    "fits on no m6i.xlarge node, the cluster-autoscaler cannot help, and the rollout has been stuck for 40 minutes",
              now="2026-11-26T10:47:00Z",
              tags=["unschedulable", "pending", "resources", "rollout-stuck", "eks", "red-herring"])
sc.alert(labels={"alertname": "KubeDeploymentRolloutStuck", "namespace": "lending", "deployment": "credit-scoring",
                 "condition": "Progressing", "reason": "ProgressDeadlineExceeded", "severity": "warning",
                 "cluster": "eks-prod-euc1", "container": "kube-state-metrics", "job": "kube-state-metrics",
                 "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="Deployment rollout is not progressing.",
         description="Rollout of deployment lending/credit-scoring is not progressing for longer than 15 minutes.",
         starts="-16m", channel="#lending-ml-alerts",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentrolloutstuck"})

# ---- nodes: general-m6i (5 x m6i.xlarge) and batch-c6i (2 x c6i.2xlarge, tainted)
GEN = []
for i, (ip, zone) in enumerate([("10.61.12.47", "eu-central-1a"), ("10.61.27.190", "eu-central-1b"),
                                ("10.61.40.12", "eu-central-1c"), ("10.61.13.201", "eu-central-1a"),
                                ("10.61.29.88", "eu-central-1b")]):
    name = f"ip-{ip.replace('.', '-')}.eu-central-1.compute.internal"
    sc.node(name, flavour="eks", zone=zone, instance="m6i.xlarge", cpu=4, mem_gib=15.16, ip=ip, pool="general-m6i",
            created=f"-{19 - i * 2}d", mem_reserved_ki=803_000, pods=58, cpu_reserved_m=80)
    GEN.append(name)
BATCH = []
for ip, zone in [("10.61.44.9", "eu-central-1c"), ("10.61.16.130", "eu-central-1a")]:
    name = f"ip-{ip.replace('.', '-')}.eu-central-1.compute.internal"
    sc.node(name, flavour="eks", zone=zone, instance="c6i.2xlarge", cpu=8, mem_gib=15.16, ip=ip, pool="batch-c6i",
            created="-6d", mem_reserved_ki=803_000, pods=58, cpu_reserved_m=90,
            labels={"workload": "batch"}, taints=[{"key": "workload", "value": "batch", "effect": "NoSchedule"}])
    BATCH.append(name)

REG = "318471920377.dkr.ecr.eu-central-1.amazonaws.com"
LAB = {"app.kubernetes.io/name": "credit-scoring", "app.kubernetes.io/instance": "credit-scoring",
       "app.kubernetes.io/part-of": "lending-ml"}


def scoring_tmpl(version: str, model: str, mem: str, chart: str) -> dict:
    return template(
        {**LAB, "app.kubernetes.io/version": version, "helm.sh/chart": f"credit-scoring-{chart}"},
        [container("credit-scoring", f"{REG}/lending/credit-scoring:{version}",
                   command=["gunicorn", "credit_scoring.app:app", "-k", "uvicorn.workers.UvicornWorker",
                            "--workers", "3", "--bind", "0.0.0.0:8000", "--timeout", "30"],
                   ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                   env=[{"name": "MODEL_URI", "value": f"s3://lending-models-prod/lightgbm/{model}/model.txt"},
                        {"name": "FEATURE_GATEWAY_URL", "value": "http://feature-gateway.lending.svc.cluster.local:8080"},
                        {"name": "SCORE_CACHE_URL", "value": "redis://lending-cache.lending.svc.cluster.local:6379/2"},
                        {"name": "LOG_LEVEL", "value": "info"}],
                   resources=res("500m", mem, "2", mem),
                   readinessProbe=http_probe("/ready", "http", period=5, timeout=2),
                   livenessProbe=http_probe("/live", "http", period=15, timeout=3, initial=20))],
        serviceAccountName="credit-scoring",
        affinity={"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone",
                                                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "credit-scoring"}}}}]}})


revs = [
    {"rev": 17, "created": "-16d", "template": scoring_tmpl("2.8.4", "2026-11-08", "1536Mi", "1.8.7"),
     "cause": "helm upgrade credit-scoring credit-scoring-1.8.7 (app 2.8.4)"},
    {"rev": 18, "created": "-5d", "template": scoring_tmpl("2.9.0", "2026-11-18", "1536Mi", "1.9.2"),
     "cause": "helm upgrade credit-scoring credit-scoring-1.9.2 (app 2.9.0)"},
    {"rev": 19, "created": "-42m", "template": scoring_tmpl("2.9.1", "2026-11-25", "15Gi", "1.9.3"),
     "cause": "helm upgrade credit-scoring credit-scoring-1.9.3 (app 2.9.1)", "replicas": 1},
]
revs[1]["replicas"] = 4
dep = sc.deployment("lending", "credit-scoring", labels={**LAB, "team": "lending-ml", "app.kubernetes.io/managed-by": "Helm"},
                    selector={"app.kubernetes.io/name": "credit-scoring", "app.kubernetes.io/instance": "credit-scoring"},
                    revisions=revs, replicas=4, created="-400d", generation=41,
                    strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                    extra_annotations={"meta.helm.sh/release-name": "credit-scoring", "meta.helm.sh/release-namespace": "lending"})
rs17, rs18, rs19 = dep["_rs"]
old_pods = []
for i, node in enumerate(GEN[:4]):
    p = sc.pod(rs18, node=node, created=f"-5d{2 * i}m", states={"credit-scoring": running(f"-5d{2 * i - 1 if i else 0}m")})
    old_pods.append(p)
PENDING_MSG = ("0/7 nodes are available: 2 node(s) had untolerated taint {workload: batch}, 5 Insufficient memory. "
               "preemption: 0/7 nodes are available: 2 Preemption is not helpful for scheduling, "
               "5 No preemption victims found for incoming pod.")
newpod = sc.pod(rs19, node=None, created="-41m48s", states={}, pending_message=PENDING_MSG)
dep["status"] = {
    "observedGeneration": 41, "replicas": 5, "updatedReplicas": 1, "readyReplicas": 4, "availableReplicas": 4,
    "unavailableReplicas": 1,
    "conditions": [
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
         "lastUpdateTime": sc.ts("-5d"), "lastTransitionTime": sc.ts("-5d")},
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
         "message": f"ReplicaSet \"{rs19['metadata']['name']}\" has timed out progressing.",
         "lastUpdateTime": sc.ts("-31m48s"), "lastTransitionTime": sc.ts("-31m48s")}]}

svc, _ = sc.service("lending", "credit-scoring", selector={"app.kubernetes.io/name": "credit-scoring", "app.kubernetes.io/instance": "credit-scoring"},
                    ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-400d",
                    cluster_ip="172.20.118.41", labels=LAB, pods=old_pods + [newpod])

# ---- neighbours in lending: feature-gateway (Go), decision-rules (Java), lending-cache (redis)
fg_t = template({"app": "feature-gateway"}, [container("feature-gateway", f"{REG}/lending/feature-gateway:1.14.2",
                ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9102, "protocol": "TCP"}],
                env=[{"name": "GOMAXPROCS", "value": "2"}, {"name": "DYNAMO_TABLE", "value": "lending-features-prod"}],
                resources=res("250m", "256Mi", None, "512Mi"), readinessProbe=http_probe("/healthz", "http", period=5))],
                serviceAccountName="feature-gateway")
fg = sc.deployment("lending", "feature-gateway", labels={"app": "feature-gateway", "team": "lending-ml"}, selector={"app": "feature-gateway"},
                   revisions=[{"rev": 31, "created": "-9d", "template": fg_t, "cause": "feature-gateway 1.14.2"}], replicas=3, created="-500d")
fg_pods = [sc.pod(fg["_rs"][0], node=n, created="-9d", states={"feature-gateway": running("-9d")}) for n in (GEN[1], GEN[2], GEN[4])]
sc.service("lending", "feature-gateway", selector={"app": "feature-gateway"}, ports=[{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}],
           created="-500d", cluster_ip="172.20.7.203", labels={"app": "feature-gateway"}, pods=fg_pods)

re_t = template({"app": "decision-rules"}, [container("decision-rules", f"{REG}/lending/decision-rules:5.2.0",
                ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75 -XX:+UseG1GC"}, {"name": "SPRING_PROFILES_ACTIVE", "value": "prod"}],
                resources=res("500m", "1Gi", None, "1536Mi"),
                readinessProbe=http_probe("/actuator/health/readiness", "http", period=10, timeout=2),
                livenessProbe=http_probe("/actuator/health/liveness", "http", period=20, timeout=3, initial=60))])
rules = sc.deployment("lending", "decision-rules", labels={"app": "decision-rules", "team": "lending-ml"}, selector={"app": "decision-rules"},
                      revisions=[{"rev": 12, "created": "-21d", "template": re_t, "cause": "decision-rules 5.2.0"}], replicas=2, created="-600d")
rules_pods = [sc.pod(rules["_rs"][0], node=GEN[0], created="-21d", states={"decision-rules": running("-21d")}),
              sc.pod(rules["_rs"][0], node=GEN[3], created="-21d", states={"decision-rules": running("-2d", )},
                     restarts={"decision-rules": 1},
                     last={"decision-rules": {"code": 137, "reason": "OOMKilled", "start": "-21d", "end": "-2d"}})]
sc.service("lending", "decision-rules", selector={"app": "decision-rules"}, ports=[{"name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"}],
           created="-600d", cluster_ip="172.20.90.14", labels={"app": "decision-rules"}, pods=rules_pods)

cache_t = template({"app": "lending-cache"}, [container("redis", "public.ecr.aws/docker/library/redis:7.2.5",
                   args=["--maxmemory", "1gb", "--maxmemory-policy", "allkeys-lru", "--save", ""],
                   ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}], resources=res("200m", "1280Mi", None, "1280Mi"))])
cache = sc.statefulset("lending", "lending-cache", labels={"app": "lending-cache"}, selector={"app": "lending-cache"}, template=cache_t,
                       replicas=1, created="-600d", service="lending-cache")
cache_pod = sc.pod(cache, node=GEN[2], created="-12d", name="lending-cache-0", states={"redis": running("-12d")})
sc.service("lending", "lending-cache", selector={"app": "lending-cache"}, ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}],
           created="-600d", cluster_ip="172.20.55.160", labels={"app": "lending-cache"}, pods=[cache_pod])

# ---- red herring: the weekly trainer Job waited for a GPU node two days ago, then ran and completed
job_t = template({"app": "model-trainer"}, [container("trainer", f"{REG}/lending/model-trainer:0.31.0",
                 args=["--dataset", "s3://lending-datasets-prod/txn/2026-11-23", "--out", "s3://lending-models-prod/lightgbm/2026-11-25/"],
                 resources=res("6", "24Gi", None, "24Gi"))], restartPolicy="Never",
                 tolerations=[{"key": "workload", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
                 nodeSelector={"workload": "batch"})
job = sc.add({"apiVersion": "batch/v1", "kind": "Job",
              "metadata": sc.meta("Job", "model-trainer-29397600", "lending", created="-2d1h", labels={"app": "model-trainer"}),
              "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 1, "completionMode": "NonIndexed", "suspend": False,
                       "template": job_t},
              "status": {"startTime": sc.ts("-2d1h"), "completionTime": sc.ts("-1d21h"), "succeeded": 1, "ready": 0, "terminating": 0,
                         "uncountedTerminatedPods": {},
                         "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods",
                                         "lastProbeTime": sc.ts("-1d21h"), "lastTransitionTime": sc.ts("-1d21h")},
                                        {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods",
                                         "lastProbeTime": sc.ts("-1d21h"), "lastTransitionTime": sc.ts("-1d21h")}]}},
             comment="red herring: trainer job two days ago waited 9 minutes for a batch node, then completed")
job_pod = sc.pod(job, node=BATCH[1], created="-2d1h", states={"trainer": terminated("-2d51m", "-1d21h", code=0, reason="Completed")},
                 phase="Succeeded")
job_pod["status"]["conditions"][2].update({"reason": "PodCompleted"})
sc.event(job_pod, "FailedScheduling",
         "0/6 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {workload: batch}, "
         "5 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 1 No preemption victims found for incoming pod, "
         "5 Preemption is not helpful for scheduling.", type="Warning", first="-2d1h", last="-2d52m", count=4, component="default-scheduler")
sc.event(job_pod, "TriggeredScaleUp", "pod triggered scale-up: [{eks-batch-c6i-3ec9a1f2-7b2d-4c11-9e51-1c0f2a7d9b10 1->2 (max: 4)}]",
         first="-2d59m", component="cluster-autoscaler")
sc.event(job_pod, "Scheduled", f"Successfully assigned lending/{job_pod['metadata']['name']} to {BATCH[1]}", first="-2d52m",
         component="default-scheduler")

# ---- events of the stuck rollout
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs19['metadata']['name']} from 0 to 1", first="-41m48s",
         component="deployment-controller")
sc.event(rs19, "SuccessfulCreate", f"Created pod: {newpod['metadata']['name']}", first="-41m48s", component="replicaset-controller")
sc.event(newpod, "FailedScheduling", PENDING_MSG, type="Warning", first="-41m48s", last="-1m36s", count=11,
         component="default-scheduler")
sc.event(newpod, "NotTriggerScaleUp",
         "pod didn't trigger scale-up: 1 node(s) had untolerated taint {workload: batch}, 1 Insufficient memory",
         first="-41m30s", last="-40s", count=241, component="cluster-autoscaler")
sc.event(old_pods[2], "Unhealthy", "Readiness probe failed: Get \"http://" + old_pods[2]["status"]["podIP"] +
         ":8000/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type="Warning",
         first="-3d4h", last="-3d4h", count=1, field_path="spec.containers{credit-scoring}")

# ---- logs
for i, p in enumerate(old_pods):
    t0 = p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
    lines = [sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Starting gunicorn 22.0.0"),
             sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)"),
             sc.fmt(t0, "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Using worker: uvicorn.workers.UvicornWorker"),
             sc.fmt(sc.dt_after(t0, 3), "%Y-%m-%dT%H:%M:%S.%fZ INFO credit_scoring.model loaded lightgbm model 2026-11-18 (features=412, trees=1800, rss=1.07GiB)"),
             sc.fmt(sc.dt_after(t0, 4), "%Y-%m-%dT%H:%M:%S.%fZ INFO uvicorn.error Application startup complete.")]
    for k, t in enumerate(sc.ticks("-5m", "-10s", 9, jitter=0.8)):
        caller = f"10.61.{(12, 27, 40, 13, 29)[k % 5]}.{(47, 190, 12, 201, 88)[k % 5]}:{32768 + (k * 7919 + i * 104729) % 28000}"
        if k % 4 == 3:
            lines.append(sc.fmt(t, f"%Y-%m-%dT%H:%M:%S.%fZ INFO uvicorn.access {p['status']['hostIP']}:{40000 + k * 37 % 9000} - \"GET /ready HTTP/1.1\" 200"))
        elif k % 9 == 5:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ WARNING credit_scoring.features feature 'merchant_chargeback_30d' missing for 3 txns, using default 0.0"))
        else:
            lines.append(sc.fmt(t, f"%Y-%m-%dT%H:%M:%S.%fZ INFO uvicorn.access {caller} - \"POST /v2/score HTTP/1.1\" 200"))
            if k % 6 == 0:
                lines.append(sc.fmt(t + timedelta(milliseconds=3), f"%Y-%m-%dT%H:%M:%S.%fZ INFO credit_scoring.api scored batch size=64 p50_ms={10 + k % 3} p99_ms={33 + k % 11} model=2026-11-18"))
    sc.log(p, lines)
sc.log(fg_pods[0], ["{\"level\":\"info\",\"ts\":\"2026-11-26T10:46:51.203Z\",\"msg\":\"served\",\"path\":\"/v1/features\",\"status\":200,\"dur_ms\":4.2}",
                    "{\"level\":\"info\",\"ts\":\"2026-11-26T10:46:52.010Z\",\"msg\":\"dynamodb batch get\",\"items\":64,\"consumed_rcu\":32,\"dur_ms\":6.8}"], repeat=20)
sc.log(rules_pods[1], ["2026-11-26T10:45:00.004Z  INFO 1 --- [decision-rules] [   scheduling-1] c.e.lending.rules.RuleSetReloader       : ruleset lending-2026.47.3 unchanged (312 rules)"])
sc.log(job_pod, ["2026-11-24T10:08:03Z INFO training lightgbm on 48211390 rows, 412 features",
                 "2026-11-24T13:57:40Z INFO validation auc=0.9412 (prev 0.9398)",
                 "2026-11-24T13:58:02Z INFO wrote s3://lending-models-prod/lightgbm/2026-11-25/model.txt (1.43 GiB)"])

# ---- metrics: 90 minutes at 1m
N, START = 90, "-89m"
dep_lab = {"namespace": "lending", "deployment": "credit-scoring", "job": "kube-state-metrics", "container": "kube-state-metrics"}
sc.series({"__name__": "kube_deployment_spec_replicas", **dep_lab}, [4] * N, start=START, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", **dep_lab}, [4] * N, start=START, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_updated", **dep_lab}, steps(N, [(0, 4), (48, 1)]), start=START, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_unavailable", **dep_lab}, steps(N, [(0, 0), (48, 1)]), start=START, step="1m")
sc.series({"__name__": "kube_deployment_status_condition", **dep_lab, "condition": "Progressing", "status": "false"},
          steps(N, [(0, 0), (58, 1)]), start=START, step="1m")
sc.series({"__name__": "kube_pod_status_phase", "namespace": "lending", "pod": newpod["metadata"]["name"], "phase": "Pending",
           "job": "kube-state-metrics", "uid": newpod["metadata"]["uid"]}, [None] * 48 + [1] * (N - 48), start=START, step="1m")
sc.series({"__name__": "kube_pod_container_resource_requests", "namespace": "lending", "pod": newpod["metadata"]["name"],
           "container": "credit-scoring", "resource": "memory", "unit": "byte", "job": "kube-state-metrics"},
          [None] * 48 + [16106127360] * (N - 48), start=START, step="1m")
for p in old_pods:
    pn = p["metadata"]["name"]
    sc.series({"__name__": "kube_pod_container_resource_requests", "namespace": "lending", "pod": pn, "container": "credit-scoring",
               "resource": "memory", "unit": "byte", "job": "kube-state-metrics"}, [1610612736] * N, start=START, step="1m")
    sc.series({"__name__": "container_memory_working_set_bytes", "namespace": "lending", "pod": pn, "container": "credit-scoring",
               "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"},
              gauge(sc, pn, [1.16e9] * N, noise=0.012), start=START, step="1m")
    sc.series({"__name__": "kube_pod_container_status_restarts_total", "namespace": "lending", "pod": pn, "container": "credit-scoring",
               "job": "kube-state-metrics"}, [0] * N, start=START, step="1m")
for n in GEN:
    sc.series({"__name__": "kube_node_status_allocatable", "node": n, "resource": "memory", "unit": "byte", "job": "kube-state-metrics"},
              [15455569920] * N, start=START, step="1m")
rps = [38 + 6 * (i / N) for i in range(N)]
histogram(sc, "http_server_request_duration_seconds", {"namespace": "lending", "service": "credit-scoring", "method": "POST",
          "route": "/v2/score", "status": "200"}, n=N, start=START, step="1m", rps=rps, median_s=[0.012] * N, sigma=0.6,
          start_count=88_412_930)
sc.series({"__name__": "http_server_request_duration_seconds_count", "namespace": "lending", "service": "credit-scoring", "method": "POST",
           "route": "/v2/score", "status": "500"}, counter(sc, "e500", [0.05] * N, start_value=2211, noise=0.9), start=START, step="1m")

# ---- recovery: a right-sized template rolls out
fixed = mutate(revs[2]["template"], lambda t: t["spec"]["containers"][0].update(resources=res("500m", "1536Mi", "2", "1536Mi")))
rdep = sc.deployment("lending", "credit-scoring", labels=dep["metadata"]["labels"], selector=dep["spec"]["selector"]["matchLabels"],
                     revisions=[dict(revs[0], replicas=0), dict(revs[1], replicas=0), dict(revs[2], replicas=0),
                                {"rev": 20, "created": "+10s", "template": fixed, "cause": "set resources credit-scoring requests.memory=1536Mi", "replicas": 4}],
                     replicas=4, created="-400d", generation=43, strategy=dep["spec"]["strategy"], add=False,
                     extra_annotations={"meta.helm.sh/release-name": "credit-scoring", "meta.helm.sh/release-namespace": "lending"})
rnew = [sc.pod(rdep["_rs"][3], node=n, created=f"+{20 + 25 * i}s", states={"credit-scoring": running(f"+{24 + 25 * i}s")}, add=False)
        for i, n in enumerate(GEN[:4])]
rdep["status"] = {"observedGeneration": 43, "replicas": 4, "updatedReplicas": 4, "readyReplicas": 4, "availableReplicas": 4,
                  "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                                  "lastUpdateTime": sc.ts("-5d"), "lastTransitionTime": sc.ts("-5d")},
                                 {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                                  "message": f"ReplicaSet \"{rdep['_rs'][3]['metadata']['name']}\" has successfully progressed.",
                                  "lastUpdateTime": sc.ts("+2m"), "lastTransitionTime": sc.ts("+10s")}]}
for rs in rdep["_rs"][1:3]:
    rs["status"] = {"replicas": 0, "observedGeneration": 3}
rdep["_rs"][3]["status"] = {"replicas": 4, "fullyLabeledReplicas": 4, "readyReplicas": 4, "availableReplicas": 4, "observedGeneration": 1}
_, rep = sc.service("lending", "credit-scoring", selector=svc["spec"]["selector"], ports=svc["spec"]["ports"], created="-400d",
                    cluster_ip="172.20.118.41", labels=LAB, pods=rnew, add=False)
sc.recovery.append({
    "when": [{"kind": "Deployment", "namespace": "lending", "name": "credit-scoring",
              "path": "spec.template.spec.containers[0].resources.requests.memory", "at_most": "8Gi"}],
    "apply": {
        "upsert": [rdep, *rdep["_rs"][1:], *rnew, rep],
        "delete": [{"kind": "Pod", "namespace": "lending", "name": p["metadata"]["name"]} for p in old_pods + [newpod]],
        "logs": [{"namespace": "lending", "pod": p["metadata"]["name"], "lines": [
            sc.fmt(f"+{24 + 25 * i}s", "[%Y-%m-%d %H:%M:%S +0000] [1] [INFO] Starting gunicorn 22.0.0"),
            sc.fmt(f"+{27 + 25 * i}s", "%Y-%m-%dT%H:%M:%S.%fZ INFO credit_scoring.model loaded lightgbm model 2026-11-25 (features=418, trees=2000, rss=1.21GiB)"),
            sc.fmt(f"+{28 + 25 * i}s", "%Y-%m-%dT%H:%M:%S.%fZ INFO uvicorn.error Application startup complete."),
            sc.fmt(f"+{40 + 25 * i}s", "%Y-%m-%dT%H:%M:%S.%fZ INFO uvicorn.access 10.61.27.190:0 - \"POST /v2/score HTTP/1.1\" 200")]}
            for i, p in enumerate(rnew)],
        "metrics": [
            sc.series({"__name__": "kube_deployment_status_replicas_updated", **dep_lab}, steps(N, [(0, 4), (48, 1), (N - 1, 4)]), start=START, step="1m", add=False),
            sc.series({"__name__": "kube_deployment_status_replicas_unavailable", **dep_lab}, steps(N, [(0, 0), (48, 1), (N - 1, 0)]), start=START, step="1m", add=False),
            sc.series({"__name__": "kube_deployment_status_condition", **dep_lab, "condition": "Progressing", "status": "false"},
                      steps(N, [(0, 0), (58, 1), (N - 1, 0)]), start=START, step="1m", add=False),
        ]}})

RS19 = rs19["metadata"]["name"]
sc.truth = {
    "category": "unschedulable",
    "also_accept": ["bad_rollout"],
    "resource": {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "lending", "name_regex": f"^{RS19}$"},
                {"kind": "Pod", "namespace": "lending", "name_regex": f"^{RS19}-"}],
    "evidence": ["insufficient memory",
                 "15gi|16106127360|15 gi",
                 "1536mi|1.5gi|1610612736",
                 "revision 19|2.9.1|revision 18",
                 "pending|failedscheduling|unschedulable",
                 "m6i.xlarge|allocatable|14.4|15093"],
    "remediation": {
        "accepted": [
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring"},
             "params": {"container": "credit-scoring", "requests": {"memory": "1536Mi"}, "limits": {"memory": "1536Mi"}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring"}},
        ],
        "checks": [
            {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring",
             "path": "spec.template.spec.containers[0].resources.requests.memory", "at_most": "8Gi"},
            {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring",
             "path": "spec.template.spec.containers[0].resources.requests.memory", "at_least": "1Gi"},
        ],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "lending", "name": "credit-scoring"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "lending", "name": newpod["metadata"]["name"]}},
            {"action": "patch_resource", "target": {"kind": "Node", "name": BATCH[0]}},
        ],
    },
    "notes": (
        "Revision 19 (helm chart credit-scoring-1.9.3, app 2.9.1, 10:05 today) changed two things against revision 18: the model "
        "(2026-11-18 -> 2026-11-25) and the container memory, requests and limits both 1536Mi -> 15Gi; the chart values held "
        "\"15Gi\" where \"1.5Gi\" was meant. An m6i.xlarge node has 15093330Ki (~14.4 GiB) allocatable, so the surge pod fits on no "
        "general node (\"5 Insufficient memory\") and the two c6i batch nodes are tainted workload=batch; the cluster-autoscaler "
        "cannot help because a new node of the same type is no bigger (NotTriggerScaleUp). With maxSurge 1 / maxUnavailable 0 the "
        "four revision-18 pods keep serving, so users see nothing: the only symptoms are the Pending pod, the FailedScheduling "
        "events and Progressing=False (ProgressDeadlineExceeded) on the Deployment. Running pods use ~1.1 GiB "
        "(container_memory_working_set_bytes), and the trainer log says the new model is 1.43 GiB on disk, so 1536Mi is the "
        "right order of magnitude.\n"
        "Fix: set the memory back to ~1.5Gi on the current template (set_resources; the checks accept requests between 1Gi and "
        "8Gi) or roll back to revision 18 (loses the model bump, still right). Traps: the model-trainer Job's FailedScheduling "
        "and TriggeredScaleUp two days ago (GPU/batch pool) are old and unrelated; decision-rules's OOMKilled restart two days ago "
        "recovered; one old readiness timeout on a credit-scoring pod three days ago. Restarting, scaling or deleting the Pending "
        "pod changes nothing; untainting the batch nodes would let the pod schedule only if one had 15Gi free, and would put "
        "online traffic on the batch pool."),
}

if __name__ == "__main__":
    print(sc.write())
