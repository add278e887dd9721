"""Scenarios (helper scenA): configuration errors."""
from __future__ import annotations

from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, podspec, running, terminated
from scena_kit import act, backoff_events, pool, refresh_endpoints, rollback_item, set_crashloop
from scena_obs import alert, cadv, crash_restarts, cum, event, ksm, logs, noisy, pod_start_events, rollout_events, seg, series, timed
from scena_work import (Deploy, configmap, cron_job_name, cronjob, endpoints, job, job_pod, secret, service,
                        simple_app, statefulset, sts_pod)


def notification_dispatcher() -> dict:
    """A Celery worker's args were edited to `--queue` (no such option): new pods exit 2 and crash-loop."""
    ctx = Ctx("notification-dispatcher-queue-flag", "2026-11-21T08:47:00Z")
    ns = "messaging"
    nodes = pool(ctx, "eks", 4, region="us-east-2", itype="m7i.xlarge", pool_name="apps-m7i", cpu=4, mem_gi=16,
                 subnet="10.60", cidr_base=60, created="-19d")
    reg = "741930274822.dkr.ecr.us-east-2.amazonaws.com/messaging"
    base_args = ["worker", "-A", "dispatcher.app", "--loglevel", "INFO", "--concurrency", "8"]

    def dspec(queues_flag: str, queues: str) -> dict:
        return podspec([container(
            "dispatcher", f"{reg}/notification-dispatcher:4.3.1", command=["celery"], args=base_args + [queues_flag, queues],
            env=[{"name": "CELERY_BROKER_URL", "valueFrom": {"secretKeyRef": {"name": "dispatcher-broker", "key": "url"}}},
                 {"name": "SES_REGION", "value": "us-east-2"}, {"name": "TWILIO_MESSAGING_SERVICE", "value": "MG7f1c0de"},
                 {"name": "WEBHOOK_TIMEOUT_SECONDS", "value": "10"}],
            resources={"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
            liveness={"exec": {"command": ["sh", "-c", "celery -A dispatcher.app inspect ping -d celery@$HOSTNAME --timeout 5"]},
                      "initialDelaySeconds": 30, "periodSeconds": 60, "timeoutSeconds": 10})],
            sa="notification-dispatcher", grace=120)
    dep = Deploy(ctx, ns, "notification-dispatcher", match={"app.kubernetes.io/name": "notification-dispatcher"}, created="-500d",
                 replicas=4, labels={"app.kubernetes.io/name": "notification-dispatcher", "app.kubernetes.io/component": "worker",
                                     "team": "messaging"},
                 annotations={"argocd.argoproj.io/tracking-id": "messaging:apps/Deployment:messaging/notification-dispatcher"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}})
    dep.rev(10, dspec("--queues", "email,sms"), created="-34d", cause="argocd sync notification-dispatcher 4.2.0")
    rs11 = dep.rev(11, dspec("--queues", "email,sms,push"), created="-9d", cause="argocd sync notification-dispatcher 4.3.1 (push queue)",
                   replicas=3)
    rs12 = dep.rev(12, dspec("--queue", "email,sms,push,webhook"), created="-37m",
                   cause="argocd sync notification-dispatcher: consume webhook queue (PR #733)", replicas=2, ready=0)
    old = [dep.pod(rs11, nodes[i], created=ctx.dt("-9d") + timedelta(seconds=40 * i), ip=ctx.ip(nodes[i])) for i in (0, 2, 3)]
    bad = []
    for i, nd in enumerate([nodes[1], nodes[3]]):
        created = ctx.dt("-37m") + timedelta(seconds=2 * i)
        p = dep.pod(rs12, nd, created=created, ip=ctx.ip(nd))
        fin = ctx.dt("-4m") + timedelta(seconds=70 * i - 60)
        set_crashloop(ctx, p, restarts=11 - i, code=2, reason="Error", started=fin - timedelta(seconds=2), finished=fin)
        bad.append(p)
    objs: list = [Comment("nodes: EKS, node group apps-m7i")] + nodes
    objs.append(Comment("notification-dispatcher: revision 12 (08:10) changed only the container args"))
    objs += dep.done(progressing="deadline", updated_at="-27m", available_since="-500d")
    objs.append(secret(ctx, ns, "dispatcher-broker", {"url": "YW1xcDovL2Rpc3BhdGNoZXI6UXQ3dlpwOWNXbUByYWJiaXRtcS5tZXNzYWdpbmcuc3ZjOjU2NzIvbm90aWZ5"},
                       created="-500d"))
    objs.append(Comment("broker and neighbours"))
    mq_spec = podspec([container("rabbitmq", "docker.io/library/rabbitmq:3.13.7-management",
                                 ports=[{"name": "amqp", "containerPort": 5672, "protocol": "TCP"},
                                        {"name": "prometheus", "containerPort": 15692, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
                                 mounts=[{"name": "data", "mountPath": "/var/lib/rabbitmq"}],
                                 readiness={"tcpSocket": {"port": "amqp"}, "periodSeconds": 10})], sa="rabbitmq")
    mq = statefulset(ctx, ns, "rabbitmq", mq_spec, match={"app.kubernetes.io/name": "rabbitmq"}, replicas=1, created="-500d",
                     service="rabbitmq-headless", claims=[{"metadata": {"name": "data"}, "spec": {
                         "accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "20Gi"}}}}])
    mq_c = mq_spec["containers"][0]
    mq_pod = sts_pod(ctx, mq, 0, nodes[2], created="-3d5h", ip=ctx.ip(nodes[2]), ready_at="-3d5h",
                     statuses=[cstatus(ctx, mq_c, state=running(ctx, "-3d4h58m"), restarts=1,
                                       last=terminated(ctx, 0, "Completed", "-3d5h", "-3d4h59m"))],
                     volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-rabbitmq-0"}}])
    objs += [mq, mq_pod,
             service(ctx, ns, "rabbitmq", selector={"app.kubernetes.io/name": "rabbitmq"}, ip="172.20.55.31", created="-500d",
                     ports=[{"name": "amqp", "port": 5672, "targetPort": 5672, "protocol": "TCP"}],
                     labels={"app.kubernetes.io/name": "rabbitmq"}),
             endpoints(ctx, ns, "rabbitmq", ready=[mq_pod], ports=[{"name": "amqp", "port": 5672, "protocol": "TCP"}],
                       labels={"app.kubernetes.io/name": "rabbitmq"}, created="-500d")]
    api_spec = podspec([container("notification-api", f"{reg}/notification-api:2.11.0",
                                  command=["gunicorn", "notification_api.main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8000"],
                                  ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                                  env=[{"name": "CELERY_BROKER_URL", "valueFrom": {"secretKeyRef": {"name": "dispatcher-broker", "key": "url"}}}],
                                  resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": 8000}, "periodSeconds": 10})], sa="notification-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "notification-api", api_spec, nodes, replicas=2, created="-500d", rs_created="-2d",
                                   rev=57, cause="argocd sync notification-api 2.11.0 (webhook subscriptions)", svc_ip="172.20.81.6",
                                   port={"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"},
                                   match={"app.kubernetes.io/name": "notification-api"})
    objs += a_objs
    objs.append(Comment("events"))
    rs11_ = dep.rs(11)
    objs += rollout_events(ctx, dep.obj, rs12, rs11_, at="-37m", steps=[(0, "up", rs12, 0, 1), (0, "down", rs11_, 4, 3),
                                                                          (2, "up", rs12, 1, 2)])
    for i, p in enumerate(bad):
        objs.append(event(ctx, rs12, "SuccessfulCreate", f"Created pod: {p['metadata']['name']}",
                          first=p["metadata"]["creationTimestamp"], component="replicaset-controller"))
        objs += backoff_events(ctx, p, first=ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=12), last=ctx.dt("-2m") + timedelta(seconds=20 * i),
                               count=160 - 9 * i, restarts=p["status"]["containerStatuses"][0]["restartCount"],
                               pulled_first=ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=1))
    objs.append(event(ctx, mq_pod, "Unhealthy", f'Readiness probe failed: dial tcp {mq_pod["status"]["podIP"]}:5672: connect: connection refused',
                      type_="Warning", count=3, first="-3d4h58m", last="-3d4h57m", field_path="spec.containers{rabbitmq}"))
    usage = ["Usage: celery worker [OPTIONS]", "Try 'celery worker --help' for help.", "",
             "Error: No such option: --queue Did you mean --queues?"]
    cluster_logs = [logs(ns, p, usage, previous=True) for p in bad]
    for p in old:
        lines = []
        for k in range(6):
            t = ctx.dt("-30m") + timedelta(minutes=5 * k, seconds=ctx.rng.randint(0, 59))
            tid = ctx.uid()
            task = ["dispatcher.tasks.send_email", "dispatcher.tasks.send_sms", "dispatcher.tasks.send_push"][k % 3]
            lines += [f"[{t:%Y-%m-%d %H:%M:%S},{ctx.rng.randint(100, 999)}: INFO/MainProcess] Task {task}[{tid}] received",
                      f"[{t:%Y-%m-%d %H:%M:%S},{ctx.rng.randint(100, 999)}: INFO/ForkPoolWorker-{k + 1}] Task {task}[{tid}] succeeded in {ctx.rng.uniform(0.08, 0.9):.3f}s: None"]
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, mq_pod, timed(ctx, "-40m", 600, [
        "[info] <0.31822.12> accepting AMQP connection 10.60.16.44:51420 -> 10.60.24.12:5672",
        "[info] <0.31822.12> connection 10.60.16.44:51420 -> 10.60.24.12:5672: user 'dispatcher' authenticated and granted access to vhost 'notify'",
        "[info] <0.31844.12> closing AMQP connection (10.60.8.91:40118 -> 10.60.24.12:5672, vhost: 'notify', user: 'dispatcher')",
        "[info] <0.32011.12> accepting AMQP connection 10.60.8.91:40254 -> 10.60.24.12:5672"],
        lambda ts, ln: f"{ts[:10]} {ts[11:23]}000+00:00 {ln}")))
    cluster_logs.append(logs(ns, a_pods[0], timed(ctx, "-20m", 150, [
        'INFO:     10.60.16.3:0 - "POST /v1/notifications HTTP/1.1" 202 Accepted',
        'INFO:     10.60.16.3:0 - "POST /v1/webhooks/deliveries HTTP/1.1" 202 Accepted',
        'INFO:     10.60.8.1:0 - "GET /healthz HTTP/1.1" 200 OK',
        'INFO:     10.60.16.3:0 - "POST /v1/notifications HTTP/1.1" 202 Accepted'], lambda ts, ln: ln), at="-20m", every="150s"))
    n = 61
    mets = []
    for q, before, after in (("email", 12, 14), ("sms", 3, 4), ("push", 20, 25)):
        mets.append(series({"__name__": "rabbitmq_queue_messages_ready", "job": "rabbitmq", "namespace": ns, "vhost": "notify",
                            "queue": q, "instance": f"{mq_pod['status']['podIP']}:15692"},
                           noisy(ctx, seg((23, before), (38, before, after)), 0.4)))
    mets.append(series({"__name__": "rabbitmq_queue_messages_ready", "job": "rabbitmq", "namespace": ns, "vhost": "notify",
                        "queue": "webhook", "instance": f"{mq_pod['status']['podIP']}:15692"},
                       [None] * 20 + [0, 0, 0] + noisy(ctx, seg((38, 40, 6100)), 0.05)))
    mets.append(series({"__name__": "rabbitmq_queue_consumers", "job": "rabbitmq", "namespace": ns, "vhost": "notify",
                        "queue": "webhook", "instance": f"{mq_pod['status']['podIP']}:15692"}, [None] * 20 + [0] * 41))
    mets.append(series({"__name__": "rabbitmq_queue_consumers", "job": "rabbitmq", "namespace": ns, "vhost": "notify",
                        "queue": "email", "instance": f"{mq_pod['status']['podIP']}:15692"}, [32] * 23 + [24] * 38))
    for i, p in enumerate(bad):
        rc = p["status"]["containerStatuses"][0]["restartCount"]
        mets.append(series(ksm("kube_pod_container_status_restarts_total", ns, pod=p["metadata"]["name"], container="dispatcher"),
                           crash_restarts(61, 23, run_s=1.5, cap=rc)))
        mets.append(series(ksm("kube_pod_container_status_waiting_reason", ns, pod=p["metadata"]["name"], container="dispatcher",
                               reason="CrashLoopBackOff"), [None] * 24 + [1] * 37))
    mets.append(series(ksm("kube_deployment_status_replicas_available", ns, deployment="notification-dispatcher"), [4] * 23 + [3] * 38))
    when = [{"kind": "Deployment", "namespace": ns, "name": "notification-dispatcher",
             "path": "spec.template.spec.containers[0].args[7]", "equals": "--queues"}]
    rec = rollback_item(ctx, dep, good=11, bad=12, new_n=13, nodes=nodes, bad_pods=bad, when=when, reuse=old,
                        metrics=[series(ksm("kube_deployment_status_replicas_available", ns, deployment="notification-dispatcher"),
                                        [4] * 23 + [3] * 37 + [4])])
    return {
        "format": 1, "id": "notification-dispatcher-crashloop-after-args-change",
        "title": "notification-dispatcher revision 12 passes `--queue email,sms,push,webhook` to celery worker; Celery only knows --queues, so the new pods exit 2 (usage error) and crash-loop",
        "tags": ["config-error", "crashloopbackoff", "celery", "python", "eks", "args", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"alert": alert(ctx, "KubePodCrashLooping", {"namespace": ns, "pod": bad[0]["metadata"]["name"], "container": "dispatcher",
                                                                "severity": "warning", "job": "kube-state-metrics"},
                                   summary="Pod is crash looping.",
                                   description=f'Pod {ns}/{bad[0]["metadata"]["name"]} (dispatcher) is in waiting state (reason: "CrashLoopBackOff").',
                                   starts="-29m", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
                                   expr='max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1'),
                    "channel": "#messaging-alerts"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "config_error", "also_accept": ["bad_rollout"],
            "resource": {"kind": "Deployment", "namespace": ns, "name": "notification-dispatcher"},
            "aliases": [{"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs12['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs12['metadata']['name']}-"}],
            "evidence": ["--queue", "no such option|usage", "--queues", "revision 11|revision 12|args",
                         "crashloopbackoff|crash loop|crash-loop|exit code 2|exitcode 2"],
            "remediation": {
                "accepted": [act("rollback_deployment", ns, "notification-dispatcher")],
                "checks": when,
                "forbidden": [act("restart_workload", ns, "notification-dispatcher"), act("scale_workload", ns, "notification-dispatcher"),
                              act("set_resources", ns, "notification-dispatcher"), act("restart_workload", ns, "rabbitmq", "StatefulSet"),
                              act("delete_pod", ns, bad[0]["metadata"]["name"], "Pod")]},
            "notes": Folded(
                "Revision 12 (08:10, PR #733) only changed the worker args, to also consume the new webhook queue, and wrote "
                "`--queue email,sms,push,webhook`. Celery 5's CLI has no --queue option (it is --queues / -Q), so every new pod prints "
                "the click usage error 'No such option: --queue Did you mean --queues?' and exits 2 within a second: CrashLoopBackOff, "
                "restartCount 10-11. With maxUnavailable 1 the rollout took one old pod away, so only 3 of 4 workers consume "
                "email/sms/push, and nobody consumes the webhook queue (consumers 0, ~6k messages ready and rising; notification-api "
                "started publishing webhook deliveries two days ago). The image is the same 4.3.1 in revisions 11 and 12.\n\n"
                "Rolling back to revision 11 restores four workers (the webhook queue keeps waiting until the args are fixed to "
                "--queues). Traps: rabbitmq-0 restarted three days ago (a clean shutdown during node maintenance, with readiness "
                "warnings at that time) and is fine now; the growing webhook queue invites scaling the workers, which only adds "
                "crashing pods; restarting or deleting the pods repeats the usage error.")},
    }


SCENARIOS = [notification_dispatcher]


def session_gateway() -> dict:
    """A kubectl edit pointed session-gateway at redis port 6380 (TLS, not enabled); a rollout restart picked it up."""
    ctx = Ctx("session-gateway-store-port", "2026-11-23T14:26:00Z")
    ns = "auth"
    nodes = pool(ctx, "kubeadm", 4, region="dc1", itype="pe-r650", pool_name="k8s-worker", cpu=32, mem_gi=128,
                 subnet="192.168", cidr_base=245, created="-220d")
    for nd in nodes:
        nd["metadata"]["labels"].pop("node.kubernetes.io/instance-type", None)
        nd["metadata"]["labels"]["topology.kubernetes.io/zone"] = nd["metadata"]["name"][-1] in "13" and "dc1-row-a" or "dc1-row-b"
    reg = "harbor.dc1.corp.example.net/identity"
    cm_managed = [
        {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1", "time": ctx.t("-88d"),
         "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {".": {}, "f:LOG_LEVEL": {}, "f:SESSION_TTL": {}, "f:COOKIE_DOMAIN": {}},
                                                "f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}},
        {"manager": "kubectl-edit", "operation": "Update", "apiVersion": "v1", "time": ctx.t("-34m"),
         "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:SESSION_STORE_ADDR": {}, "f:SESSION_STORE_TLS": {}},
                                                "f:metadata": {"f:annotations": {"f:change-ticket": {}}}}}]
    cm = configmap(ctx, ns, "session-gateway-config", {
        "SESSION_STORE_ADDR": "redis-sessions.auth.svc.cluster.local:6380", "SESSION_STORE_TLS": "true",
        "SESSION_TTL": "12h", "COOKIE_DOMAIN": ".example.net", "LOG_LEVEL": "info"}, created="-400d",
        labels={"app": "session-gateway"}, annotations={"change-ticket": "AUTH-231 move session store to TLS listener"},
        managed=cm_managed)

    def gspec() -> dict:
        return podspec([container(
            "session-gateway", f"{reg}/session-gateway:1.14.2", args=["--listen=:8443", "--upstream=http://identity-api.auth.svc.cluster.local"],
            ports=[{"name": "https", "containerPort": 8443, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9102, "protocol": "TCP"}],
            env_from=[{"configMapRef": {"name": "session-gateway-config"}}],
            env=[{"name": "SESSION_STORE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "redis-sessions-auth", "key": "password"}}}],
            resources={"requests": {"cpu": "200m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}},
            readiness={"httpGet": {"path": "/healthz", "port": "metrics"}, "periodSeconds": 5},
            liveness={"httpGet": {"path": "/healthz", "port": "metrics"}, "initialDelaySeconds": 5, "periodSeconds": 10})],
            sa="session-gateway")
    dep = Deploy(ctx, ns, "session-gateway", match={"app": "session-gateway"}, created="-400d", replicas=3,
                 labels={"app": "session-gateway", "team": "identity"},
                 strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    dep.rev(18, gspec(), created="-16d", cause="session-gateway 1.14.2")
    restart_ann = {"kubectl.kubernetes.io/restartedAt": ctx.t("-25m").replace("Z", "+00:00")}
    rs19 = dep.rev(19, gspec(), created="-25m", replicas=3, pod_annotations=restart_ann, cause="session-gateway 1.14.2")
    new = [dep.pod(rs19, nodes[i], created=ctx.dt("-25m") + timedelta(seconds=9 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    objs: list = [Comment("nodes: on-prem kubeadm cluster dc1")] + nodes
    objs.append(cm)
    objs.append(Comment("session-gateway: revision 19 is a rollout restart (same template, restartedAt annotation) at 14:01"))
    objs += dep.done(updated_at="-24m", available_since="-400d")
    gw_ep = endpoints(ctx, ns, "session-gateway", ready=new, created="-400d", ports=[{"name": "https", "port": 8443, "protocol": "TCP"}])
    objs += [service(ctx, ns, "session-gateway", selector={"app": "session-gateway"}, ip="10.96.48.12", created="-400d",
                     ports=[{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}]), gw_ep]
    objs.append(secret(ctx, ns, "redis-sessions-auth", {"password": "cjNkMXMtc2Vzc2lvbnMtNDQxOQ=="}, created="-400d"))
    objs.append(Comment("redis-sessions: plain listener on 6379 only; restarted once three days ago"))
    r_spec = podspec([container("redis", "docker.io/library/redis:7.2.6-alpine",
                                args=["redis-server", "/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"],
                                ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
                                env=[{"name": "REDIS_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "redis-sessions-auth", "key": "password"}}}],
                                resources={"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
                                mounts=[{"name": "conf", "mountPath": "/etc/redis"}, {"name": "data", "mountPath": "/data"}],
                                readiness={"exec": {"command": ["sh", "-c", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep PONG"]},
                                           "periodSeconds": 10}),
                      container("exporter", "quay.io/oliver006/redis_exporter:v1.66.0",
                                ports=[{"name": "metrics", "containerPort": 9121, "protocol": "TCP"}])],
                     volumes=[{"name": "conf", "configMap": {"name": "redis-sessions-conf"}}])
    rs = statefulset(ctx, ns, "redis-sessions", r_spec, match={"app": "redis-sessions"}, replicas=1, created="-400d",
                     service="redis-sessions", claims=[{"metadata": {"name": "data"}, "spec": {
                         "accessModes": ["ReadWriteOnce"], "storageClassName": "local-nvme", "resources": {"requests": {"storage": "10Gi"}}}}])
    rc = r_spec["containers"]
    r_pod = sts_pod(ctx, rs, 0, nodes[3], created="-58d", ip=ctx.ip(nodes[3]), ready_at="-3d2h",
                    statuses=[cstatus(ctx, rc[0], state=running(ctx, "-3d2h1m"), restarts=1,
                                      last=terminated(ctx, 137, "Error", "-58d", "-3d2h1m")),
                              cstatus(ctx, rc[1], state=running(ctx, "-58d"))],
                    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-redis-sessions-0"}}])
    objs += [rs, r_pod,
             configmap(ctx, ns, "redis-sessions-conf", {"redis.conf": "port 6379\ntls-port 0\nmaxmemory 768mb\nmaxmemory-policy volatile-lru\nappendonly yes\nsave \"\"\n"},
                       created="-400d", labels={"app": "redis-sessions"}),
             service(ctx, ns, "redis-sessions", selector={"app": "redis-sessions"}, ip="10.96.201.77", created="-400d",
                     ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}]),
             endpoints(ctx, ns, "redis-sessions", ready=[r_pod], created="-400d", ports=[{"name": "redis", "port": 6379, "protocol": "TCP"}])]
    objs.append(Comment("neighbour: identity-api (Java), unchanged"))
    id_spec = podspec([container("identity-api", f"{reg}/identity-api:5.30.1", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                 resources={"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1Gi"}},
                                 readiness={"httpGet": {"path": "/actuator/health/readiness", "port": 8080}, "periodSeconds": 10})],
                      sa="identity-api")
    i_objs, i_pods, _ = simple_app(ctx, ns, "identity-api", id_spec, nodes, replicas=2, created="-400d", rs_created="-11d", rev=64,
                                   cause="identity-api 5.30.1", svc_ip="10.96.33.160",
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += i_objs
    objs.append(Comment("events"))
    rs18 = dep.rs(18)
    objs += rollout_events(ctx, dep.obj, rs19, rs18, at="-25m", steps=[
        (0, "up", rs19, 0, 1), (9, "down", rs18, 3, 2), (9, "up", rs19, 1, 2), (18, "down", rs18, 2, 1),
        (18, "up", rs19, 2, 3), (27, "down", rs18, 1, 0)])
    objs += pod_start_events(ctx, new[0], at="-25m", pull_s=None)
    objs.append(event(ctx, r_pod, "Killing", "Stopping container redis", first="-3d2h2m", field_path="spec.containers{redis}"))
    # logs
    cluster_logs = []
    for k, p in enumerate(new):
        lines = [f'time={ctx.t(ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=2))} level=INFO msg="session-gateway starting" version=1.14.2 listen=:8443',
                 f'time={ctx.t(ctx.dt(p["metadata"]["creationTimestamp"]) + timedelta(seconds=2))} level=INFO msg="session store configured" addr=redis-sessions.auth.svc.cluster.local:6380 tls=true pool_size=64']
        for j in range(7):
            t = ctx.dt("-21m") + timedelta(seconds=170 * j + 13 * k)
            rid = ctx.hexs(16)
            lines += [f'time={ctx.t(t)} level=ERROR msg="session lookup failed" request_id={rid} path=/oauth2/authorize err="dial tcp 10.96.201.77:6380: connect: connection refused"',
                      f'time={ctx.t(t)} level=WARN msg="request completed" request_id={rid} method=GET path=/oauth2/authorize status=502 duration_ms={ctx.rng.randint(2, 9)}',
                      f'time={ctx.t(t + timedelta(seconds=31))} level=INFO msg="request completed" method=GET path=/static/login.css status=200 duration_ms=1']
        cluster_logs.append(logs(ns, p, lines))
    cluster_logs.append(logs(ns, r_pod, [
        "1:C 20 Nov 2026 12:25:03.811 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C 20 Nov 2026 12:25:03.811 * Redis version=7.2.6, bits=64, commit=00000000, modified=0, pid=1, just started",
        "1:M 20 Nov 2026 12:25:03.813 * Running mode=standalone, port=6379.",
        "1:M 20 Nov 2026 12:25:03.820 * DB loaded from append only file: 0.412 seconds",
        "1:M 20 Nov 2026 12:25:03.820 * Ready to accept connections tcp"], container="redis"))
    cluster_logs.append(logs(ns, r_pod, [
        f"1:signal-handler ({int(ctx.dt('-3d2h2m').timestamp())}) Received SIGTERM scheduling shutdown...",
        "1:M 20 Nov 2026 12:24:02.204 # User requested shutdown...",
        "1:M 20 Nov 2026 12:24:02.204 * Calling fsync() on the AOF file.",
        "1:M 20 Nov 2026 12:24:32.118 # Redis is now ready to exit, bye bye..."], container="redis", previous=True))
    cluster_logs.append(logs(ns, i_pods[0], timed(ctx, "-30m", 300, [
        "INFO 1 --- [identity-api] [nio-8080-exec-4] c.e.identity.token.TokenController : issued access token client=web-portal grant=authorization_code",
        "INFO 1 --- [identity-api] [nio-8080-exec-9] c.e.identity.token.TokenController : refreshed token client=mobile-ios",
        "INFO 1 --- [identity-api] [nio-8080-exec-2] c.e.identity.token.TokenController : issued access token client=partner-portal grant=client_credentials",
        "INFO 1 --- [identity-api] [nio-8080-exec-7] c.e.identity.token.TokenController : refreshed token client=mobile-android",
        "INFO 1 --- [identity-api] [nio-8080-exec-1] c.e.identity.token.TokenController : refreshed token client=web-portal",
        "INFO 1 --- [identity-api] [nio-8080-exec-5] c.e.identity.token.TokenController : issued access token client=web-portal grant=authorization_code"],
        lambda ts, ln: f"{ts}  {ln}")))
    # metrics: 60 min; the restart is at index 35
    mets = []
    old_names = [f"{rs18['metadata']['name']}-{s}" for s in ("b7vq2", "kx9fd", "2hmrw")]
    for i in range(3):
        for code, before, after in (("200", 38.0, 12.0), ("502", 0.01, 26.0)):
            lbl = {"__name__": "gateway_http_requests_total", "job": "session-gateway", "namespace": ns, "code": code, "route": "/oauth2/authorize"}
            mets.append(series(dict(lbl, pod=old_names[i]), cum(ctx, [before if code == "200" else 0.01] * (35 + i) + [None] * (26 - i),
                                                                start=ctx.rng.randint(4_000_000, 4_200_000) if code == "200" else 210)))
            mets.append(series(dict(lbl, pod=new[i]["metadata"]["name"]), [None] * (35 + i) + cum(ctx, [after] * (26 - i))))
        mets.append(series({"__name__": "session_store_errors_total", "job": "session-gateway", "namespace": ns,
                            "pod": new[i]["metadata"]["name"], "op": "get", "error": "dial"}, [None] * (35 + i) + cum(ctx, [26.0] * (26 - i))))
    mets.append(series({"__name__": "redis_connected_clients", "job": "redis-sessions", "namespace": ns, "instance": f"{r_pod['status']['podIP']}:9121"},
                       noisy(ctx, [192] * 35 + [2] * 26, 0.05)))
    mets.append(series({"__name__": "redis_commands_processed_total", "job": "redis-sessions", "namespace": ns, "instance": f"{r_pod['status']['podIP']}:9121"},
                       cum(ctx, [1450.0] * 35 + [3.0] * 26, start=91_228_104_220)))
    mets.append(series({"__name__": "redis_up", "job": "redis-sessions", "namespace": ns, "instance": f"{r_pod['status']['podIP']}:9121"}, [1] * 61))
    return {
        "format": 1, "id": "session-gateway-logins-failing-after-config-edit",
        "title": "Someone kubectl-edited session-gateway-config to use redis port 6380 with TLS (ticket AUTH-231) before redis-sessions had a TLS listener; the 14:01 rollout restart picked it up and every session lookup is refused",
        "tags": ["config-error", "configmap", "redis", "kubeadm", "recommend-only", "red-herring"],
        "now": ctx.now_s,
        "trigger": {"command": "people can't log in, auth returns 502", "channel": "#identity-oncall", "user": "U08IDOPS2"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "config_error",
            "resource": {"kind": "ConfigMap", "namespace": ns, "name": "session-gateway-config"},
            "aliases": [{"kind": "Deployment", "namespace": ns, "name_regex": "^session-gateway$"},
                        {"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs19['metadata']['name']}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{rs19['metadata']['name']}-"}],
            "evidence": ["6380", "6379", "connection refused", "session_store_addr|session-gateway-config|configmap",
                         "kubectl-edit|auth-231|restartedat|rollout restart|14:01"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "ConfigMap", "namespace": ns, "name": "session-gateway-config"}}],
                "forbidden": [act("restart_workload", ns, "session-gateway"), act("rollback_deployment", ns, "session-gateway"),
                              act("scale_workload", ns, "session-gateway"), act("restart_workload", ns, "redis-sessions", "StatefulSet"),
                              act("scale_workload", ns, "redis-sessions", "StatefulSet"),
                              act("delete_pod", ns, r_pod["metadata"]["name"], "Pod")]},
            "notes": Folded(
                "At 13:52 someone changed session-gateway-config with kubectl edit (managedFields manager kubectl-edit, annotation "
                "change-ticket AUTH-231): SESSION_STORE_ADDR now ends in :6380 and SESSION_STORE_TLS=true, the planned TLS listener "
                "for redis-sessions. But redis-sessions still runs with port 6379 and tls-port 0 (its config, its Service, its "
                "Endpoints). The gateway reads the ConfigMap only at start (envFrom), so nothing happened until the rollout restart "
                "at 14:01 (revision 19, same template plus restartedAt). Since then every session lookup fails with 'dial tcp "
                "10.96.201.77:6380: connect: connection refused' and /oauth2/authorize answers 502; readiness only checks the process, "
                "so the pods are Ready and the rollout looked clean. Redis itself is healthy: up, but its connected clients dropped "
                "from ~190 to 2 when the old pods went away.\n\n"
                "No allowed mutation fixes it: a rollback re-creates the same template and pods still read the edited ConfigMap, and "
                "ConfigMap data is not an allowed patch. A human should set SESSION_STORE_ADDR back to :6379 and SESSION_STORE_TLS to "
                "false (or enable the TLS listener on redis-sessions first, as AUTH-231 intended), then restart session-gateway. "
                "Traps: it looks like a dependency failure (connection refused to redis), but redis is up on 6379; redis-sessions-0 "
                "restarted three days ago (SIGTERM during node maintenance, exit 137 after the 30 s grace while fsyncing the AOF) "
                "and has been fine since; restarting or scaling either side changes nothing.")},
    }


def invoice_export() -> dict:
    """invoice-export CronJob moved to image 2.0.0 (binary in /usr/local/bin) but kept command /app/bin/invoice-export."""
    ctx = Ctx("invoice-export-start-error", "2026-11-26T06:10:00Z")
    ns = "billing"
    nodes = pool(ctx, "gke", 3, region="us-central1", itype="e2-standard-8", pool_name="batch-e2", cluster="fin-core",
                 subnet="10.128", cidr_base=36, created="-26d")
    reg = "us-central1-docker.pkg.dev/fin-core/billing"
    sched_now = ctx.dt("2026-11-26T00:30:00Z")

    def jspec(tag: str, cmd: list) -> dict:
        return podspec([container("invoice-export", f"{reg}/invoice-export:{tag}", command=cmd,
                                  args=["--since=24h", "--format=zugferd", "--bucket=gs://fin-core-invoices-eu/exports"],
                                  env=[{"name": "BILLING_DB_DSN", "valueFrom": {"secretKeyRef": {"name": "billing-db-ro", "key": "dsn"}}},
                                       {"name": "TZ", "value": "Europe/Berlin"}],
                                  resources={"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}})],
                       sa="invoice-export", restart="Never")
    new_spec = jspec("2.0.0", ["/app/bin/invoice-export"])
    old_spec = jspec("1.9.4", ["/app/bin/invoice-export"])
    cj = cronjob(ctx, ns, "invoice-export", new_spec, schedule="30 1 * * *", tz="Europe/Berlin", created="-300d",
                 last_schedule=sched_now, last_success="2026-11-25T00:31:52Z", labels={"app": "invoice-export", "team": "billing"},
                 backoff=2, history=(3, 1))
    cj["metadata"]["annotations"] = {"kubernetes.io/change-cause": "billing-jobs chart 3.0.0: invoice-export 2.0.0 (distroless base)"}
    cj["metadata"]["managedFields"] = [{"manager": "helm", "operation": "Update", "apiVersion": "batch/v1", "time": ctx.t("2026-11-25T14:20:11Z"),
                                         "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:jobTemplate": {"f:spec": {"f:template": {"f:spec": {"f:containers": {}}}}}}}}]
    objs: list = [Comment("nodes: GKE fin-core, batch pool")] + nodes
    objs.append(Comment("invoice-export: chart 3.0.0 (yesterday 14:20) moved to image 2.0.0; tonight's run failed three times"))
    objs.append(cj)
    # previous successful runs with 1.9.4
    for d in (3, 2, 1):
        sched = sched_now - timedelta(days=d)
        jn = cron_job_name(ctx, "invoice-export", sched)
        j = job(ctx, ns, jn, old_spec, created=sched, owner=cj, outcome="complete", finished=sched + timedelta(seconds=104 + 9 * d),
                scheduled_ts=(sched + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+01:00"), labels={"app": "invoice-export"})
        objs.append(j)
        if d == 1:
            jp = job_pod(ctx, j, nodes[0], created=sched, ip=None, phase="Succeeded", statuses=[cstatus(
                ctx, old_spec["containers"][0], ready=False, started=False,
                state=terminated(ctx, 0, "Completed", sched + timedelta(seconds=3), sched + timedelta(seconds=111)))])
            objs.append(jp)
            prev_pod = jp
    jn = cron_job_name(ctx, "invoice-export", sched_now)
    fj = job(ctx, ns, jn, new_spec, created=sched_now, owner=cj, outcome="failed", finished=sched_now + timedelta(seconds=52),
             backoff=2, failed=3, scheduled_ts="2026-11-26T01:30:00+01:00", labels={"app": "invoice-export"})
    objs.append(fj)
    msg = ('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start '
           'container process: exec: "/app/bin/invoice-export": stat /app/bin/invoice-export: no such file or directory: unknown')
    failed_pods = []
    for k, off in enumerate((0, 12, 33)):
        t = sched_now + timedelta(seconds=off)
        fp = job_pod(ctx, fj, nodes[k % 3], created=t, ip=None, phase="Failed", statuses=[cstatus(
            ctx, new_spec["containers"][0], ready=False, started=False,
            state=terminated(ctx, 128, "StartError", t + timedelta(seconds=2), t + timedelta(seconds=2), msg))])
        failed_pods.append(fp)
        objs.append(fp)
    objs.append(secret(ctx, ns, "billing-db-ro", {"dsn": "cG9zdGdyZXM6Ly9leHBvcnRfcm86Wm04Vi1xMnRAMTAuMTI4LjQwLjU6NTQzMi9iaWxsaW5nP3NzbG1vZGU9cmVxdWlyZQ=="}))
    objs.append(Comment("neighbours: billing-api and the dunning CronJob (healthy)"))
    b_spec = podspec([container("billing-api", f"{reg}/billing-api:7.4.0", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "300m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}},
                                readiness={"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 10})], sa="billing-api")
    b_objs, b_pods, _ = simple_app(ctx, ns, "billing-api", b_spec, nodes, replicas=3, created="-600d", rs_created="-6d", rev=88,
                                   cause="billing-api 7.4.0", svc_ip="10.36.40.9",
                                   port={"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"})
    objs += b_objs
    dspec = podspec([container("dunning", f"{reg}/dunning:3.2.2", args=["run", "--stage=all"],
                               resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}})],
                    sa="dunning", restart="OnFailure")
    dcj = cronjob(ctx, ns, "dunning", dspec, schedule="0 5 * * *", created="-400d", last_schedule="2026-11-26T05:00:00Z",
                  last_success="2026-11-26T05:03:41Z", labels={"app": "dunning", "team": "billing"})
    dj = job(ctx, ns, cron_job_name(ctx, "dunning", "2026-11-26T05:00:00Z"), dspec, created="2026-11-26T05:00:00Z", owner=dcj,
             outcome="complete", finished="2026-11-26T05:03:41Z", labels={"app": "dunning"})
    objs += [dcj, dj]
    objs.append(Comment("events"))
    objs.append(event(ctx, cj, "SuccessfulCreate", f"Created job {jn}", first=sched_now, component="cronjob-controller"))
    objs.append(event(ctx, cj, "SawCompletedJob", f"Saw completed job: {jn}, condition: Failed", first=sched_now + timedelta(seconds=53),
                      component="cronjob-controller"))
    for fp in failed_pods:
        objs.append(event(ctx, fj, "SuccessfulCreate", f"Created pod: {fp['metadata']['name']}", first=fp["metadata"]["creationTimestamp"],
                          component="job-controller"))
        t = ctx.dt(fp["metadata"]["creationTimestamp"])
        objs.append(event(ctx, fp, "Scheduled", f"Successfully assigned {ns}/{fp['metadata']['name']} to {fp['spec']['nodeName']}",
                          first=t, component="default-scheduler"))
        objs.append(event(ctx, fp, "Pulled", f'Container image "{reg}/invoice-export:2.0.0" already present on machine' if fp is not failed_pods[0]
                          else f'Successfully pulled image "{reg}/invoice-export:2.0.0" in 1.884s (1.884s including waiting). Image size: 24118790 bytes.',
                          first=t + timedelta(seconds=1), field_path="spec.containers{invoice-export}"))
        objs.append(event(ctx, fp, "Created", "Created container invoice-export", first=t + timedelta(seconds=2), field_path="spec.containers{invoice-export}"))
        objs.append(event(ctx, fp, "Failed", "Error: " + msg, type_="Warning", first=t + timedelta(seconds=2),
                          field_path="spec.containers{invoice-export}"))
    objs.append(event(ctx, fj, "BackoffLimitExceeded", "Job has reached the specified backoff limit", type_="Warning",
                      first=sched_now + timedelta(seconds=52), component="job-controller"))
    cluster_logs = [logs(ns, prev_pod, timed(ctx, ctx.dt(prev_pod["metadata"]["creationTimestamp"]) + timedelta(seconds=4), 13, [
        "level=info msg=\"invoice-export 1.9.4 starting\" since=24h format=zugferd",
        "level=info msg=\"connected to billing db\" host=10.128.40.5 db=billing",
        "level=info msg=\"selected invoices\" count=18342",
        "level=info msg=\"rendered batch\" batch=1/4 files=5000",
        "level=info msg=\"rendered batch\" batch=2/4 files=5000",
        "level=info msg=\"rendered batch\" batch=3/4 files=5000",
        "level=info msg=\"rendered batch\" batch=4/4 files=3342",
        "level=info msg=\"uploaded\" bucket=gs://fin-core-invoices-eu/exports object=2026-11-25/invoices.zip bytes=412288114",
        "level=info msg=done took=107.4s"], lambda ts, ln: f"time={ts} {ln}"))]
    for fp in failed_pods:
        cluster_logs.append(logs(ns, fp, []))
    cluster_logs.append(logs(ns, b_pods[0], timed(ctx, "-30m", 240, [
        '{"severity":"INFO","message":"GET /v1/invoices/INV-2026-118204 200","latency_ms":18}',
        '{"severity":"INFO","message":"POST /v1/payments/webhook 204","latency_ms":41}',
        '{"severity":"INFO","message":"GET /v1/accounts/ACC-22019/balance 200","latency_ms":9}',
        '{"severity":"INFO","message":"GET /v1/invoices?status=open 200","latency_ms":64}'], lambda ts, ln: ln[:-1] + f',"time":"{ts}"}}')))
    mets = [series(ksm("kube_job_status_failed", ns, job_name=jn, reason="BackoffLimitExceeded"), [None] * 4 + [1] + [3] * 68, start="-360m", step="5m"),
            series(ksm("kube_job_failed", ns, job_name=jn, condition="true"), [None] * 5 + [1] * 68, start="-360m", step="5m"),
            series(ksm("kube_cronjob_status_last_schedule_time", ns, cronjob="invoice-export"), [int(sched_now.timestamp())] * 61),
            series(ksm("kube_cronjob_status_last_successful_time", ns, cronjob="invoice-export"),
                   [int(ctx.dt("2026-11-25T00:31:52Z").timestamp())] * 61),
            series(ksm("kube_cronjob_status_last_successful_time", ns, cronjob="dunning"),
                   [int(ctx.dt("2026-11-25T05:04:02Z").timestamp())] * 7 + [int(ctx.dt("2026-11-26T05:03:41Z").timestamp())] * 54)]
    return {
        "format": 1, "id": "invoice-export-nightly-job-failed",
        "title": "The invoice-export CronJob was moved to image 2.0.0 (distroless, binary now in /usr/local/bin) but still runs /app/bin/invoice-export: every pod fails with StartError (exit 128) and the nightly export never ran",
        "tags": ["config-error", "cronjob", "job-failed", "starterror", "gke", "recommend-only"],
        "now": ctx.now_s,
        "trigger": {"alert": alert(ctx, "KubeJobFailed", {"namespace": ns, "job_name": jn, "severity": "warning", "job": "kube-state-metrics"},
                                   summary="Job failed to complete.",
                                   description=f"Job {ns}/{jn} failed to complete. Removing failed job after investigation should clear this alert.",
                                   starts="2026-11-26T00:46:00Z", runbook="https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubejobfailed",
                                   expr='kube_job_failed{job="kube-state-metrics"} > 0'),
                    "channel": "#billing-alerts"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "truth": {
            "category": "config_error", "also_accept": ["bad_rollout"],
            "resource": {"kind": "CronJob", "namespace": ns, "name": "invoice-export"},
            "aliases": [{"kind": "Job", "namespace": ns, "name_regex": f"^{jn}$"},
                        {"kind": "Pod", "namespace": ns, "name_regex": f"^{jn}-"}],
            "evidence": ["/app/bin/invoice-export", "no such file or directory", "starterror|128",
                         "2.0.0", "1.9.4|distroless|/usr/local/bin"],
            "remediation": {
                "accepted": [{"action": "recommend_only", "target": {"kind": "CronJob", "namespace": ns, "name": "invoice-export"}}],
                "forbidden": [act("restart_workload", ns, "billing-api"), act("delete_pod", ns, failed_pods[0]["metadata"]["name"], "Pod")]},
            "notes": Folded(
                "Yesterday at 14:20 the billing-jobs chart 3.0.0 changed the invoice-export CronJob's image from 1.9.4 to 2.0.0, "
                "rebuilt on a distroless base that installs the binary as /usr/local/bin/invoice-export. The pod template still "
                "sets command /app/bin/invoice-export. Tonight's 01:30 Europe/Berlin run (00:30 UTC) could not start: all three pods "
                "(backoffLimit 2) ended in StartError, exit code 128, 'exec: \"/app/bin/invoice-export\": stat "
                "/app/bin/invoice-export: no such file or directory', the Job hit BackoffLimitExceeded and KubeJobFailed fired. "
                "The three previous nights ran 1.9.4 and completed in under two minutes. No export exists for 2026-11-25's "
                "invoices.\n\n"
                "There is no safe allowed mutation: the fix is the command (drop the override or use /usr/local/bin/invoice-export), "
                "which is not an allowed patch field, and reverting the image would silently drop the 2.0.0 changes the chart was "
                "shipped for. A human should fix the chart, re-run the export for the missed night (kubectl create job --from), and "
                "then delete the failed Job to clear the alert. Nothing is wrong with the node, the registry (the image pulled fine) "
                "or the database; deleting the failed pods or restarting anything else changes nothing.")},
    }


SCENARIOS += [session_gateway, invoice_export]
