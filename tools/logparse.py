"""One log line, read: its time, its severity, and the message body without the time.

Formats understood: a leading RFC 3339 / ISO time (also with a space, a comma
before the fraction, ` UTC`, or in brackets), klog headers (`E1124
14:00:09.123456`), the common log format (`[24/Nov/2026:14:02:11 +0000]`),
Redis (`24 Nov 2026 14:00:09.123`), logfmt `ts=`/`time=`, and JSON lines
(`ts`, `time`, `@timestamp` as text or epoch seconds/milliseconds; `level`
as a word or a pino number). Severity comes from an explicit level when the
line has one, else from words such as panic, Exception, Traceback, error.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any


class Severity(str, Enum):
    FATAL = "fatal"
    ERROR = "error"
    WARN = "warn"
    INFO = "info"
    DEBUG = "debug"

    @property
    def rank(self) -> int:
        """0 for the most severe; output is ordered by it."""
        return list(Severity).index(self)

    @property
    def must_keep(self) -> bool:
        return self in (Severity.FATAL, Severity.ERROR, Severity.WARN)


_WORDS = {
    "trace": Severity.DEBUG, "debug": Severity.DEBUG, "dbg": Severity.DEBUG, "info": Severity.INFO,
    "information": Severity.INFO, "notice": Severity.INFO, "log": Severity.INFO, "warn": Severity.WARN,
    "warning": Severity.WARN, "error": Severity.ERROR, "err": Severity.ERROR, "severe": Severity.ERROR,
    "fatal": Severity.FATAL, "critical": Severity.FATAL, "crit": Severity.FATAL, "panic": Severity.FATAL,
    "alert": Severity.FATAL, "emerg": Severity.FATAL, "dpanic": Severity.FATAL,
}
_PINO = {10: Severity.DEBUG, 20: Severity.DEBUG, 30: Severity.INFO, 40: Severity.WARN, 50: Severity.ERROR,
         60: Severity.FATAL}
_KLOG_LETTER = {"I": Severity.INFO, "W": Severity.WARN, "E": Severity.ERROR, "F": Severity.FATAL}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

_ISO = (r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d+))?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2}| ?UTC)?")
_LEAD_ISO = re.compile(r"[ \t]*\[?" + _ISO + r"\]?[ \t]*")
_KLOG = re.compile(r"(?P<sev>[IWEF])(?P<mon>\d{2})(?P<day>\d{2}) (?P<time>\d{2}:\d{2}:\d{2})\.(?P<frac>\d+)\s+\d+ ")
_CLF = re.compile(r"\[(?P<day>\d{2})/(?P<mon>[A-Za-z]{3})/(?P<year>\d{4}):(?P<time>\d{2}:\d{2}:\d{2}) "
                  r"(?P<tz>[+-]\d{4})\]")
_REDIS = re.compile(r"(?P<day>\d{1,2}) (?P<mon>[A-Za-z]{3}) (?P<year>\d{4}) (?P<time>\d{2}:\d{2}:\d{2})"
                    r"(?:\.(?P<frac>\d+))?")
_KV_TIME = re.compile(r"(?:^|\s)(?:ts|time|timestamp)=\"?" + _ISO + "\"?")
_LEVEL_KV = re.compile(r"""(?i)(?:\blevel|\blvl|\bseverity|"level"|"severity"|"levelname"|"log\.level")"""
                       r"""\s*[=:]\s*"?(?P<lvl>[a-z]+)""")
_LEVEL_WORD = re.compile(r"(?:^|[\s\[|(<])(?P<lvl>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|"
                         r"SEVERE|PANIC|LOG)(?=[\s\]:|)>,-]|$)")
_LEVEL_BRACKET = re.compile(r"\[(?P<lvl>debug|info|notice|warn|warning|error|crit|alert|emerg)\]")
_HINT_FATAL = re.compile(r"(?i)\bpanic\b|\bfatal\b")
_HINT_ERROR = re.compile(r"(?i)(?:error|exception)\b|traceback|\bfailed\b")
_HINT_WARN = re.compile(r"(?i)\bwarn(?:ing)?\b")
_JSON_TIME_KEYS = ("@timestamp", "timestamp", "ts", "time", "t", "date")
_JSON_LEVEL_KEYS = ("level", "severity", "lvl", "levelname", "log.level", "loglevel")
_JSON_MSG_KEYS = ("msg", "message", "event")


@dataclass
class LineInfo:
    severity: Severity
    explicit: bool  # the severity came from a level field or word, not a guess
    body: str  # the message without its leading time; JSON flattened to `msg key=value ...`


def parse_line(line: str) -> LineInfo:
    """Severity and body of one line (its time is read separately, and only when needed: `line_time`)."""
    if line.startswith("{") and (fields := _json_object(line)) is not None:
        return _parse_json(fields)
    body, sev = _strip_time(line)
    if sev is not None:
        return LineInfo(sev, True, body)
    explicit = _explicit_level(body)
    if explicit is not None:
        return LineInfo(explicit, True, body)
    return LineInfo(guess_severity(body), False, body)


def line_time(line: str, *, year: int) -> datetime | None:
    """When the line was written, if it says; `year` fills formats that carry none (klog)."""
    if line.startswith("{") and (fields := _json_object(line)) is not None:
        return next((t for k in _JSON_TIME_KEYS if k in fields and (t := _json_time(fields[k])) is not None), None)
    if (m := _LEAD_ISO.match(line)) is not None:
        return _iso(m)
    if (k := _KLOG.match(line)) is not None:
        try:
            return datetime.strptime(f"{year}{k['mon']}{k['day']} {k['time']}", "%Y%m%d %H:%M:%S").replace(
                tzinfo=UTC, microsecond=int(k["frac"][:6].ljust(6, "0")))
        except ValueError:
            return None
    return _inner_time(line)


def guess_severity(text: str) -> Severity:
    if _HINT_FATAL.search(text):
        return Severity.FATAL
    if _HINT_ERROR.search(text):
        return Severity.ERROR
    if _HINT_WARN.search(text):
        return Severity.WARN
    return Severity.INFO


def _explicit_level(body: str) -> Severity | None:
    head = body[:60]
    m = _LEVEL_WORD.search(head) or _LEVEL_BRACKET.search(head)
    if m is None:
        low = body.lower()
        if "level" in low or "lvl" in low or "severity" in low:
            m = _LEVEL_KV.search(body)
    return _WORDS.get(m.group("lvl").lower()) if m else None


def _strip_time(line: str) -> tuple[str, Severity | None]:
    """(rest of the line, klog severity) after a leading time; up to two times are stripped,
    since kubelet's `timestamps=true` prefix often precedes the app's own."""
    body = line
    for _ in range(2):
        if (m := _LEAD_ISO.match(body)) is not None:
            body = body[m.end():]
        elif (k := _KLOG.match(body)) is not None:
            return body[k.end():], _KLOG_LETTER[k["sev"]]
        else:
            break
    return body, None


def _inner_time(line: str) -> datetime | None:
    head = line[:120]
    if (m := _CLF.search(head)) is not None:
        offset = int(m["tz"][:3]) * 60 + (1 if m["tz"][0] == "+" else -1) * int(m["tz"][3:])
        base = _dmy(m["day"], m["mon"], m["year"], m["time"], None)
        return base - timedelta(minutes=offset) if base else None
    if (m := _KV_TIME.search(head)) is not None:
        return _iso(m)
    if (m := _REDIS.search(head)) is not None:
        return _dmy(m["day"], m["mon"], m["year"], m["time"], m["frac"])
    return None


def _iso(m: re.Match[str]) -> datetime | None:
    frac = (m["frac"] or "0")[:6].ljust(6, "0")
    try:
        when = datetime.fromisoformat(f"{m['date']}T{m['time']}.{frac}")
    except ValueError:
        return None
    tz = (m["tz"] or "").strip()
    if tz and tz not in ("Z", "UTC"):
        sign = 1 if tz[0] == "+" else -1
        hours, minutes = int(tz[1:3]), int(tz[-2:])
        return when.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))).astimezone(UTC)
    return when.replace(tzinfo=UTC)


def _dmy(day: str, mon: str, year: str, hms: str, frac: str | None) -> datetime | None:
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    h, mi, s = (int(x) for x in hms.split(":"))
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        return datetime(int(year), month, int(day), h, mi, s, micro, tzinfo=UTC)
    except ValueError:
        return None


# --- JSON lines ---

def _json_object(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _parse_json(fields: dict[str, Any]) -> LineInfo:
    sev = next((s for k in _JSON_LEVEL_KEYS if k in fields and (s := _json_level(fields[k])) is not None), None)
    msg = next((str(fields[k]) for k in _JSON_MSG_KEYS if k in fields), "")
    skip = {*_JSON_TIME_KEYS, *_JSON_LEVEL_KEYS, *_JSON_MSG_KEYS}
    rest = " ".join(f"{k}={_short(v)}" for k, v in fields.items() if k not in skip)
    body = f"{msg} {rest}".strip()
    if sev is None:
        return LineInfo(guess_severity(body), False, body)
    return LineInfo(sev, True, body)


def _json_time(value: Any) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 1e9:
        seconds = value / 1000 if value > 1e12 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str) and (m := _LEAD_ISO.match(value)) is not None:
        return _iso(m)
    return None


def _json_level(value: Any) -> Severity | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return _PINO.get(value)
    return _WORDS.get(str(value).lower()) if isinstance(value, str) else None


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    text = text.replace("\n", "\\n")
    return text if len(text) <= 160 else text[:157] + "..."
