"""The rule registry: what a rule is (a code, a Chinese title, a function), what it reads and what it reports.

A rule is one function ``Context -> Iterable[Hit]`` registered with ``@rule("Rnn-name", "标题")``; the
rules live in ``rules_*.py`` grouped by kind, and ``check.py`` imports them all and runs the registry.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from assistant.schema import Indicator, Severity, TargetTable
from assistant.taxonomy import Variant


class Hit(NamedTuple):
    """What a rule reports; the registry adds the rule's code."""

    severity: Severity
    message: str
    row: int | None = None
    suggestion: str | None = None


@dataclass
class Context:
    table: TargetTable
    variant: Variant | None = None
    # Precedent-based quantified alternatives per row, fed by the drafter; generic ones otherwise.
    alternatives: Mapping[int, str] = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[int, Indicator]]:
        """Indicator rows, skipping the blank slots a form leaves under an unused 二级."""
        for i, ind in enumerate(self.table.indicators):
            if (ind.name or "").strip() or (ind.value or "").strip():
                yield i, ind


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # what the reviewer checks, in Chinese
    func: Callable[[Context], Iterable[Hit]]


# Every registered rule, kept in code order (R01, R02 …) whichever module registered it first.
RULES: list[Rule] = []


def rule(code: str, title: str):
    def register(func: Callable[[Context], Iterable[Hit]]):
        if any(r.code == code for r in RULES):
            raise ValueError(f"rule code {code} registered twice")
        RULES.append(Rule(code, title, func))
        RULES.sort(key=lambda r: r.code)
        return func

    return register
