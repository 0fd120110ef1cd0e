"""The 课程素材 tab end to end: a real `python -m cli.serve` on the sample, driven by chromium: a topic
gives a preview with the comparison table, the dated timeline, a mixed quiz and teacher's notes, and
the slides download. Screenshot: test-artifacts/ui/brief.png (docs/screenshot-brief.png is a copy)."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402
from pptx import Presentation  # noqa: E402

from tests.test_ui_browser import browser, open_page, serving, shot  # noqa: E402,F401  (browser: a fixture)

pytestmark = [pytest.mark.server, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory) -> str:
    with serving(sample_store, tmp_path_factory.mktemp("brief-ui") / "server.log") as url:
        yield url


def test_a_topic_previews_course_material_and_downloads_slides(browser, server):
    page = open_page(browser, server)
    page.get_by_role("tab", name="课程素材").click()
    page.locator("#brief-topic textarea").fill("新就业形态劳动者入会")
    page.locator("#brief-format").get_by_text("幻灯片（PPTX").click()
    page.locator("#brief-make").click()
    preview = page.locator("#brief-preview .briefing")
    expect(preview.locator("h2", has_text="对比表")).to_be_visible(timeout=60_000)
    expect(preview.locator("table.comparison")).to_contain_text("超8000人")
    expect(preview.locator("table.comparison")).to_contain_text("53.07万人")
    expect(preview.locator("aside.teacher").first).to_contain_text("全市建立新就业形态工会组织54家")
    expect(preview).to_contain_text("判断题")
    expect(preview).to_contain_text("发稿日期")
    expect(preview).not_to_contain_text("/tmp/")  # sources by title and file name, not the server's path
    link = page.locator("#brief-file a[download]").first
    expect(link).to_have_attribute("download", "课程素材-新就业形态劳动者入会.pptx")
    with page.expect_download() as download:
        link.click()
    deck = Presentation(io.BytesIO(download.value.path().read_bytes()))
    assert deck.slides[0].shapes.title.text == "课程素材：新就业形态劳动者入会"
    preview.locator("h2", has_text="对比表").scroll_into_view_if_needed()
    shot(page, "brief.png")
    page.context.close()
