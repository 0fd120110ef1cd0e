"""Attributes a figure is qualified by: the period (上半年), the prize level (二等奖), the population
(女职工). When a question names one, the answering sentence must state it: an article that gives the
whole year's figure has not answered a question about the first half.

Each value lists the ways articles write it; values of one class exclude each other (一等奖 is no
answer to 三等奖).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    kind: str  # 时段, 计算口径, 奖项, 人群
    name: str
    forms: tuple[str, ...]
    required: bool = True  # 全年 need not be restated: a year's figure is the whole year's unless said otherwise
    headline_counts: bool = False  # a group the whole article is about (劳模疗休养) need not be restated

    def in_text(self, text: str) -> bool:
        return any(f in text for f in self.forms)


def _values(kind: str, *rows: tuple[str, ...], optional: tuple[str, ...] = (),
            headline_counts: bool = False) -> tuple[Attribute, ...]:
    return tuple(Attribute(kind, row[0], row, row[0] not in optional, headline_counts) for row in rows)


ATTRIBUTES: tuple[Attribute, ...] = (
    *_values("时段",
             ("上半年", "1至6月", "1-6月", "1—6月", "前6个月", "前六个月"),
             ("下半年", "7至12月", "7-12月", "7—12月"),
             ("前三季度", "1至9月", "1-9月", "前9个月"),
             ("一季度", "第一季度", "1至3月", "1-3月"),
             ("二季度", "第二季度"),
             ("三季度", "第三季度"),
             ("四季度", "第四季度"),
             ("全年", "全年", "一年来", "年度"),
             optional=("全年",)),
    # A rate is no total: 每人 asked, the sentence's 41.6万元 for everyone together does not answer it.
    *_values("计算口径",
             ("每人", "人均", "每名", "每位", "每个人"), ("每户", "户均"), ("每月", "月均", "每个月"),
             ("每年", "年均"), ("每次", "单次"), ("每天", "日均", "每日")),
    # 市总工会本级 is not 全市各级工会: the body's own money or work, not the whole system's.
    *_values("层级", ("本级", "市总工会本级", "县总工会本级"), ("各级", "全市各级", "各级工会"), optional=("各级",)),
    # 新签/新建 asked: a total to date (累计4260份) does not say how many are new.
    *_values("新增", ("新增", "新签", "新建", "新发展", "新命名", "新入会", "新开", "新设", "新考入", "新招", "新吸纳",
                      "新授牌", "新成立", "新组建", "新认定", "新培育")),
    # A change asked (比上年增长了多少) is not answered by a level (借阅量达3.4万人次).
    *_values("变化", ("增长", "增加", "提高", "上升", "下降", "减少", "降低", "同比", "比上年", "比去年", "较上年",
                      "较去年", "多出", "上浮", "增幅", "涨幅", "降幅", "翻番", "翻了")),
    *_values("奖项", ("特等奖",), ("一等奖",), ("二等奖",), ("三等奖",), ("优秀奖",), ("金奖",), ("银奖",), ("铜奖",)),
    *_values("技能等级", ("初级工",), ("中级工",), ("高级工",), ("技师",), ("高级技师",), ("特级技师",), ("首席技师",)),
    # Union facilities: a count of 职工之家 is no count of 职工小家 or 妈咪小屋.
    *_values("设施",
             ("职工之家",), ("职工小家",), ("职工书屋", "书屋"), ("妈咪小屋", "爱心妈妈小屋", "母婴室", "哺乳室"),
             ("驿站", "服务站点", "爱心驿站"), ("劳模创新工作室", "创新工作室")),
    *_values("人群",
             ("女职工", "女会员", "女性职工", "女工", "女职员", "女选手", "女性", "女生"),
             ("农民工",),
             ("劳动模范", "劳模"),
             ("快递员", "快递小哥", "快递从业人员"),
             ("外卖骑手", "外卖送餐员", "外卖员", "送餐员"),
             ("网约车司机", "网约车驾驶员"),
             ("货车司机", "卡车司机"),
             ("环卫工人", "环卫工", "保洁员"),
             ("困难职工",),
             headline_counts=True),
)


# 女律师, 女干部, 女选手: women of any occupation, which the sentence must say (女 in it).
_WOMEN = re.compile(r"女(?!职工|会员|性|工|职员|选手|生)[\u4e00-\u9fff]{0,2}(?:师|员|部|表|模|机|者|手|人|士)")
WOMEN = Attribute("人群", "女性", ("女",), headline_counts=True)


def asked_attributes(question: str) -> list[Attribute]:
    """The attributes a (normalised) question names; a longer form wins over one inside it (前三季度 ⊃ 三季度)."""
    found = [a for a in ATTRIBUTES if a.in_text(question)] + ([WOMEN] if _WOMEN.search(question) else [])
    return [a for a in found
            if not any(b is not a and b.kind == a.kind and any(x in y and x != y for x in a.forms
                                                                  for y in b.forms if b.in_text(question))
                       for b in found)]


def missing_attribute(asked: list[Attribute], sentence: str, headline: str = "") -> str | None:
    """The first asked attribute the sentence does not state (or contradicts with another of its kind)."""
    for a in asked:
        if a.in_text(sentence) or (a.headline_counts and a.in_text(headline)):
            continue
        rival = next((b for b in ATTRIBUTES if b.kind == a.kind and b is not a and b.in_text(sentence)), None)
        if rival is not None:
            return f"问的是{a.name}，句子说的是{rival.name}"
        if a.required:
            return f"句子没有说明{a.kind}“{a.name}”"
    return None
