"""PromQL value types (scalar, string, instant vector, range vector), label helpers and query errors."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Union

from sandbox.series import METRIC_NAME, Labels

UNSUPPORTED_PREFIX = "unsupported in the debugbot sandbox: "


class PromQLError(Exception):
    """A query Prometheus would refuse: `bad_data` (HTTP 400) or `execution` (HTTP 422)."""

    error_type = "bad_data"
    status = 400


class ExecutionError(PromQLError):
    error_type = "execution"
    status = 422


class Unsupported(PromQLError):
    """Valid PromQL the sandbox does not evaluate: refused rather than answered wrongly."""

    def __init__(self, what: str) -> None:
        super().__init__(UNSUPPORTED_PREFIX + what)


@dataclass(frozen=True)
class Scalar:
    value: float


@dataclass(frozen=True)
class String:
    value: str


@dataclass
class Sample:
    labels: Labels
    value: float
    ts: int = 0  # the sample's own time, kept only where a function needs it


@dataclass
class RangeSeries:
    labels: Labels
    ts: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)


Vector = list[Sample]
Matrix = list[RangeSeries]
Value = Union[Scalar, String, Vector, Matrix]


def is_vector(value: Value) -> bool:
    return isinstance(value, list) and all(isinstance(x, Sample) for x in value)


def get_label(labels: Labels, name: str) -> str:
    for key, value in labels:
        if key == name:
            return value
    return ""


def drop_name(labels: Labels) -> Labels:
    return tuple(pair for pair in labels if pair[0] != METRIC_NAME)


def keep_labels(labels: Labels, names: Iterable[str]) -> Labels:
    wanted = set(names)
    return tuple(pair for pair in labels if pair[0] in wanted)


def without_labels(labels: Labels, names: Iterable[str]) -> Labels:
    unwanted = set(names)
    return tuple(pair for pair in labels if pair[0] not in unwanted)


def set_label(labels: Labels, name: str, value: str) -> Labels:
    """Set (or, with an empty value, delete) one label, keeping the tuple sorted."""
    rest = [pair for pair in labels if pair[0] != name]
    if value != "":
        rest.append((name, value))
    return tuple(sorted(rest))


def labels_text(labels: Labels) -> str:
    """Labels as Prometheus prints them in error messages: {a="b", c="d"}."""
    inner = ", ".join(f'{k}="{v}"' for k, v in labels)
    return "{" + inner + "}"


def check_unique(vector: Vector) -> Vector:
    """Prometheus refuses a vector that holds one label set twice (e.g. after dropping names)."""
    seen: set[Labels] = set()
    for sample in vector:
        if sample.labels in seen:
            raise ExecutionError("vector cannot contain metrics with the same labelset")
        seen.add(sample.labels)
    return vector
