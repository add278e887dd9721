"""Scenarios (helper scenA): RBAC and cloud IAM refusals."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, meta, podspec
from scena_kit import act, pool, rollback_item
from scena_obs import alert, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, series, timed
from scena_work import Deploy, endpoints, job, sa, service, simple_app


def job_dispatcher() -> dict:
    """Chart 2.0 renamed the dispatcher's ServiceAccount; the RoleBinding (owned by the platform RBAC repo) still names the old one."""
    ctx = Ctx("job-dispatcher-serviceaccount-rename", "2026-11-27T14:12:00Z")
    ns = "batch-system"
    nodes = pool(ctx, "kubeadm", 3, region="muc", itype="", pool_name="worker", cpu=24, mem_gi=96, subnet="10.30", cidr_base=232,
                 created="-150d", names=["muc-k8s-w21", "muc-k8s-w22", "muc-k8s-w23"])
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type")
    reg = "registry.muc.example.com/platform"

    def dspec(tag: str, sa_name: str) -> dict:
        return podspec([container("dispatcher", f"{reg}/job-dispatcher:{tag}", args=["--leader-elect=true", "--lease-name=job-dispatcher",
                                                                                       "--queue=postgres://batch-queue", "--max-concurrent=40"],
                                  ports=[{"name": "metrics", "containerPort": 8080, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                                  readiness={"httpGet": {"path": "/readyz", "port": "metrics"}, "periodSeconds": 10},
                                  liveness={"httpGet": {"path": "/healthz", "port": "metrics"}, "periodSeconds": 20})], sa=sa_name)
    dep = Deploy(ctx, ns, "job-dispatcher", match={"app.kubernetes.io/name": "job-dispatcher"}, created="-400d", replicas=2,
                 labels={"app.kubernetes.io/name": "job-dispatcher", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "job-dispatcher-2.0.0"},
                 annotations={"meta.helm.sh/release-name": "job-dispatcher", "meta.helm.sh/release-namespace": ns})
    dep.rev(8, dspec("1.22.4", "job-dispatcher"), created="-24d", cause="helm upgrade job-dispatcher 1.9.3 (app 1.22.4)")
    rs9 = dep.rev(9, dspec("1.23.0", "dispatcher"), created="-68m", cause="helm upgrade job-dispatcher 2.0.0 (app 1.23.0)", replicas=2)
    pods = [dep.pod(rs9, nodes[i], created=ctx.dt("-68m") + timedelta(seconds=14 * i), ip=ctx.ip(nodes[i])) for i in range(2)]
    objs: list = [Comment("nodes: on-prem kubeadm muc")] + nodes
    objs.append(Comment("job-dispatcher: chart 2.0.0 (13:04) renamed the ServiceAccount to 'dispatcher'; revision 8 used 'job-dispatcher'"))
    objs += dep.done(available_since="-400d", updated_at="-67m")
    objs += [service(ctx, ns, "job-dispatcher-metrics", selector={"app.kubernetes.io/name": "job-dispatcher"}, ip="10.96.31.8", created="-400d",
                     ports=[{"name": "metrics", "port": 8080, "targetPort": "metrics", "protocol": "TCP"}]),
             endpoints(ctx, ns, "job-dispatcher-metrics", ready=pods, created="-400d", ports=[{"name": "metrics", "port": 8080, "protocol": "TCP"}])]
    objs.append(Comment("RBAC (owned by the platform-rbac repository, not by the chart)"))
    objs += [sa(ctx, ns, "job-dispatcher", created="-400d", labels={"rbac.example.com/owner": "platform-rbac"}),
             sa(ctx, ns, "dispatcher", created="-68m", labels={"app.kubernetes.io/managed-by": "Helm"},
                annotations={"meta.helm.sh/release-name": "job-dispatcher", "meta.helm.sh/release-namespace": ns}),
             {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
              "metadata": meta(ctx, "job-dispatcher", ns=ns, created="-400d", labels={"rbac.example.com/owner": "platform-rbac"}),
              "rules": [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]},
                        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch", "create", "delete"]},
                        {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]}]},
             {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
              "metadata": meta(ctx, "job-dispatcher", ns=ns, created="-400d", labels={"rbac.example.com/owner": "platform-rbac"}),
              "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "job-dispatcher"},
              "subjects": [{"kind": "ServiceAccount", "name": "job-dispatcher", "namespace": ns}]},
             {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
              "metadata": meta(ctx, "job-dispatcher", ns=ns, created="-400d"),
              "spec": {"holderIdentity": "", "leaseDurationSeconds": 15, "acquireTime": ctx.t("-25d"), "renewTime": ctx.t("-67m"),
                       "leaseTransitions": 31}}]
    objs.append(Comment("the work it should be doing: batch Jobs in the tenants' namespace; none created since 13:04"))
    jspec = podspec([container("task", f"{reg}/batch-runner:3.1.0", args=["--task", "invoice-render"],
                               resources={"requests": {"cpu": "250m", "memory": "256Mi"}})], restart="Never")
    last_job = job(ctx, ns, "task-20261127-130211-a81f", jspec, created="-70m", outcome="complete", finished="-69m",
                   labels={"app.kubernetes.io/created-by": "job-dispatcher"})
    objs.append(last_job)
    objs.append(Comment("neighbour: batch-api (accepts work into the queue)"))
    a_spec = podspec([container("batch-api", f"{reg}/batch-api:4.0.2", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                                readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="batch-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "batch-api", a_spec, nodes, replicas=2, created="-400d", rs_created="-10d", rev=33, svc_ip="10.96.31.90")
    objs += a_objs
    objs.append(Comment("events"))
    rs8 = dep.rs(8)
    objs += rollout_events(ctx, dep.obj, rs9, rs8, at="-68m", steps=[(0, "up", rs9, 0, 1), (14, "down", rs8, 2, 1), (14, "up", rs9, 1, 2),
                                                                      (28, "down", rs8, 1, 0)])
    objs += pod_start_events(ctx, pods[0], at="-68m", pull_s=3.102, size=31_044_120)
    cluster_logs = []
    for i, p in enumerate(pods):
        t0 = ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=3)
        lines = [f"I{t0:%m%d %H:%M:%S}.{ctx.rng.randint(100000, 999999)}       1 main.go:61] job-dispatcher 1.23.0 starting (max-concurrent=40)",
                 f"I{t0:%m%d %H:%M:%S}.{ctx.rng.randint(100000, 999999)}       1 leaderelection.go:254] attempting to acquire leader lease batch-system/job-dispatcher..."]
        for j in range(8):
            t = ctx.dt("-16m") + timedelta(seconds=118 * j + 7 * i)
            lines.append(f'E{t:%m%d %H:%M:%S}.{ctx.rng.randint(100000, 999999)}       1 leaderelection.go:436] error retrieving resource lock batch-system/job-dispatcher: '
                         'leases.coordination.k8s.io "job-dispatcher" is forbidden: User "system:serviceaccount:batch-system:dispatcher" cannot get resource '
                         '"leases" in API group "coordination.k8s.io" in the namespace "batch-system"')
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, a_pods[0], timed(ctx, "-20m", 150, [
        'level=info msg="task enqueued" task=invoice-render tenant=t-118 queue_depth=%d' % d for d in range(1204, 1212)], lambda ts, ln: f"ts={ts} {ln}")))
    n, cut = 91, 22
    mets = [series({"__name__": "dispatcher_jobs_created_total", "job": "job-dispatcher", "namespace": ns},
                   cum(ctx, [0.9] * cut + [0.0] * (n - cut), start=2_211_904), start="-90m"),
            series({"__name__": "batch_queue_depth", "job": "batch-api", "namespace": ns, "queue": "default"},
                   [int(v) for v in noisy(ctx, [30] * cut + [30 + 17.6 * k for k in range(n - cut)], 0.04)], start="-90m"),
            series({"__name__": "apiserver_request_total", "job": "apiserver", "namespace": ns, "resource": "leases", "verb": "get", "code": "403",
                    "group": "coordination.k8s.io", "version": "v1", "scope": "resource", "component": "apiserver"},
                   cum(ctx, [0.0] * cut + [0.95] * (n - cut), start=0), start="-90m"),
            series({"__name__": "leader_election_master_status", "job": "job-dispatcher", "namespace": ns, "name": "job-dispatcher",
                    "pod": pods[0]["metadata"]["name"]}, [None] * cut + [0] * (n - cut), start="-90m")]
    when = [{"kind": "Deployment", "namespace": ns, "name": "job-dispatcher", "path": "spec.template.spec.serviceAccountName", "equals": "job-dispatcher"}]
    rec = rollback_item(ctx, dep, good=8, bad=9, new_n=10, nodes=nodes, when=when, bad_pods=pods,
                        log=lambda p: [f"I{ctx.dt('+40s'):%m%d %H:%M:%S}.118204       1 leaderelection.go:268] successfully acquired lease batch-system/job-dispatcher",
                                       f"I{ctx.dt('+41s'):%m%d %H:%M:%S}.402113       1 dispatcher.go:88] draining backlog: 1221 tasks"],
                        metrics=[series({"__name__": "dispatcher_jobs_created_total", "job": "job-dispatcher", "namespace": ns},
                                        mets[0]["values"][:-1] + [mets[0]["values"][-1] + 38], start="-90m")])
    return {
        "format": 1, "id": "batch-jobs-not-dispatched-since-upgrade",
        "title": "job-dispatcher chart 2.0.0 renamed its ServiceAccount to 'dispatcher'; the RoleBinding (kept in the platform RBAC repo) still binds 'job-dispatcher', so the new pods get 403 on the leader-election Lease and never dispatch a job",
        "tags": ["access-denied", "rbac", "serviceaccount", "helm", "kubeadm", "leader-election"],
        "now": ctx.now_s,
        "trigger": {"command": "no batch jobs have been scheduled since lunch", "channel": "#batch-platform", "user": "U0BATCH007"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "access_denied", "also_accept": ["bad_rollout"],
            "resource": {"kind": "Deployment", "namespace": ns, "name": "job-dispatcher"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs9['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs9['metadata']['name']}-"},
                        {"kind": "RoleBinding", "namespace": ns, "name_regex": "^job-dispatcher$"},
                        {"kind": "ServiceAccount", "namespace": ns, "name_regex": "^dispatcher$"}],
            "evidence": ["forbidden|403", "system:serviceaccount:batch-system:dispatcher|serviceaccount", "leases|lease",
                         "rolebinding|role binding", "2.0.0|revision 9|revision 8"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "job-dispatcher"),
                             {"action": "recommend_only", "target": {"kind": "RoleBinding", "namespace": ns, "name": "job-dispatcher"}}],
                "checks": when,
                "forbidden": [act("restart_workload", ns, "job-dispatcher"), act("scale_workload", ns, "job-dispatcher"),
                              act("restart_workload", ns, "batch-api")]},
            "notes": Folded(
                "Helm upgraded job-dispatcher to chart 2.0.0 at 13:04 (revision 9). The chart now creates and uses a ServiceAccount "
                "named 'dispatcher' instead of 'job-dispatcher'. The Role and RoleBinding are not part of the chart (label "
                "rbac.example.com/owner: platform-rbac) and still bind only 'job-dispatcher'. The new pods start, are Ready (the "
                "probes only check the process) and retry leader election forever: 'leases.coordination.k8s.io \"job-dispatcher\" "
                "is forbidden: User \"system:serviceaccount:batch-system:dispatcher\" cannot get resource \"leases\"'. No pod is "
                "leader, the Lease has no holder since the old pods released it, no Job has been created since 13:04 and the "
                "batch queue grows by ~18 tasks a minute.\n\n"
                "Right answers: roll back to revision 8 (ServiceAccount job-dispatcher, which has the binding), or recommend that "
                "the platform RBAC repo bind the Role to the new ServiceAccount (RBAC is not a mutation the bot may make). "
                "Restarting or scaling does not change the identity; nothing is wrong with the queue or batch-api.")},
    }


def export_worker() -> dict:
    """The export bucket moved to a new project with uniform access; the GSA used through Workload Identity lost storage.objects.create."""
    ctx = Ctx("export-worker-gcs-403", "2026-11-23T07:40:00Z")
    ns = "exports"
    nodes = pool(ctx, "gke", 3, region="europe-west3", itype="e2-standard-8", pool_name="general-e2", cluster="shop-analytics",
                 subnet="10.156", cidr_base=84, created="-44d",
                 labels={"iam.gke.io/gke-metadata-server-enabled": "true"})
    reg = "europe-west3-docker.pkg.dev/shop-analytics/exports"
    gsa = "export-worker@shop-analytics.iam.gserviceaccount.com"
    spec = podspec([container("export-worker", f"{reg}/export-worker:5.7.1", command=["python", "-m", "export_worker"],
                              env=[{"name": "EXPORT_BUCKET", "value": "gs://shop-exports-prod"}, {"name": "CONCURRENCY", "value": "4"},
                                   {"name": "GOOGLE_CLOUD_PROJECT", "value": "shop-analytics"}],
                              resources={"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}})],
                   sa="export-worker", node_selector={"iam.gke.io/gke-metadata-server-enabled": "true"})
    dep = Deploy(ctx, ns, "export-worker", match={"app": "export-worker"}, created="-300d", replicas=3, labels={"app": "export-worker", "team": "data-exports"})
    rs = dep.rev(22, spec, created="-9d", cause="export-worker 5.7.1", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-9d") + timedelta(seconds=25 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: GKE shop-analytics, Workload Identity enabled")] + nodes
    objs.append(Comment("export-worker: unchanged for nine days"))
    objs += dep.done(available_since="-300d", updated_at="-9d")
    k_sa = sa(ctx, ns, "export-worker", created="-300d", annotations={"iam.gke.io/gcp-service-account": gsa})
    objs.append(k_sa)
    objs.append(Comment("neighbour: export-api, rolled out an hour ago"))
    api_spec = podspec([container("export-api", f"{reg}/export-api:2.4.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": 8080}})], sa="export-api")
    old_api = copy.deepcopy(api_spec)
    old_api["containers"][0]["image"] = f"{reg}/export-api:2.3.9"
    a_objs, a_pods, a_dep = simple_app(ctx, ns, "export-api", api_spec, nodes, replicas=2, created="-300d", rs_created="-63m", rev=31,
                                       cause="export-api 2.4.0 (CSV delimiter option)", svc_ip="10.84.12.33",
                                       old=[(30, old_api, "-16d", "export-api 2.3.9")],
                                       port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += a_objs
    objs.append(Comment("events"))
    objs += rollout_events(ctx, a_dep.obj, a_dep.rs(31), a_dep.rs(30), at="-63m", steps=[
        (0, "up", a_dep.rs(31), 0, 1), (19, "down", a_dep.rs(30), 2, 1), (19, "up", a_dep.rs(31), 1, 2), (38, "down", a_dep.rs(30), 1, 0)])
    cluster_logs = []
    err = (f"google.api_core.exceptions.Forbidden: 403 POST https://storage.googleapis.com/upload/storage/v1/b/shop-exports-prod/o?uploadType=resumable: "
           f"{{\n  \"error\": {{\n    \"code\": 403,\n    \"message\": \"{gsa} does not have storage.objects.create access to the Google Cloud Storage object. "
           "Permission 'storage.objects.create' denied on resource (or it may not exist).\",\n    \"errors\": [\n      {\n        \"message\": \""
           f"{gsa} does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource "
           "(or it may not exist).\",\n        \"domain\": \"global\",\n        \"reason\": \"forbidden\"\n      }\n    ]\n  }\n}\n: ('Request failed with status code', 403, 'Expected one of', <HTTPStatus.OK: 200>, <HTTPStatus.CREATED: 201>)")
    for i, p in enumerate(pods):
        lines = timed(ctx, "-3h", 1800, [f"INFO export_worker.run: export exp_{ctx.hexs(8)} done: 1 file(s), {ctx.rng.randint(2, 90)} MiB, gs://shop-exports-prod/tenant-{ctx.rng.randint(100, 999)}/" for _ in range(4)],
                      lambda ts, ln: f"{ts} {ln}")
        for j in range(5):
            t = ctx.dt("-95m") + timedelta(minutes=19 * j, seconds=23 * i)
            ex = f"exp_{ctx.hexs(8)}"
            lines += [f"{ctx.t(t)} INFO export_worker.run: export {ex} rendered 1 file(s), uploading",
                      f"{ctx.t(t)} INFO google.auth.compute_engine._metadata: Fetched token for {gsa} (scopes=cloud-platform)",
                      f"{ctx.t(t)} ERROR export_worker.run: export {ex} failed, will retry (attempt {j % 3 + 1}/3)",
                      "Traceback (most recent call last):",
                      '  File "/app/export_worker/upload.py", line 58, in upload',
                      "    blob.upload_from_filename(path, content_type=ctype, timeout=120)",
                      '  File "/usr/local/lib/python3.12/site-packages/google/cloud/storage/blob.py", line 3008, in upload_from_filename',
                      "    self._handle_filename_and_upload(",
                      '  File "/usr/local/lib/python3.12/site-packages/google/cloud/storage/blob.py", line 2917, in _handle_filename_and_upload',
                      "    raise exceptions.from_http_response(exc.response)"] + err.split("\n")
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, a_pods[0], timed(ctx, "-50m", 300, ["POST /v1/exports 202", "GET /v1/exports/exp_81d2a0c4 200", "GET /healthz 200",
                                                                      "POST /v1/exports 202", "GET /v1/exports/exp_19ff0d2e 200"],
                                                  lambda ts, ln: f'{{"severity":"INFO","time":"{ts}","message":"{ln}"}}')))
    n, cut = 49, 29
    mets = [series({"__name__": "export_worker_exports_total", "job": "export-worker", "namespace": ns, "result": "ok"},
                   cum(ctx, [0.11] * cut + [0.0] * (n - cut), start=88_120, step_s=300), start="-240m", step="5m"),
            series({"__name__": "export_worker_exports_total", "job": "export-worker", "namespace": ns, "result": "failed"},
                   cum(ctx, [0.0] * cut + [0.1] * (n - cut), start=31, step_s=300), start="-240m", step="5m"),
            series({"__name__": "export_worker_upload_errors_total", "job": "export-worker", "namespace": ns, "status": "403"},
                   cum(ctx, [0.0] * cut + [0.3] * (n - cut), start=0, step_s=300), start="-240m", step="5m"),
            series({"__name__": "export_worker_queue_depth", "job": "export-worker", "namespace": ns},
                   [int(v) for v in noisy(ctx, [6] * cut + [6 + 9 * k for k in range(n - cut)], 0.05)], start="-240m", step="5m")]
    for p in pods:
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="export-worker"), [0] * n,
                           start="-240m", step="5m"))
    trig = alert(ctx, "ExportJobsFailing", {"namespace": ns, "service": "export-worker", "severity": "warning", "team": "data-exports"},
                 summary="Customer exports are failing", description="export-worker failed 42 exports in the last 30 minutes and completed none.",
                 starts="-80m", expr='sum(increase(export_worker_exports_total{result="failed"}[30m])) > 5 and sum(increase(export_worker_exports_total{result="ok"}[30m])) == 0')
    return {
        "format": 1, "id": "exports-failing-since-morning",
        "title": "Since ~06:05 every export upload fails with 403: the shop-exports-prod bucket was moved by Terraform to uniform bucket-level access and the binding for the export-worker Google service account was not recreated; Workload Identity itself works",
        "tags": ["access-denied", "gcp-iam", "workload-identity", "gke", "recommend-only", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#data-exports"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "access_denied",
            "resource": {"kind": "ServiceAccount", "namespace": ns, "name": "export-worker"},
            "aliases": [{"kind": "Deployment", "namespace": ns, "name_regex": "^export-worker$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}-"}],
            "evidence": ["403|forbidden", "storage.objects.create", gsa + "|google service account|gsa", "shop-exports-prod|bucket",
                         "06:0|since 6|two hours|95 min|1.5 h"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "ServiceAccount", "namespace": ns, "name": "export-worker"}}],
                "forbidden": [act("restart_workload", ns, "export-worker"), act("rollback_deployment", ns, "export-worker"),
                              act("rollback_deployment", ns, "export-api"), act("scale_workload", ns, "export-worker")]},
            "notes": Folded(
                "Nothing in the cluster changed for export-worker (revision 22 for nine days, ServiceAccount annotation unchanged). "
                "At ~06:05 uploads to gs://shop-exports-prod started failing with 403: 'export-worker@shop-analytics.iam."
                "gserviceaccount.com does not have storage.objects.create access ... Permission storage.objects.create denied'. "
                "The token fetch from the GKE metadata server succeeds for the right Google service account, so Workload Identity "
                "works; the permission on the bucket is gone (a Terraform change moved the bucket to uniform bucket-level access "
                "and did not recreate the objectCreator binding, which a human can confirm in the bucket's IAM policy). No "
                "export has succeeded since; failures and the queue grow.\n\n"
                "No cluster mutation can fix cloud IAM: the report should recommend granting roles/storage.objectCreator on "
                "shop-exports-prod to the GSA (in Terraform). Traps: export-api was rolled out an hour ago (unrelated, and "
                "errors started 30 minutes before it); restarting pods to 'refresh credentials' gets a fresh token for the same "
                "identity and the same 403.")},
    }


SCENARIOS = [job_dispatcher, export_worker]
