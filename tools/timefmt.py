"""Times as the reasoner reads them: parsed from the API, shown relative to the tool clock and absolute."""
from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 time from the API (or a datetime), in UTC; None when absent or unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def duration(seconds: float) -> str:
    """A short human duration: 45s, 12m, 3h10m, 2d4h."""
    s = int(abs(seconds))
    if s < 120:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}h{m:02d}m" if m else f"{h}h"
    d, h = divmod(s // 3600, 24)
    return f"{d}d{h}h" if h else f"{d}d"


def ago(when: datetime | None, now: datetime) -> str:
    """'12m ago' (or 'in 3m' for a time after now); '?' when unknown."""
    if when is None:
        return "?"
    delta = (now - when).total_seconds()
    return f"{duration(delta)} ago" if delta >= 0 else f"in {duration(delta)}"


def stamp(when: datetime | None) -> str:
    """Absolute UTC time, compact: 2026-11-24T14:02:10Z."""
    if when is None:
        return "?"
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def when(value: object, now: datetime) -> str:
    """Both forms at once: '12m ago (2026-11-24T14:20:00Z)'."""
    t = parse_time(value)
    return "?" if t is None else f"{ago(t, now)} ({stamp(t)})"
