"""Scenario metrics as Prometheus stores them: durations, sample times, label matchers, a per-world cache."""
from __future__ import annotations

import bisect
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol, TypeVar

Labels = tuple[tuple[str, str], ...]  # sorted by name, as Prometheus keeps them
METRIC_NAME = "__name__"
LOOKBACK_MS = 5 * 60 * 1000  # Prometheus's default lookback delta for instant selectors

_DURATION = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


class WorldLike(Protocol):
    """What the sandbox's World offers this module (the real one and test stand-ins)."""

    now: datetime
    metrics: list[dict[str, Any]]
    traces: list[dict[str, Any]]
    version: int
    lock: Any


def parse_duration_ms(text: str) -> int:
    """A scenario duration with one unit ("-60m", "15s", "2h") in milliseconds."""
    match = _DURATION.match(str(text).strip())
    if match is None:
        raise ValueError(f"bad duration {text!r}: expected one unit such as -60m, 15s, 2h")
    sign = -1 if match.group(1) == "-" else 1
    return sign * round(float(match.group(2)) * _UNIT_MS[match.group(3)])


def to_ms(moment: datetime) -> int:
    """Unix milliseconds of an aware datetime (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 time ("2026-11-24T16:45:00Z", fractions and offsets allowed)."""
    value = text.strip().replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    frac = re.match(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", value)
    if frac:  # Python before 3.11 is picky about fraction widths; normalise to microseconds
        value = f"{frac.group(1)}.{frac.group(2)[:6].ljust(6, '0')}{frac.group(3)}"
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def resolve_ms(value: Any, now_ms: int) -> int:
    """A scenario time: relative to now ("-30m") or absolute (RFC 3339 string or datetime)."""
    if isinstance(value, datetime):
        return to_ms(value)
    text = str(value).strip()
    if _DURATION.match(text):
        return now_ms + parse_duration_ms(text)
    return to_ms(parse_rfc3339(text))


def label_text(value: Any) -> str:
    """A label value as Prometheus would hold it: YAML's booleans and numbers become their text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def normalise_labels(raw: Mapping[str, Any]) -> Labels:
    return tuple(sorted((str(k), label_text(v)) for k, v in raw.items() if label_text(v) != ""))


def sample_value(value: Any) -> float | None:
    """A sample from YAML: numbers, numeric strings ("410e6", "NaN", "+Inf"); None is a gap."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return float(value)


@dataclass(frozen=True)
class Series:
    """One series: sorted labels and its samples (ms timestamps ascending)."""

    labels: Labels
    ts: tuple[int, ...]
    vals: tuple[float, ...]

    def get(self, name: str) -> str:
        for key, value in self.labels:
            if key == name:
                return value
        return ""

    def window(self, lo: int, hi: int) -> tuple[Sequence[int], Sequence[float]]:
        """Samples with lo <= t <= hi (both ends included, as Prometheus 2.x selects)."""
        start = bisect.bisect_left(self.ts, lo)
        end = bisect.bisect_right(self.ts, hi)
        return self.ts[start:end], self.vals[start:end]

    def latest(self, at: int, lookback: int = LOOKBACK_MS) -> tuple[int, float] | None:
        """The newest sample at or before `at`, unless older than the lookback delta."""
        idx = bisect.bisect_right(self.ts, at) - 1
        if idx < 0 or self.ts[idx] < at - lookback:
            return None
        return self.ts[idx], self.vals[idx]


_LEADING_FLAGS = re.compile(r"^\(\?([imsU]+)\)")


def compile_re2(pattern: str) -> re.Pattern[str]:
    """An RE2 pattern (as Prometheus anchors it) in Python's `re`, or ValueError where they would differ."""
    flags = ""
    lead = _LEADING_FLAGS.match(pattern)
    if lead:  # RE2 allows (?i) inside the anchoring group; Python wants global flags first
        flags, pattern = lead.group(1), pattern[lead.end():]
    if "U" in flags or "[:" in pattern or re.search(r"\\[pPzCQE]", pattern) or "(?" in pattern.replace("(?:", ""):
        raise ValueError(f"regex {pattern!r} uses RE2 syntax the sandbox does not translate")
    try:
        return re.compile((f"(?{flags})" if flags else "") + f"(?:{pattern})")
    except re.error as exc:
        raise ValueError(f"regex {pattern!r}: {exc}") from exc


class MatchOp(str, Enum):
    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"


@dataclass(frozen=True)
class LabelMatcher:
    """A label matcher; regexes are fully anchored, and a missing label matches as the empty string."""

    name: str
    op: MatchOp
    value: str
    pattern: re.Pattern[str] | None = field(default=None, compare=False, hash=False)

    @classmethod
    def make(cls, name: str, op: MatchOp, value: str) -> LabelMatcher:
        """Raises ValueError for RE2 syntax that Python's `re` would read differently."""
        regex = op in (MatchOp.REGEX, MatchOp.NOT_REGEX)
        return cls(name, op, value, compile_re2(value) if regex else None)

    def matches(self, actual: str) -> bool:
        if self.op is MatchOp.EQUAL:
            return actual == self.value
        if self.op is MatchOp.NOT_EQUAL:
            return actual != self.value
        assert self.pattern is not None
        found = self.pattern.fullmatch(actual) is not None
        return found if self.op is MatchOp.REGEX else not found


@dataclass
class SeriesStore:
    """All series of one world version, with selection by matchers."""

    series: tuple[Series, ...]

    def select(self, matchers: Iterable[LabelMatcher]) -> list[Series]:
        wanted = list(matchers)
        return [s for s in self.series if all(m.matches(s.get(m.name)) for m in wanted)]


def build_store(raw_series: Iterable[Mapping[str, Any]], now: datetime) -> SeriesStore:
    """Expand raw scenario series into samples; identical label sets merge (later samples win)."""
    now_ms = to_ms(now)
    merged: dict[Labels, dict[int, float]] = {}
    for raw in raw_series:
        labels = normalise_labels(raw.get("labels") or {})
        start = resolve_ms(raw.get("start", "0s"), now_ms)
        step = parse_duration_ms(str(raw.get("step", "1m")))
        samples = merged.setdefault(labels, {})
        for i, value in enumerate(raw.get("values") or []):
            number = sample_value(value)
            if number is not None:
                samples[start + i * step] = number
    out = []
    for labels, samples in sorted(merged.items()):
        times = tuple(sorted(samples))
        out.append(Series(labels, times, tuple(samples[t] for t in times)))
    return SeriesStore(tuple(out))


_CACHE: OrderedDict[tuple[int, str], tuple[object, int, Any]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32
T = TypeVar("T")


def per_version(world: WorldLike, name: str, build: Callable[[WorldLike], T]) -> T:
    """`build(world)` once per world version: expansions are cached until the world changes."""
    with world.lock:
        version = world.version
    key = (id(world), name)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is world and hit[1] == version:
            _CACHE.move_to_end(key)
            return hit[2]  # type: ignore[no-any-return]
    with world.lock:
        version, value = world.version, build(world)
    with _CACHE_LOCK:
        _CACHE[key] = (world, version, value)  # holds `world`, so its id cannot be reused meanwhile
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def store_for(world: WorldLike) -> SeriesStore:
    """The world's series, expanded once per world version."""
    return per_version(world, "series", lambda w: build_store(list(w.metrics), w.now))


def format_value(value: float) -> str:
    """A sample value as Prometheus prints it (Go's FormatFloat(v, 'f', -1, 64))."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return format(Decimal(repr(value)).normalize(), "f")


def format_ts(ms: int) -> float | int:
    """A timestamp as Prometheus's JSON number: seconds, with milliseconds when there are any."""
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def since_epoch(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)
