"""Builders for what a cluster says about itself: events, log blocks, Prometheus series, alerts (helper scenA)."""
from __future__ import annotations

import urllib.parse
from typing import Any, Callable

from scena_k8s import Ctx, clean, meta, ref


def event(ctx: Ctx, obj: dict, reason: str, message: str, *, first: Any, last: Any | None = None, count: int = 1,
          type_: str = "Normal", component: str = "kubelet", host: str | None = None,
          field_path: str | None = None) -> dict:
    """A core/v1 Event about obj; Node events live in `default`, as the kubelet writes them."""
    is_node = obj["kind"] == "Node"
    ns = "default" if is_node else obj["metadata"]["namespace"]
    name = obj["metadata"]["name"]
    if is_node:
        inv = {"kind": "Node", "name": name, "uid": name}
    else:
        inv = ref(obj, field_path)
    if component == "kubelet" and host is None and not is_node:
        host = obj.get("spec", {}).get("nodeName")
    if is_node and component in ("kubelet", "kernel-monitor") and host is None:
        host = name
    last = last if last is not None else first
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": meta(ctx, ctx.ev_name(name, first), ns=ns, created=first),
            "involvedObject": inv, "reason": reason, "message": message, "type": type_, "count": count,
            "firstTimestamp": ctx.t(first), "lastTimestamp": ctx.t(last),
            "source": clean({"component": component, "host": host})}


def rollout_events(ctx: Ctx, dep: dict, new_rs: dict, old_rs: dict | None, *, at: Any, steps: list[tuple]) -> list[dict]:
    """ScalingReplicaSet events; steps are (offset_seconds, 'up'|'down', rs, from, to)."""
    out = []
    base = ctx.dt(at)
    from datetime import timedelta
    for off, direction, rs, a, b in steps:
        when = base + timedelta(seconds=off)
        verb = "Scaled up" if direction == "up" else "Scaled down"
        out.append(event(ctx, dep, "ScalingReplicaSet", f"{verb} replica set {rs['metadata']['name']} from {a} to {b}",
                         first=when, component="deployment-controller"))
    return out


def pod_start_events(ctx: Ctx, p: dict, *, at: Any, pull_s: float | None = 2.4, size: int = 98_304_512,
                     container: str | None = None) -> list[dict]:
    from datetime import timedelta
    c = container or p["spec"]["containers"][0]["name"]
    img = next(x["image"] for x in p["spec"]["containers"] if x["name"] == c)
    fp = f"spec.containers{{{c}}}"
    base = ctx.dt(at)
    node = p["spec"]["nodeName"]
    ns, name = p["metadata"]["namespace"], p["metadata"]["name"]
    ev = [event(ctx, p, "Scheduled", f"Successfully assigned {ns}/{name} to {node}", first=base,
                component="default-scheduler", host=None)]
    ev[0]["source"] = {"component": "default-scheduler"}
    if pull_s is None:
        ev.append(event(ctx, p, "Pulled", f'Container image "{img}" already present on machine',
                        first=base + timedelta(seconds=1), field_path=fp))
    else:
        ev.append(event(ctx, p, "Pulling", f'Pulling image "{img}"', first=base + timedelta(seconds=1), field_path=fp))
        ev.append(event(ctx, p, "Pulled", f'Successfully pulled image "{img}" in {pull_s:.3f}s ({pull_s:.3f}s including '
                        f'waiting). Image size: {size} bytes.', first=base + timedelta(seconds=1 + pull_s), field_path=fp))
    t2 = base + timedelta(seconds=2 + (pull_s or 0))
    ev.append(event(ctx, p, "Created", f"Created container {c}", first=t2, field_path=fp))
    ev.append(event(ctx, p, "Started", f"Started container {c}", first=t2, field_path=fp))
    return ev


def logs(ns: str, pod: dict | str, lines: list[str], *, container: str | None = None, previous: bool = False,
         repeat: int | None = None, at: str | None = None, every: str | None = None) -> dict:
    name = pod if isinstance(pod, str) else pod["metadata"]["name"]
    return clean({"namespace": ns, "pod": name, "container": container, "previous": previous or None,
                  "repeat": repeat, "at": at, "every": every, "lines": lines})


# ---------------------------------------------------------------- metrics

def series(labels: dict, values: list, *, start: str = "-60m", step: str = "1m") -> dict:
    return {"labels": labels, "start": start, "step": step, "values": values}


def noisy(ctx: Ctx, levels: list[float], frac: float = 0.03, nd: int | None = 0) -> list:
    out = []
    for v in levels:
        if v is None:
            out.append(None)
            continue
        x = v * (1 + ctx.rng.uniform(-frac, frac))
        out.append(round(x) if nd == 0 else (round(x, nd) if nd is not None else x))
    return out


def cum(ctx: Ctx, rates: list[float | None], *, start: float = 0, step_s: int = 60, frac: float = 0.06,
        nd: int = 0, resets: dict | None = None) -> list:
    """A cumulative counter from per-second rates per step (None for a gap); resets maps index -> restart value."""
    out: list = []
    v = start
    for i, r in enumerate(rates):
        if resets and i in resets:
            v = resets[i]
        if r is None:
            out.append(None)
            continue
        if i > 0 and not (resets and i in resets):
            v += max(0.0, r * step_s * (1 + ctx.rng.uniform(-frac, frac)))
        out.append(round(v) if nd == 0 else round(v, nd))
    return out


def seg(*parts: tuple) -> list:
    """Concatenate (count, value) or (count, a, b) linear segments."""
    out: list = []
    for p in parts:
        if len(p) == 2:
            out += [p[1]] * p[0]
        else:
            n, a, b = p
            out += [a + (b - a) * i / max(1, n - 1) for i in range(n)]
    return out


def ksm(name: str, ns: str, **labels: Any) -> dict:
    return {"__name__": name, "job": "kube-state-metrics", "namespace": ns, **{k: str(v) for k, v in labels.items()}}


def cadv(name: str, ns: str, pod: dict, container: str | None = None, **labels: Any) -> dict:
    c = container or pod["spec"]["containers"][0]["name"]
    return {"__name__": name, "job": "kubelet", "metrics_path": "/metrics/cadvisor", "namespace": ns,
            "pod": pod["metadata"]["name"], "container": c, "node": pod["spec"].get("nodeName", ""),
            **{k: str(v) for k, v in labels.items()}}


def app(name: str, ns: str, pod: dict | None, job: str, **labels: Any) -> dict:
    d = {"__name__": name, "job": job, "namespace": ns}
    if pod is not None:
        d["pod"] = pod["metadata"]["name"]
        d["instance"] = f"{pod['status'].get('podIP', '')}:{labels.pop('port', 8080)}"
    d.update({k: str(v) for k, v in labels.items()})
    return d


def alert(ctx: Ctx, name: str, labels: dict, *, summary: str, description: str, starts: Any, expr: str,
          runbook: str | None = None) -> dict:
    lab = {"alertname": name, **labels}
    lab.setdefault("prometheus", "monitoring/k8s")
    ann = {"summary": summary, "description": description}
    if runbook:
        ann["runbook_url"] = runbook
    return {"status": "firing", "labels": lab, "annotations": ann, "startsAt": ctx.t(starts),
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus-k8s.monitoring:9090/graph?g0.expr=" + urllib.parse.quote_plus(expr) + "&g0.tab=1",
            "fingerprint": ctx.hexs(16)}


def timed(ctx: Ctx, at: Any, every_s: float, lines: list[str],
          fmt: Callable[[str, str], str] | None = None) -> list[str]:
    """Prefix lines with RFC 3339 times (ms), every_s apart from at; fmt(ts, line) for other layouts."""
    from datetime import timedelta
    base = ctx.dt(at)
    out = []
    for i, ln in enumerate(lines):
        t = base + timedelta(seconds=i * every_s + ctx.rng.uniform(0, min(0.9, every_s / 3)))
        ts = t.strftime("%Y-%m-%dT%H:%M:%S") + f".{t.microsecond // 1000:03d}Z"
        out.append(fmt(ts, ln) if fmt else f"{ts} {ln}")
    return out


def crash_restarts(n: int, start_idx: int, *, run_s: float = 2, step_s: int = 60, cap: int | None = None) -> list:
    """kube_pod_container_status_restarts_total for a container crash-looping from step start_idx (kubelet back-off)."""
    times, t, delay = [], 0.0, 10.0
    while t < (n - start_idx) * step_s:
        t += run_s
        times.append(t)
        t += delay
        delay = min(delay * 2, 300.0)
    out: list = [None] * start_idx
    for k in range(n - start_idx):
        c = sum(1 for x in times if x <= k * step_s)
        out.append(min(c, cap) if cap is not None else c)
    return out
