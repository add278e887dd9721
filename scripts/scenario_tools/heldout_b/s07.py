"""autoscaling: HPA scales ocr-worker on the old SQS queue's depth after the move to a FIFO queue; stuck at min."""
from lib import *

seed(707)
c = Clock("2026-12-17T10:15:00Z")
NS = "doc-capture"
nodes = three_nodes(c, "10.140", "eu-west-1", group="batch-c6i-2026-12", itype="c6i.4xlarge", created="2026-12-02T05:00:00Z")
for nd in nodes:
    nd["status"]["capacity"]["cpu"] = "16"
    nd["status"]["allocatable"]["cpu"] = "15890m"
IMG = "ghcr.io/ledgerleaf/ocr-worker:3.9.2"
OLDQ = "https://sqs.eu-west-1.amazonaws.com/418277301925/ocr-jobs"
NEWQ = "https://sqs.eu-west-1.amazonaws.com/418277301925/ocr-jobs.fifo"


def spec(q: str) -> dict:
    return {"serviceAccountName": "ocr-worker", "terminationGracePeriodSeconds": 120,
            "containers": [{"name": "ocr-worker", "image": IMG, "args": ["worker", "--concurrency=2"],
                            "env": [{"name": "QUEUE_URL", "value": q}, {"name": "RESULTS_BUCKET", "value": "ledgerleaf-ocr-results-prod"}, {"name": "TESSERACT_LANGS", "value": "eng+deu+fra+nld"}, {"name": "AWS_REGION", "value": "eu-west-1"}],
                            "ports": [{"name": "metrics", "containerPort": 9102, "protocol": "TCP"}],
                            "resources": {"requests": {"cpu": "1", "memory": "1536Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}}}]}


w = Workload(NS, "ocr-worker", created="2025-05-06T08:00:00Z", labels={"app.kubernetes.io/name": "ocr-worker", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "ocr-worker-2.4.0"},
             selector={"app.kubernetes.io/name": "ocr-worker"}, replicas=2)
w.revision(21, spec(OLDQ), created="2026-11-27T10:00:00Z", cause="ocr-worker 3.9.2", h="59d7c8b6f4")
w.revision(22, spec(NEWQ), created="2026-12-16T15:20:31Z", cause="DOCCAP-412 move to ocr-jobs.fifo (dedupe re-uploads)", h="7cf5b9d864")
wp = []
for i in range(2):
    nn, ip = nref(nodes[i])
    st = running("ocr-worker", IMG, "2026-12-16T15:2%d:%02dZ" % (1 + i, 3 + i * 9), restarts=1 if i == 1 else 0,
                 last=terminated(137, "OOMKilled", "2026-12-16T15:22:12Z", "2026-12-16T21:48:40Z") if i == 1 else None)
    if i == 1:
        st["state"] = {"running": {"startedAt": "2026-12-16T21:48:42Z"}}
    wp.append(w.pod(22, node=nn, host_ip=ip, pod_ip=pip(ip, i), created="2026-12-16T15:2%d:%02dZ" % (1 + i, 0 + i * 9), statuses=[st]))
MN = "aws_sqs_approximate_number_of_messages_visible_average"
hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
       "metadata": {"name": "ocr-worker", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-05-06T08:00:00Z", "labels": {"app.kubernetes.io/name": "ocr-worker", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "ocr-worker-2.4.0"}},
       "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ocr-worker"}, "minReplicas": 2, "maxReplicas": 30,
                "metrics": [{"type": "External", "external": {"metric": {"name": MN, "selector": {"matchLabels": {"dimension_QueueName": "ocr-jobs"}}}, "target": {"type": "AverageValue", "averageValue": "50"}}}],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 600, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
                             "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [{"type": "Pods", "value": 8, "periodSeconds": 60}, {"type": "Percent", "value": 100, "periodSeconds": 60}]}}},
       "status": {"observedGeneration": 3, "lastScaleTime": "2026-12-16T15:41:07Z", "currentReplicas": 2, "desiredReplicas": 2,
                  "currentMetrics": [{"type": "External", "external": {"metric": {"name": MN, "selector": {"matchLabels": {"dimension_QueueName": "ocr-jobs"}}}, "current": {"averageValue": "0"}}}],
                  "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": "2026-12-16T15:41:07Z"},
                                 {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": f"the HPA was able to successfully calculate a replica count from external metric {MN}(&LabelSelector{{MatchLabels:map[string]string{{dimension_QueueName: ocr-jobs,}},MatchExpressions:[]LabelSelectorRequirement{{}},}})", "lastTransitionTime": "2025-05-06T08:01:00Z"},
                                 {"type": "ScalingLimited", "status": "True", "reason": "TooFewReplicas", "message": "the desired replica count is less than the minimum replica count", "lastTransitionTime": "2026-12-16T15:41:07Z"}]}}
in_w, in_p = simple(NS, "doc-intake", "ghcr.io/ledgerleaf/doc-intake:5.2.0", nodes=nodes, rev=40, rev_created="2026-12-16T15:18:02Z", created="2025-05-06T08:00:00Z", replicas=2, cpu="250m", mem="512Mi")
in_w.revs[0]["spec"]["containers"][0]["env"] = [{"name": "OCR_QUEUE_URL", "value": NEWQ}, {"name": "OCR_MESSAGE_GROUP", "value": "tenant"}]
for p in in_p:
    p["spec"]["containers"][0]["env"] = in_w.revs[0]["spec"]["containers"][0]["env"]
objs = nodes + [namespace(NS, "2025-05-06T07:55:00Z", {"team": "doc-capture"})] + w.objects(current=22, gen=27) + [hpa] + in_w.objects(current=40)
objs += [service(NS, "doc-intake", created="2025-05-06T08:00:00Z", selector={"app.kubernetes.io/name": "doc-intake"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.140.9"),
         endpoints(NS, "doc-intake", created="2025-05-06T08:00:00Z", pods=in_p, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "ocr-worker", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-05-06T08:00:00Z", "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::418277301925:role/doc-capture-ocr-worker"}}}]

logs = []
for i, p in enumerate(wp):
    L = []
    for k in range(14):
        pages = R.randint(1, 9)
        L.append(f'{c.ms(-40 + k * 3, R.randint(0, 59))} INFO ocr.worker: processed doc={hx(12)} tenant=t{R.randint(1000, 9999)} pages={pages} took={pages * R.uniform(1.1, 1.6):.1f}s queue_age={R.randint(9800, 11900)}s')
    L.insert(5, f'{c.ms(-25)} WARN ocr.worker: message older than SLA (queue_age=10412s > 900s) doc={hx(12)}')
    if i == 1:
        L.insert(2, f'{c.ms(-33)} WARN botocore.credentials: Refreshing temporary credentials failed during mandatory refresh period; retrying')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": L})
logs.append({"namespace": NS, "pod": wp[1]["metadata"]["name"], "previous": True, "lines": [
    "2026-12-16T21:47:02.118Z INFO ocr.worker: processing doc=7a1be90c44d2 tenant=t4471 pages=412 (annual-report-2025.pdf)",
    "2026-12-16T21:48:31.904Z WARN ocr.worker: rasterizing page 388/412 rss=1.94GiB"]})
logs.append({"namespace": NS, "pod": in_p[0]["metadata"]["name"], "lines": [
    f'{c.ms(-30 + k * 5)} INFO intake: enqueued doc={hx(12)} tenant=t{R.randint(1000, 9999)} queue=ocr-jobs.fifo group=tenant dedup=sha256' for k in range(6)]})

metrics = []
n = 97  # 24h at 15m
visible_new, visible_old, deq = [], [], []
depth = 0.0
for k in range(n):
    mins_ago = (n - 1 - k) * 15
    t = (10 * 60 + 15 - mins_ago)  # minutes since today 00:00 (negative = yesterday)
    moved = t >= -(24 * 60) + 15 * 60 + 20
    hour = (t / 60) % 24
    inflow = (34 if 7 <= hour <= 19 else 6) * (1.75 if t > 8 * 60 else 1) * (1 + R.uniform(-0.1, 0.1))  # msgs/min; month-end burst today
    if not moved:
        visible_old.append(int(R.uniform(20, 140)))
        visible_new.append(None)
    else:
        visible_old.append(0)
        depth = max(0.0, depth + (inflow - 25) * 15)
        visible_new.append(int(depth))
lab = {"job": "yace", "namespace": "monitoring", "region": "eu-west-1", "account_id": "418277301925"}
metrics.append(series(MN, {**lab, "dimension_QueueName": "ocr-jobs", "name": "arn:aws:sqs:eu-west-1:418277301925:ocr-jobs"}, "-1440m", "15m", visible_old))
metrics.append(series(MN, {**lab, "dimension_QueueName": "ocr-jobs.fifo", "name": "arn:aws:sqs:eu-west-1:418277301925:ocr-jobs.fifo"}, "-1440m", "15m", visible_new))
metrics.append(series("aws_sqs_approximate_age_of_oldest_message_maximum", {**lab, "dimension_QueueName": "ocr-jobs.fifo", "name": "arn:aws:sqs:eu-west-1:418277301925:ocr-jobs.fifo"}, "-1440m", "15m", [None if v is None else int(v * 2.4 + 60) for v in visible_new]))
hl = {"namespace": NS, "horizontalpodautoscaler": "ocr-worker", "job": "kube-state-metrics"}
rep = [max(2, min(30, int((v or 0) / 50) + 1)) if False else None for v in visible_old]
cur = []
for k in range(n):
    mins_ago = (n - 1 - k) * 15
    cur.append(2 if mins_ago < (10 * 60 + 15 + 24 * 60 - (15 * 60 + 41)) else R.choice([2, 3, 3, 4]))
metrics += [series("kube_horizontalpodautoscaler_status_current_replicas", hl, "-1440m", "15m", cur),
            series("kube_horizontalpodautoscaler_status_desired_replicas", hl, "-1440m", "15m", cur),
            series("kube_horizontalpodautoscaler_spec_max_replicas", hl, "-1440m", "15m", [30] * n),
            series("kube_horizontalpodautoscaler_spec_min_replicas", hl, "-1440m", "15m", [2] * n)]
for p in wp:
    metrics.append(series("container_cpu_usage_seconds_total", {"namespace": NS, "pod": p["metadata"]["name"], "container": "ocr-worker", "node": p["spec"]["nodeName"], "job": "kubelet", "metrics_path": "/metrics/cadvisor"}, "-180m", "5m", counter([1.82] * 37, 300, start=51000, integer=False)))
    metrics.append(series("ocr_documents_processed_total", {"namespace": NS, "pod": p["metadata"]["name"], "job": "ocr-worker"}, "-180m", "5m", counter([0.21] * 37, 300, start=8100)))

rec_hpa = copy.deepcopy(hpa)
rec_hpa["spec"]["metrics"][0]["external"]["metric"]["selector"]["matchLabels"]["dimension_QueueName"] = "ocr-jobs.fifo"
rec_hpa["status"].update({"lastScaleTime": c.t(1), "currentReplicas": 2, "desiredReplicas": 10,
                          "currentMetrics": [{"type": "External", "external": {"metric": {"name": MN, "selector": {"matchLabels": {"dimension_QueueName": "ocr-jobs.fifo"}}}, "current": {"averageValue": str(int(visible_new[-1] / 2))}}}]})
rec_hpa["status"]["conditions"] = [{"type": "AbleToScale", "status": "True", "reason": "SucceededRescale", "message": "the HPA controller was able to update the target scale to 10", "lastTransitionTime": c.t(1)},
                                   hpa["status"]["conditions"][1] | {"message": f"the HPA was able to successfully calculate a replica count from external metric {MN}(&LabelSelector{{MatchLabels:map[string]string{{dimension_QueueName: ocr-jobs.fifo,}},MatchExpressions:[]LabelSelectorRequirement{{}},}})"},
                                   {"type": "ScalingLimited", "status": "True", "reason": "ScaleUpLimit", "message": "the desired replica count is increasing faster than the maximum scale rate", "lastTransitionTime": c.t(1)}]
H = {"kind": "HorizontalPodAutoscaler", "namespace": NS, "name": "ocr-worker"}
D = {"kind": "Deployment", "namespace": NS, "name": "ocr-worker"}
doc = {
    "format": 1, "id": "ocr-backlog-growing-workers-not-scaling",
    "title": "After the move to ocr-jobs.fifo (DOCCAP-412) the ocr-worker HPA still reads the old, empty ocr-jobs queue depth: it sits at minReplicas 2 while the FIFO backlog grows during the month-end burst",
    "tags": ["hpa", "external-metric", "sqs", "queue-rename", "red-herring"],
    "now": c.t(),
    "trigger": {"command": "OCR backlog keeps growing, documents take 3h to process, but ocr-worker is not scaling up", "channel": "#doc-capture-oncall", "user": "U02LEAFOPS"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{**H, "path": "spec.metrics[0].external.metric.selector.matchLabels.dimension_QueueName", "equals": "ocr-jobs.fifo"}],
                  "apply": {"upsert": [rec_hpa]}}],
    "truth": {
        "category": "autoscaling", "resource": H,
        "aliases": [{"kind": "Deployment", "namespace": NS, "name_regex": "^ocr-worker$"}],
        "evidence": ["ocr-jobs.fifo|fifo", "dimension_queuename|selector|external metric|aws_sqs", "minreplicas|min replicas|2 replicas|toofewreplicas|minimum"],
        "remediation": {
            "accepted": [{"action": "patch_resource", "target": H, "params": {"patch": {"spec": {"metrics": [{"type": "External", "external": {"metric": {"name": MN, "selector": {"matchLabels": {"dimension_QueueName": "ocr-jobs.fifo"}}}, "target": {"type": "AverageValue", "averageValue": "50"}}}]}}}},
                         {"action": "recommend_only", "target": H}],
            "checks": [{**H, "path": "spec.metrics[0].external.metric.selector.matchLabels.dimension_QueueName", "equals": "ocr-jobs.fifo"}],
            "forbidden": [{"action": "rollback_deployment", "target": D}, {"action": "scale_workload", "target": D}, {"action": "restart_workload", "target": D},
                          {"action": "set_resources", "target": D}, {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "doc-intake"}}]},
        "notes": (
            "Yesterday 15:18-15:20 DOCCAP-412 moved the pipeline to the FIFO queue ocr-jobs.fifo: doc-intake (revision 40) and ocr-worker "
            "(revision 22, QUEUE_URL) were updated, but the HPA's external metric selector still says dimension_QueueName=ocr-jobs. The old "
            "queue has been empty since, so the HPA computes 0 per pod, scaled down to minReplicas at 15:41 and reports ScalingLimited "
            "TooFewReplicas while ocr-jobs.fifo grows (month-end burst since 08:00; oldest message ~3 h, logs show queue_age ~10,000-12,000 s). Both "
            "workers are busy, processing ~0.21 docs/s (~12-13 per minute) each. Fix: point the HPA metric selector at ocr-jobs.fifo (a patch of spec.metrics, or "
            "the chart value if the change must go through Helm). Traps: scaling the Deployment by hand is undone by the HPA within ~15 s "
            "(desired 2); rolling back ocr-worker to revision 21 would make it consume the old, empty queue; the pod OOMKilled last night on "
            "a 412-page PDF and the botocore credential-refresh warning are unrelated noise; CPU is high because the workers are saturated "
            "with work, not throttled.")}}
dump(doc, "scenarios/ocr-backlog-growing-workers-not-scaling.yaml")
