"""The corpus: SourceDocuments stored as corpus/forms/<source>.json, flattened to IndicatorRecords.

The shipped corpus (corpus/forms) is generated from corpus/sources by `python -m assistant ingest`;
the user's own imported forms live apart in the data directory (Settings.user_forms_dir).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import get_settings
from assistant.corpus.readers import read_source
from assistant.errors import AssistantError, IngestError
from assistant.schema import IndicatorRecord, ProjectRecord, SourceDocument


def form_path(directory: Path, source: str) -> Path:
    return directory / f"{Path(source).stem}.json"


def save_document(doc: SourceDocument, directory: Path) -> Path:
    """Write atomically, so a failed ingest never leaves a half-written record file."""
    directory.mkdir(parents=True, exist_ok=True)
    target = form_path(directory, doc.provenance.source)
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(doc.model_dump_json(indent=1, exclude_computed_fields=True), encoding="utf-8")
    tmp.replace(target)
    return target


def load_documents(directories: Iterable[Path] | None = None) -> list[SourceDocument]:
    """All stored documents, shipped corpus first, then the user's own; sorted by source name."""
    if directories is None:
        settings = get_settings()
        directories = [settings.forms_dir, settings.user_forms_dir]
    docs: list[SourceDocument] = []
    for directory in directories:
        if not Path(directory).is_dir():
            continue
        for path in sorted(Path(directory).glob("*.json")):
            try:
                docs.append(SourceDocument.model_validate_json(path.read_text(encoding="utf-8")))
            except ValueError as exc:
                raise AssistantError(f"语料文件损坏：{path.name}（{str(exc)[:120]}）") from exc
    return docs


def project_records(doc: SourceDocument, project: ProjectRecord) -> Iterator[IndicatorRecord]:
    prov = doc.provenance
    table = project.table
    for ind in table.indicators:
        yield IndicatorRecord(
            source=prov.source,
            city=prov.city,
            unit=project.unit or prov.unit,
            year=table.year or prov.year,
            form_kind=prov.form_kind,
            project=table.project_name,
            level1=ind.level1,
            level2=ind.level2,
            name=ind.name,
            value=ind.value,
            midterm_value=ind.midterm_value,
            basis=ind.basis,
            basis_note=ind.basis_note,
            description=ind.description,
            previous_values=ind.previous_values,
            actual=ind.actual,
            weight=ind.weight,
            score=ind.score,
            inferred=ind.inferred,
            line=ind.line,
            project_budget=table.budget,
        )


def iter_records(docs: Iterable[SourceDocument] | None = None) -> Iterator[IndicatorRecord]:
    for doc in load_documents() if docs is None else docs:
        for project in doc.projects:
            yield from project_records(doc, project)


def corpus_hash(docs: Iterable[SourceDocument]) -> str:
    """Content hash of the corpus: the index is rebuilt only when this changes."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.model_dump_json(exclude_computed_fields=True).encode())
    return h.hexdigest()


@dataclass
class Stats:
    rows: list[tuple[str, str, int | None, str, int, int]] = field(default_factory=list)

    def render(self) -> str:
        lines = ["来源文件\t城市/单位\t年度\t表类型\t项目数\t指标数"]
        for source, city, year, kind, projects, indicators in self.rows:
            lines.append(f"{source}\t{city}\t{year or ''}\t{kind}\t{projects}\t{indicators}")
        lines.append(f"合计\t\t\t\t{sum(r[4] for r in self.rows)}\t{sum(r[5] for r in self.rows)}")
        return "\n".join(lines)


def stats(docs: Iterable[SourceDocument]) -> Stats:
    result = Stats()
    for doc in docs:
        p = doc.provenance
        n_ind = sum(len(project.table.indicators) for project in doc.projects)
        result.rows.append((p.source, p.city, p.year, p.form_kind.value, len(doc.projects), n_ind))
    return result


def ingest(paths: Iterable[Path], directory: Path) -> tuple[list[SourceDocument], list[str]]:
    """Read each file and store it; a file that fails is reported and leaves the corpus untouched."""
    done, errors = [], []
    for path in paths:
        try:
            doc = read_source(Path(path))
        except IngestError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:  # a reader bug must not lose the other files
            errors.append(f"{Path(path).name}：读取失败（{type(exc).__name__}: {exc}）")
            continue
        if not any(project.table.indicators for project in doc.projects):
            errors.append(f"{Path(path).name}：未读到任何指标，语料未改动")
            continue
        save_document(doc, directory)
        done.append(doc)
    return done, errors


def to_jsonl(records: Iterable[IndicatorRecord]) -> Iterator[str]:
    """The `corpus --jsonl` contract: one indicator per line (keys documented in README)."""
    for rec in records:
        yield json.dumps(rec.model_dump(mode="json"), ensure_ascii=False)
