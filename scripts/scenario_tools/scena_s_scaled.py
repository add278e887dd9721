"""Scenarios (helper scenA): workloads with no desired replicas."""
from __future__ import annotations

from datetime import timedelta

from scena_emit import Comment, Folded
from scena_k8s import Ctx, container, cstatus, meta, podspec, terminated
from scena_kit import act, pool, refresh_endpoints
from scena_obs import alert, cum, event, ksm, logs, series, timed
from scena_work import Deploy, cron_job_name, cronjob, endpoints, hpa, job, job_pod, service, simple_app, statefulset, sts_pod


def partner_webhooks() -> dict:
    """A Friday-evening scale-down CronJob meant for staging runs `kubectl scale --all --replicas=0 -n partners` on prod."""
    ctx = Ctx("carrier-webhooks-scaled-down-friday", "2026-11-20T20:36:00Z")
    ns = "partners"
    nodes = pool(ctx, "eks", 3, region="eu-west-2", itype="m6i.large", pool_name="partners-m6i", cpu=2, mem_gi=8, subnet="10.54",
                 cidr_base=54, created="-29d")
    reg = "580113204997.dkr.ecr.eu-west-2.amazonaws.com/partners"
    scaled_at = ctx.dt("-36m") + timedelta(seconds=4)

    def app(name: str, tag: str, replicas_before: int, port: int) -> tuple[Deploy, dict, list]:
        spec = podspec([container(name, f"{reg}/{name}:{tag}", ports=[{"name": "http", "containerPort": port, "protocol": "TCP"}],
                                  resources={"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                                  readiness={"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 10})], sa=name)
        dep = Deploy(ctx, ns, name, match={"app": name}, created="-420d", replicas=replicas_before, labels={"app": name, "team": "partner-integrations"})
        rs = dep.rev(17 if name == "carrier-webhooks" else 9, spec, created="-11d", cause=f"{name} {tag}", replicas=0)
        objs = dep.done(replicas=0, available_since="-420d", updated_at="-11d", unavailable_since=ctx.t(scaled_at))
        objs[0]["metadata"]["managedFields"] = [
            {"manager": "argocd-controller", "operation": "Apply", "apiVersion": "apps/v1", "time": ctx.t("-11d"), "fieldsType": "FieldsV1",
             "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {}}}}}},
            {"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1", "time": ctx.t(scaled_at), "fieldsType": "FieldsV1",
             "fieldsV1": {"f:spec": {"f:replicas": {}}}, "subresource": "scale"}]
        return dep, rs, objs

    wh, wh_rs, wh_objs = app("carrier-webhooks", "4.6.1", 3, 8080)
    edi, edi_rs, edi_objs = app("edi-gateway", "2.0.9", 2, 8443)
    objs: list = [Comment("nodes: EKS eu-west-2")] + nodes
    objs.append(Comment("partners: both Deployments were scaled to 0 at 20:00:04 through the scale subresource (manager kubectl)"))
    objs += wh_objs + edi_objs
    wh_ep = endpoints(ctx, ns, "carrier-webhooks", ready=[], ports=[], created="-420d")
    objs += [service(ctx, ns, "carrier-webhooks", selector={"app": "carrier-webhooks"}, ip="172.20.61.90", created="-420d",
                     ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]), wh_ep,
             service(ctx, ns, "edi-gateway", selector={"app": "edi-gateway"}, ip="172.20.61.140", created="-420d",
                     ports=[{"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}]),
             endpoints(ctx, ns, "edi-gateway", ready=[], ports=[], created="-420d")]
    objs.append(Comment("neighbour still running: partner-sftp, a StatefulSet (not touched by `kubectl scale deploy --all`)"))
    sftp_spec = podspec([container("sftp", "docker.io/atmoz/sftp:alpine-3.7", ports=[{"name": "sftp", "containerPort": 22, "protocol": "TCP"}],
                                   resources={"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                                   mounts=[{"name": "data", "mountPath": "/home"}])])
    sftp = statefulset(ctx, ns, "partner-sftp", sftp_spec, match={"app": "partner-sftp"}, replicas=1, created="-420d", service="partner-sftp",
                       claims=[{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                                                                       "resources": {"requests": {"storage": "50Gi"}}}}])
    sftp_pod = sts_pod(ctx, sftp, 0, nodes[2], created="-16d", ip=ctx.ip(nodes[2]),
                       volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-partner-sftp-0"}}])
    objs += [sftp, sftp_pod]
    objs.append(Comment("ops-tools: the weekend scale-down CronJob (added Wednesday)"))
    sd_spec = podspec([container("kubectl", "registry.k8s.io/kubectl:v1.31.2", command=["/bin/sh", "-c"],
                                 args=["kubectl scale deploy --all --replicas=0 -n \"${TARGET_NAMESPACE}\""],
                                 env=[{"name": "TARGET_NAMESPACE", "value": "partners"}],
                                 resources={"requests": {"cpu": "50m", "memory": "64Mi"}})], sa="env-scaler", restart="Never")
    sched = ctx.dt("-36m")
    cj = cronjob(ctx, "ops-tools", "weekend-scaledown", sd_spec, schedule="0 20 * * 5", created="-2d5h", last_schedule=sched,
                 last_success=scaled_at + timedelta(seconds=3), labels={"app": "weekend-scaledown", "team": "platform-finops"})
    cj["metadata"]["annotations"] = {"description": "Scale partners-staging to zero for the weekend (FINOPS-77)"}
    jn = cron_job_name(ctx, "weekend-scaledown", sched)
    j = job(ctx, "ops-tools", jn, sd_spec, created=sched, owner=cj, outcome="complete", finished=scaled_at + timedelta(seconds=3),
            labels={"app": "weekend-scaledown"}, scheduled_ts=ctx.t(sched).replace("Z", "+00:00"))
    jp = job_pod(ctx, j, nodes[0], created=sched, ip=None, phase="Succeeded", statuses=[cstatus(
        ctx, sd_spec["containers"][0], ready=False, started=False, state=terminated(ctx, 0, "Completed", sched + timedelta(seconds=2), scaled_at + timedelta(seconds=2)))])
    objs += [cj, j, jp]
    objs.append(Comment("events"))
    for dep, rs, before in ((wh, wh_rs, 3), (edi, edi_rs, 2)):
        objs.append(event(ctx, dep.obj, "ScalingReplicaSet", f"Scaled down replica set {rs['metadata']['name']} from {before} to 0", first=scaled_at,
                          component="deployment-controller"))
        for k in range(before):
            nm = f"{rs['metadata']['name']}-{ctx.safe(5)}"
            objs.append(event(ctx, rs, "SuccessfulDelete", f"Deleted pod: {nm}", first=scaled_at, component="replicaset-controller"))
    objs.append(event(ctx, cj, "SuccessfulCreate", f"Created job {jn}", first=sched, component="cronjob-controller"))
    objs.append(event(ctx, cj, "SawCompletedJob", f"Saw completed job: {jn}, condition: Complete", first=scaled_at + timedelta(seconds=4),
                      component="cronjob-controller"))
    cluster_logs = [logs("ops-tools", jp, ["deployment.apps/edi-gateway scaled", "deployment.apps/carrier-webhooks scaled"])]
    n, cut = 61, 24
    mets = [series(ksm("kube_deployment_spec_replicas", ns, deployment="carrier-webhooks"), [3] * cut + [0] * (n - cut)),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="carrier-webhooks"), [3] * cut + [0] * (n - cut)),
            series(ksm("kube_deployment_spec_replicas", ns, deployment="edi-gateway"), [2] * cut + [0] * (n - cut)),
            series({"__name__": "probe_success", "job": "blackbox", "namespace": "monitoring", "instance": "https://hooks.partners.example.co.uk/healthz"},
                   [1] * (cut + 1) + [0] * (n - cut - 1)),
            series({"__name__": "up", "job": "carrier-webhooks", "namespace": ns, "instance": "10.54.8.41:8080"}, [1] * cut + [None] * (n - cut))]
    when = [{"kind": "Deployment", "namespace": ns, "name": "carrier-webhooks", "path": "spec.replicas", "at_least": 3}]
    rec_dep = wh.fork()
    rec_dep.replicas = 3
    rec_dep.set_rs(17, replicas=3)
    rpods = [rec_dep.pod(rec_dep.rs(17), nodes[i], created=ctx.dt("+20s") + timedelta(seconds=2 * i), ip=ctx.ip(nodes[i])) for i in range(3)]
    up = rec_dep.done(available_since="+50s", updated_at="-11d")
    rec = {"when": when, "apply": {"upsert": up + [refresh_endpoints(ctx, dict(wh_ep, subsets=[{"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]), rpods)],
                                   "logs": [logs(ns, p, [f"{ctx.t('+25s')} INFO carrier-webhooks 4.6.1 listening on :8080",
                                                         f"{ctx.t('+2m')} INFO POST /hooks/carrier/dhl 202 18ms"]) for p in rpods],
                                   "metrics": [series({"__name__": "probe_success", "job": "blackbox", "namespace": "monitoring",
                                                       "instance": "https://hooks.partners.example.co.uk/healthz"}, [1] * (cut + 1) + [0] * (n - cut - 2) + [1])]}}
    trig = alert(ctx, "BlackboxProbeFailed", {"namespace": "monitoring", "instance": "https://hooks.partners.example.co.uk/healthz", "job": "blackbox",
                                              "severity": "critical", "team": "partner-integrations"},
                 summary="Blackbox probe failed (instance https://hooks.partners.example.co.uk/healthz)",
                 description="Probe failed\n  VALUE = 0\n  LABELS = map[instance:https://hooks.partners.example.co.uk/healthz job:blackbox]",
                 starts="-33m", expr="probe_success == 0")
    return {
        "format": 1, "id": "carrier-webhooks-down-friday-evening",
        "title": "The new weekend-scaledown CronJob (FINOPS-77) was meant for partners-staging but TARGET_NAMESPACE says partners: at 20:00 it scaled carrier-webhooks (3) and edi-gateway (2) in production to zero",
        "tags": ["scaled-to-zero", "cronjob", "finops", "eks", "kubectl-scale"],
        "now": ctx.now_s,
        "trigger": {"alert": trig, "channel": "#partner-integrations"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "scaled_to_zero",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "carrier-webhooks"},
            "aliases": [{"kind": "CronJob", "namespace": "ops-tools", "name_regex": "^weekend-scaledown$"},
                        {"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{wh_rs['metadata']['name']}$"}],
            "evidence": ["replicas|scaled down|scaled to 0|scaled to zero|from 3 to 0", "weekend-scaledown", "edi-gateway",
                         "20:00|8 pm|36 min", "partners-staging|staging|target_namespace"],
            "remediation": {
                "accepted": [act("scale_workload", ns, "carrier-webhooks", params={"replicas": 3})],
                "checks": when,
                "forbidden": [act("restart_workload", ns, "carrier-webhooks"), act("rollback_deployment", ns, "carrier-webhooks"),
                              act("set_resources", ns, "carrier-webhooks")]},
            "notes": Folded(
                "The platform-finops team added the CronJob ops-tools/weekend-scaledown on Wednesday to scale partners-staging "
                "to zero every Friday at 20:00 (FINOPS-77), but its TARGET_NAMESPACE is 'partners', the production namespace. "
                "At 20:00:04 its Job ran `kubectl scale deploy --all --replicas=0` there ('deployment.apps/carrier-webhooks scaled', "
                "'deployment.apps/edi-gateway scaled'); the Deployments' managedFields show manager kubectl on the scale "
                "subresource at that second, and the deployment-controller scaled carrier-webhooks from 3 to 0 and edi-gateway from "
                "2 to 0. Both Services have no endpoints and the partner webhook URL fails its blackbox probe. Nothing crashed: "
                "there are simply no pods.\n\n"
                "Fix: scale carrier-webhooks back to 3 (and edi-gateway to 2, which the report must mention), then a human must "
                "fix or suspend the CronJob before next Friday (Argo CD does not manage spec.replicas here, so it will not undo the "
                "scale). Restart, rollback or resizing do nothing for a Deployment with zero desired replicas.")},
    }


def reporting_ui() -> dict:
    """A Helm upgrade applied values-prod.yaml with replicaCount 0 (a migration leftover); the HPA does not act on a target at zero."""
    ctx = Ctx("reporting-ui-helm-replicacount-zero", "2026-11-24T10:44:00Z")
    ns = "reporting"
    nodes = pool(ctx, "aks", 3, region="uksouth", itype="Standard_D4as_v5", pool_name="apps", cpu=4, mem_gi=16, cluster="data-prod",
                 subnet="10.226", cidr_base=244, created="-58d")
    acr = "acrdataprod.azurecr.io/reporting"
    spec = podspec([container("reporting-ui", f"{acr}/reporting-ui:2026.11.3", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                              resources={"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
                              readiness={"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10})], sa="reporting-ui")
    helm_ann = {"meta.helm.sh/release-name": "reporting-ui", "meta.helm.sh/release-namespace": ns}
    dep = Deploy(ctx, ns, "reporting-ui", match={"app.kubernetes.io/name": "reporting-ui", "app.kubernetes.io/instance": "reporting-ui"},
                 created="-300d", replicas=2, labels={"app.kubernetes.io/name": "reporting-ui", "app.kubernetes.io/instance": "reporting-ui",
                                                     "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "reporting-ui-1.8.2"},
                 annotations=dict(helm_ann))
    rs = dep.rev(31, spec, created="-6d", cause=None, replicas=0)
    objs: list = [Comment("nodes: AKS data-prod")] + nodes
    objs.append(Comment("reporting-ui: Helm release revision 23 (52 minutes ago) set spec.replicas 0; the template did not change"))
    d = dep.done(replicas=0, available_since="-300d", unavailable_since="-52m", updated_at="-6d")
    d[0]["metadata"]["managedFields"] = [{"manager": "helm", "operation": "Update", "apiVersion": "apps/v1", "time": ctx.t("-52m"),
                                          "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]
    objs += d
    h = hpa(ctx, ns, "reporting-ui", dep.obj, min_r=2, max_r=6, cpu_target=70, current=0, desired=0, cpu_now=None, created="-300d", conditions=[
        {"type": "AbleToScale", "status": "True", "reason": "SucceededGetScale", "message": "the HPA controller was able to get the target's current scale",
         "lastTransitionTime": ctx.t("-300d")},
        {"type": "ScalingActive", "status": "False", "reason": "ScalingDisabled",
         "message": "scaling is disabled since the replica count of the target is zero", "lastTransitionTime": ctx.t("-52m")}])
    ep = endpoints(ctx, ns, "reporting-ui", ready=[], ports=[], created="-300d", labels={"app.kubernetes.io/name": "reporting-ui"})
    objs += [h, service(ctx, ns, "reporting-ui", selector=dict(dep.match), ip="10.0.160.12", created="-300d",
                        ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], labels={"app.kubernetes.io/name": "reporting-ui"}), ep]
    objs.append(Comment("Helm release history (release data elided), values file in the chart's ConfigMap"))
    for v, st, age in ((21, "superseded", "-27d"), (22, "superseded", "-6d"), (23, "deployed", "-52m")):
        objs.append({"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                     "metadata": meta(ctx, f"sh.helm.release.v1.reporting-ui.v{v}", ns=ns, created=age,
                                      labels={"name": "reporting-ui", "owner": "helm", "status": st, "version": str(v)}),
                     "data": {"release": "SDRzSUFBQUFBQUFDLysxYWE0K2JTQlpDRDVRLi4u"}})
    objs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(ctx, "reporting-ui-deploy-values", ns=ns, created="-52m",
                                                                          labels={"app.kubernetes.io/managed-by": "pipeline"},
                                                                          annotations={"pipeline.example.com/run": "deploy-reporting-ui #1432",
                                                                                       "pipeline.example.com/commit": "9e1c0d4 'reporting: enable new export backend'"}),
                 "data": {"values-prod.yaml": "# prod overrides\nreplicaCount: 0   # TEMP: keep UI off during warehouse migration (REP-310)\nexportBackend: v2\ningress:\n  host: reports.data.example.co.uk\n"}})
    objs.append(Comment("neighbour: reporting-api, healthy"))
    a_spec = podspec([container("reporting-api", f"{acr}/reporting-api:2026.11.3", ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                                resources={"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1Gi"}},
                                readiness={"httpGet": {"path": "/health", "port": 8000}})], sa="reporting-api")
    a_objs, a_pods, _ = simple_app(ctx, ns, "reporting-api", a_spec, nodes, replicas=2, created="-300d", rs_created="-6d", rev=44, svc_ip="10.0.160.40",
                                   port={"name": "http", "port": 80, "targetPort": 8000, "protocol": "TCP"})
    objs += a_objs
    objs.append(Comment("events"))
    objs.append(event(ctx, dep.obj, "ScalingReplicaSet", f"Scaled down replica set {rs['metadata']['name']} from 2 to 0", first="-52m",
                      component="deployment-controller"))
    for k in range(2):
        objs.append(event(ctx, rs, "SuccessfulDelete", f"Deleted pod: {rs['metadata']['name']}-{ctx.safe(5)}", first="-52m", component="replicaset-controller"))
    cluster_logs = [logs(ns, a_pods[0], timed(ctx, "-30m", 180, [
        'INFO:     10.226.8.31:0 - "GET /v1/reports/daily HTTP/1.1" 200 OK', 'INFO:     10.226.16.4:0 - "GET /v1/exports/status HTTP/1.1" 200 OK',
        'INFO:     10.226.8.31:0 - "GET /v1/reports/weekly HTTP/1.1" 200 OK', 'INFO:     10.226.24.9:0 - "GET /health HTTP/1.1" 200 OK'] * 2,
        lambda ts, ln: ln), at="-30m", every="3m")]
    n, cut = 61, 8
    mets = [series(ksm("kube_deployment_spec_replicas", ns, deployment="reporting-ui"), [2] * cut + [0] * (n - cut)),
            series(ksm("kube_deployment_status_replicas_available", ns, deployment="reporting-ui"), [2] * cut + [0] * (n - cut)),
            series(ksm("kube_horizontalpodautoscaler_status_condition", ns, horizontalpodautoscaler="reporting-ui", condition="ScalingActive",
                       status="false"), [0] * cut + [1] * (n - cut)),
            series(ksm("kube_horizontalpodautoscaler_spec_min_replicas", ns, horizontalpodautoscaler="reporting-ui"), [2] * n),
            series({"__name__": "nginx_ingress_controller_requests", "job": "ingress-nginx", "namespace": ns, "ingress": "reporting-ui",
                    "service": "reporting-ui", "status": "503", "method": "GET", "controller_class": "k8s.io/ingress-nginx"},
                   cum(ctx, [0.0] * cut + [1.4] * (n - cut), start=12))]
    when = [{"kind": "Deployment", "namespace": ns, "name": "reporting-ui", "path": "spec.replicas", "at_least": 2}]
    rec_dep = dep.fork()
    rec_dep.set_rs(31, replicas=2)
    rpods = [rec_dep.pod(rec_dep.rs(31), nodes[i], created=ctx.dt("+15s") + timedelta(seconds=i), ip=ctx.ip(nodes[i])) for i in range(2)]
    up = rec_dep.done(replicas=2, available_since="+45s", updated_at="-6d")
    h2 = dict(h, status={"currentReplicas": 2, "desiredReplicas": 2, "conditions": [
        {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": ctx.t("+1m")},
        {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
         "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": ctx.t("+1m")}]})
    rec = {"when": when, "apply": {"upsert": up + [h2, refresh_endpoints(ctx, dict(ep, subsets=[{"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]), rpods)]}}
    return {
        "format": 1, "id": "reporting-dashboard-503-after-deploy",
        "title": "The reporting-ui Helm upgrade at 09:52 shipped values-prod.yaml with 'replicaCount: 0' (a leftover from the warehouse migration); the Deployment went to zero pods and the HPA stopped acting ('scaling is disabled since the replica count of the target is zero')",
        "tags": ["scaled-to-zero", "helm", "hpa", "aks", "values"],
        "now": ctx.now_s,
        "trigger": {"command": "reports dashboard gives 503 since this morning's deploy", "channel": "#data-platform", "user": "U0DATAPLT3"},
        "cluster": {"objects": objs, "logs": cluster_logs},
        "metrics": mets,
        "recovery": [rec],
        "truth": {
            "category": "scaled_to_zero",
            "resource": {"kind": "Deployment", "namespace": ns, "name": "reporting-ui"},
            "aliases": [{"kind": "HorizontalPodAutoscaler", "namespace": ns, "name_regex": "^reporting-ui$"},
                        {"kind": "ReplicaSet", "namespace": ns, "name_regex": f"^{rs['metadata']['name']}$"}],
            "evidence": ["replicas|replicacount|from 2 to 0|scaled down", "helm|values-prod|rep-310", "scalingdisabled|scaling is disabled|hpa"],
            "remediation": {
                "accepted": [act("scale_workload", ns, "reporting-ui", params={"replicas": 2})],
                "checks": when,
                "forbidden": [act("rollback_deployment", ns, "reporting-ui"), act("restart_workload", ns, "reporting-ui"),
                              act("restart_workload", ns, "reporting-api")]},
            "notes": Folded(
                "Pipeline run #1432 (commit 'reporting: enable new export backend') ran helm upgrade for reporting-ui at 09:52 with "
                "values-prod.yaml still containing 'replicaCount: 0  # TEMP: keep UI off during warehouse migration (REP-310)'. "
                "Helm set spec.replicas to 0 (managedFields: manager helm at 09:52), the deployment-controller scaled the "
                "ReplicaSet from 2 to 0, and the Service has no endpoints, so the ingress answers 503. The HPA (min 2) does not "
                "rescue it: Kubernetes disables autoscaling for a target at zero replicas (ScalingActive False, "
                "ScalingDisabled). The pod template did not change, so there is no new ReplicaSet and a rollout undo would "
                "re-apply the same template at zero replicas.\n\n"
                "Fix: scale reporting-ui to 2 (the HPA takes over again from there), and a human should remove replicaCount: 0 "
                "from values-prod.yaml or the next helm upgrade will do it again. Restart or rollback do nothing.")},
    }


SCENARIOS = [partner_webhooks, reporting_ui]
