"""The common-indicator library's project types and patterns (corpus/library/*.yaml), as loaded and checked.

A pattern is one indicator a common project type usually has (the way provincial 共性指标库 list them):
二级, a name template with slots ({标的}购置数量, {对象}满意度), a typical value or how to derive it, the usual
依据 and a one-line 指标解释. library_patterns.py fills them from a brief.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.schema import Basis, Level1, Level2
from assistant.taxonomy import COST_LEVEL2, level1_of

DERIVATIONS = {"quantity", "deadline", "duration", "unit_cost", "budget"}


class LibraryError(AssistantError):
    """A library file is not valid; the message names the file and the line."""


class Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    level1: Level1
    level2: Level2
    name: str
    value: str
    derive: str | None = None
    units: list[str] = Field(default_factory=list)
    unit_words: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    per_fact: bool = False
    optional: bool = False
    when: list[str] = Field(default_factory=list)
    always: bool = False  # generic.yaml: kept beside a recognised type too (a row any project can carry)
    slots: dict[str, str] = Field(default_factory=dict)
    basis: Basis
    note: str
    explain: str
    ask: str | None = None
    seen: str | None = None
    # the framework that lists this row ("通用共性指标库示例·培训类：培训合格率"): a key of README.md's 来源 list,
    # then what the document calls it; several separated by "；"
    source: str | None = None
    line: int | None = Field(default=None, alias="__line__")

    @field_validator("slots", mode="before")
    @classmethod
    def _drop_line(cls, v):
        return {k: val for k, val in (v or {}).items() if k != "__line__"}


class Triggers(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: list[str] = Field(default_factory=list)
    text: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    umbrella: list[str] = Field(default_factory=list)  # name words that only say "running costs" (运行经费)
    line: int | None = Field(default=None, alias="__line__")


class ProjectType(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    label: str
    triggers: Triggers
    slots: dict[str, str | list[str]] = Field(default_factory=dict)
    patterns: list[Pattern]
    file: str = ""
    line: int | None = Field(default=None, alias="__line__")

    @field_validator("slots", mode="before")
    @classmethod
    def _drop_line(cls, v):
        return {k: val for k, val in (v or {}).items() if k != "__line__"}


# --- loading -----------------------------------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """Records each mapping's line, so a library row can cite corpus/library/<file>:<line>."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def library_dir() -> Path:
    return get_settings().corpus_dir / "library"


@lru_cache(maxsize=4)
def load_library(directory: Path | None = None) -> dict[str, ProjectType]:
    """Every type in the library directory, by id; ``generic`` is the no-type fallback."""
    directory = directory or library_dir()
    types: dict[str, ProjectType] = {}
    for path in sorted(directory.glob("*.yaml")):
        kind = _load_type(path)
        if kind.id in types:
            raise LibraryError(f"共性指标库 {path.name}：类型 id「{kind.id}」与 {types[kind.id].file} 重复")
        types[kind.id] = kind
    if "generic" not in types:
        raise LibraryError(f"共性指标库 {directory} 缺少 generic.yaml（未识别类型时的通用指标）")
    return types


def _load_type(path: Path) -> ProjectType:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (safe loader subclass)
        kind = ProjectType.model_validate({**data, "file": path.name})
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise LibraryError(f"共性指标库 {path.name}{where}：YAML 格式错误") from exc
    except (ValidationError, TypeError) as exc:
        raise LibraryError(f"共性指标库 {path.name}：{_first_error(exc, data)}") from exc
    for p in kind.patterns:
        problem = _pattern_problem(p)
        if problem:
            raise LibraryError(f"共性指标库 {path.name} 第{p.line}行（{p.id}）：{problem}")
    return kind


def _first_error(exc: Exception, data) -> str:
    if not isinstance(exc, ValidationError):
        return "文件应为一个类型（id、label、triggers、patterns）"
    err = exc.errors()[0]
    node = data
    for key in err["loc"][:-1]:
        node = node[key] if isinstance(node, (dict, list)) else None
    line = node.get("__line__") if isinstance(node, dict) else None
    where = f"第{line}行 " if line else ""
    return f"{where}字段「{'.'.join(map(str, err['loc']))}」不合要求（{err['msg']}）"


def _pattern_problem(p: Pattern) -> str | None:
    if p.derive is not None and p.derive not in DERIVATIONS:
        return f"derive 应为 {'/'.join(sorted(DERIVATIONS))} 之一"
    if p.derive in ("quantity", "unit_cost") and not p.units:
        return "按数量推算的指标需写明 units"
    if level1_of(p.level2) is not p.level1 and p.level2 not in COST_LEVEL2:
        return f"二级指标「{p.level2.value}」不属于一级指标「{p.level1.value}」"
    return None
