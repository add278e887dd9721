"""scaled to zero: outage-notifier left at 0 replicas after a night DB maintenance."""
from lib import *

seed(404)
c = Clock("2026-12-10T07:48:00Z")
NS = "grid-notify"
nodes = three_nodes(c, "10.12", "eu-west-2", group="core-2026-10", itype="m6a.xlarge", created="2026-10-21T05:10:00Z")
for n in nodes:
    n["status"]["capacity"]["cpu"] = "4"
    n["status"]["allocatable"]["cpu"] = "3920m"
IMG = "registry.brightgrid.energy/notify/outage-notifier:3.6.2"
spec = {"serviceAccountName": "outage-notifier", "terminationGracePeriodSeconds": 45,
        "containers": [{"name": "outage-notifier", "image": IMG,
                        "env": [{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "notify-rabbitmq", "key": "url"}}}, {"name": "AMQP_QUEUE", "value": "outage.events"},
                                {"name": "DB_HOST", "value": "notify-db.grid-notify.svc"}, {"name": "SMS_PROVIDER", "value": "smsbridge"}, {"name": "PREFETCH", "value": "50"}],
                        "ports": [{"name": "metrics", "containerPort": 9100, "protocol": "TCP"}],
                        "resources": {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "384Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": "metrics"}, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3, "successThreshold": 1}}]}
w = Workload(NS, "outage-notifier", created="2025-04-07T10:00:00Z", labels={"app.kubernetes.io/name": "outage-notifier", "app.kubernetes.io/instance": "outage-notifier", "app.kubernetes.io/managed-by": "Helm"},
             selector={"app.kubernetes.io/name": "outage-notifier"}, replicas=0)
w.revision(21, {**spec, "containers": [{**spec["containers"][0], "image": "registry.brightgrid.energy/notify/outage-notifier:3.6.1"}]}, created="2026-11-12T09:40:00Z", cause="outage-notifier 3.6.1", h="7b9c5d4f86")
w.revision(22, spec, created="2026-11-26T13:18:27Z", cause="outage-notifier 3.6.2 (retry smsbridge 429 with backoff)", h="6d9f7c8b5d")
managed = [
    {"manager": "helm", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-11-26T13:18:27Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {}}}}}},
    {"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-10T01:52:14Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}, "subresource": "scale"},
    {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-10T01:52:58Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:replicas": {}, "f:conditions": {}}}, "subresource": "status"}]
dep_objs = w.objects(current=22, gen=31, managed=managed, status={
    "observedGeneration": 31, "conditions": [
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": "ReplicaSet \"outage-notifier-6d9f7c8b5d\" has successfully progressed.", "lastUpdateTime": "2026-11-26T13:19:40Z", "lastTransitionTime": "2025-04-07T10:00:00Z"},
        {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.", "lastUpdateTime": "2026-11-26T13:19:40Z", "lastTransitionTime": "2026-11-26T13:19:40Z"}]})
api_w, api_p = simple(NS, "notify-api", "registry.brightgrid.energy/notify/notify-api:2.9.0", nodes=nodes, rev=17, rev_created="2026-11-19T11:02:00Z", created="2025-04-07T10:00:00Z", replicas=2, cpu="150m", mem="256Mi")
# notify-db StatefulSet, restarted in the maintenance window
db_img = "docker.io/library/postgres:15.10"
db_sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "notify-db", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-04-07T09:50:00Z", "generation": 6, "labels": {"app.kubernetes.io/name": "notify-db"}},
          "spec": {"replicas": 1, "serviceName": "notify-db", "selector": {"matchLabels": {"app.kubernetes.io/name": "notify-db"}},
                   "template": {"metadata": {"labels": {"app.kubernetes.io/name": "notify-db"}}, "spec": {"containers": [{"name": "postgres", "image": db_img, "ports": [{"name": "pg", "containerPort": 5432}], "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}, "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}]}]}},
                   "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "50Gi"}}}}],
                   "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, "podManagementPolicy": "OrderedReady"},
          "status": {"observedGeneration": 6, "replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "currentRevision": "notify-db-5f8d7b6c9", "updateRevision": "notify-db-5f8d7b6c9", "collisionCount": 0}}
db_pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "notify-db-0", "namespace": NS, "uid": uid(), "creationTimestamp": "2026-12-10T02:12:09Z",
                                                          "labels": {"app.kubernetes.io/name": "notify-db", "statefulset.kubernetes.io/pod-name": "notify-db-0", "controller-revision-hash": "notify-db-5f8d7b6c9"},
                                                          "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "notify-db", "uid": db_sts["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
          "spec": {**db_sts["spec"]["template"]["spec"], "nodeName": nref(nodes[2])[0], "hostname": "notify-db-0", "subdomain": "notify-db", "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-notify-db-0"}}]},
          "status": {"phase": "Running", "qosClass": "Guaranteed" if False else "Burstable", "hostIP": nref(nodes[2])[1], "podIP": "10.12.51.119", "startTime": "2026-12-10T02:12:09Z",
                     "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-10T02:12:31Z"}, {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-10T02:12:09Z"}],
                     "containerStatuses": [{k: v for k, v in running("postgres", db_img, "2026-12-10T02:12:14Z").items() if k != "_start"}]}}
pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "outage-notifier", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-04-07T10:00:00Z", "generation": 1, "labels": {"app.kubernetes.io/name": "outage-notifier"}},
       "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app.kubernetes.io/name": "outage-notifier"}}},
       "status": {"observedGeneration": 1, "currentHealthy": 0, "desiredHealthy": 2, "disruptionsAllowed": 0, "expectedPods": 0,
                  "conditions": [{"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods", "message": "", "lastTransitionTime": "2026-12-10T01:52:58Z", "observedGeneration": 1}]}}
objs = nodes + [namespace(NS, "2025-04-07T09:45:00Z", {"team": "customer-comms"})] + dep_objs + api_w.objects(current=17) + [db_sts, db_pod, pdb]
objs += [service(NS, "notify-api", created="2025-04-07T10:00:00Z", selector={"app.kubernetes.io/name": "notify-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.61.8"),
         endpoints(NS, "notify-api", created="2025-04-07T10:00:00Z", pods=api_p, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "notify-rabbitmq", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-04-07T09:50:00Z"}, "type": "Opaque", "data": {"url": "YW1xcDovL25vdGlmeTpHcmlkLU5vdGlmeS03NzQxQG5vdGlmeS1yYWJiaXRtcS5ncmlkLW5vdGlmeTo1NjcyLw=="}},
         {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data-notify-db-0", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-04-07T09:50:00Z", "labels": {"app.kubernetes.io/name": "notify-db"}},
          "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "50Gi"}}, "volumeName": "pvc-" + uid(), "volumeMode": "Filesystem"},
          "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"}}}]
objs.append(event(NS, "Pod", api_p[0]["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: HTTP probe failed with statuscode: 503", type="Warning", first=c.t(-41), count=1, host=api_p[0]["spec"]["nodeName"], field="spec.containers{notify-api}"))

logs = [{"namespace": NS, "pod": "notify-db-0", "lines": [
    "2026-12-10 02:12:15.201 UTC [1] LOG:  starting PostgreSQL 15.10 (Debian 15.10-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
    "2026-12-10 02:12:15.233 UTC [28] LOG:  database system was shut down at 2026-12-10 02:11:52 UTC",
    "2026-12-10 02:12:15.611 UTC [1] LOG:  database system is ready to accept connections",
    "2026-12-10 02:12:15.902 UTC [41] FATAL:  the database system is starting up",
    "2026-12-10 02:31:08.442 UTC [3120] LOG:  statement: ANALYZE; -- DBA-318 post-upgrade",
    "2026-12-10 07:30:00.118 UTC [9911] LOG:  checkpoint complete: wrote 311 buffers (1.9%); 0 WAL file(s) added, 0 removed, 1 recycled; write=31.021 s, sync=0.004 s, total=31.040 s"]}]
for i, p in enumerate(api_p):
    L = []
    L.append(f'{c.t(-337)[:-1]}.402Z ERROR db: connection to notify-db.grid-notify.svc:5432 failed: FATAL: the database system is shutting down (retrying in 2s)')
    L.append(f'{c.t(-336, 21)[:-1]}.118Z INFO db: reconnected to notify-db.grid-notify.svc:5432')
    for k, (oid, area, n_cust) in enumerate([("OUT-2026-12-10-0107", "Ridgeview", 1412), ("OUT-2026-12-10-0113", "Ridgeview North", 3890), ("OUT-2026-12-10-0119", "Holloway Park", 640)]):
        L.append(f'{c.t(-95 + k * 20 + i * 3)[:-1]}.{R.randint(100, 999)}Z INFO outages: published {oid} ({area}, {n_cust} customers) to outage.events')
    L.append(f'{c.t(-41)[:-1]}.220Z WARN health: rabbitmq queue outage.events depth 18240 above 10000')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": L})

metrics = []
n = 121  # 10h at 5m
k_scale = n - 1 - int((7 * 60 + 48 - (1 * 60 + 52)) / 5)
spec_r = [3 if k < k_scale else 0 for k in range(n)]
metrics.append(series("kube_deployment_spec_replicas", {"namespace": NS, "deployment": "outage-notifier", "job": "kube-state-metrics"}, "-600m", "5m", spec_r))
metrics.append(series("kube_deployment_status_replicas_available", {"namespace": NS, "deployment": "outage-notifier", "job": "kube-state-metrics"}, "-600m", "5m", spec_r))
metrics.append(series("kube_deployment_spec_replicas", {"namespace": NS, "deployment": "notify-api", "job": "kube-state-metrics"}, "-600m", "5m", [2] * n))
metrics.append(series("rabbitmq_queue_consumers", {"namespace": NS, "queue": "outage.events", "vhost": "/", "job": "notify-rabbitmq"}, "-600m", "5m", [3 if k < k_scale else 0 for k in range(n)]))
ready, depth = [], 0.0
for k in range(n):
    mins_ago = (n - 1 - k) * 5
    inflow = 2 if mins_ago > 110 else 55
    if k < k_scale:
        depth = max(0, R.uniform(0, 6))
    else:
        depth += inflow * 5 * (1 + R.uniform(-0.2, 0.2))
    ready.append(int(depth))
metrics.append(series("rabbitmq_queue_messages_ready", {"namespace": NS, "queue": "outage.events", "vhost": "/", "job": "notify-rabbitmq"}, "-600m", "5m", ready))
sent = counter([0.4 if k < k_scale else 0 for k in range(n)], 300, start=2.81e6)
metrics.append(series("notifier_sms_sent_total", {"namespace": NS, "job": "outage-notifier", "provider": "smsbridge"}, "-600m", "5m", sent[:k_scale] + [None] * (n - k_scale)))
metrics.append(series("kube_pod_container_status_restarts_total", {"namespace": NS, "pod": "notify-db-0", "container": "postgres", "job": "kube-state-metrics"}, "-600m", "5m", [None] * (k_scale + 4) + [0] * (n - k_scale - 4)))

rec_pods = [w.pod(22, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], 40 + i), created=c.t(1), statuses=[running("outage-notifier", IMG, c.t(1, 4))]) for i in range(3)]
rec_logs = [{"namespace": NS, "pod": rec_pods[0]["metadata"]["name"], "lines": [f"{c.t(1, 6)[:-1]}.301Z INFO amqp: consuming outage.events prefetch=50", f"{c.t(1, 9)[:-1]}.774Z INFO sms: sent 50 messages for OUT-2026-12-10-0107 via smsbridge (accepted=50)"]}]
D = {"kind": "Deployment", "namespace": NS, "name": "outage-notifier"}
doc = {
    "format": 1, "id": "outage-texts-not-sent-since-overnight",
    "title": "outage-notifier was scaled to 0 with kubectl at 01:52 for DB maintenance DBA-318 and never scaled back; outage.events backs up, no SMS since",
    "tags": ["scaled-to-zero", "maintenance", "kubectl-scale", "rabbitmq", "red-herring"],
    "now": c.t(),
    "trigger": {"command": "customers got no outage texts for this morning's Ridgeview outage, notification queue looks stuck", "channel": "#customer-comms-oncall", "user": "U03GRIDOPS"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{**D, "path": "spec.replicas", "at_least": 1}], "apply": {"upsert": rec_pods, "logs": rec_logs}}],
    "truth": {
        "category": "scaled_to_zero", "resource": D,
        "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^outage-notifier-6d9f7c8b5d$"}],
        "evidence": ["replicas: 0|0 replicas|replicas=0|zero replicas|scaled to 0|scaled to zero|scaled down to 0|0/3|0 desired|spec.replicas 0", "outage.events|queue", "01:52|kubectl|maintenance|dba-318"],
        "remediation": {
            "accepted": [{"action": "scale_workload", "target": D, "params": {"replicas": 3}}],
            "checks": [{**D, "path": "spec.replicas", "at_least": 3}],
            "forbidden": [{"action": "rollback_deployment", "target": D}, {"action": "restart_workload", "target": D},
                          {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": NS, "name": "notify-db"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "notify-api"}}]},
        "notes": (
            "During DBA-318 (notify-db Postgres 15.8 -> 15.10 between ~01:50 and 02:31) someone stopped the consumer with kubectl scale "
            "(managedFields: manager kubectl, subresource scale, 01:52:14) and never scaled it back. kube_deployment_spec_replicas goes 3 -> 0 at "
            "01:52, rabbitmq_queue_consumers for outage.events is 0, the queue has grown to ~18k messages since this morning's outages and "
            "notifier_sms_sent_total stops. The PDB shows 0 of 2 healthy. The 01:52 scaling event has aged out of the event list. notify-db "
            "restarted at 02:12 for the upgrade and is healthy (its log's FATAL 'starting up' and notify-api's reconnect at 02:12 are noise, "
            "as is the queue-depth warning, which is the symptom). Fix: scale back to 3 (the count for months, revision 22 unchanged). "
            "Rollback or restart do nothing with 0 replicas.")}}
dump(doc, "scenarios/outage-texts-not-sent-since-overnight.yaml")
