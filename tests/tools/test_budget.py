"""Token budgets: real token counts, cuts at line boundaries, never over the limit, a note that says what was cut."""
from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterator

import pytest

import tools.budget as budget
from tools.budget import cap_text, count_tokens, exact_counting


def _log(n: int, *, seed: int = 1) -> str:
    r = random.Random(seed)
    return "\n".join(f"2026-11-24T14:{i // 60 % 60:02d}:{i % 60:02d}Z {r.choice(['INFO', 'WARN'])} request "
                     f"{r.getrandbits(64):x} took {r.randint(1, 5000)}ms path=/v1/orders/{r.randint(1, 10**6)}"
                     for i in range(n))


def test_tokens_are_counted_by_the_offline_tokenizer() -> None:
    assert exact_counting()
    assert count_tokens("hello world") == 2
    assert count_tokens("") == 0
    assert count_tokens("<|endoftext|>") > 1  # special-token look-alikes are plain text, not an error


def test_text_within_budget_is_returned_untouched() -> None:
    text = _log(10)
    assert cap_text(text, 10_000) == (text, False)


@pytest.mark.parametrize("keep", ["head", "tail", "headtail"])
@pytest.mark.parametrize("max_tokens", [12, 40, 90, 300, 1200])
def test_capped_text_never_exceeds_the_budget(keep: budget.Keep, max_tokens: int) -> None:
    out, cut = cap_text(_log(800), max_tokens, keep=keep)
    assert cut
    assert count_tokens(out) <= max_tokens


def test_head_keeps_the_first_whole_lines_and_says_what_was_cut() -> None:
    lines = _log(1204).split("\n")
    out, cut = cap_text("\n".join(lines), 400, keep="head", hint="narrow with tail_lines/since/grep")
    shown = out.split("\n")
    note = shown.pop()
    assert cut and shown == lines[: len(shown)] and len(shown) > 5
    m = re.fullmatch(r"\[cut: ([\d,]+) of 1,204 lines not shown \(~([\d,]+) tokens\); "
                     r"narrow with tail_lines/since/grep\]", note)
    assert m is not None, note
    assert int(m.group(1).replace(",", "")) == 1204 - len(shown)
    hidden = count_tokens("\n".join(lines[len(shown):]))
    assert abs(int(m.group(2).replace(",", "")) - hidden) <= hidden * 0.05


def test_tail_keeps_the_last_lines_after_the_note() -> None:
    lines = _log(500).split("\n")
    out, _ = cap_text("\n".join(lines), 300, keep="tail")
    shown = out.split("\n")
    assert shown[0].startswith("[cut: ")
    assert shown[1:] == lines[-(len(shown) - 1):]


def test_headtail_keeps_both_ends_with_the_note_between() -> None:
    lines = _log(500).split("\n")
    out, _ = cap_text("\n".join(lines), 300, keep="headtail")
    shown = out.split("\n")
    at = next(i for i, line in enumerate(shown) if line.startswith("[cut: "))
    assert shown[:at] == lines[:at]
    assert shown[at + 1:] == lines[len(lines) - (len(shown) - at - 1):]
    assert at >= 2 and len(shown) - at - 1 >= 2


def test_one_huge_line_is_cut_inside_and_still_fits() -> None:
    line = "x" * 4000 + " " + "payload " * 3000
    out, cut = cap_text(line, 80)
    assert cut and count_tokens(out) <= 80
    assert out.startswith("xxxx") and "only the start of one line shown" in out


def test_a_budget_smaller_than_the_note_still_holds() -> None:
    out, cut = cap_text(_log(100), 5)
    assert cut and 0 < count_tokens(out) <= 5


@pytest.fixture()
def no_tokenizer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import tiktoken

    def broken(name: str) -> None:
        raise RuntimeError(f"cannot load {name}")

    monkeypatch.setattr(tiktoken, "get_encoding", broken)
    budget._encoding.cache_clear()
    yield
    budget._encoding.cache_clear()


def test_without_the_tokenizer_counts_are_estimated_and_the_log_says_so(
        no_tokenizer: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tools.budget"):
        assert count_tokens("x" * 400) == 100
    assert not exact_counting()
    assert "falls back to a chars/4 estimate" in caplog.text
    out, cut = cap_text(_log(300), 200)
    assert cut and count_tokens(out) <= 180  # a 10% margin under the estimate
