"""Reliability, quick subset (the long one is `make soak`): hostile files, hostile questions, kill -9 during
ingest and remove. Real store, real embedder, real subprocesses."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from assistant import Answer, Assistant

from tests.hostile import hostile_questions, write_hostile_folder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def cli(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


def test_every_hostile_file_is_ingested_rejected_or_skipped_with_a_reason(warm_store, tmp_path):
    folder = tmp_path / "hostile"
    expected = write_hostile_folder(folder)
    out = cli("ingest", str(folder), "--quiet", "--store", str(warm_store),
              ASSISTANT_MAX_UNPACKED_MB="2", ASSISTANT_MAX_DOCUMENT_CHARS="100000")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    said = {}
    for line in out.stderr.splitlines():
        for outcome, prefix in (("rejected", "未导入："), ("skipped", "已跳过：")):
            if line.startswith(prefix):
                path, _, reason = line[len(prefix):].partition("：")
                said[Path(path).name] = (outcome, reason)
    stored = {Path(d.source).name for d in Assistant(store=warm_store).documents()}
    for name, outcome in expected.items():
        if outcome == "ingested":
            assert name in stored, (name, said.get(name))
        else:
            assert said.get(name, ("",))[0] == outcome, (name, said.get(name))
            assert said[name][1] and not said[name][1].isascii(), said[name]  # a reason, in Chinese
    assert "超过上限" in said["bomb.docx"][1] and "超过上限" in said["huge.txt"][1]
    assert cli("doctor", "--store", str(warm_store)).returncode == 0


def test_hostile_questions_get_an_answer_or_an_honest_refusal(sample_assistant):
    for question in hostile_questions(60):
        answer = sample_assistant.ask(question)
        assert isinstance(answer, Answer)
        assert answer.answer and (not answer.refused or answer.refusal_reason), question[:30]
        answer.to_text().encode("utf-8")  # printable: no lone surrogate survives


def test_kill_9_during_ingest_is_repaired_and_nothing_is_lost_or_duplicated(warm_store, sample_store):
    rng = random.Random(11)
    for delay in sorted(rng.uniform(0.5, 4.0) for _ in range(2)):
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(SAMPLE), "--quiet",
                                 "--store", str(warm_store)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    cli("doctor", "--repair", "--store", str(warm_store))
    assert cli("ingest", str(SAMPLE), "--quiet", "--store", str(warm_store)).returncode == 0
    assert cli("doctor", "--store", str(warm_store)).returncode == 0
    killed, clean = Assistant(store=warm_store), Assistant(store=sample_store)
    assert [Path(d.source).name for d in killed.documents()] == [Path(d.source).name for d in clean.documents()]
    assert len(killed.store.collection.get(include=[])["ids"]) == len(clean.store.collection.get(include=[])["ids"])


def test_kill_9_during_remove_leaves_nothing_served_and_is_repaired(warm_store):
    Assistant(store=warm_store).ingest([str(SAMPLE / "000_e5d006b3dd77aca2.txt")])
    # a remove slowed down between marking the document and deleting its vectors, killed there
    script = textwrap.dedent(f"""
        import time
        from assistant import Assistant
        a = Assistant(store={str(warm_store)!r})
        delete = a.store.collection.delete
        a.store.collection.delete = lambda **kw: (print("marked", flush=True), time.sleep(60), delete(**kw))
        a.remove(a.documents()[0].source)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "marked"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    a = Assistant(store=warm_store)
    assert a.documents() == []  # a half-removed document is not served
    assert [p.kind for p in a.check_store()] == ["interrupted"]
    a.check_store(repair=True)
    assert a.check_store() == [] and a.store.collection.get(include=[])["ids"] == []
