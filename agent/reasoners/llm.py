"""The LLM reasoner: OpenAI-compatible chat completions with tool calling, fenced by code-side guards."""
from __future__ import annotations

import json
from typing import Any

import openai
from openai import OpenAI

from agent.findings import ToolCall
from agent.reasoner import Conclusion, Decision
from agent.reasoners.llm_prompt import CONCLUDE, PROPOSE, SYSTEM, compact_schema, state_message
from agent.reasoners.llm_tools import split_tools
from agent.state import AgentState, Observation
from tools.models import ProposedAction
from tools.report import Hypothesis, ReportStatus
from tools.settings import Settings


class LLMReasoner:
    """Each decide() is one chat completion. The model proposes; code decides what runs."""

    def __init__(self, settings: Settings, *, client: OpenAI | None = None,
                 tool_schemas: list[dict[str, Any]] | None = None) -> None:
        self.settings = settings
        self.name = f"llm:{settings.llm_model}"
        self.client = client or OpenAI(
            base_url=settings.llm_base_url, timeout=settings.llm_timeout_s, max_retries=settings.llm_max_retries,
            api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed")
        if tool_schemas is None:
            from tools.registry import openai_tool_schemas

            tool_schemas = openai_tool_schemas()
        self.read_tools = {t["function"]["name"] for t in tool_schemas}
        self.schemas: list[dict[str, Any]] = compact_schema(tool_schemas)

    def decide(self, state: AgentState) -> Decision:
        return self._complete(state, extra="")

    def answer(self, state: AgentState, question: str) -> Decision:
        return self._complete(state, extra=f"\nFollow-up question from the thread: {question}\n"
                                            "Answer from what is known; call tools only if needed; then conclude.")

    def _complete(self, state: AgentState, *, extra: str) -> Decision:
        offered, others = split_tools(self.schemas, state)
        system = f"{SYSTEM}\n\n{others}" if others else SYSTEM
        messages: list[dict[str, Any]] = [{"role": "system", "content": system},
                                          {"role": "user", "content": state_message(state) + extra}]
        try:
            resp = self.client.chat.completions.create(  # type: ignore[call-overload]
                model=self.settings.llm_model, messages=messages, tools=offered + [PROPOSE, CONCLUDE],
                tool_choice="auto")
        except (openai.APIConnectionError, openai.APITimeoutError, openai.APIStatusError) as exc:
            return Decision(conclude=_endpoint_down(state, exc))
        usage = resp.usage
        d = self._parse(state, resp.choices[0].message)
        d.tokens_in, d.tokens_out = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
        return d

    def _parse(self, state: AgentState, message: Any) -> Decision:
        d = Decision()
        asked = {ToolCall(o["tool"], o["args"]).key() for o in state.get("observations") or []}
        for call in message.tool_calls or []:
            name, raw = call.function.name, call.function.arguments or "{}"
            try:
                args = json.loads(raw)
                if not isinstance(args, dict):
                    raise ValueError("arguments must be a JSON object")
            except ValueError as exc:
                d.rejected.append(_guard(state, name, {}, f"invalid JSON arguments ({exc}): {raw[:200]}"))
                continue
            self._route(state, d, name, args, asked)
        if not message.tool_calls and not d.conclude:
            d.rejected.append(_guard(state, "(text)", {}, "answer with tool calls: call a read tool, "
                                     "propose_action or conclude; text alone is not evidence"))
        return d

    def _route(self, state: AgentState, d: Decision, name: str, args: dict[str, Any], asked: set[str]) -> None:
        if name == "conclude":
            d.conclude = Conclusion(status=_status(args.get("status")), category=args.get("category"),
                                    resource=args.get("resource"), summary=str(args.get("summary", "")))
            d.hypotheses = [Hypothesis(statement=str(args.get("summary", ""))[:300],
                                       category=str(args.get("category", "")), confidence=0.8)]
        elif name == "propose_action":
            try:
                d.propose = ProposedAction.model_validate({
                    "action": args.get("action"), "target": args.get("target"),
                    "params": args.get("params") or {}, "rationale": str(args.get("rationale", ""))})
            except ValueError as exc:
                d.rejected.append(_guard(state, name, args, f"not an action of the closed set: {exc}"))
        elif name not in self.read_tools:
            d.rejected.append(_guard(state, name, args, f"unknown tool {name!r}; available: "
                                     f"{', '.join(sorted(self.read_tools))}"))
        elif ToolCall(name, args).key() in asked:
            d.rejected.append(_guard(state, name, args, "identical call already made: use its observation"))
        else:
            d.calls.append(ToolCall(name, args))


def _status(value: Any) -> str:
    return value if value in {s.value for s in ReportStatus} else ReportStatus.INCONCLUSIVE.value


def _guard(state: AgentState, tool: str, args: dict[str, Any], why: str) -> Observation:
    return Observation(step=int(state.get("step") or 0), tool=tool, args=args, status="error",
                       text=f"refused by debugbot: {why}", invocation="(not executed)", elapsed_s=0.0,
                       data=None)


def _endpoint_down(state: AgentState, exc: Exception) -> Conclusion:
    findings = state.get("findings") or []
    best = findings[0] if findings else None
    lead = f" Leading analyzer finding: {best['summary']} ({best['score']})." if best else ""
    return Conclusion(status=ReportStatus.INCONCLUSIVE.value, category=best["category"] if best else None,
                      resource=best["resource"] if best else None,
                      summary=f"The LLM endpoint failed ({type(exc).__name__}: {str(exc)[:200]}); partial report.{lead}")
