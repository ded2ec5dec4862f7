"""The corpus: SourceDocuments stored as corpus/forms/<source>.json, flattened to IndicatorRecords.

The shipped corpus (corpus/forms) is generated from corpus/sources by `python -m assistant ingest`;
the user's own imported forms live apart in the data directory (Settings.user_forms_dir): forms
added with the CLI (`ingest --user`, a local user) directly in it, forms imported on the page in one
folder per owner (``UserCorpus``). An owner's forms are theirs: only they list and remove them, and
they join everyone's precedents only when shared.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import get_settings
from assistant.corpus.readers import read_source
from assistant.errors import AssistantError, IngestError
from assistant.schema import IndicatorRecord, ProjectRecord, SourceDocument


MAX_STEM_BYTES = 180  # file names are at most 255 bytes; a Chinese character takes 3


def form_path(directory: Path, source: str) -> Path:
    """<stem>.json; a stem too long for the file system is cut, with a hash of the whole name."""
    stem = Path(source).stem.replace("/", "_") or "form"
    if len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        stem = stem.encode("utf-8")[: MAX_STEM_BYTES - 13].decode("utf-8", "ignore") + "_" + digest
    return directory / f"{stem}.json"


def save_document(doc: SourceDocument, directory: Path) -> Path:
    """Write atomically, so a failed ingest never leaves a half-written record file."""
    directory.mkdir(parents=True, exist_ok=True)
    target = form_path(directory, doc.provenance.source)
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(doc.model_dump_json(indent=1, exclude_computed_fields=True), encoding="utf-8")
    tmp.replace(target)
    return target


def load_documents(directories: Iterable[Path] | None = None) -> list[SourceDocument]:
    """All stored documents everyone may draft from: the shipped corpus first, then the local user's
    forms and every owner's *shared* forms; each directory sorted by source name."""
    if directories is None:
        settings = get_settings()
        docs = _load([settings.forms_dir, settings.user_forms_dir]) + UserCorpus(settings.user_forms_dir).shared()
        # one document per source name: two owners sharing "租赁费.xlsx" must not collide in the index
        return list({doc.provenance.source: doc for doc in reversed(docs)}.values())[::-1]
    return _load(directories)


def _load(directories: Iterable[Path]) -> list[SourceDocument]:
    docs: list[SourceDocument] = []
    for directory in directories:
        if not Path(directory).is_dir():
            continue
        docs += [_read(path) for path in sorted(Path(directory).glob("*.json"))]
    return docs


def _read(path: Path) -> SourceDocument:
    try:
        return SourceDocument.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise AssistantError(f"语料文件损坏：{path.name}（{str(exc)[:120]}）") from exc


_OWNER = re.compile(r"^[0-9a-f]{32}$")
_SHARED = ".shared"


class UserCorpus:
    """我的语料 on the page: ``<user_forms_dir>/<owner>/<stem>.json``, private unless shared.

    The owner is the browser's random id (never a path: it is checked to be 32 hex digits). Nobody
    lists, shares or removes another owner's forms; a shared form is read by everyone's drafter.
    """

    def __init__(self, root: Path):
        self.root = Path(root)

    def folder(self, owner: str) -> Path:
        if not _OWNER.match(owner or ""):
            raise IngestError("无效的用户标识，无法访问我的语料")
        return self.root / owner

    def add(self, owner: str, doc: SourceDocument, *, shared: bool = False) -> Path:
        path = save_document(doc, self.folder(owner))
        self.set_shared(owner, doc.provenance.source, shared)
        return path

    def documents(self, owner: str) -> list[tuple[SourceDocument, bool]]:
        """The owner's forms, each with whether it is shared."""
        folder = self.folder(owner)
        return [(doc, self.is_shared(owner, doc.provenance.source)) for doc in _load([folder])]

    def remove(self, owner: str, source: str) -> bool:
        """False when the owner has no such form (another owner's form is not theirs to remove)."""
        path = form_path(self.folder(owner), source)
        if not path.exists():
            return False
        path.unlink()
        path.with_suffix(_SHARED).unlink(missing_ok=True)
        return True

    def set_shared(self, owner: str, source: str, shared: bool) -> None:
        marker = form_path(self.folder(owner), source).with_suffix(_SHARED)
        if shared:
            marker.touch()
        else:
            marker.unlink(missing_ok=True)

    def is_shared(self, owner: str, source: str) -> bool:
        return form_path(self.folder(owner), source).with_suffix(_SHARED).exists()

    def shared(self) -> list[SourceDocument]:
        """Every owner's shared forms (what everyone drafts from), in a stable order."""
        if not self.root.is_dir():
            return []
        markers = sorted(self.root.glob(f"*/*{_SHARED}"))
        return [_read(m.with_suffix(".json")) for m in markers
                if _OWNER.match(m.parent.name) and m.with_suffix(".json").exists()]


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


def ingest(paths: Iterable[Path], directory: Path, *,
           display: str | None = None) -> tuple[list[SourceDocument], list[str]]:
    """Read each file and store it; a file that fails is reported and leaves the corpus untouched.

    ``display`` names a single file the user knows by another name (an upload's temporary copy).
    """
    done, errors = [], []
    for path in paths:
        try:
            doc = read_source(Path(path), display)
        except IngestError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:  # a reader bug must not lose the other files
            errors.append(f"{display or Path(path).name}：读取失败（{type(exc).__name__}）")
            continue
        if not any(project.table.indicators for project in doc.projects):
            errors.append(f"{display or Path(path).name}：未读到任何指标，语料未改动")
            continue
        try:
            save_document(doc, directory)
        except OSError as exc:
            errors.append(f"{display or Path(path).name}：无法写入语料目录（{exc.strerror or exc}）")
            continue
        done.append(doc)
    return done, errors


def to_jsonl(records: Iterable[IndicatorRecord]) -> Iterator[str]:
    """The `corpus --jsonl` contract: one indicator per line (keys documented in README)."""
    for rec in records:
        yield json.dumps(rec.model_dump(mode="json"), ensure_ascii=False)
