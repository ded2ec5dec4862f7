"""绩效目标起草助手: draft 项目支出绩效目标 tables from precedents of past forms.

The public API, imported lazily so `import assistant` stays cheap (the embedding model and chromadb
load only when a search needs them):

    draft_table(ProjectBrief(...)) -> TargetTable      suggest("租赁费") -> Suggestion
    check_table(table) -> [Finding]                    search_precedents("房屋租金支出") -> [PrecedentHit]
    similar_projects(text) -> [ProjectHit]             ChatSession().turn("…") -> Reply
    to_xlsx / to_docx / to_json(table)                 read_source(path) -> SourceDocument
"""
from __future__ import annotations

from importlib import import_module

_API = {
    "draft_table": "assistant.drafting.factory",
    "make_drafter": "assistant.drafting.factory",
    "PrecedentDrafter": "assistant.drafting.draft",
    "suggest": "assistant.drafting.suggest",
    "check_table": "assistant.review.check",
    "search_precedents": "assistant.search.index",
    "similar_projects": "assistant.search.index",
    "build_index": "assistant.search.index",
    "ChatSession": "assistant.chat.session",
    "to_xlsx": "assistant.output.export",
    "to_docx": "assistant.output.export",
    "to_json": "assistant.output.export",
    "read_source": "assistant.corpus.readers",
    "ProjectBrief": "assistant.schema",
    "TargetTable": "assistant.schema",
    "Indicator": "assistant.schema",
    "Finding": "assistant.schema",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
