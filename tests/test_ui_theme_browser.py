"""Dark mode, the phone layout and no server paths, on a real `python -m cli.serve` over the sample.
Screenshots: test-artifacts/ui/dark-chat.png, mobile-chat.png, mobile-docs.png (copied to docs/)."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from tests.test_ui_browser import SHIFANG, ask, browser, serving, shot  # noqa: E402,F401  (browser: a fixture)

pytestmark = [pytest.mark.server, pytest.mark.browser]

CONTRAST = """(sel) => {
  const el = document.querySelector(sel);
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= .03928 ? c / 12.92 : ((c + .055) / 1.055) ** 2.4; };
    return .2126 * f(r) + .7152 * f(g) + .0722 * f(b); };
  let bg = null;
  for (let n = el; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return (a + .05) / (b + .05);
}"""


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory) -> str:
    with serving(sample_store, tmp_path_factory.mktemp("theme-ui") / "server.log") as url:
        yield url


def contrasts(page) -> dict[str, float]:
    page.locator("#sources #src-0-1 .src-doc > summary").click()
    return {sel: page.evaluate(CONTRAST, sel) for sel in
            ("#chat .qa-answer .qa-text", "#sources #src-0-1 .src-title", "#sources #src-0-1 .src-passage",
             "#sources #src-0-1 .src-passage mark.hl", "#sources #src-0-1 .src-doc-text")}


@pytest.mark.parametrize("how", ["query", "os"])
def test_dark_mode_is_readable(browser, server, how):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900},
                              color_scheme="dark" if how == "os" else "light")
    page = ctx.new_page()
    page.goto(server + ("?__theme=dark" if how == "query" else ""))
    expect(page.locator("#chat")).to_be_visible()
    assert page.evaluate("!!document.querySelector('.dark')")
    ask(page, SHIFANG, 1)
    ratios = contrasts(page)
    print(how, ratios)
    assert all(r >= 4.5 for r in ratios.values()), ratios
    if how == "query":
        shot(page, "dark-chat.png")
    ctx.close()


def test_phone_layout_and_no_server_paths(browser, server, sample_store):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(server)
    expect(page.locator("#chat")).to_be_visible()
    ask(page, SHIFANG, 1)
    chat, sources = page.locator("#chat").bounding_box(), page.locator("#sources").bounding_box()
    assert sources["y"] >= chat["y"] + chat["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    hint = page.evaluate("(() => { const h = document.querySelector('.chat-hint');"
                         " return h.innerText + getComputedStyle(h, '::after').content; })()")
    assert "下方" in hint
    page.locator("#sources #src-0-1 .src-doc > summary").click()
    shot(page, "mobile-chat.png")
    html = page.content()
    page.get_by_role("tab", name="文档").click()
    expect(page.locator("#documents table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    box = page.locator("#documents").bounding_box()
    assert box["x"] >= -1 and box["x"] + box["width"] <= 391
    shot(page, "mobile-docs.png")
    html += page.content()
    from tests.conftest import SAMPLE
    for path in (str(sample_store), str(SAMPLE.resolve())):
        assert path not in html
    ctx.close()
