"""The one record ↔ chromadb metadata mapping: what an indexed indicator or project stores, and how a
stored row reads back as the fields of its hit (PrecedentHit, ProjectHit).

The stored keys are the hit model's fields (all but the scores): a field added to a hit is stored
and read back, and a record that cannot supply it fails at indexing, not silently at search.
chromadb metadata cannot hold None, so "unknown" is stored as "" for text and enums, 0 for a year,
line or count, and -1 for money (0 万元 is a real budget); each reads back as None.

The keys are the on-disk layout: changing one means bumping index_store.TEXT_VERSION, so that
every collection is rebuilt.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import NoneType
from typing import Any, Generic, TypeVar, get_args

from assistant.schema import IndicatorRecord, ProjectRecord, Provenance
from assistant.search.hits import PrecedentHit, ProjectHit, Scored

R = TypeVar("R")
H = TypeVar("H", bound=Scored)


@dataclass(frozen=True)
class MetaField:
    """One stored key: the hit field's name, its type (str, int, float or an enum), None allowed."""

    name: str
    type: type
    optional: bool

    @classmethod
    def of(cls, name: str, annotation: Any) -> MetaField:
        args = get_args(annotation)
        types = [a for a in args if a is not NoneType] if args else [annotation]
        kind = types[0] if len(types) == 1 else None
        if not (kind in (str, int, float) or (isinstance(kind, type) and issubclass(kind, Enum))):
            raise TypeError(f"hit field {name}: {annotation} has no chromadb form")
        return cls(name, kind, NoneType in args)

    @property
    def missing(self) -> str | int | float:
        """What stands for None in chromadb."""
        return -1.0 if self.type is float else 0 if self.type is int else ""

    def encode(self, value: Any) -> str | int | float:
        if value is None:
            return self.missing
        return value.value if isinstance(value, Enum) else value

    def decode(self, meta: Mapping[str, Any]) -> Any:
        stored = meta.get(self.name)
        if issubclass(self.type, Enum):
            try:
                return self.type(stored) if stored else None
            except ValueError:  # a value an older taxonomy wrote
                return None
        if stored is None or (self.optional and self._unknown(stored)):
            return None if self.optional else self.type(self.missing)
        return stored

    def _unknown(self, stored) -> bool:
        return stored < 0 if self.type is float else stored == self.missing


class MetadataMap(Generic[R, H]):
    """Both directions of one collection's storage mapping: record → metadata → the hit's fields."""

    hit: type[H]

    def __init__(self) -> None:
        scores = Scored.model_fields
        self.fields = {name: MetaField.of(name, info.annotation)
                       for name, info in self.hit.model_fields.items() if name not in scores}

    def values(self, record: R) -> Mapping[str, Any]:
        """The record's value of every stored field (None for unknown): the one method to implement."""
        raise NotImplementedError

    def to_meta(self, record: R) -> dict[str, str | int | float]:
        values = self.values(record)
        extra = set(values) - set(self.fields)
        if extra:
            raise KeyError(f"{type(self).__name__}: no hit field for {sorted(extra)}")
        return {name: field.encode(values[name]) for name, field in self.fields.items()}

    def from_meta(self, meta: Mapping[str, Any]) -> dict[str, Any]:
        """The hit's stored fields, typed again, None for unknown."""
        return {name: field.decode(meta) for name, field in self.fields.items()}

    def to_hit(self, meta: Mapping[str, Any], score: float, dense: float | None, lexical: float | None) -> H:
        return self.hit(**self.from_meta(meta), score=score, dense=dense, lexical=lexical)

    def encode(self, name: str, value: Any) -> str | int | float:
        """The stored spelling of one field's value (what a filter compares with)."""
        return self.fields[name].encode(value)


class IndicatorMeta(MetadataMap[IndicatorRecord, PrecedentHit]):
    """An IndicatorRecord: every hit field is the record's attribute of the same name."""

    hit = PrecedentHit

    def values(self, record: IndicatorRecord) -> dict[str, Any]:
        return {name: getattr(record, name) for name in self.fields}


class ProjectMeta(MetadataMap[tuple[Provenance, ProjectRecord], ProjectHit]):
    """A project with its document's provenance; the project's own unit and year win over the form's."""

    hit = ProjectHit

    def values(self, record: tuple[Provenance, ProjectRecord]) -> dict[str, Any]:
        prov, project = record
        table = project.table
        return {
            "key": f"{prov.source}:{project.line}:{table.project_name}", "source": prov.source,
            "line": project.line, "city": prov.city, "unit": project.unit or prov.unit,
            "year": table.year or prov.year, "form_kind": prov.form_kind, "project": table.project_name,
            "purpose": table.purpose, "budget": table.budget, "indicators": len(table.indicators),
        }


INDICATOR_META = IndicatorMeta()
PROJECT_META = ProjectMeta()
