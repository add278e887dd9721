"""Scenarios (helper scenA): image pull failures."""
from __future__ import annotations

from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, podspec, running
from scena_kit import act, fresh_pods_item, pool, rollback_item, set_waiting
from scena_obs import alert, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, series, timed
from scena_work import Deploy, endpoints, hpa, secret, service, simple_app


def catalog_sync() -> dict:
    """GitOps bumped catalog-sync to tag 2.7.0; CI only ever pushes v-prefixed tags: NotFound, ImagePullBackOff."""
    ctx = Ctx("catalog-sync-tag-prefix", "2026-11-20T19:02:00Z")
    ns = "catalog"
    nodes = pool(ctx, "eks", 3, region="us-west-2", itype="c6i.2xlarge", pool_name="general-c6i", subnet="10.31", cidr_base=31,
                 created="-12d")
    repo = "602318745016.dkr.ecr.us-west-2.amazonaws.com/catalog/catalog-sync"

    def cspec(tag: str) -> dict:
        return podspec([container("catalog-sync", f"{repo}:{tag}", args=["--interval=2m", "--source=pim", "--sink=opensearch"],
                                  ports=[{"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
                                  env=[{"name": "PIM_BASE_URL", "value": "https://pim.internal.example.com/api/v3"},
                                       {"name": "OPENSEARCH_URL", "value": "https://catalog-os.catalog.svc.cluster.local:9200"}],
                                  resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/readyz", "port": "metrics"}, "periodSeconds": 10})],
                       sa="catalog-sync")
    dep = Deploy(ctx, ns, "catalog-sync", match={"app.kubernetes.io/name": "catalog-sync"}, created="-380d", replicas=2,
                 labels={"app.kubernetes.io/name": "catalog-sync", "team": "catalog"},
                 annotations={"fluxcd.io/sync-gc-mark": "sha256.Jq1bT8hV", "kustomize.toolkit.fluxcd.io/name": "catalog-apps",
                              "kustomize.toolkit.fluxcd.io/namespace": "flux-system"})
    dep.rev(21, cspec("v2.6.1"), created="-27d", cause=None)
    dep.rev(22, cspec("v2.6.2"), created="-16d")
    rs23 = dep.rev(23, cspec("v2.6.3"), created="-9d", replicas=2)
    rs24 = dep.rev(24, cspec("2.7.0"), created="-78m", replicas=1, ready=0)
    old = [dep.pod(rs23, nodes[i], created=ctx.dt("-9d") + timedelta(seconds=50 * i), ip=ctx.ip(nodes[i])) for i in range(2)]
    bad = dep.pod(rs24, nodes[2], created="-78m", ip=ctx.ip(nodes[2]))
    img = f"{repo}:2.7.0"
    set_waiting(ctx, bad, reason="ImagePullBackOff", message=f'Back-off pulling image "{img}"')
    objs: list = [Comment("nodes: EKS us-west-2, managed node group general-c6i")] + nodes
    objs.append(Comment("catalog-sync: Flux applied revision 24 (image tag 2.7.0) at 17:44; revisions 21-23 used v-prefixed tags"))
    objs += dep.done(progressing="deadline", updated_at="-68m", available_since="-380d")
    ep = endpoints(ctx, ns, "catalog-sync", ready=old, created="-380d", labels={"app.kubernetes.io/name": "catalog-sync"},
                   ports=[{"name": "metrics", "port": 9090, "protocol": "TCP"}])
    objs += [service(ctx, ns, "catalog-sync", selector={"app.kubernetes.io/name": "catalog-sync"}, ip="172.20.12.93", created="-380d",
                     ports=[{"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"}],
                     labels={"app.kubernetes.io/name": "catalog-sync"}), ep]
    objs.append(Comment("neighbours"))
    api_spec = podspec([container("catalog-api", "602318745016.dkr.ecr.us-west-2.amazonaws.com/catalog/catalog-api:v5.12.0",
                                  ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5})], sa="catalog-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "catalog-api", api_spec, nodes, replicas=3, created="-500d", rs_created="-2d", rev=61,
                                   svc_ip="172.20.99.18", match={"app.kubernetes.io/name": "catalog-api"},
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += a_objs
    objs.append(Comment("events"))
    objs += rollout_events(ctx, dep.obj, rs24, dep.rs(23), at="-78m", steps=[(0, "up", rs24, 0, 1)])
    objs.append(event(ctx, rs24, "SuccessfulCreate", f"Created pod: {bad['metadata']['name']}", first="-78m", component="replicaset-controller"))
    objs.append(event(ctx, bad, "Scheduled", f"Successfully assigned {ns}/{bad['metadata']['name']} to {nodes[2]['metadata']['name']}",
                      first="-78m", component="default-scheduler"))
    fp = "spec.containers{catalog-sync}"
    nf = (f'Failed to pull image "{img}": rpc error: code = NotFound desc = failed to pull and unpack image "{img}": '
          f'failed to resolve reference "{img}": {img}: not found')
    objs += [event(ctx, bad, "Pulling", f'Pulling image "{img}"', count=19, first="-78m", last="-3m", field_path=fp),
             event(ctx, bad, "Failed", nf, type_="Warning", count=19, first="-78m", last="-3m", field_path=fp),
             event(ctx, bad, "Failed", "Error: ErrImagePull", type_="Warning", count=19, first="-78m", last="-3m", field_path=fp),
             event(ctx, bad, "BackOff", f'Back-off pulling image "{img}"', count=331, first="-77m", last="-40s", field_path=fp),
             event(ctx, bad, "Failed", "Error: ImagePullBackOff", type_="Warning", count=331, first="-77m", last="-40s", field_path=fp)]
    cluster_logs = []
    for p in old:
        cluster_logs.append(logs(ns, p, timed(ctx, "-30m", 120, [
            f'{{"level":"info","msg":"sync cycle done","changed":{ctx.rng.randint(3, 80)},"deleted":0,"took_ms":{ctx.rng.randint(900, 4000)}}}'
            for _ in range(15)], lambda ts, ln: ln[:-1] + f',"ts":"{ts}"}}')))
    cluster_logs.append(logs(ns, a_pods[0], timed(ctx, "-10m", 60, [
        "GET /v1/products/sku-118204 200 4ms", "GET /v1/categories/outdoor 200 12ms", "GET /healthz 200 0ms",
        "GET /v1/products?brand=nordkap 200 31ms", "GET /v1/products/sku-99120 200 5ms"], lambda ts, ln: f"{ts} INFO {ln}")))
    mets = [series(ksm("kube_pod_container_status_waiting_reason", ns, pod=bad["metadata"]["name"], container="catalog-sync",
                       reason="ImagePullBackOff"), [None] * 2 + [1] * 79, start="-80m"),
            series(ksm("kube_deployment_status_replicas_unavailable", ns, deployment="catalog-sync"), [0] * 2 + [1] * 79, start="-80m"),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="catalog-sync"), [2] * 81, start="-80m"),
            series(ksm("kube_deployment_status_condition", ns, deployment="catalog-sync", condition="Progressing", status="false"),
                   [0] * 12 + [1] * 69, start="-80m")]
    for p in old:
        mets.append(series({"__name__": "catalog_sync_cycles_total", "job": "catalog-sync", "namespace": ns, "pod": p["metadata"]["name"],
                            "result": "ok"}, cum(ctx, [1 / 120] * 81, start=6480, frac=0.0), start="-80m"))
    when_rb = [{"kind": "Deployment", "namespace": ns, "name": "catalog-sync", "path": "spec.template.spec.containers[0].image", "equals": f"{repo}:v2.6.3"}]
    when_fix = [{"kind": "Deployment", "namespace": ns, "name": "catalog-sync", "path": "spec.template.spec.containers[0].image", "equals": f"{repo}:v2.7.0"}]
    rec1 = rollback_item(ctx, dep, good=23, bad=24, new_n=25, nodes=nodes, bad_pods=[bad], ep=ep, when=when_rb, reuse=old)
    rec2 = fresh_pods_item(ctx, dep, n_rev=25, spec=cspec("v2.7.0"), nodes=nodes[1:] + nodes[:1], when=when_fix, old_pods=old + [bad], ep=ep,
                           log=lambda p: [f'{{"level":"info","msg":"catalog-sync v2.7.0 starting","ts":"{ctx.t("+40s")}"}}',
                                          f'{{"level":"info","msg":"sync cycle done","changed":41,"deleted":0,"took_ms":2210,"ts":"{ctx.t("+3m")}"}}'])
    return {
        "format": 1, "id": "catalog-sync-release-stuck",
        "title": "Flux rolled catalog-sync to image tag 2.7.0, but CI publishes v-prefixed tags (v2.7.0): ECR answers not found, the new pod sits in ImagePullBackOff and the rollout is stuck",
        "tags": ["image-pull", "imagepullbackoff", "ecr", "eks", "flux", "tag"],
        "now": ctx.now_s,
        "trigger": {"alert": alert(ctx, "KubeContainerWaiting", {"namespace": ns, "pod": bad["metadata"]["name"], "container": "catalog-sync",
                                                                 "severity": "warning", "job": "kube-state-metrics"},
                                   summary="Pod container waiting longer than 1 hour",
                                   description=f"pod/{bad['metadata']['name']} in namespace {ns} on container catalog-sync has been in waiting state for longer than 1 hour.",
                                   starts="-16m", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubecontainerwaiting",
                                   expr='sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) > 0'),
                    "channel": "#catalog-alerts"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec1, rec2],
        "truth": {
            "category": "image_pull",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "catalog-sync"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs24['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs24['metadata']['name']}-"}],
            "evidence": ["2.7.0", "not found|notfound", "imagepullbackoff|errimagepull|image pull", "v2.6.3|v-prefix|v prefix|\"v\""],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "catalog-sync"),
                             act("patch_resource", ns, "catalog-sync", params={"patch": {"spec": {"template": {"spec": {"containers": [
                                 {"name": "catalog-sync", "image": f"{repo}:v2.7.0"}]}}}}})],
                "checks": [{"any_of": when_rb + when_fix}],
                "forbidden": [act("restart_workload", ns, "catalog-sync"), act("scale_workload", ns, "catalog-sync"),
                              act("delete_pod", ns, bad["metadata"]["name"], "Pod"), act("set_resources", ns, "catalog-sync")]},
            "notes": Folded(
                "Flux applied revision 24 at 17:44 with image catalog-sync:2.7.0. ECR has no such tag: every pull fails with "
                "'rpc error: code = NotFound ... not found', the surge pod is in ImagePullBackOff (19 pulls, 331 back-offs) and the "
                "Deployment's Progressing condition is ProgressDeadlineExceeded. The ReplicaSet history shows the convention the "
                "bump broke: revisions 21-23 ran v2.6.1, v2.6.2 and v2.6.3. The two revision-23 pods keep syncing, so the only "
                "impact is the stuck release (and an alert after an hour).\n\n"
                "Two fixes are right: roll back to revision 23 (v2.6.3), or patch the image to the tag CI actually pushed "
                "(v2.7.0); recovery covers both. Restarting, deleting the pod or scaling retries the same missing tag. There are "
                "no credential or node problems: the other pods on the same nodes pulled from the same registry.")},
    }


def risk_scorer() -> dict:
    """Harbor robot token in the pull secret expired; only pods landing on a fresh autoscaled node need to pull."""
    ctx = Ctx("risk-scorer-robot-token-expired", "2026-11-24T11:05:00Z")
    ns = "risk"
    nodes = pool(ctx, "aks", 4, region="northeurope", itype="Standard_F16s_v2", pool_name="risk", cpu=16, mem_gi=32, cluster="risk-prod",
                 subnet="10.240", cidr_base=244, created="-30d")
    new_node = nodes[3]
    new_node["metadata"]["creationTimestamp"] = ctx.t("-27m")
    for c in new_node["status"]["conditions"]:
        c["lastTransitionTime"] = ctx.t("-26m")
    new_node["metadata"]["labels"]["cluster-autoscaler.kubernetes.io/scale-down-disabled"] = "false"
    reg = "harbor.platform.example.com/risk"
    img = f"{reg}/risk-scorer:3.4.2"
    spec = podspec([container("risk-scorer", img, ports=[{"name": "grpc", "containerPort": 9000, "protocol": "TCP"},
                                                         {"name": "metrics", "containerPort": 9100, "protocol": "TCP"}],
                              env=[{"name": "MODEL_PATH", "value": "/models/gbm-2026-11-18.onnx"}, {"name": "OMP_NUM_THREADS", "value": "2"}],
                              resources={"requests": {"cpu": "2", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}},
                              readiness={"grpc": {"port": 9000}, "periodSeconds": 5},
                              liveness={"grpc": {"port": 9000}, "initialDelaySeconds": 20, "periodSeconds": 10})],
                   sa="risk-scorer", pull_secrets=["harbor-risk-pull"])
    dep = Deploy(ctx, ns, "risk-scorer", match={"app": "risk-scorer"}, created="-200d", replicas=7,
                 labels={"app": "risk-scorer", "team": "fraud-risk"})
    rs = dep.rev(15, spec, created="-6d", cause="risk-scorer 3.4.2 (model gbm-2026-11-18)", replicas=7, ready=5)
    pods = [dep.pod(rs, nodes[i % 3], created=ctx.dt("-6d") + timedelta(seconds=30 * i), ip=ctx.ip(nodes[i % 3])) for i in range(4)]
    pods.append(dep.pod(rs, nodes[1], created="-31m", ip=ctx.ip(nodes[1])))
    stuck = []
    for k in range(2):
        p = dep.pod(rs, new_node, created=ctx.dt("-31m") + timedelta(seconds=k), ip=ctx.ip(new_node))
        set_waiting(ctx, p, reason="ImagePullBackOff", message=f'Back-off pulling image "{img}"')
        p["status"]["conditions"][-1]["lastTransitionTime"] = ctx.t("-25m")
        stuck.append(p)
    objs: list = [Comment("nodes: AKS risk-prod, user pool 'risk'; vmss000003 added by the cluster autoscaler 27 minutes ago")] + nodes
    objs += dep.done(available_since="-200d", updated_at="-6d")
    objs.append(hpa(ctx, ns, "risk-scorer", dep.obj, min_r=4, max_r=10, cpu_target=65, current=7, desired=7, cpu_now=88, created="-200d",
                    conditions=[{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
                                 "message": "recommended size matches current size", "lastTransitionTime": ctx.t("-31m")},
                                {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
                                 "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                                 "lastTransitionTime": ctx.t("-200d")},
                                {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange",
                                 "message": "the desired count is within the acceptable range", "lastTransitionTime": ctx.t("-31m")}]))
    ep = endpoints(ctx, ns, "risk-scorer", ready=pods, not_ready=stuck, created="-200d", ports=[{"name": "grpc", "port": 9000, "protocol": "TCP"}])
    objs += [service(ctx, ns, "risk-scorer", selector={"app": "risk-scorer"}, ip="10.0.140.61", created="-200d",
                     ports=[{"name": "grpc", "port": 9000, "targetPort": "grpc", "protocol": "TCP"}]), ep]
    objs.append(secret(ctx, ns, "harbor-risk-pull", {".dockerconfigjson": "eyJhdXRocyI6eyJoYXJib3IucGxhdGZvcm0uZXhhbXBsZS5jb20iOnsidXNlcm5hbWUiOiJyb2JvdCRyaXNrK2s4cy1wdWxsIiwicGFzc3dvcmQiOiJ0UjR6bVc5cUxrMnZYOHBOIiwiYXV0aCI6ImNtOWliM1FrY21semF5dHJPSE10Y0hWc2JEcDBValI2YlZjNWNVeHJNblpZT0hCTyJ9fX0="},
                       created="-90d", type_="kubernetes.io/dockerconfigjson",
                       annotations={"platform.example.com/robot-account": "robot$risk+k8s-pull",
                                    "platform.example.com/expires-at": "2026-11-23T09:00:00Z",
                                    "platform.example.com/owner": "team-fraud-risk"}))
    objs.append(Comment("neighbour: risk-gateway (calls risk-scorer); its image is on every node already"))
    g_spec = podspec([container("risk-gateway", f"{reg}/risk-gateway:1.9.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
                                readiness={"httpGet": {"path": "/readyz", "port": 8080}})], sa="risk-gateway", pull_secrets=["harbor-risk-pull"])
    g_objs, g_pods, _ = simple_app(ctx, ns, "risk-gateway", g_spec, nodes[:3], replicas=3, created="-200d", rs_created="-13d", rev=33,
                                   svc_ip="10.0.98.4", port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += g_objs
    objs.append(Comment("events"))
    objs.append(event(ctx, dep.obj, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 4 to 7", first="-31m",
                      component="deployment-controller"))
    objs.append(event(ctx, next(o for o in objs if isinstance(o, dict) and o["kind"] == "HorizontalPodAutoscaler"),
                      "SuccessfulRescale", "New size: 7; reason: cpu resource utilization (percentage of request) above target",
                      first="-31m", component="horizontal-pod-autoscaler"))
    for p in stuck:
        objs.append(event(ctx, p, "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
                          "3 No preemption victims found for incoming pod.", type_="Warning", count=3, first="-31m", last="-29m",
                          component="default-scheduler"))
        objs.append(event(ctx, p, "TriggeredScaleUp", f"pod triggered scale-up: [{{aks-risk-{new_node['metadata']['name'].split('-')[2]}-vmss 3->4 (max: 6)}}]",
                          first="-31m", component="cluster-autoscaler"))
        objs.append(event(ctx, p, "Scheduled", f"Successfully assigned {ns}/{p['metadata']['name']} to {new_node['metadata']['name']}",
                          first="-25m", component="default-scheduler"))
        msg = (f'Failed to pull image "{img}": rpc error: code = Unknown desc = failed to pull and unpack image "{img}": failed to resolve '
               f'reference "{img}": failed to authorize: failed to fetch oauth token: unexpected status from GET request to '
               "https://harbor.platform.example.com/service/token?scope=repository%3Arisk%2Frisk-scorer%3Apull&service=harbor-registry: 401 Unauthorized")
        fp = "spec.containers{risk-scorer}"
        objs += [event(ctx, p, "Pulling", f'Pulling image "{img}"', count=8, first="-25m", last="-4m", field_path=fp),
                 event(ctx, p, "Failed", msg, type_="Warning", count=8, first="-25m", last="-4m", field_path=fp),
                 event(ctx, p, "Failed", "Error: ErrImagePull", type_="Warning", count=8, first="-25m", last="-4m", field_path=fp),
                 event(ctx, p, "BackOff", f'Back-off pulling image "{img}"', count=97, first="-25m", last="-20s", field_path=fp),
                 event(ctx, p, "Failed", "Error: ImagePullBackOff", type_="Warning", count=97, first="-25m", last="-20s", field_path=fp)]
    objs += pod_start_events(ctx, pods[4], at="-31m", pull_s=None)
    objs += [event(ctx, new_node, "Starting", "Starting kubelet.", first="-27m"),
             event(ctx, new_node, "NodeHasSufficientMemory", f"Node {new_node['metadata']['name']} status is now: NodeHasSufficientMemory", first="-27m"),
             event(ctx, new_node, "RegisteredNode", f"Node {new_node['metadata']['name']} event: Registered Node {new_node['metadata']['name']} in Controller",
                   first="-27m", component="node-controller"),
             event(ctx, new_node, "NodeReady", f"Node {new_node['metadata']['name']} status is now: NodeReady", first="-26m")]
    cluster_logs = []
    for p in pods:
        cluster_logs.append(logs(ns, p, timed(ctx, "-12m", 90, [
            f'{{"level":"info","msg":"scored batch","n":{ctx.rng.randint(180, 420)},"p99_ms":{ctx.rng.randint(9, 22)},"model":"gbm-2026-11-18"}}'
            for _ in range(8)], lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')))
    cluster_logs.append(logs(ns, g_pods[0], timed(ctx, "-10m", 75, [
        "level=info route=/v1/score status=200 latency=31ms", "level=info route=/v1/score status=200 latency=44ms",
        "level=warn route=/v1/score status=200 latency=212ms msg=\"scorer queue deep\"", "level=info route=/v1/score status=200 latency=38ms",
        "level=info route=/v1/score status=200 latency=52ms", "level=warn route=/v1/score status=200 latency=198ms msg=\"scorer queue deep\"",
        "level=info route=/v1/score status=200 latency=41ms", "level=info route=/v1/score status=200 latency=36ms"], lambda ts, ln: f"ts={ts} {ln}")))
    mets = [series(ksm("kube_deployment_spec_replicas", ns, deployment="risk-scorer"), [4] * 29 + [7] * 32),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="risk-scorer"), [4] * 29 + [4, 4, 5] + [5] * 29),
            series(ksm("kube_horizontalpodautoscaler_status_desired_replicas", ns, horizontalpodautoscaler="risk-scorer"), [4] * 29 + [7] * 32)]
    for p in stuck:
        mets.append(series(ksm("kube_pod_container_status_waiting_reason", ns, pod=p["metadata"]["name"], container="risk-scorer",
                               reason="ImagePullBackOff"), [None] * 36 + [1] * 25))
    for p in pods[:4]:
        mets.append(series({"__name__": "container_cpu_usage_seconds_total", "job": "kubelet", "metrics_path": "/metrics/cadvisor",
                            "namespace": ns, "pod": p["metadata"]["name"], "container": "risk-scorer", "node": p["spec"]["nodeName"]},
                           cum(ctx, [1.2] * 20 + [1.82] * 41, start=ctx.rng.randint(700_000, 800_000), nd=2)))
    return {
        "format": 1, "id": "risk-scorer-stuck-after-scale-up",
        "title": "risk-scorer scaled from 4 to 7; the two pods placed on the freshly autoscaled node cannot pull from Harbor (401) because the robot account in harbor-risk-pull expired yesterday; older nodes still have the image cached",
        "tags": ["image-pull", "credentials", "harbor", "aks", "cluster-autoscaler", "recommend-only"],
        "now": ctx.now_s,
        "trigger": {"command": "risk-scorer stuck at 5/7 after the scale-up, two pods never start", "channel": "#fraud-risk", "user": "U06RISKOPS"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "image_pull", "also_accept": ["access_denied"],
            "resource": {"kind": "Secret", "namespace": ns, "name": "harbor-risk-pull"},
            "aliases": [{"kind": "Deployment", "namespace": ns, "name_regex": "^risk-scorer$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": "^(" + "|".join(p["metadata"]["name"] for p in stuck) + ")$"}],
            "evidence": ["401|unauthorized", "harbor-risk-pull|pull secret|imagepullsecret|robot", "expire",
                         new_node["metadata"]["name"] + "|new node|autoscal|cached"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "Secret", "namespace": ns, "name": "harbor-risk-pull"}}],
                "forbidden": [act("restart_workload", ns, "risk-scorer"), act("rollback_deployment", ns, "risk-scorer"),
                              act("scale_workload", ns, "risk-scorer"), act("restart_workload", ns, "risk-gateway"),
                              act("delete_pod", ns, stuck[0]["metadata"]["name"], "Pod")]},
            "notes": Folded(
                "At 10:34 the HPA scaled risk-scorer from 4 to 7 (CPU 88% of request). One new pod fit on an existing node and "
                "started at once (image already present); two did not fit, triggered a cluster-autoscaler scale-up, and landed on "
                f"{new_node['metadata']['name']} at 10:40. That node has never pulled risk-scorer:3.4.2, and every pull from Harbor "
                "fails with 'failed to fetch oauth token ... 401 Unauthorized'. The pull secret harbor-risk-pull holds the robot "
                "account robot$risk+k8s-pull, which (per the Secret's own annotation) expired on 2026-11-23 09:00. The older nodes "
                "never needed to pull (imagePullPolicy IfNotPresent, pods from six days ago), which is why only the new node "
                "fails and why nothing looked wrong until the scale-up. risk-gateway uses the same secret and is fine for the same "
                "reason; any future node replacement will break it too.\n\n"
                "No allowed mutation fixes it (Secrets are not patchable by the bot, and the image and tag are right). A human "
                "should renew or recreate the robot account in Harbor and update harbor-risk-pull; the stuck pods will then pull "
                "on their next back-off. Restarting or rolling back would move more pods onto nodes that must pull and make it "
                "worse; scaling changes nothing.")},
    }


SCENARIOS = [catalog_sync, risk_scorer]


def pdf_render() -> dict:
    """A FinOps change moves pdf-render to the Graviton node group, but its image has only an amd64 manifest."""
    ctx = Ctx("pdf-render-graviton-move", "2026-11-25T15:08:00Z")
    ns = "documents"
    x86 = pool(ctx, "eks", 3, region="eu-north-1", itype="m6i.xlarge", pool_name="general-x86", cpu=4, mem_gi=16, subnet="10.80",
               cidr_base=80, created="-61d")
    arm = pool(ctx, "eks", 2, region="eu-north-1", itype="m7g.xlarge", pool_name="graviton-m7g", cpu=4, mem_gi=16, subnet="10.81",
               cidr_base=81, created="-2d", arch="arm64", taints=[{"key": "arch", "value": "arm64", "effect": "NoSchedule"}])
    nodes = x86 + arm
    repo = "913562207441.dkr.ecr.eu-north-1.amazonaws.com/documents/pdf-render"
    img = f"{repo}:7.3.0"

    def pspec(graviton: bool) -> dict:
        s = podspec([container("pdf-render", img, ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                               env=[{"name": "CHROMIUM_FLAGS", "value": "--no-sandbox --disable-gpu"}, {"name": "MAX_PAGES", "value": "16"}],
                               resources={"requests": {"cpu": "1", "memory": "1536Mi"}, "limits": {"memory": "2Gi"}},
                               readiness={"httpGet": {"path": "/health", "port": 3000}, "periodSeconds": 10})], sa="pdf-render",
                    node_selector={"kubernetes.io/arch": "arm64"} if graviton else None,
                    tolerations=[{"key": "arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}] if graviton else None)
        return s
    dep = Deploy(ctx, ns, "pdf-render", match={"app": "pdf-render"}, created="-250d", replicas=3, labels={"app": "pdf-render", "team": "documents"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    rs14 = dep.rev(14, pspec(False), created="-13d", cause="pdf-render 7.3.0", replicas=3)
    rs15 = dep.rev(15, pspec(True), created="-41m", cause="finops: move pdf-render to graviton (FINOPS-233)", replicas=1, ready=0)
    old = [dep.pod(rs14, x86[i], created=ctx.dt("-13d") + timedelta(seconds=40 * i), ip=ctx.ip(x86[i])) for i in range(3)]
    new = dep.pod(rs15, arm[0], created="-41m", ip=ctx.ip(arm[0]))
    set_waiting(ctx, new, reason="ImagePullBackOff", message=f'Back-off pulling image "{img}"')
    objs: list = [Comment("nodes: EKS eu-north-1; x86 group and the new Graviton group (tainted arch=arm64:NoSchedule)")] + nodes
    objs.append(Comment("pdf-render: revision 15 only adds nodeSelector kubernetes.io/arch=arm64 and the toleration; same image"))
    objs += dep.done(progressing="deadline", updated_at="-31m", available_since="-250d")
    ep = endpoints(ctx, ns, "pdf-render", ready=old, not_ready=[new], created="-250d", ports=[{"name": "http", "port": 3000, "protocol": "TCP"}])
    objs += [service(ctx, ns, "pdf-render", selector={"app": "pdf-render"}, ip="172.20.77.201", created="-250d",
                     ports=[{"name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP"}]), ep]
    objs.append(Comment("neighbour already on Graviton: doc-store (multi-arch image)"))
    ds_spec = podspec([container("doc-store", "913562207441.dkr.ecr.eu-north-1.amazonaws.com/documents/doc-store:2.9.0",
                                 ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                 readiness={"httpGet": {"path": "/healthz", "port": 8080}})], sa="doc-store",
                      node_selector={"kubernetes.io/arch": "arm64"},
                      tolerations=[{"key": "arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}])
    d_objs, d_pods, _ = simple_app(ctx, ns, "doc-store", ds_spec, arm, replicas=2, created="-300d", rs_created="-40h", rev=27,
                                   cause="finops: move doc-store to graviton (FINOPS-231)", svc_ip="172.20.19.3",
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += d_objs
    objs.append(Comment("events"))
    objs += rollout_events(ctx, dep.obj, rs15, rs14, at="-41m", steps=[(0, "up", rs15, 0, 1)])
    objs.append(event(ctx, rs15, "SuccessfulCreate", f"Created pod: {new['metadata']['name']}", first="-41m", component="replicaset-controller"))
    objs.append(event(ctx, new, "Scheduled", f"Successfully assigned {ns}/{new['metadata']['name']} to {arm[0]['metadata']['name']}", first="-41m",
                      component="default-scheduler"))
    fp = "spec.containers{pdf-render}"
    msg = (f'Failed to pull image "{img}": rpc error: code = NotFound desc = failed to pull and unpack image "{img}": '
           "no match for platform in manifest: not found")
    objs += [event(ctx, new, "Pulling", f'Pulling image "{img}"', count=13, first="-41m", last="-2m", field_path=fp),
             event(ctx, new, "Failed", msg, type_="Warning", count=13, first="-41m", last="-2m", field_path=fp),
             event(ctx, new, "Failed", "Error: ErrImagePull", type_="Warning", count=13, first="-41m", last="-2m", field_path=fp),
             event(ctx, new, "BackOff", f'Back-off pulling image "{img}"', count=172, first="-41m", last="-15s", field_path=fp),
             event(ctx, new, "Failed", "Error: ImagePullBackOff", type_="Warning", count=172, first="-41m", last="-15s", field_path=fp)]
    cluster_logs = [logs(ns, p, timed(ctx, "-25m", 180, [f'{{"level":"info","msg":"rendered","pages":{ctx.rng.randint(1, 14)},"ms":{ctx.rng.randint(400, 2400)}}}'
                                                         for _ in range(8)], lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')) for p in old]
    cluster_logs.append(logs(ns, d_pods[0], timed(ctx, "-20m", 200, ["GET /v1/docs/d_8812 200 6ms", "PUT /v1/docs/d_8813 201 31ms",
                                                                     "GET /healthz 200 0ms", "GET /v1/docs/d_8790 200 4ms"] * 2,
                                                  lambda ts, ln: f"{ts} {ln}")))
    mets = [series(ksm("kube_deployment_status_condition", ns, deployment="pdf-render", condition="Progressing", status="false"),
                   [0] * 29 + [1] * 32),
            series(ksm("kube_deployment_status_replicas_unavailable", ns, deployment="pdf-render"), [0] * 19 + [1] * 42),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="pdf-render"), [3] * 61),
            series(ksm("kube_pod_container_status_waiting_reason", ns, pod=new["metadata"]["name"], container="pdf-render", reason="ImagePullBackOff"),
                   [None] * 20 + [1] * 41)]
    for n_ in nodes:
        mets.append(series(ksm("kube_node_info", "", node=n_["metadata"]["name"], kubelet_version=n_["status"]["nodeInfo"]["kubeletVersion"],
                               container_runtime_version="containerd://1.7.23", os_image="Amazon Linux 2023.6.20241111"), [1] * 61))
        mets[-1]["labels"].pop("namespace")
        mets.append(series(ksm("kube_node_labels", "", node=n_["metadata"]["name"], label_kubernetes_io_arch=n_["metadata"]["labels"]["kubernetes.io/arch"]),
                           [1] * 61))
        mets[-1]["labels"].pop("namespace")
    to_x86 = {"kind": "Deployment", "namespace": ns, "name": "pdf-render", "path": 'spec.template.spec.nodeSelector["kubernetes.io/arch"]', "equals": "amd64"}
    no_sel = {"kind": "Deployment", "namespace": ns, "name": "pdf-render", "path": "spec.template.spec.nodeSelector", "exists": False}
    rec_rb = rollback_item(ctx, dep, good=14, bad=15, new_n=16, nodes=x86, when=[no_sel], bad_pods=[new], ep=ep, reuse=old)
    patched = pspec(True)
    patched["nodeSelector"] = {"kubernetes.io/arch": "amd64"}
    rec_patch = fresh_pods_item(ctx, dep, n_rev=16, spec=patched, nodes=x86, when=[to_x86], old_pods=old + [new], ep=ep,
                                log=lambda p: [f'{{"level":"info","msg":"pdf-render 7.3.0 ready","chromium":"131.0.6778.85","time":"{ctx.t("+40s")}"}}'])
    trig = alert(ctx, "KubeDeploymentRolloutStuck", {"namespace": ns, "deployment": "pdf-render", "severity": "warning", "job": "kube-state-metrics"},
                 summary="Deployment rollout is not progressing.",
                 description=f"Rollout of deployment {ns}/pdf-render is not progressing for longer than 15 minutes.", starts="-16m",
                 runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentrolloutstuck",
                 expr='kube_deployment_status_condition{condition="Progressing", status="false",job="kube-state-metrics"} != 0')
    return {
        "format": 1, "id": "pdf-render-rollout-stuck-afternoon",
        "title": "FinOps revision 15 pins pdf-render to the new Graviton (arm64) node group, but the pdf-render:7.3.0 image only has an amd64 manifest: 'no match for platform in manifest', ImagePullBackOff, rollout stuck",
        "tags": ["image-pull", "architecture", "arm64", "graviton", "eks", "finops"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#documents-team"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec_rb, rec_patch],
        "truth": {
            "category": "image_pull",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "pdf-render"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs15['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs15['metadata']['name']}-"}],
            "evidence": ["no match for platform|platform", "arm64|graviton", "amd64|x86", "nodeselector|node selector|finops-233|revision 15",
                         "imagepullbackoff|errimagepull|image pull"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "pdf-render"),
                             act("patch_resource", ns, "pdf-render", params={"patch": {"spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/arch": "amd64"}}}}}})],
                "checks": [{"any_of": [to_x86, no_sel]}],
                "forbidden": [act("restart_workload", ns, "pdf-render"), act("scale_workload", ns, "pdf-render"),
                              act("delete_pod", ns, new["metadata"]["name"], "Pod"), act("rollback_deployment", ns, "doc-store")]},
            "notes": Folded(
                "FINOPS-233 (revision 15, 14:27) moved pdf-render to the Graviton node group created two days ago: it adds "
                "nodeSelector kubernetes.io/arch=arm64 and a toleration for the group's arch=arm64:NoSchedule taint, nothing else. "
                "The image pdf-render:7.3.0 is single-architecture (amd64), so containerd on the arm64 node answers 'no match for "
                "platform in manifest: not found'; the surge pod is in ImagePullBackOff and the rollout hit its progress deadline. "
                "With maxUnavailable 0 the three revision-14 pods on the x86 nodes keep serving, so only the release is stuck. "
                "doc-store made the same move two days ago and works because its image is multi-arch.\n\n"
                "Right fixes: roll back to revision 14, or patch the nodeSelector back to amd64; the durable fix is a multi-arch "
                "build (buildx) before moving again. Restarting, deleting the pod or scaling retries the same pull on the same "
                "kind of node; the registry and credentials are fine (the same image pulls on x86).")},
    }


SCENARIOS.append(pdf_render)
