"""Key layout and byte codecs of the Redis checkpointer: one key prefix per thread (incident).

Layout, for thread T and namespace N (both percent-encoded so that ':' only
ever separates key parts, and no two (T, N) pairs can share a key):

    {prefix}:threads                 set   every thread id with data (for list(None))
    {prefix}:T:keys                  set   every key written for T (delete in O(T's size))
    {prefix}:T:ns                    set   namespaces of T that hold checkpoints
    {prefix}:T:idx:N                 zset  checkpoint ids, all score 0, ordered by id (lex)
    {prefix}:T:cp:N:ID               hash  checkpoint (without values), metadata, parent id
    {prefix}:T:blobs:N               hash  "channel\\0version" -> serialised channel value
    {prefix}:T:wr:N:ID               hash  "task_id\\0idx" -> pending write of checkpoint ID

Checkpoint ids are uuid6 strings, which sort by time as text, so a lex range
on the index gives "latest", "before" and newest-first listing directly.
Serialised values are stored as ``type \\0 bytes`` (the serde's typed form).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

_SEP = b"\x00"


def encode_part(part: str) -> str:
    """Percent-encode a key part; ':' and '%' never survive, '|' and '-' stay readable."""
    return quote(part, safe="-_.~|")


@dataclass(frozen=True)
class ThreadKeys:
    """The Redis keys of one thread."""

    prefix: str
    thread_id: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:{encode_part(self.thread_id)}"

    @property
    def registry(self) -> str:
        return f"{self.base}:keys"

    @property
    def namespaces(self) -> str:
        return f"{self.base}:ns"

    def index(self, ns: str) -> str:
        return f"{self.base}:idx:{encode_part(ns)}"

    def checkpoint(self, ns: str, checkpoint_id: str) -> str:
        return f"{self.base}:cp:{encode_part(ns)}:{encode_part(checkpoint_id)}"

    def blobs(self, ns: str) -> str:
        return f"{self.base}:blobs:{encode_part(ns)}"

    def writes(self, ns: str, checkpoint_id: str) -> str:
        return f"{self.base}:wr:{encode_part(ns)}:{encode_part(checkpoint_id)}"


def threads_key(prefix: str) -> str:
    return f"{prefix}:threads"


def pack(typed: tuple[str, bytes]) -> bytes:
    """A serde's (type, bytes) pair as one Redis value."""
    return typed[0].encode() + _SEP + typed[1]


def as_bytes(raw: bytes | str) -> bytes:
    """redis-py types replies as bytes | str; our client never decodes, so this is bytes."""
    return raw if isinstance(raw, bytes) else raw.encode()


def as_text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def unpack(raw: bytes | str) -> tuple[str, bytes]:
    kind, _, data = as_bytes(raw).partition(_SEP)
    return kind.decode(), data


def blob_field(channel: str, version: str | int | float) -> bytes:
    return channel.encode() + _SEP + str(version).encode()


def write_field(task_id: str, idx: int) -> bytes:
    return task_id.encode() + _SEP + str(idx).encode()


def parse_write_field(field: bytes | str) -> tuple[str, int]:
    task_id, _, idx = as_bytes(field).rpartition(_SEP)
    return task_id.decode(), int(idx)


def pack_write(*, task_path: str, channel: str, typed: tuple[str, bytes]) -> bytes:
    """A pending write: a JSON header (never holds a raw NUL) then the value's bytes."""
    header = json.dumps([task_path, channel, typed[0]]).encode()
    return header + _SEP + typed[1]


def unpack_write(raw: bytes | str) -> tuple[str, str, tuple[str, bytes]]:
    """-> (task_path, channel, typed value)."""
    header, _, data = as_bytes(raw).partition(_SEP)
    task_path, channel, kind = json.loads(header)
    return str(task_path), str(channel), (str(kind), data)
