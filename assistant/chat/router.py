"""With a model configured, the chat reads a message through tool calling; the tools run our own code.

The model (any OpenAI-compatible endpoint or Ollama's /v1, as for drafting) sees the message, the brief
and the draft's rows (prompts/chat_v1.md) and calls one tool. Its arguments are validated by the tool's
pydantic model and become the same Intent the phrase patterns produce, so the same handlers answer and
the same checks run. Anything else — no model, a timeout, an HTTP error, no tool call, invalid
arguments, a tool the message does not support — returns None and the deterministic reading is used.
"""
from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from assistant.chat.guide import load_guide
from assistant.chat.intents import ALL_ROWS, Intent
from assistant.chat.state import SessionState
from assistant.config import Settings, get_settings
from assistant.drafting.llm import chat_model_from_settings, fill, llm_configured, load_prompt
from assistant.schema import ProjectBrief

log = logging.getLogger(__name__)
PROMPT = "chat_v1"
MAX_ROWS = 40


class AnswerConcept(BaseModel):
    """回答概念问题：指标体系、各二级指标、定量定性、依据、常用取值、成本、中期与年度、评审常见问题、项目属性。"""

    topic: str = Field(description="主题编号，取值之一：" + "、".join(t.id for t in load_guide().topics))


class Suggest(BaseModel):
    """某类项目适合哪些指标。"""

    project_type: str = Field(min_length=2, max_length=40, description="项目类型，如“物业管理费”")


class Draft(BaseModel):
    """起草一个新项目的绩效目标表。只填消息里写明的内容。"""

    name: str | None = Field(default=None, max_length=100)
    budget_wan: float | None = Field(default=None, gt=0, lt=10_000_000, description="预算，万元")
    year: int | None = Field(default=None, ge=2000, le=2100)
    description: str | None = Field(default=None, max_length=2000, description="资金用途、数量等原文")


class Revise(BaseModel):
    """修改草稿中一行（或全部行）的一个字段。"""

    row: int | None = Field(default=None, ge=1, description="表中序号，从1开始")
    name: str | None = Field(default=None, max_length=100, description="没有序号时，指标名称")
    all_rows: bool = False
    field: Literal["value", "basis", "name", "explanation"] = "value"
    new: str = Field(min_length=1, max_length=200)


class DeleteRow(BaseModel):
    """删除草稿中的一行。"""

    row: int | None = Field(default=None, ge=1)
    name: str | None = Field(default=None, max_length=100)


class AddRow(BaseModel):
    """增加一个指标：二级指标类别，或名称加指标值。"""

    level2: str | None = Field(default=None, max_length=12, description="如 时效、质量、满意度")
    name: str | None = Field(default=None, max_length=100)
    value: str | None = Field(default=None, max_length=60)


class Check(BaseModel):
    """按评审规则检查草稿。"""


class Export(BaseModel):
    """导出申报表。"""

    fmt: Literal["xlsx", "docx", "json"] | None = None


class Explain(BaseModel):
    """解释某行指标为什么这样写、依据哪些先例。"""

    row: int | None = Field(default=None, ge=1)
    name: str | None = Field(default=None, max_length=100)


class Browse(BaseModel):
    """查看一个或几个城市的先例，或比较城市。"""

    places: list[str] = Field(min_length=1, max_length=4)
    topic: str | None = Field(default=None, max_length=40)


class Nothing(BaseModel):
    """消息不属于以上任何一类。"""


TOOLS: dict[str, type[BaseModel]] = {
    "answer_concept": AnswerConcept, "suggest": Suggest, "draft": Draft, "revise": Revise,
    "delete_row": DeleteRow, "add_row": AddRow, "check": Check, "export": Export, "explain": Explain,
    "browse": Browse, "none": Nothing,
}


class Router:
    """One model call per message: the tool it chose, as an Intent, or None."""

    def __init__(self, chat_model: Any = None, settings: Settings | None = None):
        settings = settings or get_settings()
        self.chat_model = chat_model if chat_model is not None else chat_model_from_settings(settings)
        self._bound = None

    def intent(self, message: str, state: SessionState) -> Intent | None:
        try:
            call = self._call(message, state)
            return to_intent(call, message, state) if call else None
        except Exception as exc:  # timeout, connection, HTTP error, bad arguments: the patterns read it
            log.warning("chat router fell back: %r", exc)
            return None

    def _call(self, message: str, state: SessionState) -> tuple[str, BaseModel] | None:
        if self._bound is None:
            self._bound = self.chat_model.bind_tools(
                [_tool_schema(name, model) for name, model in TOOLS.items()], tool_choice="required")
        prompt = load_prompt(PROMPT)
        values = {"brief": _brief_line(state.brief), "rows": _rows(state), "message": _data(message)}
        reply = self._bound.invoke([("system", prompt["system"]), ("human", fill(prompt["user"], values))])
        calls = getattr(reply, "tool_calls", None) or []
        if not calls or calls[0]["name"] not in TOOLS:
            return None
        name = calls[0]["name"]
        try:
            return name, TOOLS[name].model_validate(calls[0].get("args") or {})
        except ValidationError as exc:
            log.warning("chat router: invalid %s arguments: %s", name, exc.errors()[:2])
            return None


def to_intent(call: tuple[str, BaseModel], message: str, state: SessionState) -> Intent | None:
    """The tool call as the Intent the phrase patterns would have produced (None: let them read it)."""
    name, args = call
    target = lambda a: f"第{a.row}个" if a.row else (a.name or None)  # noqa: E731
    if name == "answer_concept":
        topics = {t.id for t in load_guide().topics}
        return Intent("concept", message, topic=args.topic) if args.topic in topics else None
    if name == "suggest":
        return Intent("suggest", message, topic=args.project_type)
    if name == "draft":
        said = {"name": args.name, "budget": args.budget_wan, "year": args.year, "description": args.description}
        return Intent("draft", message, brief=ProjectBrief(**{k: v for k, v in said.items() if v is not None}))
    if name == "revise":
        where = ALL_ROWS if args.all_rows else target(args)
        return Intent("revise", message, target=where, field=args.field, new=args.new) if where else None
    if name == "delete_row":
        return Intent("delete", message, target=target(args)) if target(args) else None
    if name == "add_row":
        what = args.level2 and f"{args.level2}指标" or " ".join(x for x in (args.name, args.value) if x)
        return Intent("add", message, target=what) if what else None
    if name == "check":
        return Intent("check", message)
    if name == "export":
        return Intent("export", message, fmt=args.fmt)
    if name == "explain":
        return Intent("explain", message, target=target(args))
    if name == "browse":
        return Intent("compare" if len(args.places) > 1 else "browse", message, topic=args.topic, places=args.places)
    return None


_routers: dict[tuple, Router] = {}


def make_router(settings: Settings | None = None) -> Router | None:
    """A router when a model is configured by environment, else None (no langchain is imported). One per
    endpoint and process: the page builds a session on every rerun."""
    settings = settings or get_settings()
    if not llm_configured(settings):
        return None
    key = (settings.llm_base_url, settings.llm_model, settings.llm_timeout, settings.llm_api_key)
    if key not in _routers:
        _routers[key] = Router(settings=settings)
    return _routers[key]


def _tool_schema(name: str, model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    return {"type": "function", "function": {"name": name, "description": (model.__doc__ or "").strip(),
                                             "parameters": {k: v for k, v in schema.items() if k != "title"}}}


def _brief_line(brief: ProjectBrief) -> str:
    parts = [brief.name or "未命名", f"预算{brief.budget}万元" if brief.budget else "预算未填",
             f"{brief.year}年" if brief.year else "年度未填"]
    return _data("，".join(parts))


def _rows(state: SessionState) -> str:
    if state.table is None:
        return "（还没有草稿）"
    rows = [f"{i}. {(r.level2.value if r.level2 else '')}｜{r.name}｜{r.value}"
            for i, r in enumerate(state.table.indicators[:MAX_ROWS], 1)]
    return _data("\n".join(rows)) or "（空）"


def _data(text: str) -> str:
    """User text inside the prompt: no delimiters of ours, bounded."""
    return text.replace("<<<", "").replace(">>>", "")[:4000]
