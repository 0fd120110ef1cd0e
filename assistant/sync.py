"""Keeping the store in step with folders that change: new and changed files are ingested, documents
whose files are gone are removed. Safe to repeat (from cron or `--watch`): an unchanged folder changes
nothing, and an interrupted run is finished by the next one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingestion import IngestReport, file_digest
from core.errors import ConfigError, InputError
from ingest.load import expand_paths, unreadable
from vectorstore.store import VectorStore


@dataclass
class SyncPlan:
    """What a sync would do, file by file (sources as stored: resolved paths)."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def to_ingest(self) -> list[str]:
        return self.new + self.changed

    def summary(self) -> str:
        return (f"新增 {len(self.new)} 篇，更新 {len(self.changed)} 篇，删除 {len(self.gone)} 篇，"
                f"未变 {len(self.unchanged)} 篇")


@dataclass
class SyncReport:
    plan: SyncPlan
    ingest: IngestReport | None = None  # None for a dry run or when nothing needed ingesting
    removed: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[InputError]:
        return self.plan.rejected + (self.ingest.rejected if self.ingest else [])


def plan_sync(folders: list[Path], store: VectorStore) -> SyncPlan:
    """Compare the folders' files with the stored documents under them."""
    roots = [Path(f).expanduser().resolve() for f in folders]
    absent = [str(r) for r in roots if not r.is_dir()]
    if absent:  # an unmounted share must not read as "every file deleted"
        raise ConfigError(f"要同步的文件夹不存在或不是文件夹：{'、'.join(absent)}；请检查路径（同步不会因此删除任何文档）")
    plan = SyncPlan()
    files, plan.rejected, plan.skipped = expand_paths([str(r) for r in roots])
    present = set()
    for path in files:
        source = str(path.resolve())
        present.add(source)
        try:
            digest = file_digest(path)
        except OSError as exc:
            plan.rejected.append(unreadable(path, exc))
            continue
        if store.document(source) is None:
            plan.new.append(source)
        elif store.is_unchanged(source, digest):
            plan.unchanged.append(source)
        else:
            plan.changed.append(source)
    plan.gone = [row.source for row in store.catalog.documents(status=None)
                 if row.source not in present and _under(Path(row.source), roots) and not Path(row.source).exists()]
    return plan


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)
