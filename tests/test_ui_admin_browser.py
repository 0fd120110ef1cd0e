"""The admin tabs end to end: a real `python -m cli.serve` (with the eval workbench) driven by chromium.

feedback 👎 → draft gold case → edited → saved to STORE/gold/; the 命中测试 page; the 评测 page running a
gold set from STORE/gold/ with a deliberately wrong expectation; and the admin role gating the tabs.
Screenshots land in test-artifacts/ui/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect  # noqa: E402

# browser and page are the chat tests' fixtures (page opens this module's server)
from tests.test_ui_browser import SHIFANG, ask, browser, open_page, page, serving, shot  # noqa: E402,F401
from ui.auth import add_user  # noqa: E402

pytestmark = [pytest.mark.server, pytest.mark.browser]

expect.set_options(timeout=30_000)
RIGHT = {"id": "ui-right", "type": "figure", "question": "什邡市总工会建立新就业形态工会组织多少家？",
         "facts": [["54家"]], "sources": ["000_e5d006b3dd77aca2.txt"]}
WRONG = {**RIGHT, "id": "ui-wrong-on-purpose", "facts": [["55家"]]}


@pytest.fixture(scope="module")
def store(sample_store, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("ui-admin") / "store"
    shutil.copytree(sample_store, dest)
    (dest / "gold").mkdir()
    (dest / "gold" / "ui-eval.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in (RIGHT, WRONG)) + "\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def server(store) -> str:
    with serving(store, store.parent / "server.log") as url:
        yield url


def pick(page: Page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option).first.click()


def test_a_thumbs_down_becomes_a_gold_case_saved_to_the_store(page, store):
    ask(page, SHIFANG, 1)
    page.get_by_label("踩").last.click()
    expect(page.locator("#feedback-note")).to_contain_text("已记录：没帮助")
    page.get_by_role("tab", name="反馈").click()
    pick(page, "#gold-pick", f"踩 {SHIFANG}")
    page.locator("#gold-draft").click()
    expect(page.locator("#gold-question textarea")).to_have_value(SHIFANG)
    expect(page.locator("#gold-facts textarea")).to_have_value("（请填写正确答案）")
    expect(page.locator("#gold-sources textarea")).to_have_value("000_e5d006b3dd77aca2.txt")
    expect(page.locator("#gold-shown")).to_contain_text("全市建立新就业形态工会组织54家")
    page.locator("#gold-save").click()
    expect(page.locator("#gold-status")).to_contain_text("没有保存")  # the placeholder must be replaced first
    expect(page.locator("#gold-status")).to_contain_text("占位符")
    page.locator("#gold-facts textarea").fill("54家 | 五十四家")
    page.locator("#gold-save").click()
    expect(page.locator("#gold-status")).to_contain_text("已保存用例 fb-")
    page.locator("#gold-status").scroll_into_view_if_needed()
    shot(page, "feedback-to-gold.png")
    saved = [json.loads(line) for line in (store / "gold" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()]
    assert saved[-1]["question"] == SHIFANG and saved[-1]["facts"] == [["54家", "五十四家"]]
    assert saved[-1]["sources"] == ["000_e5d006b3dd77aca2.txt"] and saved[-1]["type"] == "figure"


def test_the_hit_test_page_shows_scores_the_chosen_sentence_and_vetoes(page):
    page.get_by_role("tab", name="命中测试").click()
    page.locator("#hit-question textarea").fill(SHIFANG)
    page.locator("#hit-go").click()
    passages = page.locator("#hit-passages")
    expect(passages).to_contain_text("BM25（名次）")
    expect(passages).to_contain_text("000_e5d006b3dd77aca2.txt")
    chosen = page.locator("#hit-candidates tr.hit-chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("全市建立新就业形态工会组织54家")
    expect(chosen).to_contain_text("选中：回答引用了这句")
    expect(page.locator("#hit-candidates tr.hit-vetoed").first).to_contain_text("否决（")
    shot(page, "hit-test.png")
    page.locator("#hit-candidates").scroll_into_view_if_needed()
    shot(page, "hit-test-candidates.png")


def test_the_eval_page_runs_a_gold_set_and_opens_a_report_with_the_wrong_case_failed(page):
    page.get_by_role("tab", name="评测").click()
    pick(page, "#eval-gold", "资料库：ui-eval.jsonl")
    page.locator("#eval-run").click()
    summary = page.locator("#eval-summary")
    expect(summary).to_contain_text("通过 1 / 2 条用例", timeout=120_000)
    expect(summary).to_contain_text("CRAG 得分")
    frame = page.frame_locator("iframe.eval-report")
    expect(frame.locator("#ui-wrong-on-purpose")).to_contain_text("answer lacks 55家")
    expect(frame.locator("#ui-wrong-on-purpose")).to_contain_text("正确文章的段落排第 1 位")
    expect(frame.get_by_text("展开 1 个通过的问题")).to_be_visible()
    expect(page.locator("#eval-file a[href$='report.html']")).to_be_visible()
    shot(page, "eval-tab.png")


def test_admin_tabs_are_shown_to_admins_only(browser, sample_store, tmp_path):
    users = tmp_path / "users.txt"
    add_user(users, "staff", "pw-staff-1", iterations=1000)
    add_user(users, "boss", "pw-boss-1", iterations=1000, admin=True)
    with serving(sample_store, tmp_path / "auth-server.log", "--auth-file", str(users)) as url:
        for user, password, admin in (("staff", "pw-staff-1", False), ("boss", "pw-boss-1", True)):
            page = open_page(browser, url)
            page.locator("input[type=text]").fill(user)
            page.locator("input[type=password]").fill(password)
            page.get_by_role("button", name="登录").click()
            expect(page.locator("#chat")).to_be_visible()
            expect(page.get_by_role("tab", name="问答")).to_be_visible()
            for name in ("命中测试", "评测"):
                tab = page.get_by_role("tab", name=name)
                expect(tab).to_be_visible() if admin else expect(tab).to_have_count(0)
            if admin:
                page.get_by_role("tab", name="反馈").click()
                expect(page.locator("#gold-editor").first).to_be_visible()
                shot(page, "admin-tabs.png")
            page.context.close()
