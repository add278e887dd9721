"""config_error crash loop: shift-planner revision 27 points FLAGS_FILE at flags.yml; the ConfigMap key is flags.yaml."""
import copy
from lib import Scn, container, http_probe, template, dep_status, rollout_events, pod_start_events, simple_workload

SID = "shift-planner-crashloop-monday-morning"
S = Scn(SID, "2026-11-23T07:41:00Z", 202)
NS = "staffing"
REG = "registry.rotaworks.net/staffing"
IMG = f"{REG}/shift-planner:3.8.4"
ns_ = [S.node(f"gke-rw-prod-pool-2-6f1c{x}-{y}", zone=z, ip=ip, itype="e2-standard-8", kubelet="v1.30.8-gke.1128000")
       for x, y, z, ip in [("0a7d", "r2kq", "europe-west1-b", "10.132.0.41"), ("0a7d", "w8zn", "europe-west1-c", "10.132.0.42"), ("5e21", "l4hd", "europe-west1-d", "10.132.0.57")]]
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in ns_]
S.pod_net = lambda i, h: f"10.48.{i + 1}.{S.rng.randint(130, 250)}"
LBL = {"app": "shift-planner", "tier": "api"}


def tpl(flags: str) -> dict:
    return template(dict(LBL), [container(
        "shift-planner", IMG, port=8000,
        env=[{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "shift-planner-db", "key": "url"}}},
             {"name": "GUNICORN_WORKERS", "value": "4"},
             {"name": "FLAGS_FILE", "value": flags},
             {"name": "SENTRY_ENVIRONMENT", "value": "production"}],
        req={"cpu": "250m", "memory": "384Mi"}, lim={"memory": "768Mi"},
        readiness=http_probe("/api/health/ready", period=10, timeout=2), liveness=http_probe("/api/health/live", delay=20, period=15, timeout=2),
        volumeMounts=[{"name": "flags", "mountPath": "/etc/shift-planner", "readOnly": True}])],
        volumes=[{"name": "flags", "configMap": {"name": "shift-planner-flags", "defaultMode": 420}}], serviceAccountName="shift-planner")


GOOD, BAD = "/etc/shift-planner/flags.yaml", "/etc/shift-planner/flags.yml"
t27, t26, t25 = tpl(BAD), tpl(GOOD), tpl(GOOD)
t25["spec"]["containers"][0]["image"] = f"{REG}/shift-planner:3.8.3"
CAUSE27 = "helm upgrade shift-planner charts/shift-planner-4.2.0 --values prod.yaml"
dep = S.deployment(NS, "shift-planner", labels={**LBL, "helm.sh/chart": "shift-planner-4.2.0", "app.kubernetes.io/managed-by": "Helm"}, template=t27,
                   revision=27, replicas=4, created="-511d", generation=44, change_cause=CAUSE27,
                   annotations={"meta.helm.sh/release-name": "shift-planner", "meta.helm.sh/release-namespace": NS},
                   strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
                   status=dep_status(S, replicas=4, ready=3, updated=2, total=5, unavailable=2, rs="shift-planner-7f9b6c5d48",
                                     since="-26m", created="-511d", progressing="stuck", available_since="-6d"))
rs27 = S.replicaset(dep, phash="7f9b6c5d48", revision=27, template=t27, replicas=2, created="-36m", change_cause=CAUSE27, ready=0)
rs26 = S.replicaset(dep, phash="86d4f7b9c", revision=26, template=t26, replicas=3, created="-6d",
                    change_cause="helm upgrade shift-planner charts/shift-planner-4.1.3 --values prod.yaml")
S.replicaset(dep, phash="5c8b9d6f7", revision=25, template=t25, replicas=0, created="-20d",
             change_cause="helm upgrade shift-planner charts/shift-planner-4.1.2 --values prod.yaml")
old = [S.pod(rs26, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.48.{i + 1}.{31 + i * 7}", created="-6d",
             statuses=[S.cstatus("shift-planner", IMG, digest="7d2e" * 16, state={"running": {"startedAt": S.t("-6d")}})])
       for i, s in enumerate(["gq4tz", "hx7vd", "p2lcn"])]
bad = []
for i, (s, created, restarts) in enumerate([("kw9rb", "-36m", 11), ("zt5mf", "-36m", 11)]):
    fin = S.t(f"-{2 + 3 * i}m")
    st = S._plus(fin, -2)
    bad.append(S.pod(rs27, suffix=s, node=N[i + 1][0], host_ip=N[i + 1][1], ip=f"10.48.{i + 2}.{112 + i}", created=created, ready=False,
                     statuses=[S.cstatus("shift-planner", IMG, digest="7d2e" * 16, ready=False, restarts=restarts, started=False,
                                         state={"waiting": {"reason": "CrashLoopBackOff",
                                                            "message": f"back-off 5m0s restarting failed container=shift-planner pod=shift-planner-7f9b6c5d48-{s}_{NS}(uid)"}},
                                         last={"terminated": {"exitCode": 3, "reason": "Error", "startedAt": st, "finishedAt": fin,
                                                              "containerID": "containerd://" + S.hexid(64)}})]))
for b in bad:
    b["status"]["containerStatuses"][0]["state"]["waiting"]["message"] = b["status"]["containerStatuses"][0]["state"]["waiting"]["message"].replace("(uid)", f"({b['metadata']['uid']})")

S.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shift-planner-flags", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-300d"),
                                                               "labels": {**LBL, "app.kubernetes.io/managed-by": "Helm"},
                                                               "annotations": {"meta.helm.sh/release-name": "shift-planner", "meta.helm.sh/release-namespace": NS}},
       "data": {"flags.yaml": "auto_fill_open_shifts: true\novertime_warnings: true\nswap_marketplace: false\nlabour_law_ruleset: eu-wtd-2024\n"}})
S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
       "metadata": {"name": "shift-planner-db", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-511d")},
       "data": {"url": "cG9zdGdyZXNxbDovL3NoaWZ0X3BsYW5uZXI6eTdRbUw0cDJ2TmJYOWt3ZUB0cmlhZ2UtcGcuc3RhZmZpbmcuc3ZjOjU0MzIvc2hpZnRz"}})
S.service(NS, "shift-planner", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="10.52.14.203", labels=dict(LBL))
S.endpoints(NS, "shift-planner", ready=old, not_ready=bad, ports=[{"name": "http", "port": 8000, "protocol": "TCP"}], labels=dict(LBL))

# neighbours: web frontend, and a CronJob that failed overnight (red herring)
web, _, webp = simple_workload(S, NS, "rota-web", image=f"{REG}/rota-web:2026.11.19-2", nodes=N, replicas=2, revision=88, age="-4d", svc_ip="10.52.3.77", probe="/")
CJL = {"app": "payroll-export"}
cj = S.add({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "payroll-export", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-400d"), "labels": CJL},
            "spec": {"schedule": "0 5 * * *", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"backoffLimit": 2, "template": {"metadata": {"labels": CJL}, "spec": {"restartPolicy": "Never", "containers": [
                         {"name": "export", "image": f"{REG}/payroll-export:1.4.2", "args": ["--target", "sftp://payroll.partner.example/in"]}]}}}}},
            "status": {"lastScheduleTime": S.t("-161m")}})
job = S.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "payroll-export-29398140", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-161m"), "labels": CJL,
                                                                      "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "payroll-export", "uid": cj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
             "spec": {"backoffLimit": 2, "completions": 1, "parallelism": 1, "template": cj["spec"]["jobTemplate"]["spec"]["template"]},
             "status": {"failed": 3, "startTime": S.t("-161m"), "conditions": [
                 {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": S.t("-149m"), "lastTransitionTime": S.t("-149m")}]}})
S.event(job, reason="BackoffLimitExceeded", message="Job has reached the specified backoff limit", first="-149m", etype="Warning", component="job-controller")
S.event(cj, reason="SawCompletedJob", message="Saw completed job: payroll-export-29398140, status: Failed", first="-149m", component="cronjob-controller")

rollout_events(S, dep, [("-36m", "Scaled up replica set shift-planner-7f9b6c5d48 to 1"), ("-36m", "Scaled down replica set shift-planner-86d4f7b9c to 3 from 4"),
                        ("-36m", "Scaled up replica set shift-planner-7f9b6c5d48 to 2 from 1")])
for b in bad:
    node = b["spec"]["nodeName"]
    fp = "spec.containers{shift-planner}"
    S.event(b, reason="Scheduled", message=f"Successfully assigned {NS}/{b['metadata']['name']} to {node}", first=b["metadata"]["creationTimestamp"], component="default-scheduler")
    S.event(b, reason="Pulled", message=f'Container image "{IMG}" already present on machine', first="-36m", last="-3m", count=12, host=node, field_path=fp)
    S.event(b, reason="Created", message="Created container shift-planner", first="-36m", last="-3m", count=12, host=node, field_path=fp)
    S.event(b, reason="Started", message="Started container shift-planner", first="-36m", last="-3m", count=12, host=node, field_path=fp)
    S.event(b, reason="BackOff", message=f"Back-off restarting failed container shift-planner in pod {b['metadata']['name']}_{NS}({b['metadata']['uid']})",
            first="-35m", last="-20s", count=157, etype="Warning", host=node, field_path=fp)
S.event(dep, reason="ProgressDeadlineExceeded", message='Deployment "shift-planner" has timed out progressing: ReplicaSet "shift-planner-7f9b6c5d48" has timed out progressing.',
        first="-26m", etype="Warning", component="deployment-controller")

def crash(t0: str) -> list:
  d = t0.replace("T", " ").replace("Z", "")
  return [f"[{d} +0000] [1] [INFO] Starting gunicorn 22.0.0",
         f"[{d} +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
         f"[{d} +0000] [1] [INFO] Using worker: uvicorn.workers.UvicornWorker",
         f"[{d} +0000] [7] [INFO] Booting worker with pid: 7",
         f"[{d} +0000] [7] [ERROR] Exception in worker process",
         "Traceback (most recent call last):",
         '  File "/app/shift_planner/settings.py", line 88, in load_flags',
         '    with open(os.environ["FLAGS_FILE"], encoding="utf-8") as fh:',
         "FileNotFoundError: [Errno 2] No such file or directory: '/etc/shift-planner/flags.yml'",
         f"[{d} +0000] [7] [INFO] Worker exiting (pid: 7)",
         f"[{d} +0000] [1] [ERROR] Worker (pid:7) exited with code 3",
         f"[{d} +0000] [1] [ERROR] Shutting down: Master",
         f"[{d} +0000] [1] [ERROR] Reason: Worker failed to boot."]
for b in bad:
    S.log(NS, b, crash(b["status"]["containerStatuses"][0]["lastState"]["terminated"]["startedAt"]), previous=True)
for i, p in enumerate(old):
    S.log(NS, p, [f"{S._plus(S.t('-8m'), k * 9 + i)} INFO shift_planner.api: {S.rng.choice(['GET /api/v2/rotas/week/2026-W48', 'GET /api/v2/shifts?site=MAN-03', 'POST /api/v2/swaps', 'GET /api/v2/staff/availability'])} {S.rng.choice([200, 200, 200, 200, 304, 201])} {S.rng.randint(18, 140)}ms"
                  for k in range(50)] + [f"{S._plus(S.t('-5m'), 31 + i)} WARNING shift_planner.rules: overtime warning suppressed for staff_id=88{S.rng.randint(100, 999)} (contract override)"])
S.log(NS, webp[0], [f"{S._plus(S.t('-6m'), k * 20)} 10.48.0.1 - - \"GET /static/js/app.3f9e1c.js HTTP/1.1\" 200 81234" for k in range(15)])

n = 121
cut = n - 36
for p in old:
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "shift-planner", "job": "kube-state-metrics"}, [0] * n)
for b in bad:
    vals = [None] * cut + [min(11, int(k ** 0.55)) for k in range(n - cut)]
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": b["metadata"]["name"], "container": "shift-planner", "job": "kube-state-metrics"}, vals)
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "shift-planner", "job": "kube-state-metrics"}, [4] * cut + [3] * (n - cut))
S.metric({"__name__": "kube_deployment_status_replicas_unavailable", "namespace": NS, "deployment": "shift-planner", "job": "kube-state-metrics"}, [0] * cut + [2] * (n - cut))
traffic = [4 + 40 * min(1, max(0, (k - 40) / 70)) for k in range(n)]  # Monday morning ramp
S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "shift-planner", "status": "200"}, S.counter(traffic, start=51893311))
S.metric({"__name__": "http_server_requests_seconds_count", "namespace": NS, "service": "shift-planner", "status": "500"}, S.counter([0.01] * n, start=1204))

CHECK = {"kind": "Deployment", "namespace": NS, "name": "shift-planner", "path": "spec.template.spec.containers[0].env[2].value", "equals": GOOD}
fresh = S.fresh_pods(rs26, bad, container="shift-planner", image=IMG)
ep = copy.deepcopy([o for o in S.objects if o["kind"] == "Endpoints" and o["metadata"]["name"] == "shift-planner"][0])
ep["subsets"][0].pop("notReadyAddresses")
ep["subsets"][0]["addresses"] += [{"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": NS, "uid": p["metadata"]["uid"]}} for p in fresh[:1]]
dep_fixed = copy.deepcopy(dep)
dep_fixed["spec"]["template"] = copy.deepcopy(t26)
dep_fixed["status"] = dep_status(S, replicas=4, ready=4, updated=4, rs="shift-planner-86d4f7b9c", since="-20s", created="-511d", available_since="-6d")
S.dump(f"scenarios/{SID}.yaml",
       title="shift-planner revision 27 (Helm chart 4.2.0) sets FLAGS_FILE=/etc/shift-planner/flags.yml but the ConfigMap key is flags.yaml; new pods exit 1 and crash-loop, the rollout is stuck",
       tags=["config-error", "crashloopbackoff", "env", "rollback", "red-herring"],
       trigger={"alert": {"status": "firing",
                          "labels": {"alertname": "KubePodCrashLooping", "namespace": NS, "pod": bad[0]["metadata"]["name"], "container": "shift-planner", "severity": "warning",
                                     "job": "kube-state-metrics", "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
                          "annotations": {"summary": "Pod is crash looping.",
                                          "description": f"Pod {NS}/{bad[0]['metadata']['name']} (shift-planner) is in waiting state (reason: \"CrashLoopBackOff\").",
                                          "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"},
                          "startsAt": S.t("-20m"), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Breason%3D%22CrashLoopBackOff%22%7D%5B5m%5D%29+%3E%3D+1",
                          "fingerprint": "e81f42c07a9d3b15"},
                "channel": "#rota-oncall"},
       recovery=[{"when": [CHECK], "apply": {"upsert": fresh + [ep], "delete": [{"kind": "Pod", "namespace": NS, "name": b["metadata"]["name"]} for b in bad],
                                              "logs": [{"namespace": NS, "pod": p["metadata"]["name"], "lines": crash(S.t("-40s"))[:4] + [
                                                  "[2026-11-23 07:40:24 +0000] [7] [INFO] flags loaded from /etc/shift-planner/flags.yaml (4 flags)",
                                                  "[2026-11-23 07:40:24 +0000] [7] [INFO] Application startup complete."]} for p in fresh]}}],
       truth={"category": "config_error", "also_accept": ["bad_rollout"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^shift-planner-7f9b6c5d48$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^shift-planner-7f9b6c5d48-"},
                          {"kind": "ConfigMap", "namespace": NS, "name_regex": "^shift-planner-flags$"}],
              "evidence": ["flags.yml", "FileNotFoundError|no such file", "crashloopbackoff|back-off", "exit code 3|exitcode 3|exitcode: 3|exit 3|exited with code|failed to boot", "revision 26|flags.yaml"],
              "remediation": {"accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"}},
                                           {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"},
                                            "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "shift-planner", "env": [{"name": "FLAGS_FILE", "value": GOOD}]}]}}}}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": bad[0]["metadata"]["name"]}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": bad[1]["metadata"]["name"]}},
                                            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "shift-planner"}}]},
              "notes": ("The image did not change (3.8.4 in revisions 26 and 27): the Helm chart 4.2.0 upgrade at 07:05 changed only the FLAGS_FILE env value from "
                        "/etc/shift-planner/flags.yaml to /etc/shift-planner/flags.yml. The ConfigMap mounted at /etc/shift-planner has only the key flags.yaml, so "
                        "the gunicorn worker raises FileNotFoundError and the master exits (exit code 3, 'Worker failed to boot'); both new pods are in CrashLoopBackOff with 11 restarts "
                        "and the rollout hit its progress deadline. Three revision-26 pods still serve traffic. Fix: roll back to revision 26 or set FLAGS_FILE "
                        "back to flags.yaml. Red herring: the payroll-export CronJob failed at 05:00 (its partner SFTP), unrelated.")})
