"""Radical code points (⻋ U+2ECB, ⻓ U+2ED3, ⽂ U+2F42) as the ordinary characters they stand for.

Chromium printing with Noto CJK writes many characters' text as radicals (长 → ⻓, 工 → ⼯); the test
prints known sentences with Debian's chromium (``make system-deps`` installs it and fonts-noto-cjk) and
reads them back through the loader and the cleaner.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest

from core.radicals import KANGXI, RADICALS, SUPPLEMENT, unify_radicals
from core.text import clean_input, normalize_query
from ingest.clean import clean_text, fix_characters
from ingest.load import load_file
from tests.printing import print_pdf

# Union news written for this test, heavy in characters the font's text maps to radicals.
SENTENCES = (
    "长沙市总工会为车间职工送清凉，发放慰问金186万元。",
    "门店、见习岗位和长途货车司机驿站同步开放，风雨无阻的快递员也有了歇脚点。",
    "工会联合民航部门开展“飞手”技能竞赛，为一线职工送去饭食和母婴用品。",
    "端午节前，龙舟赛在湘江边举行，青年职工齐心协力夺得冠军。",
    "环卫工人早上五点上岗，清扫鸟语花香的滨江风光带，马路边的鱼塘也不放过。",
    "黄金周期间，职工书屋里的贝壳画、剪纸等非遗项目吸引了不少职工。",
)
# What the Chromium-printed text of SENTENCES must hold as supplement radicals (measured: Noto Sans CJK SC).
EXPECTED_SUPPLEMENT = set("⻓⻋⻔⻅⻛⻜⻝⻢⻥⻦⻩⻬⻰⻘⻉⺠⺟")
EXPECTED_KANGXI = set("⼯⾦⼈⼀")
# Every character the table maps to (in the BMP), printed as one run to check the table against the font.
TARGETS = "".join(sorted({c for c in RADICALS.values() if ord(c) < 0x10000}))


def _radicals(text: str, block: range) -> set[str]:
    return {c for c in text if ord(c) in block}


# ---------------------------------------------------------------- literal strings

def test_supplement_and_kangxi_radicals_become_characters():
    assert unify_radicals("⻋间⻓") == "车间长"
    assert unify_radicals("⽂化") == "文化"
    assert unify_radicals("⻔店、⻅习岗位，⻛⾬⽆阻") == "门店、见习岗位，风雨无阻"
    assert unify_radicals("⻓沙市总⼯会") == "长沙市总工会"


def test_ordinary_text_and_full_width_punctuation_are_unchanged():
    text = "长沙市总工会：发放慰问金１８６万元（含补贴），“送清凉”！？；、。　Ａ4\u3000"
    assert unify_radicals(text) == text


def test_each_radical_becomes_one_code_point():
    radicals = "".join(chr(c) for c in RADICALS)
    assert len(unify_radicals(radicals)) == len(radicals) == 114 + 214
    assert unify_radicals("⺇⺮") == "\U00020628\U00025ad7"  # equivalents outside the BMP stay one code point


def test_table_is_unicode_equivalent_unified_ideograph():
    assert RADICALS[0x2ECB] == "车" and RADICALS[0x2ED3] == "长" and RADICALS[0x2E8C] == RADICALS[0x2E8D] == "小"
    assert RADICALS[0x2EEF] == "竜" and RADICALS[0x2EF0] == "龙"  # J- and C-simplified dragon
    assert 0x2E80 not in RADICALS  # CJK RADICAL REPEAT has no equivalent
    assert {c for c in SUPPLEMENT if unicodedata.category(chr(c)) != "Cn"} - set(RADICALS) == {0x2E80}
    assert all(RADICALS[c] == unicodedata.normalize("NFKC", chr(c)) for c in KANGXI)
    assert all(unicodedata.name(v).startswith("CJK UNIFIED IDEOGRAPH") for v in RADICALS.values())


def test_questions_with_radicals_match_the_document_form():
    assert normalize_query("⻓沙市总⼯会发放慰问⾦多少万元？") == normalize_query("长沙市总工会发放慰问金多少万元？")
    assert clean_input("⻋间  ⻓") == "车间 长"


def test_cleaner_behaviour_around_radicals_is_unchanged():
    assert fix_characters("⻓沙（职⼯）？") == fix_characters("长沙（职工）？") == "长沙(职工)?"


# ---------------------------------------------------------------- a real Chromium-printed PDF

def _print(page_body: str, out: Path) -> str:
    """The raw text layer (through the loader) of an HTML body printed to PDF by Chromium."""
    return load_file(print_pdf(page_body, out)).text


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, str]:
    """Raw text layers of two Chromium-printed PDFs: "news", SENTENCES one per paragraph; "run", TARGETS."""
    tmp = tmp_path_factory.mktemp("radicals")
    return {
        "news": _print("".join(f"<p>{html.escape(s)}</p>" for s in SENTENCES), tmp / "news.pdf"),
        "run": _print(f"<p>{TARGETS}</p>", tmp / "run.pdf"),
    }


def test_chromium_text_layer_carries_radicals_of_both_blocks(printed):
    raw = printed["news"]
    assert _radicals(raw, SUPPLEMENT) == EXPECTED_SUPPLEMENT
    assert _radicals(raw, KANGXI) >= EXPECTED_KANGXI
    assert "长沙市总工会" not in raw and not any(s in raw for s in SENTENCES)
    # NFKC alone folds the Kangxi block and ⺟ only: the table is what repairs the other supplement radicals.
    assert _radicals(unicodedata.normalize("NFKC", raw), SUPPLEMENT) == EXPECTED_SUPPLEMENT - {"⺟"}
    assert not _radicals(unicodedata.normalize("NFKC", raw), KANGXI)


def test_fixed_text_holds_the_known_sentences_exactly(printed):
    fixed = fix_characters(printed["news"])
    assert not _radicals(fixed, SUPPLEMENT) and not _radicals(fixed, KANGXI)
    lines = [line.strip() for line in fixed.split("\n")]
    for sentence in SENTENCES:
        assert unicodedata.normalize("NFKC", sentence) in lines  # the cleaner's form: "，" → ","
    assert "长沙市总工会为车间职工送清凉,发放慰问金186万元。" in clean_text(printed["news"]).split("\n")


def test_every_radical_the_font_writes_maps_back_to_its_character(printed):
    run = re.sub(r"\s+", "", printed["run"])  # one paragraph, wrapped over several lines
    assert sum(a != b for a, b in zip(run, TARGETS)) > 250  # nearly all of them come out as radicals
    assert unify_radicals(run) == TARGETS
