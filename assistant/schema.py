"""The domain model: indicators, target tables, briefs, precedents, findings.

Enum values are the Chinese terms as they appear on the forms; identifiers are English.
Money is always 万元; a missing amount is ``None``, never 0.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from assistant.values import ParsedValue, ValueKind, parse_value


class Level1(StrEnum):
    OUTPUT = "产出指标"
    COST = "成本指标"  # a 一级 only in the 财预〔2021〕101号 variant
    BENEFIT = "效益指标"
    SATISFACTION = "满意度指标"


class Level2(StrEnum):
    QUANTITY = "数量指标"
    QUALITY = "质量指标"
    TIMELINESS = "时效指标"
    COST = "成本指标"  # under 产出 in the provincial variant
    ECONOMIC_COST = "经济成本指标"
    SOCIAL_COST = "社会成本指标"
    ECOLOGICAL_COST = "生态环境成本指标"
    ECONOMIC = "经济效益指标"
    SOCIAL = "社会效益指标"
    ECOLOGICAL = "生态效益指标"
    SUSTAINABLE = "可持续影响指标"
    SATISFACTION = "服务对象满意度指标"


class Basis(StrEnum):
    """The five canonical categories of 指标值确定依据."""

    PLAN = "计划标准"
    HISTORY = "历史标准"
    INDUSTRY = "行业标准"
    BUDGET = "预算支出标准"
    OTHER = "其他标准"


class FormKind(StrEnum):
    DECLARATION = "申报表"  # 项目支出绩效目标申报表
    TARGET_TABLE = "目标表"  # 项目支出绩效目标表 (summary table, prose indicators)
    DEPARTMENT = "部门整体"  # 部门整体绩效目标
    SELF_EVALUATION = "自评表"  # 绩效自评表


class Indicator(BaseModel):
    """One 三级指标 row with its place in the tree.

    ``value`` is the annual 指标值 exactly as written (normalised only for whitespace and LaTeX);
    operator/number/unit are parsed from it on demand so they can never disagree with it.
    ``inferred`` names the fields a reader or drafter guessed rather than read.
    """

    model_config = ConfigDict(extra="forbid")

    level1: Level1 | None = None
    level2: Level2 | None = None
    name: str
    value: str = ""
    midterm_value: str | None = None
    basis: Basis | None = None
    basis_note: str | None = None
    description: str | None = None  # 绩效指标描述 as the form gives it
    explanation: str | None = None  # 指标解释: one line saying what is measured and how
    previous_values: list[str] = Field(default_factory=list)  # 近两年指标值, oldest first
    actual: str | None = None  # 实际完成值 (self-evaluations)
    weight: float | None = None  # 分值
    score: float | None = None  # 得分
    deviation: str | None = None  # 偏差原因分析
    inferred: list[str] = Field(default_factory=list)
    needs_input: bool = False
    question: str | None = None  # what to ask the user when needs_input
    precedents: list[Precedent] = Field(default_factory=list)
    line: int | None = None  # 1-based line in the source document, for corpus records

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # JSON written with the derived keys (draft --json) reads back: they are recomputed from value
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in ("operator", "number", "unit", "value_kind")}
        return data

    @property
    def parsed(self) -> ParsedValue:
        return parse_value(self.value)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def operator(self) -> str | None:
        op = self.parsed.operator
        return op.value if op else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def number(self) -> float | None:
        return self.parsed.number

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unit(self) -> str | None:
        return self.parsed.unit

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value_kind(self) -> ValueKind:
        return self.parsed.kind


class Funds(BaseModel):
    """资金 in 万元: total = 财政拨款 + 其他资金. Unknown parts stay None."""

    total: float | None = None
    fiscal: float | None = None  # 财政拨款
    other: float | None = None  # 其他资金


class TargetTable(BaseModel):
    """One project's (or one department's) 绩效目标 table."""

    model_config = ConfigDict(extra="forbid")

    year: int | None = None
    project_name: str
    department: str | None = None  # 主管部门及代码
    implementing_unit: str | None = None  # 实施单位
    attribute: str | None = None  # 项目属性: 新增/延续, 经常性/一次性, 常年项目…
    period: str | None = None  # 项目期 as written, e.g. "3年", "2022年—2024年"
    period_years: int | None = None
    start_year: int | None = None
    manager: str | None = None  # 项目负责人
    funds_midterm: Funds | None = None
    funds_annual: Funds | None = None
    purpose: str | None = None  # 资金用途 / project description
    goals_midterm: list[str] = Field(default_factory=list)
    goals_annual: list[str] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)  # what the drafter wants the user to know
    # 绩效自评表 (after the year, selfeval/): 年初预算数 is funds_annual.total; amounts in 万元, None unknown
    budget_full_year: float | None = None  # 全年预算数 (after adjustments)
    executed: float | None = None  # 全年执行数
    outcome: str | None = None  # 实际完成情况 of the 年度总体目标

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # `budget` and `goals` are derived (see the `draft --json` contract); the fields hold the truth
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in ("budget", "goals")}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def goals(self) -> dict[str, list[str]]:
        """中期目标 and 年度目标 together, as the `draft --json` contract names them."""
        return {"midterm": self.goals_midterm, "annual": self.goals_annual}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def budget(self) -> float | None:
        """年度资金总额 in 万元."""
        return self.funds_annual.total if self.funds_annual else None

    @property
    def end_year(self) -> int | None:
        if self.start_year is None:
            return self.year
        return self.start_year + (self.period_years or 1) - 1


class Provenance(BaseModel):
    """Where a corpus item came from."""

    source: str  # file name of the source document
    city: str
    unit: str
    year: int | None
    form_kind: FormKind


class ProjectRecord(BaseModel):
    """A project (or department) table found in a source document, with its extras."""

    model_config = ConfigDict(extra="forbid")

    table: TargetTable
    line: int | None = None  # where the project starts in the source
    unit: str | None = None  # the unit that filed this project when it differs (广州's 办事处/分中心)
    executed: float | None = None  # 执行数, 万元 (self-evaluations)
    execution_rate: str | None = None  # 执行率 as written
    spending_plan: dict[str, float] = Field(default_factory=dict)  # 资金支出计划, e.g. {"第一季度": 15.0}
    extra: dict[str, Any] = Field(default_factory=dict)  # anything else worth keeping, as written


class SourceDocument(BaseModel):
    """Everything read from one source document: the unit of corpus/forms/*.json."""

    model_config = ConfigDict(extra="forbid")

    provenance: Provenance
    projects: list[ProjectRecord] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)  # rows the reader could not place


class IndicatorRecord(BaseModel):
    """One indicator with full provenance: the flat unit of the corpus (and of `corpus --jsonl`)."""

    source: str
    city: str
    unit: str
    year: int | None
    form_kind: FormKind
    project: str
    level1: Level1 | None
    level2: Level2 | None
    name: str
    value: str
    midterm_value: str | None = None
    basis: Basis | None = None
    basis_note: str | None = None
    description: str | None = None
    previous_values: list[str] = Field(default_factory=list)
    actual: str | None = None
    weight: float | None = None
    score: float | None = None
    inferred: list[str] = Field(default_factory=list)
    line: int | None = None
    project_budget: float | None = None

    @property
    def key(self) -> str:
        """Stable identity within the corpus."""
        return f"{self.source}:{self.line}:{self.project}:{self.name}"


class Precedent(BaseModel):
    """A past indicator cited for a drafted one (or a library pattern, kind="library")."""

    kind: str = "corpus"  # "corpus" (a real form) or "library" (common-indicator library)
    city: str | None = None
    year: int | None = None
    project: str | None = None
    name: str
    value: str | None = None
    basis: str | None = None
    source: str | None = None
    line: int | None = None
    score: float | None = None


class ProjectBrief(BaseModel):
    """What the user tells us about the project to draft: the one brief model of the CLI, the chat's
    state, the page's sidebar (项目信息) and what one message says (only the fields it set)."""

    name: str | None = None
    budget: float | None = None  # 万元
    year: int | None = None
    description: str | None = None  # 资金用途
    period_years: int = 1
    department: str | None = None
    implementing_unit: str | None = None

    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "budget", "year")  # asked for, one at a time, before drafting

    def missing(self) -> list[str]:
        return [f for f in self.REQUIRED if getattr(self, f) in (None, "")]

    def said(self) -> dict[str, Any]:
        """The fields given explicitly (a message's brief holds only what the message said)."""
        return {k: getattr(self, k) for k in self.model_fields_set if getattr(self, k) is not None}

    @classmethod
    def from_table(cls, table: TargetTable) -> ProjectBrief:
        """The brief a table's header states (an imported form, a table edited in the grid)."""
        values = {field: getattr(table, attr) for field, attr in BRIEF_HEADER.items()}
        values["budget"] = table.budget
        return cls(**{k: v for k, v in values.items() if v is not None})


# The brief's fields as the table's header holds them (the budget is the annual funds' total).
BRIEF_HEADER = {"name": "project_name", "year": "year", "department": "department",
                "implementing_unit": "implementing_unit", "description": "purpose", "period_years": "period_years"}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    code: str
    severity: Severity
    message: str
    indicator: int | None = None  # 0-based row index in TargetTable.indicators, None for table-level
    suggestion: str | None = None


Indicator.model_rebuild()
