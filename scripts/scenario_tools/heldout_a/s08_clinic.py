"""dependency_failure: the nightly credential rotator changed the DB password and the Secret; appointments-api pods still use the old one from env."""
import copy
from lib import Scn, container, http_probe, template, dep_status, simple_workload

SID = "vet-appointments-booking-errors-thursday-morning"
S = Scn(SID, "2026-11-26T08:22:00Z", 808)
NS = "clinic"
REG = "registry.gitlab.com/pawsome-vets/platform"
IMG = f"{REG}/appointments-api:1.41.0"
nodes = [S.node(f"pool-prod-{s}", zone=z, ip=ip, cpu="4", mem_ki=8148012, itype="s-4vcpu-8gb", kubelet="v1.31.1", created="-58d")
         for s, z, ip in [("e3r9k", "ams3-a", "10.110.0.5"), ("e3r9q", "ams3-b", "10.110.0.6"), ("e3r9x", "ams3-c", "10.110.0.9")]]
for n in nodes:
    n["spec"]["providerID"] = f"digitalocean://4{S.rng.randint(10000000, 99999999)}"
    n["metadata"]["labels"]["doks.digitalocean.com/node-pool"] = "pool-prod"
    n["metadata"]["labels"]["topology.kubernetes.io/region"] = "ams3"
    n["status"]["nodeInfo"]["osImage"] = "Debian GNU/Linux 12 (bookworm)"
    n["status"]["nodeInfo"]["kernelVersion"] = "6.1.0-27-amd64"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
S.pod_net = lambda i, h: f"10.244.{i}.{S.rng.randint(100, 250)}"
LBL = {"app": "appointments-api"}


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("appointments-api", image, port=3000, env=[
        {"name": "NODE_ENV", "value": "production"},
        {"name": "PGHOST", "value": "clinic-pg.clinic.svc"}, {"name": "PGDATABASE", "value": "appointments"},
        {"name": "PGUSER", "valueFrom": {"secretKeyRef": {"name": "appointments-db", "key": "username"}}},
        {"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": "appointments-db", "key": "password"}}},
        {"name": "PG_POOL_MAX", "value": "10"}, {"name": "PG_POOL_MAX_LIFETIME_SECONDS", "value": "1800"}],
        req={"cpu": "200m", "memory": "256Mi"}, lim={"memory": "512Mi"},
        readiness=http_probe("/ready", period=10, timeout=3), liveness=http_probe("/live", delay=15, period=20, timeout=3))],
        serviceAccountName="appointments-api")


t31, t30 = tpl(IMG), tpl(f"{REG}/appointments-api:1.40.2")
C31 = "gitlab-ci deploy appointments-api 1.41.0 (pipeline 99182)"
dep = S.deployment(NS, "appointments-api", labels=dict(LBL), template=t31, revision=31, replicas=3, created="-500d", generation=40, change_cause=C31,
                   status=dep_status(S, replicas=3, ready=1, updated=3, unavailable=2, rs="appointments-api-6fd8b9c7d5", since="-3d", created="-500d", available_since="-14m"))
dep["status"]["conditions"][0].update({"status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."})
rs = S.replicaset(dep, phash="6fd8b9c7d5", revision=31, template=t31, replicas=3, created="-3d", change_cause=C31, ready=1)
S.replicaset(dep, phash="7b49c6d8f5", revision=30, template=t30, replicas=0, created="-12d", change_cause="gitlab-ci deploy appointments-api 1.40.2 (pipeline 98731)")
pods = []
for i, (s, ready, unready_since) in enumerate([("h6kqz", False, "-31m"), ("m2vxd", False, "-14m"), ("s8lwt", True, None)]):
    p = S.pod(rs, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.244.{i}.{S.rng.randint(20, 240)}", created=f"-{4320 - i}m", ready=ready,
              statuses=[S.cstatus("appointments-api", IMG, digest="c0de" * 16, ready=ready, state={"running": {"startedAt": S.t(f"-{4319 - i}m")}})])
    if not ready:
        for c in p["status"]["conditions"]:
            if c["type"] in ("Ready", "ContainersReady"):
                c["lastTransitionTime"] = S.t(unready_since)
    pods.append(p)
S.service(NS, "appointments-api", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="10.245.88.12", labels=dict(LBL))
S.endpoints(NS, "appointments-api", ready=[pods[2]], not_ready=pods[:2], ports=[{"name": "http", "port": 3000, "protocol": "TCP"}], labels=dict(LBL))
sec = S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
             "metadata": {"name": "appointments-db", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-500d"), "labels": {"app.kubernetes.io/managed-by": "pg-credential-rotator"},
                          "annotations": {"rotator.pawsome.vet/rotated-at": S.t("-52m"), "rotator.pawsome.vet/generation": "37"}},
             "data": {"username": "YXBwb2ludG1lbnRz", "password": "Wm5IdjRxOExtMlJ0YjlYdw=="}})

# database
PL = {"app": "clinic-pg"}
ptpl = template(dict(PL), [container("postgres", "docker.io/library/postgres:16.6", port=5432, req={"cpu": "500m", "memory": "2Gi"}, lim={"memory": "2Gi"},
                                     env=[{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "clinic-pg-superuser", "key": "password"}}}])])
ptpl["spec"]["containers"][0]["ports"][0]["name"] = "postgres"
sts = S.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "clinic-pg", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-500d"), "labels": dict(PL), "generation": 6},
             "spec": {"replicas": 1, "serviceName": "clinic-pg", "selector": {"matchLabels": dict(PL)}, "template": ptpl},
             "status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "observedGeneration": 6,
                        "currentRevision": "clinic-pg-85f97c6d4b", "updateRevision": "clinic-pg-85f97c6d4b"}})
pg = S.pod(sts, name="clinic-pg-0", node=N[2][0], host_ip=N[2][1], ip="10.244.2.31", created="-19d",
           statuses=[S.cstatus("postgres", "docker.io/library/postgres:16.6", digest="5a5a" * 16, state={"running": {"startedAt": S.t("-19d")}})])
S.service(NS, "clinic-pg", selector=dict(PL), ports=[{"name": "postgres", "port": 5432, "targetPort": 5432, "protocol": "TCP"}], cluster_ip="10.245.88.30", labels=dict(PL))
S.endpoints(NS, "clinic-pg", ready=[pg], ports=[{"name": "postgres", "port": 5432, "protocol": "TCP"}], labels=dict(PL))
S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "clinic-pg-superuser", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-500d")},
       "data": {"password": "c3VwM3JfUGc3X3Jvb3RfMjAyNg=="}})

# rotator CronJob + its Job and completed pod
RL = {"app": "pg-credential-rotator"}
cj = S.add({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "pg-credential-rotator", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-200d"), "labels": RL},
            "spec": {"schedule": "30 7 * * 4", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                     "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"metadata": {"labels": RL}, "spec": {"restartPolicy": "Never", "serviceAccountName": "pg-credential-rotator", "containers": [
                         {"name": "rotate", "image": f"{REG}/pg-credential-rotator:0.9.3", "args": ["--roles", "appointments,reminders", "--namespace", "clinic"]}]}}}}},
            "status": {"lastScheduleTime": S.t("-52m"), "lastSuccessfulTime": S.t("-51m")}})
job = S.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pg-credential-rotator-29401890", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-52m"), "labels": RL,
                                                                      "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "pg-credential-rotator", "uid": cj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
             "spec": {"backoffLimit": 0, "completions": 1, "parallelism": 1, "template": copy.deepcopy(cj["spec"]["jobTemplate"]["spec"]["template"])},
             "status": {"succeeded": 1, "startTime": S.t("-52m"), "completionTime": S.t("-51m"),
                        "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": S.t("-51m"), "lastTransitionTime": S.t("-51m")}]}})
jp = S.pod(job, suffix="wq7bn", node=N[0][0], host_ip=N[0][1], ip="10.244.0.201", created="-52m", phase="Succeeded", ready=False,
           statuses=[S.cstatus("rotate", f"{REG}/pg-credential-rotator:0.9.3", digest="7e7e" * 16, ready=False, started=False,
                               state={"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": S.t("-52m"), "finishedAt": S.t("-51m"), "containerID": "containerd://" + S.hexid(64)}})])
jp["spec"]["restartPolicy"] = "Never"
jp["metadata"]["labels"] = {**RL, "batch.kubernetes.io/job-name": job["metadata"]["name"], "job-name": job["metadata"]["name"]}
S.event(job, reason="SuccessfulCreate", message=f"Created pod: {jp['metadata']['name']}", first="-52m", component="job-controller")
S.event(job, reason="Completed", message="Job completed", first="-51m", component="job-controller")
S.event(cj, reason="SuccessfulCreate", message=f"Created job {job['metadata']['name']}", first="-52m", component="cronjob-controller")
S.event(cj, reason="SawCompletedJob", message=f"Saw completed job: {job['metadata']['name']}, status: Complete", first="-51m", component="cronjob-controller")

# reminders-worker: same DB, mounts its secret as a file and re-reads it -> healthy
WL = {"app": "reminders-worker"}
wtpl = template(dict(WL), [container("reminders-worker", f"{REG}/reminders-worker:0.22.1", port=8080, env=[
    {"name": "PGHOST", "value": "clinic-pg.clinic.svc"}, {"name": "PG_CREDENTIALS_FILE", "value": "/var/run/secrets/db/password"}],
    req={"cpu": "100m", "memory": "128Mi"}, lim={"memory": "256Mi"}, readiness=http_probe("/healthz"),
    volumeMounts=[{"name": "db", "mountPath": "/var/run/secrets/db", "readOnly": True}])],
    volumes=[{"name": "db", "secret": {"secretName": "reminders-db", "defaultMode": 256}}])
wdep = S.deployment(NS, "reminders-worker", labels=dict(WL), template=wtpl, revision=12, replicas=1, created="-300d", generation=14, change_cause="gitlab-ci deploy reminders-worker 0.22.1",
                    status=dep_status(S, replicas=1, ready=1, updated=1, rs="reminders-worker-5d6c8f7b9", since="-9d", created="-300d"))
wrs = S.replicaset(wdep, phash="5d6c8f7b9", revision=12, template=wtpl, replicas=1, created="-9d", change_cause="gitlab-ci deploy reminders-worker 0.22.1")
wp = S.pod(wrs, suffix="g4tcx", node=N[1][0], host_ip=N[1][1], ip="10.244.1.66", created="-9d",
           statuses=[S.cstatus("reminders-worker", f"{REG}/reminders-worker:0.22.1", digest="4e4e" * 16, state={"running": {"startedAt": S.t("-9d")}})])
S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "reminders-db", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-300d"),
                                                                              "labels": {"app.kubernetes.io/managed-by": "pg-credential-rotator"},
                                                                              "annotations": {"rotator.pawsome.vet/rotated-at": S.t("-52m"), "rotator.pawsome.vet/generation": "37"}},
       "data": {"username": "cmVtaW5kZXJz", "password": "cFQ5d0xrM3ZOcTJaeDhSbQ=="}})
sw, _, swp = simple_workload(S, NS, "clinic-web", image=f"{REG}/clinic-web:2026.11.25.1", nodes=N, replicas=2, revision=301, age="-21h", svc_ip="10.245.88.5", probe="/", port=8080)

# events
for p, since in [(pods[0], "-31m"), (pods[1], "-14m")]:
    S.event(p, reason="Unhealthy", message="Readiness probe failed: HTTP probe failed with statuscode: 503", first=since, last="-10s", count=int(since[1:-1]) * 6,
            etype="Warning", host=p["spec"]["nodeName"], field_path="spec.containers{appointments-api}")
S.event(pods[2], reason="Unhealthy", message="Readiness probe failed: HTTP probe failed with statuscode: 503", first="-2m", last="-2m", count=1,
        etype="Warning", host=pods[2]["spec"]["nodeName"], field_path="spec.containers{appointments-api}")

# logs
S.log(NS, jp, [f"{S.t('-52m')} rotator 0.9.3: rotating roles [appointments reminders] in namespace clinic",
               f"{S._plus(S.t('-52m'), 2)} role appointments: ALTER ROLE ... PASSWORD (scram-sha-256) ok",
               f"{S._plus(S.t('-52m'), 2)} secret clinic/appointments-db: patched keys [password] (generation 37)",
               f"{S._plus(S.t('-52m'), 3)} role reminders: ALTER ROLE ... PASSWORD (scram-sha-256) ok",
               f"{S._plus(S.t('-52m'), 3)} secret clinic/reminders-db: patched keys [password] (generation 37)",
               f"{S._plus(S.t('-52m'), 3)} note: workloads that read credentials from env must be restarted to pick up new values (--restart-consumers=false)",
               f"{S._plus(S.t('-52m'), 4)} done: 2 roles rotated"])
def app_lines(i: int, fail_from: str | None) -> list:
    out = []
    for k in range(60):
        t = S._plus(S.t("-55m"), k * 55 + i * 9)
        failing = fail_from is not None and t >= S.t(fail_from)
        if failing and k % 2 == 0:
            out.append(f'{t} error: [db] pg pool: error acquiring client: password authentication failed for user "appointments" (code 28P01)')
            out.append(f"{t} error: [http] POST /v2/appointments 503 {S.rng.randint(3, 30)}ms - database unavailable")
        else:
            m, u, c = S.rng.choice([("GET", "/v2/slots?clinic=AMS-04&date=2026-11-27", 200), ("POST", "/v2/appointments", 201), ("GET", "/v2/pets/PT-88123/appointments", 200)])
            out.append(f"{t} info: [http] {m} {u} {c} {S.rng.randint(12, 140)}ms")
    return out
for i, f in enumerate(["-34m", "-17m", "-3m"]):
    S.log(NS, pods[i], app_lines(i, f))
for p in pods:
    pass
pg_lines = []
for k in range(26):
    pid = S.rng.randint(20000, 40000)
    pg_lines += [f'[{pid}] FATAL:  password authentication failed for user "appointments"',
                 f'[{pid}] DETAIL:  Connection matched file "/var/lib/postgresql/data/pg_hba.conf" line 128: "host all all all scram-sha-256"']
    if k == 4:
        pg_lines += ["[61] LOG:  checkpoints are occurring too frequently (24 seconds apart)", '[61] HINT:  Consider increasing the configuration parameter "max_wal_size".']
    if k == 14:
        pg_lines.append("[61] LOG:  checkpoint complete: wrote 3121 buffers (19.0%); 0 WAL file(s) added, 0 removed, 3 recycled; write=24.118 s, sync=0.004 s, total=24.131 s")
S.log(NS, pg, pg_lines, at="-40m", every="42s")
S.log(NS, wp, [f"{S._plus(S.t('-55m'), k * 120)} info reminders: sent {S.rng.randint(2, 40)} vaccination reminders (batch {S.rng.randint(1000, 9999)})" for k in range(25)]
      + [f"{S.t('-51m')} info db: credentials file changed, reconnecting pool", f"{S._plus(S.t('-51m'), 1)} info db: pool reconnected (10 clients)"])

n = 121
for status, rates in [("201", [1.4 if k < 67 else max(0.1, 1.4 * (1 - (k - 67) / 40)) for k in range(n)]),
                      ("503", [0.0 if k < 86 else min(1.1, (k - 86) * 0.04) for k in range(n)]),
                      ("200", [9.0 if k < 86 else 9.0 * (1 - min(0.6, (k - 86) * 0.02)) for k in range(n)])]:
    S.metric({"__name__": "http_requests_total", "namespace": NS, "service": "appointments-api", "status_code": status}, S.counter(rates, start=int(7.1e7) if status == "200" else 2210931 if status == "201" else 1108))
S.metric({"__name__": "pg_stat_database_numbackends", "namespace": NS, "datname": "appointments", "instance": "clinic-pg-0"}, [30 if k < 90 else max(11, 30 - (k - 90)) for k in range(n)])
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "appointments-api", "job": "kube-state-metrics"}, [3] * 89 + [2] * 17 + [1] * (n - 106))
S.metric({"__name__": "pg_stat_bgwriter_checkpoints_req_total", "namespace": NS, "instance": "clinic-pg-0"}, S.counter([0.01 if k < 80 else 0.04 if k < 90 else 0.01 for k in range(n)], start=4411, integer=True))
for p in pods:
    S.metric({"__name__": "kube_pod_container_status_restarts_total", "namespace": NS, "pod": p["metadata"]["name"], "container": "appointments-api", "job": "kube-state-metrics"}, [0] * n)

CHECK = {"kind": "Deployment", "namespace": NS, "name": "appointments-api", "path": 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]', "exists": True}
t32 = copy.deepcopy(t31)
t32["metadata"]["annotations"] = {"kubectl.kubernetes.io/restartedAt": S.t("-1m")}
rs32 = S.replicaset(dep, phash="84dc5b9f67", revision=32, template=t32, replicas=3, created="-1m", change_cause=C31, add=False)
rs31_old = copy.deepcopy(rs)
rs31_old["spec"]["replicas"] = 0
rs31_old["status"] = {"replicas": 0, "observedGeneration": 3}
fresh = S.fresh_pods(rs32, pods, container="appointments-api", image=IMG, started="-50s")
ep = copy.deepcopy([o for o in S.objects if o["kind"] == "Endpoints" and o["metadata"]["name"] == "appointments-api"][0])
ep["subsets"][0].pop("notReadyAddresses")
ep["subsets"][0]["addresses"] = [{"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": NS, "uid": p["metadata"]["uid"]}} for p in fresh]
S.dump(f"scenarios/{SID}.yaml",
       title="The weekly pg-credential-rotator changed the appointments role's password and the Secret at 07:30; appointments-api reads PGPASSWORD from env at start, so as pooled connections expire every new one fails authentication and the pods go unready",
       tags=["dependency", "database", "credentials", "secret-rotation", "restart", "red-herring"],
       trigger={"command": "clinics can't book appointments, app shows 'service unavailable' since about 8", "channel": "#vet-platform-oncall", "user": "U04PAWS22"},
       recovery=[{"when": [CHECK], "apply": {"upsert": [rs32, rs31_old] + fresh + [ep],
                                              "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pods],
                                              "logs": [{"namespace": NS, "pod": p["metadata"]["name"], "lines": [
                                                  f'{S.t("-45s")} info: [db] pg pool ready (10 clients, user appointments)',
                                                  f'{S.t("-20s")} info: [http] POST /v2/appointments 201 48ms']} for p in fresh],
                                              "metrics": [{"labels": {"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "appointments-api", "job": "kube-state-metrics"},
                                                           "start": "-120m", "step": "1m", "values": [3] * 89 + [2] * 17 + [1] * (n - 107) + [3]}]}}],
       truth={"category": "dependency_failure", "also_accept": ["config_error", "access_denied"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "appointments-api"},
              "aliases": [{"kind": "Pod", "namespace": NS, "name_regex": "^appointments-api-6fd8b9c7d5-"},
                          {"kind": "ReplicaSet", "namespace": NS, "name_regex": "^appointments-api-6fd8b9c7d5$"},
                          {"kind": "Secret", "namespace": NS, "name_regex": "^appointments-db$"},
                          {"kind": "StatefulSet", "namespace": NS, "name_regex": "^clinic-pg$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^clinic-pg-0$"},
                          {"kind": "Service", "namespace": NS, "name_regex": "^clinic-pg$"},
                          {"kind": "CronJob", "namespace": NS, "name_regex": "^pg-credential-rotator$"}],
              "evidence": ["password authentication failed|28P01", "rotat", "appointments-db|pgpassword|secret", "restart"],
              "remediation": {"accepted": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "appointments-api"}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": NS, "name": "clinic-pg"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": "clinic-pg-0"}},
                                            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "appointments-api"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "appointments-api"}},
                                            {"action": "patch_resource", "target": {"kind": "Secret", "namespace": NS, "name": "appointments-db"}}]},
              "notes": ("At 07:30 the weekly pg-credential-rotator CronJob ran ALTER ROLE for appointments and reminders and patched both Secrets, with "
                        "--restart-consumers=false. reminders-worker mounts its Secret as a file, noticed the change and reconnected. appointments-api "
                        "(3 days old, 1.41.0) got PGPASSWORD from env at start; its pooled connections live 30 minutes, so from ~07:48 each recycled connection "
                        "fails with 'password authentication failed' (28P01), /ready returns 503 and two of three pods are unready, bookings fail. Postgres itself "
                        "is healthy (its log shows the FATALs). Fix: restart the appointments-api Deployment so the pods read the new Secret. "
                        "Red herrings: the 'checkpoints are occurring too frequently' hint in the DB log; the 3-day-old 1.41.0 deploy (rolling back would also "
                        "recreate pods but changes the version for no reason).")})
