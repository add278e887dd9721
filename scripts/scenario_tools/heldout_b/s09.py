"""access denied: chart 1.9.0 'least privilege' Role lost the create verb on jobs; transcode-scheduler cannot create Jobs."""
from lib import *

seed(909)
c = Clock("2026-12-09T10:20:00Z")
NS = "media-pipeline"
nodes = three_nodes(c, "10.9", "us-west-2", group="media-c6a-2026-11", itype="c6a.4xlarge", created="2026-11-25T02:00:00Z")
IMG = "ghcr.io/clipnest/transcode-scheduler:2.3.4"


def spec(chart: str) -> dict:
    return {"serviceAccountName": "transcode-scheduler", "terminationGracePeriodSeconds": 30,
            "containers": [{"name": "scheduler", "image": IMG, "args": ["--namespace=media-pipeline", "--job-template=/etc/scheduler/job-template.yaml", "--max-concurrent-jobs=40", "--leader-elect=true"],
                            "env": [{"name": "UPLOADS_DB_URL", "valueFrom": {"secretKeyRef": {"name": "uploads-db", "key": "url"}}}],
                            "ports": [{"name": "metrics", "containerPort": 9100, "protocol": "TCP"}, {"name": "health", "containerPort": 8081, "protocol": "TCP"}],
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                            "readinessProbe": {"httpGet": {"path": "/readyz", "port": "health"}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3, "successThreshold": 1},
                            "volumeMounts": [{"name": "job-template", "mountPath": "/etc/scheduler", "readOnly": True}]}],
            "volumes": [{"name": "job-template", "configMap": {"name": "transcode-job-template"}}]}


w = Workload(NS, "transcode-scheduler", created="2025-07-01T10:00:00Z", labels={"app.kubernetes.io/name": "transcode-scheduler", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "transcode-scheduler-1.9.0"},
             selector={"app.kubernetes.io/name": "transcode-scheduler"}, replicas=2)
w.revision(14, spec("1.8.3"), created="2026-11-18T11:30:00Z", cause=None, tmpl_labels={"helm.sh/chart": "transcode-scheduler-1.8.3"}, h="7b5c9d8f64")
w.revision(15, spec("1.9.0"), created="2026-12-09T08:40:19Z", cause=None, tmpl_labels={"helm.sh/chart": "transcode-scheduler-1.9.0"}, h="5f8d7c6b99")
tp = [w.pod(15, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], i), created=c.t(-99 + i * 0.5), statuses=[running("scheduler", IMG, c.t(-99 + i * 0.5, 3))]) for i in range(2)]
lab = {"app.kubernetes.io/name": "transcode-scheduler", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "transcode-scheduler-1.9.0"}
hann = {"meta.helm.sh/release-name": "transcode-scheduler", "meta.helm.sh/release-namespace": NS}
role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "transcode-scheduler", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T10:00:00Z", "labels": lab, "annotations": {**hann, "clipnest.io/change": "SEC-77 least-privilege RBAC"}},
        "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch", "delete"]},
                  {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
                  {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
                  {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
                  {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]},
                  {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]}]}
rb = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
      "metadata": {"name": "transcode-scheduler", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T10:00:00Z", "labels": lab, "annotations": hann},
      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "transcode-scheduler"},
      "subjects": [{"kind": "ServiceAccount", "name": "transcode-scheduler", "namespace": NS}]}
sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "transcode-scheduler", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T10:00:00Z", "labels": lab, "annotations": hann}}
lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "transcode-scheduler-leader", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T10:01:00Z"},
         "spec": {"holderIdentity": tp[0]["metadata"]["name"], "leaseDurationSeconds": 15, "acquireTime": c.t(-98, 20), "renewTime": c.ms(-0.1), "leaseTransitions": 41}}
# a failed Job from last night (corrupt upload) + a completed one
def job(name: str, created: str, ok: bool, upload: str) -> list[dict]:
    juid = uid()
    jl = {"batch.kubernetes.io/controller-uid": juid, "batch.kubernetes.io/job-name": name, "controller-uid": juid, "job-name": name, "clipnest.io/upload": upload}
    tmpl = {"spec": {"restartPolicy": "Never", "containers": [{"name": "ffmpeg", "image": "ghcr.io/clipnest/transcoder:7.1.0-2", "args": ["--upload", upload, "--ladder=1080p,720p,480p,240p"], "resources": {"requests": {"cpu": "4", "memory": "4Gi"}, "limits": {"memory": "6Gi"}}}]}}
    fin = c.t(-650 if ok else -655)
    st = {"startTime": created, "succeeded": 1, "completionTime": fin, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
          "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": fin, "lastTransitionTime": fin},
                         {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": fin, "lastTransitionTime": fin}]} if ok else \
         {"startTime": created, "failed": 2, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
          "conditions": [{"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": fin, "lastTransitionTime": fin},
                         {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastProbeTime": fin, "lastTransitionTime": fin}]}
    j = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": NS, "uid": juid, "creationTimestamp": created, "labels": jl},
         "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 1, "completionMode": "NonIndexed", "suspend": False, "ttlSecondsAfterFinished": 86400, "template": tmpl}, "status": st}
    pn = name + "-" + suffix()
    nn, ip = nref(nodes[2])
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pn, "namespace": NS, "uid": uid(), "creationTimestamp": created, "labels": jl,
                                                         "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": juid, "controller": True, "blockOwnerDeletion": True}]},
         "spec": {**tmpl["spec"], "nodeName": nn},
         "status": {"phase": "Succeeded" if ok else "Failed", "qosClass": "Burstable", "hostIP": ip, "podIP": pip(ip, R.randint(50, 90)), "startTime": created,
                    "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted" if ok else "PodFailed", "lastTransitionTime": fin}, {"type": "PodScheduled", "status": "True", "lastTransitionTime": created}],
                    "containerStatuses": [{"name": "ffmpeg", "ready": False, "started": False, "restartCount": 0, "image": "ghcr.io/clipnest/transcoder:7.1.0-2", "imageID": "ghcr.io/clipnest/transcoder@" + sha(), "containerID": cid(), "lastState": {},
                                           "state": terminated(0 if ok else 1, "Completed" if ok else "Error", created, fin)}]}}
    return [j, p]


jobs = job("transcode-u-8a41c07e", c.t(-690), True, "u_8a41c07e") + job("transcode-u-8a41f3d2", c.t(-688), False, "u_8a41f3d2")
up_w, up_p = simple(NS, "upload-api", "ghcr.io/clipnest/upload-api:4.12.0", nodes=nodes, rev=71, rev_created="2026-12-05T15:00:00Z", created="2025-07-01T10:00:00Z", replicas=3, cpu="250m", mem="384Mi")
objs = nodes + [namespace(NS, "2025-07-01T09:50:00Z", {"team": "media"})] + w.objects(current=15, gen=19) + [role, rb, sa, lease] + jobs + up_w.objects(current=71)
objs += [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "transcode-job-template", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T10:00:00Z", "labels": lab, "annotations": hann},
          "data": {"job-template.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n  backoffLimit: 1\n  ttlSecondsAfterFinished: 86400\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: ffmpeg\n        image: ghcr.io/clipnest/transcoder:7.1.0-2\n        resources: {requests: {cpu: \"4\", memory: 4Gi}, limits: {memory: 6Gi}}\n"}},
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "uploads-db", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-07-01T09:59:00Z"}, "type": "Opaque", "data": {"url": "cG9zdGdyZXM6Ly9zY2hlZHVsZXI6Q2xpcC1OZXN0LTQ0MTlAdXBsb2Fkcy1kYi5tZWRpYS1waXBlbGluZTo1NDMyL3VwbG9hZHM="}},
         service(NS, "upload-api", created="2025-07-01T10:00:00Z", selector={"app.kubernetes.io/name": "upload-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.9.77"),
         endpoints(NS, "upload-api", created="2025-07-01T10:00:00Z", pods=up_p, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])]
objs.append(event(NS, "Deployment", "transcode-scheduler", reason="ScalingReplicaSet", message="Scaled down replica set transcode-scheduler-7b5c9d8f64 from 1 to 0", first=c.t(-98), component="deployment-controller", api="apps/v1") if False else
            event(NS, "Pod", up_p[1]["metadata"]["name"], reason="Unhealthy", message=f"Readiness probe failed: Get \"http://{up_p[1]['status']['podIP']}:8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", type="Warning", first=c.t(-37), count=2, last=c.t(-36), host=up_p[1]["spec"]["nodeName"], field="spec.containers{upload-api}"))

SAU = f"system:serviceaccount:{NS}:transcode-scheduler"
L = [f'I1209 {c.t(-98, 14)[11:19]}.201931       1 leaderelection.go:257] attempting to acquire leader lease media-pipeline/transcode-scheduler-leader...',
     f'I1209 {c.t(-98, 20)[11:19]}.548112       1 leaderelection.go:271] successfully acquired lease media-pipeline/transcode-scheduler-leader',
     f'I1209 {c.t(-98, 21)[11:19]}.002417       1 scheduler.go:88] "Starting transcode scheduler" version="2.3.4" maxConcurrentJobs=40']
for k in range(16):
    up = "u_8b" + hx(6)
    L.append(f'I1209 {c.t(-96 + k * 6)[11:19]}.{R.randint(100000, 999999)}       1 scheduler.go:141] "Picked pending upload" upload="{up}" sizeMB={R.randint(40, 2900)} ageSeconds={R.randint(20, 400) + k * 60}')
    L.append(f'E1209 {c.t(-96 + k * 6, 1)[11:19]}.{R.randint(100000, 999999)}       1 scheduler.go:163] "Failed to create transcode job, will retry" err="jobs.batch is forbidden: User \\"{SAU}\\" cannot create resource \\"jobs\\" in API group \\"batch\\" in the namespace \\"{NS}\\"" upload="{up}"')
    if k % 5 == 2:
        L.append(f'W1209 {c.t(-96 + k * 6, 7)[11:19]}.{R.randint(100000, 999999)}       1 uploads.go:77] "slow query" query="SELECT ... FROM uploads WHERE state=$1 ORDER BY created_at LIMIT 40" took="1.204s"')
logs = [{"namespace": NS, "pod": tp[0]["metadata"]["name"], "lines": L},
        {"namespace": NS, "pod": tp[1]["metadata"]["name"], "lines": [f'I1209 {c.t(-98, 44)[11:19]}.118820       1 leaderelection.go:257] attempting to acquire leader lease media-pipeline/transcode-scheduler-leader...']},
        {"namespace": NS, "pod": jobs[3]["metadata"]["name"], "lines": ["[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5581c7a3e940] moov atom not found", "/work/in/u_8a41f3d2.mp4: Invalid data found when processing input", "transcode failed: ffmpeg exited with status 1"]}]
for p in up_p:
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": [f'{c.ms(-60 + k * 12)} info upload complete upload=u_8b{hx(6)} sizeMB={R.randint(40, 2900)} state=pending_transcode' for k in range(5)]})

metrics = []
n = 97  # 8h at 5m
k_ch = n - 1 - 20
metrics.append(series("transcode_jobs_created_total", {"namespace": NS, "job": "transcode-scheduler"}, "-480m", "5m", counter([0.09 if k < k_ch else 0 for k in range(n)], 300, start=418220)))
metrics.append(series("transcode_job_create_errors_total", {"namespace": NS, "job": "transcode-scheduler", "reason": "Forbidden"}, "-480m", "5m", [None] * k_ch + counter([0.17] * (n - k_ch), 300, start=0)))
pend = []
v = 3
for k in range(n):
    v = R.randint(1, 12) if k < k_ch else v + R.randint(20, 34)
    pend.append(v)
metrics.append(series("clipnest_uploads_pending_transcode", {"namespace": NS, "job": "upload-api"}, "-480m", "5m", pend))

R_ = {"kind": "Role", "namespace": NS, "name": "transcode-scheduler"}
D = {"kind": "Deployment", "namespace": NS, "name": "transcode-scheduler"}
CHECK = {**R_, "path": "rules", "matches": r'"apiGroups": \["batch"\], "resources": \["jobs"\], "verbs": \[[^\]]*"(create|\*)"'}
rec_role = copy.deepcopy(role)
rec_role["rules"][0]["verbs"] = ["get", "list", "watch", "create", "delete"]
doc = {
    "format": 1, "id": "uploaded-videos-stuck-processing-tuesday",
    "title": "Chart 1.9.0 (SEC-77 least privilege) rewrote transcode-scheduler's Role with explicit verbs and left out create on batch/jobs; no transcode Job has been created since 08:40",
    "tags": ["rbac", "forbidden", "helm-upgrade", "jobs", "red-herring"],
    "now": c.t(),
    "trigger": {"command": "videos uploaded this morning are stuck in 'processing'", "channel": "#media-oncall", "user": "U09CLIPOPS"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [CHECK], "apply": {"logs": [{"namespace": NS, "pod": tp[0]["metadata"]["name"], "lines": L + [f'I1209 {c.t(2)[11:19]}.310442       1 scheduler.go:170] "Created transcode job" job="transcode-u-8b{hx(6)}"']}]}}],
    "truth": {
        "category": "access_denied", "resource": R_,
        "aliases": [{"kind": "RoleBinding", "namespace": NS, "name_regex": "^transcode-scheduler$"}, {"kind": "ServiceAccount", "namespace": NS, "name_regex": "^transcode-scheduler$"}],
        "evidence": ["forbidden", "cannot create resource|create.*jobs|jobs.*create", "sec-77|1.9.0|least.privilege|verbs"],
        "remediation": {
            "accepted": [{"action": "recommend_only", "target": R_},
                         {"action": "patch_resource", "target": R_, "params": {"patch": {"rules": rec_role["rules"]}}}],
            "checks": [CHECK],
            "forbidden": [{"action": "rollback_deployment", "target": D}, {"action": "restart_workload", "target": D}, {"action": "scale_workload", "target": D},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "upload-api"}}]},
        "notes": (
            "Helm upgraded transcode-scheduler to chart 1.9.0 at 08:40 (revision 15; same image 2.3.4, only the helm.sh/chart label changed "
            "in the pod template). The chart's SEC-77 change replaced the Role's verbs ['*'] on batch/jobs with get/list/watch/delete and "
            "forgot create. The scheduler is Ready, holds the leader lease and picks uploads, but every Job creation fails: 'jobs.batch is "
            "forbidden: User system:serviceaccount:media-pipeline:transcode-scheduler cannot create resource jobs in API group batch'. "
            "transcode_jobs_created_total is flat since 08:40 and pending uploads climb. Fix: add 'create' on jobs to the Role (in the chart; "
            "a live RBAC patch only if the operator allows RBAC patches). Traps: rolling back the Deployment to revision 14 changes nothing "
            "(the Role is not part of the pod template; Helm rollback would be a different action); restarting does nothing; the failed Job "
            "from last night (moov atom not found, a corrupt upload), the slow uploads query and upload-api's readiness blip are noise.")}}
dump(doc, "scenarios/uploaded-videos-stuck-processing-tuesday.yaml")
