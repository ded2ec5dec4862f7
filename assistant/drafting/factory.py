"""The one place a drafter is chosen: the CLI, the chat and the page all draft through ``make_drafter``.

The LLM drafter when a model is configured by environment (JX_LLM_BASE_URL + JX_LLM_MODEL), wrapped
around the precedent drafter it falls back to with a notice; the precedent drafter otherwise.
"""
from __future__ import annotations

from assistant.config import Settings, get_settings
from assistant.drafting.draft import PrecedentDrafter
from assistant.drafting.extra_rows import place_facts
from assistant.drafting.finder import ProjectFinder
from assistant.drafting.frame import Drafter
from assistant.drafting.llm import LLMDrafter, llm_configured
from assistant.schema import ProjectBrief, TargetTable
from assistant.taxonomy import Variant


def make_drafter(finder: ProjectFinder | None = None, *, variant: Variant | None = None,
                 fallback: PrecedentDrafter | None = None, settings: Settings | None = None) -> Drafter:
    """The configured drafter. ``fallback`` (or a PrecedentDrafter over ``finder``) drafts when no
    model is configured, and is what the LLM drafter starts from and falls back to."""
    settings = settings or get_settings()
    fallback = fallback or PrecedentDrafter(finder=finder, variant=variant)
    if not llm_configured(settings):
        return fallback
    return LLMDrafter(fallback=fallback, variant=variant)


def precedent_drafter(drafter: Drafter, finder: ProjectFinder | None = None) -> PrecedentDrafter:
    """The deterministic drafter inside ``drafter`` (itself, or an LLM drafter's fallback; a new one over
    ``finder`` for any other): the chat's added rows are fitted by it, so they read like drafted ones
    whichever drafter wrote the table."""
    if isinstance(drafter, PrecedentDrafter):
        return drafter
    inner = getattr(drafter, "fallback", None)
    return inner if isinstance(inner, PrecedentDrafter) else PrecedentDrafter(finder=finder)


_DEFAULT: Drafter | None = None


def draft_table(brief: ProjectBrief, drafter: Drafter | None = None) -> TargetTable:
    """Draft with the given drafter, or the process-wide configured one."""
    global _DEFAULT
    if drafter is None:
        if _DEFAULT is None:
            _DEFAULT = make_drafter()
        drafter = _DEFAULT
    table = drafter.draft(brief)
    place_facts(table, brief)  # every count the preparer typed lands in the draft
    return table
