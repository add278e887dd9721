"""Scenarios (helper scenA): failing dependencies."""
from __future__ import annotations

import copy
from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, meta, podspec, running
from scena_kit import act, pool
from scena_obs import alert, cadv, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, seg, series, timed
from scena_work import Deploy, configmap, endpoints, pvc, secret, service, simple_app, statefulset, sts_pod


def payments_gateway() -> dict:
    """The external card processor answers 503 / times out for one region; payments-gateway's unrelated rollout is a decoy."""
    ctx = Ctx("psp-outage-apac", "2026-11-26T03:18:00Z")
    ns = "payments"
    nodes = pool(ctx, "eks", 3, region="ap-southeast-2", itype="m6g.xlarge", pool_name="payments-arm", cpu=4, mem_gi=16, subnet="10.90",
                 cidr_base=90, created="-33d", arch="arm64")
    reg = "209384417221.dkr.ecr.ap-southeast-2.amazonaws.com/payments"

    def gspec(tag: str) -> dict:
        return podspec([container("payments-gateway", f"{reg}/payments-gateway:{tag}", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                  env=[{"name": "PSP_BASE_URL", "value": "https://psp-api.payments.svc.cluster.local"},
                                       {"name": "PSP_TIMEOUT", "value": "10s"}, {"name": "PSP_FALLBACK_ENABLED", "value": "false"},
                                       {"name": "PSP_API_KEY", "valueFrom": {"secretKeyRef": {"name": "psp-credentials", "key": "api-key"}}}],
                                  resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 5})], sa="payments-gateway")
    dep = Deploy(ctx, ns, "payments-gateway", match={"app": "payments-gateway"}, created="-500d", replicas=3,
                 labels={"app": "payments-gateway", "team": "payments-apac"})
    dep.rev(40, gspec("6.9.2"), created="-9d", cause="payments-gateway 6.9.2")
    rs = dep.rev(41, gspec("6.10.0"), created="-2h10m", cause="payments-gateway 6.10.0 (3DS2 challenge copy)", replicas=3)
    pods = [dep.pod(rs, nodes[i], created=ctx.dt("-2h10m") + timedelta(seconds=33 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: EKS ap-southeast-2, Graviton node group")] + nodes
    objs.append(Comment("payments-gateway: 6.10.0 rolled out at 01:08 (copy change for the 3DS2 challenge page)"))
    objs += dep.done(available_since="-500d", updated_at="-2h7m")
    objs += [service(ctx, ns, "payments-gateway", selector={"app": "payments-gateway"}, ip="172.20.30.4", created="-500d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]),
             endpoints(ctx, ns, "payments-gateway", ready=pods, created="-500d", ports=[{"name": "http", "port": 8080, "protocol": "TCP"}])]
    objs.append(Comment("the card processor, reached through an ExternalName Service"))
    psp = service(ctx, ns, "psp-api", selector=None, ip="", type_="ExternalName", external_name="api.apac.cardprocessor.example.com",
                  ports=[{"name": "https", "port": 443, "protocol": "TCP"}], created="-500d", labels={"app": "psp-api", "external": "true"},
                  annotations={"payments.example.com/vendor": "CardProcessor Inc. (region APAC-1)",
                               "payments.example.com/status-page": "https://status.cardprocessor.example.com"})
    objs += [psp, secret(ctx, ns, "psp-credentials", {"api-key": "c2tfbGl2ZV9hcGFjXzRmOVF6TGs4V3IyeFQ3dk0="}, created="-120d")]
    objs.append(Comment("neighbours: checkout-bff (calls payments-gateway) and refunds-worker"))
    bff_spec = podspec([container("checkout-bff", f"{reg}/checkout-bff:3.3.7", ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/health", "port": 3000}})], sa="checkout-bff")
    b_objs, b_pods, _ = simple_app(ctx, ns, "checkout-bff", bff_spec, nodes, replicas=3, created="-500d", rs_created="-6d", rev=58,
                                   svc_ip="172.20.8.77", port={"name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP"})
    rw_spec = podspec([container("refunds-worker", f"{reg}/refunds-worker:1.4.4",
                                 resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}})], sa="refunds-worker")
    r_objs, r_pods, _ = simple_app(ctx, ns, "refunds-worker", rw_spec, nodes[1:], replicas=1, created="-300d", rs_created="-30d", rev=12)
    objs += b_objs + r_objs
    objs.append(Comment("events"))
    rs40 = dep.rs(40)
    objs += rollout_events(ctx, dep.obj, rs, rs40, at="-2h10m", steps=[(0, "up", rs, 0, 1), (33, "down", rs40, 3, 2), (33, "up", rs, 1, 2),
                                                                        (66, "down", rs40, 2, 1), (66, "up", rs, 2, 3), (99, "down", rs40, 1, 0)])
    for p in pods[:2]:
        objs.append(event(ctx, p, "Unhealthy", f'Readiness probe failed: Get "http://{p["status"]["podIP"]}:8080/readyz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
                          type_="Warning", count=2, first="-21m", last="-9m", field_path="spec.containers{payments-gateway}"))
    cluster_logs = []
    for i, p in enumerate(pods):
        lines = timed(ctx, p["metadata"]["creationTimestamp"], 0.6, [
            '"level":"info","msg":"payments-gateway 6.10.0 starting","psp":"https://psp-api.payments.svc.cluster.local","timeout":"10s","fallback":false',
            '"level":"info","msg":"listening","addr":":8080"'], lambda ts, ln: '{"time":"%s",%s}' % (ts, ln))
        lines += timed(ctx, "-70m", 600, ['"level":"info","msg":"charge ok","psp_ms":%d,"status":201' % ctx.rng.randint(180, 420) for _ in range(4)],
                       lambda ts, ln: '{"time":"%s",%s}' % (ts, ln))
        for j in range(7):
            t = ctx.dt("-27m") + timedelta(minutes=3.7 * j, seconds=13 * i)
            kind = j % 3
            if kind == 0:
                ln = '"level":"error","msg":"psp charge failed","psp_status":503,"psp_body":"{\\"error\\":{\\"type\\":\\"api_error\\",\\"message\\":\\"Service temporarily unavailable (APAC-1)\\"}}","psp_ms":%d' % ctx.rng.randint(40, 90)
            elif kind == 1:
                ln = '"level":"error","msg":"psp charge failed","err":"Post \\"https://psp-api.payments.svc.cluster.local/v1/charges\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)","psp_ms":10001'
            else:
                ln = '"level":"info","msg":"charge ok","psp_ms":%d,"status":201' % ctx.rng.randint(2100, 6400)
            lines.append('{"time":"%s",%s}' % (ctx.t(t), ln))
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, b_pods[0], timed(ctx, "-15m", 100, [
        "POST /api/checkout/pay 502 10043ms", "POST /api/checkout/pay 201 3410ms", "GET /api/cart 200 12ms", "POST /api/checkout/pay 502 61ms",
        "POST /api/checkout/pay 201 5102ms", "GET /api/checkout/status 200 8ms", "POST /api/checkout/pay 502 10012ms", "GET /api/cart 200 9ms"],
        lambda ts, ln: f"{ts} info: {ln}")))
    cluster_logs.append(logs(ns, r_pods[0], timed(ctx, "-25m", 300, [
        "refund batch: 4 refunds queued", "refund re_8f2k failed: psp 503, will retry in 15m", "refund batch: 2 refunds queued",
        "refund re_1qz9 failed: psp timeout, will retry in 15m", "refund batch: 5 refunds queued"], lambda ts, ln: f"{ts} {ln}")))
    # metrics: 3 h at 1 min; the PSP degrades at index 150 (02:48)
    n, cut = 181, 152
    mets = []
    for code, before, after in (("201", 7.8, 3.1), ("502", 0.004, 2.6), ("504", 0.001, 2.2)):
        mets.append(series({"__name__": "http_server_requests_total", "job": "payments-gateway", "namespace": ns, "route": "/v1/payments", "code": code},
                           cum(ctx, [before] * cut + [after] * (n - cut), start={"201": 41_202_118, "502": 1181, "504": 377}[code]), start="-180m"))
    for st, before, after in (("2xx", 7.8, 3.1), ("5xx", 0.002, 2.7), ("timeout", 0.0, 2.2)):
        mets.append(series({"__name__": "psp_requests_total", "job": "payments-gateway", "namespace": ns, "vendor": "cardprocessor", "outcome": st},
                           cum(ctx, [before] * cut + [after] * (n - cut), start={"2xx": 41_190_004, "5xx": 901, "timeout": 212}[st]), start="-180m"))
    mets.append(series({"__name__": "psp_request_duration_seconds", "job": "payments-gateway", "namespace": ns, "vendor": "cardprocessor", "quantile": "0.99"},
                       noisy(ctx, [0.42] * cut + [10.0] * (n - cut), 0.02, 2), start="-180m"))
    mets.append(series({"__name__": "psp_request_duration_seconds", "job": "payments-gateway", "namespace": ns, "vendor": "cardprocessor", "quantile": "0.5"},
                       noisy(ctx, [0.24] * cut + [3.9] * (n - cut), 0.1, 2), start="-180m"))
    mets.append(series({"__name__": "probe_success", "job": "blackbox", "namespace": "monitoring", "instance": "https://api.apac.cardprocessor.example.com/healthz"},
                       [1] * cut + [0 if k % 3 else 1 for k in range(n - cut)], start="-180m"))
    for p in pods:
        mets.append(series(cadv("container_cpu_usage_seconds_total", ns, p), [None] * 50 + cum(ctx, [0.09] * 131, nd=2), start="-180m"))
    traces = [
        {"trace_id": ctx.hexs(32), "at": "-25m", "repeat": 40, "every": "30s", "spans": [
            {"span_id": "b1", "service": "checkout-bff", "operation": "POST /api/checkout/pay", "offset_ms": 0, "duration_ms": 10043, "error": True,
             "tags": {"http.status_code": 502}},
            {"span_id": "b2", "parent": "b1", "service": "payments-gateway", "operation": "POST /v1/payments", "offset_ms": 6, "duration_ms": 10031,
             "error": True, "tags": {"http.status_code": 504, "service.version": "6.10.0"}},
            {"span_id": "b3", "parent": "b2", "service": "payments-gateway", "operation": "psp.charge", "offset_ms": 11, "duration_ms": 10001,
             "error": True, "tags": {"peer.service": "cardprocessor", "net.peer.name": "api.apac.cardprocessor.example.com",
                                     "error.message": "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"}}]},
        {"trace_id": ctx.hexs(32), "at": "-25m", "repeat": 40, "every": "30s", "spans": [
            {"span_id": "c1", "service": "checkout-bff", "operation": "POST /api/checkout/pay", "offset_ms": 0, "duration_ms": 71, "error": True,
             "tags": {"http.status_code": 502}},
            {"span_id": "c2", "parent": "c1", "service": "payments-gateway", "operation": "POST /v1/payments", "offset_ms": 5, "duration_ms": 63,
             "error": True, "tags": {"http.status_code": 502, "service.version": "6.10.0"}},
            {"span_id": "c3", "parent": "c2", "service": "payments-gateway", "operation": "psp.charge", "offset_ms": 8, "duration_ms": 55,
             "error": True, "tags": {"peer.service": "cardprocessor", "http.status_code": 503, "error.message": "Service temporarily unavailable (APAC-1)"}}]},
        {"trace_id": ctx.hexs(32), "at": "-90m", "repeat": 30, "every": "60s", "spans": [
            {"span_id": "a1", "service": "checkout-bff", "operation": "POST /api/checkout/pay", "offset_ms": 0, "duration_ms": 402, "tags": {"http.status_code": 201}},
            {"span_id": "a2", "parent": "a1", "service": "payments-gateway", "operation": "POST /v1/payments", "offset_ms": 6, "duration_ms": 391,
             "tags": {"http.status_code": 201, "service.version": "6.10.0"}},
            {"span_id": "a3", "parent": "a2", "service": "payments-gateway", "operation": "psp.charge", "offset_ms": 9, "duration_ms": 366,
             "tags": {"peer.service": "cardprocessor", "http.status_code": 201}}]}]
    return {
        "format": 1, "id": "payments-failing-overnight-apac",
        "title": "The card processor's APAC-1 region is degraded since 02:49 (503s and 10 s timeouts on /v1/charges); payments-gateway and everything in the cluster are healthy; the 01:08 rollout of payments-gateway 6.10.0 is a decoy",
        "tags": ["dependency-failure", "external-api", "eks", "arm64", "traces", "red-herring", "recommend-only"],
        "now": ctx.now_s,
        "trigger": {"command": "payments failing in AU, lots of 502s at checkout", "channel": "#payments-apac-oncall", "user": "U0PAYAPAC1"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "traces": traces,
        "truth": {
            "category": "dependency_failure",
            "resource": {"kind": "Service", "namespace": ns, "name": "psp-api"},
            "aliases": [],
            "evidence": ["cardprocessor|card processor|psp", "503|service temporarily unavailable", "timeout|deadline exceeded|10s|10 s",
                         "02:4|02:5|30 min|half an hour|since 02", "6.10.0|rollout"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "Service", "namespace": ns, "name": "psp-api"}}],
                "forbidden": [act("rollback_deployment", ns, "payments-gateway"), act("restart_workload", ns, "payments-gateway"),
                              act("scale_workload", ns, "payments-gateway"), act("restart_workload", ns, "checkout-bff")]},
            "notes": Folded(
                "From about 02:49 the external card processor (ExternalName psp-api -> api.apac.cardprocessor.example.com) answers about "
                "half of /v1/charges calls with 503 'Service temporarily unavailable (APAC-1)' and lets most of the rest run into "
                "payments-gateway's 10 s client timeout; psp p99 went from 0.42 s to the 10 s cap, the blackbox probe of the "
                "vendor's health endpoint flaps, refunds-worker sees the same 503s, and traces show the time spent in the "
                "psp.charge span. payments-gateway itself is fine: CPU is idle, no restarts, successful charges still work, and "
                "the readiness timeouts are goroutines stuck waiting on the vendor.\n\n"
                "Trap: payments-gateway 6.10.0 was rolled out at 01:08 (a copy change for the 3DS2 page), but errors began 100 "
                "minutes later and the spans at 01:50 with 6.10.0 were healthy. Rolling back, restarting or scaling the gateway "
                "does nothing for a vendor outage. The report should say the vendor is failing, point at their status page and "
                "support, and recommend the human decision: enable PSP_FALLBACK_ENABLED (a secondary processor) if the business "
                "agrees, or shorten the timeout to fail fast.")},
    }


def order_queue_disk() -> dict:
    """RabbitMQ's 10Gi PVC is nearly full (an unconsumed dead-letter queue); the disk alarm blocks every publisher."""
    ctx = Ctx("rabbitmq-disk-alarm-dlq", "2026-11-24T16:31:00Z")
    ns = "orders"
    nodes = pool(ctx, "gke", 3, region="europe-west1", itype="e2-standard-4", pool_name="default-pool", cpu=4, mem_gi=16, cluster="shop-eu",
                 subnet="10.132", cidr_base=48, created="-75d")
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
          "metadata": meta(ctx, "standard-rwo", created="-400d", annotations={"components.gke.io/component-name": "pdcsi",
                                                                             "storageclass.kubernetes.io/is-default-class": "true"},
                           labels={"addonmanager.kubernetes.io/mode": "EnsureExists"}),
          "provisioner": "pd.csi.storage.gke.io", "parameters": {"type": "pd-balanced"}, "reclaimPolicy": "Delete",
          "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True}
    mq_conf = ("cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s\ndisk_free_limit.absolute = 1GB\n"
               "vm_memory_high_watermark.relative = 0.6\nprometheus.return_per_object_metrics = true\n")
    spec = podspec([container("rabbitmq", "docker.io/library/rabbitmq:3.13.7-management", ports=[
        {"name": "amqp", "containerPort": 5672, "protocol": "TCP"}, {"name": "prometheus", "containerPort": 15692, "protocol": "TCP"}],
        resources={"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
        mounts=[{"name": "data", "mountPath": "/var/lib/rabbitmq/mnesia"}, {"name": "config", "mountPath": "/etc/rabbitmq/conf.d/10-app.conf", "subPath": "10-app.conf"}],
        readiness={"exec": {"command": ["rabbitmq-diagnostics", "-q", "check_port_connectivity"]}, "periodSeconds": 30, "timeoutSeconds": 20})],
        sa="rabbitmq", volumes=[{"name": "config", "configMap": {"name": "rabbitmq-config"}}])
    sts = statefulset(ctx, ns, "rabbitmq", spec, match={"app.kubernetes.io/name": "rabbitmq"}, replicas=1, created="-300d", service="rabbitmq-headless",
                      claims=[{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard-rwo",
                                                                      "resources": {"requests": {"storage": "10Gi"}}}}])
    mq = sts_pod(ctx, sts, 0, nodes[0], created="-20d", ip=ctx.ip(nodes[0]),
                 volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-rabbitmq-0"}}])
    claim = pvc(ctx, ns, "data-rabbitmq-0", size="10Gi", sc="standard-rwo", volume=f"pvc-{ctx.uid()}", created="-300d",
                labels={"app.kubernetes.io/name": "rabbitmq"})
    claim["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] = "pd.csi.storage.gke.io"
    claim["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-provisioner"] = "pd.csi.storage.gke.io"
    objs: list = [Comment("nodes: GKE shop-eu, default-pool")] + nodes
    objs += [sc, claim, sts, mq, configmap(ctx, ns, "rabbitmq-config", {"10-app.conf": mq_conf}, created="-300d"),
             service(ctx, ns, "rabbitmq", selector={"app.kubernetes.io/name": "rabbitmq"}, ip="10.48.90.11", created="-300d",
                     ports=[{"name": "amqp", "port": 5672, "targetPort": "amqp", "protocol": "TCP"}], labels={"app.kubernetes.io/name": "rabbitmq"}),
             endpoints(ctx, ns, "rabbitmq", ready=[mq], created="-300d", labels={"app.kubernetes.io/name": "rabbitmq"},
                       ports=[{"name": "amqp", "port": 5672, "protocol": "TCP"}])]
    reg = "europe-west1-docker.pkg.dev/shop-eu/orders"
    objs.append(Comment("publisher order-intake (Node) and consumer fulfillment-worker (Java)"))
    oi_spec = podspec([container("order-intake", f"{reg}/order-intake:5.0.3", ports=[{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                                 env=[{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "order-amqp", "key": "url"}}}],
                                 resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                 readiness={"httpGet": {"path": "/healthz", "port": 3000}})], sa="order-intake")
    o_objs, o_pods, _ = simple_app(ctx, ns, "order-intake", oi_spec, nodes, replicas=3, created="-300d", rs_created="-5d", rev=66,
                                   svc_ip="10.48.12.5", port={"name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP"})
    fw_spec = podspec([container("fulfillment-worker", f"{reg}/fulfillment-worker:2.14.1",
                                 env=[{"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "order-amqp", "key": "url"}}}],
                                 resources={"requests": {"cpu": "300m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}})], sa="fulfillment-worker")
    f_objs, f_pods, _ = simple_app(ctx, ns, "fulfillment-worker", fw_spec, nodes[1:], replicas=2, created="-300d", rs_created="-12d", rev=40)
    objs += o_objs + f_objs + [secret(ctx, ns, "order-amqp", {"url": "YW1xcDovL29yZGVyczpuN0xxLXYydFJAcmFiYml0bXEub3JkZXJzLnN2YzoNTY3Mi9zaG9w"}, created="-300d")]
    objs.append(Comment("events"))
    objs.append(event(ctx, mq, "Unhealthy", 'Readiness probe failed: command timed out: "rabbitmq-diagnostics -q check_port_connectivity" timed out after 20s',
                      type_="Warning", count=1, first="-5d", field_path="spec.containers{rabbitmq}"))
    alarm_t = ctx.dt("-29m")
    mql = [f"{(alarm_t - timedelta(minutes=30)):%Y-%m-%d %H:%M:%S}.118041+00:00 [info] <0.31822.4> accepting AMQP connection 10.48.16.21:40118 -> 10.48.8.14:5672",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402113+00:00 [warning] <0.512.0> Free disk space is insufficient. Free bytes: 998244352. Limit: 1000000000",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402301+00:00 [warning] <0.508.0> disk resource limit alarm set on node 'rabbit@rabbitmq-0.rabbitmq-headless.orders.svc.cluster.local'.",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402301+00:00 [warning] <0.508.0> ",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402301+00:00 [warning] <0.508.0> **********************************************************",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402301+00:00 [warning] <0.508.0> *** Publishers will be blocked until this alarm clears ***",
           f"{alarm_t:%Y-%m-%d %H:%M:%S}.402301+00:00 [warning] <0.508.0> **********************************************************"]
    cluster_logs = [logs(ns, mq, mql)]
    for p in o_pods:
        cluster_logs.append(logs(ns, p, timed(ctx, "-40m", 150, [
            '{"level":30,"msg":"order accepted","order":"o_%s","ms":22}' % ctx.hexs(6),
            '{"level":30,"msg":"order accepted","order":"o_%s","ms":19}' % ctx.hexs(6),
            '{"level":40,"msg":"amqp connection blocked","reason":"low on disk"}',
            '{"level":50,"msg":"publish timed out after 5000ms, order kept as pending","order":"o_%s"}' % ctx.hexs(6),
            '{"level":30,"msg":"POST /v1/orders 202","ms":5012}',
            '{"level":50,"msg":"publish timed out after 5000ms, order kept as pending","order":"o_%s"}' % ctx.hexs(6),
            '{"level":30,"msg":"POST /v1/orders 202","ms":5008}'],
            lambda ts, ln: ln[:-1] + ',"time":%d}' % int(ctx.dt(ts).timestamp() * 1000))))
    cluster_logs.append(logs(ns, f_pods[0], timed(ctx, "-40m", 300, [
        "INFO  c.e.fulfillment.OrderConsumer - fulfilled order o_%s in 412 ms" % ctx.hexs(6),
        "WARN  c.e.fulfillment.OrderConsumer - order o_%s rejected: SKU discontinued, sent to orders.dlq" % ctx.hexs(6),
        "INFO  c.e.fulfillment.OrderConsumer - fulfilled order o_%s in 388 ms" % ctx.hexs(6),
        "INFO  c.e.fulfillment.OrderConsumer - queue orders.new is empty, waiting",
        "INFO  c.e.fulfillment.OrderConsumer - queue orders.new is empty, waiting",
        "INFO  c.e.fulfillment.OrderConsumer - queue orders.new is empty, waiting",
        "INFO  c.e.fulfillment.OrderConsumer - queue orders.new is empty, waiting"], lambda ts, ln: f"{ts} {ln}")))
    # metrics
    inst = f"{mq['status']['podIP']}:15692"
    n, cut = 91, 61
    free = [int(v) for v in seg((61, 1.31e9, 1.0e9), (30, 9.97e8))]
    mets = [series({"__name__": "rabbitmq_disk_space_available_bytes", "job": "rabbitmq", "namespace": ns, "instance": inst}, free, start="-90m"),
            series({"__name__": "rabbitmq_disk_space_available_limit_bytes", "job": "rabbitmq", "namespace": ns, "instance": inst}, [1000000000] * n, start="-90m"),
            series({"__name__": "rabbitmq_alarms_free_disk_space_watermark", "job": "rabbitmq", "namespace": ns, "instance": inst}, [0] * cut + [1] * (n - cut), start="-90m"),
            series({"__name__": "kubelet_volume_stats_capacity_bytes", "job": "kubelet", "namespace": ns, "persistentvolumeclaim": "data-rabbitmq-0"},
                   [10464022528] * n, start="-90m"),
            series({"__name__": "kubelet_volume_stats_available_bytes", "job": "kubelet", "namespace": ns, "persistentvolumeclaim": "data-rabbitmq-0"},
                   [v - 3_000_000 for v in free], start="-90m")]
    mets.append(series({"__name__": "kubelet_volume_stats_used_bytes", "job": "kubelet", "namespace": ns, "persistentvolumeclaim": "data-rabbitmq-0"},
                       [int(v) for v in seg((57, 4.1e9, 9.43e9))], start="-336h", step="6h"))
    for q, vals in (("orders.new", [int(v) for v in noisy(ctx, [14] * cut + [0] * (n - cut), 0.5)]),
                    ("orders.dlq", [int(v) for v in seg((91, 8_061_000, 8_112_400))]),
                    ("orders.status", [int(v) for v in noisy(ctx, [6] * cut + [0] * (n - cut), 0.5)])):
        mets.append(series({"__name__": "rabbitmq_detailed_queue_messages", "job": "rabbitmq", "namespace": ns, "instance": inst, "vhost": "shop",
                            "queue": q}, vals, start="-90m"))
    mets.append(series({"__name__": "rabbitmq_detailed_queue_consumers", "job": "rabbitmq", "namespace": ns, "instance": inst, "vhost": "shop",
                        "queue": "orders.dlq"}, [0] * n, start="-90m"))
    mets.append(series({"__name__": "rabbitmq_global_messages_received_total", "job": "rabbitmq", "namespace": ns, "instance": inst, "protocol": "amqp091"},
                       cum(ctx, [21.0] * cut + [0.0] * (n - cut), start=412_009_118), start="-90m"))
    mets.append(series({"__name__": "orders_pending_total", "job": "order-intake", "namespace": ns},
                       cum(ctx, [0.0] * cut + [9.4] * (n - cut), start=1_210), start="-90m"))
    when = [{"kind": "PersistentVolumeClaim", "namespace": ns, "name": "data-rabbitmq-0", "path": "spec.resources.requests.storage", "at_least": "20Gi"}]
    claim2 = copy.deepcopy(claim)
    claim2["spec"]["resources"]["requests"]["storage"] = "30Gi"
    claim2["status"]["capacity"]["storage"] = "30Gi"
    rec = {"when": when, "apply": {
        "logs": [logs(ns, mq, mql + [f"{ctx.dt('+70s'):%Y-%m-%d %H:%M:%S}.001118+00:00 [info] <0.508.0> disk resource limit alarm cleared on node 'rabbit@rabbitmq-0.rabbitmq-headless.orders.svc.cluster.local'",
                                      f"{ctx.dt('+70s'):%Y-%m-%d %H:%M:%S}.001200+00:00 [info] <0.508.0> disk resource limit alarm cleared across the cluster"])],
        "metrics": [series({"__name__": "rabbitmq_alarms_free_disk_space_watermark", "job": "rabbitmq", "namespace": ns, "instance": inst},
                           [0] * cut + [1] * (n - cut - 1) + [0], start="-90m"),
                    series({"__name__": "rabbitmq_disk_space_available_bytes", "job": "rabbitmq", "namespace": ns, "instance": inst},
                           free[:-1] + [21_412_004_118], start="-90m")]}}
    return {
        "format": 1, "id": "orders-stuck-pending-afternoon",
        "title": "RabbitMQ's 10Gi volume is full: orders.dlq has collected 8 million dead letters nobody consumes, free disk fell under disk_free_limit (1GB) at 16:02 and the disk alarm blocks every publisher, so new orders stay pending",
        "tags": ["dependency-failure", "rabbitmq", "disk-alarm", "pvc", "gke", "storage"],
        "now": ctx.now_s,
        "trigger": {"command": "orders stuck in pending, checkout shows 'processing' forever", "channel": "#orders-oncall", "user": "U0ORDERS55"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "dependency_failure", "also_accept": ["storage"],
            "resource": {"kind": "PersistentVolumeClaim", "namespace": ns, "name": "data-rabbitmq-0"},
            "aliases": [{"kind": "StatefulSet", "namespace": ns, "name_regex": "^rabbitmq$"}, {"kind": "Pod", "namespace": ns, "name_regex": "^rabbitmq-0$"}],
            "evidence": ["disk", "alarm|publishers will be blocked|blocked", "orders.dlq|dead letter|dlq", "10gi|10 gi|1gb|disk_free_limit",
                         "rabbitmq"],
            "remediation": {
                "accepted": [act("patch_resource", ns, "data-rabbitmq-0", "PersistentVolumeClaim",
                                 params={"patch": {"spec": {"resources": {"requests": {"storage": "30Gi"}}}}})],
                "checks": when,
                "forbidden": [act("restart_workload", ns, "rabbitmq", "StatefulSet"), act("delete_pod", ns, "rabbitmq-0", "Pod"),
                              act("restart_workload", ns, "order-intake"), act("scale_workload", ns, "order-intake"),
                              act("scale_workload", ns, "fulfillment-worker")]},
            "notes": Folded(
                "The orders broker is one RabbitMQ pod with a 10Gi pd-balanced PVC. fulfillment-worker dead-letters orders it "
                "cannot fulfil to orders.dlq, which has no consumer and now holds ~8.1 million messages; the volume filled over "
                "two weeks (kubelet_volume_stats_used_bytes). At 16:02 free disk dropped below disk_free_limit.absolute = 1GB and "
                "RabbitMQ raised the disk alarm ('Publishers will be blocked until this alarm clears'): order-intake's connections "
                "are blocked, publishes time out after 5 s and orders are kept as pending; fulfillment-worker has nothing new to "
                "consume. The broker pod is Running and Ready, so nothing in pod status shows it.\n\n"
                "Fix now: expand the PVC (standard-rwo allows volume expansion, pd-csi resizes online), e.g. to 30Gi, and the "
                "alarm clears; then a human should deal with orders.dlq (inspect, move to storage, purge) and add a DLQ consumer "
                "or a length limit. Restarting or deleting rabbitmq-0 does not free disk (and risks the queue data); scaling the "
                "publishers or consumers changes nothing.")},
    }


SCENARIOS = [payments_gateway, order_queue_disk]
