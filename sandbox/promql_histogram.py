"""Quantiles: histogram_quantile over classic `le` buckets and the φ-quantile of a list, as Prometheus 2.42."""
from __future__ import annotations

import bisect
import math
import re

from sandbox.promql_values import Sample, Vector, drop_name, get_label, without_labels
from sandbox.series import Labels

BUCKET_LABEL = "le"
_GO_FLOAT = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$", re.IGNORECASE)


def parse_le(text: str) -> float | None:
    """An `le` value as Go's strconv.ParseFloat reads it (None when it is not a number)."""
    if not _GO_FLOAT.match(text):
        return None
    return float(text)


def quantile(q: float, values: list[float]) -> float:
    """Prometheus's quantile(): linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    if math.isnan(q):
        return math.nan
    ordered = sorted(values, key=_nan_first)
    n = float(len(ordered))
    rank = q * (n - 1)
    lower = max(0.0, math.floor(rank))
    upper = min(n - 1, lower + 1)
    weight = rank - math.floor(rank)
    return ordered[int(lower)] * (1 - weight) + ordered[int(upper)] * weight


def _nan_first(value: float) -> tuple[int, float]:
    return (0, 0.0) if math.isnan(value) else (1, value)


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """bucketQuantile: coalesce equal bounds, force monotonic counts, interpolate in the bucket."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    merged: dict[float, float] = {}
    for bound, count in sorted(buckets, key=lambda b: b[0]):
        merged[bound] = merged.get(bound, 0.0) + count
    bounds = sorted(merged)
    if not bounds or not math.isinf(bounds[-1]) or bounds[-1] < 0:
        return math.nan
    counts, highest = [], -math.inf
    for bound in bounds:
        count = merged[bound]
        if count > highest:
            highest = count
        elif count < highest:
            count = highest
        counts.append(count)
    if len(bounds) < 2 or counts[-1] == 0:
        return math.nan
    rank = q * counts[-1]
    b = bisect.bisect_left(counts[:-1], rank)
    if b == len(bounds) - 1:
        return bounds[-2]
    if b == 0 and bounds[0] <= 0:
        return bounds[0]
    start, end, count = 0.0, bounds[b], counts[b]
    if b > 0:
        start = bounds[b - 1]
        count -= counts[b - 1]
        rank -= counts[b - 1]
    return start + (end - start) * (rank / count)


def histogram_quantile(q: float, vector: Vector) -> Vector:
    """Group bucket samples by their labels minus `le` (the name still tells groups apart)."""
    groups: dict[Labels, tuple[Labels, list[tuple[float, float]]]] = {}
    for sample in vector:
        bound = parse_le(get_label(sample.labels, BUCKET_LABEL))
        if bound is None:
            continue
        key = without_labels(sample.labels, [BUCKET_LABEL])
        entry = groups.setdefault(key, (drop_name(key), []))
        entry[1].append((bound, sample.value))
    return [Sample(labels, bucket_quantile(q, buckets)) for labels, buckets in groups.values()]
