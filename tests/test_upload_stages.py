"""Upload feedback on a real temp store: the ingest reports its stages 读取 → 清洗 → 向量化 → 写入 in order for
each file, a bad file is 失败 with a Chinese reason while the others are 成功 with their chunk counts, a
second upload of the same files is 跳过; the UI turns the events into one rising progress bar and a table."""

from __future__ import annotations

import re
import shutil

from assistant import Assistant, IngestProgress, Stage
from tests.conftest import SAMPLE
from ui.upload import results_table_html, stage_bar

ORDER = [Stage.READ, Stage.CLEAN, Stage.EMBED, Stage.WRITE]


def _upload(tmp_path, warm_store):
    folder = tmp_path / "upload"
    folder.mkdir()
    good = sorted(SAMPLE.glob("*.txt"))[:2]
    for f in good:
        shutil.copy(f, folder / f.name)
    (folder / "坏文件.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 200)  # binary under a .txt name
    return Assistant(store=warm_store), folder, [f.name for f in good]


def test_stages_come_in_order_for_each_file_and_a_bad_file_fails_alone(tmp_path, warm_store):
    a, folder, good = _upload(tmp_path, warm_store)
    events: list[IngestProgress] = []
    report = a.ingest([str(folder)], on_stage=events.append)
    assert [e.stage for e in events] == sorted((e.stage for e in events), key=ORDER.index)  # stage by stage
    for name in good:
        stages = [e.stage for e in events if e.file == name]
        assert list(dict.fromkeys(stages)) == [Stage.READ, Stage.CLEAN, Stage.WRITE], name
    embeds = [e for e in events if e.stage == Stage.EMBED]  # one batch for all files, counted in passages
    assert embeds[0].done == 0 and embeds[-1].done == embeds[-1].total > 0
    assert all(x.done <= y.done for x, y in zip(embeds, embeds[1:]))
    assert {e.stage for e in events if e.file == "坏文件.txt"} == {Stage.READ}  # rejected at reading, no further
    rows = {r.name: r for r in report.per_file()}
    assert set(rows) == {*good, "坏文件.txt"}
    for name in good:
        assert rows[name].result == "成功" and rows[name].chunks > 0
    assert sum(rows[n].chunks for n in good) == report.chunks
    bad = rows["坏文件.txt"]
    assert bad.result == "失败" and bad.chunks is None and re.search(r"[\u4e00-\u9fff]", bad.reason), bad.reason

    again = a.ingest([str(folder / n) for n in good], on_stage=events.append)
    assert [r.result for r in again.per_file()] == ["跳过", "跳过"]
    assert all("未重复导入" in r.reason for r in again.per_file())


def test_the_ui_shows_one_rising_bar_with_stage_names_and_a_result_table(tmp_path, warm_store):
    a, folder, good = _upload(tmp_path, warm_store)
    calls: list[tuple[float, str]] = []
    report = a.ingest([str(folder)], on_stage=stage_bar(lambda value, desc: calls.append((value, desc))))
    values = [v for v, _ in calls]
    assert values == sorted(values) and 0 <= values[0] and values[-1] == 1.0
    for stage in ("读取", "清洗", "向量化", "写入"):
        assert any(d.startswith(stage) for _, d in calls), stage
    assert any(d.startswith("读取") and d.endswith(good[0]) for _, d in calls)
    html = results_table_html(report)
    for header in ("文件名", "结果", "原因", "片段数"):
        assert f"<th>{header}</th>" in html
    assert "成功 2 个，跳过 0 个，失败 1 个" in html and "坏文件.txt" in html
    assert f"<td>{report.per_file()[0].chunks}</td>" in html
