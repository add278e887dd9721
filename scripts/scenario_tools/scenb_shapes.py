"""Metric shapes (noisy counters, gauges, histograms) and small pod-template helpers for scenb scenarios."""
from __future__ import annotations

import copy
import math
from typing import Any, Callable, Iterable

# ---------------------------------------------------------------- metric shapes

def counter(sc: Any, key: object, rates: list[float], *, start_value: float, noise: float = 0.06,
            resets: Iterable[int] = (), integer: bool = True) -> list[float]:
    """A cumulative counter: rates[i] is the increase during step i (before noise)."""
    nz = sc.noise(("c", key), len(rates))
    out, v = [], start_value
    reset_at = set(resets)
    for i, r in enumerate(rates):
        if i in reset_at:
            v = 0.0
        inc = max(0.0, r * (1 + noise * nz[i]))
        v += inc
        out.append(round(v) if integer else round(v, 3))
    return out


def gauge(sc: Any, key: object, levels: list[float], *, noise: float = 0.03, integer: bool = True,
          floor: float | None = 0.0) -> list[float]:
    nz = sc.noise(("g", key), len(levels))
    out = []
    for lv, z in zip(levels, nz):
        if lv is None:
            out.append(None)
            continue
        x = lv * (1 + noise * z)
        if floor is not None:
            x = max(floor, x)
        out.append(round(x) if integer else round(x, 4))
    return out


def piecewise(n: int, points: list[tuple[int, float]]) -> list[float]:
    """Linear interpolation through (index, value) points; flat beyond the ends."""
    pts = sorted(points)
    out = []
    for i in range(n):
        if i <= pts[0][0]:
            out.append(pts[0][1])
            continue
        if i >= pts[-1][0]:
            out.append(pts[-1][1])
            continue
        for (a, va), (b, vb) in zip(pts, pts[1:]):
            if a <= i <= b:
                out.append(va + (vb - va) * (i - a) / (b - a) if b > a else vb)
                break
    return out


def steps(n: int, changes: list[tuple[int, float]]) -> list[float]:
    """A step function: value changes at the given indexes."""
    out, cur = [], changes[0][1]
    ch = dict(changes)
    for i in range(n):
        cur = ch.get(i, cur)
        out.append(cur)
    return out


def histogram(sc: Any, name: str, labels: dict, *, n: int, start: str, step: str, rps: list[float],
              median_s: list[float], sigma: float = 0.55, buckets: tuple = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
              start_count: int = 0, add: bool = True, step_s: int = 60, tail: list[float] | None = None) -> list[dict]:
    """Prometheus histogram series (_bucket per le, _sum, _count) from per-step rate and lognormal latency.

    tail: optional per-step share of requests that land in a slow mode at ~10x the median.
    """
    nz = sc.noise(("h", name, labels), n)
    counts = [max(0.0, rps[i] * step_s * (1 + 0.05 * nz[i])) for i in range(n)]
    cum_b = {le: float(start_count) * _lognorm_cdf(le, median_s[0], sigma) for le in buckets}
    cum_inf = float(start_count)
    cum_sum = start_count * median_s[0] * math.exp(sigma * sigma / 2)
    rows: dict[str, list] = {str(le): [] for le in buckets}
    rows["+Inf"], sums, cnts = [], [], []
    for i in range(n):
        c, med = counts[i], median_s[i]
        t = tail[i] if tail else 0.0
        for le in buckets:
            frac = (1 - t) * _lognorm_cdf(le, med, sigma) + t * _lognorm_cdf(le, med * 10, sigma)
            cum_b[le] += c * frac
            rows[str(le)].append(round(cum_b[le]))
        cum_inf += c
        rows["+Inf"].append(round(cum_inf))
        cum_sum += c * med * math.exp(sigma * sigma / 2) * (1 - t + 10 * t)
        sums.append(round(cum_sum, 2))
        cnts.append(round(cum_inf))
    out = []
    for le_s, vals in rows.items():
        le_lab = le_s if le_s == "+Inf" else _fmt_le(float(le_s))
        out.append(sc.series({"__name__": f"{name}_bucket", **labels, "le": le_lab}, vals, start=start, step=step, add=add))
    out.append(sc.series({"__name__": f"{name}_sum", **labels}, sums, start=start, step=step, add=add))
    out.append(sc.series({"__name__": f"{name}_count", **labels}, cnts, start=start, step=step, add=add))
    return out


def _fmt_le(x: float) -> str:
    return str(int(x)) if x == int(x) and x >= 1 else repr(x)


def _lognorm_cdf(x: float, median: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf((math.log(x) - math.log(median)) / (sigma * math.sqrt(2))))


# ---------------------------------------------------------------- small helpers for scenario scripts

def container(name: str, image: str, **kw: Any) -> dict:
    c: dict[str, Any] = {"name": name, "image": image}
    c.update(kw)
    return c


def template(labels: dict, containers: list[dict], *, annotations: dict | None = None, **spec: Any) -> dict:
    meta: dict[str, Any] = {"labels": labels}
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"containers": containers, **spec}}


def http_probe(path: str, port: Any, *, period: int = 10, timeout: int = 1, failure: int = 3,
               initial: int | None = None, success: int = 1) -> dict:
    p: dict[str, Any] = {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}}
    if initial is not None:
        p["initialDelaySeconds"] = initial
    p.update({"periodSeconds": period, "timeoutSeconds": timeout, "successThreshold": success, "failureThreshold": failure})
    return p


def res(req_cpu: str | None = None, req_mem: str | None = None, lim_cpu: str | None = None,
        lim_mem: str | None = None) -> dict:
    r: dict[str, dict] = {}
    if req_cpu or req_mem:
        r["requests"] = {k: v for k, v in (("cpu", req_cpu), ("memory", req_mem)) if v}
    if lim_cpu or lim_mem:
        r["limits"] = {k: v for k, v in (("cpu", lim_cpu), ("memory", lim_mem)) if v}
    return r


def mutate(tmpl: dict, fn: Callable[[dict], None]) -> dict:
    t = copy.deepcopy(tmpl)
    fn(t)
    return t
