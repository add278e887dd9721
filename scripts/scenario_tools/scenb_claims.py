"""Scenario claims-service-new-pods-killed-before-ready: a 30-second startup probe on an 80-second Spring Boot start."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, crashloop, gauge, http_probe, mutate, res, running, steps,
                       template)

sc = Scenario("claims-service-new-pods-killed-before-ready",
              title="Revision 7 of claims-service added the platform-default startupProbe (10s x 3 = 30s) to a Spring Boot "
                    "service that needs ~75-80s to start; every new pod is killed before it finishes starting and crash-loops, "
                    "the rollout is stuck with the old pods serving",
              now="2026-11-24T11:52:00Z",
              tags=["probe-failure", "startup-probe", "spring-boot", "crashloopbackoff", "aks", "rollout-stuck", "red-herring"])

NODES = []
for i in range(3):
    n = f"aks-apps-30917462-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"germanywestcentral-{i + 1}", instance="Standard_D8s_v5", cpu=8, mem_gib=31.3, ip=f"10.50.0.{4 + i}",
            pod_cidr=f"10.244.{i}.0/24", created=f"-{33 - 4 * i}d{5 + i}h", pool="apps", mem_reserved_ki=4_200_000, cpu_reserved_m=180,
            region="germanywestcentral")
    NODES.append(n)

REG = "acrinsuranceprod.azurecr.io/claims"
CL = {"app.kubernetes.io/name": "claims-service", "app.kubernetes.io/part-of": "claims"}


def cl_t(version: str, startup: bool) -> dict:
    c = container(
        "claims-service", f"{REG}/claims-service:{version}",
        ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        env=[{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=70 -XX:+UseG1GC -Xss512k"},
             {"name": "SPRING_PROFILES_ACTIVE", "value": "prod,azure"},
             {"name": "SPRING_DATASOURCE_URL", "value": "jdbc:postgresql://psql-claims-prod.postgres.database.azure.com:5432/claims?sslmode=require"},
             {"name": "SPRING_KAFKA_BOOTSTRAP_SERVERS", "value": "pkc-x3k2p.germanywestcentral.azure.confluent.cloud:9092"}],
        resources=res("1", "2Gi", None, "2Gi"),
        readinessProbe=http_probe("/actuator/health/readiness", "http", period=10, timeout=2, failure=3),
        livenessProbe=http_probe("/actuator/health/liveness", "http", period=20, timeout=3, failure=3, initial=90 if not startup else None))
    if startup:
        c["startupProbe"] = http_probe("/actuator/health/liveness", "http", period=10, timeout=1, failure=3)
    return template(dict(CL), [c], serviceAccountName="claims-service", terminationGracePeriodSeconds=45)


revs = [{"rev": 5, "created": "-27d6h", "template": cl_t("3.1.4", False), "cause": "claims chart 3.1.4"},
        {"rev": 6, "created": "-9d2h35m", "template": cl_t("3.1.6", False), "cause": "claims chart 3.1.6"},
        {"rev": 7, "created": ago(m=47, s=48), "template": cl_t("3.1.6", True), "cause": "INS-2207: platform default startupProbe", "replicas": 1}]
revs[1]["replicas"] = 3
dep = sc.deployment("insurance", "claims-service", labels={**CL, "team": "claims"}, selector=CL, revisions=revs, replicas=3, created="-480d", generation=24)
rs6, rs7 = dep["_rs"][1], dep["_rs"][2]
old = [sc.pod(rs6, node=NODES[i], created=ago(d=9, h=2, m=34, s=40 - 13 * i), states={"claims-service": running(ago(d=9, h=2, m=34, s=36 - 13 * i))}) for i in range(3)]
bad_created = ago(m=47, s=47)
bad = sc.pod(rs7, node=NODES[1], created=bad_created, states={"claims-service": crashloop("5m0s")}, restarts={"claims-service": 7},
             last={"claims-service": {"code": 143, "reason": "Error", "start": ago(m=3, s=28), "end": ago(m=2, s=55)}})
dep["status"] = {"observedGeneration": 24, "replicas": 4, "updatedReplicas": 1, "readyReplicas": 3, "availableReplicas": 3, "unavailableReplicas": 1,
                 "conditions": [
                     {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                      "lastUpdateTime": sc.ts("-9d2h30m"), "lastTransitionTime": sc.ts("-9d2h30m")},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{rs7['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts(ago(m=37, s=48)), "lastTransitionTime": sc.ts(ago(m=37, s=48))}]}
svc, _ = sc.service("insurance", "claims-service", selector=CL, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    created="-480d", cluster_ip="10.0.60.231", labels=CL, pods=old + [bad])
sc.alert(labels={"alertname": "KubePodCrashLooping", "namespace": "insurance", "pod": bad["metadata"]["name"], "container": "claims-service",
                 "severity": "warning", "job": "kube-state-metrics", "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="Pod is crash looping.",
         description=f"Pod insurance/{bad['metadata']['name']} (claims-service) is in waiting state (reason: \"CrashLoopBackOff\").",
         starts=ago(m=31), channel="#claims-alerts",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"})

ip = bad["status"]["podIP"]
fp = "spec.containers{claims-service}"
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs7['metadata']['name']} from 0 to 1", first=ago(m=47, s=48), component="deployment-controller")
sc.event(rs7, "SuccessfulCreate", f"Created pod: {bad['metadata']['name']}", first=bad_created, component="replicaset-controller")
sc.event(bad, "Scheduled", f"Successfully assigned insurance/{bad['metadata']['name']} to {NODES[1]}", first=bad_created, component="default-scheduler")
sc.event(bad, "Pulled", f"Container image \"{REG}/claims-service:3.1.6\" already present on machine", first=ago(m=47, s=46), last=ago(m=3, s=29), count=8, field_path=fp)
sc.event(bad, "Created", "Created container: claims-service", first=ago(m=47, s=46), last=ago(m=3, s=29), count=8, field_path=fp)
sc.event(bad, "Started", "Started container claims-service", first=ago(m=47, s=45), last=ago(m=3, s=28), count=8, field_path=fp)
sc.event(bad, "Unhealthy", f"Startup probe failed: Get \"http://{ip}:8080/actuator/health/liveness\": dial tcp {ip}:8080: connect: connection refused",
         type="Warning", first=ago(m=47, s=35), last=ago(m=3, s=8), count=24, field_path=fp)
sc.event(bad, "Killing", "Container claims-service failed startup probe, will be restarted", first=ago(m=47, s=15), last=ago(m=2, s=58), count=8, field_path=fp)
sc.event(bad, "BackOff", f"Back-off restarting failed container claims-service in pod {bad['metadata']['name']}_insurance({bad['metadata']['uid']})",
         type="Warning", first=ago(m=45, s=10), last=ago(s=44), count=131, field_path=fp)

# neighbours
pol = sc.app("insurance", "policy-api", f"{REG}/policy-api:6.0.2", nodes=NODES, created="-480d", rev=31, rev_created="-13d4h", cause="policy chart 6.0.2",
             probe="/actuator/health/readiness", cluster_ip="10.0.44.18", team="policy", resources=res("1", "2Gi", None, "2Gi"))
docs = sc.app("insurance", "documents", f"{REG}/documents:2.14.0", nodes=NODES[:2], created="-300d", rev=19, rev_created="-6d1h", cause="documents 2.14.0",
              port=3000, probe="/healthz", cluster_ip="10.0.12.77", team="claims", resources=res("250m", "512Mi", None, "768Mi"))

# logs: the previous (killed) container of the new pod, and an old pod's full start for comparison
t_start = sc.clock.dt(ago(m=3, s=28))


def at(sec: float, text: str) -> str:
    return sc.fmt(t_start + timedelta(seconds=sec), "%Y-%m-%dT%H:%M:%S.%fZ " + text)


prev = [at(0.9, " INFO 1 --- [claims-service] [           main] c.e.claims.ClaimsServiceApplication     : Starting ClaimsServiceApplication v3.1.6 using Java 21.0.5 with PID 1"),
        at(1.0, " INFO 1 --- [claims-service] [           main] c.e.claims.ClaimsServiceApplication     : The following 2 profiles are active: \"prod\", \"azure\""),
        at(6.8, " INFO 1 --- [claims-service] [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat initialized with port 8080 (http)"),
        at(9.2, " INFO 1 --- [claims-service] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting..."),
        at(11.7, " INFO 1 --- [claims-service] [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@5c8e67b9"),
        at(11.8, " INFO 1 --- [claims-service] [           main] org.flywaydb.core.FlywayExecutor         : Database: jdbc:postgresql://psql-claims-prod.postgres.database.azure.com:5432/claims (PostgreSQL 16.4)"),
        at(16.1, " INFO 1 --- [claims-service] [           main] o.f.core.internal.command.DbValidate     : Successfully validated 212 migrations (execution time 00:04.118s)"),
        at(16.3, " INFO 1 --- [claims-service] [           main] o.f.core.internal.command.DbMigrate      : Current version of schema \"claims\": 212"),
        at(17.0, " INFO 1 --- [claims-service] [           main] o.hibernate.jpa.internal.util.LogHelper  : HHH000204: Processing PersistenceUnitInfo [name: default]"),
        at(29.4, " INFO 1 --- [claims-service] [           main] o.s.o.j.p.SpringPersistenceUnitInfo      : No LoadTimeWeaver setup: ignoring JPA class transformer"),
        at(32.6, " INFO 1 --- [claims-service] [ionShutdownHook] o.s.b.w.e.tomcat.GracefulShutdown        : Commencing graceful shutdown. Waiting for active requests to complete"),
        at(32.7, " INFO 1 --- [claims-service] [tomcat-shutdown] o.s.b.w.e.tomcat.GracefulShutdown        : Graceful shutdown complete"),
        at(32.9, " WARN 1 --- [claims-service] [           main] ConfigServletWebServerApplicationContext : Exception encountered during context initialization - cancelling refresh attempt: org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'entityManagerFactory': Interrupted while initializing"),
        at(33.0, " INFO 1 --- [claims-service] [ionShutdownHook] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Shutdown completed.")]
sc.log(bad, prev, previous=True)
o0 = old[0]
t0 = sc.clock.dt(o0["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])


def at0(sec: float, text: str) -> str:
    return sc.fmt(t0 + timedelta(seconds=sec), "%Y-%m-%dT%H:%M:%S.%fZ " + text)


cur = [at0(0.8, " INFO 1 --- [claims-service] [           main] c.e.claims.ClaimsServiceApplication     : Starting ClaimsServiceApplication v3.1.6 using Java 21.0.5 with PID 1"),
       at0(16.4, " INFO 1 --- [claims-service] [           main] o.f.core.internal.command.DbValidate     : Successfully validated 212 migrations (execution time 00:04.301s)"),
       at0(52.2, " INFO 1 --- [claims-service] [           main] o.s.k.l.KafkaMessageListenerContainer    : claims-intake: partitions assigned: [claims.intake.v2-0, claims.intake.v2-3, claims.intake.v2-6]"),
       at0(74.9, " INFO 1 --- [claims-service] [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path '/'"),
       at0(75.3, " INFO 1 --- [claims-service] [           main] c.e.claims.ClaimsServiceApplication     : Started ClaimsServiceApplication in 74.9 seconds (process running for 78.2)")]
for k, t in enumerate(sc.ticks("-6m", "-10s", 11, jitter=0.7)):
    if k == 9:
        cur.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  WARN 1 --- [claims-service] [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m4s73ms)."))
    elif k % 6 == 2:
        cur.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [claims-service] [ntainer#0-0-C-1] org.apache.kafka.clients.NetworkClient   : [Consumer clientId=claims-intake-0, groupId=claims-intake] Disconnected from node 2 due to socket connection setup timeout. The timeout value is 9733 ms."))
    else:
        cur.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [claims-service] [nio-8080-exec-" + str(k % 10 + 1) + "] c.e.claims.api.ClaimController           : POST /api/v1/claims/" + str(9_120_400 + k) + "/assessments 201 in " + str(88 + (k * 31) % 200) + "ms"))
sc.log(o0, cur)
sc.log(old[1], cur[:5])
sc.log(docs["_pods"][0], ["{\"level\":\"info\",\"msg\":\"rendered claim letter\",\"template\":\"acknowledgement-v7\",\"ms\":231}"], repeat=6)

# metrics
N, S = 90, "-89m"
cut = 89 - 47
sc.series({"__name__": "kube_pod_container_status_restarts_total", "namespace": "insurance", "pod": bad["metadata"]["name"], "container": "claims-service",
           "job": "kube-state-metrics"}, [None] * cut + [min(7, max(0, (i - cut) // 5)) for i in range(cut, N)], start=S, step="1m")
sc.series({"__name__": "kube_pod_container_status_waiting_reason", "namespace": "insurance", "pod": bad["metadata"]["name"], "container": "claims-service",
           "reason": "CrashLoopBackOff", "job": "kube-state-metrics"}, [None] * cut + [0, 0, 1, 0, 1] + [1 if i % 5 else 0 for i in range(N - cut - 5)], start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_updated", "namespace": "insurance", "deployment": "claims-service", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (cut, 1)]), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "insurance", "deployment": "claims-service", "job": "kube-state-metrics"},
          [3] * N, start=S, step="1m")
sc.series({"__name__": "application_started_time_seconds", "namespace": "insurance", "pod": o0["metadata"]["name"], "main_application_class": "com.example.claims.ClaimsServiceApplication"},
          [74.9] * N, start=S, step="1m")
sc.series({"__name__": "http_server_requests_seconds_count", "namespace": "insurance", "service": "claims-service", "uri": "/api/v1/claims/{id}/assessments",
           "method": "POST", "status": "201", "outcome": "SUCCESS"}, counter(sc, "c201", [42.0] * N, start_value=7_418_220), start=S, step="1m")

# recovery: longer startup budget (or no startup probe)
CHECK = {"any_of": [
    {"kind": "Deployment", "namespace": "insurance", "name": "claims-service", "path": "spec.template.spec.containers[0].startupProbe.failureThreshold", "at_least": 9},
    {"kind": "Deployment", "namespace": "insurance", "name": "claims-service", "path": "spec.template.spec.containers[0].startupProbe.periodSeconds", "at_least": 30},
    {"kind": "Deployment", "namespace": "insurance", "name": "claims-service", "path": "spec.template.spec.containers[0].startupProbe", "exists": False}]}
fixed = mutate(revs[2]["template"], lambda t: t["spec"]["containers"][0]["startupProbe"].update(failureThreshold=18))
r = sc.recover_deployment(dep, template=fixed, nodes=NODES, cause="startupProbe failureThreshold 18", svc=svc, start="+10s", every_s=85)
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": r["delete"],
    "logs": [{"namespace": "insurance", "pod": p["metadata"]["name"], "lines": [
        sc.fmt(sc.dt_after(p["status"]["startTime"], 78), "%Y-%m-%dT%H:%M:%S.%fZ  INFO 1 --- [claims-service] [           main] c.e.claims.ClaimsServiceApplication     : Started ClaimsServiceApplication in 76.2 seconds (process running for 79.0)")]}
             for p in r["pods"]]}})

sc.truth = {
    "category": "probe_failure",
    "also_accept": ["bad_rollout"],
    "resource": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "insurance", "name_regex": f"^{rs7['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "insurance", "name_regex": f"^{rs7['metadata']['name']}-"}],
    "evidence": ["startup probe|startupprobe",
                 "30s|30 s|failurethreshold|3 x 10|10s x 3",
                 "74.9|75s|75 s|80s|~75|~80|seconds to start",
                 "revision 7|ins-2207",
                 "crashloopbackoff|143"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"},
             "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "claims-service", "startupProbe": {"failureThreshold": 18}}]}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "insurance", "name": bad["metadata"]["name"]}},
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "insurance", "name": "claims-service"}},
        ],
    },
    "notes": (
        "Revision 7 (11:04, INS-2207 \"platform default startupProbe\") changed only the probes: it added startupProbe "
        "/actuator/health/liveness with periodSeconds 10, failureThreshold 3 and timeout 1s (a 30-second budget) and dropped the "
        "liveness initialDelaySeconds 90. claims-service (Spring Boot 3, Flyway validation of 212 migrations, Hibernate, Kafka "
        "consumers) needs ~75-80s before Tomcat listens (\"Started ClaimsServiceApplication in 74.9 seconds\" in the old pods, "
        "application_started_time_seconds). The new pod is killed at ~30s every time (\"Startup probe failed ... connection "
        "refused\", \"failed startup probe, will be restarted\", lastState exit 143 after a graceful shutdown in the middle of "
        "Hibernate init) and is in CrashLoopBackOff with 7 restarts. maxUnavailable rounds to 0 for 3 replicas, so the three "
        "revision-6 pods keep serving and users see nothing.\n"
        "Fix: give the startup probe a budget above the start time (failureThreshold 18 -> 180s; the check accepts "
        "failureThreshold >= 9, periodSeconds >= 30, or no startup probe) or roll back to revision 6. Traps: the previous log "
        "ends with a BeanCreationException 'Interrupted while initializing', which is the consequence of the SIGTERM, not a "
        "bug; the Hikari 'thread starvation or clock leap' warning and Kafka 'Disconnected from node 2' in the old pods are "
        "routine noise; memory is fine (no OOMKilled), so set_resources is wrong; restarting or deleting the pod repeats the kill."),
}

if __name__ == "__main__":
    print(sc.write())
