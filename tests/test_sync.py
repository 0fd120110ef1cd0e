"""`assistant sync`: a folder that gains, changes and loses files; the store follows it, nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from assistant import Assistant, ConfigError
from tests.conftest import ROOT, SAMPLE
from tests.test_cli import run

FILES = sorted(p.name for p in SAMPLE.iterdir())


def names(sources) -> list[str]:
    return sorted(s.rsplit("/", 1)[-1] for s in sources)


@pytest.fixture
def folder(tmp_path):
    dest = tmp_path / "news"
    dest.mkdir()
    for name in FILES[:3]:
        shutil.copy(SAMPLE / name, dest / name)
    return dest


def test_sync_adds_updates_and_removes_and_a_dry_run_changes_nothing(warm_store, folder, tmp_path):
    a = Assistant(store=warm_store)
    other = tmp_path / "elsewhere.txt"  # a document from outside the folder is never touched
    shutil.copy(SAMPLE / FILES[4], other)
    a.ingest([other])
    first = a.sync([folder])
    assert len(first.plan.new) == 3 and not first.plan.gone and first.ingest.ingested
    assert a.sync([folder]).plan.summary() == "新增 0 篇，更新 0 篇，删除 0 篇，未变 3 篇"

    shutil.copy(SAMPLE / FILES[3], folder / FILES[3])  # added
    changed = folder / FILES[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本报讯 该市总工会新建职工书屋12家。\n", encoding="utf-8")
    (folder / FILES[1]).unlink()  # deleted
    dry = a.sync([folder], dry_run=True)
    assert (names(dry.plan.new), names(dry.plan.changed), names(dry.plan.gone)) == ([FILES[3]], [FILES[0]], [FILES[1]])
    assert dry.ingest is None and len(a.documents()) == 4  # nothing done yet

    done = a.sync([folder])
    assert names(done.removed) == [FILES[1]] and names(done.ingest.ingested) == [FILES[0], FILES[3]]
    assert names(d.source for d in a.documents()) == sorted([FILES[0], FILES[2], FILES[3], "elsewhere.txt"])
    assert "12家" in a.ask("该市总工会新建职工书屋多少家？").answer
    assert a.check_store() == []


def test_a_missing_folder_removes_nothing(warm_store, folder, tmp_path):
    a = Assistant(store=warm_store)
    a.sync([folder])
    shutil.rmtree(folder)  # e.g. a network share that is not mounted
    with pytest.raises(ConfigError, match="不会因此删除任何文档"):
        a.sync([folder])
    assert len(a.documents()) == 3


def test_the_sync_command_lists_each_change_and_its_dry_run_says_so(warm_store, folder):
    out = run("sync", str(folder), "--quiet", store=warm_store)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("新增：") == 3 and "新增 3 篇，更新 0 篇，删除 0 篇，未变 0 篇" in out.stdout
    (folder / FILES[2]).unlink()
    dry = run("sync", str(folder), "--dry-run", store=warm_store)
    assert f"将删除：{folder / FILES[2]}" in dry.stdout and "（试运行，未做任何改动）" in dry.stdout
    real = run("sync", str(folder), store=warm_store)
    assert f"删除：{folder / FILES[2]}（文件已不在文件夹中）" in real.stdout
    assert run("list", store=warm_store).stdout.count("\n") == 2


def test_watch_picks_up_a_file_added_while_it_runs(warm_store, folder):
    env = {**os.environ, "ASSISTANT_STORE": str(warm_store), "PYTHONUNBUFFERED": "1"}
    watcher = subprocess.Popen([sys.executable, "-m", "assistant", "sync", str(folder), "--watch", "--interval", "1",
                                "--quiet"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while len(Assistant(store=warm_store).documents()) < 3 and time.monotonic() < deadline:
            time.sleep(1)
        shutil.copy(SAMPLE / FILES[3], folder / FILES[3])
        while len(Assistant(store=warm_store).documents()) < 4 and time.monotonic() < deadline:
            time.sleep(1)
    finally:
        watcher.terminate()
        out, _ = watcher.communicate(timeout=60)
    assert f"新增：{folder / FILES[3]}" in out
    assert out.count("新增 ") == 2  # one report for the first sync, one for the added file, none while idle
