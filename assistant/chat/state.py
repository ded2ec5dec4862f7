"""The conversation's state, saved with every draft: the brief (项目信息), the current table, the
history, and what the next message may refer to. Pydantic models, so they autosave as JSON."""
from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.errors import AssistantError
from assistant.schema import Finding, Precedent, ProjectBrief, TargetTable


class Message(BaseModel):
    role: str  # "user" | "assistant"
    text: str


class SessionState(BaseModel):
    brief: ProjectBrief = Field(default_factory=ProjectBrief)  # 项目信息, as the sidebar shows it
    table: TargetTable | None = None
    history: list[Message] = Field(default_factory=list)
    pending: str | None = None  # the intent waiting for an answer (e.g. "draft" waiting for the budget)
    focus: int | None = None  # 0-based row last revised, added or explained: "这个指标"
    topic: str | None = None  # the project type last asked about ("租赁费"), offered as a name
    last: str | None = None  # the action of the last reply ("suggest": "智慧公积金建设呢" asks for more)
    concept: str | None = None  # the guide topic last explained: "举个例子"
    places: list[str] = Field(default_factory=list)  # the cities last browsed: "他们的…", "广州的呢"
    proposed: ProjectBrief | None = None  # a new project named over a draft: waiting for "好" (pending "replace")


class Reply(BaseModel):
    text: str  # Markdown, Chinese
    action: str  # suggest | draft | ask | revise | check | export | explain | help | error | concept | browse
    #              | compare | clarify | selfeval
    table: TargetTable | None = None
    findings: list[Finding] = Field(default_factory=list)
    precedents: list[Precedent] = Field(default_factory=list)


def named_brief(brief: ProjectBrief, table: TargetTable | None = None) -> ProjectBrief:
    """The session's brief, named after the table when the user never named it."""
    name = brief.name or (table.project_name if table else None) or "未命名项目"
    return brief.model_copy(update={"name": name})


class NoTable(AssistantError):
    """A revision, check or export asked for before there is a draft: an offer to draft, not a fault."""
