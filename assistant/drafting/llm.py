"""The optional LLM drafter: a model configured by environment improves the precedent-based draft.

Any OpenAI-compatible endpoint (DeepSeek, Qwen, GLM, vLLM, Ollama's /v1) set through JX_LLM_BASE_URL and
JX_LLM_MODEL. The model sees the brief, the deterministic draft with its precedents and the reviewers'
rules (prompts/draft_v1.md) and answers through structured output; the answer is validated by the same
schema and checks as every table, repaired once, and otherwise replaced by the deterministic draft with a
notice. Nothing here imports langchain until a model is actually configured and used.
"""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.review.check import check_table
from assistant.config import REPO_ROOT, Settings, get_settings
from assistant.drafting.frame import NEEDS_INPUT_NOTICE, Drafter, annual_goals, fill_midterm, midterm_goals
from assistant.drafting.adapt import budget_text
from assistant.errors import AssistantError
from assistant.text import name_similarity, normalize_name
from assistant.schema import Basis, Indicator, Level1, Level2, ProjectBrief, Severity, TargetTable
from assistant.taxonomy import COST_LEVEL2, TREES, Variant, place_all, classify_basis, normalize_level1, normalize_level2


log = logging.getLogger(__name__)

PROMPTS_DIR = REPO_ROOT / "prompts"
DRAFT_PROMPT = "draft_v1"
REPAIR_PROMPT = "repair_v1"
METHODS = ("function_calling", "json_schema", "json_mode")
MAX_DESCRIPTION = 2000  # characters of the user's description the model sees
MAX_PROBLEMS = 12  # lines of problems sent back in the repair round
FALLBACK_NOTICE = "大模型起草失败（{reason}），已改用基于先例的草稿。"
# The deterministic drafter's notice that counts rows awaiting the user (see draft.PrecedentDrafter.draft):
# recounted here because the model may keep fewer or more of those rows.
_NEEDS_INPUT_NOTICE = NEEDS_INPUT_NOTICE
_SAME_NAME = 0.5  # name_similarity at which a model's row is the draft's row reworded (precedents.cluster)


# --- what the model must return -------------------------------------------------------------------

class DraftRow(BaseModel):
    """一项三级指标。"""

    level1: Level1 = Field(description="一级指标")
    level2: Level2 = Field(description="二级指标，须属于其一级指标")
    name: str = Field(max_length=40, description="三级指标名称")
    value: str = Field(max_length=40, description="指标值：运算符+数字+单位，如 ≥95%、≤60.13万元")
    basis: Basis = Field(description="指标值确定依据的类别")
    basis_note: str = Field(max_length=40, description="具体依据，如 年度工作计划、预算批复")
    explanation: str = Field(max_length=150, description="指标解释：衡量什么、怎样考核，一句话")

    # Models write the synonyms real forms use (效果指标, 环境效益, 上年标准): accept them as the canonical term.
    @field_validator("level1", mode="before")
    @classmethod
    def _level1(cls, v: Any) -> Any:
        return normalize_level1(v) or v if isinstance(v, str) else v

    @field_validator("level2", mode="before")
    @classmethod
    def _level2(cls, v: Any) -> Any:
        return normalize_level2(v) or v if isinstance(v, str) else v

    @field_validator("basis", mode="before")
    @classmethod
    def _basis(cls, v: Any) -> Any:
        return classify_basis(v) or v if isinstance(v, str) else v


class TargetTableDraft(BaseModel):
    """绩效目标表草稿：三级指标与年度、中期目标。"""

    indicators: list[DraftRow] = Field(description="三级指标，8–15 项")
    goals_annual: list[str] = Field(description="年度目标，2–4 句")
    goals_midterm: list[str] = Field(description="中期目标；项目期为 1 年时为空列表")


# --- prompts --------------------------------------------------------------------------------------

def load_prompt(name: str) -> dict[str, str]:
    """A prompt file's sections ("=== system ===", "=== user ==="), its leading comment removed."""
    text = (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    parts = re.split(r"^=== (\w+) ===\s*$", text, flags=re.M)
    return {role: body.strip() for role, body in zip(parts[1::2], parts[2::2])}


def fill(template: str, values: dict[str, str]) -> str:
    """One pass over the {{slots}}: text put in a slot (the user's) is never scanned for slots again."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _data(text: str | None) -> str:
    """User text for the data block: no delimiters of ours inside it, bounded length."""
    s = re.sub(r"<<<|>>>", "", (text or "").strip())[:MAX_DESCRIPTION]
    return s or "（无）"


def _tree(variant: Variant) -> str:
    return "；".join(f"{l1.value}：{'、'.join(l2.value for l2 in l2s)}" for l1, l2s in TREES[variant].items())


def _precedent_line(p) -> str:
    where = f"{p.city or ''}{p.year or ''}《{p.project or ''}》" if p.project else (p.city or "")
    return f"{where}{p.name} {p.value or ''}".strip()


def baseline_text(table: TargetTable) -> str:
    lines = []
    for k, row in enumerate(table.indicators, 1):
        basis = "/".join(x for x in (row.basis.value if row.basis else "", row.basis_note or "") if x)
        ask = f"【待用户确认：{row.question}】" if row.needs_input and row.question else ""
        lines.append(f"{k}. [{row.level1.value if row.level1 else ''}/{row.level2.value if row.level2 else ''}] "
                     f"{row.name}：{row.value or '（空）'}（依据：{basis or '无'}）{ask}")
        cited = "；".join(_precedent_line(p) for p in row.precedents[:3])
        lines.append(f"   先例：{cited or '无（通用指标）'}")
    return "\n".join(lines) or "（无）"


def _output_phrase(method: str) -> str:
    if method == "function_calling":
        return f"通过调用工具 {TargetTableDraft.__name__} 给出"
    return "以一个 JSON 对象给出（不加 Markdown 代码块标记）"


def draft_messages(brief: ProjectBrief, baseline: TargetTable, variant: Variant, method: str) -> list[tuple[str, str]]:
    prompt = load_prompt(DRAFT_PROMPT)
    start = brief.year
    end = start + brief.period_years - 1 if start else None
    values = {
        "output": _output_phrase(method),
        "year": f"{brief.year}年" if brief.year else "未填写",
        "year_example": str(brief.year or "当"),
        "budget": f"{budget_text(brief.budget)}万元" if brief.budget is not None else "未填写",
        "period": f"{brief.period_years}年",
        "period_span": (f"{start}年" if start == end else f"{start}—{end}年") if start else "项目年度",
        "tree": _tree(variant),
        "cost_rule": "、成本指标" if variant is Variant.MOF_2021 else "，产出指标下有成本指标",
        "name": _data(brief.name),
        "description": _data(brief.description),
        # the draft's rows only: its goal sentences quote the user's description, which stays in the data block
        "baseline": baseline_text(baseline),
    }
    return [("system", fill(prompt["system"], values)), ("human", fill(prompt["user"], values))]


def repair_message(problems: list[str], method: str) -> tuple[str, str]:
    listed = "\n".join(f"{k}. {p}" for k, p in enumerate(problems[:MAX_PROBLEMS], 1))
    return "human", fill(load_prompt(REPAIR_PROMPT)["user"], {"problems": listed, "output": _output_phrase(method)})


# --- from the model's answer to a checked TargetTable -------------------------------------------------

@dataclass
class Attempt:
    """One model answer: the table it gave (if any), what is wrong with it, and its raw text."""

    raw: str = ""
    table: TargetTable | None = None
    kind: Literal["ok", "not_json", "wrong_shape", "rules"] = "ok"
    problems: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return {
            "not_json": "回复不是有效的 JSON",
            "wrong_shape": "回复的结构不符合绩效目标表的要求",
            "rules": "草稿未通过规则检查：" + (self.problems[0] if self.problems else ""),
        }.get(self.kind, "")


def _is_cost(level2: Level2 | None) -> bool:
    return level2 in COST_LEVEL2


def matching_row(row: DraftRow, baseline: list[Indicator]) -> Indicator | None:
    """The draft row the model kept (same name, or reworded under the same 二级), to inherit its precedents."""
    key = normalize_name(row.name)
    for ind in baseline:
        if normalize_name(ind.name) == key:
            return ind
    same_place = [ind for ind in baseline
                  if ind.level2 is row.level2 or (_is_cost(ind.level2) and _is_cost(row.level2))]
    scored = [(name_similarity(row.name, ind.name), k) for k, ind in enumerate(same_place)]
    best = max(scored, default=(0.0, -1))
    return same_place[best[1]] if best[0] >= _SAME_NAME else None


def to_indicator(row: DraftRow, baseline: list[Indicator]) -> Indicator:
    ind = Indicator(level1=row.level1, level2=row.level2, name=row.name.strip(), value=row.value.strip(),
                    basis=row.basis, basis_note=row.basis_note.strip() or None,
                    explanation=row.explanation.strip() or None)
    match = matching_row(row, baseline)
    if match is None:
        ind.inferred = ["llm"]  # the model's own idea: no precedent in the corpus
        return ind
    ind.precedents = [p.model_copy() for p in match.precedents]
    ind.inferred = list(match.inferred)
    # A number only the user knows stays a question, whatever value the model wrote.
    ind.needs_input, ind.question = match.needs_input, match.question
    return ind


def to_table(reply: TargetTableDraft, brief: ProjectBrief, baseline: TargetTable, variant: Variant,
             model_name: str) -> TargetTable:
    """The model's rows and goals in the deterministic draft's frame (header, funds: never the model's)."""
    table = baseline.model_copy(deep=True)
    table.indicators = [to_indicator(row, baseline.indicators) for row in reply.indicators]
    place_all(table.indicators, variant)
    table.goals_annual = [g.strip() for g in reply.goals_annual if g.strip()] or annual_goals(table, brief)
    table.goals_midterm = []
    if brief.period_years > 1:
        table.goals_midterm = [g.strip() for g in reply.goals_midterm if g.strip()] or midterm_goals(table, brief)
        fill_midterm(table, brief.period_years)
    table.notices = [n for n in baseline.notices if _NEEDS_INPUT_NOTICE not in n]
    table.notices.append(f"本草稿由大模型（{model_name}）参考先例起草，已通过规则检查；每项指标下列出所依据的先例。")
    invented = sum(1 for ind in table.indicators if "llm" in ind.inferred)
    if invented:
        table.notices.append(f"其中 {invented} 个指标由大模型提出，语料中没有对应的先例，请重点核对。")
    asks = sum(1 for ind in table.indicators if ind.needs_input)
    if asks:
        table.notices.append(f"有 {asks} {_NEEDS_INPUT_NOTICE}")
    return table


def _shape_problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(x) for x in e['loc']) or '（整体）'}：{e['msg']}" for e in exc.errors()[:MAX_PROBLEMS]]


def read_reply(raw: str) -> Attempt:
    """Judge a reply the structured-output parser could not use: not JSON at all, or JSON of the wrong shape."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return Attempt(raw=raw, kind="not_json", problems=[f"回复不是有效的 JSON（{exc}），请只输出要求的结构"])
    try:
        TargetTableDraft.model_validate(data)
    except ValidationError as exc:
        return Attempt(raw=raw, kind="wrong_shape", problems=_shape_problems(exc))
    return Attempt(raw=raw, kind="wrong_shape", problems=["回复无法解析为要求的结构"])


def raw_text(message: Any) -> str:
    """What the model said, whichever way it said it (tool call, invalid tool call or content)."""
    for call in getattr(message, "tool_calls", None) or []:
        return json.dumps(call.get("args"), ensure_ascii=False)
    for call in getattr(message, "invalid_tool_calls", None) or []:
        return str(call.get("args") or "")
    content = getattr(message, "content", "")
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


# --- the drafter ----------------------------------------------------------------------------------

class LLMDrafter:
    """Drafts with a chat model, always able to fall back to the deterministic ``fallback`` drafter."""

    def __init__(self, chat_model: Any = None, *, fallback: Drafter, method: str | None = None,
                 variant: Variant | None = None):
        settings = get_settings()
        self.chat_model = chat_model if chat_model is not None else chat_model_from_settings(settings)
        self.fallback = fallback
        self.method = method or settings.llm_method
        if self.method not in METHODS:
            raise AssistantError(f"大模型结构化输出方式无法识别：{self.method}（可选：{'、'.join(METHODS)}）")
        if variant is None:
            variant = getattr(fallback, "variant", None) or (
                Variant.MOF_2021 if settings.cost_as_level1 else Variant.PROVINCIAL)
        self.variant = variant

    @property
    def model_name(self) -> str:
        return str(getattr(self.chat_model, "model_name", None) or type(self.chat_model).__name__)

    def draft(self, brief: ProjectBrief) -> TargetTable:
        baseline = self.fallback.draft(brief)
        started = time.perf_counter()
        try:
            attempt = self._draft(brief, baseline)
        except Exception as exc:  # timeout, connection, HTTP error, unsupported model: never a crash
            log.warning("LLM draft failed after %.1fs: %r", time.perf_counter() - started, exc)
            return with_notice(baseline, describe_error(exc, self.chat_model))
        if attempt.table is None:
            log.warning("LLM draft rejected: %s %s", attempt.kind, attempt.problems[:3])
            return with_notice(baseline, attempt.reason)
        return attempt.table

    def _draft(self, brief: ProjectBrief, baseline: TargetTable) -> Attempt:
        messages: list[tuple[str, str]] = draft_messages(brief, baseline, self.variant, self.method)
        attempt = self._ask(messages, brief, baseline)
        if attempt.table is None:  # the one repair round: the model sees its reply and what is wrong with it
            messages += [("ai", attempt.raw or "（回复无法解析）"), repair_message(attempt.problems, self.method)]
            attempt = self._ask(messages, brief, baseline)
        return attempt

    def _ask(self, messages: list[tuple[str, str]], brief: ProjectBrief, baseline: TargetTable) -> Attempt:
        runnable = self.chat_model.with_structured_output(TargetTableDraft, method=self.method, include_raw=True)
        try:
            out = runnable.invoke(messages)
        except ValidationError as exc:  # json_schema: the client validates before langchain's parser
            not_json = any(e["type"] == "json_invalid" for e in exc.errors())
            return Attempt(kind="not_json" if not_json else "wrong_shape", problems=_shape_problems(exc))
        raw = raw_text(out["raw"])
        reply = out["parsed"]
        if not isinstance(reply, TargetTableDraft):
            return read_reply(raw)
        table = to_table(reply, brief, baseline, self.variant, self.model_name)
        errors = [f for f in check_table(table, variant=self.variant) if f.severity is Severity.ERROR]
        if errors:
            problems = [f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "") for f in errors]
            return Attempt(raw=raw, kind="rules", problems=problems)
        return Attempt(raw=raw, table=table)


def with_notice(baseline: TargetTable, reason: str) -> TargetTable:
    table = baseline.model_copy(deep=True)
    table.notices.append(FALLBACK_NOTICE.format(reason=reason))
    return table


def describe_error(exc: BaseException, chat_model: Any = None) -> str:
    """A one-line Chinese reason, read from the exception's class names so openai need not be imported."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APITimeoutError", "TimeoutException", "TimeoutError", "ReadTimeout"}:
        timeout = getattr(chat_model, "request_timeout", None)
        return f"等待模型回复超时（{timeout:g} 秒）" if isinstance(timeout, (int, float)) else "等待模型回复超时"
    if "AuthenticationError" in names:
        return "模型服务拒绝了 API 密钥"
    if "APIStatusError" in names:
        return f"模型服务返回错误 {getattr(exc, 'status_code', '')}".strip()
    if "APIConnectionError" in names:
        return "无法连接到模型服务"
    if isinstance(exc, NotImplementedError):
        return "该模型不支持结构化输出"
    return f"{type(exc).__name__}：{str(exc)[:80]}"


# --- configuration --------------------------------------------------------------------------------

def llm_configured(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    return bool(settings.llm_base_url and settings.llm_model)


def chat_model_from_settings(settings: Settings) -> Any:
    if not llm_configured(settings):
        raise AssistantError("未配置大模型：请设置 JX_LLM_BASE_URL 和 JX_LLM_MODEL（Ollama 用其 /v1 地址）")
    from langchain_openai import ChatOpenAI  # only here: no langchain import unless a model is configured

    return ChatOpenAI(
        base_url=settings.llm_base_url, model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",  # Ollama and local vLLM accept any key
        timeout=settings.llm_timeout, max_retries=0, temperature=0,
        use_responses_api=False,  # OpenAI-compatible servers speak chat completions only
    )
